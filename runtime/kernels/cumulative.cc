// Cumulative reductions along one axis: cumsum, cumprod, cummax, cummin, cumlogsumexp.
//
// The operand is viewed as [outer, n, inner] with the scanned axis in the middle. A task scans one block of
// up to kBlock adjacent inner positions of one outer index: it walks the n rows in order (or in reverse)
// and updates a row of accumulators, so the inner loop is contiguous in memory and vectorises for inner > 1,
// and inner == 1 is a plain running scan. Accumulators are float for float16/bfloat16 (each output rounded
// once from the float running value) and unsigned for integer sums and products (which wrap).
#include <algorithm>
#include <cmath>
#include <memory>

#include "runtime/kernels/elementwise.h"
#include "runtime/kernels/extreme.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

// The accumulator type of a sum or product: unsigned for integers (wrapping is defined), float for the
// 16-bit floats, T otherwise.
template <typename T>
struct ArithAcc {
  using type = compute_t<T>;
};
template <typename T>
requires std::is_integral_v<T>
struct ArithAcc<T> {
  using type = wrap_t<T>;
};
template <typename T>
using arith_acc_t = typename ArithAcc<T>::type;

struct SumScan {
  static constexpr uint32_t kClasses = ir::kNumberClass;
  template <typename T>
  using Acc = arith_acc_t<T>;
  template <typename A>
  static A combine(A a, A b) {
    return A(a + b);
  }
};

struct ProdScan {
  static constexpr uint32_t kClasses = ir::kNumberClass;
  template <typename T>
  using Acc = arith_acc_t<T>;
  template <typename A>
  static A combine(A a, A b) {
    if constexpr (is_complex_v<A>)
      return cmul(a, b);
    else
      return A(a * b);
  }
};

// NaN propagates from the first NaN on, as np.maximum.accumulate; bool max is or, bool min is and.
template <bool kMax>
struct ExtremeScan {
  static constexpr uint32_t kClasses = ir::kOrderedClass;
  template <typename T>
  using Acc = compute_t<T>;
  template <typename A>
  static A combine(A a, A b) {
    return nan_pick<kMax>(a, b);
  }
};

// log(exp(a) + exp(b)) computed around the larger operand, as np.logaddexp: equal operands (infinities
// included) give a + log 2, NaN propagates.
struct LogSumExpScan {
  static constexpr uint32_t kClasses = ir::kFloatClass;
  template <typename T>
  using Acc = compute_t<T>;
  template <typename A>
  static A combine(A a, A b) {
    if (a == b) return a + A(0.693147180559945309417232121458176568);
    A d = a - b;
    if (d > 0) return a + std::log1p(std::exp(-d));
    if (d <= 0) return b + std::log1p(std::exp(d));
    return d;  // NaN
  }
};

constexpr int64_t kBlock = 1024;

template <typename T, typename Op>
void scan(const T* x, T* y, int64_t outer, int64_t n, int64_t inner, bool reverse) {
  using A = typename Op::template Acc<T>;
  auto to_acc = [](T v) { return A(load(v)); };
  auto from_acc = [](A a) {
    if constexpr (std::is_integral_v<T>)
      return T(a);  // modular for the unsigned accumulators of signed integers
    else
      return store<T>(a);
  };
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t tasks = outer * blocks;
  const int64_t work_per_task = std::max<int64_t>(1, n * std::min(inner, kBlock));
  if (inner == 1) {  // one running value per row
    auto rows = [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        const T* xs = x + o * n;
        T* ys = y + o * n;
        const int64_t first = reverse ? n - 1 : 0, step = reverse ? -1 : 1;
        A acc = to_acc(xs[first]);
        ys[first] = from_acc(acc);
        for (int64_t s = 1, k = first + step; s < n; ++s, k += step) {
          acc = Op::combine(acc, to_acc(xs[k]));
          ys[k] = from_acc(acc);
        }
      }
    };
    int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, n));
    if (outer >= 2 * grain)
      parallel_for(outer, grain, rows);
    else if (n > 0)
      rows(0, outer);
    return;
  }
  auto run = [&](int64_t begin, int64_t end) {
    std::unique_ptr<A[]> acc(new A[size_t(std::min(inner, kBlock))]);  // not vector<bool>
    for (int64_t task = begin; task < end; ++task) {
      int64_t o = task / blocks, i0 = (task % blocks) * kBlock, width = std::min(kBlock, inner - i0);
      const T* xs = x + o * n * inner + i0;
      T* ys = y + o * n * inner + i0;
      for (int64_t step = 0; step < n; ++step) {
        int64_t k = reverse ? n - 1 - step : step;
        const T* xr = xs + k * inner;
        T* yr = ys + k * inner;
        if (step == 0) {
          for (int64_t i = 0; i < width; ++i) acc[size_t(i)] = to_acc(xr[i]);
        } else {
          for (int64_t i = 0; i < width; ++i) acc[size_t(i)] = Op::combine(acc[size_t(i)], to_acc(xr[i]));
        }
        for (int64_t i = 0; i < width; ++i) yr[i] = from_acc(acc[size_t(i)]);
      }
    }
  };
  int64_t grain = std::max<int64_t>(1, kParallelGrain / work_per_task);
  if (tasks >= 2 * grain)
    parallel_for(tasks, grain, run);
  else if (tasks > 0)
    run(0, tasks);
}

template <Prim P, typename Op>
void cumulative_kernel(const KernelArgs& args) {
  const Array& x = args.inputs[0];
  Array& y = args.outputs[0];
  expect(x.type.dtype == y.type.dtype && x.type.shape == y.type.shape, P, "operand and result types differ");
  int64_t axis = ir::attr_int(args.attrs, 0);
  bool reverse = ir::attr_bool(args.attrs, 1);
  const ir::Shape& shape = x.type.shape;
  expect(axis >= 0 && axis < int64_t(shape.size()), P, "axis out of range");
  int64_t outer = 1, inner = 1, n = shape[size_t(axis)];
  for (int64_t d = 0; d < axis; ++d) outer *= shape[size_t(d)];
  for (size_t d = size_t(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  if (x.numel() == 0) return;
  visit_dtype(x.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(Op::kClasses)) {
      scan<T, Op>(x.data_as<const T>(), y.data_as<T>(), outer, n, inner, reverse);
    } else {
      unsupported_dtype(P, x.type.dtype);
    }
  });
}

}  // namespace

void register_cumulative(KernelTable& t) {
  t.set(Prim::Cumsum, &cumulative_kernel<Prim::Cumsum, SumScan>);
  t.set(Prim::Cumprod, &cumulative_kernel<Prim::Cumprod, ProdScan>);
  t.set(Prim::Cummax, &cumulative_kernel<Prim::Cummax, ExtremeScan<true>>);
  t.set(Prim::Cummin, &cumulative_kernel<Prim::Cummin, ExtremeScan<false>>);
  t.set(Prim::Cumlogsumexp, &cumulative_kernel<Prim::Cumlogsumexp, LogSumExpScan>);
}

}  // namespace ember::runtime::kernels
