#!/usr/bin/env python3
"""CPython as the oracle for complex-repl.

  oracle.py exact N SEED EXPRS EXPECTED      random + - * / expressions and CPython's repr
  oracle.py functions N SEED EXPRS EXPECTED  ** and every function on ordinary, tiny, huge,
                                             subnormal, signed-zero, infinite and NaN
                                             arguments, and CPython's repr
  oracle.py bench N SEED EXPRS               benchmark lines with 3 to 6 operators

Integer literals are evaluated as floats (complex-repl has no integers). A real result
is printed as CPython prints that part inside a complex repr; a failure as
'ERROR <kind>'. Functions follow the language's numeric tower: on real arguments
Python's math function, or cmath's where math raises ValueError; on complex ones cmath's.
"""
import ast
import cmath
import math
import random
import sys


class FloatLiterals(ast.NodeTransformer):
    def visit_Constant(self, node):
        if isinstance(node.value, int):
            return ast.copy_location(ast.Constant(float(node.value)), node)
        return node


def as_real(z):
    return z.real if isinstance(z, complex) else z


def tower(name):
    """math's function on real arguments where it gives a number, else cmath's."""
    real, complex_ = getattr(math, name), getattr(cmath, name)

    def function(*args):
        if all(isinstance(a, float) for a in args):
            try:
                return real(*args)
            except ValueError:
                pass
        return complex_(*args)
    return function


TOWER = "sqrt exp log log10 sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh".split()
FUNCTIONS = {
    "abs": abs, "arg": cmath.phase, "phase": cmath.phase, "conj": lambda z: z.conjugate(),
    "re": lambda z: z.real, "im": lambda z: z.imag, "rect": cmath.rect, "complex": complex,
    **{name: tower(name) for name in TOWER},
}
NAMES = {**FUNCTIONS, "pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf, "nan": math.nan,
         "infj": cmath.infj, "nanj": cmath.nanj}


def fmt(v):
    if isinstance(v, complex):
        return repr(v)
    return repr(complex(0.0, v))[:-1]


def evaluate(line):
    tree = ast.fix_missing_locations(FloatLiterals().visit(ast.parse(line.replace("^", "**"), mode="eval")))
    try:
        return fmt(eval(compile(tree, "<oracle>", "eval"), {"__builtins__": {}}, NAMES))
    except ZeroDivisionError:
        return "ERROR division"
    except OverflowError:
        return "ERROR overflow"
    except ValueError:
        return "ERROR domain"
    except TypeError:
        return "ERROR type"


def literal(rng, exotic=True, nonzero=False):
    low = 1 if nonzero else 0
    kind = rng.random()
    if kind < 0.35:
        text = str(rng.randint(low, 20))
    elif kind < 0.65:
        text = f"{rng.randint(low, 999)}.{rng.randint(low, 999)}"
    elif kind < 0.8:
        text = f"{rng.randint(1, 99)}e{rng.randint(-20, 20)}"
    elif kind < 0.9:
        text = f".{rng.randint(1, 99)}"
    elif exotic and kind < 0.95:
        text = rng.choice(["0", "1e308", "1e-320", "7e307", "0.0"])
    else:
        text = str(rng.randint(1, 9))
    if rng.random() < 0.4:
        text += "j"
    return text


def expression(rng, depth, exotic=True):
    if depth <= 0 or rng.random() < 0.3:
        return literal(rng, exotic)
    shape = rng.random()
    if shape < 0.12:
        return "-" + expression(rng, depth - 1, exotic)
    if shape < 0.25:
        return "(" + expression(rng, depth - 1, exotic) + ")"
    op = rng.choice(["+", "-", "*", "/"])
    return expression(rng, depth - 1, exotic) + f" {op} " + expression(rng, depth - 1, exotic)


def argument(rng):
    """A double from one of the kinds where implementations differ: ordinary, near 1,
    tiny, subnormal, huge, the largest, signed zeros, infinities and NaN."""
    kind = rng.random()
    sign = rng.choice([1.0, -1.0])
    if kind < 0.35:
        x = rng.uniform(-10, 10)
    elif kind < 0.45:
        x = sign * (1 + rng.uniform(-1e-3, 1e-3))
    elif kind < 0.55:
        x = sign * rng.uniform(1, 10) * 10.0 ** rng.randint(-308, -290)
    elif kind < 0.6:
        x = sign * rng.uniform(1, 1000) * 5e-324
    elif kind < 0.7:
        x = sign * rng.uniform(1, 10) * 10.0 ** rng.randint(290, 307)
    elif kind < 0.72:
        x = sign * 1.7976931348623157e308
    elif kind < 0.84:
        x = sign * 0.0
    elif kind < 0.88:
        x = rng.choice([1.0, -1.0, 2.0, 0.5])
    elif kind < 0.95:
        x = sign * math.inf
    else:
        x = math.nan
    return repr(x)


def operand(rng, real_only=False):
    if real_only or rng.random() < 0.3:
        return argument(rng)
    return f"complex({argument(rng)}, {argument(rng)})"


def function_expression(rng):
    shape = rng.random()
    if shape < 0.1:
        base = f"({literal(rng, exotic=False)} + {literal(rng, exotic=False)})"
        return f"{base} ** {rng.randint(-6, 6)}"
    if shape < 0.25:
        exponent = rng.choice([operand(rng), f"{rng.uniform(-3, 3):.3f}", str(rng.randint(-120, 120))])
        return f"{operand(rng)} ** {exponent}"
    if shape < 0.3:
        return f"rect({argument(rng)}, {argument(rng)})"
    if shape < 0.35:
        return f"complex({operand(rng)}, {operand(rng)})"
    if shape < 0.4:
        return f"log({operand(rng)}, {operand(rng)})"
    name = rng.choice(sorted(set(FUNCTIONS) - {"rect", "complex"}))
    return f"{name}({operand(rng)})"


SPECIAL_KINDS = ["-inf", "-2.5", "-0.0", "0.0", "2.5", "inf", "nan"]


def special_value_grid():
    """Every function on every pair of the kinds cmath's special-value tables tell apart."""
    for name in sorted(FUNCTIONS):
        for re_ in SPECIAL_KINDS:
            for im in SPECIAL_KINDS:
                yield f"rect({re_}, {im})" if name == "rect" else f"{name}(complex({re_}, {im}))"


def generate(kind, n, seed, exprs_path, expected_path):
    rng = random.Random(seed)
    with open(exprs_path, "w") as exprs, open(expected_path, "w") as expected:
        if kind == "functions":
            for line in special_value_grid():
                exprs.write(line + "\n")
                expected.write(evaluate(line) + "\n")
        for _ in range(n):
            line = expression(rng, rng.randint(1, 5)) if kind == "exact" else function_expression(rng)
            exprs.write(line + "\n")
            expected.write(evaluate(line) + "\n")


def bench(n, seed, path):
    """Lines shaped like `(2.5-1j)*(3+4j)/(1-2j) - 7j`: 3 to 6 operators, counting the
    sign inside each (real±imaginary) pair, and no zero divisor (CPython's loop stops at one)."""
    rng = random.Random(seed)
    real = lambda: literal(rng, False, True).rstrip("j")
    with open(path, "w") as out:
        for _ in range(n):
            ops = rng.randint(3, 6)
            terms, used = [], 0
            while used < ops:
                if used + 2 <= ops and rng.random() < 0.5:
                    terms.append(f"({real()}{rng.choice('+-')}{real()}j)")
                    used += 1
                else:
                    terms.append(literal(rng, False, True))
                used += 1 if len(terms) > 1 else 0
            text = terms[0]
            for term in terms[1:]:
                text += f" {rng.choice('+-*/')} {term}"
            out.write(text + "\n")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode in ("exact", "functions"):
        generate(mode, int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif mode == "bench":
        bench(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
