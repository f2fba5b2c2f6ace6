// Scalar numerics shared by every layer: the 16-bit float types, the float -> integer conversion of
// DESIGN §3 (saturating, NaN -> 0), and untyped element load/store used by literals, the printer and the
// parser. Kernels never call the untyped helpers per element; they use the typed templates.
#pragma once

#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "ir/dtype.h"

namespace ember {

namespace detail {
inline uint16_t float_to_half_bits(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mag = x & 0x7fffffffu;
  if (mag >= 0x7f800000u)  // inf or NaN (NaN stays quiet NaN, keeping the top payload bits)
    return uint16_t(sign | 0x7c00u | (mag > 0x7f800000u ? 0x200u | ((mag >> 13) & 0x3ffu) : 0u));
  if (mag >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // rounds to infinity (>= 65520)
  if (mag < 0x38800000u) {                                  // below 2^-14: half subnormal or zero
    // Adding 0.5 puts the value's 2^-24 units in the low mantissa bits, rounded to nearest even.
    float shifted = std::bit_cast<float>(mag) + 0.5f;
    return uint16_t(sign | (std::bit_cast<uint32_t>(shifted) - 0x3f000000u));
  }
  uint32_t odd = (mag >> 13) & 1u;
  mag += 0xc8000fffu + odd;  // rebias the exponent by -112 and round to nearest even on 13 bits
  return uint16_t(sign | (mag >> 13));
}

inline float half_bits_to_float(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  if (exp == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
  if (exp == 0) {
    float f = float(mant) * 5.9604644775390625e-8f;  // mant * 2^-24
    return sign ? -f : f;
  }
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

inline uint16_t float_to_bfloat16_bits(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return uint16_t((x >> 16) | 0x40u);  // quiet NaN
  x += 0x7fffu + ((x >> 16) & 1u);                                          // round to nearest even
  return uint16_t(x >> 16);
}

inline float bfloat16_bits_to_float(uint16_t b) { return std::bit_cast<float>(uint32_t(b) << 16); }
}  // namespace detail

// IEEE binary16. Arithmetic happens in float: the type converts implicitly to float and explicitly back.
struct float16 {
  uint16_t bits = 0;
  float16() = default;
  explicit float16(float f) : bits(detail::float_to_half_bits(f)) {}
  explicit float16(double d) : float16(float(d)) {}
  operator float() const { return detail::half_bits_to_float(bits); }
  static float16 from_bits(uint16_t b) {
    float16 h;
    h.bits = b;
    return h;
  }
};

struct bfloat16 {
  uint16_t bits = 0;
  bfloat16() = default;
  explicit bfloat16(float f) : bits(detail::float_to_bfloat16_bits(f)) {}
  explicit bfloat16(double d) : bfloat16(float(d)) {}
  operator float() const { return detail::bfloat16_bits_to_float(bits); }
  static bfloat16 from_bits(uint16_t b) {
    bfloat16 h;
    h.bits = b;
    return h;
  }
};

static_assert(sizeof(float16) == 2 && sizeof(bfloat16) == 2);

using complex64 = std::complex<float>;
using complex128 = std::complex<double>;

// The dtype of an element type (compile-time; the inverse of the kernels' dtype dispatch).
template <typename T>
constexpr ir::DType dtype_of() {
  using ir::DType;
  if constexpr (std::is_same_v<T, bool>)
    return DType::Bool;
  else if constexpr (std::is_same_v<T, int8_t>)
    return DType::I8;
  else if constexpr (std::is_same_v<T, int16_t>)
    return DType::I16;
  else if constexpr (std::is_same_v<T, int32_t>)
    return DType::I32;
  else if constexpr (std::is_same_v<T, int64_t>)
    return DType::I64;
  else if constexpr (std::is_same_v<T, uint8_t>)
    return DType::U8;
  else if constexpr (std::is_same_v<T, uint16_t>)
    return DType::U16;
  else if constexpr (std::is_same_v<T, uint32_t>)
    return DType::U32;
  else if constexpr (std::is_same_v<T, uint64_t>)
    return DType::U64;
  else if constexpr (std::is_same_v<T, float16>)
    return DType::F16;
  else if constexpr (std::is_same_v<T, bfloat16>)
    return DType::BF16;
  else if constexpr (std::is_same_v<T, float>)
    return DType::F32;
  else if constexpr (std::is_same_v<T, double>)
    return DType::F64;
  else if constexpr (std::is_same_v<T, complex64>)
    return DType::C64;
  else {
    static_assert(std::is_same_v<T, complex128>, "not an element type");
    return DType::C128;
  }
}

template <typename T>
inline constexpr bool is_half_v = std::is_same_v<T, float16> || std::is_same_v<T, bfloat16>;
template <typename T>
struct is_complex_t : std::false_type {};
template <typename T>
struct is_complex_t<std::complex<T>> : std::true_type {};
template <typename T>
inline constexpr bool is_complex_v = is_complex_t<T>::value;

// The type arithmetic on T is carried out in: float for the 16-bit floats, T otherwise.
template <typename T>
using compute_t = std::conditional_t<is_half_v<T>, float, T>;

// C++ type of each dtype, and the dtype of each C++ type.
template <ir::DType D>
struct dtype_cpp;
#define EMBER_DTYPE_CPP(D, T) \
  template <>                 \
  struct dtype_cpp<ir::DType::D> { using type = T; };
EMBER_DTYPE_CPP(Bool, bool)
EMBER_DTYPE_CPP(I8, int8_t)
EMBER_DTYPE_CPP(I16, int16_t)
EMBER_DTYPE_CPP(I32, int32_t)
EMBER_DTYPE_CPP(I64, int64_t)
EMBER_DTYPE_CPP(U8, uint8_t)
EMBER_DTYPE_CPP(U16, uint16_t)
EMBER_DTYPE_CPP(U32, uint32_t)
EMBER_DTYPE_CPP(U64, uint64_t)
EMBER_DTYPE_CPP(F16, float16)
EMBER_DTYPE_CPP(BF16, bfloat16)
EMBER_DTYPE_CPP(F32, float)
EMBER_DTYPE_CPP(F64, double)
EMBER_DTYPE_CPP(C64, complex64)
EMBER_DTYPE_CPP(C128, complex128)
#undef EMBER_DTYPE_CPP
template <ir::DType D>
using dtype_cpp_t = typename dtype_cpp<D>::type;

// Calls fn(std::type_identity<T>{}) with T the C++ type of `d`: the one dtype switch per kernel call.
template <typename Fn>
decltype(auto) visit_dtype(ir::DType d, Fn&& fn) {
  using ir::DType;
  switch (d) {
    case DType::Bool: return fn(std::type_identity<bool>{});
    case DType::I8: return fn(std::type_identity<int8_t>{});
    case DType::I16: return fn(std::type_identity<int16_t>{});
    case DType::I32: return fn(std::type_identity<int32_t>{});
    case DType::I64: return fn(std::type_identity<int64_t>{});
    case DType::U8: return fn(std::type_identity<uint8_t>{});
    case DType::U16: return fn(std::type_identity<uint16_t>{});
    case DType::U32: return fn(std::type_identity<uint32_t>{});
    case DType::U64: return fn(std::type_identity<uint64_t>{});
    case DType::F16: return fn(std::type_identity<float16>{});
    case DType::BF16: return fn(std::type_identity<bfloat16>{});
    case DType::F32: return fn(std::type_identity<float>{});
    case DType::F64: return fn(std::type_identity<double>{});
    case DType::C64: return fn(std::type_identity<complex64>{});
    case DType::C128: return fn(std::type_identity<complex128>{});
  }
  return fn(std::type_identity<float>{});
}

// Float -> integer as DESIGN §3 fixes it: saturate at the integer's range, NaN -> 0. (A plain C++ cast of
// an out-of-range float is undefined behaviour.)
template <typename Int, typename Float>
inline Int saturate_cast(Float f) {
  static_assert(std::is_integral_v<Int>);
  if (std::isnan(f)) return Int(0);
  if constexpr (std::is_same_v<Int, bool>) {
    return f != Float(0);
  } else {
    constexpr Float lo = Float(std::numeric_limits<Int>::min());
    // max() rounded to Float can round up to 2^bits, which is out of range: compare with >=.
    constexpr Float hi = Float(std::numeric_limits<Int>::max());
    if (f <= lo) return std::numeric_limits<Int>::min();
    if (f >= hi) return std::numeric_limits<Int>::max();
    return Int(f);
  }
}

// Untyped element access for literals, printing and parsing. Not for kernels.
double load_element_as_double(ir::DType d, const void* p);
int64_t load_element_as_int(ir::DType d, const void* p);  // exact for integer dtypes up to int64
std::complex<double> load_element_as_complex(ir::DType d, const void* p);
void store_element_from_double(ir::DType d, void* p, double v);
void store_element_from_int(ir::DType d, void* p, int64_t v);
void store_element_from_complex(ir::DType d, void* p, std::complex<double> v);

// base ** e for e >= 1 by binary powering, in the order of multiplications integer_pow is defined by (the
// one JAX lowers it to). The reference executor evaluates it and the cpu backend emits code with it, each with
// its own `mul`, so both multiply (and round) in the same order and agree bit for bit.
template <typename V, typename Mul>
V power_by_squaring(V base, uint64_t e, Mul mul) {
  V acc = base;
  bool have = false;
  for (;;) {
    if (e & 1) {
      acc = have ? mul(acc, base) : base;
      have = true;
    }
    e >>= 1;
    if (e == 0) return acc;
    base = mul(base, base);
  }
}

}  // namespace ember
