#!/usr/bin/env python3
"""A client written the way the original demo's was: `requests.post` per operation.

usage: examples/http_client.py [URL]      (default http://127.0.0.1:3000)

Each call is POST URL/<op> with {"a": [re, im], "b": [re, im]}; the reply is
{"result": [re, im]} (docs/PROTOCOL.md). `requests` is the demo's HTTP library.
"""
import sys

import requests


def call(base, op, a, b=None):
    body = {"a": [a.real, a.imag]}
    if b is not None:
        body["b"] = [b.real, b.imag]
    response = requests.post(f"{base}/{op}", json=body, timeout=5)
    payload = response.json()
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code} {payload['error']['code']}: {payload['error']['message']}")
    return complex(*payload["result"])


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
    print("add", call(base, "add", 1 + 3j, -5j))
    print("mul", call(base, "mul", 2 + 1j, 3 - 4j))
    print("sqrt", call(base, "sqrt", -4 + 0j))
    try:
        call(base, "div", 1j, 0j)
    except RuntimeError as error:
        print("error", error)


if __name__ == "__main__":
    main()
