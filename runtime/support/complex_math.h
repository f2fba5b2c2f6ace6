// Complex arithmetic and functions as NumPy computes them, shared by the reference executor's kernels and
// the support library's ember_complex_function (what compiled code calls), so both give the same values.
// Header-only, standard C++ only.
#pragma once

#include <cmath>
#include <complex>
#include <limits>

namespace ember::complex_math {

// The textbook product (no C99 Annex G recovery of infinities, which costs a library call per element).
template <typename R>
inline std::complex<R> cmul(std::complex<R> a, std::complex<R> b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

// Smith's quotient, which avoids overflow in |b|^2.
template <typename R>
inline std::complex<R> cdiv(std::complex<R> a, std::complex<R> b) {
  R ar = a.real(), ai = a.imag(), br = b.real(), bi = b.imag();
  R abs_br = std::fabs(br), abs_bi = std::fabs(bi);
  if (abs_br >= abs_bi) {
    if (abs_br == 0 && abs_bi == 0) return {ar / abs_br, ai / abs_br};  // complex inf or NaN, as NumPy
    R rat = bi / br, scl = R(1) / (br + bi * rat);
    return {(ar + ai * rat) * scl, (ai - ar * rat) * scl};
  }
  R rat = br / bi, scl = R(1) / (bi + br * rat);
  return {(ar * rat + ai) * scl, (ai * rat - ar) * scl};
}

// NumPy 2: z / |z|, 0 for 0, NaN for NaN; an infinite |z| gives the unit direction of the infinite part
// (NaN when both parts are infinite).
template <typename R>
inline std::complex<R> sign(std::complex<R> x) {
  using C = std::complex<R>;
  R re = x.real(), im = x.imag(), a = std::hypot(re, im);
  constexpr R nan = std::numeric_limits<R>::quiet_NaN();
  if (std::isnan(a)) return {nan, nan};
  if (std::isinf(a)) {
    if (std::isinf(re)) return std::isinf(im) ? C(nan, nan) : C(std::copysign(R(1), re), R(0));
    return {R(0), std::copysign(R(1), im)};
  }
  if (a == 0) return {R(0), R(0)};
  return {re / a, im / a};
}

// As NumPy: exp(x * ln 2), scaling both parts by the real ln 2.
template <typename R>
inline std::complex<R> exp2(std::complex<R> x) {
  constexpr R ln2 = R(0.693147180559945309417232121458176568);
  return std::exp(std::complex<R>(x.real() * ln2, x.imag() * ln2));
}

// e^z - 1 = (expm1(a) cos b - 2 sin^2(b/2)) + i e^a sin b: both parts without cancellation for small |z|
// (NumPy's formula).
template <typename R>
inline std::complex<R> expm1(std::complex<R> x) {
  R a = x.real(), b = x.imag(), s = std::sin(b / 2);
  return {std::expm1(a) * std::cos(b) - 2 * s * s, std::exp(a) * std::sin(b)};
}

template <typename R>
inline std::complex<R> log1p(std::complex<R> x) {
  R a = x.real(), b = x.imag();
  if (std::fabs(a) < R(0.5) && std::fabs(b) < R(0.5)) {
    // log|1+z| = log1p(2a + a^2 + b^2) / 2 keeps the digits of a tiny z that forming 1 + z would lose.
    return {R(0.5) * std::log1p(a * (2 + a) + b * b), std::atan2(b, 1 + a)};
  }
  return std::log(std::complex<R>(1 + a, b));
}

// Split as the real logistic: the exponential that is computed never overflows for large |Re z|.
template <typename R>
inline std::complex<R> logistic(std::complex<R> x) {
  using C = std::complex<R>;
  if (x.real() >= 0) return cdiv(C(1), C(1) + std::exp(-x));
  C e = std::exp(x);
  return cdiv(e, C(1) + e);
}

// NumPy's complex power: x ** 0 = 1; 0 ** y is 0 for Re y > 0 and NaN otherwise; small integral real
// exponents by repeated multiplication (exact where the product is), the rest exp(y log x).
template <typename R>
inline std::complex<R> pow(std::complex<R> a, std::complex<R> b) {
  using C = std::complex<R>;
  R br = b.real(), bi = b.imag();
  if (br == 0 && bi == 0) return C(1, 0);
  if (a.real() == 0 && a.imag() == 0) {
    if (br > 0) return C(0, 0);
    constexpr R nan = std::numeric_limits<R>::quiet_NaN();
    return C(nan, nan);
  }
  if (bi == 0 && br > -100 && br < 100 && br == std::trunc(br)) {
    int n = int(br);
    if (n == 1) return a;
    if (n == 2) return cmul(a, a);
    if (n == 3) return cmul(a, cmul(a, a));
    unsigned m = unsigned(n < 0 ? -n : n);
    C acc(1, 0), base = a;
    for (unsigned mask = 1; mask <= m; mask <<= 1) {
      if (m & mask) acc = cmul(acc, base);
      base = cmul(base, base);
    }
    return n < 0 ? cdiv(C(1, 0), acc) : acc;
  }
  return std::pow(a, b);
}

}  // namespace ember::complex_math
