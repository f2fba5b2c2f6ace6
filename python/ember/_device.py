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


def default_backend() -> str:
    """The platform jit compiles for by default (the CPU; CUDA devices are chosen with jit's `device`).

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
