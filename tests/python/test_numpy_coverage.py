"""ember.numpy covers NumPy's public functions and ufuncs: each is either in ember.numpy or in the exclusion
list of docs/numpy_coverage.md (read from the file), which names only string/object/datetime functionality,
file I/O, print options and global settings, in-place functions, aliases NumPy deprecates, NumPy's package
tooling and functions waiting for a primitive."""

from __future__ import annotations

import inspect
import pathlib
import re

import numpy as np

import ember.numpy as enp

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "numpy_coverage.md"


def numpy_public_callables() -> set[str]:
    names = set()
    for n in np.__all__:
        v = getattr(np, n, None)
        if isinstance(v, np.ufunc) or (callable(v) and not isinstance(v, type)):
            names.add(n)
    for n in dir(np):
        if n.startswith("_"):
            continue
        v = getattr(np, n)
        if isinstance(v, np.ufunc) or inspect.isfunction(v) or inspect.isbuiltin(v):
            names.add(n)
    return names


def excluded() -> dict[str, str]:
    """name -> reason, from the lines "- `name`: reason" of the exclusion list."""
    text = DOC.read_text()
    section = text.split("## Exclusion list", 1)[1]
    out = {}
    for line in section.splitlines():
        m = re.match(r"^- `([A-Za-z0-9_]+)`: (.+)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_every_numpy_callable_is_covered_or_excluded():
    missing = sorted(n for n in numpy_public_callables() if not hasattr(enp, n) and n not in excluded())
    assert not missing, f"NumPy functions neither in ember.numpy nor excluded in {DOC.name}: {missing}"


def test_exclusions_are_real_and_not_provided():
    ex = excluded()
    assert len(ex) >= 40
    public = numpy_public_callables()
    # Every excluded name is a NumPy callable that ember.numpy does not provide, with a reason.
    for name, reason in ex.items():
        assert name in public, f"{name} is excluded but is not a public NumPy callable"
        assert not hasattr(enp, name), f"{name} is excluded but ember.numpy provides it"
        assert len(reason) > 10, name


def test_every_numpy_ufunc_on_numbers_is_provided():
    # The ufuncs NumPy has, except the datetime-only isnat, are all in ember.numpy.
    ufuncs = [n for n in dir(np) if isinstance(getattr(np, n), np.ufunc)]
    missing = sorted(n for n in ufuncs if not hasattr(enp, n) and n != "isnat")
    assert not missing, missing
    assert len(ufuncs) >= 100


def test_array_api_namespace():
    assert enp.__array_api_version__ == "2023.12"
    x = enp.ones(3)
    assert x.__array_namespace__() is enp
    info = enp.__array_namespace_info__()
    assert set(info.capabilities()) == {"boolean indexing", "data-dependent shapes"}
    assert info.default_device() in info.devices()
    assert info.default_dtypes() == {"real floating": np.dtype(np.float32), "complex floating": np.dtype(np.complex64),
                                     "integral": np.dtype(np.int64), "indexing": np.dtype(np.int64)}
    assert set(info.dtypes(kind="integral")) == {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                                 "uint64"}
    assert set(info.dtypes(kind=("bool", "complex floating"))) == {"bool", "complex64", "complex128"}
    assert len(info.dtypes()) == 13
    # The standard's function names (2023.12) are all present.
    names = """abs acos acosh add asin asinh atan atan2 atanh bitwise_and bitwise_left_shift bitwise_invert
        bitwise_or bitwise_right_shift bitwise_xor ceil clip conj copysign cos cosh divide equal exp expm1 floor
        floor_divide greater greater_equal hypot imag isfinite isinf isnan less less_equal log log1p log2 log10
        logaddexp logical_and logical_not logical_or logical_xor maximum minimum multiply negative not_equal
        positive pow real remainder round sign signbit sin sinh square sqrt subtract tan tanh trunc
        argmax argmin nonzero searchsorted where all any cumulative_sum max mean min prod std sum var
        unique_all unique_counts unique_inverse unique_values argsort sort matmul matrix_transpose tensordot
        vecdot broadcast_arrays broadcast_to concat expand_dims flip moveaxis permute_dims repeat reshape roll
        squeeze stack tile unstack take astype can_cast finfo iinfo isdtype result_type arange asarray empty
        empty_like eye from_dlpack full full_like linspace meshgrid ones ones_like tril triu zeros zeros_like
        diff nextafter reciprocal count_nonzero cumulative_prod take_along_axis""".split()
    assert not [n for n in names if not callable(getattr(enp, n, None))]
    assert enp.bool is np.bool_ and enp.e == np.e and enp.newaxis is None
