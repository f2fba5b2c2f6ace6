// argmax / argmin along one axis. The input is viewed as [outer, n, inner]. With inner == 1 each output
// comes from a contiguous row in two passes: the extreme value (vectorised, NaN-propagating), then the
// first index holding it (the first NaN when it is NaN). Otherwise whole rows of `inner` candidates are
// compared at once, so the inner loop is contiguous either way.
#include <algorithm>
#include <memory>
#include <type_traits>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/kernels/extreme.h"
#include "runtime/kernels/reduction_kernels.h"
#include "runtime/kernels/strided_copy.h"

namespace ember::runtime::kernels {

namespace {

// Whether v replaces the current best b. Strict comparison keeps the first index of ties.
template <bool kMax, typename C>
inline bool better(C v, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (kMax ? v > b : v < b) return true;
    return v != v && b == b;  // the first NaN beats everything and is never replaced
  } else {
    return kMax ? v > b : v < b;
  }
}

template <bool kMax, typename T>
void arg_reduce(const T* x, int64_t outer, int64_t n, int64_t inner, int64_t* out) {
  using C = compute_t<T>;
  if (inner == 1) {
    maybe_parallel(outer, std::max<int64_t>(1, (1 << 16) / n), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        const T* row = x + o * n;
        C best = nan_extreme<kMax, C>(row, n, C(row[0]));
        int64_t at = 0;
        if (best != best) {
          while (!(C(row[at]) != C(row[at]))) ++at;
        } else {
          while (!(C(row[at]) == best)) ++at;
        }
        out[o] = at;
      }
    });
    return;
  }
  // Whole rows of `inner` candidates, in column blocks. When there are too few column blocks to occupy
  // the pool, the rows are also cut into chunks whose winners are then compared in order (earlier chunks
  // win ties), which keeps "first index" exact.
  constexpr int64_t kCols = 512, kRowChunk = 1024, kFewTasks = 16;
  int64_t col_blocks = (inner + kCols - 1) / kCols;
  int64_t chunk = n >= 2 * kRowChunk && outer * col_blocks < kFewTasks ? kRowChunk : n;
  int64_t chunks = (n + chunk - 1) / chunk;
  std::unique_ptr<C[]> best(new C[size_t(outer * chunks * inner)]);  // not std::vector<bool>
  std::vector<int64_t> at_chunk;
  int64_t* at_all = out;
  if (chunks > 1) {
    at_chunk.resize(size_t(outer * chunks * inner));
    at_all = at_chunk.data();
  }
  int64_t grain = std::max<int64_t>(1, (1 << 16) / (chunk * std::min(inner, kCols)));
  maybe_parallel(outer * col_blocks * chunks, grain, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      int64_t ch = t % chunks, cb = (t / chunks) % col_blocks, o = t / (chunks * col_blocks);
      int64_t c0 = cb * kCols, w = std::min(kCols, inner - c0), k0 = ch * chunk, k1 = std::min(n, k0 + chunk);
      const T* base = x + o * n * inner + c0;
      C* bv = best.get() + (o * chunks + ch) * inner + c0;
      int64_t* at = at_all + (o * chunks + ch) * inner + c0;
      for (int64_t c = 0; c < w; ++c) {
        bv[c] = C(base[k0 * inner + c]);
        at[c] = k0;
      }
      for (int64_t k = k0 + 1; k < k1; ++k) {
        const T* row = base + k * inner;
        for (int64_t c = 0; c < w; ++c) {
          C v = C(row[c]);
          if (better<kMax>(v, bv[c])) {
            bv[c] = v;
            at[c] = k;
          }
        }
      }
    }
  });
  if (chunks == 1) return;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < inner; ++c) {
      int64_t i0 = o * chunks * inner + c, win = i0;
      for (int64_t ch = 1; ch < chunks; ++ch)
        if (better<kMax>(best[size_t(i0 + ch * inner)], best[size_t(win)])) win = i0 + ch * inner;
      out[o * inner + c] = at_chunk[size_t(win)];
    }
}

template <bool kMax>
void arg_kernel(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  Array& out = a.outputs[0];
  if (out.numel() == 0) return;
  const ir::Shape& shape = x.type.shape;
  size_t axis = size_t(ir::attr_ints(a.attrs, 0)[0]);
  int64_t outer = 1, inner = 1, n = shape[axis];
  for (size_t d = 0; d < axis; ++d) outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  if (n == 0)
    throw Error(ErrorKind::Value, "expected a non-empty reduced dimension, got " + ir::to_string(x.type));
  // Indices are computed as int64 and converted once (wrapping, as a conversion would) to index_dtype.
  ir::DType index_dtype = out.type.dtype;
  std::vector<int64_t> tmp;
  int64_t* idx = out.data_as<int64_t>();
  if (index_dtype != ir::DType::I64) {
    tmp.resize(size_t(out.numel()));
    idx = tmp.data();
  }
  visit_dtype(x.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (is_complex_v<T>)
      throw Error(ErrorKind::Type, "expected an ordered operand, got " + ir::to_string(x.type));
    else
      arg_reduce<kMax>(x.data_as<const T>(), outer, n, inner, idx);
  });
  if (index_dtype == ir::DType::I64) return;
  visit_dtype(index_dtype, [&](auto tag) {
    using I = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<I>) {
      I* o = out.data_as<I>();
      for (size_t i = 0; i < tmp.size(); ++i) o[i] = static_cast<I>(tmp[i]);
    } else {
      throw Error(ErrorKind::Type, "expected an integer index_dtype");
    }
  });
}

}  // namespace

void argmax_kernel(const KernelArgs& a) { arg_kernel<true>(a); }
void argmin_kernel(const KernelArgs& a) { arg_kernel<false>(a); }

}  // namespace ember::runtime::kernels
