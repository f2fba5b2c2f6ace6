// gather and the scatter family, with XLA's semantics and JAX's dimension numbers (batching dimensions
// included; the index vector is the last dimension of the indices).
//
// Both kernels first resolve every index vector to the flat operand offset of its slice or window start
// (or -1: filled by gather / dropped by scatter), which is where the mode applies. Then they walk the
// result (gather) or the updates (scatter) in row-major order: each dimension of that array advances
// either the position among the index vectors (a batch dimension) or the offset inside the slice (a window
// dimension), so an element's operand offset is start[g] + w with both parts kept incrementally.
//
// Scatter applies the updates one at a time in row-major order of the updates, so where windows overlap
// the update that comes last wins (scatter) or the combination happens in that order (scatter_add/mul
// round the same way on every run); float16/bfloat16 sums and products accumulate in float and round once.
#include <algorithm>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "runtime/kernels/elementwise.h"
#include "runtime/kernels/extreme.h"
#include "runtime/kernels/strided_copy.h"

namespace ember::runtime::kernels {

namespace {

using ir::IndexMode;
using ir::Prim;

bool contains(const std::vector<int64_t>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// An index value as int64; uint64 values beyond int64 saturate (out of bounds like any too-large index).
template <typename T>
inline int64_t index_value(T v) {
  if constexpr (std::is_same_v<T, uint64_t>)
    return v > uint64_t(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                             : int64_t(v);
  else
    return int64_t(v);
}

// The flat operand offset where the slice/window of each index vector starts, or -1 where the mode fills
// (gather) or drops (scatter) it. `sizes[d]` is the slice/window extent along operand dimension d.
std::vector<int64_t> start_offsets(Prim p, const Array& operand, const Array& indices,
                                   const std::vector<int64_t>& index_map,
                                   const std::vector<int64_t>& operand_batching,
                                   const std::vector<int64_t>& indices_batching, const Dims& sizes,
                                   IndexMode mode) {
  const ir::Shape& os = operand.type.shape;
  const ir::Shape& is = indices.type.shape;
  const int64_t k = int64_t(index_map.size());
  const int64_t batch_rank = int64_t(is.size()) - 1;
  int64_t num = 1;
  for (int64_t j = 0; j < batch_rank; ++j) num *= is[size_t(j)];
  std::vector<int64_t> out(static_cast<size_t>(num));
  if (num == 0) return out;
  Dims strides = row_major_strides(os);
  // Per index component: operand stride and the largest in-bounds start (-1: none, the window cannot fit).
  Dims comp_stride, comp_upper;
  for (int64_t c = 0; c < k; ++c) {
    int64_t d = index_map[size_t(c)];
    comp_stride.push_back(strides[size_t(d)]);
    comp_upper.push_back(os[size_t(d)] - sizes[size_t(d)]);
  }
  const bool clip = mode == IndexMode::Clip;
  visit_dtype(indices.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      const T* values = indices.data_as<const T>();
      for (int64_t b = 0; b < num; ++b) {
        int64_t offset = 0;
        bool in_bounds = true;
        for (int64_t c = 0; c < k; ++c) {
          int64_t v = index_value(values[b * k + c]), upper = comp_upper[size_t(c)];
          // Clip: a window that cannot fit at all (one element in an empty dimension) has nowhere to go.
          if (clip && upper >= 0) v = std::clamp<int64_t>(v, 0, upper);
          in_bounds = in_bounds && v >= 0 && v <= upper;
          offset += v * comp_stride[size_t(c)];
        }
        out[size_t(b)] = in_bounds ? offset : -1;
      }
    } else {
      throw Error(ErrorKind::Type, "expected integer indices, got " + ir::to_string(indices.type),
                  std::string(ir::prim_name(p)));
    }
  });
  if (!operand_batching.empty()) {
    // Batching dimensions: the slice starts at the index vector's own position along them.
    Dims bidx(size_t(batch_rank), 0);
    for (int64_t b = 0; b < num; ++b) {
      if (out[size_t(b)] >= 0)
        for (size_t i = 0; i < operand_batching.size(); ++i)
          out[size_t(b)] += bidx[size_t(indices_batching[i])] * strides[size_t(operand_batching[i])];
      for (int64_t j = batch_rank - 1; j >= 0; --j) {
        if (++bidx[size_t(j)] < is[size_t(j)]) break;
        bidx[size_t(j)] = 0;
      }
    }
  }
  return out;
}

// How each dimension of the walked array (gather's result, scatter's updates) moves through the index
// vectors (dg, in units of index vectors) and through the operand inside a slice (dw, in elements).
struct WalkPlan {
  Dims sizes, dg, dw;
};

// The dimensions of the walked array that are not window dimensions are the batch dimensions of the
// indices, in order; window dimension i is operand dimension window_operand_dims[i].
WalkPlan walk_plan(const ir::Shape& walked, const std::vector<int64_t>& window_dims,
                   const std::vector<int64_t>& window_operand_dims, const ir::Shape& operand,
                   const ir::Shape& indices) {
  WalkPlan plan;
  Dims op_strides = row_major_strides(operand);
  Dims batch_strides(indices.size() - 1, 0);
  int64_t s = 1;
  for (int64_t j = int64_t(indices.size()) - 2; j >= 0; --j) {
    batch_strides[size_t(j)] = s;
    s *= indices[size_t(j)];
  }
  size_t next_window = 0, next_batch = 0;
  for (size_t j = 0; j < walked.size(); ++j) {
    plan.sizes.push_back(walked[j]);
    if (contains(window_dims, int64_t(j))) {
      plan.dg.push_back(0);
      plan.dw.push_back(op_strides[size_t(window_operand_dims[next_window++])]);
    } else {
      plan.dg.push_back(batch_strides[next_batch++]);
      plan.dw.push_back(0);
    }
  }
  return plan;
}

// Calls f(flat, g, w, run) for the flat positions [begin, end) of the walked array, in order, one call per
// run of consecutive positions along the innermost dimension: position flat + t of a run has index vector
// g + t * dg_inner and slice offset w + t * dw_inner, which lets the callers specialise their inner loops.
template <typename F>
void walk(const WalkPlan& plan, int64_t begin, int64_t end, F&& f) {
  const size_t r = plan.sizes.size();
  if (r == 0) {
    if (begin < end) f(int64_t(0), int64_t(0), int64_t(0), int64_t(1));
    return;
  }
  Dims idx(r, 0);
  int64_t rem = begin, g = 0, w = 0;
  for (size_t j = r; j-- > 0;) {
    idx[j] = rem % plan.sizes[j];
    rem /= plan.sizes[j];
    g += idx[j] * plan.dg[j];
    w += idx[j] * plan.dw[j];
  }
  const int64_t last = plan.sizes[r - 1], dgl = plan.dg[r - 1], dwl = plan.dw[r - 1];
  for (int64_t flat = begin; flat < end;) {
    int64_t run = std::min(last - idx[r - 1], end - flat);
    f(flat, g, w, run);
    flat += run;
    idx[r - 1] += run;
    g += run * dgl;
    w += run * dwl;
    if (idx[r - 1] < last) continue;
    // Carry into the outer dimensions.
    idx[r - 1] = 0;
    g -= last * dgl;
    w -= last * dwl;
    for (size_t j = r - 1; j-- > 0;) {
      ++idx[j];
      g += plan.dg[j];
      w += plan.dw[j];
      if (idx[j] < plan.sizes[j]) break;
      idx[j] = 0;
      g -= plan.sizes[j] * plan.dg[j];
      w -= plan.sizes[j] * plan.dw[j];
    }
  }
}

// JAX's default fill of out-of-bounds gathers: NaN (real part, for complex), the minimum of signed and the
// maximum of unsigned integers, true for bool.
template <typename T>
T gather_fill() {
  if constexpr (std::is_same_v<T, bool>)
    return true;
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
    return std::numeric_limits<T>::min();
  else if constexpr (std::is_integral_v<T>)
    return std::numeric_limits<T>::max();
  else if constexpr (is_complex_v<T>)
    return T(std::numeric_limits<typename T::value_type>::quiet_NaN(), 0);
  else
    return store<T>(std::numeric_limits<float>::quiet_NaN());
}

void gather_kernel(const KernelArgs& args) {
  constexpr Prim P = Prim::Gather;
  const Array &operand = args.inputs[0], &indices = args.inputs[1];
  Array& out = args.outputs[0];
  const auto& offset_dims = ir::attr_ints(args.attrs, 0);
  const auto& collapsed = ir::attr_ints(args.attrs, 1);
  const auto& index_map = ir::attr_ints(args.attrs, 2);
  const auto& operand_batching = ir::attr_ints(args.attrs, 3);
  const auto& indices_batching = ir::attr_ints(args.attrs, 4);
  const auto& slice_sizes = ir::attr_ints(args.attrs, 5);
  const auto mode = IndexMode(ir::attr_int(args.attrs, 6));
  expect(out.type.dtype == operand.type.dtype, P, "result dtype differs from the operand's");
  if (out.numel() == 0) return;
  const ir::Shape& os = operand.type.shape;
  Dims sizes(slice_sizes.begin(), slice_sizes.end());
  std::vector<int64_t> kept;  // operand dimensions of the offset dims, in order
  for (int64_t d = 0; d < int64_t(os.size()); ++d)
    if (!contains(collapsed, d) && !contains(operand_batching, d)) kept.push_back(d);
  std::vector<int64_t> starts =
      start_offsets(P, operand, indices, index_map, operand_batching, indices_batching, sizes, mode);
  // A collapsed dimension of slice size 0 leaves every slice without elements (the rule allows sizes 0 and
  // 1 there, as XLA does): nothing to read, so every result element is the fill value.
  for (int64_t d : collapsed)
    if (slice_sizes[size_t(d)] == 0) std::fill(starts.begin(), starts.end(), int64_t(-1));
  WalkPlan plan = walk_plan(out.type.shape, offset_dims, kept, os, indices.type.shape);
  visit_dtype(operand.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = operand.data_as<const T>();
    T* dst = out.data_as<T>();
    const T fill = gather_fill<T>();
    const int64_t* start = starts.data();
    const int64_t dgl = plan.sizes.empty() ? 0 : plan.dg.back(),
                  dwl = plan.sizes.empty() ? 0 : plan.dw.back();
    for_chunks(out.numel(), [&](int64_t b, int64_t e) {
      walk(plan, b, e, [&](int64_t flat, int64_t g, int64_t w, int64_t run) {
        T* d = dst + flat;
        if (dgl == 0) {  // innermost dimension inside one slice (x[i] rows): a strided or contiguous copy
          int64_t s = start[g];
          if (s < 0)
            std::fill(d, d + run, fill);
          else if (dwl == 1)
            std::copy(src + s + w, src + s + w + run, d);
          else
            for (int64_t t = 0; t < run; ++t) d[t] = src[s + w + t * dwl];
        } else {  // innermost dimension across index vectors (x[i] of scalars)
          for (int64_t t = 0; t < run; ++t) {
            int64_t s = start[g + t * dgl];
            d[t] = s < 0 ? fill : src[s + w + t * dwl];
          }
        }
      });
    });
  });
}

// ---- scatter -----------------------------------------------------------------------------------------

struct SetOp {
  static constexpr uint32_t kClasses = ir::kAnyClass;
  template <typename C>
  static C apply(C, C u) {
    return u;
  }
};
struct AddOp {
  static constexpr uint32_t kClasses = ir::kNumberClass;
  template <typename C>
  static C apply(C a, C u) {
    if constexpr (std::is_integral_v<C>)
      return C(wrap_t<C>(a) + wrap_t<C>(u));
    else
      return a + u;
  }
};
struct MulOp {
  static constexpr uint32_t kClasses = ir::kNumberClass;
  template <typename C>
  static C apply(C a, C u) {
    if constexpr (std::is_integral_v<C>)
      return C(wrap_t<C>(a) * wrap_t<C>(u));
    else if constexpr (is_complex_v<C>)
      return cmul(a, u);
    else
      return a * u;
  }
};
template <bool kMax>
struct ExtremeOp {
  static constexpr uint32_t kClasses = ir::kOrderedClass;
  template <typename C>
  static C apply(C a, C u) {
    return nan_pick<kMax>(a, u);  // NaN in either propagates
  }
};

template <Prim P, typename Op>
void scatter_kernel(const KernelArgs& args) {
  const Array &operand = args.inputs[0], &indices = args.inputs[1], &updates = args.inputs[2];
  Array& out = args.outputs[0];
  const auto& window_dims = ir::attr_ints(args.attrs, 0);
  const auto& inserted = ir::attr_ints(args.attrs, 1);
  const auto& index_map = ir::attr_ints(args.attrs, 2);
  const auto& operand_batching = ir::attr_ints(args.attrs, 3);
  const auto& indices_batching = ir::attr_ints(args.attrs, 4);
  const auto mode = IndexMode(ir::attr_int(args.attrs, 5));
  expect(out.type.dtype == operand.type.dtype && updates.type.dtype == operand.type.dtype &&
             out.numel() == operand.numel(),
         P, "operand, updates and result types differ");
  if (!ir::in_class(operand.type.dtype, Op::kClasses)) unsupported_dtype(P, operand.type.dtype);
  if (out.numel() == 0) return;
  copy_bytes(out.data(), operand.data(), operand.nbytes());
  if (updates.numel() == 0) return;
  const ir::Shape& os = operand.type.shape;
  // Window extent per operand dimension: the updates' window dimension sizes, 1 for inserted and batching
  // dimensions.
  std::vector<int64_t> window_operand_dims;
  Dims sizes(os.size(), 1);
  for (int64_t d = 0; d < int64_t(os.size()); ++d)
    if (!contains(inserted, d) && !contains(operand_batching, d)) window_operand_dims.push_back(d);
  for (size_t i = 0; i < window_dims.size(); ++i)
    sizes[size_t(window_operand_dims[i])] = updates.type.shape[size_t(window_dims[i])];
  std::vector<int64_t> starts =
      start_offsets(P, operand, indices, index_map, operand_batching, indices_batching, sizes, mode);
  WalkPlan plan = walk_plan(updates.type.shape, window_dims, window_operand_dims, os, indices.type.shape);
  visit_dtype(operand.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(Op::kClasses)) {
      const T* upd = updates.data_as<const T>();
      const int64_t* start = starts.data();
      const int64_t dgl = plan.sizes.empty() ? 0 : plan.dg.back(),
                    dwl = plan.sizes.empty() ? 0 : plan.dw.back();
      constexpr bool kAccumulate = is_half_v<T> && (std::is_same_v<Op, AddOp> || std::is_same_v<Op, MulOp>);
      if constexpr (kAccumulate) {
        // Sums and products of 16-bit floats accumulate in float and round once per element.
        T* dst = out.data_as<T>();
        const int64_t n = out.numel();
        std::unique_ptr<float[]> acc(new float[size_t(n)]);
        for (int64_t i = 0; i < n; ++i) acc[size_t(i)] = load(dst[i]);
        walk(plan, 0, updates.numel(), [&](int64_t flat, int64_t g, int64_t w, int64_t run) {
          for (int64_t t = 0; t < run; ++t) {
            int64_t s = start[g + t * dgl];
            if (s < 0) continue;
            float& a = acc[size_t(s + w + t * dwl)];
            a = Op::apply(a, float(load(upd[flat + t])));
          }
        });
        for (int64_t i = 0; i < n; ++i) dst[i] = store<T>(acc[size_t(i)]);
      } else {
        T* dst = out.data_as<T>();
        walk(plan, 0, updates.numel(), [&](int64_t flat, int64_t g, int64_t w, int64_t run) {
          for (int64_t t = 0; t < run; ++t) {
            int64_t s = start[g + t * dgl];
            if (s < 0) continue;
            T& d = dst[s + w + t * dwl];
            if constexpr (std::is_same_v<Op, SetOp>)
              d = upd[flat + t];
            else
              d = store<T>(Op::apply(load(d), load(upd[flat + t])));
          }
        });
      }
    } else {
      unsupported_dtype(P, operand.type.dtype);
    }
  });
}

}  // namespace

void register_gather_scatter(KernelTable& t) {
  t.set(Prim::Gather, &gather_kernel);
  t.set(Prim::Scatter, &scatter_kernel<Prim::Scatter, SetOp>);
  t.set(Prim::ScatterAdd, &scatter_kernel<Prim::ScatterAdd, AddOp>);
  t.set(Prim::ScatterMul, &scatter_kernel<Prim::ScatterMul, MulOp>);
  t.set(Prim::ScatterMin, &scatter_kernel<Prim::ScatterMin, ExtremeOp<false>>);
  t.set(Prim::ScatterMax, &scatter_kernel<Prim::ScatterMax, ExtremeOp<true>>);
}

}  // namespace ember::runtime::kernels
