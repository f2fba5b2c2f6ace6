"""Devices: the host CPU, and the CUDA GPUs the NVIDIA driver reports (found at run time: ember imports and
runs on the CPU without a GPU, a driver or the CUDA libraries)."""

from __future__ import annotations

from dataclasses import dataclass

from . import _core


@dataclass(frozen=True)
class Device:
    """A device arrays live on.

    >>> import ember as em
    >>> em.devices()[0]
    CpuDevice(id=0)
    """

    platform: str = "cpu"
    id: int = 0

    def __repr__(self) -> str:
        return f"{self.platform.capitalize()}Device(id={self.id})"


_CPU = Device("cpu", 0)


def _cuda_devices() -> list[Device]:
    status = _core._cuda_status()
    return [Device("cuda", d["index"]) for d in status["devices"]] if status["available"] else []


def devices(kind: str | None = None) -> list[Device]:
    """The devices of `kind` ("cpu" or "cuda"; None means every device, the CPU first).

    Asking for "cuda" where there is none raises RuntimeError saying what is missing (the driver, a device).

    >>> import ember as em
    >>> [d.platform for d in em.devices("cpu")]
    ['cpu']
    """
    if kind == "cpu":
        return [_CPU]
    if kind is None:
        return [_CPU, *_cuda_devices()]
    if kind in ("cuda", "gpu"):
        found = _cuda_devices()
        if not found:
            raise RuntimeError(f"[devices] no CUDA device: {_core._cuda_status()['why']}")
        return found
    raise ValueError(f"[devices] expected kind 'cpu', 'cuda' or None, got {kind!r}")


def _resolve(device) -> Device:
    """`device` as a Device: None is the CPU; "cpu" and "cuda" are the first of their kind."""
    if device is None:
        return _CPU
    if isinstance(device, str):
        return devices(device)[0]
    if not isinstance(device, Device):
        raise TypeError(f"[device_put] expected an ember Device (see ember.devices()), got {device!r}")
    if device.platform == "cuda":
        known = devices("cuda")
        if device not in known:
            raise ValueError(f"[device_put] no device {device!r}: the driver reports {known}")
    return device


def device_put(x, device=None):
    """A copy of `x` (an array, NumPy array, scalar, or a pytree of them) on `device` (default: the CPU).

    Arrays already there are returned as they are. Arrays on a CUDA device stay there through jitted calls
    (which then run on that device) and come back to the host through ``np.asarray`` or ``device_get``.

    >>> import numpy as np, ember as em
    >>> x = em.device_put(np.arange(3.0), em.devices("cpu")[0])
    >>> x.device
    CpuDevice(id=0)
    """
    from . import tree_util

    target = _resolve(device)
    return tree_util.tree_map(lambda leaf: _core._device_put(leaf, target.platform, target.id), x)


def device_get(x):
    """The arrays of `x` (a pytree) as NumPy arrays on the host, waiting for the devices that compute them.

    >>> import ember as em, ember.numpy as enp
    >>> em.device_get({"a": enp.ones(2)})
    {'a': array([1., 1.], dtype=float32)}
    """
    import numpy as np

    from . import tree_util

    return tree_util.tree_map(np.asarray, x)


def default_backend() -> str:
    """The platform new arrays and jit calls use by default: the CPU. Calls run on a CUDA device when their
    arguments are there (``device_put``) or jit's `device` says so.

    >>> import ember as em
    >>> em.default_backend()
    'cpu'
    """
    return "cpu"


def _backend_and_device(backend: str | None, device) -> tuple[str | None, int]:
    """jit's backend and device index for `device` (None, "cpu", or a Device)."""
    if device is None or device == "cpu" or device == _CPU:
        return backend, 0
    if isinstance(device, Device) and device.platform == "cuda":
        if backend not in (None, "cuda"):
            raise ValueError(f"[jit] device {device!r} needs backend 'cuda', got backend {backend!r}")
        return "cuda", device.id
    raise ValueError(f"[jit] expected a CPU device or one of ember.devices('cuda'), got {device!r}")
