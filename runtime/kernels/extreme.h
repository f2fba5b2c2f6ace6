// NaN-propagating max/min of a contiguous run, shared by reduce_max/min and argmax/argmin (internal to
// runtime/kernels). The scalar select chain `(b > a || b != b) ? b : a` does not vectorise (GCC 12 leaves
// it scalar, 3-5x slower than a plain max), so float and double run on explicit vectors of the width of
// the instruction set the caller is compiled for (16 bytes baseline, 32 with AVX2, 64 with AVX-512; see
// isa.h); other types take the portable loop. The lanes are the same accumulators at every width, so
// every variant returns the same bits (which zero of -0/+0, which NaN).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "runtime/kernels/isa.h"

namespace ember::runtime::kernels {

// The one of a, b that max (kMax) or min keeps; a NaN wins and stays.
template <bool kMax, typename C>
inline C nan_pick(C a, C b) {
  if constexpr (std::is_floating_point_v<C>)
    return ((kMax ? b > a : b < a) | (b != b)) ? b : a;  // `|`, not `||`: a select GCC can vectorise
  else
    return (kMax ? b > a : b < a) ? b : a;
}

// Independent accumulators: 128 bytes of them for float and double (4 AVX2 vectors, 8 SSE2 ones), enough
// to hide the compare-and-blend latency; 16 for the portable loop.
template <typename C>
inline constexpr int kExtremeLanes = std::is_floating_point_v<C> ? 128 / int(sizeof(C)) : 16;

// nan_pick folded over x[0..n) starting from `init`, converting each element to C first; kBytes is the
// vector width used for float and double.
template <bool kMax, int kBytes, typename C, typename T>
[[gnu::always_inline]] inline C nan_extreme_body(const T* x, int64_t n, C init) {
  constexpr int kLanes = kExtremeLanes<C>;
  int64_t i = 0;
  if constexpr (std::is_same_v<T, C> && (std::is_same_v<C, float> || std::is_same_v<C, double>)) {
    constexpr int kW = kBytes / int(sizeof(C)) < kLanes ? kBytes / int(sizeof(C)) : kLanes;
    constexpr int kV = kLanes / kW;
    typedef C V __attribute__((vector_size(kW * sizeof(C))));
    auto pick = [](V a, V b) { return ((kMax ? b > a : b < a) | (b != b)) ? b : a; };
    V acc[kV];
    for (int v = 0; v < kV; ++v)
      for (int l = 0; l < kW; ++l) acc[v][l] = init;
    for (; i + kLanes <= n; i += kLanes)
      for (int v = 0; v < kV; ++v) {
        V b;
        std::memcpy(&b, x + i + v * kW, sizeof(V));
        acc[v] = pick(acc[v], b);
      }
    // Lane l meets lane l + w, w halving: whole vectors while w spans vectors, then within one. The tree is
    // the same at every width.
    for (int w = kV / 2; w > 0; w /= 2)
      for (int v = 0; v < w; ++v) acc[v] = pick(acc[v], acc[v + w]);
    C lane[kW];
    std::memcpy(lane, &acc[0], sizeof(lane));
    for (int w = kW / 2; w > 0; w /= 2)
      for (int l = 0; l < w; ++l) lane[l] = nan_pick<kMax>(lane[l], lane[l + w]);
    C r = lane[0];
    for (; i < n; ++i) r = nan_pick<kMax>(r, x[i]);  // the tail, in order
    return r;
  } else {
    C lane[kLanes];
    for (int l = 0; l < kLanes; ++l) lane[l] = init;
    for (; i + kLanes <= n; i += kLanes)
      for (int l = 0; l < kLanes; ++l) lane[l] = nan_pick<kMax>(lane[l], C(x[i + l]));
    for (int l = 0; i < n; ++i, ++l) lane[l] = nan_pick<kMax>(lane[l], C(x[i]));
    for (int w = kLanes / 2; w > 0; w /= 2)
      for (int l = 0; l < w; ++l) lane[l] = nan_pick<kMax>(lane[l], lane[l + w]);
    return lane[0];
  }
}

#if EMBER_ISA_VARIANTS
template <bool kMax, typename C, typename T>
EMBER_TARGET_AVX2 C nan_extreme_avx2(const T* x, int64_t n, C init) {
  return nan_extreme_body<kMax, 32, C>(x, n, init);
}
template <bool kMax, typename C, typename T>
EMBER_TARGET_AVX512 C nan_extreme_avx512(const T* x, int64_t n, C init) {
  return nan_extreme_body<kMax, 64, C>(x, n, init);
}
#endif

template <bool kMax, typename C, typename T>
C nan_extreme(const T* x, int64_t n, C init) {
#if EMBER_ISA_VARIANTS
  if constexpr (std::is_same_v<T, C> && (std::is_same_v<C, float> || std::is_same_v<C, double>)) {
    switch (active_isa()) {
      case Isa::Avx512:
        return nan_extreme_avx512<kMax, C>(x, n, init);
      case Isa::Avx2:
        return nan_extreme_avx2<kMax, C>(x, n, init);
      case Isa::Baseline:
        break;
    }
  }
#endif
  return nan_extreme_body<kMax, 16, C>(x, n, init);
}

}  // namespace ember::runtime::kernels
