// ember.nn's functions (the C++ side): activations, softmax, logsumexp, one_hot and standardize, as
// numerically stable compositions of the NumPy op library. Names and defaults follow jax.nn.
#pragma once

#include <optional>

#include "frontend/numpy.h"

namespace ember::frontend::nn {

using np::Axes;
using np::OptDType;

Tensor relu(const Tensor& x);
Tensor relu6(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor log_sigmoid(const Tensor& x);
Tensor softplus(const Tensor& x);  // log(1 + exp(x)) without overflow
Tensor silu(const Tensor& x);      // x * sigmoid(x) (swish)
Tensor gelu(const Tensor& x, bool approximate = true);
Tensor elu(const Tensor& x, double alpha = 1.0);
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
// exp(x - max) / sum: a row of -inf gives NaN, as jax.nn.softmax and scipy.special.softmax.
Tensor softmax(const Tensor& x, const Axes& axis = np::Ints{-1});
Tensor log_softmax(const Tensor& x, const Axes& axis = np::Ints{-1});
// scipy.special.logsumexp: log(sum(b * exp(a))) with the max shifted out (-inf and +inf handled); with
// return_sign the result is log|.| and the sign comes second.
std::pair<Tensor, Tensor> logsumexp(const Tensor& a, const Axes& axis = {}, bool keepdims = false,
                                    const std::optional<Tensor>& b = {}, bool return_sign = false);
// Classes along `axis` (-1: a new last axis); out-of-range classes give all-zero rows.
Tensor one_hot(const Tensor& x, int64_t num_classes, ir::DType dtype = kDefaultFloat, int64_t axis = -1);
// (x - mean) / sqrt(variance + epsilon), with the mean and variance over `axis` unless given.
Tensor standardize(const Tensor& x, const Axes& axis = np::Ints{-1}, const std::optional<Tensor>& mean = {},
                   const std::optional<Tensor>& variance = {}, double epsilon = 1e-5);

}  // namespace ember::frontend::nn
