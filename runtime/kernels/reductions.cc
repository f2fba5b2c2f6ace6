// reduce_sum/prod/max/min/and/or over any set of axes.
//
// The input's dimensions are first grouped into runs of reduced and kept dimensions (unit dimensions
// dropped, neighbours of one kind merged), e.g. [K R K R]. Each stage then removes one reduced run with a
// contiguous loop: a trailing run is reduced along rows (one output per row), an inner run is reduced by
// accumulating whole rows of the kept run that follows it (vectorised across that run, never a strided
// inner loop). Intermediate stages keep the accumulator type, so float16/bfloat16 round once at the end.
//
// Sums are pairwise (error O(log n) rather than O(n)); the blocking depends only on the shape, never on
// the number of threads, so results are reproducible across machines.
#include <algorithm>
#include <complex>
#include <concepts>
#include <limits>
#include <memory>
#include <type_traits>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/kernels/extreme.h"
#include "runtime/kernels/isa.h"
#include "runtime/kernels/kernels.h"
#include "runtime/kernels/reduction_kernels.h"
#include "runtime/kernels/strided_copy.h"

namespace ember::runtime::kernels {

namespace {

// The reduction operators. Acc is the type accumulation happens in: float for float16/bfloat16 (rounded
// once at the end), the unsigned counterpart for signed integer sums and products (whose wrap-around is
// then defined behaviour), T otherwise.
template <typename T>
struct WrapAcc {
  using type = compute_t<T>;
};
template <std::signed_integral T>
struct WrapAcc<T> {
  using type = std::make_unsigned_t<T>;
};

template <typename T, typename A>
struct OpBase {
  using Acc = A;
  template <typename In>
  static A load(In x) {
    return static_cast<A>(x);
  }
};

template <typename T>
struct SumOp : OpBase<T, typename WrapAcc<T>::type> {
  using A = typename WrapAcc<T>::type;
  static constexpr bool kValid = !std::is_same_v<T, bool>;
  static constexpr bool kPairwise = true;
  static A identity() { return A(0); }
  static A combine(A a, A b) { return A(a + b); }
};

template <typename T>
struct ProdOp : OpBase<T, typename WrapAcc<T>::type> {
  using A = typename WrapAcc<T>::type;
  static constexpr bool kValid = !std::is_same_v<T, bool>;
  static constexpr bool kPairwise = false;
  static A identity() { return A(1); }
  static A combine(A a, A b) {
    if constexpr (is_complex_v<A>) {
      // The textbook product, as compiled code and NumPy compute it (std::complex's operator* adds C99
      // Annex G inf/NaN recovery through a library call).
      return A(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real());
    } else if constexpr (std::is_integral_v<A> && sizeof(A) < sizeof(unsigned)) {
      return A(unsigned(a) * unsigned(b));  // uint8/uint16 would promote to int, which can overflow
    } else {
      return a * b;
    }
  }
};

// NaN propagates through max and min, as NumPy's maximum.reduce; bool max is any, bool min is all.
template <typename T>
struct MaxOp : OpBase<T, compute_t<T>> {
  using A = compute_t<T>;
  static constexpr bool kValid = !is_complex_v<T>;
  static constexpr bool kPairwise = false;
  static A identity() {
    if constexpr (std::is_floating_point_v<A>)
      return -std::numeric_limits<A>::infinity();
    else
      return std::numeric_limits<A>::lowest();
  }
  static A combine(A a, A b) { return nan_pick<true>(a, b); }
};

template <typename T>
struct MinOp : OpBase<T, compute_t<T>> {
  using A = compute_t<T>;
  static constexpr bool kValid = !is_complex_v<T>;
  static constexpr bool kPairwise = false;
  static A identity() {
    if constexpr (std::is_floating_point_v<A>)
      return std::numeric_limits<A>::infinity();
    else
      return std::numeric_limits<A>::max();
  }
  static A combine(A a, A b) { return nan_pick<false>(a, b); }
};

template <typename T>
struct AndOp : OpBase<T, T> {
  static constexpr bool kValid = std::is_integral_v<T>;
  static constexpr bool kPairwise = false;
  static T identity() {
    if constexpr (std::is_same_v<T, bool>)
      return true;
    else if constexpr (kValid)
      return T(~T(0));  // all bits set
    else
      return T();
  }
  static T combine(T a, T b) {
    if constexpr (kValid)
      return T(a & b);
    else
      return a;
  }
};

template <typename T>
struct OrOp : OpBase<T, T> {
  static constexpr bool kValid = std::is_integral_v<T>;
  static constexpr bool kPairwise = false;
  static T identity() { return T(); }
  static T combine(T a, T b) {
    if constexpr (kValid)
      return T(a | b);
    else
      return a;
  }
};

// Pairwise reduction of a contiguous run of up to kChunk elements: kLanes independent accumulators (which
// the compiler maps to vector registers) over blocks of at most kBlock elements, halves combined
// recursively. Ops other than sum are exact in any order and skip the recursion.
constexpr int kLanes = 16;
constexpr int64_t kBlock = 1024;
constexpr int64_t kChunk = 1 << 16;

template <typename Op, typename In>
[[gnu::always_inline]] inline typename Op::Acc reduce_block(const In* x, int64_t n) {
  using A = typename Op::Acc;
  if constexpr (std::is_same_v<Op, MaxOp<In>> || std::is_same_v<Op, MinOp<In>>) {
    return nan_extreme<std::is_same_v<Op, MaxOp<In>>, A>(x, n, Op::identity());
  } else {
    A lane[kLanes];
    for (int l = 0; l < kLanes; ++l) lane[l] = Op::identity();
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
      for (int l = 0; l < kLanes; ++l) lane[l] = Op::combine(lane[l], Op::load(x[i + l]));
    for (int w = kLanes / 2; w > 0; w /= 2)
      for (int l = 0; l < w; ++l) lane[l] = Op::combine(lane[l], lane[l + w]);
    // The tail (fewer than kLanes elements) is added last through a scalar: indexing `lane` with a run-time
    // index, or writing one lane before the halving above, keeps the lanes in memory instead of registers.
    A tail = Op::identity();
    for (; i < n; ++i) tail = Op::combine(tail, Op::load(x[i]));
    return Op::combine(lane[0], tail);
  }
}

// The pairwise recursion in each instruction-set variant (isa.h): the blocks are compute-bound on cached
// data, and the lanes are the same at every vector width, so every variant gives the same bits.
#define EMBER_PAIRWISE(name, target)                                     \
  template <typename Op, typename In>                                    \
  target typename Op::Acc name(const In* x, int64_t n) {                 \
    if (!Op::kPairwise || n <= kBlock) return reduce_block<Op>(x, n);    \
    int64_t half = (n / 2) / kLanes * kLanes;                            \
    return Op::combine(name<Op>(x, half), name<Op>(x + half, n - half)); \
  }
EMBER_PAIRWISE(pairwise_baseline, )
#if EMBER_ISA_VARIANTS
EMBER_PAIRWISE(pairwise_avx2, EMBER_TARGET_AVX2)
EMBER_PAIRWISE(pairwise_avx512, EMBER_TARGET_AVX512)
#endif
#undef EMBER_PAIRWISE

template <typename Op, typename In>
typename Op::Acc reduce_pairwise(const In* x, int64_t n) {
#if EMBER_ISA_VARIANTS
  // max/min dispatch inside nan_extreme; sums and products of floating types here.
  if constexpr (std::is_floating_point_v<typename Op::Acc> &&
                (std::is_same_v<Op, SumOp<In>> || std::is_same_v<Op, ProdOp<In>>)) {
    switch (active_isa()) {
      case Isa::Avx512:
        return pairwise_avx512<Op>(x, n);
      case Isa::Avx2:
        return pairwise_avx2<Op>(x, n);
      case Isa::Baseline:
        break;
    }
  }
#endif
  return pairwise_baseline<Op>(x, n);
}

// A contiguous run of any length: chunks of kChunk reduced pairwise (in parallel when `parallel`), then the
// chunk results reduced pairwise. The value does not depend on `parallel`.
template <typename Op, typename In>
typename Op::Acc reduce_contiguous(const In* x, int64_t n, bool parallel) {
  using A = typename Op::Acc;
  if (n <= kChunk) return reduce_pairwise<Op>(x, n);
  int64_t chunks = (n + kChunk - 1) / kChunk;
  std::unique_ptr<A[]> partial(new A[size_t(chunks)]);
  auto run = [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c)
      partial[size_t(c)] = reduce_pairwise<Op>(x + c * kChunk, std::min(kChunk, n - c * kChunk));
  };
  if (parallel)
    maybe_parallel(chunks, 1, run);
  else
    run(0, chunks);
  return reduce_pairwise<Op>(partial.get(), chunks);
}

// out[c] = reduction over rows r < nrows of x[r * ld + c], for c < width. Sums split the rows pairwise;
// `scratch` holds width * (depth of the recursion) accumulators.
constexpr int64_t kLeafRows = 16;

#define EMBER_REDUCE_ROWS(name, target)                                                          \
  template <typename Op, typename In>                                                            \
  target void name(const In* x, int64_t ld, int64_t nrows, int64_t width, typename Op::Acc* out, \
                   typename Op::Acc* scratch) {                                                  \
    if (!Op::kPairwise || nrows <= kLeafRows) {                                                  \
      for (int64_t c = 0; c < width; ++c) out[c] = Op::load(x[c]);                               \
      for (int64_t r = 1; r < nrows; ++r) {                                                      \
        const In* row = x + r * ld;                                                              \
        for (int64_t c = 0; c < width; ++c) out[c] = Op::combine(out[c], Op::load(row[c]));      \
      }                                                                                          \
      return;                                                                                    \
    }                                                                                            \
    int64_t half = nrows / 2;                                                                    \
    name<Op>(x, ld, half, width, out, scratch);                                                  \
    name<Op>(x + half * ld, ld, nrows - half, width, scratch, scratch + width);                  \
    for (int64_t c = 0; c < width; ++c) out[c] = Op::combine(out[c], scratch[c]);                \
  }
EMBER_REDUCE_ROWS(reduce_rows_baseline, )
#if EMBER_ISA_VARIANTS
EMBER_REDUCE_ROWS(reduce_rows_avx2, EMBER_TARGET_AVX2)
EMBER_REDUCE_ROWS(reduce_rows_avx512, EMBER_TARGET_AVX512)
#endif
#undef EMBER_REDUCE_ROWS

// Column loops are independent per column, so every variant gives the same bits.
template <typename Op, typename In>
void reduce_rows(const In* x, int64_t ld, int64_t nrows, int64_t width, typename Op::Acc* out,
                 typename Op::Acc* scratch) {
#if EMBER_ISA_VARIANTS
  if constexpr (std::is_floating_point_v<typename Op::Acc>) {
    switch (active_isa()) {
      case Isa::Avx512:
        return reduce_rows_avx512<Op>(x, ld, nrows, width, out, scratch);
      case Isa::Avx2:
        return reduce_rows_avx2<Op>(x, ld, nrows, width, out, scratch);
      case Isa::Baseline:
        break;
    }
  }
#endif
  reduce_rows_baseline<Op>(x, ld, nrows, width, out, scratch);
}

int scratch_depth(int64_t nrows) {
  int depth = 1;
  while (nrows > kLeafRows) {
    nrows = nrows - nrows / 2;
    ++depth;
  }
  return depth;
}

// Rows per partial when a tall, narrow reduction is split (see reduce_stage), and the number of column
// tasks below which it is.
constexpr int64_t kRowChunk = 1024;
constexpr int64_t kFewTasks = 16;

// Runs of reduced / kept dimensions, outermost first.
struct Runs {
  Dims size;
  SmallVec<bool, 8> reduced;
  void push(int64_t n, bool red) {
    if (!size.empty() && reduced.back() == red) {
      size.back() *= n;
    } else {
      size.push_back(n);
      reduced.push_back(red);
    }
  }
  int num_reduced() const { return int(std::count(reduced.begin(), reduced.end(), true)); }
};

// One stage: removes the innermost reduced run of `runs`, reading `src` and writing `dst`, both dense.
template <typename Op, typename In, typename Out>
void reduce_stage(const Runs& runs, const In* src, Out* dst) {
  using A = typename Op::Acc;
  int n = int(runs.size.size());
  int r = n - 1;
  while (!runs.reduced[r]) --r;
  int64_t outer = 1;
  for (int i = 0; i < r; ++i) outer *= runs.size[i];
  int64_t len = runs.size[r];
  if (r == n - 1) {
    // Trailing run: one output per contiguous row.
    int64_t grain = std::max<int64_t>(1, kChunk / len);
    bool inner_parallel = outer < 2 * grain;
    maybe_parallel(outer, grain, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) dst[o] = Out(reduce_contiguous<Op>(src + o * len, len, inner_parallel));
    });
    return;
  }
  // Inner run followed by kept dimensions: accumulate rows of `width` elements, in column blocks that
  // stay in cache.
  int64_t width = 1;
  for (int i = r + 1; i < n; ++i) width *= runs.size[i];
  constexpr int64_t kCols = 2048;
  int64_t col_blocks = (width + kCols - 1) / kCols;
  if (len >= 2 * kRowChunk && outer * col_blocks < kFewTasks) {
    // Tall and narrow: too few column blocks to occupy the pool, so the rows are cut into chunks of
    // kRowChunk, reduced in parallel into partial rows, and the partials reduced in a second stage. The
    // split depends on the shape only, so the (pairwise) sum does not depend on the number of threads.
    int64_t chunks = (len + kRowChunk - 1) / kRowChunk;
    std::unique_ptr<A[]> partial(new A[size_t(outer * chunks * width)]);
    int depth = Op::kPairwise ? scratch_depth(kRowChunk) : 0;
    maybe_parallel(outer * col_blocks * chunks, 1, [&](int64_t b, int64_t e) {
      std::unique_ptr<A[]> scratch(new A[size_t(kCols) * size_t(depth + 1)]);
      for (int64_t t = b; t < e; ++t) {
        int64_t ch = t % chunks, cb = (t / chunks) % col_blocks, o = t / (chunks * col_blocks);
        int64_t c0 = cb * kCols, w = std::min(kCols, width - c0), r0 = ch * kRowChunk;
        reduce_rows<Op>(src + (o * len + r0) * width + c0, width, std::min(kRowChunk, len - r0), w,
                        partial.get() + (o * chunks + ch) * width + c0, scratch.get());
      }
    });
    Runs rest;
    rest.push(outer, false);
    rest.push(chunks, true);
    rest.push(width, false);
    reduce_stage<Op>(rest, static_cast<const A*>(partial.get()), dst);
    return;
  }
  // Few column blocks (e.g. a 1000 x 1000 matrix reduced over its rows): narrower blocks, down to 256
  // columns, so that the pool has work to share. Columns are independent: the result does not change.
  int64_t cols = kCols;
  if (outer * col_blocks < kFewTasks && width > 256) {
    cols = std::max<int64_t>(256, (width + kFewTasks - 1) / kFewTasks);
    cols = std::min(kCols, (cols + 15) / 16 * 16);
    col_blocks = (width + cols - 1) / cols;
  }
  int depth = Op::kPairwise ? scratch_depth(len) : 0;
  int64_t grain = std::max<int64_t>(1, kChunk / (len * std::min(width, cols)));
  maybe_parallel(outer * col_blocks, grain, [&](int64_t b, int64_t e) {
    std::unique_ptr<A[]> acc(new A[size_t(cols) * size_t(depth + 1)]);
    for (int64_t t = b; t < e; ++t) {
      int64_t o = t / col_blocks, c0 = (t % col_blocks) * cols, w = std::min(cols, width - c0);
      reduce_rows<Op>(src + o * len * width + c0, width, len, w, acc.get(), acc.get() + cols);
      Out* d = dst + o * width + c0;
      for (int64_t c = 0; c < w; ++c) d[c] = Out(acc[size_t(c)]);
    }
  });
}

template <typename Op, typename T>
void reduce_kernel(const KernelArgs& a) {
  using A = typename Op::Acc;
  const Array& x = a.inputs[0];
  Array& out = a.outputs[0];
  if (out.numel() == 0) return;
  const auto& axes = ir::attr_ints(a.attrs, 0);
  const ir::Shape& shape = x.type.shape;
  Runs runs;
  bool empty = false;
  for (size_t d = 0; d < shape.size(); ++d) {
    bool red = std::find(axes.begin(), axes.end(), int64_t(d)) != axes.end();
    if (shape[d] == 0) empty = true;  // a reduced one: a kept one would have made the output empty
    if (shape[d] != 1) runs.push(shape[d], red);
  }
  T* o = out.data_as<T>();
  if (empty) {
    T identity = T(Op::identity());
    fill_elements(sizeof(T), o, out.numel(), &identity);
    return;
  }
  int stages = runs.num_reduced();
  if (stages == 0) {  // only unit dimensions reduced: the same elements
    out.buffer = x.buffer;
    return;
  }
  const T* in = x.data_as<const T>();
  if (stages == 1) {
    reduce_stage<Op>(runs, in, o);
    return;
  }
  // Several stages through accumulator-typed temporaries.
  std::unique_ptr<A[]> cur, next;
  for (int s = 0; s < stages; ++s) {
    int64_t remaining = 1;
    int r = int(runs.size.size()) - 1;
    while (!runs.reduced[r]) --r;
    for (int i = 0; i < int(runs.size.size()); ++i)
      if (i != r) remaining *= runs.size[i];
    if (s == stages - 1) {
      reduce_stage<Op>(runs, cur.get(), o);
    } else {
      next.reset(new A[size_t(remaining)]);
      if (s == 0)
        reduce_stage<Op>(runs, in, next.get());
      else
        reduce_stage<Op>(runs, cur.get(), next.get());
      std::swap(cur, next);
    }
    Runs rest;
    for (int i = 0; i < int(runs.size.size()); ++i)
      if (i != r) rest.push(runs.size[i], runs.reduced[i]);
    runs = std::move(rest);
  }
}

template <template <typename> class Op>
Kernel reduction_for() {
  return [](const KernelArgs& a) {
    ir::DType d = a.inputs[0].type.dtype;
    visit_dtype(d, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (Op<T>::kValid)
        reduce_kernel<Op<T>, T>(a);
      else
        throw Error(ErrorKind::Type, "unsupported dtype " + std::string(ir::dtype_name(d)));
    });
  };
}

}  // namespace

void register_reductions(KernelTable& t) {
  using ir::Prim;
  t.set(Prim::ReduceSum, reduction_for<SumOp>());
  t.set(Prim::ReduceProd, reduction_for<ProdOp>());
  t.set(Prim::ReduceMax, reduction_for<MaxOp>());
  t.set(Prim::ReduceMin, reduction_for<MinOp>());
  t.set(Prim::ReduceAnd, reduction_for<AndOp>());
  t.set(Prim::ReduceOr, reduction_for<OrOp>());
  t.set(Prim::Argmax, argmax_kernel);
  t.set(Prim::Argmin, argmin_kernel);
}

}  // namespace ember::runtime::kernels
