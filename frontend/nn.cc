// ember.nn's functions as compositions of the NumPy op library (frontend/nn.h).
#include "frontend/nn.h"

#include <cmath>
#include <numbers>

#include "frontend/numpy_internal.h"

namespace ember::frontend::nn {

using namespace np;
using np::detail::scalar_like;
using np::detail::to_inexact;

namespace {
Tensor weak(double v) { return scalar_tensor(ir::DType::F64, v, true); }
}  // namespace

Tensor relu(const Tensor& x) { return np::maximum(x, scalar_tensor_int(ir::DType::I64, 0, true)); }

Tensor relu6(const Tensor& x) {
  return np::minimum(np::maximum(x, scalar_tensor_int(ir::DType::I64, 0, true)),
                     scalar_tensor_int(ir::DType::I64, 6, true));
}

Tensor sigmoid(const Tensor& x) { return lax::unary(ir::Prim::Logistic, to_inexact(x)); }

Tensor softplus(const Tensor& x0) {
  Tensor x = to_inexact(x0);
  // max(x, 0) + log1p(exp(-|x|)): exp never overflows.
  return add(np::maximum(x, weak(0)), log1p(exp(negative(absolute(x)))));
}

Tensor log_sigmoid(const Tensor& x) { return negative(softplus(negative(to_inexact(x)))); }

Tensor silu(const Tensor& x0) {
  Tensor x = to_inexact(x0);
  return multiply(x, sigmoid(x));
}

Tensor gelu(const Tensor& x0, bool approximate) {
  Tensor x = to_inexact(x0);
  if (approximate) {
    // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
    Tensor inner = multiply(weak(std::sqrt(2.0 / std::numbers::pi)),
                            add(x, multiply(weak(0.044715), lax::integer_pow(x, 3))));
    return multiply(multiply(weak(0.5), x), add(weak(1.0), tanh(inner)));
  }
  Tensor e = lax::unary(ir::Prim::Erf, multiply(x, weak(1.0 / std::numbers::sqrt2)));
  return multiply(multiply(weak(0.5), x), add(weak(1.0), e));
}

Tensor elu(const Tensor& x0, double alpha) {
  Tensor x = to_inexact(x0);
  // expm1 of min(x, 0): the branch not taken never overflows.
  Tensor neg = multiply(weak(alpha), expm1(np::minimum(x, weak(0))));
  return where(greater(x, weak(0)), x, neg);
}

Tensor leaky_relu(const Tensor& x0, double negative_slope) {
  Tensor x = to_inexact(x0);
  return where(greater_equal(x, weak(0)), x, multiply(weak(negative_slope), x));
}

Tensor softmax(const Tensor& x0, const Axes& axis) {
  Tensor x = to_inexact(x0);
  Tensor unnormalized = exp(subtract(x, np::max(x, axis, true)));
  return true_divide(unnormalized, sum(unnormalized, axis, {}, true));
}

Tensor log_softmax(const Tensor& x0, const Axes& axis) {
  Tensor x = to_inexact(x0);
  Tensor shifted = subtract(x, np::max(x, axis, true));
  return subtract(shifted, log(sum(exp(shifted), axis, {}, true)));
}

std::pair<Tensor, Tensor> logsumexp(const Tensor& a0, const Axes& axis, bool keepdims,
                                    const std::optional<Tensor>& b0, bool return_sign) {
  Tensor a = to_inexact(a0);
  std::optional<Tensor> b;
  if (b0) {
    std::vector<Tensor> ab = broadcast_arrays(std::vector<Tensor>{a, *b0});
    a = ab[0];
    b = ab[1];
    // Terms with b == 0 take no part, not even in the maximum (as scipy).
    a = where(equal(*b, weak(0)), weak(-INFINITY), a);
  }
  Tensor m = np::max(a, axis, true);
  m = where(isfinite(m), m, scalar_like(m, 0));
  Tensor t = exp(subtract(a, m));
  if (b) t = multiply(*b, t);
  Tensor s = sum(t, axis, {}, true);
  Tensor sign;
  if (return_sign) {
    sign = np::sign(s);
    s = absolute(s);
  }
  Tensor out = add(log(s), m);
  if (!keepdims) {
    Ints axes = normalize_axes(axis, a.rank(), "logsumexp");
    out = squeeze(out, axes);
    if (return_sign) sign = squeeze(sign, axes);
  }
  return {out, sign};
}

Tensor one_hot(const Tensor& x0, int64_t num_classes, ir::DType dtype, int64_t axis) {
  Tensor x = np::detail::canonical(x0);
  if (!ir::is_int(x.dtype()) && x.dtype() != ir::DType::Bool)
    throw make_error(ErrorKind::Type, "one_hot", "expected integer classes, got ", ir::to_string(x.type()));
  if (num_classes < 0)
    throw make_error(ErrorKind::Value, "one_hot", "expected a non-negative num_classes, got ", num_classes);
  int64_t a = normalize_axis(axis, x.rank() + 1, "one_hot");
  Ints shape = np::detail::dims(x);
  shape.insert(shape.begin() + a, num_classes);
  Ints bd;
  for (int i = 0; i < x.rank(); ++i) bd.push_back(i < a ? i : i + 1);
  Tensor xi = lax::convert_element_type(x, ir::DType::I64);
  Tensor classes = lax::iota(ir::DType::I64, shape, a);
  return astype(lax::binary(ir::Prim::Eq, lax::broadcast_in_dim(xi, shape, bd), classes), dtype, "one_hot");
}

Tensor standardize(const Tensor& x0, const Axes& axis, const std::optional<Tensor>& mean,
                   const std::optional<Tensor>& variance, double epsilon) {
  Tensor x = to_inexact(x0);
  Tensor m = mean ? *mean : np::mean(x, axis, {}, true);
  Tensor v = variance ? *variance : np::var(x, axis, {}, 0, true);
  return multiply(subtract(x, m), lax::unary(ir::Prim::Rsqrt, to_inexact(add(v, weak(epsilon)))));
}

}  // namespace ember::frontend::nn
