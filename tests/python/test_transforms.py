"""grad, vjp, jvp, linearize, vmap, jacfwd, jacrev, hessian: behaviour, composition and the IR they produce."""

import numpy as np
import pytest

import ember as em
import ember.numpy as enp


def loss(p, x, y):
    return enp.mean((enp.tanh(x @ p["w"] + p["b"]) - y) ** 2)


def loss_np(p, x, y):
    return np.mean((np.tanh(x @ p["w"] + p["b"]) - y) ** 2)


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    params = {"w": rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}
    x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
    return params, x, y


def numerical_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def test_grad_of_mlp_loss_matches_finite_differences(problem):
    params, x, y = problem
    g = em.grad(loss)(params, x, y)
    assert set(g) == {"w", "b"}
    for k in params:
        def f(v, k=k):
            p = dict(params)
            p[k] = v
            return loss_np(p, x, y)
        np.testing.assert_allclose(np.asarray(g[k]), numerical_grad(f, params[k]), rtol=1e-6, atol=1e-8)


def test_per_example_gradients(problem):
    params, x, y = problem
    per_example = em.vmap(em.grad(loss), in_axes=(None, 0, 0))(params, x, y)
    assert per_example["w"].shape == (8, 4, 3)
    for i in range(8):
        gi = em.grad(loss)(params, x[i], y[i])
        np.testing.assert_allclose(np.asarray(per_example["w"][i]), np.asarray(gi["w"]), rtol=1e-10, atol=1e-12)


def test_jacobians_and_hessian():
    x = np.array([0.3, -1.2, 2.0])

    def f(v):
        return enp.sin(v) * enp.sum(v ** 2)

    jf, jr = em.jacfwd(f)(x), em.jacrev(f)(x)
    expected = np.diag(np.cos(x)) * np.sum(x ** 2) + np.outer(np.sin(x), 2 * x)
    np.testing.assert_allclose(np.asarray(jf), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(jr), expected, rtol=1e-12)
    h = em.hessian(lambda v: enp.sum(enp.exp(v) * v[0]))(x)
    expected_h = np.diag(np.exp(x) * x[0])
    expected_h[0, :] += np.exp(x)
    expected_h[:, 0] += np.exp(x)
    np.testing.assert_allclose(np.asarray(h), expected_h, rtol=1e-12)


def test_linearize_and_jvp_and_vjp():
    x = np.array([0.5, 1.5])
    y, f_lin = em.linearize(enp.sin, x)
    np.testing.assert_allclose(np.asarray(f_lin(np.array([1.0, 2.0]))), np.cos(x) * [1, 2])
    out, tangent = em.jvp(lambda a, b: a * b, (x, 3.0), (np.ones(2), 1.0))
    np.testing.assert_allclose(np.asarray(tangent), 3.0 + x)
    out, pullback = em.vjp(lambda a: a ** 3, x)
    np.testing.assert_allclose(np.asarray(pullback(np.ones(2))[0]), 3 * x ** 2)


def test_jit_of_sgd_step(problem):
    params, x, y = problem
    step = em.jit(lambda p, x, y: em.tree_util.tree_map(lambda a, d: a - 0.1 * d, p, em.grad(loss)(p, x, y)))
    new = step(params, x, y)
    g = em.grad(loss)(params, x, y)
    np.testing.assert_allclose(np.asarray(new["w"]), params["w"] - 0.1 * np.asarray(g["w"]), rtol=1e-12)


def test_grad_of_vmap_ir_is_printable():
    f = lambda v: enp.sum(enp.sin(v))  # noqa: E731
    ir = em.make_ir(em.grad(lambda xs: enp.sum(em.vmap(f)(xs))))(np.ones((4, 3)))
    assert "cos" in str(ir)


def test_higher_order_derivatives():
    f = lambda x: x ** 4  # noqa: E731
    assert float(em.grad(em.grad(em.grad(f)))(2.0)) == pytest.approx(48.0)
    assert float(em.jacfwd(em.jacrev(lambda x: enp.sin(x)))(0.5)) == pytest.approx(-np.sin(0.5))


def test_vmap_in_and_out_axes():
    x = np.arange(24.0).reshape(2, 3, 4)
    out = em.vmap(lambda v: v * 2, in_axes=1, out_axes=-1)(x)
    np.testing.assert_array_equal(np.asarray(out), np.moveaxis(x, 1, -1) * 2)
    both = em.vmap(em.vmap(lambda a, b: a @ b, in_axes=(0, None)), in_axes=(None, 0))(np.ones((5, 3)), np.ones((7, 3)))
    assert both.shape == (7, 5)
    with pytest.raises(ValueError, match="one size"):
        em.vmap(lambda a, b: a + b)(np.ones(3), np.ones(4))


def test_integer_inputs():
    with pytest.raises(TypeError, match=r"\[grad\] expected real or complex inputs"):
        em.grad(lambda x: x * 2)(3)
    _, pullback = em.vjp(lambda x, n: x * n, 2.0, np.int32(3))
    gx, gn = pullback(1.0)
    assert float(gx) == 3.0
    assert gn.dtype == em._transforms.float0


def test_grad_requires_scalar_output():
    with pytest.raises(TypeError, match="scalar output"):
        em.grad(lambda x: x * 2)(np.ones(3))


def test_has_aux_and_argnums():
    def f(a, b):
        return a * b, {"a": a}

    (v, aux), g = em.value_and_grad(f, argnums=(0, 1), has_aux=True)(2.0, 5.0)
    assert float(v) == 10.0 and float(aux["a"]) == 2.0
    assert (float(g[0]), float(g[1])) == (5.0, 2.0)


def test_complex_follows_jax_convention():
    # f(z) = z^2 is holomorphic: grad with holomorphic=True is f'(z) = 2z (JAX's convention).
    z = np.complex128(1.0 + 2.0j)
    g = em.grad(lambda z: z * z, holomorphic=True)(z)
    assert complex(g) == pytest.approx(2 * z)
    # For a real function of a complex input JAX's vjp gives the conjugate of the usual gradient.
    _, pullback = em.vjp(lambda z: enp.real(z * enp.conj(z)), z)
    assert complex(pullback(1.0)[0]) == pytest.approx(2 * np.conj(z))


def test_grad_ir_size_is_bounded(problem):
    params, x, y = problem
    forward = em.make_ir(loss)(params, x, y).num_ops
    backward = em.make_ir(em.grad(loss))(params, x, y).num_ops
    assert backward <= 3 * forward, (forward, backward)


def test_jacobian_ir_does_not_grow_with_outputs():
    sizes = {}
    for n in (10, 1000):
        x = np.ones(n)
        sizes[n] = (em.make_ir(em.jacfwd(enp.sin))(x).num_ops, em.make_ir(em.jacrev(enp.sin))(x).num_ops,
                    em.make_ir(em.hessian(lambda v: enp.sum(enp.sin(v))))(x).num_ops)
    assert sizes[10] == sizes[1000]


def test_check_grads_passes_and_fails():
    em.testing.check_grads(lambda x, y: enp.sin(x) * y ** 2, (0.4, 1.3), order=2)
    em.testing.check_grads(enp.tanh, (np.array([0.1, -0.7]),), order=3, modes=("rev",))
    # floor has a zero derivative but jumps at 1.0: finite differences across the jump disagree.
    with pytest.raises(AssertionError, match="finite differences"):
        em.testing.check_grads(enp.floor, (1.0,), order=1, modes=("fwd",))


def test_python_control_flow_outside_jit():
    # Outside jit, grad/jvp/vjp trace with the input values attached, so Python branches on them work (as in
    # JAX's eager transformations); under jit and vmap there is no value to branch on.
    def relu_or_cube(x):
        if x > 0:
            return x * x * x
        return -x

    assert float(em.grad(relu_or_cube)(2.0)) == pytest.approx(12.0)
    assert float(em.grad(relu_or_cube)(-2.0)) == pytest.approx(-1.0)
    assert float(em.grad(em.grad(relu_or_cube))(2.0)) == pytest.approx(12.0)

    def newton_sqrt(a):
        x = a
        while abs(float(x * x - a)) > 1e-6:
            x = 0.5 * (x + a / x)
        return x

    np.testing.assert_allclose(float(em.grad(newton_sqrt)(4.0)), 0.25, rtol=1e-4)
    _, tangent = em.jvp(lambda x: x * int(x), (3.0,), (1.0,))
    assert float(tangent) == 3.0
    with pytest.raises(em.ConcretizationError, match="bool"):
        em.jit(em.grad(relu_or_cube))(2.0)
    with pytest.raises(em.ConcretizationError, match="bool"):
        em.vmap(relu_or_cube)(np.ones(3, np.float32))


def test_stop_gradient():
    sg = em.lax.stop_gradient
    x = np.array([1.0, -2.0, 3.0], np.float32)
    # d/dx [x * sg(x)] = sg(x): the stopped factor is a constant.
    np.testing.assert_allclose(np.asarray(em.grad(lambda v: enp.sum(v * sg(v)))(x)), x)
    np.testing.assert_allclose(np.asarray(em.jit(em.grad(lambda v: enp.sum(v * sg(v))))(x)), x)
    _, tangent = em.jvp(lambda v: sg(v) ** 2 + v, (x,), (np.ones(3, np.float32),))
    np.testing.assert_array_equal(np.asarray(tangent), np.ones(3))
    per_row = em.vmap(em.grad(lambda v: enp.sum(sg(v) * v * v)))(np.stack([x, 2 * x]))
    np.testing.assert_allclose(np.asarray(per_row), 2 * np.stack([x, 2 * x]) ** 2)
    tree = sg({"a": x, "b": (np.arange(3),)})
    np.testing.assert_array_equal(np.asarray(tree["b"][0]), np.arange(3))
    assert "stop_gradient" in str(em.make_ir(lambda v: sg(v) * 2)(x))


def test_derivative_ops_carry_the_users_source_line():
    def f(x):
        y = enp.sin(x)
        return enp.cos(y)

    first_line = f.__code__.co_firstlineno
    text = em.make_ir(em.grad(f))(1.0).text(locations=True)
    # The cos in the derivative of sin comes from the line of sin; the sin of the derivative of cos from cos's.
    assert f'cos %0 : ~f32[] loc("{__file__}":{first_line + 1})' in text
    assert f'sin %1 : ~f32[] loc("{__file__}":{first_line + 2})' in text


def test_jacobians_with_aux():
    def f(x):
        return enp.sin(x) * x[0], {"norm": enp.sum(x * x)}

    x = np.array([0.3, -1.2, 2.0])
    want = np.diag(np.sin(x) * x[0]) / np.sin(x) * np.cos(x)
    want[:, 0] += np.sin(x)
    for jac in (em.jacfwd, em.jacrev):
        j, aux = jac(f, has_aux=True)(x)
        np.testing.assert_allclose(np.asarray(j), want, rtol=1e-12)
        assert float(aux["norm"]) == pytest.approx(float(np.sum(x * x)))
    h, aux = em.hessian(lambda v: (enp.sum(v ** 3), v[0] * 2), has_aux=True)(x)
    np.testing.assert_allclose(np.asarray(h), np.diag(6 * x), rtol=1e-12)
    assert float(aux) == pytest.approx(0.6)
