// Typed C++ wrappers over bind(), one per primitive: the strict, unpromoted layer the op library is built
// from (JAX's lax). Operands must already have matching dtypes and shapes.
#pragma once

#include <vector>

#include "frontend/trace.h"

namespace ember::frontend::lax {

using Ints = std::vector<int64_t>;

Tensor unary(ir::Prim p, const Tensor& x);
Tensor binary(ir::Prim p, const Tensor& a, const Tensor& b);

Tensor round(const Tensor& x, int rounding_method);
Tensor integer_pow(const Tensor& x, int64_t y);
Tensor select(const Tensor& pred, const Tensor& on_true, const Tensor& on_false);
Tensor clamp(const Tensor& lo, const Tensor& x, const Tensor& hi);
Tensor convert_element_type(const Tensor& x, ir::DType dtype, bool weak = false);
Tensor bitcast_convert_type(const Tensor& x, ir::DType dtype);
Tensor broadcast_in_dim(const Tensor& x, const Ints& shape, const Ints& broadcast_dimensions);
Tensor reshape(const Tensor& x, const Ints& new_sizes);
Tensor transpose(const Tensor& x, const Ints& permutation);
Tensor slice(const Tensor& x, const Ints& start, const Ints& limit, const Ints& strides);
Tensor dynamic_slice(const Tensor& x, std::span<const Tensor> starts, const Ints& sizes);
Tensor dynamic_update_slice(const Tensor& x, const Tensor& update, std::span<const Tensor> starts);
Tensor concatenate(std::span<const Tensor> xs, int64_t dimension);
Tensor pad(const Tensor& x, const Tensor& value, const Ints& low, const Ints& high, const Ints& interior);
Tensor rev(const Tensor& x, const Ints& dimensions);
Tensor iota(ir::DType dtype, const Ints& shape, int64_t dimension);
Tensor reduce(ir::Prim p, const Tensor& x, const Ints& axes);
Tensor argminmax(ir::Prim p, const Tensor& x, int64_t axis, ir::DType index_dtype);
Tensor dot_general(const Tensor& lhs, const Tensor& rhs, const Ints& lhs_contracting, const Ints& rhs_contracting,
                   const Ints& lhs_batch, const Ints& rhs_batch, ir::DType preferred_element_type);

// Gather/scatter dimension numbers (JAX's GatherDimensionNumbers / ScatterDimensionNumbers).
struct GatherDims {
  Ints offset_dims, collapsed_slice_dims, start_index_map, operand_batching_dims, start_indices_batching_dims;
};
struct ScatterDims {
  Ints update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims, operand_batching_dims,
      scatter_indices_batching_dims;
};
Tensor gather(const Tensor& operand, const Tensor& indices, const GatherDims& dims, const Ints& slice_sizes,
              ir::IndexMode mode);
// p: Scatter, ScatterAdd, ScatterMul, ScatterMin or ScatterMax.
Tensor scatter(ir::Prim p, const Tensor& operand, const Tensor& indices, const Tensor& updates,
               const ScatterDims& dims, ir::IndexMode mode);
std::vector<Tensor> sort(std::span<const Tensor> operands, int64_t dimension, bool is_stable, int64_t num_keys);
// {values, int32 indices} of the k largest entries along the last dimension.
std::vector<Tensor> top_k(const Tensor& x, int64_t k);
// p: Cumsum, Cumprod, Cummax, Cummin or Cumlogsumexp.
Tensor cumulative(ir::Prim p, const Tensor& x, int64_t axis, bool reverse);

// A scalar of x's dtype (weak like x), for fill values and constants in compositions.
Tensor full_like_scalar(const Tensor& x, double value);
// Broadcasts a scalar to x's shape (no-op for same shape).
Tensor broadcast_scalar(const Tensor& s, const ir::Shape& shape);

inline Ints to_ints(const ir::Shape& s) { return Ints(s.begin(), s.end()); }

}  // namespace ember::frontend::lax

namespace ember::frontend::lax {
// Binds a primitive as JAX's lax functions do for user calls: in elementwise primitives, weakly typed
// scalars (Python numbers) take the dtype and shape of the other operands; everything else must match.
std::vector<Tensor> bind_user(ir::Prim p, std::vector<Tensor> operands, ir::Attrs attrs);
}  // namespace ember::frontend::lax
