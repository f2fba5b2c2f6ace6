// NaN-propagating max/min of a contiguous run, shared by reduce_max/min and argmax/argmin (internal to
// runtime/kernels). The scalar select chain `(b > a || b != b) ? b : a` does not vectorise (GCC 12 leaves
// it scalar, 3-5x slower than a plain max), so float and double run on explicit 16-byte vectors; other
// types take the portable loop.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace ember::runtime::kernels {

// The one of a, b that max (kMax) or min keeps; a NaN wins and stays.
template <bool kMax, typename C>
inline C nan_pick(C a, C b) {
  if constexpr (std::is_floating_point_v<C>)
    return ((kMax ? b > a : b < a) || b != b) ? b : a;
  else
    return (kMax ? b > a : b < a) ? b : a;
}

// nan_pick folded over x[0..n) starting from `init`, converting each element to C first.
template <bool kMax, typename C, typename T>
C nan_extreme(const T* x, int64_t n, C init) {
  constexpr int kLanes = 16;
  C lane[kLanes];
  int64_t i = 0;
  if constexpr (std::is_same_v<T, C> && (std::is_same_v<C, float> || std::is_same_v<C, double>)) {
    typedef C V __attribute__((vector_size(16)));
    constexpr int kW = 16 / sizeof(C), kV = kLanes / kW;
    V acc[kV];
    for (int v = 0; v < kV; ++v)
      for (int l = 0; l < kW; ++l) acc[v][l] = init;
    for (; i + kLanes <= n; i += kLanes)
      for (int v = 0; v < kV; ++v) {
        V b;
        std::memcpy(&b, x + i + v * kW, sizeof(V));
        acc[v] = (((kMax ? b > acc[v] : b < acc[v]) | (b != b)) ? b : acc[v]);
      }
    std::memcpy(lane, acc, sizeof(lane));
  } else {
    for (int l = 0; l < kLanes; ++l) lane[l] = init;
    for (; i + kLanes <= n; i += kLanes)
      for (int l = 0; l < kLanes; ++l) lane[l] = nan_pick<kMax>(lane[l], C(x[i + l]));
  }
  for (int l = 0; i < n; ++i, ++l) lane[l] = nan_pick<kMax>(lane[l], C(x[i]));
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int l = 0; l < w; ++l) lane[l] = nan_pick<kMax>(lane[l], lane[l + w]);
  return lane[0];
}

}  // namespace ember::runtime::kernels
