#!/usr/bin/env python3
"""A complex-server client over its Unix socket, in standard-library Python.

usage: examples/ipc_client.py [SOCKET]
       (default: $XDG_RUNTIME_DIR/complex-repl.sock, else complex-repl-UID/complex-repl.sock in $TMPDIR or /tmp)

One persistent connection; one JSON line per request and per response
(docs/PROTOCOL.md). Complex numbers travel as [re, im], reals as numbers, and
non-finite parts as the strings "inf", "-inf", "nan".
"""
import json
import math
import os
import socket
import sys


class ComplexServerError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


def _number(x):
    return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def encode(value):
    if isinstance(value, complex):
        return [_number(value.real), _number(value.imag)]
    return _number(float(value))


def decode(value):
    if isinstance(value, list):
        return complex(float(value[0]), float(value[1]))
    return float(value)


class ComplexClient:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(path)
        self.stream = self.sock.makefile("rwb")

    def call(self, op, a, b=None):
        request = {"op": op, "a": encode(a)}
        if b is not None:
            request["b"] = encode(b)
        self.stream.write(json.dumps(request).encode() + b"\n")
        self.stream.flush()
        reply = json.loads(self.stream.readline())
        if "error" in reply:
            raise ComplexServerError(reply["error"]["code"], reply["error"]["message"])
        return decode(reply["result"])

    def close(self):
        self.stream.close()
        self.sock.close()


def default_path():
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, "complex-repl.sock")
    temporary = os.environ.get("TMPDIR", "")
    if not temporary.startswith("/"):
        temporary = "/tmp"
    return os.path.join(temporary, f"complex-repl-{os.getuid()}", "complex-repl.sock")


def main():
    client = ComplexClient(sys.argv[1] if len(sys.argv) > 1 else default_path())
    print("add", client.call("add", 1 + 3j, -5j))
    print("mul", client.call("mul", 2 + 1j, 3 - 4j))
    print("div", client.call("div", 1 + 2j, 3 - 4j))
    print("sqrt", client.call("sqrt", -4.0))
    print("overflow", client.call("mul", 1e308, 10.0))
    try:
        client.call("div", 1j, 0j)
    except ComplexServerError as error:
        print("error", error.code)
    client.close()


if __name__ == "__main__":
    main()
