"""Indexing of ember arrays: ``x[index]`` and JAX's functional updates ``x.at[index].set(values)``.

ember arrays are immutable, so an indexed update returns a new array (under ``jit`` the copy is usually
optimised away). The index follows NumPy's rules: integers, slices, ``...``, ``None``, integer arrays and
boolean masks, in any combination.

>>> import numpy as np, ember as em
>>> x = em.numpy.asarray(np.zeros(4, np.float32))
>>> np.asarray(x.at[np.array([0, 2, 0])].add(1.0)).tolist()
[2.0, 0.0, 1.0, 0.0]
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as _np

from . import _core

__all__ = ["_IndexUpdateHelper", "_IndexUpdateRef"]

_MODE_NAMES = {
    "clip": "clip",
    "fill": "fill",
    "drop": "drop",
    "fill_or_drop": "fill",
    "promise_in_bounds": "promise_in_bounds",
}


def _mode_name(mode: Any) -> str | None:
    """None, a string, or an enum member such as ``ember.lax.GatherScatterMode.CLIP``."""
    if mode is None:
        return None
    name = mode if isinstance(mode, str) else getattr(mode, "name", None)
    if not isinstance(name, str) or name.lower() not in _MODE_NAMES:
        raise ValueError(
            f"[mode] expected 'clip', 'fill', 'drop' or 'promise_in_bounds', got {mode!r}")
    return _MODE_NAMES[name.lower()]


class _IndexUpdateHelper:
    """The ``at`` property of an array: ``x.at[index]`` names the elements an update touches.

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> x = em.numpy.asarray(np.arange(5, dtype=np.float32))
    >>> np.asarray(x.at[1:3].set(9.0)).tolist()
    [0.0, 9.0, 9.0, 3.0, 4.0]
    >>> float(x.at[20].get(mode="fill", fill_value=-1.0))
    -1.0
    """

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index) -> "_IndexUpdateRef":
        return _IndexUpdateRef(self.array, index)

    def __repr__(self) -> str:
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """An array and an index: its methods return updated copies of the array.

    Where indices repeat, ``set`` keeps the last value (in the row-major order of ``x[index]``) and the other
    updates combine every value, as ``numpy.add.at`` does. ``mode`` says what out-of-bounds indices do:
    ``"drop"`` (skip them; the default of updates under ``jit``), ``"clip"`` (clamp them into bounds),
    ``"fill"`` (for ``get``: read ``fill_value``) or ``"promise_in_bounds"``. Without a mode, concrete
    out-of-bounds indices raise IndexError, as in NumPy. ``indices_are_sorted`` and ``unique_indices`` are
    accepted for JAX compatibility (hints; they do not change results).

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> x = em.numpy.asarray(np.ones(3, np.float32))
    >>> idx = np.array([0, 0, 2])
    >>> np.asarray(x.at[idx].multiply(3.0)).tolist()
    [9.0, 1.0, 3.0]
    >>> np.asarray(x.at[5].set(0.0, mode="drop")).tolist()
    [1.0, 1.0, 1.0]
    """

    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array = array
        self.index = index

    def __repr__(self) -> str:
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def _update(self, op: str, values, mode):
        return _core._index_update(self.array, self.index, values, op, _mode_name(mode))

    def get(self, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: Any = None,
            fill_value: Any = None):
        """``x[index]``, with an out-of-bounds ``mode`` and a ``fill_value`` for ``mode="fill"``.

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.array([1.0, 2.0], np.float32))
        >>> np.asarray(x.at[np.array([1, 7])].get(mode="clip")).tolist()
        [2.0, 2.0]
        """
        return _core._index_get(self.array, self.index, _mode_name(mode), fill_value)

    def set(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: Any = None):
        """``x[index] = values`` (cast to x's dtype; the last of repeated indices wins).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.zeros((2, 2), np.int32))
        >>> np.asarray(x.at[:, 1].set(np.array([5, 6], np.int32))).tolist()
        [[0, 5], [0, 6]]
        """
        return self._update("set", values, mode)

    def add(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: Any = None):
        """``x[index] += values``, accumulating repeated indices (``numpy.add.at``).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.zeros(3, np.int32))
        >>> np.asarray(x.at[np.array([1, 1, 2])].add(2)).tolist()
        [0, 4, 2]
        """
        return self._update("add", values, mode)

    def subtract(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False,
                 mode: Any = None):
        """``x[index] -= values``, accumulating repeated indices (``numpy.subtract.at``).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.zeros(2, np.float32))
        >>> np.asarray(x.at[np.array([0, 0])].subtract(1.5)).tolist()
        [-3.0, 0.0]
        """
        return self._update("subtract", values, mode)

    def multiply(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False,
                 mode: Any = None):
        """``x[index] *= values``, accumulating repeated indices (``numpy.multiply.at``).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.full(2, 2.0, np.float32))
        >>> np.asarray(x.at[np.array([1, 1])].multiply(3.0)).tolist()
        [2.0, 18.0]
        """
        return self._update("multiply", values, mode)

    mul = multiply

    def divide(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False,
               mode: Any = None):
        """``x[index] /= values`` as JAX computes it: x divided by the product of the values at each index
        (a true division: integer arrays give floats).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.full(2, 8.0, np.float32))
        >>> np.asarray(x.at[np.array([0, 0])].divide(2.0)).tolist()
        [2.0, 8.0]
        """
        return self._update("divide", values, mode)

    def power(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False,
              mode: Any = None):
        """``x[index] **= values`` as JAX computes it: x raised to the product of the values at each index.

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.full(2, 2.0, np.float32))
        >>> np.asarray(x.at[np.array([1, 1])].power(2.0)).tolist()
        [2.0, 16.0]
        """
        return self._update("power", values, mode)

    def min(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: Any = None):
        """``x[index] = minimum(x[index], values)`` over every repeated index (``numpy.minimum.at``).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.array([5, 5], np.int64))
        >>> np.asarray(x.at[np.array([0, 0])].min(np.array([7, 3]))).tolist()
        [3, 5]
        """
        return self._update("min", values, mode)

    def max(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: Any = None):
        """``x[index] = maximum(x[index], values)`` over every repeated index (``numpy.maximum.at``).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.array([5, 5], np.int64))
        >>> np.asarray(x.at[np.array([1, 1])].max(np.array([7, 3]))).tolist()
        [5, 7]
        """
        return self._update("max", values, mode)

    def apply(self, func: Callable, *, indices_are_sorted: bool = False, unique_indices: bool = False,
              mode: Any = None):
        """Applies the elementwise function ``func`` at the indexed elements, once per occurrence of each
        index (``numpy.ufunc.at`` for a unary ufunc).

        Repeated indices need their counts: with concrete indices they are computed at once; under ``jit``
        with traced integer-array indices, pass ``unique_indices=True`` (then each element is updated once).

        >>> import numpy as np, ember as em
        >>> x = em.numpy.asarray(np.array([1.0, 2.0, 3.0], np.float32))
        >>> np.asarray(x.at[np.array([0, 0, 2])].apply(lambda v: v * 10)).tolist()
        [100.0, 2.0, 30.0]
        """
        from . import numpy as enp

        x = self.array
        name = _mode_name(mode)
        if unique_indices or not _may_repeat(self.index):
            read_mode = "fill" if name in ("fill", "drop") else name
            return self._update("set", func(self.get(mode=read_mode)), mode)
        counts = _host_counts(x.shape, self.index, name)
        if counts is None:
            counts = _core._index_update(enp.zeros(x.shape, dtype=enp.int32), self.index, 1, "add", name)
            if counts._is_traced:
                raise NotImplementedError(
                    "[apply] expected concrete indices or unique_indices=True, got traced indices: the number "
                    "of times each element is updated must be known while tracing")
        out = x
        for k in range(int(_np.max(_np.asarray(counts))) if counts.size else 0):
            out = enp.where(counts > k, enp.asarray(func(out)).astype(x.dtype), out)
        return out


def _items(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _may_repeat(key) -> bool:
    """Whether an index can name an element twice: only integer arrays of more than one element can
    (slices, integers and boolean masks name distinct elements)."""
    for k in _items(key):
        if k is None or k is Ellipsis or isinstance(k, (slice, bool, _np.bool_, int, _np.integer)):
            continue
        dtype = getattr(k, "dtype", None)
        if dtype is None:
            k = _np.asarray(k)
            dtype = k.dtype
        if _np.dtype(dtype) == _np.bool_ or _np.size(k) <= 1:
            continue
        return True
    return False


def _host_counts(shape, key, mode):
    """How often the index names each element, counted by NumPy (np.add.at) when every index array is
    concrete and no out-of-bounds mode applies; None otherwise."""
    if mode not in (None, "promise_in_bounds"):
        return None
    items = []
    for k in _items(key):
        if getattr(k, "_is_traced", False):
            return None
        items.append(_np.asarray(k) if hasattr(k, "_is_traced") else k)
    counts = _np.zeros(shape, _np.int32)
    _np.add.at(counts, tuple(items), 1)
    return counts
