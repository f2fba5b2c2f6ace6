"""Devices: the CPU always, CUDA devices when the NVIDIA driver reports some; what is missing otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import ember as em

STATUS = em._core._cuda_status()
STUB = "/usr/local/cuda/lib64/stubs/libcuda.so"


def test_the_cpu_is_always_the_first_device():
    assert em.devices("cpu") == [em.devices()[0]]
    assert em.devices()[0].platform == "cpu"
    assert all(d.platform == "cuda" for d in em.devices()[1:])
    with pytest.raises(ValueError, match=r"\[devices\] expected kind 'cpu', 'cuda' or None, got 'tpu'"):
        em.devices("tpu")


def test_cuda_devices_are_listed_or_the_error_says_what_is_missing():
    if STATUS["available"]:
        found = em.devices("cuda")
        assert [d.id for d in found] == [d["index"] for d in STATUS["devices"]]
        assert all(d["compute_capability"][0] >= 5 and d["memory_bytes"] > 0 for d in STATUS["devices"])
    else:
        with pytest.raises(RuntimeError) as info:
            em.devices("cuda")
        assert str(info.value) == f"[devices] no CUDA device: {STATUS['why']}"
        assert STATUS["why"] and em.devices() == em.devices("cpu")


def status_in_subprocess(libcuda):
    code = "import ember as em; s = em._core._cuda_status(); print(s['available'], s['why'])"
    env = dict(os.environ, EMBER_LIBCUDA=libcuda)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(STATUS["available"], reason="this machine has a working driver")
def test_a_missing_driver_names_the_libraries_tried():
    if "without CUDA" in STATUS["why"]:
        pytest.skip("ember was built without CUDA")
    out = status_in_subprocess("/nonexistent/libcuda.so")
    assert out.startswith("False the NVIDIA driver library was not found (tried /nonexistent/libcuda.so, libcuda.so.1")


@pytest.mark.skipif(STATUS["available"] or not os.path.exists(STUB), reason="needs the toolkit's stub and no driver")
def test_the_toolkits_stub_library_is_refused_with_the_drivers_error():
    # The stub has every symbol but cuInit fails (CUDA_ERROR_STUB_LIBRARY = 34): no crash, a reason.
    out = status_in_subprocess(STUB)
    assert out.startswith("False cuInit failed:") and "CUresult 34" in out, out


def test_jit_for_a_cuda_device_uses_the_cuda_backend_or_says_what_is_missing():
    if "cuda" not in em.backends():  # built without CUDA
        with pytest.raises(ValueError, match="backend"):
            em.jit(lambda x: x, device=em.Device("cuda", 0))
        return
    f = em.jit(lambda x: x * 2 + 1, device=em.Device("cuda", 0))
    x = np.arange(5, dtype=np.float32)
    if STATUS["available"]:
        np.testing.assert_array_equal(np.asarray(f(x)), x * 2 + 1)
    else:
        with pytest.raises(RuntimeError, match=r"^\[cuda\] no CUDA device: "):
            f(x)
    with pytest.raises(ValueError, match=r"needs backend 'cuda', got backend 'cpu'"):
        em.jit(lambda x: x, device=em.Device("cuda", 0), backend="cpu")


def test_device_put_on_the_cpu_and_what_asking_for_a_missing_device_says():
    x = em.device_put(np.arange(4.0), em.devices("cpu")[0])
    assert x.device == em.devices("cpu")[0] and em.device_put(x) is not None
    assert em.device_get([x])[0].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert em.device_put({"a": 1.5}, "cpu")["a"].device.platform == "cpu"
    with pytest.raises(TypeError, match=r"\[device_put\] expected an ember Device"):
        em.device_put(x, 0)
    if not STATUS["available"]:
        with pytest.raises(RuntimeError, match=r"^\[devices\] no CUDA device: "):
            em.device_put(x, "cuda")
        with pytest.raises(RuntimeError, match=r"^\[devices\] no CUDA device: "):
            em.device_put(x, em.Device("cuda", 0))
