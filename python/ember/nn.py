"""ember.nn: activation functions, softmax, logsumexp, one_hot and standardize, with jax.nn's names and
defaults. Each is a numerically stable composition in the C++ op library (frontend/nn.h), so it works eagerly
and under jit alike.

>>> import ember.nn as nn, ember.numpy as enp
>>> nn.softmax(enp.asarray([0.0, 0.0])).tolist()
[0.5, 0.5]
"""

from __future__ import annotations

from . import _core
from . import numpy as _enp

_nn = _core.nn

__all__ = ["relu", "relu6", "gelu", "silu", "swish", "softplus", "sigmoid", "log_sigmoid", "elu", "leaky_relu",
           "softmax", "log_softmax", "logsumexp", "one_hot", "standardize"]


def relu(x):
    """max(x, 0).

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.relu(enp.asarray([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """
    return _nn.relu(x)


def relu6(x):
    """min(max(x, 0), 6).

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.relu6(enp.asarray([-1.0, 2.0, 7.0])).tolist()
    [0.0, 2.0, 6.0]
    """
    return _nn.relu6(x)


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)).

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.sigmoid(enp.asarray([0.0])).tolist()
    [0.5]
    """
    return _nn.sigmoid(x)


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), without overflow.

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.log_sigmoid(enp.asarray([-1000.0])).tolist()
    [-1000.0]
    """
    return _nn.log_sigmoid(x)


def softplus(x):
    """log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)): no overflow for large x.

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.softplus(enp.asarray([1000.0, -1000.0])).tolist()
    [1000.0, 0.0]
    """
    return _nn.softplus(x)


def silu(x):
    """x * sigmoid(x) (also called swish).

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.silu(enp.asarray([0.0])).tolist()
    [0.0]
    """
    return _nn.silu(x)


swish = silu


def gelu(x, approximate: bool = True):
    """The Gaussian error linear unit: x * Phi(x) exactly (approximate=False, through erf) or by the tanh
    approximation (approximate=True, jax.nn's default).

    >>> import ember.nn as nn, ember.numpy as enp
    >>> round(float(nn.gelu(enp.asarray(1.0), approximate=False)), 5)
    0.84134
    """
    return _nn.gelu(x, bool(approximate))


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise.

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.elu(enp.asarray([1.0, 0.0])).tolist()
    [1.0, 0.0]
    """
    return _nn.elu(x, float(alpha))


def leaky_relu(x, negative_slope=0.01):
    """x for x >= 0, negative_slope * x otherwise.

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.leaky_relu(enp.asarray([-2.0, 3.0]), negative_slope=0.5).tolist()
    [-1.0, 3.0]
    """
    return _nn.leaky_relu(x, float(negative_slope))


def softmax(x, axis=-1, where=None, initial=None):
    """exp(x - max) / sum over `axis` (an int or a tuple), stable for large inputs.

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.softmax(enp.asarray([1000.0, 1000.0])).tolist()
    [0.5, 0.5]
    """
    if where is not None:
        raise NotImplementedError("[softmax] expected where=None")
    return _nn.softmax(x, _enp._axis(axis))


def log_softmax(x, axis=-1, where=None, initial=None):
    """x - logsumexp(x) over `axis`, stable for large inputs.

    >>> import ember.nn as nn, ember.numpy as enp
    >>> [round(v, 4) for v in nn.log_softmax(enp.asarray([0.0, 0.0])).tolist()]
    [-0.6931, -0.6931]
    """
    if where is not None:
        raise NotImplementedError("[log_softmax] expected where=None")
    return _nn.log_softmax(x, _enp._axis(axis))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """log(sum(b * exp(a))) over `axis`, as scipy.special.logsumexp: the maximum is shifted out (infinities
    handled), entries with b == 0 are ignored, and with return_sign the result is (log|s|, sign(s)).

    >>> import ember.nn as nn, ember.numpy as enp
    >>> round(float(nn.logsumexp(enp.asarray([1000.0, 1000.0])) - 1000.0), 3)
    0.693
    """
    if where is not None:
        raise NotImplementedError("[logsumexp] expected where=None")
    r = _nn.logsumexp(a, _enp._axis(axis), bool(keepdims), b, bool(return_sign))
    return tuple(r) if return_sign else r


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """One-hot encoding of integer classes along `axis` (a new dimension; out-of-range classes give zeros).

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.one_hot(enp.asarray([0, 2]), 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return _nn.one_hot(x, int(num_classes), dtype if dtype is not None else _enp.float32, int(axis))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None):
    """(x - mean) / sqrt(variance + epsilon), the statistics over `axis` unless given.

    >>> import ember.nn as nn, ember.numpy as enp
    >>> nn.standardize(enp.asarray([1.0, 3.0]), epsilon=0.0).tolist()
    [-1.0, 1.0]
    """
    if where is not None:
        raise NotImplementedError("[standardize] expected where=None")
    return _nn.standardize(x, _enp._axis(axis), mean, variance, float(epsilon))
