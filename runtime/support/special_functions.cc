// The special functions of runtime/support/special_math.h (one text for the host and the GPU), compiled for
// the host, under the C-ABI names that the reference executor and generated CPU code call.
#include "runtime/support/special_functions.h"

#include "runtime/support/special_math.h"

extern "C" {
double ember_erf_inv(double x) { return ember_special::erf_inv(x); }
double ember_lgamma(double x) { return ember_special::lgamma(x); }
double ember_digamma(double x) { return ember_special::digamma(x); }
double ember_polygamma(double m, double x) { return ember_special::polygamma(m, x); }
double ember_bessel_i0e(double x) { return ember_special::bessel_i0e(x); }
double ember_bessel_i1e(double x) { return ember_special::bessel_i1e(x); }
}
