/* Complex functions for compiled code, a routine of the support library (C ABI, no dependency on the rest
 * of ember). Compiled code keeps complex arithmetic inline and calls this for the transcendental functions,
 * which are evaluated as the reference executor evaluates them (runtime/support/complex_math.h and the C++
 * library). */
#ifndef EMBER_RUNTIME_SUPPORT_COMPLEX_FUNCTIONS_H
#define EMBER_RUNTIME_SUPPORT_COMPLEX_FUNCTIONS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  EMBER_CX_EXP, EMBER_CX_EXP2, EMBER_CX_EXPM1, EMBER_CX_LOG, EMBER_CX_LOG1P, EMBER_CX_SQRT, EMBER_CX_RSQRT,
  EMBER_CX_SIN, EMBER_CX_COS, EMBER_CX_TAN, EMBER_CX_ASIN, EMBER_CX_ACOS, EMBER_CX_ATAN, EMBER_CX_SINH,
  EMBER_CX_COSH, EMBER_CX_TANH, EMBER_CX_ASINH, EMBER_CX_ACOSH, EMBER_CX_ATANH, EMBER_CX_LOGISTIC,
  EMBER_CX_SIGN, EMBER_CX_POW, /* the only binary one: x ** y */
};

typedef struct EmberComplex {
  double re, im;
} EmberComplex;

/* Function `fn` (EMBER_CX_*) of x (and y for EMBER_CX_POW); `single` evaluates in complex64 (the result
 * widened to double) as the executor does for complex64 arrays. */
EmberComplex ember_complex_function(int64_t fn, int64_t single, double x_re, double x_im, double y_re, double y_im);

#ifdef __cplusplus
}
#endif

#endif
