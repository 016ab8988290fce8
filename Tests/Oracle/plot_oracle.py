#!/usr/bin/env python3
"""mpmath as the oracle for complex-repl's plots.

  plot_oracle.py PNG EXPR FROM TO

Reads the PNG with Pillow and colours every pixel's point the way mpmath's cplot does
(mpmath.visualization.default_color_function), with f evaluated by CPython at the
pixel's centre (a failure is NaN). Prints the mean and largest channel difference
and the pixels compared; exits 1 when the mean is over 1/255 or any difference over 3.
"""
import ast
import cmath
import math
import sys

import mpmath
from mpmath.visualization import default_color_function
from PIL import Image

NAMES = {"sqrt": cmath.sqrt, "exp": cmath.exp, "log": cmath.log, "sin": cmath.sin, "cos": cmath.cos,
         "tan": cmath.tan, "conj": lambda z: z.conjugate(), "abs": abs, "pi": math.pi, "e": math.e}


class FloatLiterals(ast.NodeTransformer):
    def visit_Constant(self, node):
        if isinstance(node.value, int):
            return ast.copy_location(ast.Constant(float(node.value)), node)
        return node


def main():
    path, expression, low, high = sys.argv[1], sys.argv[2], complex(sys.argv[3]), complex(sys.argv[4])
    image = Image.open(path)
    assert image.mode == "RGB", image.mode
    width, height = image.size
    tree = ast.fix_missing_locations(FloatLiterals().visit(ast.parse(expression.replace("^", "**"), mode="eval")))
    code = compile(tree, "<plot>", "eval")
    pixels = image.load()
    total = largest = 0
    for j in range(height):
        for i in range(width):
            z = complex(low.real + (i + 0.5) * (high.real - low.real) / width,
                        high.imag - (j + 0.5) * (high.imag - low.imag) / height)
            try:
                w = complex(eval(code, {"__builtins__": {}}, {**NAMES, "z": z}))
            except (ZeroDivisionError, ValueError, OverflowError):
                w = complex(math.nan, math.nan)
            want = [round(255 * float(c)) for c in default_color_function(mpmath.mp, mpmath.mpc(w))]
            for got, expected in zip(pixels[i, j], want):
                difference = abs(got - expected)
                total += difference
                largest = max(largest, difference)
    mean = total / (3 * width * height)
    print(f"pixels={width * height} mean={mean:.5f} max={largest}")
    sys.exit(0 if mean <= 1 / 255 and largest <= 3 else 1)


if __name__ == "__main__":
    main()
