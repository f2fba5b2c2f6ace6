"""ember.lax: every primitive as a function, with JAX's `lax` names and signatures.

These are the strict building blocks: operands must already agree in dtype (and, for elementwise
primitives, in shape; Python scalars take the other operands' dtype and shape). Shape and dtype errors are
raised at call time, naming the primitive.

>>> import numpy as np, ember as em
>>> x = np.ones((2, 3), np.float32); w = np.ones((3, 4), np.float32)
>>> em.lax.dot_general(x, w, (([1], [0]), ([], []))).shape
(2, 4)
"""

from __future__ import annotations

import builtins as _builtins
import enum
from typing import Sequence

import numpy as _np

from . import _core

Array = _core.Array


def _bind1(name: str, *operands, **attrs):
    return _core.bind(name, operands, **attrs)[0]


def _dtype_of(x):
    return x.dtype if hasattr(x, "dtype") else _np.asarray(x).dtype


class RoundingMethod(enum.IntEnum):
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


_FLOAT_EXAMPLE = "np.array([0.5, 2.0], np.float32)"
_INT_EXAMPLE = "np.array([3, 12], np.int32)"
_COMPLEX_EXAMPLE = "np.array([1 + 2j, 3j], np.complex64)"


def _unary(name: str, doc: str, example: str = _FLOAT_EXAMPLE):
    def f(x):
        return _bind1(name, x)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"{doc}\n\n>>> import numpy as np, ember as em\n>>> em.lax.{name}({example}).shape\n(2,)\n"
    return f


def _binary(name: str, doc: str, example: str = _FLOAT_EXAMPLE, public: str | None = None):
    def f(x, y):
        return _bind1(name, x, y)

    public = public or name
    f.__name__ = f.__qualname__ = public
    f.__doc__ = (f"{doc}\n\n>>> import numpy as np, ember as em\n>>> em.lax.{public}({example}, {example}).shape\n"
                 "(2,)\n")
    return f


neg = _unary("neg", "Elementwise negation.")
abs = _unary("abs", "Elementwise absolute value (magnitude for complex, with a real result).")
sign = _unary("sign", "Elementwise sign.")
floor = _unary("floor", "Elementwise floor.")
ceil = _unary("ceil", "Elementwise ceiling.")
exp = _unary("exp", "Elementwise exponential.")
exp2 = _unary("exp2", "Elementwise base-2 exponential.")
expm1 = _unary("expm1", "Elementwise exp(x) - 1, accurate near 0.")
log = _unary("log", "Elementwise natural logarithm.")
log1p = _unary("log1p", "Elementwise log(1 + x), accurate near 0.")
sqrt = _unary("sqrt", "Elementwise square root.")
rsqrt = _unary("rsqrt", "Elementwise reciprocal square root.")
cbrt = _unary("cbrt", "Elementwise cube root.")
sin = _unary("sin", "Elementwise sine.")
cos = _unary("cos", "Elementwise cosine.")
tan = _unary("tan", "Elementwise tangent.")
asin = _unary("asin", "Elementwise arc sine.")
acos = _unary("acos", "Elementwise arc cosine.")
atan = _unary("atan", "Elementwise arc tangent.")
sinh = _unary("sinh", "Elementwise hyperbolic sine.")
cosh = _unary("cosh", "Elementwise hyperbolic cosine.")
tanh = _unary("tanh", "Elementwise hyperbolic tangent.")
asinh = _unary("asinh", "Elementwise inverse hyperbolic sine.")
acosh = _unary("acosh", "Elementwise inverse hyperbolic cosine.")
atanh = _unary("atanh", "Elementwise inverse hyperbolic tangent.")
logistic = _unary("logistic", "Elementwise logistic sigmoid 1 / (1 + exp(-x)).")
erf = _unary("erf", "Elementwise error function.")
erfc = _unary("erfc", "Elementwise complementary error function.")
is_finite = _unary("is_finite", "Elementwise test for finite values (bool result).")
real = _unary("real", "Real part of a complex array.", _COMPLEX_EXAMPLE)
imag = _unary("imag", "Imaginary part of a complex array.", _COMPLEX_EXAMPLE)
conj = _unary("conj", "Complex conjugate.", _COMPLEX_EXAMPLE)


def bitwise_not(x):
    """Elementwise logical (bool) or bitwise (integer) not.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.bitwise_not(np.array([True, False]))).tolist()
    [False, True]
    """
    return _bind1("not", x)


def round(x, rounding_method: int = RoundingMethod.AWAY_FROM_ZERO):
    """Elementwise rounding: halves away from zero (default) or to the nearest even.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.round(np.array([0.5, 1.5, -2.5], np.float32))).tolist()
    [1.0, 2.0, -3.0]
    """
    return _bind1("round", x, rounding_method=int(rounding_method))


def integer_pow(x, y: int):
    """x ** y for a static integer exponent y.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.integer_pow(np.array([2.0, 3.0], np.float32), 3)).tolist()
    [8.0, 27.0]
    """
    return _bind1("integer_pow", x, y=int(y))


add = _binary("add", "Elementwise addition.")
sub = _binary("sub", "Elementwise subtraction.")
mul = _binary("mul", "Elementwise multiplication.")
div = _binary("div", "Elementwise division (integer division truncates toward zero; x / 0 is 0 for integers).")
rem = _binary("rem", "Elementwise remainder with the sign of the dividend (C fmod / %).", _INT_EXAMPLE)
pow = _binary("pow", "Elementwise power x ** y.")
max = _binary("max", "Elementwise maximum (NaN propagates).")
min = _binary("min", "Elementwise minimum (NaN propagates).")
atan2 = _binary("atan2", "Elementwise arc tangent of x / y with the quadrant.")
nextafter = _binary("nextafter", "The next representable value after x toward y.")
bitwise_and = _binary("and", "Elementwise logical/bitwise and.", _INT_EXAMPLE, "bitwise_and")
bitwise_or = _binary("or", "Elementwise logical/bitwise or.", _INT_EXAMPLE, "bitwise_or")
bitwise_xor = _binary("xor", "Elementwise logical/bitwise exclusive or.", _INT_EXAMPLE, "bitwise_xor")
shift_left = _binary("shift_left", "Elementwise left shift (shifts >= the bit width give 0).", _INT_EXAMPLE)
shift_right_logical = _binary("shift_right_logical", "Elementwise logical right shift.", _INT_EXAMPLE)
shift_right_arithmetic = _binary("shift_right_arithmetic", "Elementwise arithmetic right shift (sign fill).", _INT_EXAMPLE)
eq = _binary("eq", "Elementwise ==.")
ne = _binary("ne", "Elementwise !=.")
lt = _binary("lt", "Elementwise <.")
le = _binary("le", "Elementwise <=.")
gt = _binary("gt", "Elementwise >.")
ge = _binary("ge", "Elementwise >=.")
complex = _binary("complex", "Builds x + i*y from two real arrays.")


def select(pred, on_true, on_false):
    """Elementwise choice: on_true where pred is True, else on_false.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.select(np.array([True, False]), np.array([1, 2]), np.array([3, 4]))).tolist()
    [1, 4]
    """
    return _bind1("select", pred, on_true, on_false)


def select_n(which, *cases):
    """JAX's select_n for a bool `which` and two cases (case 0 where which is False).

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.select_n(np.array([True, False]), np.array([1, 2]), np.array([3, 4]))).tolist()
    [3, 2]
    """
    if len(cases) != 2:
        raise NotImplementedError(f"[select_n] expected two cases, got {len(cases)}")
    return select(which, cases[1], cases[0])


def clamp(min, x, max):
    """Clamps x to [min, max] (scalar bounds or bounds shaped like x).

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.clamp(0.0, np.array([-1.0, 0.5, 2.0], np.float32), 1.0)).tolist()
    [0.0, 0.5, 1.0]
    """
    return _bind1("clamp", min, x, max)


def convert_element_type(operand, new_dtype):
    """Converts to `new_dtype` (floats to integers saturate; NaN converts to 0).

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.convert_element_type(np.array([1e10, np.nan], np.float32), np.int32)).tolist()
    [2147483647, 0]
    """
    return _bind1("convert_element_type", operand, new_dtype=new_dtype, weak_type=False)


def bitcast_convert_type(operand, new_dtype):
    """Reinterprets the bits as `new_dtype` (a smaller dtype adds a trailing dimension).

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.bitcast_convert_type(np.array([1.0], np.float32), np.int32)).tolist()
    [1065353216]
    """
    return _bind1("bitcast_convert_type", operand, new_dtype=new_dtype)


def broadcast_in_dim(operand, shape: Sequence[int], broadcast_dimensions: Sequence[int]):
    """Broadcasts `operand` to `shape`, its dimension i becoming dimension broadcast_dimensions[i].

    >>> import numpy as np, ember as em
    >>> em.lax.broadcast_in_dim(np.ones(3, np.float32), (2, 3), (1,)).shape
    (2, 3)
    """
    return _bind1("broadcast_in_dim", operand, shape=list(shape), broadcast_dimensions=list(broadcast_dimensions))


def broadcast(operand, sizes: Sequence[int]):
    """Adds leading dimensions of the given sizes.

    >>> import numpy as np, ember as em
    >>> em.lax.broadcast(np.ones(3, np.float32), (2,)).shape
    (2, 3)
    """
    operand_shape = _np.shape(operand)
    dims = list(range(len(sizes), len(sizes) + len(operand_shape)))
    return broadcast_in_dim(operand, tuple(sizes) + tuple(operand_shape), dims)


def reshape(operand, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None):
    """Reshapes (after transposing by `dimensions` when given).

    >>> import numpy as np, ember as em
    >>> em.lax.reshape(np.arange(6, dtype=np.float32), (2, 3)).shape
    (2, 3)
    """
    if dimensions is not None:
        operand = transpose(operand, dimensions)
    return _bind1("reshape", operand, new_sizes=list(new_sizes))


def transpose(operand, permutation: Sequence[int]):
    """Permutes the dimensions.

    >>> import numpy as np, ember as em
    >>> em.lax.transpose(np.ones((2, 3), np.float32), (1, 0)).shape
    (3, 2)
    """
    return _bind1("transpose", operand, permutation=list(permutation))


def slice(operand, start_indices, limit_indices, strides=None):
    """A static slice with optional strides.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.slice(np.arange(6, dtype=np.int32), (1,), (6,), (2,))).tolist()
    [1, 3, 5]
    """
    if strides is None:
        strides = [1] * len(start_indices)
    return _bind1("slice", operand, start_indices=list(start_indices), limit_indices=list(limit_indices),
                  strides=list(strides))


def dynamic_slice(operand, start_indices, slice_sizes):
    """A slice at run-time start indices, clamped so the slice stays in bounds.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.dynamic_slice(np.arange(5, dtype=np.int32), (4,), (2,))).tolist()
    [3, 4]
    """
    return _bind1("dynamic_slice", operand, *start_indices, slice_sizes=list(slice_sizes))


def dynamic_update_slice(operand, update, start_indices):
    """Writes `update` into a copy of `operand` at run-time (clamped) start indices.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.dynamic_update_slice(np.zeros(4, np.int32), np.ones(2, np.int32), (1,))).tolist()
    [0, 1, 1, 0]
    """
    return _bind1("dynamic_update_slice", operand, update, *start_indices)


def concatenate(operands, dimension: int):
    """Concatenates along `dimension`.

    >>> import numpy as np, ember as em
    >>> em.lax.concatenate([np.ones(2, np.float32), np.zeros(3, np.float32)], 0).shape
    (5,)
    """
    return _core.bind("concatenate", list(operands), dimension=int(dimension))[0]


def pad(operand, padding_value, padding_config):
    """Pads with (low, high, interior) per dimension; negative low/high crop.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.pad(np.array([1, 2], np.int32), 0, [(1, 1, 1)])).tolist()
    [0, 1, 0, 2, 0]
    """
    if isinstance(padding_value, (bool, int, float, _builtins.complex)):
        padding_value = _np.asarray(padding_value, dtype=_dtype_of(operand))
    lo, hi, interior = zip(*padding_config) if len(padding_config) else ((), (), ())
    return _bind1("pad", operand, padding_value, padding_low=list(lo), padding_high=list(hi),
                  padding_interior=list(interior))


def rev(operand, dimensions: Sequence[int]):
    """Reverses along `dimensions`.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.rev(np.arange(3, dtype=np.int32), (0,))).tolist()
    [2, 1, 0]
    """
    return _bind1("rev", operand, dimensions=list(dimensions))


def iota(dtype, size: int):
    """0, 1, ..., size - 1.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.iota(np.int32, 3)).tolist()
    [0, 1, 2]
    """
    return _bind1("iota", dtype=dtype, shape=[int(size)], dimension=0)


def broadcasted_iota(dtype, shape: Sequence[int], dimension: int):
    """The index along `dimension`, broadcast to `shape`.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.broadcasted_iota(np.int32, (2, 2), 1)).tolist()
    [[0, 1], [0, 1]]
    """
    return _bind1("iota", dtype=dtype, shape=list(shape), dimension=int(dimension))


def _reduction(name: str, doc: str):
    def f(operand, axes: Sequence[int]):
        return _bind1(name, operand, axes=list(axes))

    f.__name__ = name
    f.__doc__ = f"{doc}\n\n>>> import numpy as np, ember as em\n>>> em.lax.{name}(np.ones((2, 3), np.float32), (1,)).shape\n(2,)\n"
    return f


reduce_sum = _reduction("reduce_sum", "Sum over `axes`.")
reduce_prod = _reduction("reduce_prod", "Product over `axes`.")
reduce_max = _reduction("reduce_max", "Maximum over `axes` (NaN propagates).")
reduce_min = _reduction("reduce_min", "Minimum over `axes` (NaN propagates).")
reduce_and = _reduction("reduce_and", "Logical/bitwise and over `axes`.")
reduce_or = _reduction("reduce_or", "Logical/bitwise or over `axes`.")
reduce_and.__doc__ = reduce_and.__doc__.replace("np.float32", "bool")
reduce_or.__doc__ = reduce_or.__doc__.replace("np.float32", "bool")


def argmax(operand, axis: int, index_dtype):
    """Index of the first maximum along `axis` (a NaN counts as the maximum).

    >>> import numpy as np, ember as em
    >>> int(em.lax.argmax(np.array([1.0, 3.0, 3.0], np.float32), 0, np.int32))
    1
    """
    return _bind1("argmax", operand, axes=[int(axis)], index_dtype=index_dtype)


def argmin(operand, axis: int, index_dtype):
    """Index of the first minimum along `axis` (a NaN counts as the minimum).

    >>> import numpy as np, ember as em
    >>> int(em.lax.argmin(np.array([3.0, 1.0, 1.0], np.float32), 0, np.int32))
    1
    """
    return _bind1("argmin", operand, axes=[int(axis)], index_dtype=index_dtype)


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    """General tensor contraction: ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch)).

    The result's dimensions are the batch dimensions, then lhs's free ones, then rhs's free ones.

    >>> import numpy as np, ember as em
    >>> em.lax.dot_general(np.ones((5, 2, 3), np.float32), np.ones((5, 3, 4), np.float32),
    ...                    (([2], [1]), ([0], [0]))).shape
    (5, 2, 4)
    """
    (lc, rc), (lb, rb) = dimension_numbers
    out = preferred_element_type if preferred_element_type is not None else _dtype_of(lhs)
    return _bind1("dot_general", lhs, rhs, lhs_contracting_dimensions=list(lc), rhs_contracting_dimensions=list(rc),
                  lhs_batch_dimensions=list(lb), rhs_batch_dimensions=list(rb), preferred_element_type=out)


def dot(lhs, rhs, precision=None, preferred_element_type=None):
    """Vector/matrix product: contracts lhs's last dimension with rhs's first.

    >>> import numpy as np, ember as em
    >>> em.lax.dot(np.ones((2, 3), np.float32), np.ones(3, np.float32)).shape
    (2,)
    """
    lhs_ndim = len(_np.shape(lhs))
    return dot_general(lhs, rhs, (([lhs_ndim - 1], [0]), ([], [])), precision, preferred_element_type)

