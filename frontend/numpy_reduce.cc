// Reductions of the NumPy op library: axis/keepdims/dtype conventions on top of the reduce primitives.
#include <cmath>

#include "frontend/numpy.h"

namespace ember::frontend::np {

using ir::DType;
using ir::Prim;

namespace {

// Re-inserts reduced axes as size-1 dimensions.
Tensor keep_dims(const Tensor& reduced, const ir::Shape& in_shape, const Ints& axes) {
  Ints shape;
  for (size_t i = 0; i < in_shape.size(); ++i)
    shape.push_back(std::find(axes.begin(), axes.end(), int64_t(i)) != axes.end() ? 1 : in_shape[i]);
  return lax::reshape(reduced, shape);
}

Tensor finish(const Tensor& reduced, const Tensor& x, const Ints& axes, bool keepdims) {
  return keepdims ? keep_dims(reduced, x.shape(), axes) : reduced;
}

// NumPy accumulates bool and small integers in the platform integer (int64 / uint64).
DType sum_dtype(DType d) {
  if (ir::is_bool(d) || ir::is_signed_int(d)) return DType::I64;
  if (ir::is_unsigned_int(d)) return DType::U64;
  return d;
}

int64_t count(const Tensor& x, const Ints& axes) {
  int64_t n = 1;
  for (int64_t a : axes) n *= x.shape()[size_t(a)];
  return n;
}

Tensor canonical(const Tensor& x) {
  return x.weak() ? lax::convert_element_type(x, canonical_weak_dtype(x.dtype()), true) : x;
}

Tensor arithmetic_reduction(Prim p, const Tensor& x0, const Axes& axis, OptDType dtype, bool keepdims,
                            std::string_view op) {
  Tensor x = canonical(x0);
  Ints axes = normalize_axes(axis, x.rank(), op);
  DType out = dtype ? *dtype : sum_dtype(x.dtype());
  Tensor converted = astype(x, out, op);
  // Half-precision sums accumulate in float32 inside the kernel; the result keeps the requested dtype.
  return finish(lax::reduce(p, converted, axes), x, axes, keepdims);
}

Tensor extremum(Prim p, const Tensor& x0, const Axes& axis, bool keepdims, std::string_view op) {
  Tensor x = canonical(x0);
  Ints axes = normalize_axes(axis, x.rank(), op);
  for (int64_t a : axes)
    if (x.shape()[size_t(a)] == 0)
      throw make_error(ErrorKind::Value, op, "expected a non-empty reduced axis (", op,
                       " has no identity), got ", ir::to_string(x.type()), " reduced over axis ", a);
  if (ir::is_complex(x.dtype()))
    throw make_error(ErrorKind::Type, op, "expected a real operand, got ", ir::to_string(x.type()));
  return finish(lax::reduce(p, x, axes), x, axes, keepdims);
}

Tensor to_bool(const Tensor& x) {
  if (x.dtype() == DType::Bool) return x;
  Tensor zero = lax::broadcast_scalar(lax::full_like_scalar(x, 0.0), x.shape());
  return lax::binary(Prim::Ne, x, zero);
}

Tensor arg_extremum(Prim p, const Tensor& x0, std::optional<int64_t> axis, bool keepdims, std::string_view op) {
  Tensor x = canonical(x0);
  if (ir::is_complex(x.dtype()))
    throw make_error(ErrorKind::Type, op, "expected a real operand, got ", ir::to_string(x.type()));
  if (!axis) {
    if (x.numel() == 0)
      throw make_error(ErrorKind::Value, op, "expected a non-empty array, got ", ir::to_string(x.type()));
    Tensor flat = lax::reshape(x, {x.numel()});
    Tensor r = lax::argminmax(p, flat, 0, DType::I64);
    return keepdims ? lax::reshape(r, Ints(size_t(x.rank()), 1)) : r;
  }
  int64_t a = normalize_axis(*axis, x.rank(), op);
  if (x.shape()[size_t(a)] == 0)
    throw make_error(ErrorKind::Value, op, "expected a non-empty reduced axis, got ", ir::to_string(x.type()),
                     " reduced over axis ", a);
  Tensor r = lax::argminmax(p, x, a, DType::I64);
  return finish(r, x, {a}, keepdims);
}

}  // namespace

Tensor sum(const Tensor& x, const Axes& axis, OptDType dtype, bool keepdims) {
  return arithmetic_reduction(Prim::ReduceSum, x, axis, dtype, keepdims, "sum");
}

Tensor prod(const Tensor& x, const Axes& axis, OptDType dtype, bool keepdims) {
  return arithmetic_reduction(Prim::ReduceProd, x, axis, dtype, keepdims, "prod");
}

Tensor mean(const Tensor& x0, const Axes& axis, OptDType dtype, bool keepdims) {
  Tensor x = canonical(x0);
  Ints axes = normalize_axes(axis, x.rank(), "mean");
  DType out = dtype ? *dtype : default_float_for(x.dtype());
  Tensor s = lax::reduce(Prim::ReduceSum, astype(x, out, "mean"), axes);
  Tensor n = lax::broadcast_scalar(lax::full_like_scalar(s, double(count(x, axes))), s.shape());
  return finish(lax::binary(Prim::Div, s, n), x, axes, keepdims);
}

Tensor var(const Tensor& x0, const Axes& axis, OptDType dtype, int64_t ddof, bool keepdims) {
  Tensor x = canonical(x0);
  Ints axes = normalize_axes(axis, x.rank(), "var");
  DType compute = dtype ? *dtype : default_float_for(x.dtype());
  Tensor xc = astype(x, compute, "var");
  Tensor centered = subtract(xc, mean(xc, axes, compute, true));
  // |x - mean|^2, real-valued for complex input as in NumPy.
  Tensor sq = ir::is_complex(compute)
                  ? add(square(real(centered)), square(imag(centered)))
                  : lax::binary(Prim::Mul, centered, centered);
  Tensor s = lax::reduce(Prim::ReduceSum, sq, axes);
  double n = double(count(x, axes) - ddof);
  Tensor denom = lax::broadcast_scalar(lax::full_like_scalar(s, n > 0 ? n : 0.0), s.shape());
  return finish(lax::binary(Prim::Div, s, denom), x, axes, keepdims);
}

Tensor std(const Tensor& x, const Axes& axis, OptDType dtype, int64_t ddof, bool keepdims) {
  return sqrt(var(x, axis, dtype, ddof, keepdims));
}

Tensor max(const Tensor& x, const Axes& axis, bool keepdims) {
  return extremum(Prim::ReduceMax, x, axis, keepdims, "max");
}
Tensor min(const Tensor& x, const Axes& axis, bool keepdims) {
  return extremum(Prim::ReduceMin, x, axis, keepdims, "min");
}

Tensor any(const Tensor& x, const Axes& axis, bool keepdims) {
  Ints axes = normalize_axes(axis, x.rank(), "any");
  return finish(lax::reduce(Prim::ReduceOr, to_bool(x), axes), x, axes, keepdims);
}
Tensor all(const Tensor& x, const Axes& axis, bool keepdims) {
  Ints axes = normalize_axes(axis, x.rank(), "all");
  return finish(lax::reduce(Prim::ReduceAnd, to_bool(x), axes), x, axes, keepdims);
}

Tensor argmax(const Tensor& x, std::optional<int64_t> axis, bool keepdims) {
  return arg_extremum(Prim::Argmax, x, axis, keepdims, "argmax");
}
Tensor argmin(const Tensor& x, std::optional<int64_t> axis, bool keepdims) {
  return arg_extremum(Prim::Argmin, x, axis, keepdims, "argmin");
}

}  // namespace ember::frontend::np
