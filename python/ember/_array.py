"""Array methods written in Python: argument handling that forwards to ember.numpy (the operators and
conversions are in C++)."""

from __future__ import annotations

import numpy as _np

from . import _core
from ._device import Device
from ._indexing import _IndexUpdateHelper
from . import numpy as _enp

Array = _core.Array


def _method(name):
    def attach(fn):
        fn.__name__ = name
        fn.__qualname__ = f"Array.{name}"
        setattr(Array, name, fn)
        return fn

    return attach


def _shape_args(args):
    if len(args) == 1 and not isinstance(args[0], int):
        return tuple(args[0])
    return args


@_method("__repr__")
def _repr(self):
    if self._is_traced:
        return f"Traced<{self._type_str}>"
    if self.is_deleted():
        return f"Array(<donated>, {self._type_str})"
    body = _np.array2string(_np.asarray(self), separator=", ", prefix="Array(")
    return f"Array({body}, dtype={self.dtype.name}{', weak_type=True' if self.weak_type else ''})"


@_method("__str__")
def _str(self):
    if self._is_traced:
        return f"Traced<{self._type_str}>"
    return str(_np.asarray(self))


@_method("__format__")
def _format(self, spec):
    if self.ndim == 0 and not self._is_traced:
        return format(self.item(), spec)
    return format(str(self), spec)


@_method("__getitem__")
def _getitem(self, key):
    return _core._getitem(self, key)


Array.at = property(_IndexUpdateHelper, doc=_IndexUpdateHelper.__doc__)


@_method("__iter__")
def _iter(self):
    if self.ndim == 0:
        raise TypeError("[iter] iteration over a 0-d array")
    for i in range(self.shape[0]):
        yield self[i]


@_method("tolist")
def _tolist(self):
    return _np.asarray(self).tolist()


Array.T = property(lambda self: _enp.transpose(self))
Array.mT = property(lambda self: _enp.swapaxes(self, -1, -2))
Array.device = property(lambda self: Device(*self._device), doc="The device the array's data is on.")
Array.itemsize = property(lambda self: self.dtype.itemsize)
Array.nbytes = property(lambda self: self.size * self.dtype.itemsize)
Array.real = property(lambda self: _enp.real(self))
Array.imag = property(lambda self: _enp.imag(self))


@_method("reshape")
def _reshape(self, *shape, order="C"):
    return _enp.reshape(self, _shape_args(shape), order=order)


@_method("transpose")
def _transpose(self, *axes):
    return _enp.transpose(self, _shape_args(axes) if axes else None)


@_method("astype")
def _astype(self, dtype, copy=True):
    return _enp.astype(self, dtype)


for _name in ("sum", "prod", "mean", "max", "min", "any", "all", "argmax", "argmin", "var", "std", "ravel",
              "squeeze", "clip", "round", "conj", "conjugate", "swapaxes", "dot", "cumsum", "cumprod", "sort",
              "argsort", "partition", "argpartition", "take", "repeat", "trace", "diagonal", "nonzero", "ptp",
              "searchsorted", "choose"):
    def _make(fn):
        def method(self, *args, **kwargs):
            return fn(self, *args, **kwargs)
        return method
    _method(_name)(_make(getattr(_enp, _name)))


@_method("compress")
def _compress(self, condition, axis=None):
    return _enp.compress(condition, self, axis=axis)


@_method("tobytes")
def _tobytes(self, order="C"):
    return _np.asarray(self).tobytes(order)


@_method("flatten")
def _flatten(self, order="C"):
    return _enp.ravel(self)


@_method("copy")
def _copy(self):
    return self


@_method("__array_namespace__")
def _array_namespace(self, api_version=None):
    return _enp


@_method("__setitem__")
def _setitem(self, key, value):
    raise TypeError("[setitem] ember arrays are immutable: use x = x.at[index].set(value) (or .add, .multiply, ...)")
