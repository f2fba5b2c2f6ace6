// argmax / argmin along one axis. The input is viewed as [outer, n, inner]. With inner == 1 each output
// comes from a contiguous row in one vectorised pass (long rows split into chunks on the thread pool when
// there are few rows). Otherwise whole rows of `inner` candidates are compared at once, so the inner loop
// is contiguous either way.
#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/kernels/extreme.h"
#include "runtime/kernels/isa.h"
#include "runtime/kernels/reduction_kernels.h"
#include "runtime/kernels/strided_copy.h"

namespace ember::runtime::kernels {

namespace {

// Whether v replaces the current best b. Strict comparison keeps the first index of ties.
template <bool kMax, typename C>
inline bool better(C v, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    // The first NaN beats everything and is never replaced. Bitwise operators: a select GCC vectorises.
    return (kMax ? v > b : v < b) | ((v != v) & (b == b));
  } else {
    return kMax ? v > b : v < b;
  }
}

// The extreme value of a contiguous run and the first index holding it (the first NaN when there is one),
// in one pass. float and double: every vector lane keeps its best value and the index it came from (a lane
// sees its indices in increasing order, and a strict comparison keeps the first of equal values); the
// lanes are then merged, equal values going to the smaller index. The lanes are the same at every vector
// width, and the result (value and index) is unique anyway, so all instruction-set variants agree.
template <typename C>
using index_lane_t = std::conditional_t<sizeof(C) == 4, int32_t, int64_t>;
template <typename C>
inline constexpr int kArgLanes = 128 / int(sizeof(C));
// Runs longer than this are taken in pieces, so int32 lane indices cannot overflow.
inline constexpr int64_t kArgPiece = int64_t(1) << 30;

template <bool kMax, typename C>
void merge_arg(C v, int64_t i, C& best, int64_t& at) {
  bool equal = v == best || (v != v && best != best);
  if (better<kMax>(v, best) || (equal && i < at)) {
    best = v;
    at = i;
  }
}

template <bool kMax, int kBytes, typename C>
[[gnu::always_inline]] inline std::pair<C, int64_t> arg_lanes_body(const C* x, int64_t n) {
  using I = index_lane_t<C>;
  constexpr int kLanes = kArgLanes<C>;
  constexpr int kW = kBytes / int(sizeof(C)) < kLanes ? kBytes / int(sizeof(C)) : kLanes;
  constexpr int kV = kLanes / kW;
  typedef C V __attribute__((vector_size(kW * sizeof(C))));
  typedef I VI __attribute__((vector_size(kW * sizeof(I))));
  C best = x[0];
  int64_t at = 0, i = 0;
  if (n >= kLanes) {
    V val[kV];
    VI idx[kV], cur[kV];
    for (int v = 0; v < kV; ++v) {
      std::memcpy(&val[v], x + v * kW, sizeof(V));
      for (int l = 0; l < kW; ++l) idx[v][l] = cur[v][l] = I(v * kW + l);
    }
    for (i = kLanes; i + kLanes <= n; i += kLanes)
      for (int v = 0; v < kV; ++v) {
        V b;
        std::memcpy(&b, x + i + v * kW, sizeof(V));
        cur[v] += I(kLanes);
        auto take = (kMax ? b > val[v] : b < val[v]) | ((b != b) & (val[v] == val[v]));
        val[v] = take ? b : val[v];
        idx[v] = take ? cur[v] : idx[v];
      }
    // Vectors merged pairwise first (better value, or an equal one - both NaN counting as equal - at a
    // smaller index), then the lanes of the last one.
    for (int w = kV / 2; w > 0; w /= 2)
      for (int v = 0; v < w; ++v) {
        V a = val[v], b = val[v + w];
        auto better_b = (kMax ? b > a : b < a) | ((b != b) & (a == a));
        auto equal = (b == a) | ((b != b) & (a != a));
        auto take = better_b | (equal & (idx[v + w] < idx[v]));
        val[v] = take ? b : a;
        idx[v] = take ? idx[v + w] : idx[v];
      }
    C lv[kW];
    I li[kW];
    std::memcpy(lv, &val[0], sizeof(lv));
    std::memcpy(li, &idx[0], sizeof(li));
    best = lv[0];
    at = li[0];
    for (int l = 1; l < kW; ++l) merge_arg<kMax>(lv[l], int64_t(li[l]), best, at);
  }
  for (; i < n; ++i)  // the tail (or a short run), in order
    if (better<kMax>(x[i], best) || i == 0) {
      best = x[i];
      at = i;
    }
  return {best, at};
}

#if EMBER_ISA_VARIANTS
template <bool kMax, typename C>
EMBER_TARGET_AVX2 std::pair<C, int64_t> arg_lanes_avx2(const C* x, int64_t n) {
  return arg_lanes_body<kMax, 32>(x, n);
}
template <bool kMax, typename C>
EMBER_TARGET_AVX512 std::pair<C, int64_t> arg_lanes_avx512(const C* x, int64_t n) {
  return arg_lanes_body<kMax, 64>(x, n);
}
#endif

template <bool kMax, typename C>
std::pair<C, int64_t> arg_lanes(const C* x, int64_t n) {
#if EMBER_ISA_VARIANTS
  switch (active_isa()) {
    case Isa::Avx512:
      return arg_lanes_avx512<kMax>(x, n);
    case Isa::Avx2:
      return arg_lanes_avx2<kMax>(x, n);
    case Isa::Baseline:
      break;
  }
#endif
  return arg_lanes_body<kMax, 16>(x, n);
}

// Other element types: the extreme by blocks of kArgBlock (vectorised where the type allows), keeping the
// first block that beats all before it; then the first index holding it, in that block only.
constexpr int64_t kArgBlock = 1024;

template <bool kMax, typename T>
std::pair<compute_t<T>, int64_t> arg_contiguous(const T* x, int64_t n) {
  using C = compute_t<T>;
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    std::pair<C, int64_t> r = arg_lanes<kMax>(x, std::min(n, kArgPiece));
    for (int64_t p = kArgPiece; p < n && r.first == r.first; p += kArgPiece) {
      auto q = arg_lanes<kMax>(x + p, std::min(kArgPiece, n - p));
      if (better<kMax>(q.first, r.first)) r = {q.first, p + q.second};
    }
    return r;
  } else {
    C best = C(x[0]);
    int64_t block = 0;
    for (int64_t b = 0; b < n; b += kArgBlock) {
      int64_t len = std::min(kArgBlock, n - b);
      C m = nan_extreme<kMax, C>(x + b, len, C(x[b]));
      if (b == 0 || better<kMax>(m, best)) {
        best = m;
        block = b;
        if constexpr (std::is_floating_point_v<C>)
          if (m != m) break;
      }
    }
    int64_t at = block;
    if constexpr (std::is_floating_point_v<C>) {
      if (best != best) {
        while (!(C(x[at]) != C(x[at]))) ++at;
        return {best, at};
      }
    }
    while (!(C(x[at]) == best)) ++at;
    return {best, at};
  }
}

// Rows longer than this are split into chunks reduced in parallel when there are too few rows to share
// out; the chunks' winners are compared in order (earlier chunks win ties), which keeps "first index" exact.
constexpr int64_t kArgChunk = 1 << 16;

template <bool kMax, typename T>
void arg_reduce(const T* x, int64_t outer, int64_t n, int64_t inner, int64_t* out) {
  using C = compute_t<T>;
  if (inner == 1) {
    if (outer < 16 && n >= 2 * kArgChunk) {
      int64_t chunks = (n + kArgChunk - 1) / kArgChunk;
      std::vector<std::pair<C, int64_t>> part(size_t(outer * chunks));
      maybe_parallel(outer * chunks, 1, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; ++t) {
          int64_t o = t / chunks, c = t % chunks, c0 = c * kArgChunk;
          auto r = arg_contiguous<kMax>(x + o * n + c0, std::min(kArgChunk, n - c0));
          part[size_t(t)] = {r.first, c0 + r.second};
        }
      });
      for (int64_t o = 0; o < outer; ++o) {
        size_t win = size_t(o * chunks);
        for (int64_t c = 1; c < chunks; ++c)
          if (better<kMax>(part[size_t(o * chunks + c)].first, part[win].first)) win = size_t(o * chunks + c);
        out[o] = part[win].second;
      }
      return;
    }
    maybe_parallel(outer, std::max<int64_t>(1, (1 << 16) / n), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) out[o] = arg_contiguous<kMax>(x + o * n, n).second;
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
        for (int64_t c = 0; c < w; ++c) {  // branch-free, so that it vectorises
          C v = C(row[c]);
          bool take = better<kMax>(v, bv[c]);
          bv[c] = take ? v : bv[c];
          at[c] = take ? k : at[c];
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
