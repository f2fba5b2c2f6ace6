// NaN-ignoring reductions (nansum, nanmean, nanmax, nanargmax, ...): NaNs are replaced by the reduction's
// identity, and counts exclude them. Integer and bool inputs have no NaNs and reduce as usual.
#include <cmath>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

Tensor replace_nan(const Tensor& x, double v) {
  if (!ir::is_inexact(x.dtype())) return x;
  return lax::select(isnan(x), scalar_like(x, v), x);
}

Tensor not_nan(const Tensor& x) { return lax::unary(Prim::Not, isnan(x)); }

Tensor nan_extremum(const Tensor& x0, const Axes& axis, bool keepdims, bool is_max) {
  Tensor x = canonical(x0);
  if (!ir::is_float(x.dtype())) return is_max ? max(x, axis, keepdims) : min(x, axis, keepdims);
  Tensor filled = replace_nan(x, is_max ? -INFINITY : INFINITY);
  Tensor r = is_max ? max(filled, axis, keepdims) : min(filled, axis, keepdims);
  // An all-NaN slice gives NaN.
  Tensor all_nan = all(isnan(x), axis, keepdims);
  return lax::select(all_nan, scalar_like(r, NAN), r);
}

Tensor nan_arg(const Tensor& x0, std::optional<int64_t> axis, bool keepdims, bool is_max,
               std::string_view op) {
  Tensor x = canonical(x0);
  if (!ir::is_float(x.dtype())) return is_max ? argmax(x, axis, keepdims) : argmin(x, axis, keepdims);
  Tensor filled = replace_nan(x, is_max ? -INFINITY : INFINITY);
  Tensor r = is_max ? argmax(filled, axis, keepdims) : argmin(filled, axis, keepdims);
  Tensor all_nan = axis ? all(isnan(x), Ints{*axis}, keepdims) : all(isnan(x));
  if (keepdims && !axis) all_nan = lax::reshape(all_nan, Ints(size_t(x.rank()), 1));
  if (all_nan.is_concrete() && any(all_nan).is_concrete() && concrete_int(any(all_nan), op))
    throw make_error(ErrorKind::Value, op, "expected a slice with a non-NaN value, got an all-NaN slice");
  // Under a trace an all-NaN slice gives -1 (as JAX).
  return lax::select(all_nan, scalar_like(r, -1), r);
}

Tensor nan_count(const Tensor& x, const Axes& axis, bool keepdims, DType d) {
  return sum(not_nan(x), axis, d, keepdims);
}

}  // namespace

Tensor nansum(const Tensor& x, const Axes& axis, OptDType dtype, bool keepdims) {
  return sum(replace_nan(canonical(x), 0), axis, dtype, keepdims);
}

Tensor nanprod(const Tensor& x, const Axes& axis, OptDType dtype, bool keepdims) {
  return prod(replace_nan(canonical(x), 1), axis, dtype, keepdims);
}

Tensor nanmean(const Tensor& x0, const Axes& axis, OptDType dtype, bool keepdims) {
  Tensor x = canonical(x0);
  if (!ir::is_inexact(x.dtype())) return mean(x, axis, dtype, keepdims);
  DType d = dtype.value_or(x.dtype());
  Tensor s = sum(replace_nan(x, 0), axis, d, keepdims);
  Tensor n = nan_count(x, axis, keepdims, ir::real_dtype(d));
  return true_divide(s, lax::convert_element_type(n, d));
}

Tensor nanvar(const Tensor& x0, const Axes& axis, OptDType dtype, int64_t ddof, bool keepdims) {
  Tensor x = canonical(x0);
  if (!ir::is_inexact(x.dtype())) return var(x, axis, dtype, ddof, keepdims);
  DType d = dtype.value_or(x.dtype());
  Tensor xc = astype(x, d, "nanvar");
  Tensor m = nanmean(xc, axis, d, true);
  // Only the missing entries drop out (inf - inf stays NaN, as NumPy).
  Tensor centered = lax::select(isnan(xc), scalar_like(xc, 0), subtract(xc, m));
  Tensor sq =
      ir::is_complex(d) ? add(square(real(centered)), square(imag(centered))) : multiply(centered, centered);
  Tensor s = sum(sq, axis, {}, keepdims);
  Tensor cnt = lax::convert_element_type(nan_count(x, axis, keepdims, DType::I64), s.dtype());
  Tensor dof = lax::binary(Prim::Sub, cnt, scalar_like(cnt, double(ddof)));
  // No degrees of freedom left: NaN (as NumPy).
  Tensor r = true_divide(s, dof);
  return lax::select(lax::binary(Prim::Le, dof, scalar_like(dof, 0)), scalar_like(r, NAN), r);
}

Tensor nanstd(const Tensor& x, const Axes& axis, OptDType dtype, int64_t ddof, bool keepdims) {
  return sqrt(nanvar(x, axis, dtype, ddof, keepdims));
}

Tensor nanmax(const Tensor& x, const Axes& axis, bool keepdims) {
  return nan_extremum(x, axis, keepdims, true);
}
Tensor nanmin(const Tensor& x, const Axes& axis, bool keepdims) {
  return nan_extremum(x, axis, keepdims, false);
}

Tensor nanargmax(const Tensor& x, std::optional<int64_t> axis, bool keepdims) {
  return nan_arg(x, axis, keepdims, true, "nanargmax");
}
Tensor nanargmin(const Tensor& x, std::optional<int64_t> axis, bool keepdims) {
  return nan_arg(x, axis, keepdims, false, "nanargmin");
}

Tensor nancumsum(const Tensor& x, std::optional<int64_t> axis, OptDType dtype) {
  return cumsum(replace_nan(canonical(x), 0), axis, dtype);
}
Tensor nancumprod(const Tensor& x, std::optional<int64_t> axis, OptDType dtype) {
  return cumprod(replace_nan(canonical(x), 1), axis, dtype);
}

}  // namespace ember::frontend::np
