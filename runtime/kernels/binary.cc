// Binary elementwise kernels (arithmetic, bitwise, shifts, comparisons, complex): one functor per primitive
// on the compute type, run by one templated loop. Integer semantics never trap (DESIGN §3).
#include <cmath>
#include <complex>
#include <limits>

#include "runtime/kernels/elementwise.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

enum class Result { Same, Bool, ComplexOf };
template <Result R, typename T>
using result_t = std::conditional_t<R == Result::Bool, bool,
                                    std::conditional_t<R == Result::ComplexOf, complex_of_t<T>, T>>;

template <typename Op, Prim P>
void binary_kernel(const KernelArgs& args) {
  const Array &a = args.inputs[0], &b = args.inputs[1];
  Array& y = args.outputs[0];
  expect(a.type.dtype == b.type.dtype, P, "operand dtypes differ");
  expect(a.numel() == b.numel() && a.numel() == y.numel(), P, "operand and result sizes differ");
  Op op;
  visit_dtype(a.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(Op::kClasses)) {
      using Out = result_t<Op::kResult, T>;
      expect(y.type.dtype == dtype_of<Out>(), P, "unexpected result dtype");
      map_binary(a.data_as<const T>(), b.data_as<const T>(), y.data_as<Out>(), a.numel(), op);
    } else {
      unsupported_dtype(P, a.type.dtype);
    }
  });
}

constexpr uint32_t kNum = ir::kNumberClass, kFloat = ir::kFloatClass, kInt = ir::kIntClass;

template <uint32_t Classes, Result R = Result::Same>
struct OpTraits {
  static constexpr uint32_t kClasses = Classes;
  static constexpr Result kResult = R;
};

struct Add : OpTraits<kNum> {
  static constexpr bool kSimd = true;  // instruction-set variants for float types (elementwise.h)
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>)
      return C(wrap_t<C>(a) + wrap_t<C>(b));
    else
      return a + b;
  }
};

struct Sub : OpTraits<kNum> {
  static constexpr bool kSimd = true;  // instruction-set variants for float types (elementwise.h)
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>)
      return C(wrap_t<C>(a) - wrap_t<C>(b));
    else
      return a - b;
  }
};

struct Mul : OpTraits<kNum> {
  static constexpr bool kSimd = true;  // instruction-set variants for float types (elementwise.h)
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>)
      return C(wrap_t<C>(a) * wrap_t<C>(b));
    else if constexpr (is_complex_v<C>)
      return cmul(a, b);
    else
      return a * b;
  }
};

struct Div : OpTraits<kNum> {
  static constexpr bool kSimd = true;  // instruction-set variants for float types (elementwise.h)
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>) {
      // Truncating division; x / 0 is 0 and INT_MIN / -1 wraps to INT_MIN (a - a - a), never a trap.
      if (b == 0) return C(0);
      if constexpr (std::is_signed_v<C>) {
        if (b == C(-1)) return C(wrap_t<C>(0) - wrap_t<C>(a));
      }
      return C(a / b);
    } else if constexpr (is_complex_v<C>) {
      return cdiv(a, b);
    } else {
      return a / b;
    }
  }
};

struct Rem : OpTraits<ir::kRealNumberClass> {
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>) {
      // C's % (sign of the dividend); x % 0 is 0 and INT_MIN % -1 is 0, never a trap.
      if (b == 0) return C(0);
      if constexpr (std::is_signed_v<C>) {
        if (b == C(-1)) return C(0);
      }
      return C(a % b);
    } else {
      return std::fmod(a, b);
    }
  }
};

struct Pow : OpTraits<kNum> {
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (std::is_integral_v<C>) {
      if constexpr (std::is_signed_v<C>) {
        // A negative exponent: only 1 and -1 have integral reciprocals; everything else (0 included) is 0.
        if (b < 0) return a == 1 ? C(1) : a == C(-1) ? ((b & 1) ? C(-1) : C(1)) : C(0);
      }
      using W = wrap_t<C>;
      W base = W(a), acc = 1;
      for (auto e = std::make_unsigned_t<C>(b); e != 0; e >>= 1) {
        if (e & 1) acc = W(acc * base);
        base = W(base * base);
      }
      return C(acc);
    } else if constexpr (is_complex_v<C>) {
      return complex_math::pow(a, b);
    } else {
      return std::pow(a, b);
    }
  }

};

struct Max : OpTraits<ir::kAnyClass> {
  static constexpr bool kSimd = true;  // instruction-set variants for float types (elementwise.h)
  template <typename C>
  C operator()(C a, C b) const {
    return MaxOp{}(a, b);
  }
};

struct Min : OpTraits<ir::kAnyClass> {
  static constexpr bool kSimd = true;  // instruction-set variants for float types (elementwise.h)
  template <typename C>
  C operator()(C a, C b) const {
    return MinOp{}(a, b);
  }
};

struct Atan2 : OpTraits<kFloat> {
  template <typename C>
  C operator()(C a, C b) const {
    return std::atan2(a, b);
  }
};

struct And : OpTraits<ir::kBitwiseClass> {
  template <typename C>
  C operator()(C a, C b) const {
    return C(a & b);
  }
};

struct Or : OpTraits<ir::kBitwiseClass> {
  template <typename C>
  C operator()(C a, C b) const {
    return C(a | b);
  }
};

struct Xor : OpTraits<ir::kBitwiseClass> {
  template <typename C>
  C operator()(C a, C b) const {
    return C(a ^ b);
  }
};

// Shift counts are read as unsigned (a negative count is huge); counts >= the bit width shift everything
// out. Shifts happen on the unsigned bits, so no shift is undefined behaviour.
template <typename C>
constexpr auto kBits = std::make_unsigned_t<C>(sizeof(C) * 8);

struct ShiftLeft : OpTraits<kInt> {
  template <typename C>
  C operator()(C a, C b) const {
    auto count = std::make_unsigned_t<C>(b);
    return count >= kBits<C> ? C(0) : C(wrap_t<C>(a) << count);
  }
};

struct ShiftRightLogical : OpTraits<kInt> {
  template <typename C>
  C operator()(C a, C b) const {
    using U = std::make_unsigned_t<C>;
    auto count = U(b);
    return count >= kBits<C> ? C(0) : C(U(a) >> count);
  }
};

// Shifts in copies of the sign bit; unsigned operands are read as their signed counterparts (as XLA does).
struct ShiftRightArithmetic : OpTraits<kInt> {
  template <typename C>
  C operator()(C a, C b) const {
    using S = std::make_signed_t<C>;
    auto count = std::make_unsigned_t<C>(b);
    S s = S(a);
    return count >= kBits<C> ? C(s < 0 ? S(-1) : S(0)) : C(S(s >> count));
  }
};

struct Eq : OpTraits<ir::kAnyClass, Result::Bool> {
  template <typename C>
  bool operator()(C a, C b) const {
    return a == b;
  }
};

struct Ne : OpTraits<ir::kAnyClass, Result::Bool> {
  template <typename C>
  bool operator()(C a, C b) const {
    return a != b;
  }
};

struct Lt : OpTraits<ir::kOrderedClass, Result::Bool> {
  template <typename C>
  bool operator()(C a, C b) const {
    return a < b;
  }
};

struct Le : OpTraits<ir::kOrderedClass, Result::Bool> {
  template <typename C>
  bool operator()(C a, C b) const {
    return a <= b;
  }
};

struct Gt : OpTraits<ir::kOrderedClass, Result::Bool> {
  template <typename C>
  bool operator()(C a, C b) const {
    return a > b;
  }
};

struct Ge : OpTraits<ir::kOrderedClass, Result::Bool> {
  template <typename C>
  bool operator()(C a, C b) const {
    return a >= b;
  }
};

struct MakeComplex : OpTraits<kFloat, Result::ComplexOf> {
  template <typename C>
  auto operator()(C re, C im) const {
    using R = std::conditional_t<std::is_same_v<C, double>, double, float>;
    return std::complex<R>(R(re), R(im));
  }
};

// nextafter steps in the operand type's own ulps. For float16/bfloat16 that is a step on the 16-bit
// pattern (stepping in float's ulps and rounding back would return x itself); C semantics otherwise:
// NaN if either is NaN, y when x == y.
template <typename T>
T nextafter_bits(T x, T y) {
  float fx = float(x), fy = float(y);
  if (std::isnan(fx) || std::isnan(fy)) return T(std::numeric_limits<float>::quiet_NaN());
  if (fx == fy) return y;
  uint16_t bits = x.bits;
  if (fx == 0) return T::from_bits(uint16_t((y.bits & 0x8000u) | 1u));  // smallest subnormal towards y
  // Away from zero when moving towards larger magnitude: +1 on the magnitude bits, else -1.
  bool away = (fx < fy) == (fx > 0);
  return T::from_bits(uint16_t(away ? bits + 1 : bits - 1));
}

void nextafter_kernel(const KernelArgs& args) {
  const Array &a = args.inputs[0], &b = args.inputs[1];
  Array& y = args.outputs[0];
  constexpr Prim P = Prim::Nextafter;
  expect(a.type.dtype == b.type.dtype && y.type.dtype == a.type.dtype, P, "operand dtypes differ");
  expect(a.numel() == b.numel() && a.numel() == y.numel(), P, "operand and result sizes differ");
  visit_dtype(a.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T *pa = a.data_as<const T>(), *pb = b.data_as<const T>();
    T* py = y.data_as<T>();
    if constexpr (is_half_v<T>) {
      for_chunks(a.numel(), [=](int64_t s, int64_t e) {
        for (int64_t i = s; i < e; ++i) py[i] = nextafter_bits(pa[i], pb[i]);
      });
    } else if constexpr (std::is_floating_point_v<T>) {
      map_binary(pa, pb, py, a.numel(), [](T u, T v) { return std::nextafter(u, v); });
    } else {
      unsupported_dtype(P, a.type.dtype);
    }
  });
}

}  // namespace

void register_binary(KernelTable& t) {
  t.set(Prim::Add, &binary_kernel<Add, Prim::Add>);
  t.set(Prim::Sub, &binary_kernel<Sub, Prim::Sub>);
  t.set(Prim::Mul, &binary_kernel<Mul, Prim::Mul>);
  t.set(Prim::Div, &binary_kernel<Div, Prim::Div>);
  t.set(Prim::Rem, &binary_kernel<Rem, Prim::Rem>);
  t.set(Prim::Pow, &binary_kernel<Pow, Prim::Pow>);
  t.set(Prim::Max, &binary_kernel<Max, Prim::Max>);
  t.set(Prim::Min, &binary_kernel<Min, Prim::Min>);
  t.set(Prim::Atan2, &binary_kernel<Atan2, Prim::Atan2>);
  t.set(Prim::Nextafter, &nextafter_kernel);
  t.set(Prim::And, &binary_kernel<And, Prim::And>);
  t.set(Prim::Or, &binary_kernel<Or, Prim::Or>);
  t.set(Prim::Xor, &binary_kernel<Xor, Prim::Xor>);
  t.set(Prim::ShiftLeft, &binary_kernel<ShiftLeft, Prim::ShiftLeft>);
  t.set(Prim::ShiftRightLogical, &binary_kernel<ShiftRightLogical, Prim::ShiftRightLogical>);
  t.set(Prim::ShiftRightArithmetic, &binary_kernel<ShiftRightArithmetic, Prim::ShiftRightArithmetic>);
  t.set(Prim::Eq, &binary_kernel<Eq, Prim::Eq>);
  t.set(Prim::Ne, &binary_kernel<Ne, Prim::Ne>);
  t.set(Prim::Lt, &binary_kernel<Lt, Prim::Lt>);
  t.set(Prim::Le, &binary_kernel<Le, Prim::Le>);
  t.set(Prim::Gt, &binary_kernel<Gt, Prim::Gt>);
  t.set(Prim::Ge, &binary_kernel<Ge, Prim::Ge>);
  t.set(Prim::Complex, &binary_kernel<MakeComplex, Prim::Complex>);
}

}  // namespace ember::runtime::kernels
