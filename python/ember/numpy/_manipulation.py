"""Array manipulation beyond reshape/transpose: joining, splitting, tiling, flipping, rolling, padding and
static inserts/deletes (ember.numpy re-exports them)."""

from __future__ import annotations

import numpy as _np

from .. import _core
from .. import numpy as _enp

_np_ops = _core.np


def _ints(v) -> list[int]:
    if hasattr(v, "__index__") and _np.ndim(v) == 0:
        return [int(v)]
    return [int(i) for i in _np.asarray(v).reshape(-1)]


def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to, as numpy.broadcast_shapes.

    >>> import ember.numpy as enp
    >>> enp.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    return tuple(_np.broadcast_shapes(*shapes))


def broadcast_arrays(*args, subok=False):
    """The arrays broadcast to one shape, as numpy.broadcast_arrays.

    >>> import ember.numpy as enp
    >>> [a.shape for a in enp.broadcast_arrays(enp.ones(3), enp.ones((2, 1)))]
    [(2, 3), (2, 3)]
    """
    return tuple(_np_ops.broadcast_arrays(list(args)))


def matrix_transpose(x, /):
    """Swaps the last two axes, as numpy.matrix_transpose.

    >>> import ember.numpy as enp
    >>> enp.matrix_transpose(enp.ones((4, 2, 3))).shape
    (4, 3, 2)
    """
    return _np_ops.matrix_transpose(x)


def rollaxis(a, axis, start=0):
    """Moves `axis` to before position `start`, as numpy.rollaxis.

    >>> import ember.numpy as enp
    >>> enp.rollaxis(enp.ones((3, 4, 5)), 2).shape
    (5, 3, 4)
    """
    return _np_ops.rollaxis(a, int(axis), int(start))


def _atleast(n, arys):
    out = [_np_ops.atleast_nd(a, n) for a in arys]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys):
    """Arrays with at least one dimension, as numpy.atleast_1d.

    >>> import ember.numpy as enp
    >>> enp.atleast_1d(3.0).shape
    (1,)
    """
    return _atleast(1, arys)


def atleast_2d(*arys):
    """Arrays with at least two dimensions, as numpy.atleast_2d.

    >>> import ember.numpy as enp
    >>> enp.atleast_2d(enp.ones(3)).shape
    (1, 3)
    """
    return _atleast(2, arys)


def atleast_3d(*arys):
    """Arrays with at least three dimensions ((N,) -> (1, N, 1)), as numpy.atleast_3d.

    >>> import ember.numpy as enp
    >>> enp.atleast_3d(enp.ones((2, 3))).shape
    (2, 3, 1)
    """
    return _atleast(3, arys)


def _joined(f, tup, dtype, name):
    r = f(list(tup))
    return r if dtype is None else _np_ops.astype(r, dtype)


def hstack(tup, *, dtype=None, casting="same_kind"):
    """Joins along the second axis (the first for 1-d arrays), as numpy.hstack.

    >>> import ember.numpy as enp
    >>> enp.hstack([enp.ones(2), enp.zeros(1)]).tolist()
    [1.0, 1.0, 0.0]
    """
    return _joined(_np_ops.hstack, tup, dtype, "hstack")


def vstack(tup, *, dtype=None, casting="same_kind"):
    """Joins along the first axis (1-d arrays become rows), as numpy.vstack.

    >>> import ember.numpy as enp
    >>> enp.vstack([enp.ones(2), enp.zeros(2)]).shape
    (2, 2)
    """
    return _joined(_np_ops.vstack, tup, dtype, "vstack")


def dstack(tup):
    """Joins along the third axis, as numpy.dstack.

    >>> import ember.numpy as enp
    >>> enp.dstack([enp.ones(2), enp.zeros(2)]).shape
    (1, 2, 2)
    """
    return _np_ops.dstack(list(tup))


def column_stack(tup):
    """1-d arrays as columns of a 2-d array, as numpy.column_stack.

    >>> import ember.numpy as enp
    >>> enp.column_stack([enp.ones(2), enp.zeros(2)]).shape
    (2, 2)
    """
    return _np_ops.column_stack(list(tup))


def unstack(x, /, *, axis=0):
    """The slices along `axis`, as numpy.unstack.

    >>> import ember.numpy as enp
    >>> [a.tolist() for a in enp.unstack(enp.arange(4).reshape(2, 2))]
    [[0, 1], [2, 3]]
    """
    return tuple(_np_ops.unstack(x, int(axis)))


def block(arrays):
    """Assembles an array from nested lists of blocks, as numpy.block.

    >>> import ember.numpy as enp
    >>> enp.block([[enp.ones((2, 2)), enp.zeros((2, 1))], [enp.zeros((1, 3))]]).shape
    (3, 3)
    """
    def depth(a):
        return 1 + depth(a[0]) if isinstance(a, list) and a else (1 if isinstance(a, list) else 0)

    list_depth = depth(arrays)

    def max_ndim(a):
        if isinstance(a, list):
            return max((max_ndim(x) for x in a), default=0)
        return _np.ndim(a)

    ndim = max(max_ndim(arrays), list_depth)

    def assemble(a, level):
        if not isinstance(a, list):
            x = _enp.asarray(a)
            return _enp.reshape(x, (1,) * (ndim - x.ndim) + x.shape)
        if isinstance(a, tuple):
            raise TypeError("[block] expected nested lists, got a tuple")
        parts = [assemble(x, level + 1) for x in a]
        return _enp.concatenate(parts, axis=-(list_depth - level))

    return assemble(arrays, 0)


def split(ary, indices_or_sections, axis=0):
    """Equal sections, or pieces between the given indices, along `axis`, as numpy.split.

    >>> import ember.numpy as enp
    >>> [a.tolist() for a in enp.split(enp.arange(6), 3)]
    [[0, 1], [2, 3], [4, 5]]
    """
    if _np.ndim(indices_or_sections) == 0:
        return list(_np_ops.split(ary, int(indices_or_sections), int(axis)))
    return list(_np_ops.split_at(ary, _ints(indices_or_sections), int(axis)))


def array_split(ary, indices_or_sections, axis=0):
    """As split, allowing sections of unequal length, as numpy.array_split.

    >>> import ember.numpy as enp
    >>> [a.tolist() for a in enp.array_split(enp.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    if _np.ndim(indices_or_sections) == 0:
        return list(_np_ops.array_split(ary, int(indices_or_sections), int(axis)))
    return list(_np_ops.split_at(ary, _ints(indices_or_sections), int(axis)))


def hsplit(ary, indices_or_sections):
    """split along the second axis (the first for 1-d arrays), as numpy.hsplit.

    >>> import ember.numpy as enp
    >>> [a.shape for a in enp.hsplit(enp.ones((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    if _np.ndim(ary) == 0:
        raise ValueError("[hsplit] expected an array of rank >= 1, got a 0-d array")
    return split(ary, indices_or_sections, 1 if _np.ndim(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    """split along the first axis of an array of rank >= 2, as numpy.vsplit.

    >>> import ember.numpy as enp
    >>> [a.shape for a in enp.vsplit(enp.ones((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    if _np.ndim(ary) < 2:
        raise ValueError("[vsplit] expected an array of rank >= 2")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """split along the third axis of an array of rank >= 3, as numpy.dsplit.

    >>> import ember.numpy as enp
    >>> [a.shape for a in enp.dsplit(enp.ones((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    if _np.ndim(ary) < 3:
        raise ValueError("[dsplit] expected an array of rank >= 3")
    return split(ary, indices_or_sections, 2)


def tile(A, reps):
    """The array repeated `reps` times along each axis, as numpy.tile.

    >>> import ember.numpy as enp
    >>> enp.tile(enp.asarray([1, 2]), 2).tolist()
    [1, 2, 1, 2]
    """
    return _np_ops.tile(A, _ints(reps))


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """Each element repeated (static counts: one, or one per element), as numpy.repeat.

    >>> import ember.numpy as enp
    >>> enp.repeat(enp.asarray([1, 2]), 2).tolist(), enp.repeat(enp.asarray([1, 2]), [1, 3]).tolist()
    ([1, 1, 2, 2], [1, 2, 2, 2])
    """
    if isinstance(repeats, _core.Array) and repeats._is_traced:
        raise _core.ConcretizationError("[repeat] expected static repeat counts (a traced array gives a result "
                                        "whose shape depends on its values)")
    return _np_ops.repeat(a, _ints(repeats), None if axis is None else int(axis))


def flip(m, axis=None):
    """Reverses the order of elements along the given axes (all by default), as numpy.flip.

    >>> import ember.numpy as enp
    >>> enp.flip(enp.asarray([1, 2, 3])).tolist()
    [3, 2, 1]
    """
    return _np_ops.flip(m, _enp._axis(axis))


def fliplr(m):
    """flip along the second axis, as numpy.fliplr.

    >>> import ember.numpy as enp
    >>> enp.fliplr(enp.asarray([[1, 2]])).tolist()
    [[2, 1]]
    """
    if _np.ndim(m) < 2:
        raise ValueError("[fliplr] expected an array of rank >= 2")
    return flip(m, 1)


def flipud(m):
    """flip along the first axis, as numpy.flipud.

    >>> import ember.numpy as enp
    >>> enp.flipud(enp.asarray([[1], [2]])).tolist()
    [[2], [1]]
    """
    if _np.ndim(m) < 1:
        raise ValueError("[flipud] expected an array of rank >= 1")
    return flip(m, 0)


def roll(a, shift, axis=None):
    """Elements shifted cyclically along axes (the flattened array by default), as numpy.roll.

    >>> import ember.numpy as enp
    >>> enp.roll(enp.arange(5), 2).tolist()
    [3, 4, 0, 1, 2]
    """
    return _np_ops.roll(a, _ints(shift), _enp._axis(axis))


def rot90(m, k=1, axes=(0, 1)):
    """Rotates by 90 degrees k times in the plane of `axes`, as numpy.rot90.

    >>> import ember.numpy as enp
    >>> enp.rot90(enp.asarray([[1, 2], [3, 4]])).tolist()
    [[2, 4], [1, 3]]
    """
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"[rot90] expected two axes, got {len(axes)}")
    return _np_ops.rot90(m, int(k), int(axes[0]), int(axes[1]))


def _pairs(value, ndim, name):
    """NumPy's _as_pairs: a scalar, a (before, after) pair or one pair per axis -> one pair per axis."""
    if value is None:
        return None
    x = _np.array(value)

    def item(v):
        return v.item() if hasattr(v, "item") else v

    if x.ndim < 3:
        if x.size == 1:
            v = item(x.ravel()[0])
            return [(v, v)] * ndim
        if x.size == 2 and x.shape != (2, 1):
            v = x.ravel()
            return [(item(v[0]), item(v[1]))] * ndim
    try:
        return [tuple(p) for p in _np.broadcast_to(x, (ndim, 2)).tolist()]
    except ValueError:
        raise ValueError(f"[pad] expected {name} as a scalar, a (before, after) pair or {ndim} pairs, "
                         f"got shape {x.shape}") from None


def pad(array, pad_width, mode="constant", **kwargs):
    """Pads with NumPy's modes: constant, edge, reflect, symmetric, wrap, linear_ramp, maximum, minimum, mean,
    median and empty (ember fills 'empty' with zeros), as numpy.pad.

    >>> import ember.numpy as enp
    >>> enp.pad(enp.asarray([1, 2, 3]), (2, 1), mode="reflect").tolist()
    [3, 2, 1, 2, 3, 2]
    """
    if callable(mode):
        raise NotImplementedError("[pad] expected a mode name; a padding function mutates its argument in place")
    x = _enp.asarray(array)
    widths = [(int(b), int(a)) for b, a in _pairs(pad_width, x.ndim, "pad_width")]
    allowed = {"constant": {"constant_values"}, "edge": set(), "wrap": set(), "empty": set(),
               "linear_ramp": {"end_values"}, "maximum": {"stat_length"}, "minimum": {"stat_length"},
               "mean": {"stat_length"}, "median": {"stat_length"}, "reflect": {"reflect_type"},
               "symmetric": {"reflect_type"}}
    if mode not in allowed:
        raise ValueError(f"[pad] expected a mode of numpy.pad, got {mode!r}")
    unknown = set(kwargs) - allowed[mode]
    if unknown:
        raise ValueError(f"[pad] expected no keyword {sorted(unknown)[0]!r} for mode {mode!r}")

    def values(name):
        v = kwargs.get(name)
        return None if v is None else _pairs(v, x.ndim, name)

    stat = kwargs.get("stat_length")
    stat_pairs = None
    if stat is not None:
        stat_pairs = [(-1 if b is None else int(b), -1 if a is None else int(a))
                      for b, a in _pairs(_np.array(stat, dtype=object), x.ndim, "stat_length")]
    return _np_ops.pad(x, widths, mode, values("constant_values"), values("end_values"), stat_pairs,
                       kwargs.get("reflect_type", "even"))


def append(arr, values, axis=None):
    """values appended at the end (of the flattened arrays without an axis), as numpy.append.

    >>> import ember.numpy as enp
    >>> enp.append(enp.asarray([1, 2]), [[3], [4]]).tolist()
    [1, 2, 3, 4]
    """
    return _np_ops.append(arr, values, None if axis is None else int(axis))


def _static_indices(obj, n, name):
    if isinstance(obj, slice):
        return list(range(*obj.indices(n))), False
    if isinstance(obj, _core.Array) and obj._is_traced:
        raise _core.ConcretizationError(f"[{name}] expected static indices (the result's shape depends on them)")
    arr = _np.asarray(obj)
    if arr.dtype == bool:
        return [int(i) for i in _np.flatnonzero(arr)], False
    if arr.ndim == 0:
        return [int(arr)], True
    return [int(i) for i in arr.reshape(-1)], False


def insert(arr, obj, values, axis=None):
    """values inserted before the given (static) indices, as numpy.insert.

    >>> import ember.numpy as enp
    >>> enp.insert(enp.asarray([1, 2, 3]), 1, 9).tolist(), enp.insert(enp.asarray([1, 2, 3]), [0, 3], [7, 8]).tolist()
    ([1, 9, 2, 3], [7, 1, 2, 3, 8])
    """
    a = _enp.asarray(arr)
    n = a.size if axis is None else a.shape[axis]
    idx, scalar = _static_indices(obj, n, "insert")
    if isinstance(obj, slice) or (not scalar and _np.asarray(obj).dtype == bool):
        scalar = False
    return _np_ops.insert(a, idx, values, None if axis is None else int(axis), scalar)


def delete(arr, obj, axis=None):
    """The array without the given (static) indices along `axis`, as numpy.delete.

    >>> import ember.numpy as enp
    >>> enp.delete(enp.arange(5), [0, 2]).tolist(), enp.delete(enp.arange(5), slice(1, 3)).tolist()
    ([1, 3, 4], [0, 3, 4])
    """
    a = _enp.asarray(arr)
    n = a.size if axis is None else a.shape[axis]
    idx, _ = _static_indices(obj, n, "delete")
    return _np_ops.delete(a, idx, None if axis is None else int(axis))


def resize(a, new_shape):
    """The flattened data repeated to fill new_shape, as numpy.resize.

    >>> import ember.numpy as enp
    >>> enp.resize(enp.asarray([1, 2, 3]), (2, 2)).tolist()
    [[1, 2], [3, 1]]
    """
    return _np_ops.resize(a, _enp._shape(new_shape))


def trim_zeros(filt, trim="fb", axis=None):
    """Leading ('f') and/or trailing ('b') zeros removed from a 1-d array (concrete input: the result's length
    depends on the values), as numpy.trim_zeros.

    >>> import ember.numpy as enp
    >>> enp.trim_zeros(enp.asarray([0, 1, 0, 2, 0])).tolist()
    [1, 0, 2]
    """
    return _np_ops.trim_zeros(filt, str(trim))


def select(condlist, choicelist, default=0):
    """Elements from the choice of the first true condition (else default), as numpy.select.

    >>> import ember.numpy as enp
    >>> x = enp.arange(5)
    >>> enp.select([x < 2, x > 3], [x, x * 10], -1).tolist()
    [0, 1, -1, -1, 40]
    """
    return _np_ops.select(list(condlist), list(choicelist), default)


def choose(a, choices, out=None, mode="raise"):
    """choices[a[i]][i] with broadcasting; mode 'raise' (IndexError for concrete out-of-range indices,
    clipping under jit), 'wrap' or 'clip', as numpy.choose.

    >>> import ember.numpy as enp
    >>> enp.choose(enp.asarray([0, 1, 0]), [[1, 2, 3], [10, 20, 30]]).tolist()
    [1, 20, 3]
    """
    _enp._no_out(out, "choose")
    return _np_ops.choose(a, list(choices), str(mode))


def piecewise(x, condlist, funclist, *args, **kw):
    """funclist[i](x) where condlist[i] holds (a trailing extra function is the default; constants are
    allowed), as numpy.piecewise. Every function is evaluated on all of x.

    >>> import ember.numpy as enp
    >>> x = enp.asarray([-1.0, 2.0])
    >>> enp.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v * 10]).tolist()
    [1.0, 20.0]
    """
    x = _enp.asarray(x)
    # NumPy's rule: one condition (an array, or a flat list of scalars for non-scalar x) becomes a list of one.
    if not isinstance(condlist, (list, tuple)) or (
            condlist and not isinstance(condlist[0], (list, tuple, _core.Array, _np.ndarray)) and x.ndim != 0):
        condlist = [condlist]
    conds = [_enp.asarray(c, dtype=bool) for c in condlist]
    n = len(conds)
    if len(funclist) not in (n, n + 1):
        raise ValueError(f"[piecewise] expected {n} or {n + 1} functions, got {len(funclist)}")
    if len(funclist) == n + 1:
        other = _enp.logical_not(_enp.any(_enp.stack([_enp.broadcast_to(c, x.shape) for c in conds]), axis=0)) \
            if n else _enp.ones(x.shape, dtype=bool)
        conds.append(other)
    out = _enp.zeros_like(x)
    for cond, f in zip(conds, funclist):
        val = f(x, *args, **kw) if callable(f) else f
        out = _enp.where(cond, _enp.astype(_enp.asarray(val), x.dtype) if not callable(f) else val, out)
    return _enp.astype(out, x.dtype)
