"""dtype utilities that know bfloat16 (finfo, iinfo, isdtype, issubdtype, can_cast, ...), and queries on
array-likes (ember.numpy re-exports them)."""

from __future__ import annotations

import ml_dtypes as _ml_dtypes
import numpy as _np

from .. import _core
from .. import numpy as _enp

_BF16 = _np.dtype(_ml_dtypes.bfloat16)


def _dtype_of(x) -> _np.dtype:
    if isinstance(x, _core.Array):
        return x.dtype
    if isinstance(x, (_np.ndarray, _np.generic)):
        return x.dtype
    if x is float:
        return _np.dtype(_np.float32)
    if x is int:
        return _np.dtype(_np.int64)
    if x is complex:
        return _np.dtype(_np.complex64)
    if x is bool:
        return _np.dtype(_np.bool_)
    return _np.dtype(x)


def finfo(dtype):
    """Machine limits of a floating dtype (bfloat16 included), as numpy.finfo.

    >>> import ember.numpy as enp
    >>> float(enp.finfo(enp.bfloat16).eps), enp.finfo(enp.float32).bits
    (0.0078125, 32)
    """
    d = _dtype_of(dtype)
    if d == _BF16:
        return _ml_dtypes.finfo(_ml_dtypes.bfloat16)
    return _np.finfo(d)


def iinfo(int_type):
    """Machine limits of an integer dtype, as numpy.iinfo.

    >>> import ember.numpy as enp
    >>> enp.iinfo(enp.int8).max
    127
    """
    return _np.iinfo(_dtype_of(int_type))


_KINDS = {
    "bool": lambda d: d.kind == "b",
    "signed integer": lambda d: d.kind == "i",
    "unsigned integer": lambda d: d.kind == "u",
    "integral": lambda d: d.kind in "iu",
    "real floating": lambda d: d.kind == "f" or d == _BF16,
    "complex floating": lambda d: d.kind == "c",
    "numeric": lambda d: d.kind in "iufc" or d == _BF16,
}


def isdtype(dtype, kind):
    """Whether dtype is of the Array API kind ('bool', 'signed integer', 'unsigned integer', 'integral',
    'real floating', 'complex floating', 'numeric'), a dtype, or a tuple of them; bfloat16 is real floating.

    >>> import ember.numpy as enp
    >>> enp.isdtype(enp.bfloat16, "real floating"), enp.isdtype(enp.int8, ("bool", "unsigned integer"))
    (True, False)
    """
    d = _np.dtype(dtype)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            if k not in _KINDS:
                raise ValueError(f"[isdtype] expected an Array API dtype kind, got {k!r}")
            if _KINDS[k](d):
                return True
        elif d == _np.dtype(k):
            return True
    return False


def _dtype_or_class(a):
    if isinstance(a, type) and issubclass(a, _np.generic) and a is not _ml_dtypes.bfloat16:
        return a
    return _np.dtype(a)


def issubdtype(arg1, arg2):
    """Whether arg1 is a sub-type of arg2 in NumPy's hierarchy (bfloat16 under floating), as
    numpy.issubdtype.

    >>> import numpy as np, ember.numpy as enp
    >>> enp.issubdtype(enp.bfloat16, np.floating), enp.issubdtype(enp.int8, np.floating)
    (True, False)
    """
    a1, a2 = _dtype_or_class(arg1), _dtype_or_class(arg2)
    if isinstance(a1, _np.dtype) and a1 == _BF16:
        if isinstance(a2, type):
            return a2 in (_np.generic, _np.number, _np.inexact, _np.floating)
        return a2 == _BF16
    if isinstance(a2, _np.dtype) and a2 == _BF16:
        return False
    return bool(_np.issubdtype(a1, a2))


def _bf16_safe(frm: _np.dtype, to: _np.dtype) -> bool:
    # bfloat16 holds bool and 8-bit integers exactly and converts exactly to float32 and wider.
    if frm == _BF16:
        return to == _BF16 or to in (_np.dtype(t) for t in ("float32", "float64", "complex64", "complex128"))
    return frm.name in ("bool", "int8", "uint8")


def can_cast(from_, to, casting="safe"):
    """Whether a cast is allowed by the casting rule ('no', 'equiv', 'safe', 'same_kind', 'unsafe'), with
    bfloat16 (safe from bool and 8-bit integers, to float32 and wider), as numpy.can_cast.

    >>> import ember.numpy as enp
    >>> enp.can_cast(enp.bfloat16, enp.float32), enp.can_cast(enp.float32, enp.bfloat16)
    (True, False)
    """
    frm, dst = _dtype_of(from_), _dtype_of(to)
    if frm != _BF16 and dst != _BF16:
        return bool(_np.can_cast(frm, dst, casting))
    if casting == "unsafe":
        return True
    if casting in ("no", "equiv"):
        return frm == dst
    if casting == "same_kind":
        if frm == _BF16:
            return dst.kind in "fc" or dst == _BF16
        return frm.kind in "biuf" or frm == _BF16
    return _bf16_safe(frm, dst)


def common_type(*arrays):
    """The inexact scalar type of an operation on these arrays (integers give ember's default float32),
    as numpy.common_type.

    >>> import ember.numpy as enp
    >>> enp.common_type(enp.ones(2, dtype=enp.float16), enp.ones(2, dtype=enp.int8))
    <class 'numpy.float32'>
    """
    dtypes = []
    for a in arrays:
        d = _dtype_of(a)
        if d.kind in "biu":
            d = _np.dtype(_np.float32)
        dtypes.append(d)
    return _np.dtype(_enp.result_type(*dtypes)).type


def min_scalar_type(a, /):
    """The smallest dtype that holds the value of a scalar or concrete array, as numpy.min_scalar_type.

    >>> import ember.numpy as enp
    >>> enp.min_scalar_type(10)
    dtype('uint8')
    """
    return _np.min_scalar_type(_np.asarray(a))


def iscomplexobj(x):
    """Whether x has a complex dtype, as numpy.iscomplexobj.

    >>> import ember.numpy as enp
    >>> enp.iscomplexobj(enp.asarray([1 + 0j])), enp.iscomplexobj(enp.ones(2))
    (True, False)
    """
    d = getattr(x, "dtype", None)
    return _np.dtype(d).kind == "c" if d is not None else bool(_np.iscomplexobj(x))


def isrealobj(x):
    """Whether x has a non-complex dtype, as numpy.isrealobj.

    >>> import ember.numpy as enp
    >>> enp.isrealobj(enp.ones(2))
    True
    """
    return not iscomplexobj(x)
