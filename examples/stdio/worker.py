#!/usr/bin/env python3
"""A complex-repl backend in a dozen lines of Python: run it with

    complex-repl --backend stdio --command 'python3 examples/stdio/worker.py'

It reads one JSON request per line on stdin, {"op":"add","a":[1,3],"b":[0,-5],"id":7},
and writes one reply per line on stdout, {"result":[1,-2],"id":7}, in order
(docs/PROTOCOL.md, "stdio"). It does the demo's four operations with Python's own
arithmetic, so its answers are CPython's, and answers unsupported_operation for the rest.
Standard library only.
"""
import json
import math
import operator
import sys

OPERATIONS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
SPECIAL = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def number(x):
    """A wire number: a JSON number, or "inf", "-inf", "nan"."""
    return SPECIAL[x] if isinstance(x, str) else float(x)


def operand(x):
    """A real (bare number) or a complex number ([re, im])."""
    return complex(number(x[0]), number(x[1])) if isinstance(x, list) else number(x)


def wire(x):
    """A float as the wire writes it: non-finite numbers as strings."""
    if math.isnan(x):
        return "nan"
    return x if math.isfinite(x) else ("inf" if x > 0 else "-inf")


def answer(request):
    op = request.get("op", request.get("command"))
    if op not in OPERATIONS:
        return {"error": {"code": "unsupported_operation", "message": f"this worker does add, sub, mul and div, not {op}"}}
    try:
        result = OPERATIONS[op](operand(request["a"]), operand(request["b"]))
    except ZeroDivisionError:
        return {"error": {"code": "division_by_zero", "message": "division by zero"}}  # complex-server's words
    if isinstance(result, complex):
        return {"result": [wire(result.real), wire(result.imag)]}
    return {"result": wire(result)}


def reply(line):
    """The reply line to one request line, its id echoed."""
    try:
        request = json.loads(line)
        response = answer(request)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        request, response = {}, {"error": {"code": "bad_arguments", "message": f"not a request: {error}"}}
    if isinstance(request, dict) and "id" in request:
        response["id"] = request["id"]
    return json.dumps(response, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(reply(line))
            sys.stdout.flush()  # the caller may be waiting for this very reply
