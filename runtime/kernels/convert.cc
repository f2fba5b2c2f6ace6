// convert_element_type (value conversion with DESIGN §3's rules) and bitcast_convert_type (byte
// reinterpretation).
#include <bit>
#include <cmath>
#include <cstring>

#include "runtime/kernels/elementwise.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

// Double -> float rounded to odd: truncate towards zero, then set the last bit if anything was dropped.
// Rounding that float once more to a format with at least two fewer significand bits (float16 has 11,
// bfloat16 8, float 24) gives the correctly rounded result; rounding to nearest twice would not (e.g.
// 1 + 2^-11 + 2^-40 is a float tie that rounds down to 1.0 in float16, while the value itself rounds up).
inline float to_float_round_odd(double d) {
  float f = float(d);
  if (double(f) == d || std::isnan(d)) return f;
  uint32_t bits = std::bit_cast<uint32_t>(f);
  if (std::fabs(double(f)) > std::fabs(d)) --bits;  // rounded away from zero (possibly to inf): step back
  return std::bit_cast<float>(bits | 1u);
}

// The same for integers wider than float's 24-bit significand.
template <typename I>
inline float int_to_float_round_odd(I v) {
  bool negative = false;
  uint64_t m;
  if constexpr (std::is_signed_v<I>) {
    negative = v < 0;
    m = negative ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  } else {
    m = uint64_t(v);
  }
  if (m >= (uint64_t(1) << 24)) {
    int shift = std::bit_width(m) - 24;
    uint64_t kept = m >> shift;
    if (m & ((uint64_t(1) << shift) - 1)) kept |= 1;  // sticky bit
    m = kept << shift;                                // <= 24 significant bits: exact in float
  }
  float f = float(m);
  return negative ? -f : f;
}

// One element of convert_element_type, storage type to storage type.
template <typename To, typename From>
inline To convert_value(From x) {
  if constexpr (std::is_same_v<To, From>) {
    return x;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (is_complex_v<From>)
      return x.real() != 0 || x.imag() != 0;
    else
      return load(x) != 0;  // NaN -> true
  } else if constexpr (is_complex_v<From> && !is_complex_v<To>) {
    return convert_value<To>(x.real());  // the real part
  } else if constexpr (is_complex_v<To>) {
    using R = typename To::value_type;
    if constexpr (is_complex_v<From>)
      return To(R(x.real()), R(x.imag()));
    else
      return To(convert_value<R>(x), R(0));
  } else if constexpr (std::is_same_v<From, bool>) {
    return store<To>(x ? 1.0f : 0.0f);
  } else if constexpr (is_half_v<To>) {
    if constexpr (std::is_same_v<From, double>)
      return To(to_float_round_odd(x));
    else if constexpr (std::is_integral_v<From> && sizeof(From) >= 4)
      return To(int_to_float_round_odd(x));
    else
      return To(float(x));  // exact in float: float16, bfloat16, float, 8/16-bit integers
  } else if constexpr (std::is_integral_v<To>) {
    if constexpr (std::is_integral_v<From>)
      return To(x);  // two's complement truncation
    else
      return saturate_cast<To>(load(x));  // saturates; NaN -> 0
  } else {
    return To(load(x));  // to float/double: rounded once (exact from the 16-bit floats)
  }
}

template <typename From, typename To>
void convert_loop(const From* __restrict x, To* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = convert_value<To>(x[i]);
}

void convert_kernel(const KernelArgs& args) {
  const Array& x = args.inputs[0];
  Array& y = args.outputs[0];
  constexpr Prim P = Prim::ConvertElementType;
  expect(x.numel() == y.numel(), P, "operand and result sizes differ");
  expect(y.type.dtype == ir::attr_dtype(args.attrs, 0), P, "unexpected result dtype");
  visit_dtype(x.type.dtype, [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    visit_dtype(y.type.dtype, [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      const From* px = x.data_as<const From>();
      To* py = y.data_as<To>();
      for_chunks(x.numel(), [=](int64_t b, int64_t e) { convert_loop(px + b, py + b, e - b); });
    });
  });
}

// Element bytes are laid out the same way whatever the split into elements (little-endian pieces, as
// NumPy's .view), so every bitcast, shape-changing ones included, is a copy of the buffer.
void bitcast_kernel(const KernelArgs& args) {
  const Array& x = args.inputs[0];
  Array& y = args.outputs[0];
  constexpr Prim P = Prim::BitcastConvertType;
  expect(x.nbytes() == y.nbytes(), P, "operand and result sizes differ");
  expect(y.type.dtype == ir::attr_dtype(args.attrs, 0), P, "unexpected result dtype");
  const char* src = static_cast<const char*>(x.data());
  char* dst = static_cast<char*>(y.data());
  // Split in bytes with a grain of kParallelGrain four-byte elements.
  constexpr int64_t kGrainBytes = kParallelGrain * 4;
  int64_t n = int64_t(x.nbytes());
  if (n >= 2 * kGrainBytes) {
    parallel_for(n, kGrainBytes, [=](int64_t b, int64_t e) { std::memcpy(dst + b, src + b, size_t(e - b)); });
  } else if (n > 0) {
    std::memcpy(dst, src, size_t(n));
  }
}

}  // namespace

void register_convert(KernelTable& t) {
  t.set(Prim::ConvertElementType, &convert_kernel);
  t.set(Prim::BitcastConvertType, &bitcast_kernel);
}

}  // namespace ember::runtime::kernels
