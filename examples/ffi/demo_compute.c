/* The original demo's FFI library, in C: the demo ABI's `compute` for add, sub, mul.
 * Build:   cc -shared -fPIC -O2 -I Modules/CComplexABI -o libdemo.so examples/ffi/demo_compute.c
 * Use:     complex-repl --backend ffi --library ./libdemo.so     (or :backend ffi ./libdemo.so)
 * Operations it lacks (/, **, sqrt, ...) fail with a clear error instead of a wrong answer. */
#include <math.h>
#include <string.h>
#include "complex_abi.h"

Complex compute(const char *op, Complex a, Complex b) {
    if (strcmp(op, "add") == 0) return (Complex){a.re + b.re, a.im + b.im};
    if (strcmp(op, "sub") == 0) return (Complex){a.re - b.re, a.im - b.im};
    if (strcmp(op, "mul") == 0) return (Complex){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    return (Complex){NAN, NAN};
}
