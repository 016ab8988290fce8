#!/usr/bin/env python3
"""A complex.v1.Calculator server in 20 lines of Python grpcio, for complex-repl:

    python3 examples/grpc/server.py 127.0.0.1:50052 &
    complex-repl --backend grpc --url grpc://127.0.0.1:50052

The demo's four operations with Python's own arithmetic; others are UNIMPLEMENTED
(one call) or an unsupported_operation error in their place (a batch on the stream).
"""
import operator, os, sys
from concurrent import futures
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))
import grpc
from complex.v1 import calculator_pb2 as pb, calculator_pb2_grpc as rpc
from client import number, python  # noqa: E402  (the Number conversions, both ways)

OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}

def answer(request):
    if request.operation not in OPS:
        return pb.ComputeReply(error=pb.Error(code="unsupported_operation", message=f"this server does add, sub, mul and div, not {request.operation}"))
    try:
        return pb.ComputeReply(result=number(OPS[request.operation](python(request.a), python(request.b))))
    except ZeroDivisionError:
        return pb.ComputeReply(error=pb.Error(code="division_by_zero", message="division by zero"))

class Calculator(rpc.CalculatorServicer):
    def Compute(self, request, context):
        if request.operation not in OPS:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, f"no operation {request.operation}")
        return answer(request)

    def ComputeStream(self, batches, context):
        return (pb.ComputeBatchReply(replies=map(answer, batch.requests)) for batch in batches)

if __name__ == "__main__":
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    rpc.add_CalculatorServicer_to_server(Calculator(), server)
    port = server.add_insecure_port(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50052")
    server.start()
    print(f"listening on port {port}", flush=True)
    server.wait_for_termination()
