"""The transform sweep driven by the op database (issue "Transforms I", item 6), in float64 (and
complex128 where the op accepts it): JVP against central finite differences; <vjp(u), v> = <u, jvp(v)>;
second derivatives of smooth ops; vmap against a Python loop (in_axes 0, 1, None; out_axes -1); grad of vmap
against a loop of grads. CI runs a fixed-seed sample; EMBER_FULL_SWEEP=1 runs everything."""

from __future__ import annotations

import os
import random
import zlib

import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from opdb import OPS, Sample, np_dtype

FULL = os.environ.get("EMBER_FULL_SWEEP") == "1"
# Ops whose derivative jumps (abs at 0, max/min at ties): first derivatives only.
NONSMOOTH = {"absolute", "maximum", "minimum", "max", "min", "clip", "std", "cbrt", "getitem"}


def _choose(pairs, fraction, seed):
    rnd = random.Random(seed)
    return [p for p in pairs if FULL or rnd.random() < fraction]


def ad_pairs():
    pairs = []
    for op in OPS:
        if not op.differentiable:
            continue
        for d in ("float64", "complex128"):
            if d in op.dtypes:
                pairs.append(pytest.param(op, d, id=f"{op.name}-{d}"))
    return _choose(pairs, 0.5, 7)


def vmap_pairs():
    pairs = [pytest.param(op, d, id=f"{op.name}-{d}") for op in OPS for d in op.dtypes]
    return _choose(pairs, 0.15, 11)


def _seed(*parts) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32("/".join(map(str, parts)).encode()))


def _array_positions(sample):
    return [i for i, a in enumerate(sample.args) if isinstance(a, np.ndarray)]


def _finite(sample) -> bool:
    return all(np.all(np.isfinite(a)) for a in sample.args if isinstance(a, np.ndarray) and a.dtype.kind in "fc")


def _as_function(op, sample, positions):
    """The op as a function of its array arguments (the rest fixed)."""

    def f(*arrays):
        args = list(sample.args)
        for i, a in zip(positions, arrays):
            args[i] = a
        return op.op(*args, **sample.kwargs)

    return f


def _random_like(rng, x):
    x = np.asarray(x)
    r = rng.standard_normal(x.shape)
    if x.dtype.kind == "c":
        r = r + 1j * rng.standard_normal(x.shape)
    return r.astype(x.dtype)


def _inner(a, b) -> complex:
    return complex(np.sum(np.asarray(a) * np.asarray(b)))


def _zero_variance(s) -> bool:
    """std is not differentiable where the variance is 0 (a single element along the reduced axes)."""
    x = s.args[0]
    axis = s.kwargs.get("axis")
    axes = range(x.ndim) if axis is None else ([axis] if isinstance(axis, int) else axis)
    return int(np.prod([x.shape[a] for a in axes])) <= 1


# Points where an op is not differentiable, excluded from the finite-difference comparisons.
NOT_DIFFERENTIABLE_AT = {"std": _zero_variance}


def _differentiable_samples(op, dtype):
    rng = _seed(op.name, dtype)
    out = []
    excluded = NOT_DIFFERENTIABLE_AT.get(op.name, lambda s: False)
    for s in op.samples(rng, dtype):
        pos = [i for i in _array_positions(s) if s.args[i].dtype.kind in "fc"]
        if pos and _finite(s) and all(s.args[i].size > 0 for i in pos) and not excluded(s):
            out.append((s, pos))
    return out[:4]


@pytest.mark.parametrize("op,dtype", ad_pairs())
def test_jvp_matches_finite_differences(op, dtype):
    rng = _seed("jvp", op.name, dtype)
    for sample, pos in _differentiable_samples(op, dtype):
        f = _as_function(op, sample, pos)
        x = [sample.args[i] for i in pos]
        t = [_random_like(rng, a) for a in x]
        _, tangent = em.jvp(f, x, t)
        eps = 1e-6
        plus = np.asarray(f(*[a + eps * d for a, d in zip(x, t)]))
        minus = np.asarray(f(*[a - eps * d for a, d in zip(x, t)]))
        fd = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(np.asarray(tangent), fd, rtol=2e-5, atol=2e-5, err_msg=f"{op.name}{sample!r}")


@pytest.mark.parametrize("op,dtype", ad_pairs())
def test_vjp_is_the_transpose_of_jvp(op, dtype):
    rng = _seed("vjp", op.name, dtype)
    for sample, pos in _differentiable_samples(op, dtype):
        f = _as_function(op, sample, pos)
        x = [sample.args[i] for i in pos]
        v = [_random_like(rng, a) for a in x]
        y, jv = em.jvp(f, x, v)
        u = _random_like(rng, np.asarray(y))
        _, pullback = em.vjp(f, *x)
        vjp_u = pullback(u)
        # JAX's convention: the vjp is the transpose (not the adjoint) of the real-linear jvp, so the real parts
        # of the bilinear (unconjugated) pairings agree; for holomorphic ops the imaginary parts do too.
        lhs = sum(_inner(g, vi) for g, vi in zip(vjp_u, v)).real
        rhs = _inner(u, jv).real
        assert abs(lhs - rhs) <= 1e-9 * (1 + abs(rhs)), f"{op.name}{sample!r}: {lhs} != {rhs}"


@pytest.mark.parametrize("op,dtype", [p for p in ad_pairs() if p.values[0].name not in NONSMOOTH])
def test_second_derivatives_match_finite_differences(op, dtype):
    rng = _seed("hvp", op.name, dtype)
    for sample, pos in _differentiable_samples(op, dtype)[:2]:
        f = _as_function(op, sample, pos)
        x = [sample.args[i] for i in pos]
        t = [_random_like(rng, a) for a in x]
        s = [_random_like(rng, a) for a in x]

        def first(*xs):
            return em.jvp(f, list(xs), t)[1]

        _, second = em.jvp(first, x, s)
        eps = 1e-5
        fd = (np.asarray(first(*[a + eps * d for a, d in zip(x, s)])) -
              np.asarray(first(*[a - eps * d for a, d in zip(x, s)]))) / (2 * eps)
        np.testing.assert_allclose(np.asarray(second), fd, rtol=1e-4, atol=1e-4, err_msg=f"{op.name}{sample!r}")


# vmap may reassociate contractions and reductions (a batched gemm sums in another order than one per member).
VMAP_TOL = {"float16": 2e-3, "bfloat16": 1.6e-2, "float32": 2e-6, "float64": 1e-13, "complex64": 2e-6,
            "complex128": 1e-13}


def _assert_batched_equal(got, expected, what):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape, what
    name = "bfloat16" if got.dtype == np.dtype("bfloat16") else got.dtype.name
    if name not in VMAP_TOL:
        np.testing.assert_array_equal(got, expected, err_msg=what)
        return
    wide = np.complex128 if got.dtype.kind == "c" else np.float64
    np.testing.assert_allclose(got.astype(wide), expected.astype(wide), rtol=VMAP_TOL[name], atol=VMAP_TOL[name],
                               equal_nan=True, err_msg=what)


def _members(rng, a, n=3):
    """n different instances of a sample argument with the same shape and domain (permuted values)."""
    flat = a.reshape(-1)
    return [a] + [rng.permutation(flat).reshape(a.shape) for _ in range(n - 1)]


@pytest.mark.parametrize("op,dtype", vmap_pairs())
def test_vmap_matches_a_loop(op, dtype):
    rng = _seed("vmap", op.name, dtype)
    for sample in op.samples(_seed(op.name, dtype), dtype)[:4]:
        pos = _array_positions(sample)
        if not pos:
            continue
        f = _as_function(op, sample, pos)
        members = [_members(rng, sample.args[i]) for i in pos]
        per = [[m[k] for m in members] for k in range(3)]
        expected = np.stack([np.asarray(f(*p)) for p in per])
        stacked = [np.stack(m) for m in members]
        # in_axes 0 for every array argument
        got = np.asarray(em.vmap(f)(*stacked))
        _assert_batched_equal(got, expected, f"vmap {op.name}{sample!r}")
        # in_axes 1 (where the argument has a dimension to put it after), out_axes -1
        axes = tuple(1 if sample.args[i].ndim >= 1 else 0 for i in pos)
        moved = [np.moveaxis(st, 0, ax) for st, ax in zip(stacked, axes)]
        got = np.asarray(em.vmap(f, in_axes=axes, out_axes=-1)(*moved))
        _assert_batched_equal(got, np.moveaxis(expected, 0, -1), f"vmap axes {op.name}{sample!r}")
        # None: only the first array argument mapped
        if len(pos) > 1:
            first_only = (0,) + (None,) * (len(pos) - 1)
            exp1 = np.stack([np.asarray(f(members[0][k], *[sample.args[i] for i in pos[1:]])) for k in range(3)])
            got1 = np.asarray(em.vmap(f, in_axes=first_only)(stacked[0], *[sample.args[i] for i in pos[1:]]))
            _assert_batched_equal(got1, exp1, f"vmap None {op.name}{sample!r}")


@pytest.mark.parametrize("op,dtype", [p for p in ad_pairs() if p.values[1] == "float64"])
def test_grad_of_vmap_matches_a_loop_of_grads(op, dtype):
    rng = _seed("gradvmap", op.name, dtype)
    for sample, pos in _differentiable_samples(op, dtype)[:2]:
        f = _as_function(op, sample, pos)
        x = [sample.args[i] for i in pos]
        members = [_members(rng, a) for a in x]
        stacked = [np.stack(m) for m in members]
        out_shape = np.shape(np.asarray(f(*x)))
        w = rng.standard_normal((3,) + out_shape)

        def batched_loss(*xs):
            return enp.sum(em.vmap(f)(*xs) * w)

        grads = em.grad(batched_loss, argnums=tuple(range(len(x))))(*stacked)
        for k in range(3):
            gk = em.grad(lambda *xs: enp.sum(f(*xs) * w[k]), argnums=tuple(range(len(x))))(*[m[k] for m in members])
            for gi, gki in zip(grads, gk):
                np.testing.assert_allclose(np.asarray(gi)[k], np.asarray(gki), rtol=1e-10, atol=1e-12,
                                           err_msg=f"grad(vmap) {op.name}{sample!r}")


def _assert_trees_close(got, expected, what):
    got, expected = em.tree_util.tree_leaves(got), em.tree_util.tree_leaves(expected)
    assert len(got) == len(expected), what
    for g, e in zip(got, expected):
        g, e = np.asarray(g), np.asarray(e)
        assert g.dtype == e.dtype and g.shape == e.shape, what
        # The backend may reassociate reductions; float64 leaves little room otherwise.
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=what)


# The compiled backend under test: "cpu" here; tests/gpu/run.sh sets "cuda".
COMPILED = os.environ.get("EMBER_TEST_COMPILED_BACKEND", "cpu")


@pytest.mark.skipif(COMPILED not in em.backends(), reason=f"ember was built without the {COMPILED} backend")
@pytest.mark.parametrize("op,dtype", [p for p in ad_pairs() if p.values[1] == "float64"])
def test_derivatives_compiled_match_eager(op, dtype):
    """jvp, vjp and grad of vmap, jitted on the compiled backend, against eager mode (the reference executor)."""
    rng = _seed("cpu", op.name, dtype)
    for sample, pos in _differentiable_samples(op, dtype)[:2]:
        f = _as_function(op, sample, pos)
        x = [sample.args[i] for i in pos]
        t = [_random_like(rng, a) for a in x]
        u = _random_like(rng, np.asarray(f(*x)))
        stacked = [np.stack(_members(rng, a)) for a in x]

        def derivatives(xs, ts, u, stacked):
            _, tangent = em.jvp(f, xs, ts)
            _, pullback = em.vjp(f, *xs)
            per_member = em.grad(lambda *s: enp.sum(em.vmap(f)(*s)), argnums=tuple(range(len(xs))))(*stacked)
            return tangent, pullback(u), per_member

        expected = derivatives(x, t, u, stacked)
        got = em.jit(derivatives, backend=COMPILED)(x, t, u, stacked)
        _assert_trees_close(got, expected, f"{op.name}{sample!r}")


@pytest.mark.skipif(COMPILED not in em.backends(), reason=f"ember was built without the {COMPILED} backend")
@pytest.mark.parametrize("op,dtype", vmap_pairs())
def test_vmap_compiled_matches_eager(op, dtype):
    rng = _seed("cpu-vmap", op.name, dtype)
    for sample in op.samples(_seed(op.name, dtype), dtype)[:2]:
        pos = _array_positions(sample)
        if not pos:
            continue
        f = _as_function(op, sample, pos)
        stacked = [np.stack(_members(rng, sample.args[i])) for i in pos]
        got = em.jit(em.vmap(f), backend=COMPILED)(*stacked)
        _assert_batched_equal(got, em.vmap(f)(*stacked), f"vmap on {COMPILED} {op.name}{sample!r}")
