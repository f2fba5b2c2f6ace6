"""Devices. Today only the host CPU; CUDA devices arrive with the CUDA backend."""

from __future__ import annotations

from dataclasses import dataclass


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


def devices(kind: str | None = None) -> list[Device]:
    """The devices of `kind` ("cpu"; None means every device).

    >>> import ember as em
    >>> [d.platform for d in em.devices("cpu")]
    ['cpu']
    """
    if kind not in (None, "cpu"):
        raise RuntimeError(f"[devices] expected kind 'cpu' or None, got {kind!r}: no {kind} device is available")
    return [_CPU]


def default_backend() -> str:
    """The platform jit compiles for by default.

    >>> import ember as em
    >>> em.default_backend()
    'cpu'
    """
    return "cpu"


def _check_device(device) -> None:
    if device is None or device == "cpu" or device == _CPU:
        return
    raise ValueError(f"[jit] expected a CPU device, got {device!r}")
