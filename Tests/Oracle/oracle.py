#!/usr/bin/env python3
"""CPython as the oracle for complex-repl.

  oracle.py exact N SEED EXPRS EXPECTED      random + - * / expressions and CPython's repr
  oracle.py functions N SEED EXPRS EXPECTED  ** and every function on ordinary, tiny, huge,
                                             subnormal, signed-zero, infinite and NaN
                                             arguments, and CPython's repr
  oracle.py bench N SEED EXPRS               benchmark lines with 3 to 6 operators
  oracle.py userfunctions N SEED EXPRS EXPECTED
                                             a program of user functions (each a Python
                                             def, looked up when called), globals
                                             reassigned between calls, and calls; one
                                             expected line per line, '-' for silent ones

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


def compiled(text):
    """`text` compiled as Python, its integer literals floats."""
    tree = FloatLiterals().visit(ast.parse(text.replace("^", "**"), mode="eval"))
    return compile(ast.fix_missing_locations(tree), "<oracle>", "eval")


def caught(code, namespace, local_names=None):
    """The value of `code`, or 'ERROR <kind>' for the exception it raised."""
    try:
        return eval(code, namespace, local_names)
    except ZeroDivisionError:
        return "ERROR division"
    except OverflowError:
        return "ERROR overflow"
    except ValueError:
        return "ERROR domain"
    except RecursionError:
        return "ERROR recursion"
    except NameError:
        return "ERROR name"
    except TypeError:
        return "ERROR type"


def evaluate(line):
    value = caught(compiled(line), {"__builtins__": {}}, NAMES)
    return value if isinstance(value, str) else fmt(value)


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


FUNCTION_POOL = ["f0", "f1", "f2", "f3", "f4", "f5"]
GLOBAL_POOL = ["a", "b", "c"]
BUILTINS = ["sqrt", "exp", "conj", "log", "sin", "cosh", "abs", "atan"]


def body_expression(rng, depth, names, arities, in_body=True):
    """An expression over `names` (parameters and globals), builtins and user
    functions. In a body a call may name a function not defined yet, or give the wrong
    number of arguments (both found when called); in a line, where complex-repl finds
    them as it parses, calls are of defined functions with their number of arguments."""
    def sub():
        return body_expression(rng, depth - 1, names, arities, in_body)
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(names) if rng.random() < 0.6 else literal(rng, exotic=False)
    shape = rng.random()
    if shape < 0.3 and (in_body or arities):
        callee = rng.choice(FUNCTION_POOL if in_body else sorted(arities))
        count = arities.get(callee, rng.randint(0, 2))
        if in_body and rng.random() < 0.03:
            count += 1
        return f"{callee}({', '.join(sub() for _ in range(count))})"
    if shape < 0.45:
        return f"{rng.choice(BUILTINS)}({sub()})"
    if shape < 0.5:
        return "-" + sub()
    op = rng.choice(["+", "-", "*", "/", "*", "+", "**"])
    right = sub() if op != "**" else str(rng.randint(0, 3))
    return f"({sub()} {op} {right})"


def user_functions(n, seed, exprs_path, expected_path):
    rng = random.Random(seed)
    namespace = dict(NAMES)
    arities = {}

    def run(code):
        return caught(code, namespace)

    with open(exprs_path, "w") as exprs, open(expected_path, "w") as expected:
        for name in GLOBAL_POOL:
            exprs.write(f"{name} = 1.5\n")
            expected.write("-\n")
            namespace[name] = 1.5
        for _ in range(n):
            kind = rng.random()
            if kind < 0.2:
                name = rng.choice(FUNCTION_POOL)
                count = arities[name] if name in arities and rng.random() < 0.85 else rng.choice([0, 1, 1, 1, 2, 2])
                parameters = ["z", "w"][:count]
                names = parameters + GLOBAL_POOL + (["ans"] if rng.random() < 0.2 else [])
                if not parameters and rng.random() < 0.5:
                    names = GLOBAL_POOL
                body = body_expression(rng, rng.randint(1, 3), names, arities)
                line = f"{name}({', '.join(parameters)}) = {body}"
                namespace[name] = eval(compiled(f"lambda {', '.join(parameters)}: {body}"), namespace)
                arities[name] = len(parameters)
                outcome = "-"
            elif kind < 0.35:
                name = rng.choice(GLOBAL_POOL)
                value_text = body_expression(rng, rng.randint(0, 2), GLOBAL_POOL, arities, in_body=False)
                line = f"{name} = {value_text}"
                value = run(compiled(value_text))
                if isinstance(value, str):
                    outcome = value
                else:
                    namespace[name] = value
                    outcome = "-"
            else:
                defined = sorted(arities)
                if not defined:
                    continue
                callee = rng.choice(defined)
                arguments = ", ".join(body_expression(rng, rng.randint(0, 2), GLOBAL_POOL, arities, in_body=False) if rng.random() < 0.3
                                      else literal(rng) for _ in range(arities[callee]))
                line = f"{callee}({arguments})"
                if rng.random() < 0.3:
                    line = f"{line} {rng.choice('+-*/')} {literal(rng, exotic=False)}"
                value = run(compiled(line))
                if isinstance(value, str):
                    outcome = value
                else:
                    outcome = fmt(value)
                    namespace["ans"] = namespace["_"] = value
            exprs.write(line + "\n")
            expected.write(outcome + "\n")


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
    elif mode == "userfunctions":
        sys.setrecursionlimit(1000)
        user_functions(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif mode == "bench":
        bench(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
