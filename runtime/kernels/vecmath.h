// Vectorisable float32 transcendental functions of the reference executor (internal to runtime/kernels).
//
// Each function takes and returns a float but computes in double: the range reduction and a polynomial
// accurate to ~1e-12 relative are evaluated in double and rounded to float once, so the results are within
// 0.5 ulp + ~1e-4 ulp of the exact value (correctly rounded except in rare near-halfway cases), and
// overflow, underflow and float subnormals come out of the final double -> float conversion exactly as
// IEEE rounding gives them. Special values follow C99 Annex F / NumPy: NaN in -> NaN out, exp(-inf) = 0,
// log(0) = -inf, log(x < 0) = NaN, sin(inf) = NaN, f(-0) = -0 for the odd functions.
//
// The code is branch-free (selects instead of ifs, integer tricks instead of conversions AVX2 lacks), so a
// loop calling these vectorises with whatever instruction set the loop is compiled for; everything is
// forced inline so that it is compiled for the calling loop's target (see isa.h). It uses no fused
// multiply-add (the files are compiled with -ffp-contract=off): every instruction set gives the same bits.
// sin/cos/tan reduce arguments up to 2^19 here; larger ones and non-finite ones go to libm through the
// `fallback` hook of the unary loop (see elementwise.h).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ember::runtime::kernels::vecmath {

#define EMBER_VM_INLINE [[gnu::always_inline]] inline

inline constexpr double kLn2 = 0.6931471805599453;
inline constexpr double kLog2e = 1.4426950408889634;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Adding 1.5 * 2^52 rounds a double of magnitude < 2^51 to an integer (ties to even) and leaves that integer,
// in two's complement, in the low bits of the sum's representation.
inline constexpr double kRoundMagic = 0x1.8p52;

EMBER_VM_INLINE double clamp_to(double t, double lo, double hi) {
  // Comparisons are false for NaN, which therefore passes through.
  t = t < lo ? lo : t;
  return t > hi ? hi : t;
}

// 2^n for an integer-valued n in [-1022, 1023], built from the exponent bits.
EMBER_VM_INLINE double pow2i(double n) {
  uint64_t bits = std::bit_cast<uint64_t>(n + kRoundMagic);
  return std::bit_cast<double>((bits + 1023) << 52);
}

// e^r - 1 for |r| <= ln(2) / 2, relative error below 1e-12: the Taylor series to degree 10 (remainder
// r^10 / 11! < 6e-13 relative), whose coefficients 1/k! are exact enough in double.
EMBER_VM_INLINE double expm1_reduced(double r) {
  double p = 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  return p * r;
}

// 2^t = scale * (1 + m1) with scale = 2^round(t) and m1 = 2^f - 1, |f| <= 1/2. t must lie in
// [-1000, 1000] (or be NaN, which makes m1 NaN).
struct Exp2Split {
  double scale, m1;
};
EMBER_VM_INLINE Exp2Split exp2_split(double t) {
  double n = (t + kRoundMagic) - kRoundMagic;
  return {pow2i(n), expm1_reduced((t - n) * kLn2)};
}

// Arguments beyond which every float result has overflowed or underflowed; t is clamped there so that 2^t
// stays inside double's range.
inline constexpr double kExp2Limit = 200;

EMBER_VM_INLINE float exp_f32(float x) {
  Exp2Split e = exp2_split(clamp_to(double(x) * kLog2e, -kExp2Limit, kExp2Limit));
  return float(e.scale * (1 + e.m1));
}

EMBER_VM_INLINE float exp2_f32(float x) {
  Exp2Split e = exp2_split(clamp_to(double(x), -kExp2Limit, kExp2Limit));
  return float(e.scale * (1 + e.m1));
}

// e^x - 1 in double (x a float value) = scale * m1 + (scale - 1), relative accuracy ~1e-12 also near 0.
EMBER_VM_INLINE double expm1_of(double x, double hi) {
  Exp2Split e = exp2_split(clamp_to(x * kLog2e, -kExp2Limit, hi));
  return e.scale * e.m1 + (e.scale - 1);
}

EMBER_VM_INLINE float expm1_f32(float x) {
  double y = expm1_of(double(x), kExp2Limit);
  return x == 0 ? x : float(y);  // keeps -0 (the formula gives +0)
}

// 1 / (1 + e^-x): e^-x is an exact-range double (never overflows after the clamp), so both tails are
// accurate, down to float subnormals.
EMBER_VM_INLINE float logistic_f32(float x) {
  Exp2Split e = exp2_split(clamp_to(-double(x) * kLog2e, -kExp2Limit, kExp2Limit));
  return float(1 / (1 + e.scale * (1 + e.m1)));
}

// tanh|x| = m / (m + 2) with m = e^(2|x|) - 1: no cancellation near 0. Beyond |x| = 22 the value is 1 to
// double precision; the clamp only keeps m finite.
EMBER_VM_INLINE float tanh_f32(float x) {
  double m = expm1_of(2 * std::fabs(double(x)), 64);
  return float(std::copysign(m / (m + 2), double(x)));
}

// sinh|x| = (m + m / (m + 1)) / 2 with m = e^|x| - 1.
EMBER_VM_INLINE float sinh_f32(float x) {
  double m = expm1_of(std::fabs(double(x)), kExp2Limit);
  return float(std::copysign(0.5 * (m + m / (m + 1)), double(x)));
}

EMBER_VM_INLINE float cosh_f32(float x) {
  Exp2Split e = exp2_split(clamp_to(std::fabs(double(x)) * kLog2e, -kExp2Limit, kExp2Limit));
  double v = e.scale * (1 + e.m1);
  return float(0.5 * (v + 1 / v));
}

// log(1 + u) - log(1 - u) = 2 atanh(s) for s = (m - 1) / (m + 1): 2s (1 + s^2/3 + s^4/5 + ...), to s^16
// (remainder below 2e-13 relative for |s| <= 0.18).
EMBER_VM_INLINE double log_series(double s) {
  double z = s * s;
  double p = 2.0 / 17;
  p = p * z + 2.0 / 15;
  p = p * z + 2.0 / 13;
  p = p * z + 2.0 / 11;
  p = p * z + 2.0 / 9;
  p = p * z + 2.0 / 7;
  p = p * z + 2.0 / 5;
  p = p * z + 2.0 / 3;
  p = p * z + 2.0;
  return p * s;
}

// log(d) for a positive normal double: d = 2^e * m with m in [sqrt(1/2), sqrt(2)).
EMBER_VM_INLINE double log_positive(double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  double m = std::bit_cast<double>((bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
  // The biased exponent as a double without an int64 -> double conversion (AVX2 has none).
  double e = std::bit_cast<double>((bits >> 52) | 0x4330000000000000ull) - (0x1p52 + 1023);
  bool big = m > 1.4142135623730951;
  m = big ? 0.5 * m : m;
  e = big ? e + 1 : e;
  return e * kLn2 + log_series((m - 1) / (m + 1));
}

// log of a double that may be 0, negative, infinite or NaN, with C's special values.
EMBER_VM_INLINE double log_special(double d, double y) {
  y = d == kInf ? d : y;
  y = d == 0 ? -kInf : y;
  y = d < 0 ? kNaN : y;
  return d != d ? d : y;
}

EMBER_VM_INLINE float log_f32(float x) {
  // A float subnormal is a normal double: no special path.
  double d = double(x);
  return float(log_special(d, log_positive(d)));
}

// Near 0, s = x / (2 + x) directly (forming 1 + x would round); elsewhere log(1 + x), where 1 + x is exact
// for x in (-1, -1/4] and off by at most half an ulp of double beyond 1/4, far below float's precision.
EMBER_VM_INLINE float log1p_f32(float x) {
  double d = double(x);
  double near = log_series(d / (2 + d));
  double u = 1 + d;
  double far = log_special(u, log_positive(u));
  return float(std::fabs(d) < 0.25 ? near : far);
}

// ---- sin, cos, tan ----

// Arguments up to here are reduced below; the rest (and inf, NaN) take the libm fallback.
inline constexpr float kTrigLimit = 0x1p19f;

EMBER_VM_INLINE bool trig_needs_fallback(float x) { return !(std::fabs(x) <= kTrigLimit); }

// x = k * pi/2 + r, |r| <= pi/4 (Cody-Waite with pi/2 in three parts; the first two have 33 significant
// bits, so k * part is exact for |k| < 2^19 and the first subtraction is exact by Sterbenz's lemma).
struct TrigReduced {
  double r;
  uint64_t quadrant;  // k mod 4
};
EMBER_VM_INLINE TrigReduced trig_reduce(float x) {
  double d = double(x);
  double kb = d * 0.6366197723675814 + kRoundMagic;
  double k = kb - kRoundMagic;
  double r = ((d - k * 0x1.921fb544p+0) - k * 0x1.0b4611a6p-34) - k * 0x1.3198a2e037073p-69;
  return {r, std::bit_cast<uint64_t>(kb) & 3};
}

// sin r and cos r for |r| <= pi/4: Taylor series to r^13 and r^14 (remainders below 3e-14 relative).
EMBER_VM_INLINE double sin_reduced(double r) {
  double z = r * r;
  double p = 1.0 / 6227020800;
  p = p * z - 1.0 / 39916800;
  p = p * z + 1.0 / 362880;
  p = p * z - 1.0 / 5040;
  p = p * z + 1.0 / 120;
  p = p * z - 1.0 / 6;
  return r + r * z * p;
}
EMBER_VM_INLINE double cos_reduced(double r) {
  double z = r * r;
  double p = 1.0 / 87178291200;
  p = p * z - 1.0 / 479001600;
  p = p * z + 1.0 / 3628800;
  p = p * z - 1.0 / 40320;
  p = p * z + 1.0 / 720;
  p = p * z - 1.0 / 24;
  p = p * z + 0.5;
  return 1 - z * p;
}

// Quadrant selects as bit operations on 64-bit lanes (SSE2 has no 64-bit compares, so `q & 1 ? a : b` on
// doubles would keep the baseline loop scalar): `pick(mask, a, b)` is a where the mask is all ones.
EMBER_VM_INLINE double pick(uint64_t mask, double a, double b) {
  return std::bit_cast<double>((std::bit_cast<uint64_t>(a) & mask) | (std::bit_cast<uint64_t>(b) & ~mask));
}
EMBER_VM_INLINE uint64_t bit_mask(uint64_t q, int bit) { return uint64_t(0) - ((q >> bit) & 1); }
EMBER_VM_INLINE double negate_if(uint64_t mask, double v) {
  return std::bit_cast<double>(std::bit_cast<uint64_t>(v) ^ (mask & 0x8000000000000000ull));
}

// sin x: quadrants 0..3 give sin r, cos r, -sin r, -cos r.
EMBER_VM_INLINE float sin_f32(float x) {
  TrigReduced t = trig_reduce(x);
  double v = pick(bit_mask(t.quadrant, 0), cos_reduced(t.r), sin_reduced(t.r));
  return x == 0 ? x : float(negate_if(bit_mask(t.quadrant, 1), v));  // sin(-0) is -0
}

// cos x: quadrants 0..3 give cos r, -sin r, -cos r, sin r.
EMBER_VM_INLINE float cos_f32(float x) {
  TrigReduced t = trig_reduce(x);
  double v = pick(bit_mask(t.quadrant, 0), sin_reduced(t.r), cos_reduced(t.r));
  return float(negate_if(bit_mask(t.quadrant + 1, 1), v));
}

// tan x: sin r / cos r in even quadrants, -cos r / sin r in odd ones.
EMBER_VM_INLINE float tan_f32(float x) {
  TrigReduced t = trig_reduce(x);
  double s = sin_reduced(t.r), c = cos_reduced(t.r);
  uint64_t odd = bit_mask(t.quadrant, 0);
  double v = pick(odd, c, s) / pick(odd, s, c);
  return x == 0 ? x : float(negate_if(odd, v));  // tan(-0) is -0
}

// ---- erf, erfc ----

// erf x = x * P(x^2) for |x| < 1/2: the Maclaurin series, 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)),
// to n = 10 (remainder below 1e-14 relative).
EMBER_VM_INLINE double erf_small(double x) {
  double z = x * x;
  double p = 1.4807192815879218e-08;
  p = p * z - 1.6365844691234924e-07;
  p = p * z + 1.6462114365889248e-06;
  p = p * z - 1.492565035840625e-05;
  p = p * z + 0.00012055332981789664;
  p = p * z - 0.0008548327023450853;
  p = p * z + 0.005223977625442188;
  p = p * z - 0.026866170645131252;
  p = p * z + 0.11283791670955126;
  p = p * z - 0.37612638903183754;
  p = p * z + 1.1283791670955126;
  return p * x;
}

// erfc a for a in [1/2, 10.5] as e^(-a^2) * erfcx(a), with erfcx (smooth, in (0.05, 0.62)) a degree-14
// Chebyshev expansion in t = (a - 3) / (a + 3) (fitted to mpmath's erfcx; relative error below 2e-13).
// a^2 is exact in double for a float a.
EMBER_VM_INLINE double erfc_large(double a) {
  constexpr double c[15] = {0.26885124115979753,     -0.26893915422614767,   0.064029946574050464,
                            -0.011996018582597077,   0.0017032729257912772,  -0.00016475205024739167,
                            6.7722582341516505e-06,  7.0354925592250609e-07, -1.1221201219530662e-07,
                            -8.8952738139793693e-10, 1.2796774808969051e-09, -2.4301883225045182e-11,
                            -1.6022636531622062e-11, 3.8693554813360303e-13, 2.3231088018685143e-13};
  // t in [-5/7, 5/9] mapped to u in [-1, 1].
  double t = (a - 3) / (a + 3);
  double u = (t - -0.07936507936507936) * 1.5750000000000002;
  double b1 = 0, b2 = 0;
  for (int k = 14; k >= 1; --k) {  // Clenshaw's recurrence
    double b0 = c[k] + 2 * u * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  double erfcx = c[0] + u * b1 - b2;
  Exp2Split e = exp2_split(-(a * a) * kLog2e);
  return e.scale * (1 + e.m1) * erfcx;
}

inline constexpr double kErfcLimit = 10.5;  // erfc(10.5) < 2^-150: every float erfc beyond is 0

EMBER_VM_INLINE float erf_f32(float x) {
  double d = double(x), a = std::fabs(d);
  double big = std::copysign(1 - erfc_large(a > kErfcLimit ? kErfcLimit : a), d);
  return float(a < 0.5 ? erf_small(d) : big);
}

EMBER_VM_INLINE float erfc_f32(float x) {
  double d = double(x), a = std::fabs(d);
  double tail = erfc_large(a > kErfcLimit ? kErfcLimit : a);
  double big = d > 0 ? tail : 2 - tail;
  return float(a < 0.5 ? 1 - erf_small(d) : big);
}

// ---- float64: exp, expm1, log, tanh ----
// The same structure in double alone: Cody-Waite reduction with ln 2 in two parts (the first with 32
// significant bits, so n * part is exact), Taylor polynomials long enough for double (remainders below
// 2e-17 relative), no fused multiply-add. Errors stay within a few ulp (asserted: 1e-15 relative).

inline constexpr double kLn2Hi = 0x1.62e42feep-1;
inline constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;

// e^r - 1 for |r| <= ln(2) / 2 to double precision: Taylor to degree 14.
EMBER_VM_INLINE double expm1_reduced_f64(double r) {
  double p = 1.0 / 87178291200;
  p = p * r + 1.0 / 6227020800;
  p = p * r + 1.0 / 479001600;
  p = p * r + 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  return r + r * (r * p);
}

// x = n ln 2 + r; x clamped (NaN passing) to a range where n fits the two-factor scaling below.
struct ExpSplit {
  double n, m1;  // e^x = 2^n * (1 + m1)
};
EMBER_VM_INLINE ExpSplit exp_split_f64(double x) {
  x = clamp_to(x, -746, 710);
  double n = (x * kLog2e + kRoundMagic) - kRoundMagic;
  double r = (x - n * kLn2Hi) - n * kLn2Lo;
  return {n, expm1_reduced_f64(r)};
}

EMBER_VM_INLINE double exp_f64(double x) {
  ExpSplit e = exp_split_f64(x);
  // 2^n as two factors, each within double's normal range: the last product rounds once, into the
  // subnormals or to infinity where the exact value lies.
  double n1 = (e.n * 0.5 + kRoundMagic) - kRoundMagic, n2 = e.n - n1;
  return ((1 + e.m1) * pow2i(n1)) * pow2i(n2);
}

EMBER_VM_INLINE double expm1_f64(double x) {
  // Below -40 the result is -1 to double precision; the clamp keeps 2^n normal.
  ExpSplit e = exp_split_f64(x < -40 ? -40 : x);
  // 2^n * m1 + (2^n - 1), where 2^n - 1 is exact; from n = 54 on the -1 is below half an ulp, and 2^n
  // goes in two factors so that only the final product may overflow.
  double s = pow2i(e.n);
  double small = e.m1 * s + (s - 1);
  double n1 = (e.n * 0.5 + kRoundMagic) - kRoundMagic, n2 = e.n - n1;
  double big = ((1 + e.m1) * pow2i(n1)) * pow2i(n2);
  double y = e.n > 53 ? big : small;
  return x == 0 ? x : y;  // keeps -0
}

// tanh |x| = m / (m + 2), m = e^(2|x|) - 1; 1 beyond |x| = 22 (tanh(22) = 1 - 2e-19).
EMBER_VM_INLINE double tanh_f64(double x) {
  double a = std::fabs(x);
  double m = expm1_f64(2 * (a > 22 ? 22 : a));
  double y = a > 22 ? 1 : m / (m + 2);
  return std::copysign(y, x);
}

// log(1 + f) - log(1 - f) series in s = f / (2 + f), to s^23 (|s| <= 0.1716).
EMBER_VM_INLINE double log_series_f64(double s) {
  double z = s * s;
  double p = 1.0 / 23;
  p = p * z + 1.0 / 21;
  p = p * z + 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  return 2 * s + 2 * s * (z * p);
}

EMBER_VM_INLINE double log_f64(double x) {
  // Subnormals are scaled into the normals first.
  bool tiny = x < 0x1p-1022;
  double d = tiny ? x * 0x1p54 : x;
  uint64_t bits = std::bit_cast<uint64_t>(d);
  double m = std::bit_cast<double>((bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
  double e = std::bit_cast<double>((bits >> 52) | 0x4330000000000000ull) - (0x1p52 + 1023);
  e = tiny ? e - 54 : e;
  bool big = m > 1.4142135623730951;
  m = big ? 0.5 * m : m;
  e = big ? e + 1 : e;
  double f = m - 1;  // exact
  double y = e * kLn2Hi + (e * kLn2Lo + log_series_f64(f / (2 + f)));
  return log_special(x, y);
}

#undef EMBER_VM_INLINE

}  // namespace ember::runtime::kernels::vecmath
