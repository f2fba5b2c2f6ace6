// Unary elementwise kernels: one functor per primitive on the compute type, run by one templated loop.
#include <cmath>
#include <complex>
#include <limits>

#include "runtime/kernels/elementwise.h"
#include "runtime/kernels/vecmath.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

// Result element type of a unary op on element type T.
enum class Result { Same, Bool, Real };
template <Result R, typename T>
using result_t =
    std::conditional_t<R == Result::Bool, bool, std::conditional_t<R == Result::Real, real_of_t<T>, T>>;

// Runs `op` over the operand: one dtype dispatch, then the loop for that element type.
template <Prim P, typename Op>
void run_unary(const KernelArgs& args, const Op& op) {
  const Array& x = args.inputs[0];
  Array& y = args.outputs[0];
  expect(x.numel() == y.numel(), P, "operand and result sizes differ");
  visit_dtype(x.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(Op::kClasses)) {
      using Out = result_t<Op::kResult, T>;
      expect(y.type.dtype == dtype_of<Out>(), P, "unexpected result dtype");
      map_unary(x.data_as<const T>(), y.data_as<Out>(), x.numel(), op);
    } else {
      unsupported_dtype(P, x.type.dtype);
    }
  });
}

template <typename Op, Prim P>
void unary_kernel(const KernelArgs& args) {
  run_unary<P>(args, Op{});
}

// Rounding to integers without libm calls, so the loops vectorise (SSE2 has no round instruction). Every
// result carries the operand's sign, as floor/ceil/round/nearbyint do (e.g. ceil(-0.5) is -0.0); NaN, inf
// and values of 2^(digits-1) or more are integers already and pass through.
// Halves to even, as nearbyint in the default rounding mode: adding and subtracting 2^(digits-1) leaves
// no fraction bits, so the addition rounds |x| to an integer.
template <typename F>
inline F round_half_even(F x) {
  constexpr F big = F(1) / std::numeric_limits<F>::epsilon();  // 2^23 for float, 2^52 for double
  F a = std::fabs(x);
  F r = std::copysign((a + big) - big, x);
  return a < big ? r : x;
}
template <typename F>
inline F floor_of(F x) {
  F r = round_half_even(x);
  return std::copysign(r > x ? r - 1 : r, x);
}
template <typename F>
inline F ceil_of(F x) {
  F r = round_half_even(x);
  return std::copysign(r < x ? r + 1 : r, x);
}
// Halves away from zero (std::round): the only difference from halves-to-even is a tie that went towards
// zero; x - r is exact because |x - r| <= 0.5 and x has no bits below its ulp.
template <typename F>
inline F round_half_away(F x) {
  F r = round_half_even(x);
  return std::copysign(x - r == std::copysign(F(0.5), x) ? r + std::copysign(F(1), x) : r, x);
}

constexpr uint32_t kNum = ir::kNumberClass, kInexact = ir::kInexactClass, kFloat = ir::kFloatClass;

// A functor that applies one std:: (or ember) function to real and complex compute types alike.
#define EMBER_STD_UNARY(Name, classes, expr)        \
  struct Name {                                     \
    static constexpr uint32_t kClasses = classes;   \
    static constexpr Result kResult = Result::Same; \
    static constexpr bool kExpensive = true;        \
    template <typename C>                           \
    C operator()(C x) const {                       \
      return expr;                                  \
    }                                               \
  };

struct Neg {
  static constexpr uint32_t kClasses = kNum;
  static constexpr Result kResult = Result::Same;
  template <typename C>
  C operator()(C x) const {
    if constexpr (std::is_integral_v<C>)
      return C(wrap_t<C>(0) - wrap_t<C>(x));  // -INT_MIN wraps
    else
      return -x;
  }
};

struct Abs {
  static constexpr uint32_t kClasses = kNum;
  static constexpr Result kResult = Result::Real;
  template <typename C>
  real_of_t<C> operator()(C x) const {
    if constexpr (is_complex_v<C>)
      return std::hypot(x.real(), x.imag());
    else if constexpr (std::is_unsigned_v<C>)
      return x;
    else if constexpr (std::is_integral_v<C>)
      return x < 0 ? C(wrap_t<C>(0) - wrap_t<C>(x)) : x;
    else
      return std::fabs(x);
  }
};

struct Sign {
  static constexpr uint32_t kClasses = kNum;
  static constexpr Result kResult = Result::Same;
  template <typename C>
  C operator()(C x) const {
    if constexpr (is_complex_v<C>) {
      return complex_math::sign(x);
    } else if constexpr (std::is_unsigned_v<C>) {
      return C(x != 0);
    } else if constexpr (std::is_integral_v<C>) {
      return C((x > 0) - (x < 0));
    } else {
      // NumPy: -1, +1, +0.0 for either zero, NaN for NaN.
      return x > 0 ? C(1) : x < 0 ? C(-1) : x == 0 ? C(0) : x;
    }
  }
};

EMBER_STD_UNARY(Cbrt, kFloat, std::cbrt(x))
EMBER_STD_UNARY(Asin, kInexact, std::asin(x))
EMBER_STD_UNARY(Acos, kInexact, std::acos(x))
EMBER_STD_UNARY(Atan, kInexact, std::atan(x))
EMBER_STD_UNARY(Asinh, kInexact, std::asinh(x))
EMBER_STD_UNARY(Acosh, kInexact, std::acosh(x))
EMBER_STD_UNARY(Atanh, kInexact, std::atanh(x))
#undef EMBER_STD_UNARY

// Functors whose loops are vectorisable and get instruction-set variants (elementwise.h): the branch-free
// roundings, sqrt (an IEEE instruction), and the transcendentals of vecmath.h (float32 all of them, float64
// exp, expm1, log, tanh, logistic; the rest and complex call libm).
#define EMBER_SIMD_UNARY(Name, classes, expr)       \
  struct Name {                                     \
    static constexpr uint32_t kClasses = classes;   \
    static constexpr Result kResult = Result::Same; \
    static constexpr bool kSimd = true;             \
    template <typename C>                           \
    C operator()(C x) const {                       \
      return expr;                                  \
    }                                               \
  };
#define EMBER_VEC_UNARY(Name, classes, vec32, vec64, libm) \
  struct Name {                                            \
    static constexpr uint32_t kClasses = classes;          \
    static constexpr Result kResult = Result::Same;        \
    static constexpr bool kSimd = true;                    \
    static constexpr bool kExpensive = true;               \
    template <typename C>                                  \
    C operator()(C x) const {                              \
      if constexpr (std::is_same_v<C, float>)              \
        return vec32(x);                                   \
      else if constexpr (std::is_same_v<C, double>)        \
        return vec64(x);                                   \
      else                                                 \
        return libm(x);                                    \
    }                                                      \
  };

EMBER_SIMD_UNARY(Floor, kFloat, floor_of(x))
EMBER_SIMD_UNARY(Ceil, kFloat, ceil_of(x))
EMBER_SIMD_UNARY(RoundHalfEven, kFloat, round_half_even(x))
EMBER_SIMD_UNARY(RoundHalfAway, kFloat, round_half_away(x))
EMBER_SIMD_UNARY(Sqrt, kInexact, std::sqrt(x))
EMBER_VEC_UNARY(Exp, kInexact, vecmath::exp_f32, vecmath::exp_f64, std::exp)
EMBER_VEC_UNARY(Log, kInexact, vecmath::log_f32, vecmath::log_f64, std::log)
EMBER_VEC_UNARY(Sinh, kInexact, vecmath::sinh_f32, std::sinh, std::sinh)
EMBER_VEC_UNARY(Cosh, kInexact, vecmath::cosh_f32, std::cosh, std::cosh)
EMBER_VEC_UNARY(Tanh, kInexact, vecmath::tanh_f32, vecmath::tanh_f64, std::tanh)
EMBER_VEC_UNARY(Erf, kFloat, vecmath::erf_f32, std::erf, std::erf)
EMBER_VEC_UNARY(Erfc, kFloat, vecmath::erfc_f32, std::erfc, std::erfc)
#undef EMBER_VEC_UNARY
#undef EMBER_SIMD_UNARY

// sin, cos, tan: the float fast path reduces arguments up to 2^19; larger and non-finite ones take libm in
// double (rounded once to float) through the loop's fallback hook.
template <float (*Vec)(float), typename Libm>
struct Trig {
  static constexpr uint32_t kClasses = kInexact;
  static constexpr Result kResult = Result::Same;
  static constexpr bool kSimd = true;
  static constexpr bool kExpensive = true;
  template <typename C>
  C operator()(C x) const {
    if constexpr (std::is_same_v<C, float>)
      return Vec(x);
    else
      return Libm{}(x);
  }
  template <typename C>
  bool needs_fallback(C x) const {
    if constexpr (std::is_same_v<C, float>)
      return vecmath::trig_needs_fallback(x);
    else
      return false;
  }
  template <typename C>
  C fallback(C x) const {
    if constexpr (std::is_same_v<C, float>)
      return float(Libm{}(double(x)));
    else
      return Libm{}(x);
  }
};
struct StdSin {
  template <typename C>
  C operator()(C x) const {
    return std::sin(x);
  }
};
struct StdCos {
  template <typename C>
  C operator()(C x) const {
    return std::cos(x);
  }
};
struct StdTan {
  template <typename C>
  C operator()(C x) const {
    return std::tan(x);
  }
};
using Sin = Trig<vecmath::sin_f32, StdSin>;
using Cos = Trig<vecmath::cos_f32, StdCos>;
using Tan = Trig<vecmath::tan_f32, StdTan>;

struct Exp2 {
  static constexpr uint32_t kClasses = kInexact;
  static constexpr Result kResult = Result::Same;
  static constexpr bool kSimd = true;
  static constexpr bool kExpensive = true;
  template <typename C>
  C operator()(C x) const {
    if constexpr (is_complex_v<C>) {
      return complex_math::exp2(x);
    } else if constexpr (std::is_same_v<C, float>) {
      return vecmath::exp2_f32(x);
    } else {
      return std::exp2(x);
    }
  }
};

struct Expm1 {
  static constexpr uint32_t kClasses = kInexact;
  static constexpr Result kResult = Result::Same;
  static constexpr bool kSimd = true;
  static constexpr bool kExpensive = true;
  template <typename C>
  C operator()(C x) const {
    if constexpr (is_complex_v<C>) {
      return complex_math::expm1(x);
    } else if constexpr (std::is_same_v<C, float>) {
      return vecmath::expm1_f32(x);
    } else if constexpr (std::is_same_v<C, double>) {
      return vecmath::expm1_f64(x);
    } else {
      return std::expm1(x);
    }
  }
};

struct Log1p {
  static constexpr uint32_t kClasses = kInexact;
  static constexpr Result kResult = Result::Same;
  static constexpr bool kSimd = true;
  static constexpr bool kExpensive = true;
  template <typename C>
  C operator()(C x) const {
    if constexpr (is_complex_v<C>) {
      return complex_math::log1p(x);
    } else if constexpr (std::is_same_v<C, float>) {
      return vecmath::log1p_f32(x);
    } else {
      return std::log1p(x);
    }
  }
};

struct Rsqrt {
  static constexpr uint32_t kClasses = kInexact;
  static constexpr Result kResult = Result::Same;
  static constexpr bool kSimd = true;
  template <typename C>
  C operator()(C x) const {
    if constexpr (is_complex_v<C>)
      return cdiv(C(1), std::sqrt(x));
    else
      return C(1) / std::sqrt(x);
  }
};

struct Logistic {
  static constexpr uint32_t kClasses = kInexact;
  static constexpr Result kResult = Result::Same;
  static constexpr bool kSimd = true;
  static constexpr bool kExpensive = true;
  template <typename C>
  C operator()(C x) const {
    if constexpr (is_complex_v<C>) {
      return complex_math::logistic(x);
    } else if constexpr (std::is_same_v<C, float>) {
      return vecmath::logistic_f32(x);
    } else {
      // e = exp(-|x|) is in (0, 1]: 1/(1+e) for x >= 0 and e/(1+e) for x < 0 are accurate in both tails and
      // never overflow.
      C e = vecmath::exp_f64(-std::fabs(x));
      C r = C(1) / (C(1) + e);
      return x >= 0 ? r : e * r;
    }
  }
};

struct IsFinite {
  static constexpr uint32_t kClasses = kFloat;
  static constexpr Result kResult = Result::Bool;
  template <typename C>
  bool operator()(C x) const {
    return std::isfinite(x);
  }
};

struct Not {
  static constexpr uint32_t kClasses = ir::kBitwiseClass;
  static constexpr Result kResult = Result::Same;
  template <typename C>
  C operator()(C x) const {
    if constexpr (std::is_same_v<C, bool>)
      return !x;
    else
      return C(~x);
  }
};

struct Real {
  static constexpr uint32_t kClasses = ir::kComplexClass;
  static constexpr Result kResult = Result::Real;
  template <typename C>
  real_of_t<C> operator()(C x) const {
    return x.real();
  }
};

struct Imag {
  static constexpr uint32_t kClasses = ir::kComplexClass;
  static constexpr Result kResult = Result::Real;
  template <typename C>
  real_of_t<C> operator()(C x) const {
    return x.imag();
  }
};

struct Conj {
  static constexpr uint32_t kClasses = ir::kComplexClass;
  static constexpr Result kResult = Result::Same;
  template <typename C>
  C operator()(C x) const {
    return {x.real(), -x.imag()};
  }
};

// x ** y for the static integer y: the binary powering JAX's integer_pow lowers to, in the compute type
// (integers wrap); a negative y (inexact dtypes only) is 1 / x ** |y|.
template <typename C>
inline C integer_power(C x, int64_t y) {
  uint64_t e = y < 0 ? uint64_t(0) - uint64_t(y) : uint64_t(y);
  if constexpr (std::is_integral_v<C>) {
    using W = wrap_t<C>;
    if (e == 0) return C(1);
    return C(power_by_squaring(W(x), e, [](W a, W b) { return W(a * b); }));
  } else if constexpr (is_complex_v<C>) {
    if (e == 0) return C(1);
    C p = power_by_squaring(x, e, [](C a, C b) { return cmul(a, b); });
    return y < 0 ? cdiv(C(1), p) : p;
  } else {
    if (e == 0) return C(1);  // even for NaN
    C p = power_by_squaring(x, e, [](C a, C b) { return a * b; });
    return y < 0 ? C(1) / p : p;
  }
}

struct IntegerPow {
  static constexpr uint32_t kClasses = kNum;
  static constexpr Result kResult = Result::Same;
  int64_t y;
  template <typename C>
  C operator()(C x) const {
    return integer_power(x, y);
  }
};

// The common small exponents with y known at compile time, so that the multiplications unroll and the
// loop vectorises (same operations in the same order as IntegerPow, hence the same results).
template <int64_t Y>
struct FixedIntegerPow {
  static constexpr uint32_t kClasses = kNum;
  static constexpr Result kResult = Result::Same;
  template <typename C>
  C operator()(C x) const {
    return integer_power(x, Y);
  }
};

void integer_pow_kernel(const KernelArgs& args) {
  constexpr Prim P = Prim::IntegerPow;
  switch (int64_t y = ir::attr_int(args.attrs, 0)) {
    case -2:
      return run_unary<P>(args, FixedIntegerPow<-2>{});
    case -1:
      return run_unary<P>(args, FixedIntegerPow<-1>{});
    case 0:
      return run_unary<P>(args, FixedIntegerPow<0>{});
    case 1:
      return run_unary<P>(args, FixedIntegerPow<1>{});
    case 2:
      return run_unary<P>(args, FixedIntegerPow<2>{});
    case 3:
      return run_unary<P>(args, FixedIntegerPow<3>{});
    case 4:
      return run_unary<P>(args, FixedIntegerPow<4>{});
    default:
      return run_unary<P>(args, IntegerPow{y});
  }
}

void round_kernel(const KernelArgs& args) {
  // rounding_method 1: halves to even (NumPy's round); 0: halves away from zero (lax's default).
  if (ir::attr_int(args.attrs, 0) == 1)
    run_unary<Prim::Round>(args, RoundHalfEven{});
  else
    run_unary<Prim::Round>(args, RoundHalfAway{});
}

}  // namespace

void register_unary(KernelTable& t) {
  t.set(Prim::Neg, &unary_kernel<Neg, Prim::Neg>);
  t.set(Prim::Abs, &unary_kernel<Abs, Prim::Abs>);
  t.set(Prim::Sign, &unary_kernel<Sign, Prim::Sign>);
  t.set(Prim::Floor, &unary_kernel<Floor, Prim::Floor>);
  t.set(Prim::Ceil, &unary_kernel<Ceil, Prim::Ceil>);
  t.set(Prim::Round, &round_kernel);
  t.set(Prim::Exp, &unary_kernel<Exp, Prim::Exp>);
  t.set(Prim::Exp2, &unary_kernel<Exp2, Prim::Exp2>);
  t.set(Prim::Expm1, &unary_kernel<Expm1, Prim::Expm1>);
  t.set(Prim::Log, &unary_kernel<Log, Prim::Log>);
  t.set(Prim::Log1p, &unary_kernel<Log1p, Prim::Log1p>);
  t.set(Prim::Sqrt, &unary_kernel<Sqrt, Prim::Sqrt>);
  t.set(Prim::Rsqrt, &unary_kernel<Rsqrt, Prim::Rsqrt>);
  t.set(Prim::Cbrt, &unary_kernel<Cbrt, Prim::Cbrt>);
  t.set(Prim::Sin, &unary_kernel<Sin, Prim::Sin>);
  t.set(Prim::Cos, &unary_kernel<Cos, Prim::Cos>);
  t.set(Prim::Tan, &unary_kernel<Tan, Prim::Tan>);
  t.set(Prim::Asin, &unary_kernel<Asin, Prim::Asin>);
  t.set(Prim::Acos, &unary_kernel<Acos, Prim::Acos>);
  t.set(Prim::Atan, &unary_kernel<Atan, Prim::Atan>);
  t.set(Prim::Sinh, &unary_kernel<Sinh, Prim::Sinh>);
  t.set(Prim::Cosh, &unary_kernel<Cosh, Prim::Cosh>);
  t.set(Prim::Tanh, &unary_kernel<Tanh, Prim::Tanh>);
  t.set(Prim::Asinh, &unary_kernel<Asinh, Prim::Asinh>);
  t.set(Prim::Acosh, &unary_kernel<Acosh, Prim::Acosh>);
  t.set(Prim::Atanh, &unary_kernel<Atanh, Prim::Atanh>);
  t.set(Prim::Logistic, &unary_kernel<Logistic, Prim::Logistic>);
  t.set(Prim::Erf, &unary_kernel<Erf, Prim::Erf>);
  t.set(Prim::Erfc, &unary_kernel<Erfc, Prim::Erfc>);
  t.set(Prim::IsFinite, &unary_kernel<IsFinite, Prim::IsFinite>);
  t.set(Prim::Not, &unary_kernel<Not, Prim::Not>);
  t.set(Prim::Real, &unary_kernel<Real, Prim::Real>);
  t.set(Prim::Imag, &unary_kernel<Imag, Prim::Imag>);
  t.set(Prim::Conj, &unary_kernel<Conj, Prim::Conj>);
  t.set(Prim::IntegerPow, &integer_pow_kernel);
}

}  // namespace ember::runtime::kernels
