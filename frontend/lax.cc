#include "frontend/lax.h"

#include "frontend/promotion.h"

namespace ember::frontend::lax {

using ir::Prim;

Tensor unary(Prim p, const Tensor& x) { return bind1(p, {x}); }
Tensor binary(Prim p, const Tensor& a, const Tensor& b) { return bind1(p, {a, b}); }

Tensor round(const Tensor& x, int rounding_method) {
  return bind1(Prim::Round, {x}, {int64_t(rounding_method)});
}
Tensor integer_pow(const Tensor& x, int64_t y) { return bind1(Prim::IntegerPow, {x}, {y}); }
Tensor select(const Tensor& pred, const Tensor& on_true, const Tensor& on_false) {
  return bind1(Prim::Select, {pred, on_true, on_false});
}
Tensor clamp(const Tensor& lo, const Tensor& x, const Tensor& hi) { return bind1(Prim::Clamp, {lo, x, hi}); }

Tensor convert_element_type(const Tensor& x, ir::DType dtype, bool weak) {
  if (x.dtype() == dtype && x.weak() == weak) return x;
  if (x.dtype() == dtype && x.is_concrete()) return x.with_weak(weak);
  return bind1(Prim::ConvertElementType, {x}, {dtype, weak});
}

Tensor bitcast_convert_type(const Tensor& x, ir::DType dtype) {
  return bind1(Prim::BitcastConvertType, {x}, {dtype});
}

Tensor broadcast_in_dim(const Tensor& x, const Ints& shape, const Ints& broadcast_dimensions) {
  if (to_ints(x.shape()) == shape) return x;
  return bind1(Prim::BroadcastInDim, {x}, {shape, broadcast_dimensions});
}

Tensor reshape(const Tensor& x, const Ints& new_sizes) {
  if (to_ints(x.shape()) == new_sizes) return x;
  return bind1(Prim::Reshape, {x}, {new_sizes});
}

Tensor transpose(const Tensor& x, const Ints& permutation) {
  bool identity = true;
  for (size_t i = 0; i < permutation.size(); ++i) identity = identity && permutation[i] == int64_t(i);
  if (identity) return x;
  return bind1(Prim::Transpose, {x}, {permutation});
}

Tensor slice(const Tensor& x, const Ints& start, const Ints& limit, const Ints& strides) {
  return bind1(Prim::Slice, {x}, {start, limit, strides});
}

Tensor dynamic_slice(const Tensor& x, std::span<const Tensor> starts, const Ints& sizes) {
  std::vector<Tensor> operands = {x};
  operands.insert(operands.end(), starts.begin(), starts.end());
  return bind1(Prim::DynamicSlice, operands, {sizes});
}

Tensor dynamic_update_slice(const Tensor& x, const Tensor& update, std::span<const Tensor> starts) {
  std::vector<Tensor> operands = {x, update};
  operands.insert(operands.end(), starts.begin(), starts.end());
  return bind1(Prim::DynamicUpdateSlice, operands);
}

Tensor concatenate(std::span<const Tensor> xs, int64_t dimension) {
  if (xs.size() == 1) return xs[0];
  return bind1(Prim::Concatenate, xs, {dimension});
}

Tensor pad(const Tensor& x, const Tensor& value, const Ints& low, const Ints& high, const Ints& interior) {
  return bind1(Prim::Pad, {x, value}, {low, high, interior});
}

Tensor rev(const Tensor& x, const Ints& dimensions) {
  if (dimensions.empty()) return x;
  return bind1(Prim::Rev, {x}, {dimensions});
}

Tensor iota(ir::DType dtype, const Ints& shape, int64_t dimension) {
  return bind1(Prim::Iota, {}, {dtype, shape, dimension});
}

Tensor reduce(Prim p, const Tensor& x, const Ints& axes) {
  if (axes.empty()) return x;
  return bind1(p, {x}, {axes});
}

Tensor argminmax(Prim p, const Tensor& x, int64_t axis, ir::DType index_dtype) {
  return bind1(p, {x}, {Ints{axis}, index_dtype});
}

Tensor dot_general(const Tensor& lhs, const Tensor& rhs, const Ints& lhs_contracting, const Ints& rhs_contracting,
                   const Ints& lhs_batch, const Ints& rhs_batch, ir::DType preferred_element_type) {
  return bind1(Prim::DotGeneral, {lhs, rhs},
               {lhs_contracting, rhs_contracting, lhs_batch, rhs_batch, preferred_element_type});
}

Tensor gather(const Tensor& operand, const Tensor& indices, const GatherDims& dims, const Ints& slice_sizes,
              ir::IndexMode mode) {
  return bind1(Prim::Gather, {operand, indices},
               {dims.offset_dims, dims.collapsed_slice_dims, dims.start_index_map, dims.operand_batching_dims,
                dims.start_indices_batching_dims, slice_sizes, int64_t(mode)});
}

Tensor scatter(Prim p, const Tensor& operand, const Tensor& indices, const Tensor& updates, const ScatterDims& dims,
               ir::IndexMode mode) {
  return bind1(p, {operand, indices, updates},
               {dims.update_window_dims, dims.inserted_window_dims, dims.scatter_dims_to_operand_dims,
                dims.operand_batching_dims, dims.scatter_indices_batching_dims, int64_t(mode)});
}

std::vector<Tensor> sort(std::span<const Tensor> operands, int64_t dimension, bool is_stable, int64_t num_keys) {
  return bind(Prim::Sort, operands, {dimension, is_stable, num_keys});
}

std::vector<Tensor> top_k(const Tensor& x, int64_t k) {
  return bind(Prim::TopK, std::span<const Tensor>(&x, 1), {k});
}

Tensor cumulative(Prim p, const Tensor& x, int64_t axis, bool reverse) { return bind1(p, {x}, {axis, reverse}); }

Tensor full_like_scalar(const Tensor& x, double value) {
  if (ir::is_complex(x.dtype())) return scalar_tensor_complex(x.dtype(), value, 0.0, x.weak());
  return scalar_tensor(x.dtype(), value, x.weak());
}

Tensor broadcast_scalar(const Tensor& s, const ir::Shape& shape) {
  return broadcast_in_dim(s, to_ints(shape), {});
}

}  // namespace ember::frontend::lax

namespace ember::frontend::lax {

std::vector<Tensor> bind_user(ir::Prim p, std::vector<Tensor> operands, ir::Attrs attrs) {
  if (ir::has_flag(p, ir::kElementwise) && p != Prim::ConvertElementType) {
    const Tensor* strong = nullptr;
    for (const Tensor& t : operands)
      if (!t.weak() && (!strong || t.rank() > strong->rank())) strong = &t;
    // select's predicate keeps bool; clamp's and the others' scalars follow the data operand.
    if (strong) {
      ir::Type target = strong->type();
      for (size_t i = 0; i < operands.size(); ++i) {
        Tensor& t = operands[i];
        if (!t.weak() || t.rank() != 0) continue;
        bool is_predicate = p == Prim::Select && i == 0;
        if (is_predicate) continue;
        t = convert_element_type(t, target.dtype, false);
        bool scalar_ok = p == Prim::Clamp;  // clamp takes scalar bounds as they are
        if (!scalar_ok) t = broadcast_scalar(t, target.shape);
      }
    } else {
      for (Tensor& t : operands)
        if (t.weak()) t = convert_element_type(t, canonical_weak_dtype(t.dtype()), true);
    }
  }
  return bind(p, operands, std::move(attrs));
}

}  // namespace ember::frontend::lax
