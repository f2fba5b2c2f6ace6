// Helpers shared by the op library's source files (not part of the public API): promotion of operands,
// scalar constants shaped like an operand, and small utilities for axes and dtypes.
#pragma once

#include <functional>
#include <string_view>
#include <utility>

#include "frontend/numpy.h"

namespace ember::frontend::np::detail {

using ir::DType;
using ir::Prim;

// Converts with the Python-integer overflow check of astype.
Tensor convert(const Tensor& x, DType dtype, bool weak, std::string_view op);
// A lone weak value takes its kind's default dtype (a Python float computes in float32).
Tensor canonical(const Tensor& x);
// Integers and bools become the default float (inputs of functions with inexact results).
Tensor to_inexact(const Tensor& x);
// x != 0 (bool stays bool).
Tensor to_bool(const Tensor& x);
// A constant of x's dtype (and weak flag) broadcast to x's shape.
Tensor scalar_like(const Tensor& x, double v);
// A constant of `dtype` broadcast to `shape`.
Tensor constant(DType dtype, double v, const ir::Shape& shape);
Tensor int_constant(DType dtype, int64_t v, const ir::Shape& shape);

// Operands promoted to one dtype (`force` overrides it) and broadcast to one shape.
std::pair<Tensor, Tensor> binary_operands(const Tensor& a, const Tensor& b, std::string_view op,
                                          std::optional<DType> force = {});
// As binary_operands, with integer/bool results turned into the default float.
std::pair<Tensor, Tensor> inexact_operands(const Tensor& a, const Tensor& b, std::string_view op);

// Runs `f` and reports a primitive's error under the NumPy name the user called.
template <typename F>
auto renamed(std::string_view op, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (Error& e) {
    throw Error(e.kind(), e.message(), std::string(op), e.location());
  }
}

// float16/bfloat16 compositions are carried out in float32 and rounded once (docs/semantics.md).
Tensor in_f32(const Tensor& x, const std::function<Tensor(const Tensor&)>& f);
DType compute_dtype(DType d);  // f16/bf16 -> f32; c64, f32, f64, c128 unchanged

// Unsigned integer dtype of the same width (floats: for bit manipulation).
DType unsigned_of_width(DType d);
DType signed_of_width(DType d);
// Mantissa bits (without the implicit bit) and exponent bias of a floating dtype.
int mantissa_bits(DType d);
int exponent_bias(DType d);

// Reduced axes re-inserted as size-1 dimensions.
Tensor keep_dims(const Tensor& reduced, const ir::Shape& in_shape, const Ints& axes);
int64_t count_along(const ir::Shape& shape, const Ints& axes);
Ints iota_ints(int64_t n, int64_t start = 0);
// `x` with `axis` moved to the end, and the permutation that undoes it.
Tensor move_to_end(const Tensor& x, int64_t axis);
Tensor move_from_end(const Tensor& x, int64_t axis);
// NumPy's ordering for sorting: a < b with NaN largest (complex by real, then imaginary part).
Tensor sort_less(const Tensor& a, const Tensor& b);
// The shape as a list of int64.
inline Ints dims(const Tensor& x) { return lax::to_ints(x.shape()); }
// x[start:stop:step] along one axis.
Tensor slice_axis(const Tensor& x, int64_t axis, int64_t start, int64_t stop, int64_t step = 1);
inline ir::Shape to_shape(const Ints& s) { return ir::Shape(s.begin(), s.end()); }
// The NumPy-style accumulation dtype of sum/prod: bool and small integers widen to int64/uint64.
DType sum_dtype(DType d);
// The values of a concrete integer tensor, in row-major order (the caller checked it is concrete).
std::vector<int64_t> concrete_ints(const Tensor& t, std::string_view op);
// Which entries of a concrete tensor are non-zero, read from its buffer without binding a primitive (so it
// also works on constants inside a trace).
std::vector<bool> concrete_nonzero(const Tensor& t, std::string_view op);
// The value of a concrete scalar (any dtype) as int64/double.
int64_t concrete_int(const Tensor& t, std::string_view op);
double concrete_double(const Tensor& t, std::string_view op);

}  // namespace ember::frontend::np::detail
