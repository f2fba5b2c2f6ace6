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
from opdb import ALL_OPS, BF16, DEFAULT_TOL, OPS, Sample, covered_names, np_dtype

FULL = os.environ.get("EMBER_FULL_SWEEP") == "1"
# In CI: every op with at least its float32 (or first) dtype, plus a seeded sample of the other pairs.
SAMPLE_FRACTION = 0.35


def op_dtype_pairs():
    pairs = []
    chooser = random.Random(1234)
    for op in ALL_OPS:
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
    if isinstance(a, (list, tuple)):
        return type(a)(_upcast(x) for x in a)
    return a


def _bf16_as_f16(a):
    if _is_array(a) and a.dtype == BF16:
        return a.astype(np.float16)
    if isinstance(a, (list, tuple)):
        return type(a)(_bf16_as_f16(x) for x in a)
    return a


def _array_dtypes(a):
    if _is_array(a):
        return [a.dtype]
    if isinstance(a, (list, tuple)):
        return [d for x in a for d in _array_dtypes(x)]
    return []


def _input_dtypes(sample):
    out = []
    for a in sample.args:
        out += _array_dtypes(a)
    if "dtype" in sample.kwargs:
        out.append(np.dtype(sample.kwargs["dtype"]))
    return out


def leaves(result):
    """The arrays of a result: one array, or the members of a tuple/list (namedtuples included)."""
    if isinstance(result, (tuple, list)):
        return [leaf for r in result for leaf in leaves(r)]
    return [np.asarray(result)]


def expected_dtypes(op, sample):
    """NumPy's result dtypes, with ember's defaults: float32/complex64 where NumPy produces float64/complex128
    from inputs that are not (ember follows JAX and PyTorch there)."""
    has_bf16 = any(d == BF16 for d in _input_dtypes(sample))
    args = [_bf16_as_f16(a) for a in sample.args] if has_bf16 else sample.args
    kwargs = {k: _bf16_as_f16(v) for k, v in sample.kwargs.items()} if has_bf16 else dict(sample.kwargs)
    if has_bf16 and kwargs.get("dtype") == BF16:
        kwargs["dtype"] = np.float16
    with np.errstate(all="ignore"):
        ds = [r.dtype for r in leaves(op.ref(*args, **kwargs))]
    inputs = _input_dtypes(sample)
    out = []
    for d in ds:
        if has_bf16 and d == np.float16:
            d = BF16
        if not op.keep_float64:
            if d == np.float64 and not any(x in (np.float64, np.complex128) for x in inputs):
                d = np.dtype(np.float32)
            if d == np.complex128 and not any(x in (np.float64, np.complex128) for x in inputs):
                d = np.dtype(np.complex64)
        out.append(d)
    return out


def expected_dtype(op, sample):
    return expected_dtypes(op, sample)[0]


def reference(op, sample, out_dtype=None):
    args = [_upcast(a) for a in sample.args] if op.upcast_ref else sample.args
    kwargs = {k: _upcast(v) for k, v in sample.kwargs.items()} if op.upcast_ref else dict(sample.kwargs)
    if op.upcast_ref and kwargs.get("dtype") in (np.float16, np.float32, BF16):
        kwargs["dtype"] = np.float64
    with np.errstate(all="ignore"):
        return op.ref(*args, **kwargs)


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
        want_dtypes = expected_dtypes(op, sample)
        got = leaves(run_ember(op, sample))
        ref = leaves(reference(op, sample))
        assert len(got) == len(ref), f"{what}: {len(got)} results != {len(ref)}"
        for k, (g, r, d) in enumerate(zip(got, ref, want_dtypes)):
            part = what if len(got) == 1 else f"{what} result {k}"
            assert g.dtype == d, f"{part}: dtype {g.dtype} != {d}"
            assert_matches(g, r, d, tolerance(op, d), part)


def _is_dynamic(op, a):
    """Arrays (and lists of arrays) are traced arguments under jit; Python numbers are too (weak scalar
    operands) unless the entry says they are configuration. Everything else is baked into the function."""
    if _is_array(a) or (isinstance(a, list) and a and all(_is_array(x) for x in a)):
        return True
    return isinstance(a, (bool, int, float, complex)) and not op.static_numbers


def _eager_and_jit(op, sample, backend):
    """The sample's results in eager mode and under jit with `backend` (arrays traced as arguments)."""
    # Data-dependent result shapes: a static size= (given to the eager call too), or the data closed over
    # as constants.
    jit_kwargs = dict(sample.kwargs, **(op.jit_kwargs(sample) if op.jit_kwargs else {}))
    eager = leaves(run_ember(op, Sample(sample.args, jit_kwargs)))
    dynamic = [] if op.concrete_only else [i for i, a in enumerate(sample.args) if _is_dynamic(op, a)]

    def f(*dyn):
        args = [enp.asarray(a) if _is_array(a) else a for a in sample.args]
        for i, v in zip(dynamic, dyn):
            args[i] = v
        return op.op(*args, **jit_kwargs)

    dyn_args = [enp.asarray(sample.args[i]) if _is_array(sample.args[i]) else sample.args[i] for i in dynamic]
    got = leaves(em.jit(f, backend=backend)(*dyn_args))
    assert len(got) == len(eager), f"{op.name}{sample!r}: {len(got)} results under jit != {len(eager)}"
    return eager, got


@pytest.mark.parametrize("op,dtype", op_dtype_pairs())
def test_jit_matches_eager(op, dtype):
    for sample in samples_for(op, dtype):
        what = f"{op.name}{sample!r}"
        eager, got = _eager_and_jit(op, sample, "interpreter")
        for k, (g, e) in enumerate(zip(got, eager)):
            # The interpreter runs the same kernels as eager mode: identical bits, NaN payloads included.
            assert_same_bits(g, e, what if len(got) == 1 else f"{what} result {k}")


# The compiled backend under test: "cpu" here; tests/gpu/run.sh sets "cuda".
COMPILED = os.environ.get("EMBER_TEST_COMPILED_BACKEND", "cpu")


# The native CPU backend compiles every primitive: each case matches eager mode within the op's tolerance.
@pytest.mark.skipif(COMPILED not in em.backends(), reason=f"ember was built without the {COMPILED} backend")
@pytest.mark.parametrize("op,dtype", op_dtype_pairs())
def test_compiled_backend_matches_eager(op, dtype):
    for sample in samples_for(op, dtype):
        what = f"{op.name}{sample!r}"
        eager, got = _eager_and_jit(op, sample, COMPILED)
        for k, (g, e) in enumerate(zip(got, eager)):
            assert_matches(g, e, e.dtype, tolerance(op, e.dtype), what if len(got) == 1 else f"{what} result {k}")


# Aliases of functions with entries.
ALIASES = {"abs": "absolute", "fabs": "absolute", "fix": "trunc", "mod": "remainder", "pow": "power",
           "divide": "true_divide", "conj": "conjugate", "amax": "max", "amin": "min", "around": "round",
           "bitwise_not": "invert", "concat": "concatenate", "permute_dims": "transpose", "identity": "eye",
           "acos": "arccos", "acosh": "arccosh", "asin": "arcsin", "asinh": "arcsinh", "atan": "arctan",
           "atanh": "arctanh", "atan2": "arctan2", "bitwise_invert": "invert", "bitwise_left_shift": "left_shift",
           "bitwise_right_shift": "right_shift"}
# Conversions and queries, tested in test_array.py; creation helpers built on tested ones. dtype and memory
# queries (no array results) are tested against NumPy in test_numpy_api.py.
UTILITIES = {"asarray", "array", "astype", "result_type", "promote_types", "shape", "ndim", "size", "empty",
             "empty_like", "zeros_like", "ones_like", "full_like",
             "finfo", "iinfo", "isdtype", "issubdtype", "can_cast", "common_type", "min_scalar_type", "iscomplexobj",
             "isrealobj", "isscalar", "iterable", "isfortran", "shares_memory", "may_share_memory",
             "broadcast_shapes", "einsum_path", "frombuffer", "fromiter", "from_dlpack"}


def test_every_public_function_has_an_entry():
    public = {n for n, v in vars(enp).items()
              if not n.startswith("_") and callable(v) and not isinstance(v, type)
              and getattr(v, "__module__", "").startswith("ember")}
    covered = covered_names() | set(ALIASES) | UTILITIES
    missing = sorted(public - covered)
    assert not missing, f"ember.numpy functions without an op-database entry: {missing}"
    for alias, target in ALIASES.items():
        assert target in covered_names() | UTILITIES, alias


def test_every_nn_function_has_an_entry():
    import ember.nn as enn
    public = {n for n in enn.__all__ if callable(getattr(enn, n))}
    missing = sorted(n for n in public if f"nn.{n}" not in covered_names())
    assert not missing, f"ember.nn functions without an op-database entry: {missing}"
    assert public == {n for n, v in vars(enn).items() if not n.startswith("_") and callable(v)
                      and getattr(v, "__module__", "") == "ember.nn"}, "ember.nn.__all__ is out of date"


def test_op_database_has_at_least_40_entries():
    assert len(OPS) >= 40
