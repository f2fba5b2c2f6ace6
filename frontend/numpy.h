// ember's NumPy-compatible op library (the C++ side of `ember.numpy`): compositions of primitives with
// NumPy's names, type promotion (weak Python scalars as JAX), broadcasting and argument conventions.
// C++ users get the same functions. Every function works on concrete and traced tensors alike.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "frontend/lax.h"
#include "frontend/promotion.h"

namespace ember::frontend::np {

using Ints = std::vector<int64_t>;
using Axes = std::optional<Ints>;  // nullopt: every axis (NumPy's axis=None)
using OptDType = std::optional<ir::DType>;

// ---- conversion and broadcasting ----
// Converts to dtype; a concrete weak Python integer that does not fit raises OverflowError (as NumPy 2).
Tensor astype(const Tensor& x, ir::DType dtype, std::string_view op = "astype");
ir::Shape broadcast_shapes(const ir::Shape& a, const ir::Shape& b, std::string_view op = "broadcast_shapes");
Tensor broadcast_to(const Tensor& x, const ir::Shape& shape, std::string_view op = "broadcast_to");
// Promotes to a common dtype and broadcasts to a common shape.
std::vector<Tensor> promote_and_broadcast(std::span<const Tensor> xs, std::string_view op);
// Normalises a possibly negative axis; AxisError (ValueError) otherwise.
int64_t normalize_axis(int64_t axis, int rank, std::string_view op);
Ints normalize_axes(const Axes& axes, int rank, std::string_view op);

// ---- elementwise, one argument ----
Tensor negative(const Tensor& x);
Tensor positive(const Tensor& x);
Tensor absolute(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor trunc(const Tensor& x);
Tensor rint(const Tensor& x);
Tensor round(const Tensor& x, int64_t decimals = 0);
Tensor exp(const Tensor& x);
Tensor exp2(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log2(const Tensor& x);
Tensor log10(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor cbrt(const Tensor& x);
Tensor square(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor tan(const Tensor& x);
Tensor arcsin(const Tensor& x);
Tensor arccos(const Tensor& x);
Tensor arctan(const Tensor& x);
Tensor sinh(const Tensor& x);
Tensor cosh(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor arcsinh(const Tensor& x);
Tensor arccosh(const Tensor& x);
Tensor arctanh(const Tensor& x);
Tensor isfinite(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor isnan(const Tensor& x);
Tensor logical_not(const Tensor& x);
Tensor invert(const Tensor& x);
Tensor real(const Tensor& x);
Tensor imag(const Tensor& x);
Tensor conjugate(const Tensor& x);

// ---- elementwise, two arguments (broadcasting) ----
Tensor add(const Tensor& a, const Tensor& b);
Tensor subtract(const Tensor& a, const Tensor& b);
Tensor multiply(const Tensor& a, const Tensor& b);
Tensor true_divide(const Tensor& a, const Tensor& b);
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);
Tensor power(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor fmax(const Tensor& a, const Tensor& b);
Tensor fmin(const Tensor& a, const Tensor& b);
Tensor arctan2(const Tensor& a, const Tensor& b);
Tensor nextafter(const Tensor& a, const Tensor& b);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor bitwise_and(const Tensor& a, const Tensor& b);
Tensor bitwise_or(const Tensor& a, const Tensor& b);
Tensor bitwise_xor(const Tensor& a, const Tensor& b);
Tensor left_shift(const Tensor& a, const Tensor& b);
Tensor right_shift(const Tensor& a, const Tensor& b);
Tensor equal(const Tensor& a, const Tensor& b);
Tensor not_equal(const Tensor& a, const Tensor& b);
Tensor less(const Tensor& a, const Tensor& b);
Tensor less_equal(const Tensor& a, const Tensor& b);
Tensor greater(const Tensor& a, const Tensor& b);
Tensor greater_equal(const Tensor& a, const Tensor& b);

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y);
Tensor clip(const Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi);

// ---- reductions ----
Tensor sum(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor prod(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor mean(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor var(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, int64_t ddof = 0, bool keepdims = false);
Tensor std(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, int64_t ddof = 0, bool keepdims = false);
Tensor max(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor min(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor any(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor all(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor argmax(const Tensor& x, std::optional<int64_t> axis = {}, bool keepdims = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> axis = {}, bool keepdims = false);

// ---- shapes ----
Tensor reshape(const Tensor& x, const Ints& shape);  // one entry may be -1
Tensor ravel(const Tensor& x);
Tensor transpose(const Tensor& x, const std::optional<Ints>& axes = {});
Tensor swapaxes(const Tensor& x, int64_t a, int64_t b);
Tensor moveaxis(const Tensor& x, const Ints& source, const Ints& destination);
Tensor expand_dims(const Tensor& x, const Ints& axis);
Tensor squeeze(const Tensor& x, const Axes& axis = {});
Tensor concatenate(std::span<const Tensor> xs, std::optional<int64_t> axis = 0);
Tensor stack(std::span<const Tensor> xs, int64_t axis = 0);

// ---- products ----
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor dot(const Tensor& a, const Tensor& b);

// ---- creation ----
Tensor full(const Ints& shape, const Tensor& fill_value, OptDType dtype = {});
Tensor zeros(const Ints& shape, ir::DType dtype = kDefaultFloat);
Tensor ones(const Ints& shape, ir::DType dtype = kDefaultFloat);
Tensor arange(double start, double stop, double step, OptDType dtype, bool integer_args);
Tensor linspace(double start, double stop, int64_t num, bool endpoint, OptDType dtype);
Tensor eye(int64_t n, std::optional<int64_t> m, int64_t k, ir::DType dtype);

// ---- basic indexing (x[...] with integers, slices, Ellipsis and None) ----
struct IndexItem {
  enum class Kind { Integer, Slice, Ellipsis, NewAxis } kind = Kind::Integer;
  int64_t index = 0;                         // Integer
  std::optional<int64_t> start, stop, step;  // Slice (Python semantics)
};
Tensor getitem(const Tensor& x, const std::vector<IndexItem>& index);

}  // namespace ember::frontend::np
