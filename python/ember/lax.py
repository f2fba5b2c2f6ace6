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
from .tree_util import tree_map as _tree_map

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


def stop_gradient(x):
    """The identity, treated as a constant by differentiation: its derivative is zero. Takes a pytree of
    arrays, as JAX's.

    >>> import ember as em
    >>> float(em.grad(lambda x: x * em.lax.stop_gradient(x))(3.0))
    3.0
    """
    return _tree_map(lambda leaf: _bind1("stop_gradient", leaf), x)


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



# ---- gather, scatter, sort, top_k, cumulative reductions, special functions ----------------------------

from typing import NamedTuple as _NamedTuple  # noqa: E402


class GatherScatterMode(enum.Enum):
    """How gather and scatter treat out-of-bounds indices (JAX's GatherScatterMode).

    CLIP clamps each start index so that the whole slice is in bounds; FILL_OR_DROP makes gather return a
    fill value for slices that are not entirely in bounds and makes scatter drop such updates;
    PROMISE_IN_BOUNDS (the user promises in-bounds indices) behaves as CLIP.

    >>> import ember as em
    >>> em.lax.GatherScatterMode.from_any("clip")
    <GatherScatterMode.CLIP: 0>
    """

    CLIP = 0
    FILL_OR_DROP = 1
    PROMISE_IN_BOUNDS = 2

    @staticmethod
    def from_any(s) -> "GatherScatterMode":
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        raise ValueError(f'Unknown gather mode "{s}"')


def _index_mode(mode: GatherScatterMode) -> int:
    # The primitives' `mode` attribute: 0 clips, 1 fills (gather) or drops (scatter).
    return 1 if mode is GatherScatterMode.FILL_OR_DROP else 0


class GatherDimensionNumbers(_NamedTuple):
    """Dimension numbers of `gather`, as JAX's (the index vector is the last dimension of the indices).

    >>> import ember as em
    >>> em.lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
    GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())
    """

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(_NamedTuple):
    """Dimension numbers of the scatter family, as JAX's (the index vector is the last dimension).

    >>> import ember as em
    >>> em.lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                                scatter_dims_to_operand_dims=(0,)).inserted_window_dims
    (0,)
    """

    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


def _ints(v) -> list[int]:
    return [int(i) for i in v]


def _gather_in_bounds(start_indices, operand_shape, start_index_map, slice_sizes):
    """Whether each index vector starts a slice that lies entirely in the operand (indices' batch shape)."""
    dtype = _np.dtype(_dtype_of(start_indices))
    info = _np.iinfo(dtype)
    # The largest valid start per index component, capped at what the index dtype can hold.
    upper = [_builtins.min(operand_shape[d] - slice_sizes[d], info.max) for d in start_index_map]
    shape = tuple(_np.shape(start_indices))
    lo = broadcast_in_dim(_np.zeros(len(upper), dtype), shape, (len(shape) - 1,))
    hi = broadcast_in_dim(_np.asarray(upper, dtype), shape, (len(shape) - 1,))
    ok = bitwise_and(ge(start_indices, lo), le(start_indices, hi))
    return reduce_and(ok, (len(shape) - 1,))


def gather(operand, start_indices, dimension_numbers: GatherDimensionNumbers, slice_sizes: Sequence[int], *,
           unique_indices: bool = False, indices_are_sorted: bool = False, mode=None, fill_value=None):
    """XLA's gather with JAX's dimension numbers: slices of `operand` starting at `start_indices`.

    mode=None promises in-bounds indices (clamped, as "clip"); "fill" returns `fill_value` (by default NaN
    for inexact dtypes, the minimum of signed and the maximum of unsigned integers, True for bool) for every
    slice that is not entirely in bounds.

    >>> import numpy as np, ember as em
    >>> x = np.array([10, 11, 12], np.int32)
    >>> dn = em.lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))
    >>> np.asarray(em.lax.gather(x, np.array([[2], [0], [5]]), dn, (1,), mode="fill", fill_value=-1)).tolist()
    [12, 10, -1]
    """
    dn = dimension_numbers if isinstance(dimension_numbers, GatherDimensionNumbers) else \
        GatherDimensionNumbers(*dimension_numbers)
    parsed = GatherScatterMode.PROMISE_IN_BOUNDS if mode is None else GatherScatterMode.from_any(mode)
    slice_sizes = _ints(slice_sizes)
    out = _bind1("gather", operand, start_indices, offset_dims=_ints(dn.offset_dims),
                 collapsed_slice_dims=_ints(dn.collapsed_slice_dims), start_index_map=_ints(dn.start_index_map),
                 operand_batching_dims=_ints(dn.operand_batching_dims),
                 start_indices_batching_dims=_ints(dn.start_indices_batching_dims), slice_sizes=slice_sizes,
                 mode=_index_mode(parsed))
    if parsed is not GatherScatterMode.FILL_OR_DROP or fill_value is None:
        return out
    # A fill value of the user's: select it where the slice is not entirely in bounds.
    mask = _gather_in_bounds(start_indices, tuple(_np.shape(operand)), _ints(dn.start_index_map), slice_sizes)
    offset = set(_ints(dn.offset_dims))
    batch_positions = [i for i in range(out.ndim) if i not in offset]
    mask = broadcast_in_dim(mask, out.shape, batch_positions)
    fill = broadcast_in_dim(_np.asarray(fill_value, dtype=_dtype_of(out)), out.shape, ())
    return select(mask, out, fill)


def _scatter(name, operand, scatter_indices, updates, dimension_numbers, mode):
    dn = dimension_numbers if isinstance(dimension_numbers, ScatterDimensionNumbers) else \
        ScatterDimensionNumbers(*dimension_numbers)
    return _bind1(name, operand, scatter_indices, updates, update_window_dims=_ints(dn.update_window_dims),
                  inserted_window_dims=_ints(dn.inserted_window_dims),
                  scatter_dims_to_operand_dims=_ints(dn.scatter_dims_to_operand_dims),
                  operand_batching_dims=_ints(dn.operand_batching_dims),
                  scatter_indices_batching_dims=_ints(dn.scatter_indices_batching_dims),
                  mode=_index_mode(GatherScatterMode.from_any(mode)))


_SCATTER_EXAMPLE = """
>>> import numpy as np, ember as em
>>> dn = em.lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
...                                     scatter_dims_to_operand_dims=(0,))
>>> np.asarray(em.lax.{name}(np.array([1, 2, 3], np.int32), np.array([[0], [2], [0]]),
...                          np.array([5, 6, 7], np.int32), dn)).tolist()
{result}
"""


def _scatter_function(name: str, doc: str, result: str):
    def f(operand, scatter_indices, updates, dimension_numbers: ScatterDimensionNumbers, *,
          indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        return _scatter(name, operand, scatter_indices, updates, dimension_numbers, mode)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"{doc}\n\nXLA's scatter with JAX's dimension numbers. mode=None or \"drop\" drops updates whose window is "
                 "not entirely in bounds; \"clip\" clamps the indices.\n" + _SCATTER_EXAMPLE.format(name=name, result=result))
    return f


scatter = _scatter_function("scatter", "Writes `updates` into `operand`; where indices repeat, the update that comes "
                            "last in row-major order of the updates wins.", "[7, 2, 6]")
scatter_add = _scatter_function("scatter_add", "Adds `updates` into `operand` (repeated indices accumulate).",
                                "[13, 2, 9]")
scatter_mul = _scatter_function("scatter_mul", "Multiplies `operand` by `updates` (repeated indices accumulate).",
                                "[35, 2, 18]")
scatter_min = _scatter_function("scatter_min", "Minimum of `operand` and `updates` (NaN propagates).", "[1, 2, 3]")
scatter_max = _scatter_function("scatter_max", "Maximum of `operand` and `updates` (NaN propagates).", "[7, 2, 6]")


def _axis(axis: int, ndim: int) -> int:
    axis = int(axis)
    return axis + ndim if axis < 0 else axis


def sort(operand, dimension: int = -1, is_stable: bool = True, num_keys: int = 1):
    """Sorts along `dimension` in NumPy's order (NaNs last, -0.0 equal to 0.0, complex by real then imaginary
    part). Given a sequence of arrays, sorts them all by the first `num_keys` (lexicographically) and returns
    a tuple. The sort is always stable.

    >>> import numpy as np, ember as em
    >>> np.asarray(em.lax.sort(np.array([3.0, np.nan, -1.0], np.float32))).tolist()
    [-1.0, 3.0, nan]
    >>> keys, values = em.lax.sort((np.array([2, 1, 2], np.int32), np.array([0, 1, 2], np.int32)))
    >>> np.asarray(values).tolist()
    [1, 0, 2]
    """
    single = not isinstance(operand, (tuple, list))
    operands = [operand] if single else list(operand)
    dim = _axis(dimension, len(_np.shape(operands[0])))
    out = _core.bind("sort", operands, dimension=dim, is_stable=bool(is_stable), num_keys=int(num_keys))
    return out[0] if single else tuple(out)


def sort_key_val(keys, values, dimension: int = -1, is_stable: bool = True):
    """Sorts `keys` along `dimension` and permutes `values` alongside; returns (keys, values).

    >>> import numpy as np, ember as em
    >>> k, v = em.lax.sort_key_val(np.array([3, 1, 2], np.int32), np.array([30.0, 10.0, 20.0], np.float32))
    >>> np.asarray(v).tolist()
    [10.0, 20.0, 30.0]
    """
    return sort((keys, values), dimension, is_stable, 1)


def top_k(operand, k: int):
    """The k largest entries along the last dimension, descending (NaN counts as largest; ties keep the
    lower index first), and their int32 indices.

    >>> import numpy as np, ember as em
    >>> values, indices = em.lax.top_k(np.array([1.0, 4.0, 2.0, 4.0], np.float32), 3)
    >>> np.asarray(values).tolist(), np.asarray(indices).tolist()
    ([4.0, 4.0, 2.0], [1, 3, 2])
    """
    values, indices = _core.bind("top_k", [operand], k=int(k))
    return values, indices


def _cumulative(name: str, doc: str, example: str):
    def f(operand, axis: int = 0, reverse: bool = False):
        return _bind1(name, operand, axis=_axis(axis, len(_np.shape(operand))), reverse=bool(reverse))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"{doc}\n\n>>> import numpy as np, ember as em\n{example}\n"
    return f


cumsum = _cumulative(
    "cumsum", "Cumulative sum along `axis` (from the end when `reverse`); integer sums wrap.",
    ">>> np.asarray(em.lax.cumsum(np.array([1, 2, 3], np.int32))).tolist()\n[1, 3, 6]")
cumprod = _cumulative(
    "cumprod", "Cumulative product along `axis` (from the end when `reverse`).",
    ">>> np.asarray(em.lax.cumprod(np.array([1, 2, 3], np.int32), reverse=True)).tolist()\n[6, 6, 3]")
cummax = _cumulative(
    "cummax", "Running maximum along `axis`; NaN propagates from the first NaN on.",
    ">>> np.asarray(em.lax.cummax(np.array([1.0, 3.0, 2.0], np.float32))).tolist()\n[1.0, 3.0, 3.0]")
cummin = _cumulative(
    "cummin", "Running minimum along `axis`; NaN propagates from the first NaN on.",
    ">>> np.asarray(em.lax.cummin(np.array([3.0, 1.0, 2.0], np.float32))).tolist()\n[3.0, 1.0, 1.0]")
cumlogsumexp = _cumulative(
    "cumlogsumexp", "Running log(sum(exp(x))) along `axis`, computed without overflow.",
    ">>> np.asarray(em.lax.cumlogsumexp(np.array([0.0, 0.0]))).tolist() == [0.0, np.log(2.0)]\nTrue")

erf_inv = _unary("erf_inv", "Elementwise inverse error function (+-1 give +-inf, |x| > 1 gives NaN).")
lgamma = _unary("lgamma", "Elementwise log of the absolute value of the gamma function.")
digamma = _unary("digamma", "Elementwise digamma function, the derivative of lgamma.")
bessel_i0e = _unary("bessel_i0e", "Elementwise exponentially scaled modified Bessel function exp(-|x|) I0(x).")
bessel_i1e = _unary("bessel_i1e", "Elementwise exponentially scaled modified Bessel function exp(-|x|) I1(x).")
population_count = _unary("population_count", "Elementwise number of set bits, in the operand's dtype.", _INT_EXAMPLE)


def polygamma(m, x):
    """The m-th derivative of digamma; m is a non-negative integer given in x's dtype (NaN otherwise).

    >>> import numpy as np, ember as em
    >>> f"{float(em.lax.polygamma(np.float64(1.0), np.float64(1.0))):.6f}"  # pi^2 / 6
    '1.644934'
    """
    return _bind1("polygamma", m, x)


from ._control import cond, fori_loop, map, scan, switch, while_loop  # noqa: E402,F401
