#include "runtime/kernels/strided_copy.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>

namespace ember::runtime::kernels {

namespace {

// Only 8-byte aligned: complex128 data wrapped from elsewhere need not be 16-byte aligned.
struct Bytes16 {
  uint64_t lo, hi;
};

// Bytes a parallel task should move at least, so that the pool's overhead stays small.
constexpr int64_t kTaskBytes = 1 << 17;
// Long rows are split into chunks of this many bytes so that a single huge row still spreads over threads.
constexpr int64_t kRowChunkBytes = 1 << 18;

// The copy after dropping unit dimensions and merging dimensions contiguous in both views.
struct Plan {
  Dims shape, dst, src;
};

Plan simplify(std::span<const int64_t> shape, std::span<const int64_t> dst, std::span<const int64_t> src) {
  Plan p;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (!p.shape.empty() && p.dst.back() == dst[i] * shape[i] && p.src.back() == src[i] * shape[i]) {
      p.shape.back() *= shape[i];
      p.dst.back() = dst[i];
      p.src.back() = src[i];
    } else {
      p.shape.push_back(shape[i]);
      p.dst.push_back(dst[i]);
      p.src.push_back(src[i]);
    }
  }
  return p;
}

template <typename E>
void copy_row(E* dst, const E* src, int64_t n, int64_t ds, int64_t ss) {
  if (ds == 1) {
    if (ss == 1) {
      std::memcpy(dst, src, size_t(n) * sizeof(E));
    } else if (ss == 0) {
      std::fill_n(dst, n, *src);
    } else if (ss == -1) {
      for (int64_t k = 0; k < n; ++k) dst[k] = src[-k];
    } else {
      for (int64_t k = 0; k < n; ++k) dst[k] = src[k * ss];
    }
  } else {
    for (int64_t k = 0; k < n; ++k) dst[k * ds] = src[k * ss];
  }
}

// In-register transpose of a W x W block of elements of E bytes held in W 16-byte vectors (W = 16 / E):
// log2(W) stages of interleaving pairs of vectors at granularity E, 2E, ..., 8 bytes, as the unpacklo/hi
// sequences of hand-written SSE/NEON transposes do.
typedef uint8_t Vec16 __attribute__((vector_size(16)));

template <int G>
using UIntOf =
    std::conditional_t<G == 1, uint8_t,
                       std::conditional_t<G == 2, uint16_t, std::conditional_t<G == 4, uint32_t, uint64_t>>>;

// Low (kHi false) or high halves of a and b interleaved in units of G bytes.
template <int G, bool kHi, size_t... Is>
inline Vec16 interleave(Vec16 a, Vec16 b, std::index_sequence<Is...>) {
  typedef UIntOf<G> VG __attribute__((vector_size(16)));
  constexpr int n = 16 / G;
  return (Vec16)__builtin_shufflevector((VG)a, (VG)b,
                                        ((kHi ? n / 2 : 0) + int(Is) / 2 + (Is % 2 ? n : 0))...);
}

template <int E, int G>
inline void transpose_stage(Vec16* r) {
  constexpr int W = 16 / E, dist = G / E;
  Vec16 t[W];
  for (int base = 0; base < W; base += 2 * dist)
    for (int j = 0; j < dist; ++j) {
      t[base + 2 * j] =
          interleave<G, false>(r[base + j], r[base + j + dist], std::make_index_sequence<16 / G>());
      t[base + 2 * j + 1] =
          interleave<G, true>(r[base + j], r[base + j + dist], std::make_index_sequence<16 / G>());
    }
  for (int j = 0; j < W; ++j) r[j] = t[j];
}

template <int E>
inline void transpose_block(Vec16* r) {
  if constexpr (E <= 1) transpose_stage<E, 1>(r);
  if constexpr (E <= 2) transpose_stage<E, 2>(r);
  if constexpr (E <= 4) transpose_stage<E, 4>(r);
  transpose_stage<E, 8>(r);
}

// Rows [r0, r1) of a transposed pair of dimensions: along a row the source is contiguous and the
// destination strided by `ds`; along a column the destination is contiguous and the source strided by `ss`.
// Tiles of T x T keep both sides' cache lines in L1; inside a tile, W x W blocks are transposed in vector
// registers (scalar copies for the edges and for 16-byte elements).
template <typename E, int T>
void copy_tiled(E* dst, const E* src, int64_t r0, int64_t r1, int64_t ncols, int64_t ds, int64_t ss) {
  constexpr int W = 16 / sizeof(E);
  for (int64_t c0 = 0; c0 < ncols; c0 += T) {
    int64_t c1 = std::min<int64_t>(c0 + T, ncols);
    int64_t i = r0;
    if constexpr (W >= 2) {
      for (; i + W <= r1; i += W) {
        int64_t k = c0;
        for (; k + W <= c1; k += W) {
          Vec16 v[W];
          for (int j = 0; j < W; ++j) std::memcpy(&v[j], src + i + (k + j) * ss, 16);
          transpose_block<int(sizeof(E))>(v);
          for (int j = 0; j < W; ++j) std::memcpy(dst + (i + j) * ds + k, &v[j], 16);
        }
        for (int64_t ii = i; ii < i + W; ++ii)
          for (int64_t kk = k; kk < c1; ++kk) dst[ii * ds + kk] = src[ii + kk * ss];
      }
    }
    for (; i < r1; ++i)
      for (int64_t k = c0; k < c1; ++k) dst[i * ds + k] = src[i + k * ss];
  }
}

// Walks the outer dimensions of a plan as an odometer, keeping both offsets current.
struct Odometer {
  const Plan& p;
  int n;  // outer dimensions: the plan's first n (after the inner ones have been moved to the end)
  Dims idx;
  int64_t dst_off = 0, src_off = 0;

  Odometer(const Plan& plan, int num_outer, int64_t flat) : p(plan), n(num_outer), idx(size_t(num_outer), 0) {
    for (int d = n - 1; d >= 0; --d) {
      idx[d] = flat % p.shape[d];
      flat /= p.shape[d];
      dst_off += idx[d] * p.dst[d];
      src_off += idx[d] * p.src[d];
    }
  }
  void next() {
    for (int d = n - 1; d >= 0; --d) {
      dst_off += p.dst[d];
      src_off += p.src[d];
      if (++idx[d] < p.shape[d]) return;
      dst_off -= p.shape[d] * p.dst[d];
      src_off -= p.shape[d] * p.src[d];
      idx[d] = 0;
    }
  }
};

template <typename E>
void run_plan(Plan p, E* dst, const E* src) {
  int rank = int(p.shape.size());
  if (rank == 0) {
    *dst = *src;
    return;
  }
  int last = rank - 1;
  // Tile sizes measured on 4096 x 4096 transposes (x86-64, 16-byte vectors).
  constexpr int T = sizeof(E) == 16 ? 8 : sizeof(E) == 8 ? 16 : 64;
  // A transposed pair: the destination's innermost dimension is strided in the source, and some other
  // dimension is contiguous in the source. Move that one next to the innermost and copy by tiles.
  int row_dim = -1;
  constexpr int W = sizeof(E) >= 8 ? 2 : 16 / sizeof(E);
  if (p.dst[last] == 1 && p.src[last] != 1 && p.src[last] != 0 && p.shape[last] >= W) {
    for (int d = last - 1; d >= 0; --d)
      if (p.src[d] == 1 && p.shape[d] >= W) {
        row_dim = d;
        break;
      }
  }
  if (row_dim >= 0) {
    // Reorder to [outer..., row_dim, last]; the order of the outer dimensions does not matter.
    std::rotate(p.shape.begin() + row_dim, p.shape.begin() + row_dim + 1, p.shape.begin() + last);
    std::rotate(p.dst.begin() + row_dim, p.dst.begin() + row_dim + 1, p.dst.begin() + last);
    std::rotate(p.src.begin() + row_dim, p.src.begin() + row_dim + 1, p.src.begin() + last);
    int num_outer = rank - 2;
    int64_t nrows = p.shape[rank - 2], ncols = p.shape[last];
    int64_t ds = p.dst[rank - 2], ss = p.src[last];
    int64_t outer = 1;
    for (int d = 0; d < num_outer; ++d) outer *= p.shape[d];
    int64_t row_blocks = (nrows + T - 1) / T;
    int64_t grain = std::max<int64_t>(1, kTaskBytes / (T * ncols * int64_t(sizeof(E))));
    maybe_parallel(outer * row_blocks, grain, [&](int64_t b, int64_t e) {
      Odometer od(p, num_outer, b / row_blocks);
      int64_t rb = b % row_blocks;
      for (int64_t t = b; t < e; ++t) {
        int64_t r0 = rb * T, r1 = std::min(nrows, r0 + T);
        copy_tiled<E, T>(dst + od.dst_off, src + od.src_off, r0, r1, ncols, ds, ss);
        if (++rb == row_blocks) {
          rb = 0;
          od.next();
        }
      }
    });
    return;
  }
  int num_outer = rank - 1;
  int64_t n = p.shape[last], ds = p.dst[last], ss = p.src[last];
  int64_t outer = 1;
  for (int d = 0; d < num_outer; ++d) outer *= p.shape[d];
  int64_t chunk = std::max<int64_t>(1, kRowChunkBytes / int64_t(sizeof(E)));
  if (n <= chunk) chunk = n;
  int64_t chunks = (n + chunk - 1) / chunk;
  int64_t grain = std::max<int64_t>(1, kTaskBytes / (chunk * int64_t(sizeof(E))));
  maybe_parallel(outer * chunks, grain, [&](int64_t b, int64_t e) {
    Odometer od(p, num_outer, b / chunks);
    int64_t c = b % chunks;
    for (int64_t t = b; t < e; ++t) {
      int64_t k0 = c * chunk;
      copy_row(dst + od.dst_off + k0 * ds, src + od.src_off + k0 * ss, std::min(chunk, n - k0), ds, ss);
      if (++c == chunks) {
        c = 0;
        od.next();
      }
    }
  });
}

}  // namespace

Dims row_major_strides(std::span<const int64_t> shape) {
  Dims s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

void strided_copy(size_t elem_size, std::span<const int64_t> shape, void* dst,
                  std::span<const int64_t> dst_strides, const void* src,
                  std::span<const int64_t> src_strides) {
  for (int64_t d : shape)
    if (d == 0) return;
  Plan p = simplify(shape, dst_strides, src_strides);
  switch (elem_size) {
    case 1:
      return run_plan(std::move(p), static_cast<uint8_t*>(dst), static_cast<const uint8_t*>(src));
    case 2:
      return run_plan(std::move(p), static_cast<uint16_t*>(dst), static_cast<const uint16_t*>(src));
    case 4:
      return run_plan(std::move(p), static_cast<uint32_t*>(dst), static_cast<const uint32_t*>(src));
    case 8:
      return run_plan(std::move(p), static_cast<uint64_t*>(dst), static_cast<const uint64_t*>(src));
    case 16:
      return run_plan(std::move(p), static_cast<Bytes16*>(dst), static_cast<const Bytes16*>(src));
  }
}

void fill_elements(size_t elem_size, void* dst, int64_t n, const void* value) {
  int64_t shape[] = {n}, dst_strides[] = {1}, src_strides[] = {0};
  strided_copy(elem_size, shape, dst, dst_strides, value, src_strides);
}

void copy_bytes(void* dst, const void* src, size_t nbytes) {
  int64_t shape[] = {int64_t(nbytes)}, strides[] = {1};
  strided_copy(1, shape, dst, strides, src, strides);
}

}  // namespace ember::runtime::kernels
