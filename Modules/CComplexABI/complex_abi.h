/* The C ABI of complex-repl's `ffi` backend (docs/FFI.md).
 *
 * A library implements either or both of these entry points. Any language that can
 * export C functions (C, Rust, Zig, Swift with @_cdecl) can implement them:
 *
 *   compute        the original demo's function: add, sub and mul, no error reporting
 *   complex_apply  the full operation set, reporting errors through its return value
 *
 * and optionally:
 *   complex_apply_real          real operands keep Python's float semantics (inf*2 is inf)
 *   complex_last_error_message  the text of the last error on this thread
 */
#ifndef COMPLEX_REPL_COMPLEX_ABI_H
#define COMPLEX_REPL_COMPLEX_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct { double re, im; } Complex;

/* Return codes of complex_apply and complex_apply_real. */
enum {
    COMPLEX_OK = 0,
    COMPLEX_UNKNOWN_OPERATION = 1, /* op names no operation this library has */
    COMPLEX_WRONG_ARITY = 2,       /* count is not an operand count the operation takes */
    COMPLEX_DIVISION_BY_ZERO = 3,  /* division by zero, or 0 to a negative/complex power */
    COMPLEX_DOMAIN_ERROR = 4,      /* e.g. log(0) */
    COMPLEX_OVERFLOW = 5           /* a function of a finite argument overflowed */
};

/* The demo's entry point: op is "add", "sub" or "mul". */
Complex compute(const char *op, Complex a, Complex b);

/* op is an operation name from docs/PROTOCOL.md ("add", "pow", "sqrt", ...); args
 * holds count operands (1 or 2, as the operation allows: log and complex take either);
 * on COMPLEX_OK the result is in *out. */
int complex_apply(const char *op, const Complex *args, size_t count, Complex *out);

/* Optional. As complex_apply, for operands that are all real. *is_real is set to 1
 * when the result is real (then out->im is 0), else 0 (e.g. sqrt(-4) is 2j). */
int complex_apply_real(const char *op, const double *args, size_t count, Complex *out, int *is_real);

/* Optional. The message of the last failed call on this thread, or NULL. */
const char *complex_last_error_message(void);

#ifdef __cplusplus
}
#endif

#endif
