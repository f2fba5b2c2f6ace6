// Reductions of the NumPy op library: axis/keepdims/dtype conventions on top of the reduce primitives.
#include <cmath>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using ir::DType;
using ir::Prim;
using namespace detail;

namespace {

Tensor finish(const Tensor& reduced, const Tensor& x, const Ints& axes, bool keepdims) {
  return keepdims ? keep_dims(reduced, x.shape(), axes) : reduced;
}

int64_t count(const Tensor& x, const Ints& axes) {
  int64_t n = 1;
  for (int64_t a : axes) n *= x.shape()[size_t(a)];
  return n;
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

Tensor arg_extremum(Prim p, const Tensor& x0, std::optional<int64_t> axis, bool keepdims,
                    std::string_view op) {
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
  Tensor sq = ir::is_complex(compute) ? add(square(real(centered)), square(imag(centered)))
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

// ---- more reductions ----

namespace ember::frontend::np {

Tensor ptp(const Tensor& x, const Axes& axis, bool keepdims) {
  Tensor c = canonical(x);
  if (c.dtype() == DType::Bool)
    throw make_error(ErrorKind::Type, "ptp", "expected a numeric operand, got ", ir::to_string(c.type()));
  return renamed("ptp", [&] { return subtract(max(c, axis, keepdims), min(c, axis, keepdims)); });
}

Tensor count_nonzero(const Tensor& x, const Axes& axis, bool keepdims) {
  return sum(to_bool(canonical(x)), axis, DType::I64, keepdims);
}

std::pair<Tensor, Tensor> average(const Tensor& x0, const Axes& axis, const std::optional<Tensor>& weights,
                                  bool keepdims) {
  Tensor x = canonical(x0);
  Ints axes = normalize_axes(axis, x.rank(), "average");
  if (!weights) {
    Tensor avg = mean(x, axis, {}, keepdims);
    double n = double(count_along(x.shape(), axes));
    return {avg, lax::broadcast_scalar(lax::convert_element_type(scalar_tensor(DType::F64, n), avg.dtype()),
                                       avg.shape())};
  }
  Tensor w = canonical(*weights);
  if (!(w.shape() == x.shape())) {
    // NumPy: 1-d weights along a single axis.
    if (!axis || axis->size() != 1)
      throw make_error(ErrorKind::Type, "average", "expected an axis for weights of shape ",
                       ir::shape_to_string(w.shape()), " that differ from the array's ",
                       ir::shape_to_string(x.shape()));
    if (w.rank() != 1 || w.shape()[0] != x.shape()[size_t(axes[0])])
      throw make_error(ErrorKind::Value, "average", "expected 1-d weights of the length of axis ", axes[0],
                       ", got ", ir::to_string(w.type()));
    Ints shape(size_t(x.rank()), 1);
    shape[size_t(axes[0])] = w.shape()[0];
    w = broadcast_to(lax::reshape(w, shape), x.shape(), "average");
  }
  Tensor pair[2] = {x, w};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  DType d = default_float_for(pt.dtype);
  Tensor xc = astype(x, d, "average"), wc = astype(w, d, "average");
  Tensor wsum = sum(wc, axis, {}, keepdims);
  Tensor avg = true_divide(sum(multiply(xc, wc), axis, {}, keepdims), wsum);
  return {avg, broadcast_to(wsum, avg.shape(), "average")};
}

static Tensor cumulative_impl(Prim p, const Tensor& x0, std::optional<int64_t> axis, OptDType dtype,
                              std::string_view op) {
  Tensor x = canonical(x0);
  if (!axis) x = ravel(x);
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), op);
  DType d = dtype ? *dtype : sum_dtype(x.dtype());
  if (d == DType::Bool) d = DType::I64;
  Tensor c = astype(x, d, op);
  if (c.numel() == 0) return c;
  return lax::cumulative(p, c, a, false);
}

Tensor cumsum(const Tensor& x, std::optional<int64_t> axis, OptDType dtype) {
  return cumulative_impl(Prim::Cumsum, x, axis, dtype, "cumsum");
}
Tensor cumprod(const Tensor& x, std::optional<int64_t> axis, OptDType dtype) {
  return cumulative_impl(Prim::Cumprod, x, axis, dtype, "cumprod");
}

static Tensor cumulative_api(Prim p, const Tensor& x0, std::optional<int64_t> axis, OptDType dtype,
                             bool include_initial, std::string_view op) {
  Tensor x = canonical(x0);
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, op, "expected an array of rank >= 1, got ", ir::to_string(x.type()));
  if (!axis && x.rank() != 1)
    throw make_error(ErrorKind::Value, op, "expected an axis for an array of rank > 1, got ",
                     ir::to_string(x.type()));
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), op);
  Tensor r = cumulative_impl(p, x, a, dtype, op);
  if (!include_initial) return r;
  Ints low(size_t(r.rank()), 0), high(size_t(r.rank()), 0), interior(size_t(r.rank()), 0);
  low[size_t(a)] = 1;
  Tensor identity =
      lax::convert_element_type(lax::full_like_scalar(r, p == Prim::Cumsum ? 0.0 : 1.0), r.dtype(), false);
  return lax::pad(r, identity, low, high, interior);
}

Tensor cumulative_sum(const Tensor& x, std::optional<int64_t> axis, OptDType dtype, bool include_initial) {
  return cumulative_api(Prim::Cumsum, x, axis, dtype, include_initial, "cumulative_sum");
}
Tensor cumulative_prod(const Tensor& x, std::optional<int64_t> axis, OptDType dtype, bool include_initial) {
  return cumulative_api(Prim::Cumprod, x, axis, dtype, include_initial, "cumulative_prod");
}

}  // namespace ember::frontend::np
