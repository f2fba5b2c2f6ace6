// NumPy's polynomial functions (coefficients with the highest power first), and polyfit as a least-squares
// solve by Householder QR of the column-scaled Vandermonde matrix.
#include <cmath>

#include "frontend/numpy_internal.h"
#include "ir/numeric.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

Tensor slice1(const Tensor& x, int64_t start, int64_t stop) {
  return lax::slice(x, {start}, {std::max(start, stop)}, {1});
}

Tensor element(const Tensor& x, int64_t i) { return lax::reshape(slice1(x, i, i + 1), {}); }

Tensor coefficients(const Tensor& p, std::string_view op) {
  Tensor c = atleast_nd(canonical(p), 1);
  if (c.rank() != 1)
    throw make_error(ErrorKind::Value, op, "expected 1-d coefficients, got ", ir::to_string(c.type()));
  return c;
}

Tensor zeros_of(DType d, int64_t n) { return constant(d, 0, {n}); }

// Coefficient arrays padded at the front to one length.
std::pair<Tensor, Tensor> aligned(const Tensor& a, const Tensor& b) {
  int64_t n = std::max(a.numel(), b.numel());
  auto pad_front = [n](const Tensor& t) {
    if (t.numel() == n) return t;
    Tensor zero = lax::convert_element_type(lax::full_like_scalar(t, 0), t.dtype(), false);
    return lax::pad(t, zero, {n - t.numel()}, {0}, {0});
  };
  return {pad_front(a), pad_front(b)};
}

// Row i of an (n, k) matrix as a (k,) vector, column j as (n,).
Tensor column(const Tensor& m, int64_t j) {
  int64_t n = m.shape()[0];
  return lax::reshape(lax::slice(m, {0, j}, {n, j + 1}, {1, 1}), {n});
}

}  // namespace

Tensor poly(const Tensor& roots0) {
  Tensor r = atleast_nd(canonical(roots0), 1);
  if (r.rank() == 2 && r.shape()[0] == r.shape()[1] && r.shape()[0] != 0)
    throw make_error(
        ErrorKind::NotImplemented, "poly",
        "expected a 1-d array of roots, got a square matrix (its characteristic polynomial needs "
        "eigenvalues, which arrive with ember.linalg)");
  if (r.rank() != 1)
    throw make_error(ErrorKind::Value, "poly", "expected a 1-d array of roots, got ",
                     ir::to_string(r.type()));
  // NumPy keeps float32/complex64 and computes everything else in the default float (float64 there).
  DType d = ir::is_inexact(r.dtype()) && r.dtype() != DType::F16 && r.dtype() != DType::BF16 ? r.dtype()
                                                                                             : kDefaultFloat;
  r = astype(r, d, "poly");
  int64_t n = r.numel();
  if (n == 0) return scalar_tensor(d, 1);
  // Multiply by (x - r_i) one root at a time: a <- [a, 0] - r_i [0, a].
  Tensor a = constant(d, 1, {1});
  Tensor zero = scalar_tensor(d, 0);
  for (int64_t i = 0; i < n; ++i) {
    Tensor shifted = lax::pad(a, zero, {1}, {0}, {0}), extended = lax::pad(a, zero, {0}, {1}, {0});
    a = subtract(extended, multiply(element(r, i), shifted));
  }
  if (ir::is_complex(d) && r.is_concrete()) {
    // NumPy returns real coefficients when the roots come in conjugate pairs.
    Tensor sr = sort(r), sc = sort(conjugate(r));
    if (concrete_int(all(equal(sr, sc)), "poly")) a = real(a);
  }
  return a;
}

Tensor polyval(const Tensor& p0, const Tensor& x0) {
  Tensor p = coefficients(p0, "polyval"), x = canonical(x0);
  Tensor pair[2] = {p, x};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  Tensor xc = astype(x, pt.dtype, "polyval");
  Tensor y = scalar_like(xc, 0);
  for (int64_t i = 0; i < p.numel(); ++i)
    y = add(multiply(y, xc), astype(element(p, i), pt.dtype, "polyval"));
  return y;
}

Tensor polyadd(const Tensor& a, const Tensor& b) {
  auto [x, y] = aligned(coefficients(a, "polyadd"), coefficients(b, "polyadd"));
  return add(x, y);
}

Tensor polysub(const Tensor& a, const Tensor& b) {
  auto [x, y] = aligned(coefficients(a, "polysub"), coefficients(b, "polysub"));
  return subtract(x, y);
}

Tensor polymul(const Tensor& a0, const Tensor& b0, std::optional<bool> trim_leading_zeros) {
  Tensor a = coefficients(a0, "polymul"), b = coefficients(b0, "polymul");
  auto trim = [&](const Tensor& p) {
    if (!trim_leading_zeros.value_or(p.is_concrete())) return p;
    std::vector<bool> nz = concrete_nonzero(p, "polymul with trim_leading_zeros");
    int64_t start = 0, n = int64_t(nz.size());
    while (start < n - 1 && !nz[size_t(start)]) ++start;
    return slice1(p, start, n);
  };
  return convolve(trim(a), trim(b));
}

Tensor polyder(const Tensor& p0, int64_t m) {
  if (m < 0) throw make_error(ErrorKind::Value, "polyder", "expected a non-negative order, got ", m);
  Tensor p = coefficients(p0, "polyder");
  for (int64_t k = 0; k < m; ++k) {
    int64_t n = p.numel() - 1;
    // p[:-1] * [n, n-1, ..., 1]
    Tensor powers =
        lax::binary(Prim::Sub, int_constant(DType::I64, std::max<int64_t>(n, 0), {std::max<int64_t>(n, 0)}),
                    lax::iota(DType::I64, {std::max<int64_t>(n, 0)}, 0));
    p = multiply(slice1(p, 0, std::max<int64_t>(n, 0)), powers);
  }
  return p;
}

Tensor polyint(const Tensor& p0, int64_t m, const std::optional<Tensor>& k0) {
  if (m < 0) throw make_error(ErrorKind::Value, "polyint", "expected a non-negative order, got ", m);
  Tensor p = coefficients(p0, "polyint");
  Tensor k = k0 ? atleast_nd(canonical(*k0), 1) : zeros_of(kDefaultFloat, m);
  if (k.numel() == 1 && m > 1) k = broadcast_to(k, {m});
  if (k.numel() < m)
    throw make_error(ErrorKind::Value, "polyint", "expected ", m, " integration constants, got ", k.numel());
  for (int64_t j = 0; j < m; ++j) {
    int64_t n = p.numel();
    Tensor powers = lax::binary(Prim::Sub, int_constant(DType::I64, n, {n}), lax::iota(DType::I64, {n}, 0));
    Tensor q = true_divide(p, powers);
    Tensor kj = lax::reshape(slice1(k, j, j + 1), {1});
    p = concatenate(std::vector<Tensor>{q, kj}, 0);
  }
  return p;
}

std::pair<Tensor, Tensor> polydiv(const Tensor& u0, const Tensor& v0,
                                  std::optional<bool> trim_leading_zeros) {
  // As NumPy: float arithmetic (u + 0.0, v + 0.0), long division by the leading coefficient.
  Tensor u = add(coefficients(u0, "polydiv"), scalar_tensor(DType::F64, 0, true));
  Tensor v = add(coefficients(v0, "polydiv"), scalar_tensor(DType::F64, 0, true));
  Tensor pair[2] = {u, v};
  DType d = result_type(std::span<const Tensor>(pair, 2)).dtype;
  u = astype(u, d, "polydiv");
  v = astype(v, d, "polydiv");
  int64_t m = u.numel() - 1, n = v.numel() - 1;
  Tensor scale = true_divide(scalar_tensor(DType::F64, 1, true), element(v, 0));
  std::vector<Tensor> q;
  Tensor r = u;
  for (int64_t k = 0; k <= m - n; ++k) {
    Tensor dk = multiply(scale, element(r, k));
    q.push_back(dk);
    Tensor window = subtract(slice1(r, k, k + n + 1), multiply(dk, v));
    r = concatenate(std::vector<Tensor>{slice1(r, 0, k), window, slice1(r, k + n + 1, m + 1)}, 0);
  }
  Tensor quotient = q.empty() ? zeros_of(d, 1) : stack(q, 0);
  // Leading (near-)zeros of the remainder are dropped: a data-dependent length, so concrete input only.
  if (trim_leading_zeros.value_or(r.is_concrete())) {
    int64_t start = 0, len = r.numel();
    runtime::Array ra =
        astype(r, ir::is_complex(d) ? DType::C128 : DType::F64).array("polydiv with trim_leading_zeros");
    auto magnitude = [&](int64_t i) {
      const auto* p =
          static_cast<const unsigned char*>(ra.data()) + size_t(i) * ir::dtype_size(ra.type.dtype);
      return std::abs(load_element_as_complex(ra.type.dtype, p));
    };
    while (len - start > 1 && magnitude(start) <= 1e-8) ++start;
    r = slice1(r, start, len);
  }
  return {quotient, r};
}

Tensor polyfit(const Tensor& x0, const Tensor& y0, int64_t deg, const std::optional<Tensor>& w0) {
  if (deg < 0) throw make_error(ErrorKind::Value, "polyfit", "expected a non-negative degree, got ", deg);
  Tensor x = add(canonical(x0), scalar_tensor(DType::F64, 0, true));
  Tensor y = add(canonical(y0), scalar_tensor(DType::F64, 0, true));
  if (x.rank() != 1)
    throw make_error(ErrorKind::Type, "polyfit", "expected a 1-d x, got ", ir::to_string(x.type()));
  if (y.rank() < 1 || y.rank() > 2)
    throw make_error(ErrorKind::Type, "polyfit", "expected a 1-d or 2-d y, got ", ir::to_string(y.type()));
  if (x.numel() != y.shape()[0])
    throw make_error(ErrorKind::Type, "polyfit", "expected x and y of one length, got ", x.numel(), " and ",
                     y.shape()[0]);
  if (ir::is_complex(x.dtype()) || ir::is_complex(y.dtype()))
    throw make_error(ErrorKind::NotImplemented, "polyfit", "expected real data, got ",
                     ir::to_string(y.type()));
  Tensor pair[2] = {x, y};
  DType d = result_type(std::span<const Tensor>(pair, 2)).dtype;
  x = astype(x, d, "polyfit");
  y = astype(y, d, "polyfit");
  int64_t npts = x.numel(), order = deg + 1;
  bool vec = y.rank() == 1;
  Tensor b = vec ? lax::reshape(y, {npts, 1}) : y;
  Tensor a = vander(x, order);
  if (w0) {
    Tensor w = astype(*w0, d, "polyfit");
    if (w.rank() != 1 || w.numel() != npts)
      throw make_error(ErrorKind::Type, "polyfit", "expected 1-d weights of the length of x, got ",
                       ir::to_string(w.type()));
    a = multiply(a, lax::reshape(w, {npts, 1}));
    b = multiply(b, lax::reshape(w, {npts, 1}));
  }
  // Columns scaled to unit norm (as NumPy) improve the conditioning.
  Tensor scale = sqrt(sum(multiply(a, a), Ints{0}));
  scale = where(equal(scale, scalar_like(scale, 0)), scalar_like(scale, 1), scale);
  a = true_divide(a, lax::reshape(scale, {1, order}));
  // Householder QR: A = QR, then R c = Q^T b by back substitution.
  int64_t k = std::min(order, npts);
  Tensor rows = lax::iota(DType::I64, {npts}, 0);
  for (int64_t j = 0; j < k; ++j) {
    Tensor col = column(a, j);
    Tensor below = greater_equal(rows, scalar_tensor_int(DType::I64, j, true));
    Tensor xv = where(below, col, scalar_like(col, 0));
    Tensor norm = sqrt(sum(multiply(xv, xv)));
    Tensor xj = element(col, j);
    Tensor alpha = where(less(xj, scalar_like(xj, 0)), norm, negative(norm));
    Tensor e = equal(rows, scalar_tensor_int(DType::I64, j, true));
    Tensor v = subtract(xv, where(e, broadcast_to(alpha, {npts}), scalar_like(xv, 0)));
    Tensor vnorm2 = sum(multiply(v, v));
    Tensor safe = where(equal(vnorm2, scalar_like(vnorm2, 0)), scalar_like(vnorm2, 1), vnorm2);
    Tensor coef = true_divide(scalar_tensor(DType::F64, 2, true), safe);
    coef = where(equal(vnorm2, scalar_like(vnorm2, 0)), scalar_like(coef, 0), coef);
    // H = I - coef v v^T applied to A and b.
    Tensor va = lax::dot_general(v, a, {0}, {0}, {}, {}, d);
    a = subtract(a, multiply(coef, lax::dot_general(lax::reshape(v, {npts, 1}), lax::reshape(va, {1, order}),
                                                    {1}, {0}, {}, {}, d)));
    Tensor vb = lax::dot_general(v, b, {0}, {0}, {}, {}, d);
    b = subtract(
        b, multiply(coef, lax::dot_general(lax::reshape(v, {npts, 1}), lax::reshape(vb, {1, b.shape()[1]}),
                                           {1}, {0}, {}, {}, d)));
  }
  int64_t nrhs = b.shape()[1];
  std::vector<Tensor> c(static_cast<size_t>(order));
  for (int64_t i = k - 1; i >= 0; --i) {
    Tensor acc = lax::reshape(lax::slice(b, {i, 0}, {i + 1, nrhs}, {1, 1}), {nrhs});
    for (int64_t j = i + 1; j < k; ++j)
      acc = subtract(acc,
                     multiply(lax::reshape(lax::slice(a, {i, j}, {i + 1, j + 1}, {1, 1}), {}), c[size_t(j)]));
    c[size_t(i)] = true_divide(acc, lax::reshape(lax::slice(a, {i, i}, {i + 1, i + 1}, {1, 1}), {}));
  }
  // An underdetermined fit (fewer points than coefficients) leaves the remaining coefficients at zero.
  for (int64_t i = k; i < order; ++i) c[size_t(i)] = constant(d, 0, {nrhs});
  Tensor coeffs = stack(c, 0);  // (order, nrhs)
  coeffs = true_divide(coeffs, lax::reshape(scale, {order, 1}));
  return vec ? lax::reshape(coeffs, {order}) : coeffs;
}

}  // namespace ember::frontend::np
