#!/usr/bin/env python3
"""Python's grpcio as a peer of complex-server's gRPC listener, for the test suite.
Every command takes the server's HOST:PORT and prints what it found; a check that does
not hold raises (exit status 1).

  corpus ADDR EXPRESSIONS EXPECTED   every operation on a set of operands, called one
                                     at a time (unary) and over one stream: writes the
                                     REPL lines that ask the same and the results the
                                     REPL must print (stdout), and prints errors=N
  statuses ADDR                      INVALID_ARGUMENT, UNIMPLEMENTED, RESOURCE_EXHAUSTED,
                                     health NOT_FOUND, and the stream's in-band errors
  auth ADDR TOKEN                    no token and a wrong one: UNAUTHENTICATED; the token: OK
  watch ADDR                         grpc.health.v1 Watch: prints each status as it comes
  idle ADDR                          a stream left without requests: prints how it ended
  refused ADDR                       one call that must not be served: prints its status
  hold ADDR N                         N connections, each answered once and kept open:
                                     prints "holding N", then waits for its stdin to end
  stall ADDR                         a unary call whose message never comes, over a raw
                                     HTTP/2 connection (the h2 package): prints the
                                     grpc-status it ends with and after how long
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "grpc"))

import grpc  # noqa: E402
from client import number, python, pb, rpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

UNARY = ["sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
         "asinh", "acosh", "atanh", "abs", "arg", "conj", "re", "im"]
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
OPERANDS = [("2", 2.0), ("0.5", 0.5), ("(1.5+2j)", 1.5 + 2j), ("(0.25-3j)", 0.25 - 3j), ("3j", 3j),
            ("(-2+0.5j)", complex(-2, 0.5)), ("1e300", 1e300), ("0", 0.0)]


def shown(x):
    """A result as the REPL prints it: repr(complex), a real as that part of one."""
    if isinstance(x, complex):
        return repr(x)
    text = repr(x)
    return text[:-2] if text.endswith(".0") else text


def request(op, a, b=None):
    message = pb.ComputeRequest(operation=op, a=number(a))
    if b is not None:
        message.b.CopyFrom(number(b))
    return message


def corpus(channel, expressions, expected):
    stub = rpc.CalculatorStub(channel)
    calls = []
    for name, value in OPERANDS:
        calls.append((f"-{name}", request("neg", value)))
        for op in UNARY:
            calls.append((f"{op}({name})", request(op, value)))
        calls.append((f"log({name}, 2)", request("log", value, 2.0)))
        for other, other_value in OPERANDS[::2]:
            for op, symbol in INFIX.items():
                calls.append((f"{name} {symbol} {other}", request(op, value, other_value)))
    unary = [stub.Compute(message, timeout=10) for _, message in calls]
    # The stream, in batches of 1, 7 and the rest.
    messages = [message for _, message in calls]
    batches = [messages[:1], messages[1:8], messages[8:]]
    streamed = [reply for batch in stub.ComputeStream(iter([pb.ComputeBatch(requests=b) for b in batches]), timeout=30)
                for reply in batch.replies]
    assert len(streamed) == len(unary), (len(streamed), len(unary))
    lines, errors = [], 0
    for reply, again in zip(unary, streamed):
        assert reply == again, (reply, again)  # one at a time and streamed alike
        if reply.WhichOneof("outcome") == "error":
            errors += 1
        else:
            lines.append(shown(python(reply.result)))
    with open(expressions, "w") as out:
        out.write("".join(expression + "\n" for expression, _ in calls))
    with open(expected, "w") as out:
        out.write("".join(line + "\n" for line in lines))
    print(f"calls={len(calls)} errors={errors}")


def status_of(call):
    try:
        call()
    except grpc.RpcError as error:
        return error.code().name, error.details()
    return "OK", ""


def statuses(channel):
    stub = rpc.CalculatorStub(channel)
    code, details = status_of(lambda: stub.Compute(pb.ComputeRequest(operation="add", a=number(1.0)), timeout=5))
    assert code == "INVALID_ARGUMENT" and 'add takes 2 operands: "a" and "b"' in details, (code, details)
    code, details = status_of(lambda: stub.Compute(pb.ComputeRequest(operation="sqrt"), timeout=5))
    assert code == "INVALID_ARGUMENT" and 'sqrt needs operand "a"' in details, (code, details)
    code, details = status_of(lambda: stub.Compute(request("frobnicate", 1.0), timeout=5))
    assert code == "UNIMPLEMENTED" and 'unknown operation "frobnicate"' in details, (code, details)
    # Over the 64 KiB limit: grpc-swift's transport resets the call (CANCELLED here),
    # and the connection serves on.
    code, details = status_of(lambda: stub.Compute(request("x" * 70_000, 1.0), timeout=5))
    assert code in ("RESOURCE_EXHAUSTED", "CANCELLED"), (code, details)
    assert stub.Compute(request("add", 1.0, 2.0), timeout=5).result.real == 3.0
    # A math error is an answer: status OK.
    reply = stub.Compute(request("div", 1.0, 0.0), timeout=5)
    assert reply.error.code == "division_by_zero" and reply.error.message == "division by zero", reply
    # The stream answers each request in its place, refused ones too, in order.
    batch = pb.ComputeBatch(requests=[request("add", 1.0, 2.0), request("frobnicate", 1.0),
                                      pb.ComputeRequest(operation="mul", a=number(2.0)), request("sqrt", -4.0)])
    (reply,) = list(stub.ComputeStream(iter([batch]), timeout=5))
    replies = reply.replies
    assert [r.WhichOneof("outcome") for r in replies] == ["result", "error", "error", "result"], replies
    assert replies[0].result.real == 3.0 and replies[3].result.complex.imag == 2.0, replies
    assert replies[1].error.code == "unknown_operation" and replies[2].error.code == "bad_arguments", replies
    health = health_pb2_grpc.HealthStub(channel)
    for service in ["", "complex.v1.Calculator"]:
        assert health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status == health_pb2.HealthCheckResponse.SERVING
    code, _ = status_of(lambda: health.Check(health_pb2.HealthCheckRequest(service="nope"), timeout=5))
    assert code == "NOT_FOUND", code
    print("statuses ok")


def auth(channel, token):
    stub = rpc.CalculatorStub(channel)
    health = health_pb2_grpc.HealthStub(channel)
    for metadata in ([], [("authorization", "Bearer wrong")], [("authorization", f"Basic {token}")],
                     [("authorization", f"Bearer {token}x")]):
        for call in (lambda: stub.Compute(request("add", 1.0, 2.0), metadata=metadata, timeout=5),
                     lambda: list(stub.ComputeStream(iter([pb.ComputeBatch(requests=[request("add", 1.0, 2.0)])]),
                                                     metadata=metadata, timeout=5)),
                     lambda: health.Check(health_pb2.HealthCheckRequest(), metadata=metadata, timeout=5)):
            code, details = status_of(call)
            assert code == "UNAUTHENTICATED" and "token" in details, (metadata, code, details)
    good = [("authorization", f"bearer   {token}")]
    assert stub.Compute(request("add", 1.0, 2.0), metadata=good, timeout=5).result.real == 3.0
    print("auth ok")


def watch(channel):
    health = health_pb2_grpc.HealthStub(channel)
    names = {v: k for k, v in health_pb2.HealthCheckResponse.ServingStatus.items()}
    try:
        for response in health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=20):
            print(names[response.status], flush=True)
    except grpc.RpcError as error:
        print(f"ended {error.code().name}", flush=True)
        return
    print("ended OK", flush=True)


def idle(channel):
    stub = rpc.CalculatorStub(channel)
    start = time.monotonic()

    def requests():
        yield pb.ComputeBatch(requests=[request("add", 1.0, 2.0)])
        time.sleep(30)  # nothing more: the server's idle deadline ends the stream first

    replies = stub.ComputeStream(requests(), timeout=20)
    try:
        count = sum(1 for _ in replies)
        print(f"ended OK replies={count} after={time.monotonic() - start:.1f}", flush=True)
    except grpc.RpcError as error:
        print(f"ended {error.code().name} after={time.monotonic() - start:.1f}", flush=True)
    os._exit(0)  # the request thread is still asleep


def refused(channel):
    stub = rpc.CalculatorStub(channel)
    code, details = status_of(lambda: stub.Compute(request("add", 1.0, 2.0), timeout=5, wait_for_ready=False))
    print(code, details)


def hold(address, count):
    channels = []
    for _ in range(count):
        channel = grpc.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)])
        rpc.CalculatorStub(channel).Compute(request("add", 1.0, 2.0), timeout=10)
        channels.append(channel)
    print(f"holding {count}", flush=True)
    sys.stdin.read()


def stall(address):
    """Opens Compute with its headers and never sends the message."""
    import socket

    import h2.config
    import h2.connection
    import h2.events

    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=30)
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    connection.initiate_connection()
    stream = connection.get_next_available_stream_id()
    connection.send_headers(stream, [(":method", "POST"), (":scheme", "http"), (":authority", address),
                                     (":path", "/complex.v1.Calculator/Compute"), ("content-type", "application/grpc"),
                                     ("te", "trailers")], end_stream=False)
    sock.sendall(connection.data_to_send())
    start = time.monotonic()
    status = None
    while status is None:
        data = sock.recv(65536)
        if not data:
            print(f"closed after={time.monotonic() - start:.1f}")
            return
        for event in connection.receive_data(data):
            if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                status = dict(event.headers).get("grpc-status", status)
            elif isinstance(event, h2.events.StreamReset):
                status = f"reset {event.error_code}"
        sock.sendall(connection.data_to_send())
    print(f"grpc-status={status} after={time.monotonic() - start:.1f}")


def main():
    command, address = sys.argv[1], sys.argv[2]
    with grpc.insecure_channel(address) as channel:
        if command == "corpus":
            corpus(channel, sys.argv[3], sys.argv[4])
        elif command == "statuses":
            statuses(channel)
        elif command == "auth":
            auth(channel, sys.argv[3])
        elif command == "watch":
            watch(channel)
        elif command == "idle":
            idle(channel)
        elif command == "refused":
            refused(channel)
        elif command == "stall":
            stall(address)
        elif command == "hold":
            hold(address, int(sys.argv[3]))
        else:
            raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
