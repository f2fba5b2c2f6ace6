// Special functions in double precision (digamma, polygamma, lgamma, erf_inv, the scaled Bessel functions),
// written so that one text serves the host and the GPU: the reference executor and the CPU backend's
// support library compile it as C++ (special_functions.cc), and the CUDA code generator puts the same text
// into the modules that call these functions (NVRTC defines __CUDACC_RTC__), so both compute the same values.
// Portable C++: no library types, tables as device data on the GPU. Written from their mathematics:
//  - lgamma and digamma: Taylor series about 2 whose coefficients are zeta(k) - 1 (they converge like
//    (z/2)^k on |z| <= 1/2), the recurrences Gamma(x + 1) = x Gamma(x) / psi(x + 1) = psi(x) + 1/x to reach
//    [1.5, 2.5], Stirling's series for x >= 12, and reflection for x < 0. digamma also has a Taylor series
//    about its positive zero x0 (coefficients (-1)^(k+1) zeta(k+1, x0)), since any recurrence loses the
//    relative accuracy of values near a zero.
//  - polygamma (m >= 1): (-1)^(m+1) m! zeta(m+1, x) with the Hurwitz zeta function summed directly and
//    finished with its Euler-Maclaurin tail; reflection (derivatives of pi cot(pi x)) for x < 0.
//  - erf_inv: an initial guess (Maclaurin series near 0, the asymptotic erfc(y) ~ exp(-y^2) / (y sqrt(pi))
//    in the tails) refined by Halley's method on erf(y) = x, or on erfc(y) = 1 - |x| for |x| > 1/2 where
//    1 - |x| is exact and keeps the relative accuracy of the tail.
//  - bessel_i0e/i1e: the power series of I0/I1 for |x| < 20, the asymptotic Hankel expansion beyond (its
//    smallest term is below 1e-17 there).
// The constants (zeta(k) - 1, x0, the series coefficients at x0) were computed with 40-digit arithmetic.
#pragma once

#if defined(__CUDACC_RTC__)
#define EMBER_SPECIAL_FN __device__ inline
#define EMBER_SPECIAL_TABLE __device__ const double
#else
#include <cmath>
#include <limits>
#define EMBER_SPECIAL_FN inline
#define EMBER_SPECIAL_TABLE inline constexpr double
#endif

namespace ember_special {

#if !defined(__CUDACC_RTC__)
using std::copysign; using std::cos; using std::erf; using std::erfc; using std::exp; using std::fabs;
using std::floor; using std::fma; using std::fmax; using std::fmod; using std::isinf; using std::isnan;
using std::log; using std::log1p; using std::nearbyint; using std::pow; using std::signbit; using std::sin;
using std::sqrt;
#endif

EMBER_SPECIAL_FN double lgamma(double x);

#if defined(__CUDACC_RTC__)
EMBER_SPECIAL_FN double nan_value() { return __longlong_as_double(0x7ff8000000000000ll); }
EMBER_SPECIAL_FN double inf_value() { return __longlong_as_double(0x7ff0000000000000ll); }
#else
inline double nan_value() { return std::numeric_limits<double>::quiet_NaN(); }
inline double inf_value() { return std::numeric_limits<double>::infinity(); }
#endif
constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kEulerGamma = 0.5772156649015328606065121;
constexpr double kHalfLog2Pi = 0.9189385332046727417803297;  // log(2 pi) / 2
constexpr double kLogPi = 1.144729885849400174143427;
constexpr double kSqrtPi = 1.772453850905516027298167;

// zeta(k) - 1 for k = 2, 3, ..., 33.
EMBER_SPECIAL_TABLE kZetaMinus1[] = {
    0.64493406684822643647,    0.2020569031595942854,     0.082323233711138191516,
    0.036927755143369926331,   0.017343061984449139715,   0.0083492773819228268398,
    0.0040773561979443393787,  0.0020083928260822144179,  0.00099457512781808533715,
    0.0004941886041194645587,  0.00024608655330804829864, 0.00012271334757848914675,
    6.1248135058704829259e-05, 3.0588236307020493552e-05, 1.5282259408651871733e-05,
    7.6371976378997622736e-06, 3.8172932649998398565e-06, 1.9082127165539389257e-06,
    9.5396203387279611315e-07, 4.7693298678780646312e-07, 2.3845050272773299e-07,
    1.1921992596531107307e-07, 5.9608189051259479612e-08, 2.9803503514652280186e-08,
    1.4901554828365041235e-08, 7.450711789835429492e-09,  3.7253340247884570548e-09,
    1.8626597235130490064e-09, 9.3132743241966818287e-10, 4.656629065033784073e-10,
    2.328311833676505492e-10,  1.1641550172700519776e-10,
};
constexpr int kNumZeta = 32;
EMBER_SPECIAL_FN double zeta_minus_1(int k) { return kZetaMinus1[k - 2]; }

// The positive zero of digamma, x0 = kRootHi + kRootLo, and the Taylor coefficients of digamma about it:
// psi(x0 + z) = sum_k c_k z^k with c_k = psi^(k)(x0) / k! = (-1)^(k+1) zeta(k+1, x0), for k = 1, ..., 25.
constexpr double kRootHi = 1.4616321449683622;
constexpr double kRootLo = 9.549995429965697e-17;
EMBER_SPECIAL_TABLE kRootCoeffs[] = {
    0.96767224544762117043,     -0.44276316898359210609,    0.25849976095565101062,
    -0.1639427054424065275,     0.10782405069126236576,     -0.072199561256454710926,
    0.048804288164143107225,    -0.033161126474847359292,   0.02259764823221810466,
    -0.015424765904948959139,   0.010538791616612175388,    -0.007204534386356868241,
    0.0049267813957298534464,   -0.0033698016554393280828,  0.0023051263267349278369,
    -0.0015769367714301972593,  0.0010788252019162965807,   -0.00073807093899600512957,
    0.00050495326583460203518,  -0.00034546802510630769956, 0.00023635601564027052792,
    -0.00016170622091974803449, 0.00011063372768747410904,  -7.5691795821950659192e-05,
    5.178575795222080869e-05,
};
// Where the series about x0 is used: |x - x0| < 0.25 (its terms shrink like 0.17^k there).
constexpr double kRootRadius = 0.25;

// B_2k / (2k)! for k = 1, ..., 12 (Bernoulli numbers over factorials), for the Euler-Maclaurin tail.
EMBER_SPECIAL_TABLE kBernoulliOverFactorial[] = {
    1.0 / 12.0,
    -1.0 / 720.0,
    1.0 / 30240.0,
    -1.0 / 1209600.0,
    1.0 / 47900160.0,
    -691.0 / 2730.0 / 479001600.0,
    7.0 / 6.0 / 87178291200.0,
    -3617.0 / 510.0 / 20922789888000.0,
    43867.0 / 798.0 / 6402373705728000.0,
    -174611.0 / 330.0 / 2432902008176640000.0,
    854513.0 / 138.0 / 1124000727777607680000.0,
    -236364091.0 / 2730.0 / 620448401733239439360000.0,
};

EMBER_SPECIAL_FN bool is_integer(double x) { return x == floor(x); }

// sin(pi x) and cos(pi x) with exact argument reduction: x = n/2 + r, |r| <= 1/4, r computed exactly, so
// the result is accurate for every x (no pi * x product of a large x).
EMBER_SPECIAL_FN void sincos_pi(double x, double& s, double& c) {
  double n = nearbyint(2 * x);
  double r = x - 0.5 * n;
  double sr = sin(kPi * r), cr = cos(kPi * r);
  int q = int(fmod(n, 4.0));
  if (q < 0) q += 4;
  switch (q) {
    case 0:
      s = sr, c = cr;
      break;
    case 1:
      s = cr, c = -sr;
      break;
    case 2:
      s = -sr, c = -cr;
      break;
    default:
      s = -cr, c = sr;
      break;
  }
}

// ---- lgamma ------------------------------------------------------------------------------------------

// lgamma(2 + z) = (1 - gamma) z + sum_{k>=2} (-1)^k (zeta(k) - 1) / k z^k, for |z| <= 1/2.
EMBER_SPECIAL_FN double lgamma_near2(double z) {
  double p = 0;
  for (int k = kNumZeta + 1; k >= 2; --k) p = p * z + ((k & 1) ? -1.0 : 1.0) * zeta_minus_1(k) / k;
  return z * ((1 - kEulerGamma) + z * p);
}

// Stirling's series: (x - 1/2) log x - x + log(2 pi)/2 + sum_k B_2k / (2k (2k-1) x^(2k-1)); the first
// omitted term is below 1e-19 of the result for x >= 12.
EMBER_SPECIAL_FN double lgamma_stirling(double x) {
  double r = 1 / x, r2 = r * r;
  double series =
      r * (1.0 / 12 +
           r2 * (-1.0 / 360 +
                 r2 * (1.0 / 1260 +
                       r2 * (-1.0 / 1680 +
                             r2 * (1.0 / 1188 +
                                   r2 * (-691.0 / 360360 + r2 * (1.0 / 156 + r2 * (-3617.0 / 122400))))))));
  return (x - 0.5) * log(x) - x + kHalfLog2Pi + series;
}

EMBER_SPECIAL_FN double lgamma_positive(double x) {
  if (x < 0.5) return lgamma_near2(x) - log(x) - log1p(x);  // lgamma(x + 2) - log x - log(x + 1)
  if (x < 1.5) return lgamma_near2(x - 1) - log1p(x - 1);        // x - 1 is exact here
  if (x <= 2.5) return lgamma_near2(x - 2);
  if (x < 12) {
    // lgamma(x) = lgamma(y) + log(y (y + 1) ... (x - 1)) with y = x - n in [1.5, 2.5); x - n is exact.
    double n = floor(x - 1.5), y = x - n, prod = 1;
    for (double j = 0; j < n; ++j) prod *= y + j;
    return lgamma_near2(y - 2) + log(prod);
  }
  return lgamma_stirling(x);
}

// ---- digamma -----------------------------------------------------------------------------------------

EMBER_SPECIAL_FN double digamma_root_series(double x) {
  double z = (x - kRootHi) - kRootLo;  // x - kRootHi is exact near the root
  double p = 0;
  for (int k = 25; k >= 1; --k) p = p * z + kRootCoeffs[k - 1];
  return p * z;
}

// psi(2 + z) = (1 - gamma) + sum_{k>=2} (-1)^k (zeta(k) - 1) z^(k-1), for |z| <= 1/2.
EMBER_SPECIAL_FN double digamma_near2(double z) {
  double p = 0;
  for (int k = kNumZeta + 1; k >= 2; --k) p = p * z + ((k & 1) ? -1.0 : 1.0) * zeta_minus_1(k);
  return (1 - kEulerGamma) + z * p;
}

// log x - 1/(2x) - sum_k B_2k / (2k x^(2k)), for x >= 12.
EMBER_SPECIAL_FN double digamma_asymptotic(double x) {
  double r2 = 1 / (x * x);
  double series =
      r2 *
      (1.0 / 12 +
       r2 * (-1.0 / 120 +
             r2 * (1.0 / 252 +
                   r2 * (-1.0 / 240 + r2 * (1.0 / 132 + r2 * (-691.0 / 32760 +
                                                              r2 * (1.0 / 12 + r2 * (-3617.0 / 8160))))))));
  return log(x) - 0.5 / x - series;
}

EMBER_SPECIAL_FN double digamma_positive(double x) {
  if (fabs(x - kRootHi) < kRootRadius) return digamma_root_series(x);
  if (x >= 12) return digamma_asymptotic(x);
  // Recurrence into [1.5, 2.5]: psi(x) = psi(x + 1) - 1/x.
  double acc = 0;
  while (x < 1.5) {
    acc -= 1 / x;
    x += 1;
  }
  while (x > 2.5) {
    x -= 1;  // exact
    acc += 1 / x;
  }
  double core = fabs(x - kRootHi) < kRootRadius ? digamma_root_series(x) : digamma_near2(x - 2);
  return core + acc;
}

// ---- polygamma ---------------------------------------------------------------------------------------

// m! for an integer m <= 170, accumulated as an unevaluated sum hi + lo (each product's rounding error
// kept exactly by fma), so the result is correctly rounded or nearly.
EMBER_SPECIAL_FN double factorial(double m) {
  double hi = 1, lo = 0;
  for (double k = 2; k <= m; ++k) {
    double p = hi * k, e = fma(hi, k, -p) + lo * k;
    hi = p + e;
    lo = e - (hi - p);
  }
  return hi + lo;
}

// m! zeta(m + 1, a) for integer m >= 1 and a > 0. The Hurwitz sum is taken relative to its first term,
// sum_i (a / (a + i))^s, so that neither the terms nor m! a^-s need to be representable on their own.
EMBER_SPECIAL_FN double polygamma_positive(double m, double a) {
  const double s = m + 1;
  // The Euler-Maclaurin terms shrink by about (s + 2k)^2 / (2 pi w)^2 each, which is below 0.08 for the
  // twelve terms used once w = a + i >= max(20, s + 10).
  const double limit = fmax(20.0, s + 10);
  double sum = 0, w = a;
  bool done = false;
  for (double i = 0;; ++i) {
    w = a + i;
    if (w >= limit) break;
    double t = pow(a / w, s);
    sum += t;
    // The terms after this one add up to at most t * w / (s - 1) <= t.
    if (t <= 1e-18 * sum && w <= s - 1) {
      done = true;
      break;
    }
  }
  if (!done) {
    // Tail sum_{i>=N} (a+i)^-s = w^(1-s)/(s-1) + w^-s/2 + sum_k B_2k/(2k)! s(s+1)...(s+2k-2) w^(1-s-2k).
    double scale = pow(a / w, s);
    double tail = w / (s - 1) + 0.5, rising = s / w;
    for (int k = 0; k < 12; ++k) {
      double term = kBernoulliOverFactorial[k] * rising;
      tail += term;
      if (fabs(term) < 1e-18 * tail) break;
      rising *= (s + 2 * k + 1) * (s + 2 * k + 2) / (w * w);
    }
    sum += scale * tail;
  }
  // m! a^-s sum, directly where the factors are comfortably representable, else through logarithms.
  double sign = fmod(m, 2.0) == 1 ? 1.0 : -1.0;  // (-1)^(m+1)
  double power = pow(a, -s);
  if (m <= 170 && power > 1e-290 && power < 1e290) return sign * factorial(m) * power * sum;
  return sign * exp(ember_special::lgamma(m + 1) - s * log(a) + log(sum));
}

// For x < 0 (not an integer): differentiating psi(1 - x) - psi(x) = pi cot(pi x) m times gives
// psi^(m)(x) = (-1)^m psi^(m)(1 - x) - pi^(m+1) Q_m(cot(pi x)), where Q_0(c) = c and
// Q_{k+1}(c) = -(1 + c^2) Q_k'(c) (since d/dx cot(pi x) = -pi (1 + cot^2)). The polynomials have terms of
// one sign for a given c, so evaluating them does not cancel.
EMBER_SPECIAL_FN double polygamma_negative(double m, double x) {
  double s, c;
  sincos_pi(x, s, c);
  double cot = c / s;
  if (m > 170) {
    // m! exceeds double, and so does the term of the nearest pole, (-1)^(m+1) m! / d^(m+1) with
    // d = x - round(x), |d| <= 1/2: the result is that term's infinity.
    double d = x - nearbyint(x);
    double pole_sign = d < 0 && fmod(m, 2.0) == 0 ? -1.0 : 1.0;  // sign of d^(m+1)
    return (fmod(m, 2.0) == 1 ? 1.0 : -1.0) * pole_sign * inf_value();
  }
  int n = int(m), size = n + 2;
  double q[172] = {0}, d[172];  // the coefficients of Q_k (degree k + 1 <= 171), and of its derivative
  q[1] = 1;  // Q_0(c) = c
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < size; ++j) d[j] = j + 1 < size ? (j + 1) * q[j + 1] : 0.0;
    for (int j = 0; j < size; ++j) q[j] = -(d[j] + (j >= 2 ? d[j - 2] : 0.0));
  }
  double qm = 0;
  for (int j = size - 1; j >= 0; --j) qm = qm * cot + q[j];
  double reflected = polygamma_positive(m, 1 - x);
  double even = fmod(m, 2.0) == 0 ? 1.0 : -1.0;  // (-1)^m
  return even * reflected - pow(kPi, m + 1) * qm;
}

// ---- Bessel ------------------------------------------------------------------------------------------

// exp(-|x|) I_nu(|x|) for nu = 0 or 1.
EMBER_SPECIAL_FN double bessel_ie(int nu, double ax) {
  if (isinf(ax)) return 0;
  if (ax < 20) {
    // I_nu(x) = (x/2)^nu sum_k (x^2/4)^k / (k! (k + nu)!): positive terms, no cancellation.
    double q = 0.25 * ax * ax, t = nu == 0 ? 1.0 : 0.5 * ax, sum = t;
    for (int k = 1; k < 200; ++k) {
      t *= q / (double(k) * double(k + nu));
      sum += t;
      if (t <= 1e-17 * sum) break;
    }
    return sum * exp(-ax);
  }
  // exp(-x) I_nu(x) ~ (2 pi x)^(-1/2) sum_k (-1)^k prod_{j<=k} (4 nu^2 - (2j-1)^2) / (k! (8x)^k), summed
  // until the terms stop shrinking or are negligible.
  double mu = 4.0 * nu * nu, t = 1, sum = 1;
  for (int k = 1; k < 100; ++k) {
    double odd = 2.0 * k - 1;
    double next = -t * (mu - odd * odd) / (8.0 * k * ax);
    if (fabs(next) >= fabs(t)) break;
    t = next;
    sum += t;
    if (fabs(t) <= 1e-17 * fabs(sum)) break;
  }
  return sum / sqrt(2 * kPi * ax);
}


EMBER_SPECIAL_FN double erf_inv(double x) {
  double ax = fabs(x);
  if (!(ax <= 1)) return nan_value();  // NaN too
  if (ax == 1) return copysign(inf_value(), x);
  if (ax < 1e-8) return x * (0.5 * kSqrtPi) * (1 + kPi / 12 * x * x);
  double y;
  if (ax < 0.7) {
    // erfinv(x) = sqrt(pi)/2 (x + pi/12 x^3 + 7 pi^2/480 x^5 + 127 pi^3/40320 x^7 + ...)
    double x2 = ax * ax;
    y = 0.5 * kSqrtPi * ax *
        (1 + x2 * (kPi / 12 + x2 * (7 * kPi * kPi / 480 + x2 * (127 * kPi * kPi * kPi / 40320))));
  } else {
    // erfc(y) ~ exp(-y^2) / (y sqrt(pi)), so y^2 ~ -log(q) - log(y sqrt(pi)).
    double t2 = -log1p(-ax);
    y = sqrt(t2);
    y = sqrt(fmax(t2 - log(kSqrtPi * y), 0.25 * t2));
  }
  const bool tail = ax > 0.5;
  const double q = 1 - ax;  // exact for ax >= 1/2
  for (int it = 0; it < 12; ++it) {
    // Halley's step for f(y) = erf(y) - x (or erfc(y) - q), using f'' = -2 y f'.
    double fp = 2 / kSqrtPi * exp(-y * y);
    double d = tail ? -(erfc(y) - q) / fp : (erf(y) - ax) / fp;
    double step = d / (1 + y * d);
    y -= step;
    // Halley converges cubically: after a step below 1e-7 y the error is below 1e-20 y.
    if (fabs(step) <= 1e-7 * y) break;
  }
  return copysign(y, x);
}

EMBER_SPECIAL_FN double lgamma(double x) {
  if (isnan(x)) return x;
  if (isinf(x)) return x;  // +inf -> +inf; -inf -> -inf as SciPy
  if (x > 0) return lgamma_positive(x);
  if (is_integer(x)) return inf_value();  // poles, -0.0 included
  if (x > -1) return lgamma_positive(x + 1) - log(-x);
  // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
  double s, c;
  sincos_pi(x, s, c);
  return kLogPi - log(fabs(s)) - lgamma_positive(1 - x);
}

EMBER_SPECIAL_FN double digamma(double x) {
  if (isnan(x)) return x;
  if (x == 0) return signbit(x) ? inf_value() : -inf_value();
  if (isinf(x)) return x > 0 ? inf_value() : nan_value();
  if (x > 0) return digamma_positive(x);
  if (is_integer(x)) return nan_value();
  // Reflection: psi(1 - x) - psi(x) = pi cot(pi x).
  double s, c;
  sincos_pi(x, s, c);
  return digamma_positive(1 - x) - kPi * c / s;
}

EMBER_SPECIAL_FN double polygamma(double m, double x) {
  if (isnan(m) || isnan(x) || m < 0 || !is_integer(m) || isinf(m)) return nan_value();
  if (m == 0) return digamma(x);
  double sign = fmod(m, 2.0) == 1 ? 1.0 : -1.0;  // (-1)^(m+1)
  if (x == inf_value()) return sign * 0.0;
  if (x <= 0 && is_integer(x)) return sign * inf_value();  // poles; -inf counts as one, as in SciPy
  if (x > 0) return polygamma_positive(m, x);
  return polygamma_negative(m, x);
}

EMBER_SPECIAL_FN double bessel_i0e(double x) {
  if (isnan(x)) return x;
  return bessel_ie(0, fabs(x));
}

EMBER_SPECIAL_FN double bessel_i1e(double x) {
  if (isnan(x)) return x;
  double r = bessel_ie(1, fabs(x));
  return x < 0 ? -r : r;
}

}  // namespace ember_special
