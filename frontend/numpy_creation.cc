// Array creation of the NumPy op library. Under a trace these become iota/broadcast ops, not constants.
#include <cmath>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using ir::DType;
using ir::Prim;

namespace {
void check_shape(const Ints& shape, std::string_view op) {
  for (int64_t d : shape)
    if (d < 0)
      throw make_error(ErrorKind::Value, op, "expected non-negative dimensions, got ",
                       ir::shape_to_string(ir::Shape(shape.begin(), shape.end())));
}

Tensor f64_scalar(double v) { return scalar_tensor(DType::F64, v); }
}  // namespace

Tensor full(const Ints& shape, const Tensor& fill_value, OptDType dtype) {
  check_shape(shape, "full");
  Tensor v = fill_value;
  DType d = dtype ? *dtype : (v.weak() ? canonical_weak_dtype(v.dtype()) : v.dtype());
  v = astype(v, d, "full");
  if (v.rank() == 0) return lax::broadcast_in_dim(v, shape, {});
  return broadcast_to(v, ir::Shape(shape.begin(), shape.end()), "full");
}

Tensor zeros(const Ints& shape, DType dtype) { return full(shape, scalar_tensor(dtype, 0.0), dtype); }
Tensor ones(const Ints& shape, DType dtype) { return full(shape, scalar_tensor(dtype, 1.0), dtype); }

Tensor arange(double start, double stop, double step, OptDType dtype, bool integer_args) {
  if (step == 0) throw make_error(ErrorKind::Value, "arange", "expected a non-zero step, got 0");
  int64_t n = std::max<int64_t>(int64_t(std::ceil((stop - start) / step)), 0);
  DType d = dtype ? *dtype : (integer_args ? kDefaultInt : kDefaultFloat);
  // start + i * step, computed where it is exact (as NumPy: integers in int64, floats in float64) and
  // converted once; trivial steps and starts add no ops, so arange(n) is a single iota.
  double largest = std::abs(start) + std::abs(step) * double(n);
  bool exact_in_d = (d == DType::F64 || d == DType::C128) ||
                    ((d == DType::F32 || d == DType::C64) && integer_args && largest < double(1 << 24)) ||
                    (d == DType::I64 && integer_args);
  DType compute = exact_in_d ? d : (integer_args && ir::is_int(d) ? DType::I64 : DType::F64);
  Tensor v = lax::iota(compute, {n}, 0);
  auto scalar = [&](double x) {
    Tensor s = ir::is_int(compute) ? scalar_tensor_int(compute, int64_t(x)) : scalar_tensor(compute, x);
    return lax::broadcast_scalar(s, {n});
  };
  if (step != 1) v = lax::binary(Prim::Mul, v, scalar(step));
  if (start != 0) v = lax::binary(Prim::Add, v, scalar(start));
  return astype(v, d, "arange");
}

Tensor linspace(double start, double stop, int64_t num, bool endpoint, OptDType dtype) {
  if (num < 0) throw make_error(ErrorKind::Value, "linspace", "expected a non-negative num, got ", num);
  DType d = dtype ? *dtype : kDefaultFloat;
  int64_t div = endpoint ? num - 1 : num;
  double step = div > 0 ? (stop - start) / double(div) : 0.0;
  Tensor i = lax::iota(DType::F64, {num}, 0);
  Tensor v = lax::binary(Prim::Add, lax::binary(Prim::Mul, i, lax::broadcast_scalar(f64_scalar(step), {num})),
                         lax::broadcast_scalar(f64_scalar(start), {num}));
  if (endpoint && num > 1) {
    // The last sample is exactly `stop`, as NumPy guarantees.
    Tensor last = lax::binary(Prim::Eq, i, lax::broadcast_scalar(f64_scalar(double(num - 1)), {num}));
    v = lax::select(last, lax::broadcast_scalar(f64_scalar(stop), {num}), v);
  }
  // Integer results round toward -inf, as NumPy 2.
  if (ir::is_int(d)) v = lax::unary(Prim::Floor, v);
  return astype(v, d, "linspace");
}

Tensor eye(int64_t n, std::optional<int64_t> m, int64_t k, DType dtype) {
  int64_t cols = m.value_or(n);
  check_shape({n, cols}, "eye");
  Tensor rows = lax::iota(DType::I64, {n, cols}, 0), cs = lax::iota(DType::I64, {n, cols}, 1);
  Tensor diag = lax::binary(Prim::Eq, lax::binary(Prim::Sub, cs, rows),
                            lax::broadcast_scalar(scalar_tensor_int(DType::I64, k), {n, cols}));
  return astype(diag, dtype, "eye");
}

}  // namespace ember::frontend::np

// ---- more creation ----

namespace ember::frontend::np {

using namespace detail;

namespace {
// Integer results of linspace/logspace round toward -inf, as NumPy 2.
Tensor to_result(const Tensor& v, DType d, std::string_view op) {
  if (ir::is_int(d) && ir::is_float(v.dtype())) return astype(floor(v), d, op);
  return astype(v, d, op);
}
}  // namespace

Tensor logspace(double start, double stop, int64_t num, bool endpoint, double base, OptDType dtype) {
  Tensor exponents = linspace(start, stop, num, endpoint, DType::F64);
  Tensor v = lax::binary(Prim::Pow, constant(DType::F64, base, exponents.shape()), exponents);
  return to_result(v, dtype.value_or(kDefaultFloat), "logspace");
}

Tensor geomspace(double start, double stop, int64_t num, bool endpoint, OptDType dtype) {
  if (start == 0 || stop == 0)
    throw make_error(ErrorKind::Value, "geomspace", "expected non-zero start and stop, got ", start, " and ",
                     stop);
  if ((start < 0) != (stop < 0))
    throw make_error(ErrorKind::Value, "geomspace", "expected start and stop of one sign, got ", start,
                     " and ", stop, " (the sequence would pass through zero)");
  double sign = start < 0 ? -1.0 : 1.0;
  Tensor v =
      logspace(std::log10(std::abs(start)), std::log10(std::abs(stop)), num, endpoint, 10.0, DType::F64);
  v = lax::binary(Prim::Mul, v, constant(DType::F64, sign, v.shape()));
  // The ends are exact, as NumPy guarantees.
  if (num > 0) {
    Tensor i = lax::iota(DType::I64, {num}, 0);
    v = lax::select(lax::binary(Prim::Eq, i, int_constant(DType::I64, 0, {num})),
                    constant(DType::F64, start, {num}), v);
    if (endpoint && num > 1)
      v = lax::select(lax::binary(Prim::Eq, i, int_constant(DType::I64, num - 1, {num})),
                      constant(DType::F64, stop, {num}), v);
  }
  return to_result(v, dtype.value_or(kDefaultFloat), "geomspace");
}

Tensor linspace_array(const Tensor& start0, const Tensor& stop0, int64_t num, bool endpoint, OptDType dtype,
                      int64_t axis) {
  if (num < 0) throw make_error(ErrorKind::Value, "linspace", "expected a non-negative num, got ", num);
  Tensor pair[2] = {start0, stop0};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  DType out = dtype.value_or(ir::is_inexact(pt.dtype) ? pt.dtype : kDefaultFloat);
  DType c = ir::is_complex(pt.dtype) || ir::is_complex(out) ? DType::C128 : DType::F64;
  auto [start, stop] = binary_operands(start0, stop0, "linspace", c);
  ir::Shape bshape = start.shape();
  ir::Shape shape = {num};
  for (int64_t d : bshape) shape.push_back(d);
  Ints bdims = iota_ints(int64_t(bshape.size()), 1);
  Tensor s = lax::broadcast_in_dim(start, lax::to_ints(shape), bdims);
  Tensor e = lax::broadcast_in_dim(stop, lax::to_ints(shape), bdims);
  int64_t div = endpoint ? num - 1 : num;
  Tensor i = lax::iota(c, lax::to_ints(shape), 0);
  Tensor step = lax::binary(Prim::Sub, e, s);
  step = lax::binary(Prim::Div, step,
                     lax::broadcast_scalar(lax::full_like_scalar(step, double(div > 0 ? div : 1)), shape));
  Tensor v = lax::binary(Prim::Add, lax::binary(Prim::Mul, i, step), s);
  if (endpoint && num > 1) {
    Tensor last = lax::binary(Prim::Eq, lax::iota(DType::I64, lax::to_ints(shape), 0),
                              int_constant(DType::I64, num - 1, shape));
    v = lax::select(last, e, v);
  }
  v = to_result(v, out, "linspace");
  return moveaxis(v, {0}, {normalize_axis(axis, v.rank(), "linspace")});
}

Tensor tri(int64_t n, std::optional<int64_t> m, int64_t k, DType dtype) {
  int64_t cols = m.value_or(n);
  check_shape({n, cols}, "tri");
  Tensor rows = lax::iota(DType::I64, {n, cols}, 0), cs = lax::iota(DType::I64, {n, cols}, 1);
  Tensor below =
      lax::binary(Prim::Le, lax::binary(Prim::Sub, cs, rows), int_constant(DType::I64, k, {n, cols}));
  return astype(below, dtype, "tri");
}

static Tensor triangle(const Tensor& x, int64_t k, bool lower, std::string_view op) {
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, op, "expected an array of rank >= 1, got ", ir::to_string(x.type()));
  // A 1-d input is the row of a square matrix, broadcast (as NumPy).
  int64_t n = x.rank() == 1 ? x.shape()[0] : x.shape()[size_t(x.rank() - 2)], m = x.shape().back();
  Tensor mask = tri(n, m, lower ? k : k - 1, DType::Bool);
  if (!lower) mask = lax::unary(Prim::Not, mask);
  Tensor zero = lax::full_like_scalar(x, 0).with_weak(false);
  ir::Shape shape = broadcast_shapes(x.shape(), mask.shape(), op);
  return lax::select(broadcast_to(mask, shape, op), broadcast_to(x, shape, op),
                     lax::broadcast_scalar(lax::convert_element_type(zero, x.dtype(), x.weak()), shape));
}

Tensor tril(const Tensor& x, int64_t k) { return triangle(canonical(x), k, true, "tril"); }
Tensor triu(const Tensor& x, int64_t k) { return triangle(canonical(x), k, false, "triu"); }

std::vector<Tensor> meshgrid(std::span<const Tensor> xs, bool sparse, std::string_view indexing) {
  if (indexing != "xy" && indexing != "ij")
    throw make_error(ErrorKind::Value, "meshgrid", "expected indexing 'xy' or 'ij', got '", indexing, "'");
  size_t nd = xs.size();
  std::vector<Tensor> out;
  for (size_t i = 0; i < nd; ++i) {
    Ints shape(nd, 1);
    size_t pos = i;
    // Cartesian indexing swaps the first two output dimensions.
    if (indexing == "xy" && nd > 1 && i < 2) pos = 1 - i;
    Tensor flat = ravel(canonical(xs[i]));
    shape[pos] = flat.numel();
    out.push_back(lax::reshape(flat, shape));
  }
  if (!sparse && nd > 0) out = broadcast_arrays(out);
  return out;
}

Tensor diag(const Tensor& v0, int64_t k) {
  Tensor v = canonical(v0);
  if (v.rank() == 2) return diagonal(v, k, 0, 1);
  if (v.rank() != 1)
    throw make_error(ErrorKind::Value, "diag", "expected a 1-d or 2-d array, got ", ir::to_string(v.type()));
  int64_t len = v.shape()[0], n = len + (k < 0 ? -k : k);
  // Row i of a k >= 0 diagonal holds v[i]; column j of a k < 0 one holds v[j]: pad v to n and broadcast it
  // along the other dimension, then keep the diagonal.
  Tensor zero = lax::convert_element_type(lax::full_like_scalar(v, 0), v.dtype(), v.weak());
  Tensor padded = lax::pad(v, zero, {0}, {n - len}, {0});
  Tensor spread = lax::broadcast_in_dim(padded, {n, n}, {k >= 0 ? 0 : 1});
  Tensor mask = lax::binary(
      Prim::Eq, lax::binary(Prim::Sub, lax::iota(DType::I64, {n, n}, 1), lax::iota(DType::I64, {n, n}, 0)),
      int_constant(DType::I64, k, {n, n}));
  return lax::select(mask, spread, lax::broadcast_scalar(zero, {n, n}));
}

Tensor diagflat(const Tensor& v, int64_t k) { return diag(ravel(canonical(v)), k); }

Tensor diagonal(const Tensor& x0, int64_t offset, int64_t axis1, int64_t axis2) {
  Tensor x = canonical(x0);
  if (x.rank() < 2)
    throw make_error(ErrorKind::Value, "diagonal", "expected an array of rank >= 2, got ",
                     ir::to_string(x.type()));
  int64_t a1 = normalize_axis(axis1, x.rank(), "diagonal"), a2 = normalize_axis(axis2, x.rank(), "diagonal");
  if (a1 == a2)
    throw make_error(ErrorKind::Value, "diagonal", "expected distinct axis1 and axis2, got ", axis1, " and ",
                     axis2);
  Ints perm;
  for (int i = 0; i < x.rank(); ++i)
    if (i != a1 && i != a2) perm.push_back(i);
  perm.push_back(a1);
  perm.push_back(a2);
  Tensor t = lax::transpose(x, perm);
  int64_t n = t.shape()[size_t(t.rank() - 2)], m = t.shape().back();
  int64_t len = offset >= 0 ? std::max<int64_t>(0, std::min(n, m - offset))
                            : std::max<int64_t>(0, std::min(n + offset, m));
  Ints batch(t.shape().begin(), t.shape().end() - 2);
  // In the row-major flattening of an n x m matrix, the diagonal is a strided slice with stride m + 1.
  Ints flat_shape = batch;
  flat_shape.push_back(n * m);
  Tensor flat = lax::reshape(t, flat_shape);
  int64_t start = offset >= 0 ? offset : -offset * m;
  Ints lo(batch.size(), 0), hi = batch, st(batch.size(), 1);
  lo.push_back(len > 0 ? start : 0);
  hi.push_back(len > 0 ? start + (len - 1) * (m + 1) + 1 : 0);
  st.push_back(m + 1);
  return lax::slice(flat, lo, hi, st);
}

Tensor trace(const Tensor& x, int64_t offset, int64_t axis1, int64_t axis2, OptDType dtype) {
  Tensor d = diagonal(x, offset, axis1, axis2);
  return sum(d, Ints{d.rank() - 1}, dtype);
}

Tensor indices(const Ints& shape, DType dtype) {
  check_shape(shape, "indices");
  std::vector<Tensor> grids;
  for (size_t i = 0; i < shape.size(); ++i) {
    Ints s = shape;
    s.insert(s.begin(), 1);
    grids.push_back(lax::iota(dtype, s, int64_t(i) + 1));
  }
  if (grids.empty()) return lax::iota(dtype, {0}, 0);
  return lax::concatenate(grids, 0);
}

}  // namespace ember::frontend::np
