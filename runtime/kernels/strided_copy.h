// Byte-moving core of the layout kernels (internal to runtime/kernels). Layout primitives only move
// elements, so they all reduce to "copy an n-d box between two strided views": one implementation per
// element size (1/2/4/8/16 bytes) covers every dtype.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ir/small_vec.h"
#include "runtime/thread_pool.h"

namespace ember::runtime::kernels {

using Dims = SmallVec<int64_t, 8>;

// Strides in elements of a dense row-major array of `shape`.
Dims row_major_strides(std::span<const int64_t> shape);

// dst[i . dst_strides] = src[i . src_strides] for every multi-index i of `shape`; strides are in elements
// and may be negative (rev) or zero in src (broadcast). The regions must not overlap. Dimensions contiguous
// in both views are merged first; a dimension pair that is transposed between the views is copied in
// cache-sized tiles; large copies run on the thread pool.
void strided_copy(size_t elem_size, std::span<const int64_t> shape, void* dst,
                  std::span<const int64_t> dst_strides, const void* src,
                  std::span<const int64_t> src_strides);

// n elements of `elem_size` bytes, each a copy of *value.
void fill_elements(size_t elem_size, void* dst, int64_t n, const void* value);

// memcpy that uses the thread pool for large copies.
void copy_bytes(void* dst, const void* src, size_t nbytes);

// Runs fn(begin, end) over [0, n): inline when n < 2 * grain (no std::function, no pool round trip),
// on the thread pool otherwise.
template <typename Fn>
void maybe_parallel(int64_t n, int64_t grain, Fn&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  if (n < 2 * grain) {
    fn(int64_t(0), n);
    return;
  }
  parallel_for(n, grain, [&](int64_t b, int64_t e) { fn(b, e); });
}

}  // namespace ember::runtime::kernels
