// Shared machinery of the elementwise kernels (internal to runtime/kernels): the typed loops every kernel
// runs, the storage <-> compute conversions of the 16-bit floats, and scalar helpers more than one family
// needs. A kernel dispatches on dtype once (ember::visit_dtype), then runs one of these loops over a functor
// on the compute type; swapping a functor (e.g. for a vectorisable polynomial) is a one-place change.
#pragma once

#include <bit>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/kernels/isa.h"
#include "runtime/kernels/kernels.h"
#include "runtime/support/complex_math.h"
#include "runtime/thread_pool.h"

namespace ember::runtime::kernels {

// Registration of each family; register_elementwise calls them all.
void register_unary(KernelTable& table);
void register_binary(KernelTable& table);
void register_convert(KernelTable& table);
void register_select_clamp(KernelTable& table);

// ---- types -------------------------------------------------------------------------------------------


// Whether element type T belongs to a set of dtype classes (compile-time twin of ir::in_class).
template <typename T>
constexpr bool in_classes(uint32_t classes) {
  return ir::in_class(dtype_of<T>(), classes);
}

// Integer arithmetic that wraps: done on an unsigned type at least as wide as unsigned int, because
// uint8_t/uint16_t operands promote to (signed) int, where 65535 * 65535 overflows.
template <typename T>
using wrap_t = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

template <typename T>
struct real_of {
  using type = T;
};
template <typename R>
struct real_of<std::complex<R>> {
  using type = R;
};
template <typename T>
using real_of_t = typename real_of<T>::type;

// The complex type of a real element type (f16, bf16, f32 -> complex64; f64 -> complex128).
template <typename T>
using complex_of_t =
    std::conditional_t<std::is_same_v<T, double> || std::is_same_v<T, complex128>, complex128, complex64>;

// float16 <-> float without branches, bit for bit what ember::float16 computes (tested exhaustively), so
// that loops over float16 vectorise: every case is computed and the right one selected.
inline float half_to_float(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t bits = uint32_t(h & 0x7fffu) << 13;  // exponent and mantissa in float position
  uint32_t exp = bits & 0x0f800000u;
  uint32_t normal = bits + 0x38000000u;   // rebias the exponent by 127 - 15
  uint32_t special = bits | 0x7f800000u;  // inf / NaN keep their mantissa
  // Subnormal or zero: 2^-14 * (1 + m / 2^10) - 2^-14 = m * 2^-24, exact.
  float sub = std::bit_cast<float>(normal + 0x00800000u) - std::bit_cast<float>(0x38800000u);
  uint32_t mag = exp == 0x0f800000u ? special : exp == 0 ? std::bit_cast<uint32_t>(sub) : normal;
  return std::bit_cast<float>(sign | mag);
}

inline uint16_t float_to_half(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mag = x & 0x7fffffffu;
  uint32_t nan = 0x7c00u | 0x200u | ((mag >> 13) & 0x3ffu);  // quiet, keeping the top payload bits
  // Below 2^-14: adding 0.5 puts the value's 2^-24 units in the low mantissa bits, rounded to nearest even.
  uint32_t sub = std::bit_cast<uint32_t>(std::bit_cast<float>(mag) + 0.5f) - 0x3f000000u;
  // Rebias the exponent by -112 and round to nearest even on the 13 dropped bits.
  uint32_t normal = (mag + 0xc8000fffu + ((mag >> 13) & 1u)) >> 13;
  uint32_t r = mag > 0x7f800000u ? nan : mag >= 0x477ff000u ? 0x7c00u : mag < 0x38800000u ? sub : normal;
  return uint16_t(sign | r);
}

// Storage -> compute (16-bit floats widen to float) and compute -> storage (rounded once).
template <typename T>
inline compute_t<T> load(T v) {
  if constexpr (std::is_same_v<T, float16>)
    return half_to_float(v.bits);
  else
    return compute_t<T>(v);
}
template <typename Out, typename C>
inline Out store(C v) {
  if constexpr (std::is_same_v<Out, float16>)
    return float16::from_bits(float_to_half(float(v)));
  else if constexpr (is_half_v<Out>)
    return Out(float(v));
  else
    return Out(v);
}

// ---- errors ------------------------------------------------------------------------------------------

[[noreturn]] inline void unsupported_dtype(ir::Prim p, ir::DType d) {
  throw Error(ErrorKind::Type,
              "expected a " + std::string(ir::dtype_class_name(ir::prim_info(p).operand_dtypes)) +
                  " operand, got " + std::string(ir::dtype_name(d)),
              std::string(ir::prim_name(p)));
}

// The executor allocates outputs from the op's result types; execute_op_typed trusts its caller, so the
// kernels check what they rely on (element count, dtypes) instead of writing out of bounds.
inline void expect(bool ok, ir::Prim p, const char* what) {
  if (!ok)
    throw Error(ErrorKind::Runtime, std::string("inconsistent operands: ") + what,
                std::string(ir::prim_name(p)));
}

// ---- loops -------------------------------------------------------------------------------------------

// Runs body(begin, end) over [0, n): on the thread pool for large n, inline (no std::function) otherwise.
// `grain` is the chunk below which a thread is not worth waking: kParallelGrain elements of a cheap op.
template <typename Body>
inline void for_chunks(int64_t n, const Body& body, int64_t grain = kParallelGrain) {
  if (n >= 2 * grain) {
    parallel_for(n, grain, body);
  } else if (n > 0) {
    body(int64_t(0), n);
  }
}

// Functors of transcendental functions declare `static constexpr bool kExpensive = true`: at ~2-20 ns per
// element (against ~0.1 for an add), a 16x smaller chunk is as long and is worth a thread.
template <typename F>
constexpr int64_t grain_of() {
  if constexpr (requires { F::kExpensive; })
    return F::kExpensive ? kParallelGrain / 16 : kParallelGrain;
  else
    return kParallelGrain;
}

// A functor opts into the instruction-set variants of its loops (isa.h) with `static constexpr bool kSimd =
// true`: worth it where the loop is compute-bound and vectorises (polynomial transcendentals, arithmetic,
// max/min); other functors (libm calls, integer-only ops) keep one baseline loop, which keeps code size
// and compile time down. Variants exist for floating compute types only.
template <typename F, typename C>
constexpr bool kSimdLoop = [] {
  if constexpr (requires { F::kSimd; })
    return F::kSimd && std::is_floating_point_v<C> && EMBER_ISA_VARIANTS;
  else
    return false;
}();

// A functor whose fast path does not cover every input declares `bool needs_fallback(C) const` and
// `fallback(C) const` (e.g. sin for huge arguments): the loop runs the fast path over a block, notes
// whether any element needs the fallback, and redoes just those, so the main loop stays branch-free.
template <typename F, typename C>
concept HasFallback = requires(const F& f, C x) {
  { f.needs_fallback(x) } -> std::convertible_to<bool>;
  f.fallback(x);
};

template <typename In, typename Out, typename F>
[[gnu::always_inline]] inline void unary_body(const In* __restrict x, Out* __restrict y, int64_t n,
                                              const F& f) {
  using C = compute_t<In>;
  if constexpr (HasFallback<F, C>) {
    constexpr int64_t kBlock = 256;
    for (int64_t b = 0; b < n; b += kBlock) {
      int64_t e = n - b < kBlock ? n : b + kBlock;
      unsigned any = 0;
      for (int64_t i = b; i < e; ++i) {
        C v = load(x[i]);
        y[i] = store<Out>(f(v));
        any |= unsigned(f.needs_fallback(v));
      }
      if (any)
        for (int64_t i = b; i < e; ++i)
          if (C v = load(x[i]); f.needs_fallback(v)) y[i] = store<Out>(f.fallback(v));
    }
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = store<Out>(f(load(x[i])));
  }
}

template <typename In, typename Out, typename F>
[[gnu::always_inline]] inline void binary_body(const In* __restrict a, const In* __restrict b,
                                               Out* __restrict y, int64_t n, const F& f) {
  for (int64_t i = 0; i < n; ++i) y[i] = store<Out>(f(load(a[i]), load(b[i])));
}

#if EMBER_ISA_VARIANTS
template <typename In, typename Out, typename F>
EMBER_TARGET_AVX2 void unary_avx2(const In* x, Out* y, int64_t n, const F& f) {
  unary_body(x, y, n, f);
}
template <typename In, typename Out, typename F>
EMBER_TARGET_AVX512 void unary_avx512(const In* x, Out* y, int64_t n, const F& f) {
  unary_body(x, y, n, f);
}
template <typename In, typename Out, typename F>
EMBER_TARGET_AVX2 void binary_avx2(const In* a, const In* b, Out* y, int64_t n, const F& f) {
  binary_body(a, b, y, n, f);
}
template <typename In, typename Out, typename F>
EMBER_TARGET_AVX512 void binary_avx512(const In* a, const In* b, Out* y, int64_t n, const F& f) {
  binary_body(a, b, y, n, f);
}
#endif

template <typename In, typename Out, typename F>
void unary_loop(const In* x, Out* y, int64_t n, const F& f) {
#if EMBER_ISA_VARIANTS
  if constexpr (kSimdLoop<F, compute_t<In>>) {
    switch (active_isa()) {
      case Isa::Avx512:
        return unary_avx512(x, y, n, f);
      case Isa::Avx2:
        return unary_avx2(x, y, n, f);
      case Isa::Baseline:
        break;
    }
  }
#endif
  unary_body(x, y, n, f);
}

template <typename In, typename Out, typename F>
void binary_loop(const In* a, const In* b, Out* y, int64_t n, const F& f) {
#if EMBER_ISA_VARIANTS
  if constexpr (kSimdLoop<F, compute_t<In>>) {
    switch (active_isa()) {
      case Isa::Avx512:
        return binary_avx512(a, b, y, n, f);
      case Isa::Avx2:
        return binary_avx2(a, b, y, n, f);
      case Isa::Baseline:
        break;
    }
  }
#endif
  binary_body(a, b, y, n, f);
}

// y[i] = f(x[i]) with f on the compute type.
template <typename In, typename Out, typename F>
void map_unary(const In* x, Out* y, int64_t n, const F& f) {
  for_chunks(
      n, [=](int64_t b, int64_t e) { unary_loop(x + b, y + b, e - b, f); }, grain_of<F>());
}

// y[i] = f(a[i], b[i]) with f on the compute type.
template <typename In, typename Out, typename F>
void map_binary(const In* a, const In* b, Out* y, int64_t n, const F& f) {
  for_chunks(
      n, [=](int64_t s, int64_t e) { binary_loop(a + s, b + s, y + s, e - s, f); }, grain_of<F>());
}

// ---- scalar helpers shared by several families -------------------------------------------------------

// NaN-propagating maximum / minimum, as NumPy's maximum/minimum (and XLA's max/min). On ties, including
// -0.0 against +0.0, the second operand wins, which is what NumPy returns. Complex values compare
// lexicographically (real part, then imaginary part), NaN in either part propagating. For bool, max is or
// and min is and.
struct MaxOp {
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (is_complex_v<C>) {
      auto ar = a.real(), ai = a.imag(), br = b.real(), bi = b.imag();
      bool ge = (ar > br && !std::isnan(ai) && !std::isnan(bi)) || (ar == br && ai >= bi);
      return std::isnan(ar) || std::isnan(ai) || ge ? a : b;
    } else if constexpr (std::is_floating_point_v<C>) {
      return a > b || a != a ? a : b;
    } else {
      return a > b ? a : b;
    }
  }
};

struct MinOp {
  template <typename C>
  C operator()(C a, C b) const {
    if constexpr (is_complex_v<C>) {
      auto ar = a.real(), ai = a.imag(), br = b.real(), bi = b.imag();
      bool le = (ar < br && !std::isnan(ai) && !std::isnan(bi)) || (ar == br && ai <= bi);
      return std::isnan(ar) || std::isnan(ai) || le ? a : b;
    } else if constexpr (std::is_floating_point_v<C>) {
      return a < b || a != a ? a : b;
    } else {
      return a < b ? a : b;
    }
  }
};

using complex_math::cdiv;
using complex_math::cmul;

}  // namespace ember::runtime::kernels
