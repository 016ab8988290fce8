#!/usr/bin/env python3
"""A Python gRPC client of complex-server, from the same contract (Protos/complex/v1/
calculator.proto; the code under generated/ is what scripts/generate-grpc writes),
with the original demo's flags:

    complex-server --grpc 127.0.0.1:50051 &
    python3 examples/grpc/client.py --add --arg1 1+3j --arg2 -5j        # (1-2j)
    python3 examples/grpc/client.py --op sqrt --arg1 -4                  # 2j
    python3 examples/grpc/client.py --target 127.0.0.1:50051 --bench 2000

--bench N makes N calls one after another (unary Compute, add) and prints their
median and 99th percentile in µs (p50_us=… p99_us=…): what gRPC costs from Python.
A token ($COMPLEX_SERVER_TOKEN) goes as `authorization: Bearer TOKEN` metadata.
Needs grpcio (pip install grpcio).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))

import grpc  # noqa: E402
from complex.v1 import calculator_pb2 as pb, calculator_pb2_grpc as rpc  # noqa: E402


def number(x):
    """A Python number as the contract's Number: a float stays a real."""
    if isinstance(x, complex):
        return pb.Number(complex=pb.Complex(real=x.real, imag=x.imag))
    return pb.Number(real=x)


def python(n):
    """The contract's Number as Python's."""
    if n.WhichOneof("kind") == "complex":
        return complex(n.complex.real, n.complex.imag)
    return n.real


def parse(text):
    """A command-line operand: `1+3j` is complex, `2.5` a real (as Python reads them)."""
    return complex(text) if "j" in text else float(text)


def compute(stub, metadata, operation, a, b=None):
    request = pb.ComputeRequest(operation=operation, a=number(a))
    if b is not None:
        request.b.CopyFrom(number(b))
    reply = stub.Compute(request, metadata=metadata, timeout=5)
    if reply.WhichOneof("outcome") == "error":
        raise ArithmeticError(f"{reply.error.code}: {reply.error.message}")
    return python(reply.result)


def bench(stub, metadata, count):
    a, b = 1 + 3j, -5j
    for _ in range(min(200, count)):  # warm the connection and both ends
        compute(stub, metadata, "add", a, b)
    times = []
    for _ in range(count):
        start = time.perf_counter_ns()
        compute(stub, metadata, "add", a, b)
        times.append(time.perf_counter_ns() - start)
    times.sort()
    print(f"calls={count} p50_us={times[len(times) // 2] / 1000:.1f} p99_us={times[len(times) * 99 // 100] / 1000:.1f}")


def main():
    parser = argparse.ArgumentParser(description="Call complex-server over gRPC.")
    parser.add_argument("--target", default="127.0.0.1:50051", help="HOST:PORT of complex-server --grpc")
    for name in ("add", "sub", "mul", "div"):
        parser.add_argument(f"--{name}", dest="command", action="store_const", const=name)
    parser.add_argument("--op", dest="command", help="any operation by name (sqrt, log, ...)")
    parser.add_argument("--arg1", help="first operand, e.g. 1+3j")
    parser.add_argument("--arg2", help="second operand, for operations of two")
    parser.add_argument("--bench", type=int, metavar="N", help="time N calls one after another")
    # `--arg2 -5j`, as the demo (click) takes it: argparse would read -5j as an option.
    argv = sys.argv[1:]
    for i in range(len(argv) - 1):
        if argv[i] in ("--arg1", "--arg2") and argv[i + 1] is not None:
            argv[i], argv[i + 1] = f"{argv[i]}={argv[i + 1]}", None
    args = parser.parse_args([a for a in argv if a is not None])
    token = os.environ.get("COMPLEX_SERVER_TOKEN")
    metadata = [("authorization", f"Bearer {token}")] if token else []
    with grpc.insecure_channel(args.target) as channel:
        stub = rpc.CalculatorStub(channel)
        try:
            if args.bench:
                bench(stub, metadata, args.bench)
                return 0
            if not args.command or args.arg1 is None:
                parser.error("give an operation (--add, --sub, --mul, --div or --op NAME) and --arg1")
            b = parse(args.arg2) if args.arg2 is not None else None
            print(compute(stub, metadata, args.command, parse(args.arg1), b))
        except grpc.RpcError as error:
            print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
        except ArithmeticError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
