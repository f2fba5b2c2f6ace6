"""Where the cpu backend's code comes from: the in-process cache, the disk cache shared by processes (with
its integrity checks and size bound), and tiered compilation. Processes are real subprocesses, so a
"second process does not compile" is observed through the backend's build counters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import ember as em
import ember.numpy as enp

pytestmark = pytest.mark.skipif("cpu" not in em.backends(), reason="ember was built without the CPU backend")

# A child process: jits a few functions, checks their results against NumPy, prints the build counters.
CHILD = textwrap.dedent(
    """
    import json, sys, numpy as np, ember as em, ember.numpy as enp
    tiered = sys.argv[1] == "tiered"
    scales = [float(s) for s in sys.argv[2].split(",")]
    x = np.linspace(-2, 2, 1000).astype(np.float32)
    for s in scales:
        f = em.jit(lambda v: enp.tanh(v * s) - enp.mean(v), compiler_options={"tiered": tiered})
        np.testing.assert_allclose(np.asarray(f(x)), np.tanh(x * s) - x.mean(), rtol=1e-5, atol=1e-6)
    if tiered:
        em._core._wait_for_background_builds()
    print(json.dumps(em._core._cpu_compile_stats()))
    """
)


def run_child(cache: Path, scales="1.5", tiered=False, **env) -> dict:
    environment = {**os.environ, "EMBER_CACHE_DIR": str(cache), **env}
    out = subprocess.run([sys.executable, "-c", CHILD, "tiered" if tiered else "full", scales], env=environment,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "cpu").glob("*.bin"))


def test_a_second_process_loads_the_code_from_disk(tmp_path):
    first = run_child(tmp_path)
    assert first["compiles"] == 1 and first["disk_stores"] == 1 and first["disk_hits"] == 0
    assert len(entries(tmp_path)) == 1
    second = run_child(tmp_path)
    assert second["compiles"] == 0 and second["disk_hits"] == 1
    # Another function (a different constant in its IR) is another entry.
    third = run_child(tmp_path, scales="2.5")
    assert third["compiles"] == 1 and len(entries(tmp_path)) == 2


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign", "empty"])
def test_a_damaged_entry_is_discarded_and_rebuilt(tmp_path, damage):
    run_child(tmp_path, scales="1.5")
    run_child(tmp_path, scales="3.5")
    a, b = entries(tmp_path)
    data = a.read_bytes()
    if damage == "flip":
        a.write_bytes(data[:-100] + bytes([data[-100] ^ 0x40]) + data[-99:])
    elif damage == "truncate":
        a.write_bytes(data[: len(data) // 2])
    elif damage == "foreign":
        a.write_bytes(b.read_bytes())  # another key's entry under this key's name
    else:
        a.write_bytes(b"")
    stats = run_child(tmp_path, scales="1.5,3.5")
    assert stats["disk_rejected"] == 1 and stats["compiles"] == 1 and stats["disk_hits"] == 1
    # The rebuilt entry is whole again.
    assert run_child(tmp_path, scales="1.5,3.5")["compiles"] == 0


def test_the_cache_stays_under_its_size_bound(tmp_path):
    run_child(tmp_path, scales="1.5")
    one_entry = entries(tmp_path)[0].stat().st_size
    bound_mb = 2.5 * one_entry / 2**20  # room for two entries
    stats = run_child(tmp_path, scales="2.5,3.5,4.5,5.5", EMBER_CACHE_MAX_MB=str(bound_mb))
    assert stats["disk_evicted"] >= 2
    assert sum(p.stat().st_size for p in entries(tmp_path)) <= bound_mb * 2**20
    assert not list((tmp_path / "cpu").glob(".tmp-*"))


def test_processes_sharing_the_directory_at_once(tmp_path):
    environment = {**os.environ, "EMBER_CACHE_DIR": str(tmp_path)}
    scales = ",".join(str(1 + i / 8) for i in range(6))
    children = [subprocess.Popen([sys.executable, "-c", CHILD, "full", scales], env=environment,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
    assert len(entries(tmp_path)) == 6
    assert run_child(tmp_path, scales=scales)["compiles"] == 0


def test_the_disk_cache_can_be_turned_off(tmp_path):
    run_child(tmp_path, EMBER_DISK_CACHE="0")
    assert not (tmp_path / "cpu").exists() or not entries(tmp_path)


def test_tiered_compilation_stores_only_the_optimised_build(tmp_path):
    stats = run_child(tmp_path, tiered=True)
    assert stats["quick_compiles"] == 1 and stats["compiles"] == 1 and stats["disk_stores"] == 1
    # A later process finds the optimised build and needs no quick one.
    again = run_child(tmp_path, tiered=True)
    assert again["quick_compiles"] == 0 and again["compiles"] == 0 and again["disk_hits"] == 1


def test_tiered_code_gives_the_same_results_before_and_after_it_is_replaced():
    x = np.random.default_rng(3).standard_normal((64, 257)).astype(np.float32)

    def f(v):
        z = v - v.max(axis=-1, keepdims=True)
        return enp.exp(z) / enp.exp(z).sum(axis=-1, keepdims=True) + enp.log1p(v * v)

    before = em._core._cpu_compile_stats()
    g = em.jit(f, compiler_options={"tiered": True})
    quick = np.asarray(g(x))
    em._core._wait_for_background_builds()
    optimised = np.asarray(g(x))
    after = em._core._cpu_compile_stats()
    assert after["quick_compiles"] == before["quick_compiles"] + 1
    assert after["compiles"] == before["compiles"] + 1
    reference = np.asarray(em.jit(f, backend="interpreter")(x))
    np.testing.assert_allclose(quick, reference, rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(optimised, reference, rtol=2e-6, atol=1e-6)


def test_identical_functions_share_code_in_one_process():
    x = np.arange(12.0).reshape(3, 4)
    before = em._core._cpu_compile_stats()
    f = em.jit(lambda v: enp.sin(v) * 3.25 + 1.0)
    g = em.jit(lambda v: enp.sin(v) * 3.25 + 1.0)  # another jit object, the same IR
    a, b = f(x), g(x)
    after = em._core._cpu_compile_stats()
    assert after["compiles"] == before["compiles"] + 1 and after["memory_hits"] == before["memory_hits"] + 1
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_unknown_compiler_options_are_an_error():
    with pytest.raises(ValueError, match="unknown compiler_options"):
        em.jit(lambda v: v, compiler_options={"tierd": True})
