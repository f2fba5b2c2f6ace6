// Matrix products of the NumPy op library, as dot_general.
#include "frontend/numpy_internal.h"

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
    throw make_error(ErrorKind::Value, "matmul", "expected operands of rank >= 1, got ",
                     ir::to_string(a0.type()), " and ", ir::to_string(b0.type()));
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
    ir::Shape a_batch(a.shape().begin(), a.shape().end() - 2),
        b_batch(b.shape().begin(), b.shape().end() - 2);
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

// ---- more products ----

namespace ember::frontend::np {

using namespace detail;

namespace {
std::pair<Tensor, Tensor> numeric_pair(const Tensor& a, const Tensor& b, std::string_view op) {
  Tensor pair[2] = {a, b};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  return {convert(a, pt.dtype, false, op), convert(b, pt.dtype, false, op)};
}

// A contraction that also accepts bool operands (a logical or of ands, as NumPy).
Tensor contract(const Tensor& a, const Tensor& b, const Ints& ca, const Ints& cb, const Ints& ba,
                const Ints& bb) {
  if (a.dtype() == DType::Bool) {
    Tensor r = lax::dot_general(lax::convert_element_type(a, DType::I32),
                                lax::convert_element_type(b, DType::I32), ca, cb, ba, bb, DType::I32);
    return lax::binary(Prim::Ne, r, scalar_like(r, 0));
  }
  return lax::dot_general(a, b, ca, cb, ba, bb, a.dtype());
}
}  // namespace

Tensor vdot(const Tensor& a0, const Tensor& b0) {
  auto [a, b] = numeric_pair(ravel(a0), ravel(b0), "vdot");
  if (a.numel() != b.numel())
    throw make_error(ErrorKind::Value, "vdot", "expected arrays of one size, got ", ir::to_string(a0.type()),
                     " and ", ir::to_string(b0.type()));
  return contract(conjugate(a), b, {0}, {0}, {}, {});
}

Tensor inner(const Tensor& a0, const Tensor& b0) {
  if (a0.rank() == 0 || b0.rank() == 0) return multiply(a0, b0);
  return tensordot(a0, b0, Ints{a0.rank() - 1}, Ints{b0.rank() - 1});
}

Tensor outer(const Tensor& a, const Tensor& b) {
  Tensor x = ravel(canonical(a)), y = ravel(canonical(b));
  return multiply(lax::reshape(x, {x.numel(), 1}), lax::reshape(y, {1, y.numel()}));
}

Tensor tensordot(const Tensor& a0, const Tensor& b0, const Ints& a_axes, const Ints& b_axes) {
  if (a_axes.size() != b_axes.size())
    throw make_error(ErrorKind::Value, "tensordot", "expected as many axes for each operand, got ",
                     a_axes.size(), " and ", b_axes.size());
  auto [a, b] = numeric_pair(a0, b0, "tensordot");
  Ints ca, cb;
  for (size_t i = 0; i < a_axes.size(); ++i) {
    ca.push_back(normalize_axis(a_axes[i], a.rank(), "tensordot"));
    cb.push_back(normalize_axis(b_axes[i], b.rank(), "tensordot"));
    if (a.shape()[size_t(ca.back())] != b.shape()[size_t(cb.back())])
      throw make_error(ErrorKind::Value, "tensordot", "expected contracted dimensions of equal size, got ",
                       ir::to_string(a.type()), " axis ", ca.back(), " and ", ir::to_string(b.type()),
                       " axis ", cb.back());
  }
  return contract(a, b, ca, cb, {}, {});
}

Tensor tensordot(const Tensor& a, const Tensor& b, int64_t n) {
  if (n < 0 || n > a.rank() || n > b.rank())
    throw make_error(ErrorKind::Value, "tensordot", "expected axes in [0, ", std::min(a.rank(), b.rank()),
                     "], got ", n);
  return tensordot(a, b, iota_ints(n, a.rank() - n), iota_ints(n));
}

Tensor kron(const Tensor& a0, const Tensor& b0) {
  Tensor a = canonical(a0), b = canonical(b0);
  int nd = std::max(a.rank(), b.rank());
  auto lift = [nd](const Tensor& t) {
    Ints s(size_t(nd - t.rank()), 1);
    for (int64_t d : t.shape()) s.push_back(d);
    return lax::reshape(t, s);
  };
  a = lift(a);
  b = lift(b);
  // Interleave the dimensions: (a0, b0, a1, b1, ...), multiply, merge each pair.
  Ints wide, da, db, out;
  for (int i = 0; i < nd; ++i) {
    wide.push_back(a.shape()[size_t(i)]);
    wide.push_back(b.shape()[size_t(i)]);
    da.push_back(2 * i);
    db.push_back(2 * i + 1);
    out.push_back(a.shape()[size_t(i)] * b.shape()[size_t(i)]);
  }
  Tensor prod = multiply(lax::broadcast_in_dim(a, wide, da), lax::broadcast_in_dim(b, wide, db));
  return lax::reshape(prod, out);
}

Tensor cross(const Tensor& a0, const Tensor& b0, int64_t axisa, int64_t axisb, int64_t axisc) {
  auto [a1, b1] = numeric_pair(a0, b0, "cross");
  if (a1.rank() == 0 || b1.rank() == 0)
    throw make_error(ErrorKind::Value, "cross", "expected arrays of rank >= 1, got ",
                     ir::to_string(a1.type()), " and ", ir::to_string(b1.type()));
  Tensor a = move_to_end(a1, normalize_axis(axisa, a1.rank(), "cross"));
  Tensor b = move_to_end(b1, normalize_axis(axisb, b1.rank(), "cross"));
  int64_t na = a.shape().back(), nb = b.shape().back();
  if ((na != 2 && na != 3) || (nb != 2 && nb != 3))
    throw make_error(ErrorKind::Value, "cross", "expected vectors of dimension 2 or 3, got ", na, " and ",
                     nb);
  auto comp = [](const Tensor& t, int64_t i) {
    Ints lo(size_t(t.rank()), 0), hi = lax::to_ints(t.shape()), st(size_t(t.rank()), 1);
    lo.back() = i;
    hi.back() = i + 1;
    Ints shape(t.shape().begin(), t.shape().end() - 1);
    return lax::reshape(lax::slice(t, lo, hi, st), shape);
  };
  Tensor ax = comp(a, 0), ay = comp(a, 1), bx = comp(b, 0), by = comp(b, 1);
  Tensor z = subtract(multiply(ax, by), multiply(ay, bx));
  if (na == 2 && nb == 2) return z;
  Tensor zero_a = scalar_like(ax, 0), zero_b = scalar_like(bx, 0);
  Tensor az = na == 3 ? comp(a, 2) : zero_a, bz = nb == 3 ? comp(b, 2) : zero_b;
  Tensor cx = subtract(multiply(ay, bz), multiply(az, by));
  Tensor cy = subtract(multiply(az, bx), multiply(ax, bz));
  std::vector<Tensor> parts = broadcast_arrays(std::vector<Tensor>{cx, cy, z});
  Tensor c = stack(parts, -1);
  return moveaxis(c, {-1}, {normalize_axis(axisc, c.rank(), "cross")});
}

Tensor vecdot(const Tensor& a0, const Tensor& b0, int64_t axis) {
  auto [a1, b1] = numeric_pair(a0, b0, "vecdot");
  if (a1.rank() == 0 || b1.rank() == 0)
    throw make_error(ErrorKind::Value, "vecdot", "expected arrays of rank >= 1, got ",
                     ir::to_string(a1.type()), " and ", ir::to_string(b1.type()));
  std::vector<Tensor> bc = broadcast_arrays(std::vector<Tensor>{a1, b1});
  int64_t ax = normalize_axis(axis, bc[0].rank(), "vecdot");
  Tensor a = move_to_end(conjugate(bc[0]), ax), b = move_to_end(bc[1], ax);
  Ints batch = iota_ints(a.rank() - 1);
  return contract(a, b, {a.rank() - 1}, {b.rank() - 1}, batch, batch);
}

Tensor matvec(const Tensor& m, const Tensor& v) {
  if (m.rank() < 2 || v.rank() < 1)
    throw make_error(ErrorKind::Value, "matvec", "expected a matrix and a vector, got ",
                     ir::to_string(m.type()), " and ", ir::to_string(v.type()));
  Tensor r = matmul(m, expand_dims(v, {-1}));
  return squeeze(r, Ints{-1});
}

Tensor vecmat(const Tensor& v, const Tensor& m) {
  if (m.rank() < 2 || v.rank() < 1)
    throw make_error(ErrorKind::Value, "vecmat", "expected a vector and a matrix, got ",
                     ir::to_string(v.type()), " and ", ir::to_string(m.type()));
  Tensor r = matmul(expand_dims(conjugate(v), {-2}), m);
  return squeeze(r, Ints{-2});
}

}  // namespace ember::frontend::np
