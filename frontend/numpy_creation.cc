// Array creation of the NumPy op library. Under a trace these become iota/broadcast ops, not constants.
#include <cmath>

#include "frontend/numpy.h"

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
