"""Import of arrays from other libraries through DLPack (export is ``Array.__dlpack__``, in C++)."""

from __future__ import annotations

from typing import Any

from . import _core
from ._device import _CPU

# DLPack device types whose memory the CPU can read: kDLCPU and kDLCUDAHost (pinned host memory).
_HOST_DEVICES = (1, 3)
# The newest DLPack version ember reads.
_MAX_VERSION = (1, 1)


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> _core.Array:
    """An ember array with the data of `x`, any object with ``__dlpack__`` (NumPy >= 1.23, PyTorch, JAX, ...).

    ember arrays are immutable, so by default the data is copied, unless the producer marks its tensor
    read-only (or copied for this export), when the array shares the producer's memory and keeps it alive.

    Parameters
    ----------
    x : object with ``__dlpack__`` and ``__dlpack_device__``, or a DLPack capsule
        The array to import; it must live in CPU memory.
    device : Device or str, optional
        Where the result lives: the CPU (the default and, today, the only choice).
    copy : bool, optional
        True: always copy. False: never copy (BufferError when the data cannot be shared; later writes
        through the producer are visible in the ember array). None: copy unless the data is read-only.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> src = np.arange(6, dtype=np.float32).reshape(2, 3)
    >>> x = em.from_dlpack(src)
    >>> src[0, 0] = 100.0  # x holds a copy
    >>> np.asarray(x).tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    >>> np.from_dlpack(x).flags.writeable  # and NumPy reads ember's memory without copying
    False
    """
    if device is not None and device != "cpu" and device != _CPU:
        raise ValueError(f"[from_dlpack] expected a CPU device, got {device!r}")
    if type(x).__name__ == "PyCapsule":
        return _core._from_dlpack(x, copy)
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"[from_dlpack] expected an object with __dlpack__, got {type(x).__name__}")
    if hasattr(x, "__dlpack_device__"):
        kind, index = x.__dlpack_device__()
        if int(kind) not in _HOST_DEVICES:
            raise BufferError(
                f"[from_dlpack] expected an array in CPU memory (DLPack device type 1), got device "
                f"({int(kind)}, {int(index)})")
    kwargs: dict[str, Any] = {"max_version": _MAX_VERSION}
    if copy is not None:
        kwargs["copy"] = copy
    try:
        capsule = x.__dlpack__(**kwargs)
    except TypeError:
        # A producer from before DLPack 1.0 (no keywords): it exports the legacy, unversioned struct.
        capsule = x.__dlpack__()
    return _core._from_dlpack(capsule, copy)
