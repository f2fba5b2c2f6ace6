"""Testing helpers: gradient checks against finite differences and dtype-aware comparisons.

>>> import ember as em, ember.numpy as enp
>>> em.testing.check_grads(lambda x: enp.sin(x) * x, (0.7,), order=2)
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from . import _core
from ._transforms import jvp, vjp
from .tree_util import tree_flatten, tree_map, tree_unflatten

_TOLERANCE = {"float16": 1e-2, "bfloat16": 5e-2, "float32": 1e-3, "float64": 1e-5, "complex64": 1e-3,
              "complex128": 1e-5}


def _dtype_name(x) -> str:
    return np.dtype(_core._to_tensor(x).dtype).name


def _tolerance(x) -> float:
    return _TOLERANCE.get(_dtype_name(x), 1e-5)


def assert_allclose(actual, desired, *, rtol: float | None = None, atol: float | None = None, err_msg: str = ""):
    """Compares (pytrees of) arrays with tolerances chosen from the dtype when not given.

    >>> import ember.numpy as enp, ember as em
    >>> em.testing.assert_allclose(enp.asarray([1.0, 2.0]), [1.0, 2.0 + 1e-7])
    """
    a_leaves, a_tree = tree_flatten(actual)
    if a_tree.is_leaf():  # one array: `desired` may be any array-like (a list of numbers, say)
        d_leaves, d_tree = [desired], a_tree
    else:
        d_leaves, d_tree = tree_flatten(desired)
    if a_tree != d_tree:
        raise AssertionError(f"structures differ: {a_tree} and {d_tree}")
    for a, d in zip(a_leaves, d_leaves):
        tol = _tolerance(a)
        a_np = np.asarray(a)
        wide = np.complex128 if a_np.dtype.kind == "c" or np.asarray(d).dtype.kind == "c" else np.float64
        np.testing.assert_allclose(a_np.astype(wide), np.asarray(d).astype(wide), rtol=tol if rtol is None else rtol,
                                   atol=tol if atol is None else atol, err_msg=err_msg, equal_nan=True)


def _random_like(rng, x):
    t = _core._to_tensor(x)
    shape, dtype = t.shape, np.dtype(t.dtype)
    r = rng.standard_normal(shape)
    if dtype.kind == "c":
        r = r + 1j * rng.standard_normal(shape)
    return _core.asarray(r.astype(np.complex128 if dtype.kind == "c" else np.float64), dtype)


def _scaled_add(xs, ts, eps):
    return [x + eps * t for x, t in zip(xs, ts)]


def _numerical_jvp(f, primals, tangents, eps):
    plus = f(*_scaled_add(primals, tangents, eps))
    minus = f(*_scaled_add(primals, tangents, -eps))
    return tree_map(lambda p, m: (p - m) / (2 * eps), plus, minus)


def check_jvp(f: Callable, primals: Sequence, *, eps: float | None = None, atol=None, rtol=None, seed: int = 0):
    """jvp of f against central finite differences along a random direction."""
    rng = np.random.default_rng(seed)
    primals = [_core.asarray(p) for p in primals]
    tangents = [_random_like(rng, p) for p in primals]
    eps = eps or (1e-4 if _dtype_name(primals[0]) in ("float64", "complex128") else 1e-2)
    _, tangent_out = jvp(f, primals, tangents)
    assert_allclose(tangent_out, _numerical_jvp(f, primals, tangents, eps), atol=atol, rtol=rtol,
                    err_msg="jvp differs from finite differences")


def check_vjp(f: Callable, primals: Sequence, *, atol=None, rtol=None, seed: int = 1):
    """vjp against jvp: <vjp(u), v> = <u, jvp(v)> (real parts, JAX's convention for complex values)."""
    rng = np.random.default_rng(seed)
    primals = [_core.asarray(p) for p in primals]
    v = [_random_like(rng, p) for p in primals]
    out, jv = jvp(f, primals, v)
    u = tree_map(lambda o: _random_like(rng, o), out)
    _, pullback = vjp(f, *primals)
    cts = pullback(u)
    lhs = sum(np.sum(np.asarray(c) * np.asarray(vi)) for c, vi in zip(cts, v))
    rhs = sum(np.sum(np.asarray(a) * np.asarray(b)) for a, b in zip(tree_flatten(u)[0], tree_flatten(jv)[0]))
    tol = _tolerance(primals[0]) if atol is None else atol
    if not abs(np.real(lhs) - np.real(rhs)) <= tol * (1 + abs(np.real(rhs))):
        raise AssertionError(f"vjp is not the transpose of jvp: {np.real(lhs)} != {np.real(rhs)}")


def check_grads(f: Callable, args: Sequence, order: int = 2, modes: Sequence[str] = ("fwd", "rev"), *,
                atol=None, rtol=None, eps=None):
    """Checks the derivatives of f up to `order` in the given modes, as jax.test_util.check_grads: forward
    mode against finite differences, reverse mode against forward mode; higher orders differentiate the
    derivative along a fixed random direction.

    >>> import ember as em, ember.numpy as enp
    >>> em.testing.check_grads(enp.tanh, (0.3,), order=2, modes=("fwd", "rev"))
    """
    for mode in modes:
        if mode not in ("fwd", "rev"):
            raise ValueError(f"[check_grads] expected modes among 'fwd' and 'rev', got {mode!r}")
    args = [_core.asarray(a) for a in args]
    if "fwd" in modes:
        check_jvp(f, args, eps=eps, atol=atol, rtol=rtol)
    if "rev" in modes:
        check_vjp(f, args, atol=atol, rtol=rtol)
    if order > 1:
        rng = np.random.default_rng(order)
        direction = [_random_like(rng, a) for a in args]

        def derivative(*xs):
            return jvp(f, xs, direction)[1]

        check_grads(derivative, args, order - 1, modes, atol=atol, rtol=rtol, eps=eps)
