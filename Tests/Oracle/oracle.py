#!/usr/bin/env python3
"""CPython as the oracle for complex-repl.

  oracle.py exact N SEED EXPRS EXPECTED      random + - * / expressions and CPython's repr
  oracle.py functions N SEED EXPRS EXPECTED  ** and the functions, for a tolerance compare
  oracle.py compare EXPECTED ACTUAL          tolerance compare; prints a summary, exit 1 on mismatch
  oracle.py bench N SEED EXPRS               benchmark lines with 3 to 6 operators

Integer literals are evaluated as floats (complex-repl has no integers). A real result
is printed as CPython prints that part inside a complex repr; a failure as
'ERROR <kind>'.
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


FUNCTIONS = {
    "abs": abs, "arg": lambda z: cmath.phase(z), "conj": lambda z: z.conjugate(),
    "re": lambda z: z.real, "im": lambda z: z.imag,
    "sqrt": cmath.sqrt, "exp": cmath.exp, "log": cmath.log, "log10": cmath.log10,
    "sin": cmath.sin, "cos": cmath.cos, "tan": cmath.tan, "asin": cmath.asin, "acos": cmath.acos,
    "atan": cmath.atan, "sinh": cmath.sinh, "cosh": cmath.cosh, "tanh": cmath.tanh,
}


def fmt(v):
    if isinstance(v, complex):
        return repr(v)
    return repr(complex(0.0, v))[:-1]


def evaluate(line):
    tree = ast.fix_missing_locations(FloatLiterals().visit(ast.parse(line.replace("^", "**"), mode="eval")))
    try:
        return fmt(eval(compile(tree, "<oracle>", "eval"), {"__builtins__": {}}, FUNCTIONS))
    except ZeroDivisionError:
        return "ERROR division"
    except OverflowError:
        return "ERROR overflow"
    except ValueError:
        return "ERROR domain"


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


def function_expression(rng):
    small = lambda: literal(rng, exotic=False)
    shape = rng.random()
    if shape < 0.3:
        base = f"({small()} + {small()})"
        return f"{base} ** {rng.randint(-6, 6)}"
    if shape < 0.45:
        a, b = f"({small()} - {small()})", f"({rng.uniform(-3, 3):.3f} + {rng.uniform(-3, 3):.3f}j)"
        return f"{a} ** {b}"
    f = rng.choice(sorted(FUNCTIONS))
    arg = rng.choice([f"{rng.uniform(-4, 4):.4f}", f"({rng.uniform(-4, 4):.4f}{rng.choice('+-')}{rng.uniform(0, 4):.4f}j)",
                      f"{rng.uniform(-0.99, 0.99):.5f}", f"{rng.randint(-3, 3)}j"])
    return f"{f}({arg})"


def generate(kind, n, seed, exprs_path, expected_path):
    rng = random.Random(seed)
    with open(exprs_path, "w") as exprs, open(expected_path, "w") as expected:
        for _ in range(n):
            line = expression(rng, rng.randint(1, 5)) if kind == "exact" else function_expression(rng)
            exprs.write(line + "\n")
            expected.write(evaluate(line) + "\n")


def compare(expected_path, actual_path):
    expected = open(expected_path).read().splitlines()
    actual = open(actual_path).read().splitlines()
    if len(expected) != len(actual):
        print(f"line counts differ: expected {len(expected)}, got {len(actual)}")
        return 1
    mismatches, worst = [], 0.0
    for number, (e, a) in enumerate(zip(expected, actual), 1):
        if e.startswith("ERROR") or a.startswith("ERROR"):
            # CPython raises OverflowError where complex-repl's ** returns inf (documented).
            if e == "ERROR overflow" and not a.startswith("ERROR"):
                continue
            if e.startswith("ERROR") != a.startswith("ERROR"):
                mismatches.append((number, e, a))
            continue
        ze, za = complex(e), complex(a)
        if cmath.isnan(ze) or cmath.isnan(za) or cmath.isinf(ze) or cmath.isinf(za):
            if repr(ze) != repr(za):
                mismatches.append((number, e, a))
            continue
        error = abs(ze - za) / max(abs(ze), 1e-300)
        worst = max(worst, error)
        if error > 8 * sys.float_info.epsilon:
            mismatches.append((number, e, a))
    print(f"{len(expected)} lines, {len(mismatches)} mismatches, worst relative error {worst:.3g}")
    for number, e, a in mismatches[:20]:
        print(f"  line {number}: CPython {e}, complex-repl {a}")
    return 1 if mismatches else 0


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
    elif mode == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    elif mode == "bench":
        bench(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
