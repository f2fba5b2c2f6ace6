// Matrix products of the NumPy op library, as dot_general.
#include "frontend/numpy.h"

namespace ember::frontend::np {

using ir::DType;

namespace {
std::pair<Tensor, Tensor> promote_pair(const Tensor& a, const Tensor& b, std::string_view op) {
  Tensor pair[2] = {a, b};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  if (pt.dtype == DType::Bool)
    throw make_error(ErrorKind::Type, op, "expected numeric operands, got ", ir::to_string(a.type()), " and ",
                     ir::to_string(b.type()));
  return {astype(a, pt.dtype, op), astype(b, pt.dtype, op)};
}
}  // namespace

Tensor matmul(const Tensor& a0, const Tensor& b0) {
  if (a0.rank() == 0 || b0.rank() == 0)
    throw make_error(ErrorKind::Value, "matmul", "expected operands of rank >= 1, got ", ir::to_string(a0.type()),
                     " and ", ir::to_string(b0.type()));
  auto [a, b] = promote_pair(a0, b0, "matmul");
  bool a_vec = a.rank() == 1, b_vec = b.rank() == 1;
  if (a_vec) a = lax::reshape(a, {1, a.shape()[0]});
  if (b_vec) b = lax::reshape(b, {b.shape()[0], 1});
  int64_t k = a.shape().back(), kb = b.shape()[size_t(b.rank() - 2)];
  if (k != kb)
    throw make_error(ErrorKind::Value, "matmul", "expected matching inner dimensions, got ",
                     ir::to_string(a0.type()), " and ", ir::to_string(b0.type()), " (", k, " != ", kb, ")");
  Tensor out;
  if (b.rank() == 2) {
    // (..., m, k) x (k, n): the free dimensions of a already come first, no batch needed.
    out = lax::dot_general(a, b, {a.rank() - 1}, {0}, {}, {}, a.dtype());
  } else {
    ir::Shape a_batch(a.shape().begin(), a.shape().end() - 2), b_batch(b.shape().begin(), b.shape().end() - 2);
    ir::Shape batch = broadcast_shapes(a_batch, b_batch, "matmul");
    auto with_batch = [&](const Tensor& t) {
      ir::Shape s = batch;
      s.push_back(t.shape()[size_t(t.rank() - 2)]);
      s.push_back(t.shape().back());
      return broadcast_to(t, s, "matmul");
    };
    Tensor ab = with_batch(a), bb = with_batch(b);
    lax::Ints batch_dims;
    for (size_t i = 0; i < batch.size(); ++i) batch_dims.push_back(int64_t(i));
    int64_t r = int64_t(batch.size());
    out = lax::dot_general(ab, bb, {r + 1}, {r}, batch_dims, batch_dims, a.dtype());
  }
  // Drop the dimensions added for vector operands.
  lax::Ints shape = lax::to_ints(out.shape());
  if (b_vec) shape.pop_back();
  if (a_vec) shape.erase(shape.end() - (b_vec ? 1 : 2));
  return lax::reshape(out, shape);
}

Tensor dot(const Tensor& a0, const Tensor& b0) {
  if (a0.rank() == 0 || b0.rank() == 0) return multiply(a0, b0);
  if (a0.rank() <= 2 && b0.rank() <= 2) return matmul(a0, b0);
  auto [a, b] = promote_pair(a0, b0, "dot");
  // N-d: contract a's last axis with b's second-to-last (or only) axis.
  int64_t bk = b.rank() == 1 ? 0 : b.rank() - 2;
  if (a.shape().back() != b.shape()[size_t(bk)])
    throw make_error(ErrorKind::Value, "dot", "expected matching contracted dimensions, got ",
                     ir::to_string(a0.type()), " and ", ir::to_string(b0.type()));
  return lax::dot_general(a, b, {a.rank() - 1}, {bk}, {}, {}, a.dtype());
}

}  // namespace ember::frontend::np
