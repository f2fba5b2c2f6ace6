// Complex numbers for generated CUDA C: the text the generator (lowering/cuda/source.cc) appends to the prelude
// of modules with complex values; the build embeds it (lowering/CMakeLists.txt). Not compiled on its own: it
// relies on the prelude (its host variant's headers and macros, __uint_as_float, ...).
//
// Complex numbers: two parts in registers and in memory (NumPy's layout). Arithmetic and functions follow
// the reference executor (runtime/support/complex_math.h, and the C library's Annex G functions behind
// std::complex): the textbook product, Smith's quotient, and the special values of C99's Annex G.
template <typename R> struct alignas(2 * sizeof(R)) ember_complex { R re, im; };
#ifdef __CUDACC_RTC__
template <typename R> __device__ __forceinline__ ember_complex<R> __ldg(const ember_complex<R>* p) {
  return {__ldg(&p->re), __ldg(&p->im)};
}
template <typename R> __device__ __forceinline__ ember_complex<R> __shfl_down_sync(unsigned mask, ember_complex<R> v, int o) {
  return {__shfl_down_sync(mask, v.re, o), __shfl_down_sync(mask, v.im, o)};
}
#else
using std::acos; using std::asin; using std::atan; using std::atan2; using std::copysign; using std::cos;
using std::cosh; using std::expm1; using std::fma; using std::hypot; using std::isinf; using std::isnan;
using std::isfinite; using std::ldexp; using std::log; using std::signbit; using std::sin; using std::sinh;
using std::sqrt; using std::trunc;
#endif
template <typename R> __device__ __forceinline__ ember_complex<R> operator+(ember_complex<R> a, ember_complex<R> b) { return {a.re + b.re, a.im + b.im}; }
template <typename R> __device__ __forceinline__ ember_complex<R> operator-(ember_complex<R> a, ember_complex<R> b) { return {a.re - b.re, a.im - b.im}; }
template <typename R> __device__ __forceinline__ ember_complex<R> operator-(ember_complex<R> a) { return {-a.re, -a.im}; }
template <typename R> __device__ __forceinline__ ember_complex<R> operator*(ember_complex<R> a, ember_complex<R> b) {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}
template <typename R> __device__ __forceinline__ bool operator==(ember_complex<R> a, ember_complex<R> b) { return a.re == b.re && a.im == b.im; }
template <typename R> __device__ __forceinline__ bool operator!=(ember_complex<R> a, ember_complex<R> b) { return a.re != b.re || a.im != b.im; }
// Smith's quotient, which avoids overflow in |b|^2; 0 / 0 and x / 0 as NumPy.
template <typename R> __device__ inline ember_complex<R> operator/(ember_complex<R> a, ember_complex<R> b) {
  R abs_br = fabs(b.re), abs_bi = fabs(b.im);
  if (abs_br >= abs_bi) {
    if (abs_br == 0 && abs_bi == 0) return {a.re / abs_br, a.im / abs_br};
    R rat = b.im / b.re, scl = R(1) / (b.re + b.im * rat);
    return {(a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl};
  }
  R rat = b.re / b.im, scl = R(1) / (b.im + b.re * rat);
  return {(a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl};
}
template <typename R> struct ember_limits;
template <> struct ember_limits<float> {
  static __device__ __forceinline__ float nan() { return __uint_as_float(0x7fc00000u); }
  static __device__ __forceinline__ float inf() { return __uint_as_float(0x7f800000u); }
  static constexpr float log_max = 88.7f;       // exp beyond overflows
  static constexpr float sqrt_eps = 2.5e-4f;    // below, z ** 3 is lost against z
  static constexpr float large = 1e18f;         // beyond, squares overflow
  static constexpr float small = 1e-18f;        // below, squares underflow
};
template <> struct ember_limits<double> {
  static __device__ __forceinline__ double nan() { return __longlong_as_double(0x7ff8000000000000ll); }
  static __device__ __forceinline__ double inf() { return __longlong_as_double(0x7ff0000000000000ll); }
  static constexpr double log_max = 709.7;
  static constexpr double sqrt_eps = 1e-8;
  static constexpr double large = 1e150;
  static constexpr double small = 1e-150;
};
// e^a (cos b + i sin b), with e^a split in two halves where it overflows alone.
template <typename R> __device__ inline ember_complex<R> ember_cexp(ember_complex<R> z) {
  typedef ember_limits<R> L;
  R a = z.re, b = z.im;
  if (b == 0) return {exp(a), b};
  if (isinf(a) && !isfinite(b)) return a > 0 ? ember_complex<R>{a, L::nan()} : ember_complex<R>{R(0), R(0)};
  R c = cos(b), s = sin(b);
  if (a > L::log_max) {
    R h = exp(a / 2);
    return {c * h * h, s * h * h};
  }
  R e = exp(a);
  return {e * c, e * s};
}
// log|z| near |z| = 1 as log1p(a^2 + b^2 - 1), the sum formed from exact products (fma), so that a
// result near 0 keeps its digits.
template <typename R> __device__ inline ember_complex<R> ember_clog(ember_complex<R> z) {
  R a = z.re, b = z.im, h = hypot(a, b), re;
  if (h > R(0.5) && h < R(2)) {
    R x = fabs(a) >= fabs(b) ? a : b, y = fabs(a) >= fabs(b) ? b : a;
    R p = x * x, pe = fma(x, x, -p), q = y * y, qe = fma(y, y, -q);
    R s = p - R(1), sum = s + q, lost = (s - (sum - (sum - s))) + (q - (sum - s));  // two-sum: sum + lost = s + q
    re = R(0.5) * log1p(sum + (lost + pe + qe));
  } else {
    re = log(h);
  }
  return {re, atan2(b, a)};
}
// Kahan's square root: t = sqrt((|a| + |z|) / 2) on the larger part, scaled where |z| overflows or the
// halving underflows.
template <typename R> __device__ inline ember_complex<R> ember_csqrt(ember_complex<R> z) {
  typedef ember_limits<R> L;
  R a = z.re, b = z.im;
  if (isinf(b)) return {L::inf(), b};
  if (isnan(a)) return {a, L::nan()};
  if (isinf(a)) {
    if (isnan(b)) return a > 0 ? ember_complex<R>{a, b} : ember_complex<R>{b, L::inf()};
    return a > 0 ? ember_complex<R>{a, copysign(R(0), b)} : ember_complex<R>{R(0), copysign(L::inf(), b)};
  }
  if (isnan(b)) return {b, b};
  if (a == 0 && b == 0) return {R(0), b};
  int scale = 0;
  if (fabs(a) > L::large || fabs(b) > L::large) a = ldexp(a, -4), b = ldexp(b, -4), scale = 2;
  else if (fabs(a) < L::small && fabs(b) < L::small) a = ldexp(a, 100), b = ldexp(b, 100), scale = -50;
  R t = sqrt((fabs(a) + hypot(a, b)) / 2);
  ember_complex<R> r = a >= 0 ? ember_complex<R>{t, b / (2 * t)} : ember_complex<R>{fabs(b) / (2 * t), copysign(t, b)};
  return {ldexp(r.re, scale), ldexp(r.im, scale)};
}
// sinh(a) cos(b) + i cosh(a) sin(b); zeros of either part kept exactly (Annex G).
template <typename R> __device__ inline ember_complex<R> ember_csinh(ember_complex<R> z) {
  typedef ember_limits<R> L;
  R a = z.re, b = z.im;
  if (b == 0) return {sinh(a), b};
  if (a == 0 && !isfinite(b)) return {a, L::nan()};
  if (isinf(a) && !isfinite(b)) return {a, L::nan()};
  R c = cos(b), s = sin(b);
  if (fabs(a) > L::log_max) {
    R h = exp(fabs(a) / 2) / 2, sign = a < 0 ? R(-1) : R(1);
    return {sign * c * h * 2 * h, s * h * 2 * h};
  }
  return {sinh(a) * c, cosh(a) * s};
}
// cosh(a) cos(b) + i sinh(a) sin(b).
template <typename R> __device__ inline ember_complex<R> ember_ccosh(ember_complex<R> z) {
  typedef ember_limits<R> L;
  R a = z.re, b = z.im;
  if (b == 0) return {cosh(a), isnan(a) ? b : copysign(R(0), a) * b};
  if (a == 0 && !isfinite(b)) return {L::nan(), R(0)};
  if (isinf(a) && !isfinite(b)) return {L::inf(), L::nan()};
  R c = cos(b), s = sin(b);
  if (fabs(a) > L::log_max) {
    R h = exp(fabs(a) / 2) / 2, sign = a < 0 ? R(-1) : R(1);
    return {c * h * 2 * h, sign * s * h * 2 * h};
  }
  return {cosh(a) * c, sinh(a) * s};
}
// Kahan's tanh: (sinh a cosh a + i sin b cos b) / (sinh^2 a + cos^2 b); beyond |a| where tanh(a) rounds
// to +-1, the imaginary part is 4 sin b cos b e^(-2|a|).
template <typename R> __device__ inline ember_complex<R> ember_ctanh(ember_complex<R> z) {
  typedef ember_limits<R> L;
  R a = z.re, b = z.im;
  if (isinf(a)) return {copysign(R(1), a), isfinite(b) ? copysign(R(0), sin(2 * b)) : copysign(R(0), b)};
  if (isnan(a)) return {a, b == 0 ? b : L::nan()};
  if (!isfinite(b)) return {a == 0 ? a : L::nan(), L::nan()};
  R c = cos(b), s = sin(b);
  if (fabs(a) > R(sizeof(R) == 4 ? 9 : 19)) {
    R e = exp(-2 * fabs(a));
    return {copysign(R(1), a), 4 * s * c * e};
  }
  R sh = sinh(a), ch = cosh(a), den = sh * sh + c * c;
  return {sh * ch / den, s * c / den};
}
// Hull, Fairgrieve and Tang's asin for x, y >= 0: re gets asin's real part, im its imaginary part
// (unsigned). Exact in both parts where forming 1 +- z would not be.
template <typename R> __device__ inline void ember_asin_parts(R x, R y, R& re, R& im, R& acos_re) {
  typedef ember_limits<R> L;
  if (x < L::sqrt_eps && y < L::sqrt_eps) {
    re = x, im = y, acos_re = R(1.57079632679489661923132169163975144) - x;
    return;
  }
  if (x > L::large || y > L::large) {  // |z| huge: asin z = -i log(2iz) to working precision
    re = atan2(x, y), im = log(hypot(x, y)) + R(0.693147180559945309417232121458176568);
    acos_re = atan2(y, x);
    return;
  }
  R r = hypot(x + 1, y), s = hypot(x - 1, y), A = (r + s) / 2, B = x / A;
  R y2 = y * y;
  if (B <= R(0.6417)) {
    re = asin(B), acos_re = acos(B);
  } else if (x <= 1) {
    R d = sqrt((A + x) / 2 * (y2 / (r + (x + 1)) + (s + (1 - x))));
    re = atan(x / d), acos_re = atan(d / x);
  } else {
    R d = y * sqrt((A + x) / 2 * (1 / (r + (x + 1)) + 1 / (s + (x - 1))));
    re = atan(x / d), acos_re = atan(d / x);
  }
  if (A <= R(1.5)) {
    R am1 = x < 1 ? (y2 / (r + (x + 1)) + y2 / (s + (1 - x))) / 2 : (y2 / (r + (x + 1)) + (s + (x - 1))) / 2;
    im = log1p(am1 + sqrt(am1 * (A + 1)));
  } else {
    im = log(A + sqrt(A * A - 1));
  }
}
// asinh(a + ib) = -i asin(i(a + ib)), with Annex G's special values.
template <typename R> __device__ inline ember_complex<R> ember_casinh(ember_complex<R> z) {
  typedef ember_limits<R> L;
  const R half_pi = R(1.57079632679489661923132169163975144);
  R a = z.re, b = z.im;
  if (isnan(a) || isnan(b)) {
    if (isinf(a)) return {a, b};
    if (isinf(b)) return {copysign(L::inf(), a), a};
    if (b == 0) return {a, b};
    return {L::nan(), L::nan()};
  }
  if (isinf(a) || isinf(b)) {
    R im = isinf(a) ? (isinf(b) ? half_pi / 2 : R(0)) : half_pi;
    return {copysign(L::inf(), a), copysign(im, b)};
  }
  R re, im, unused;
  ember_asin_parts(fabs(b), fabs(a), im, re, unused);
  return {copysign(re, a), copysign(im, b)};
}
template <typename R> __device__ inline ember_complex<R> ember_casin(ember_complex<R> z) {
  ember_complex<R> w = ember_casinh(ember_complex<R>{-z.im, z.re});
  return {w.im, -w.re};
}
template <typename R> __device__ inline ember_complex<R> ember_cacos(ember_complex<R> z) {
  typedef ember_limits<R> L;
  const R pi = R(3.14159265358979323846264338327950288);
  R a = z.re, b = z.im;
  if (isnan(a) || isnan(b)) {
    if (isinf(a)) return {b, copysign(L::inf(), -b)};
    if (isinf(b)) return {a, -b};
    if (a == 0) return {pi / 2, b};
    return {L::nan(), L::nan()};
  }
  if (isinf(a) || isinf(b)) {
    R re = isinf(a) ? (isinf(b) ? (a > 0 ? pi / 4 : 3 * pi / 4) : (a > 0 ? R(0) : pi)) : pi / 2;
    return {re, copysign(L::inf(), -b)};
  }
  R re, im, acos_re;
  ember_asin_parts(fabs(a), fabs(b), re, im, acos_re);
  return {a < 0 || (a == 0 && signbit(a)) ? pi - acos_re : acos_re, copysign(im, -b)};
}
// acosh z = +-i acos z, the sign giving a real part >= 0.
template <typename R> __device__ inline ember_complex<R> ember_cacosh(ember_complex<R> z) {
  typedef ember_limits<R> L;
  if (isnan(z.im)) return {isinf(z.re) ? L::inf() : L::nan(), L::nan()};
  ember_complex<R> w = ember_cacos(z);
  return signbit(z.im) ? ember_complex<R>{w.im, -w.re} : ember_complex<R>{-w.im, w.re};
}
// atanh(a + ib) = log((1 + z) / (1 - z)) / 2: the real part as log1p(4x / ((1 - x)^2 + y^2)) / 4, the
// imaginary part as atan2(2y, (1 - x)(1 + x) - y^2) / 2.
template <typename R> __device__ inline ember_complex<R> ember_catanh(ember_complex<R> z) {
  typedef ember_limits<R> L;
  const R half_pi = R(1.57079632679489661923132169163975144);
  R a = z.re, b = z.im, x = fabs(a), y = fabs(b);
  if (isnan(a) || isnan(b)) {
    if (isinf(a)) return {copysign(R(0), a), b};
    if (isinf(b)) return {copysign(R(0), a), copysign(half_pi, b)};
    if (a == 0) return {a, b};
    return {L::nan(), L::nan()};
  }
  if (x > L::large || y > L::large) {  // also the infinities: atanh z ~ 1/z + i pi/2
    R h = hypot(x, y);
    return {copysign(isinf(h) ? R(0) : x / h / h, a), copysign(half_pi, b)};
  }
  if (x < L::sqrt_eps && y < L::sqrt_eps) return z;
  R den = (1 - x) * (1 - x) + y * y;
  // Near z = 1 the denominator underflows: the real part as log(|1 + z| / |1 - z|) / 2 then.
  R re = den < L::small ? (log(hypot(1 + x, y)) - log(hypot(1 - x, y))) / 2 : log1p(4 * x / den) / 4;
  R im = atan2(2 * y, (1 - x) * (1 + x) - y * y) / 2;
  return {copysign(re, a), copysign(im, b)};
}
template <typename R> __device__ inline ember_complex<R> ember_catan(ember_complex<R> z) {
  ember_complex<R> w = ember_catanh(ember_complex<R>{-z.im, z.re});
  return {w.im, -w.re};
}
template <typename R> __device__ inline ember_complex<R> ember_csin(ember_complex<R> z) {
  ember_complex<R> w = ember_csinh(ember_complex<R>{-z.im, z.re});
  return {w.im, -w.re};
}
template <typename R> __device__ inline ember_complex<R> ember_ccos(ember_complex<R> z) {
  return ember_ccosh(ember_complex<R>{-z.im, z.re});
}
template <typename R> __device__ inline ember_complex<R> ember_ctan(ember_complex<R> z) {
  ember_complex<R> w = ember_ctanh(ember_complex<R>{-z.im, z.re});
  return {w.im, -w.re};
}
// NumPy's exp2: exp(z ln 2), both parts scaled by the real ln 2.
template <typename R> __device__ inline ember_complex<R> ember_cexp2(ember_complex<R> z) {
  const R ln2 = R(0.693147180559945309417232121458176568);
  return ember_cexp(ember_complex<R>{z.re * ln2, z.im * ln2});
}
// e^z - 1 = (expm1(a) cos b - 2 sin^2(b/2)) + i e^a sin b (NumPy's formula).
template <typename R> __device__ inline ember_complex<R> ember_cexpm1(ember_complex<R> z) {
  R s = sin(z.im / 2);
  return {expm1(z.re) * cos(z.im) - 2 * s * s, exp(z.re) * sin(z.im)};
}
template <typename R> __device__ inline ember_complex<R> ember_clog1p(ember_complex<R> z) {
  R a = z.re, b = z.im;
  if (fabs(a) < R(0.5) && fabs(b) < R(0.5)) return {R(0.5) * log1p(a * (2 + a) + b * b), atan2(b, 1 + a)};
  return ember_clog(ember_complex<R>{1 + a, b});
}
template <typename R> __device__ inline ember_complex<R> ember_crsqrt(ember_complex<R> z) {
  return ember_complex<R>{R(1), R(0)} / ember_csqrt(z);
}
// Split as the real logistic: the exponential computed never overflows for large |Re z|.
template <typename R> __device__ inline ember_complex<R> ember_clogistic(ember_complex<R> z) {
  const ember_complex<R> one{R(1), R(0)};
  if (z.re >= 0) return one / (one + ember_cexp(-z));
  ember_complex<R> e = ember_cexp(z);
  return e / (one + e);
}
// NumPy 2: z / |z|, 0 for 0, NaN for NaN; an infinite |z| gives the direction of its infinite part.
template <typename R> __device__ inline ember_complex<R> ember_csign(ember_complex<R> z) {
  typedef ember_limits<R> L;
  R re = z.re, im = z.im, a = hypot(re, im);
  if (isnan(a)) return {L::nan(), L::nan()};
  if (isinf(a)) {
    if (isinf(re)) return isinf(im) ? ember_complex<R>{L::nan(), L::nan()} : ember_complex<R>{copysign(R(1), re), R(0)};
    return {R(0), copysign(R(1), im)};
  }
  if (a == 0) return {R(0), R(0)};
  return {re / a, im / a};
}
// C's complex product (Annex G.5.1): the textbook product, except that where it gives NaN in both parts
// and an operand or a partial product is infinite, the infinities are recovered. The C library's power
// multiplies w log z this way.
template <typename R> __device__ inline ember_complex<R> ember_cmul_annex_g(ember_complex<R> z, ember_complex<R> w) {
  typedef ember_limits<R> L;
  R a = z.re, b = z.im, c = w.re, d = w.im;
  R ac = a * c, bd = b * d, ad = a * d, bc = b * c, x = ac - bd, y = ad + bc;
  if (!isnan(x) || !isnan(y)) return {x, y};
  bool recalc = false;
  auto box = [](R v) { return copysign(isinf(v) ? R(1) : R(0), v); };  // an infinity as +-1, the rest +-0
  auto unnan = [](R v) { return isnan(v) ? copysign(R(0), v) : v; };
  if (isinf(a) || isinf(b)) a = box(a), b = box(b), c = unnan(c), d = unnan(d), recalc = true;
  if (isinf(c) || isinf(d)) c = box(c), d = box(d), a = unnan(a), b = unnan(b), recalc = true;
  if (!recalc && (isinf(ac) || isinf(bd) || isinf(ad) || isinf(bc)))
    a = unnan(a), b = unnan(b), c = unnan(c), d = unnan(d), recalc = true;
  if (!recalc) return {x, y};
  return {L::inf() * (a * c - b * d), L::inf() * (a * d + b * c)};
}
// NumPy's power: z ** 0 = 1; 0 ** w is 0 for Re w > 0, else NaN; small integral real exponents by
// repeated products; the rest exp(w log z).
template <typename R> __device__ inline ember_complex<R> ember_cpow(ember_complex<R> z, ember_complex<R> w) {
  typedef ember_limits<R> L;
  const ember_complex<R> one{R(1), R(0)};
  if (w.re == 0 && w.im == 0) return one;
  if (z.re == 0 && z.im == 0) return w.re > 0 ? ember_complex<R>{R(0), R(0)} : ember_complex<R>{L::nan(), L::nan()};
  if (w.im == 0 && w.re > -100 && w.re < 100 && w.re == trunc(w.re)) {
    int n = int(w.re);
    if (n == 1) return z;
    if (n == 2) return z * z;
    if (n == 3) return z * (z * z);
    unsigned m = unsigned(n < 0 ? -n : n);
    ember_complex<R> acc = one, base = z;
    for (unsigned mask = 1; mask <= m; mask <<= 1) {
      if (m & mask) acc = acc * base;
      base = base * base;
    }
    return n < 0 ? one / acc : acc;
  }
  return ember_cexp(ember_cmul_annex_g(w, ember_clog(z)));
}
