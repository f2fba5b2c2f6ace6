"""The Python Array API standard's inspection namespace (ember.numpy.__array_namespace_info__)."""

from __future__ import annotations

import numpy as _np

from .. import _device
from .. import numpy as _enp

__array_api_version__ = "2023.12"

_KIND_DTYPES = {
    "bool": ["bool"],
    "signed integer": ["int8", "int16", "int32", "int64"],
    "unsigned integer": ["uint8", "uint16", "uint32", "uint64"],
    "real floating": ["float32", "float64"],
    "complex floating": ["complex64", "complex128"],
}
_KIND_DTYPES["integral"] = _KIND_DTYPES["signed integer"] + _KIND_DTYPES["unsigned integer"]
_KIND_DTYPES["numeric"] = _KIND_DTYPES["integral"] + _KIND_DTYPES["real floating"] + _KIND_DTYPES["complex floating"]


class Info:
    """ember.numpy's answers to the Array API inspection functions.

    >>> import ember.numpy as enp
    >>> info = enp.__array_namespace_info__()
    >>> info.default_dtypes()["real floating"], sorted(info.capabilities())
    (dtype('float32'), ['boolean indexing', 'data-dependent shapes'])
    """

    __module__ = "ember.numpy"

    def capabilities(self):
        # Shapes are static per trace: boolean masks and nonzero-like functions need concrete input or size=.
        return {"boolean indexing": False, "data-dependent shapes": False}

    def default_device(self):
        return _device._CPU

    def default_dtypes(self, *, device=None):
        _check(device)
        return {"real floating": _np.dtype(_np.float32), "complex floating": _np.dtype(_np.complex64),
                "integral": _np.dtype(_np.int64), "indexing": _np.dtype(_np.int64)}

    def dtypes(self, *, device=None, kind=None):
        _check(device)
        if kind is None:
            names = ["bool"] + _KIND_DTYPES["numeric"]
        else:
            names = []
            for k in (kind if isinstance(kind, tuple) else (kind,)):
                if k not in _KIND_DTYPES:
                    raise ValueError(f"[dtypes] expected an Array API dtype kind, got {k!r}")
                names += [n for n in _KIND_DTYPES[k] if n not in names]
        return {n: _np.dtype(n) for n in names}

    def devices(self):
        return list(_device.devices())


def _check(device):
    if device is not None and device != _device._CPU and device != "cpu":
        raise ValueError(f"[__array_namespace_info__] expected a CPU device, got {device!r}")


def __array_namespace_info__():
    """The Array API inspection namespace of ember.numpy.

    >>> import ember.numpy as enp
    >>> enp.__array_namespace_info__().default_device()
    CpuDevice(id=0)
    """
    return Info()
