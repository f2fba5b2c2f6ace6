"""Generic tests over the op database: every entry, every applicable dtype, eager against the NumPy
reference and under jit against eager. CI runs a fixed-seed sample of the (op, dtype) pairs;
EMBER_FULL_SWEEP=1 runs all of them."""

from __future__ import annotations

import os
import random
import zlib

import ml_dtypes
import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from opdb import BF16, DEFAULT_TOL, OPS, Sample, covered_names, np_dtype

FULL = os.environ.get("EMBER_FULL_SWEEP") == "1"
# In CI: every op with at least its float32 (or first) dtype, plus a seeded sample of the other pairs.
SAMPLE_FRACTION = 0.35


def op_dtype_pairs():
    pairs = []
    chooser = random.Random(1234)
    for op in OPS:
        for d in op.dtypes:
            primary = d == ("float32" if "float32" in op.dtypes else op.dtypes[0])
            if FULL or primary or chooser.random() < SAMPLE_FRACTION:
                pairs.append(pytest.param(op, d, id=f"{op.name}-{d}"))
    return pairs


def _is_array(a):
    return isinstance(a, np.ndarray)


def _upcast(a):
    if _is_array(a):
        if a.dtype in (np.float16, np.float32, BF16):
            return a.astype(np.float64)
        if a.dtype == np.complex64:
            return a.astype(np.complex128)
    if isinstance(a, list):
        return [_upcast(x) for x in a]
    return a


def _bf16_as_f16(a):
    if _is_array(a) and a.dtype == BF16:
        return a.astype(np.float16)
    if isinstance(a, list):
        return [_bf16_as_f16(x) for x in a]
    return a


def _input_dtypes(sample):
    out = []
    for a in sample.args:
        if _is_array(a):
            out.append(a.dtype)
        elif isinstance(a, list):
            out += [x.dtype for x in a if _is_array(x)]
    if "dtype" in sample.kwargs:
        out.append(np.dtype(sample.kwargs["dtype"]))
    return out


def expected_dtype(op, sample):
    """NumPy's result dtype, with ember's defaults: float32/complex64 where NumPy produces float64/complex128
    from inputs that are not (ember follows JAX and PyTorch there)."""
    has_bf16 = any(d == BF16 for d in _input_dtypes(sample))
    args = [_bf16_as_f16(a) for a in sample.args] if has_bf16 else sample.args
    kwargs = dict(sample.kwargs)
    if has_bf16 and kwargs.get("dtype") == BF16:
        kwargs["dtype"] = np.float16
    with np.errstate(all="ignore"):
        d = np.asarray(op.ref(*args, **kwargs)).dtype
    if has_bf16 and d == np.float16:
        d = BF16
    inputs = _input_dtypes(sample)
    if d == np.float64 and not any(x in (np.float64, np.complex128) for x in inputs):
        d = np.dtype(np.float32)
    if d == np.complex128 and not any(x in (np.float64, np.complex128) for x in inputs):
        d = np.dtype(np.complex64)
    return d


def reference(op, sample, out_dtype):
    args = [_upcast(a) for a in sample.args] if op.upcast_ref else sample.args
    kwargs = dict(sample.kwargs)
    if op.upcast_ref and kwargs.get("dtype") in (np.float16, np.float32, BF16):
        kwargs["dtype"] = np.float64
    with np.errstate(all="ignore"):
        return np.asarray(op.ref(*args, **kwargs))


def tolerance(op, dtype):
    name = "bfloat16" if dtype == BF16 else dtype.name
    return op.tol.get(name, DEFAULT_TOL.get(name, (0.0, 0.0)))


def assert_matches(actual, expected, dtype, tol, what):
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    # The reference is rounded to the result dtype first (a float64 reference that overflows float32 is
    # inf there too).
    with np.errstate(all="ignore"):
        expected = expected.astype(dtype)
    if dtype.kind in "biu":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
        return
    parts = [(np.real, "real"), (np.imag, "imag")] if dtype.kind == "c" else [(lambda v: v, "")]
    for part, name in parts:
        np.testing.assert_allclose(part(actual).astype(np.float64), part(expected).astype(np.float64),
                                   rtol=tol[0], atol=tol[1], equal_nan=True, err_msg=f"{what} {name}")


def assert_same_bits(actual, expected, what):
    assert actual.dtype == expected.dtype and actual.shape == expected.shape, what
    if actual.dtype.kind == "b":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
        return
    # Compare bytes (NaN payloads and signed zeros included); a 1-d view works for every dtype and rank.
    as_bytes = lambda a: np.ascontiguousarray(a).reshape(-1).view(np.uint8)  # noqa: E731
    np.testing.assert_array_equal(as_bytes(actual), as_bytes(expected), err_msg=what)


def run_ember(op, sample):
    args = [enp.asarray(a) if _is_array(a) else a for a in sample.args]
    return op.op(*args, **sample.kwargs)


def samples_for(op, dtype):
    # A stable seed per (op, dtype): Python's str hash changes from process to process.
    rng = np.random.default_rng(zlib.crc32(f"{op.name}/{dtype}".encode()))
    return op.samples(rng, dtype)


@pytest.mark.parametrize("op,dtype", op_dtype_pairs())
def test_eager_matches_numpy(op, dtype):
    for sample in samples_for(op, dtype):
        what = f"{op.name}{sample!r}"
        want_dtype = expected_dtype(op, sample)
        got = np.asarray(run_ember(op, sample))
        assert got.dtype == want_dtype, f"{what}: dtype {got.dtype} != {want_dtype}"
        assert_matches(got, reference(op, sample, want_dtype), want_dtype, tolerance(op, want_dtype), what)


def _is_dynamic(op, a):
    """Arrays (and lists of arrays) are traced arguments under jit; Python numbers are too (weak scalar
    operands) unless the entry says they are configuration. Everything else is baked into the function."""
    if _is_array(a) or (isinstance(a, list) and a and all(_is_array(x) for x in a)):
        return True
    return isinstance(a, (bool, int, float, complex)) and not op.static_numbers


@pytest.mark.parametrize("op,dtype", op_dtype_pairs())
def test_jit_matches_eager(op, dtype):
    for sample in samples_for(op, dtype):
        what = f"{op.name}{sample!r}"
        eager = np.asarray(run_ember(op, sample))
        dynamic = [i for i, a in enumerate(sample.args) if _is_dynamic(op, a)]

        def f(*dyn, sample=sample, dynamic=dynamic):
            args = list(sample.args)
            for i, v in zip(dynamic, dyn):
                args[i] = v
            return op.op(*args, **sample.kwargs)

        dyn_args = [enp.asarray(sample.args[i]) if _is_array(sample.args[i]) else sample.args[i] for i in dynamic]
        got = np.asarray(em.jit(f)(*dyn_args))
        # The interpreter runs the same kernels as eager mode: identical bits, NaN payloads included.
        assert_same_bits(got, eager, what)


# Aliases of functions with entries.
ALIASES = {"abs": "absolute", "fabs": "absolute", "fix": "trunc", "mod": "remainder", "pow": "power",
           "divide": "true_divide", "conj": "conjugate", "amax": "max", "amin": "min", "around": "round",
           "bitwise_not": "invert", "concat": "concatenate", "permute_dims": "transpose", "identity": "eye"}
# Conversions and queries, tested in test_array.py; creation helpers built on tested ones.
UTILITIES = {"asarray", "array", "astype", "result_type", "promote_types", "shape", "ndim", "size", "empty",
             "empty_like", "zeros_like", "ones_like", "full_like"}


def test_every_public_function_has_an_entry():
    public = {n for n, v in vars(enp).items()
              if not n.startswith("_") and callable(v) and not isinstance(v, type)
              and getattr(v, "__module__", "").startswith("ember")}
    covered = covered_names() | set(ALIASES) | UTILITIES
    missing = sorted(public - covered)
    assert not missing, f"ember.numpy functions without an op-database entry: {missing}"
    for alias, target in ALIASES.items():
        assert target in covered_names() | UTILITIES, alias


def test_op_database_has_at_least_40_entries():
    assert len(OPS) >= 40
