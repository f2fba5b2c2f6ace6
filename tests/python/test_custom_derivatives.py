"""custom_jvp and custom_vjp: the user's rules are what every transform uses (checked with rules that differ
from the true derivative on purpose), and correct rules agree with NumPy and finite differences."""

import numpy as np
import pytest

import ember as em
import ember.numpy as enp


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@em.custom_jvp
def log1pexp(x):
    return enp.log(1.0 + enp.exp(x))


@log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), t * (1.0 - 1.0 / (1.0 + enp.exp(x)))


def test_custom_jvp_gives_a_stable_gradient():
    x = np.array([-30.0, -1.0, 0.0, 2.0, 100.0], np.float32)
    # The plain function's gradient is exp(x)/(1+exp(x)) = inf/inf = nan at 100; the rule's is 1.
    g = np.asarray(em.vmap(em.grad(log1pexp))(x))
    np.testing.assert_allclose(g, sigmoid(x.astype(np.float64)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(em.jit(em.vmap(em.grad(log1pexp)))(x)), g, rtol=1e-7)
    _, t = em.jvp(log1pexp, (x,), (np.ones_like(x),))
    np.testing.assert_allclose(np.asarray(t), sigmoid(x.astype(np.float64)), rtol=1e-6, atol=1e-7)
    # Second derivative through the rule: sigmoid' = s (1 - s).
    xd = np.array([-1.0, 0.5, 3.0])
    h = np.asarray(em.vmap(em.grad(em.grad(log1pexp)))(xd))
    np.testing.assert_allclose(h, sigmoid(xd) * (1 - sigmoid(xd)), rtol=1e-10)


def test_every_transform_uses_the_rule():
    # A rule that is not the true derivative (2 instead of 1): each transform must report 2.
    @em.custom_jvp
    def f(x):
        return x

    f.defjvp(lambda p, t: (f(p[0]), 2.0 * t[0]))
    x = np.arange(3.0)
    assert float(em.grad(lambda v: f(v).sum())(x)[1]) == 2.0
    np.testing.assert_array_equal(np.asarray(em.jacfwd(f)(x)), 2 * np.eye(3))
    np.testing.assert_array_equal(np.asarray(em.jacrev(f)(x)), 2 * np.eye(3))
    np.testing.assert_array_equal(np.asarray(em.vmap(em.grad(lambda v: f(v) * v))(x)), 2 * x + x)
    np.testing.assert_array_equal(np.asarray(em.grad(lambda v: em.vmap(f)(v).sum())(x)), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(np.asarray(f(x)), x)  # the function itself is unchanged


def test_defjvps_per_argument():
    @em.custom_jvp
    def f(x, y):
        return x * enp.sin(y)

    f.defjvps(lambda tx, out, x, y: tx * enp.sin(y), lambda ty, out, x, y: x * enp.cos(y) * ty)
    x, y = 1.5, 0.3
    gx, gy = em.grad(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose([float(gx), float(gy)], [np.sin(y), x * np.cos(y)], rtol=1e-6)


def test_custom_jvp_closing_over_a_differentiated_value_is_an_error():
    def outer(w):
        @em.custom_jvp
        def f(x):
            return x * w

        f.defjvp(lambda p, t: (f(p[0]), t[0] * w))
        return f(2.0)

    with pytest.raises(ValueError, match="close over"):
        em.grad(outer)(3.0)


@em.custom_vjp
def clip_gradient(x):
    return x


clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (enp.clip(g, -1.0, 1.0),))


def test_custom_vjp_rule_is_used_by_reverse_mode():
    assert float(em.grad(lambda x: 5.0 * clip_gradient(x))(2.0)) == 1.0
    assert float(em.grad(lambda x: 0.5 * clip_gradient(x))(2.0)) == 0.5
    scales = np.array([0.25, 3.0, -7.0], np.float32)
    # d/ds [s * clip_gradient(s)] = s + clip(s): the cotangent reaching clip_gradient is s, clipped.
    per_example = em.vmap(em.grad(lambda s: s * clip_gradient(s)), in_axes=0)(scales)
    np.testing.assert_allclose(np.asarray(per_example), scales + np.clip(scales, -1, 1))
    np.testing.assert_allclose(np.asarray(em.jit(em.vmap(em.grad(lambda s: s * clip_gradient(s))))(scales)),
                               scales + np.clip(scales, -1, 1))
    with pytest.raises(NotImplementedError, match="custom_vjp"):
        em.jvp(clip_gradient, (1.0,), (1.0,))


def test_custom_vjp_residuals_pytrees_and_nondiff_args():
    @em.custom_vjp
    def f(x, y):
        return enp.sin(x) * y

    def fwd(x, y):
        return f(x, y), {"cos": enp.cos(x), "sin": enp.sin(x), "y": y}

    def bwd(res, g):
        return res["cos"] * res["y"] * g, res["sin"] * g

    f.defvjp(fwd, bwd)
    x, y = np.array([0.1, 0.7]), np.array([2.0, -1.0])
    gx, gy = em.grad(lambda a, b: f(a, b).sum(), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(np.asarray(gx), np.cos(x) * y, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(gy), np.sin(x), rtol=1e-12)

    # A nondiff argument (a Python int) is passed to bwd first, as in JAX.
    power = em.custom_vjp(lambda n, x: x ** n, nondiff_argnums=(0,))
    power.defvjp(lambda n, x: (x ** n, x), lambda n, x, g: (n * x ** (n - 1) * g,))
    assert float(em.grad(lambda x: power(3, x))(2.0)) == 12.0
    # None: a zero cotangent, as in JAX.
    half = em.custom_vjp(lambda x, y: x * y)
    half.defvjp(lambda x, y: (x * y, y), lambda y, g: (g * y, None))
    gx, gy = em.grad(lambda a, b: half(a, b).sum(), argnums=(0, 1))(np.ones(2), np.array([3.0, 4.0]))
    np.testing.assert_array_equal(np.asarray(gx), [3.0, 4.0])
    np.testing.assert_array_equal(np.asarray(gy), [0.0, 0.0])
    with pytest.raises(TypeError, match="1 cotangents"):
        bad = em.custom_vjp(lambda x: x)
        bad.defvjp(lambda x: (x, None), lambda res, g: (g, g))
        em.grad(bad)(1.0)


def test_custom_vjp_closure_in_bwd_under_grad():
    # bwd closes over a traced value of an enclosing jit: it becomes a residual of the region.
    @em.jit
    def loss(x, scale):
        @em.custom_vjp
        def scaled(v):
            return v * 1.0

        scaled.defvjp(lambda v: (v, None), lambda res, g: (g * scale,))
        return em.grad(lambda v: scaled(v).sum())(x)

    np.testing.assert_allclose(np.asarray(loss(np.ones(3), 4.0)), [4.0, 4.0, 4.0])
