// Scalar special functions in double precision, shared by the reference executor and compiled code (part of
// the support library: C-ABI names, which generated CPU code calls; the CUDA generator embeds their source,
// runtime/support/special_math.h). Float dtypes evaluate them in double and round once, so float32 results
// are correctly rounded up to the double error (well under one float ulp). Each is written from its series,
// recurrences and asymptotic expansions (see special_math.h); float64 results agree with SciPy to ~1e-15
// relative away from the zeros that every implementation computes with cancellation (negative x in
// lgamma/digamma).
#pragma once

extern "C" {
// Inverse error function on [-1, 1]: +-1 -> +-inf, |x| > 1 and NaN -> NaN.
double ember_erf_inv(double x);
// log|Gamma(x)|; poles (0 and negative integers) -> +inf, -inf -> -inf (as SciPy's gammaln).
double ember_lgamma(double x);
// psi(x) = Gamma'(x) / Gamma(x); +0 -> -inf, -0 -> +inf, negative integers and -inf -> NaN (as SciPy).
double ember_digamma(double x);
// The m-th derivative of digamma: NaN unless m is a non-negative integer; polygamma(0, x) = digamma(x);
// at the poles (0, negative integers and -inf) (-1)^(m+1) * inf, as SciPy.
double ember_polygamma(double m, double x);
// exp(-|x|) I0(x) and exp(-|x|) I1(x), the exponentially scaled modified Bessel functions.
double ember_bessel_i0e(double x);
double ember_bessel_i1e(double x);
}
