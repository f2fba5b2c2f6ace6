#include "transforms/emit.h"

#include <algorithm>

#include "ir/numeric.h"

namespace ember::transforms {

Ints iota_ints(int64_t n, int64_t start) {
  Ints out;
  for (int64_t i = 0; i < n; ++i) out.push_back(start + i);
  return out;
}

Ints inverse_permutation(const Ints& perm) {
  Ints inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[size_t(perm[i])] = int64_t(i);
  return inv;
}

Value Emitter::full(DType dtype, ir::Shape shape, double value) {
  ir::Literal lit = ir::is_complex(dtype) ? ir::Literal::scalar_complex(dtype, value, 0.0)
                                          : ir::Literal::scalar(dtype, value);
  Value s = b_.add1(Prim::Constant, {}, {lit, false});
  if (shape.empty()) return s;
  return b_.add1(Prim::BroadcastInDim, {s}, {to_ints(shape), Ints{}});
}

Value Emitter::full(const Type& like, double value) { return full(like.dtype, like.shape, value); }

Value Emitter::convert(Value v, DType to) {
  if (dtype(v) == to && !type(v).weak) return v;
  return op(Prim::ConvertElementType, {v}, {to, false});
}

Value Emitter::broadcast_in_dim(Value v, const Ints& shape, const Ints& dims) {
  if (to_ints(this->shape(v)) == shape) return v;
  return op(Prim::BroadcastInDim, {v}, {shape, dims});
}

Value Emitter::broadcast_to(Value v, const ir::Shape& shape, const Ints& dims) {
  return broadcast_in_dim(v, to_ints(shape), dims);
}

Value Emitter::reshape(Value v, const Ints& shape) {
  if (to_ints(this->shape(v)) == shape) return v;
  return op(Prim::Reshape, {v}, {shape});
}

Value Emitter::transpose(Value v, const Ints& perm) {
  if (perm == iota_ints(int64_t(perm.size()))) return v;
  return op(Prim::Transpose, {v}, {perm});
}

Value Emitter::reduce_sum(Value v, const Ints& axes) {
  if (axes.empty()) return v;
  return op(Prim::ReduceSum, {v}, {axes});
}

Value Emitter::unbroadcast(Value v, const ir::Shape& shape, const Ints& dims) {
  ir::Shape from = this->shape(v);
  if (from == shape) return v;
  // Axes broadcast_in_dim added (not in dims) are summed away; axes it expanded from 1 are summed and then
  // restored by the reshape.
  Ints summed;
  for (int64_t i = 0; i < int64_t(from.size()); ++i) {
    auto it = std::find(dims.begin(), dims.end(), i);
    if (it == dims.end() || (shape[size_t(it - dims.begin())] == 1 && from[size_t(i)] != 1)) summed.push_back(i);
  }
  Value r = reduce_sum(v, summed);
  return reshape(r, to_ints(shape));
}

Value Emitter::dot_general(Value lhs, Value rhs, const Ints& lc, const Ints& rc, const Ints& lb, const Ints& rb,
                           DType out) {
  return op(Prim::DotGeneral, {lhs, rhs}, {lc, rc, lb, rb, out});
}

}  // namespace ember::transforms
