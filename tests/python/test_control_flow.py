"""Control flow (lax.cond, switch, while_loop, fori_loop, scan, map): results against NumPy loops, and
through jit, jvp (vs finite differences), grad of cond, and vmap (vs a Python loop over the batch)."""

import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from ember import _core

lax = em.lax


def finite_difference(f, x, v, eps=1e-6):
    return (np.asarray(f(x + eps * v)) - np.asarray(f(x - eps * v))) / (2 * eps)


def np_scan(f, init, xs):
    carry, ys = init, []
    for x in xs:
        carry, y = f(carry, x)
        ys.append(y)
    return carry, np.stack(ys)


def test_cond_and_switch_pick_the_branch():
    x = np.array([1.0, 2.0], np.float32)
    assert np.asarray(lax.cond(True, lambda a: a * 2, lambda a: a - 1, x)).tolist() == [2.0, 4.0]
    assert np.asarray(lax.cond(np.int32(0), lambda a: a * 2, lambda a: a - 1, x)).tolist() == [0.0, 1.0]
    branches = [lambda a: a + 1, lambda a: a * 10, lambda a: -a]
    # Out-of-range indices clamp, as in JAX.
    for i, want in [(-3, x + 1), (0, x + 1), (1, x * 10), (2, -x), (7, -x)]:
        np.testing.assert_array_equal(np.asarray(lax.switch(i, branches, x)), want)
        np.testing.assert_array_equal(np.asarray(em.jit(lambda k, v: lax.switch(k, branches, v))(i, x)), want)


def test_cond_pytrees_and_closures():
    w = enp.asarray(np.float32(3.0))

    def f(p, x):
        return lax.cond(p, lambda t: {"a": t[0] * w, "b": t[1]}, lambda t: {"a": t[0], "b": t[1] + w}, (x, x))

    out = em.jit(f)(True, np.float32(2.0))
    assert float(out["a"]) == 6.0 and float(out["b"]) == 2.0
    with pytest.raises(TypeError, match="cond"):
        lax.cond(True, lambda a: a, lambda a: (a, a), 1.0)
    with pytest.raises(TypeError, match="branch 1 results"):
        lax.cond(True, lambda a: a, lambda a: a.astype(np.int32), np.float32(1.0))
    with pytest.raises(TypeError, match="scalar predicate"):
        lax.cond(np.array([True, False]), lambda a: a, lambda a: a, 1.0)


def test_while_loop_matches_python():
    def collatz_steps(n):
        return lax.while_loop(lambda c: c[0] != 1,
                              lambda c: (lax.select(c[0] % 2 == 0, c[0] // 2, 3 * c[0] + 1), c[1] + 1),
                              (n, np.int32(0)))[1]

    def python_steps(n):
        k = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            k += 1
        return k

    for n in (1, 6, 27):
        assert int(collatz_steps(np.int32(n))) == python_steps(n)
        assert int(em.jit(collatz_steps)(np.int32(n))) == python_steps(n)
    # vmap: each lane runs its own number of steps; finished lanes keep their values.
    ns = np.array([1, 6, 27, 7], np.int32)
    np.testing.assert_array_equal(np.asarray(em.vmap(collatz_steps)(ns)), [python_steps(int(n)) for n in ns])
    # A uint64 scalar carry is data like any other (only reverse mode's stack handles stay unbatched).
    count_to = lambda n: lax.while_loop(lambda c: c < n, lambda c: c + np.uint64(1), np.uint64(0))  # noqa: E731
    np.testing.assert_array_equal(np.asarray(em.vmap(count_to)(np.array([1, 3, 0], np.uint64))), [1, 3, 0])


def test_scan_matches_numpy_loop():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(6, 3)).astype(np.float32)
    w = rng.normal(size=(3, 3)).astype(np.float32)
    step = lambda h, x: (np.tanh(h @ w + x), (h * 2).sum())  # noqa: E731
    want_c, want_ys = np_scan(step, np.zeros(3, np.float32), xs)
    c, ys = lax.scan(lambda h, x: (enp.tanh(h @ w + x), (h * 2).sum()), enp.zeros(3), xs)
    np.testing.assert_allclose(np.asarray(c), want_c, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(ys), want_ys, rtol=1e-5)
    rc, rys = lax.scan(lambda h, x: (h + x, h), np.zeros(3, np.float32), xs, reverse=True)
    np.testing.assert_allclose(np.asarray(rys), np.stack([xs[i + 1:].sum(0) for i in range(6)]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(lax.map(lambda r: r.max(), xs)), xs.max(1))
    assert int(lax.fori_loop(0, 10, lambda i, s: s + i * i, 0)) == sum(i * i for i in range(10))
    assert int(em.jit(lambda n: lax.fori_loop(0, n, lambda i, s: s + i, 0))(np.int32(5))) == 10
    with pytest.raises(ValueError, match="one length"):
        lax.scan(lambda c, x: (c, x), 0.0, (np.ones(3), np.ones(4)))


FUNCTIONS = {
    "cond": lambda x: lax.cond(x.sum() > 0, lambda a: enp.sin(a) * 2, lambda a: a ** 3, x),
    "switch": lambda x: lax.switch((x[0] > 0).astype(np.int32) + (x[1] > 0).astype(np.int32),
                                   [enp.exp, enp.sin, lambda a: a * a[::-1]], x),
    "nested_cond": lambda x: lax.cond(x[0] > 0, lambda a: lax.cond(a[1] > 0, enp.cos, enp.tanh, a) * 3,
                                      lambda a: a ** 2, x),
    "while": lambda x: lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, enp.sin(c[1]) * x), (0, x))[1],
    "scan": lambda x: lax.scan(lambda c, xi: (c * xi + 1.0, enp.cos(c) * xi), enp.ones((), x.dtype), x)[1],
    "fori": lambda x: lax.fori_loop(0, 4, lambda i, v: v * x + i, x),
    "rnn": lambda x: lax.scan(lambda h, xi: (enp.tanh(h * x + xi), h.sum()), enp.zeros(3, x.dtype),
                              enp.stack([x, 2 * x, x[::-1]]))[0],
    "reverse_scan": lambda x: lax.scan(lambda c, xi: (c * enp.sin(xi), c), x[0], x, reverse=True)[1],
}
INPUTS = [np.array([0.3, -0.2, 0.5]), np.array([-0.4, 0.7, 0.1]), np.array([0.6, 0.2, -0.9])]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_jvp_matches_finite_differences(name):
    f = FUNCTIONS[name]
    v = np.array([1.0, 2.0, -1.0])
    for x in INPUTS:
        y, t = em.jvp(f, (x,), (v,))
        np.testing.assert_allclose(np.asarray(y), np.asarray(f(x)), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(t), finite_difference(f, x, v), rtol=1e-6, atol=1e-8)
        _, t_jit = em.jit(lambda a, b: em.jvp(f, (a,), (b,)))(x, v)
        np.testing.assert_allclose(np.asarray(t_jit), np.asarray(t), rtol=1e-12)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_vmap_matches_a_loop(name):
    f = FUNCTIONS[name]
    xs = np.stack(INPUTS)
    want = np.stack([np.asarray(f(x)) for x in xs])
    np.testing.assert_allclose(np.asarray(em.vmap(f)(xs)), want, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(em.vmap(f, in_axes=1, out_axes=-1)(xs.T)), want.T, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(em.jit(em.vmap(f))(xs)), want, rtol=1e-12)


@pytest.mark.parametrize("name", ["cond", "switch", "nested_cond", "scan", "fori", "rnn", "reverse_scan"])
def test_grad_matches_finite_differences(name):
    f = FUNCTIONS[name]
    loss = lambda x: (f(x) * np.array([1.0, -2.0, 0.5])).sum()  # noqa: E731
    for x in INPUTS:
        g = np.asarray(em.grad(loss)(x))
        fd = np.array([finite_difference(loss, x, e) for e in np.eye(3)])
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(np.asarray(em.jit(em.grad(loss))(x)), g, rtol=1e-12)
    # Per-example gradients: vmap of grad, with the predicate batched.
    per_row = np.asarray(em.vmap(em.grad(loss))(np.stack(INPUTS)))
    np.testing.assert_allclose(per_row, np.stack([np.asarray(em.grad(loss)(x)) for x in INPUTS]), rtol=1e-12)
    # Second derivatives: forward over reverse against finite differences of the gradient.
    x, v = INPUTS[0], np.array([0.5, -1.0, 2.0])
    _, hv = em.jvp(em.grad(loss), (x,), (v,))
    np.testing.assert_allclose(np.asarray(hv), finite_difference(em.grad(loss), x, v), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.asarray(em.grad(lambda a: em.grad(loss)(a).sum())(x)),
                               np.asarray(em.hessian(loss)(x)).sum(0), rtol=1e-10, atol=1e-12)


def newton_sqrt(a, max_steps=None):
    """sqrt(a) by Newton's iteration from a: the trip count depends on a."""
    return lax.while_loop(lambda x: enp.abs(x * x - a) > 1e-12 * a, lambda x: 0.5 * (x + a / x), a,
                          max_steps=max_steps)


def test_reverse_mode_through_an_unbounded_while_loop():
    # JAX refuses this; ember stores each iteration's residuals in run-time storage that grows as it runs.
    a = np.float64(7.0)
    grad = em.grad(newton_sqrt)
    np.testing.assert_allclose(float(grad(a)), finite_difference(newton_sqrt, a, 1.0, 1e-5), rtol=1e-7)
    np.testing.assert_allclose(float(grad(a)), 0.5 / np.sqrt(a), rtol=1e-9)
    np.testing.assert_allclose(float(em.jit(grad)(a)), float(grad(a)), rtol=1e-14)
    loss = lambda x: FUNCTIONS["while"](x).sum()  # noqa: E731  (carry pytree, constants with tangents)
    for x in INPUTS:
        fd = np.array([finite_difference(loss, x, e) for e in np.eye(3)])
        np.testing.assert_allclose(np.asarray(em.grad(loss)(x)), fd, rtol=1e-6, atol=1e-8)
    # Different trip counts per lane (about 4 to 12 iterations): grad of the vmapped loop, and per-example
    # gradients (vmap of grad: the backward loop runs the longest lane's count, masking the others).
    xs = np.array([3.0, 2.0, 9.0, 1e4])
    np.testing.assert_allclose(np.asarray(em.grad(lambda v: em.vmap(newton_sqrt)(v).sum())(xs)),
                               0.5 / np.sqrt(xs), rtol=1e-9)
    np.testing.assert_allclose(np.asarray(em.vmap(grad)(xs)), 0.5 / np.sqrt(xs), rtol=1e-9)
    np.testing.assert_allclose(np.asarray(em.jit(em.vmap(em.grad(loss)))(np.stack(INPUTS))),
                               np.stack([np.asarray(em.grad(loss)(x)) for x in INPUTS]), rtol=1e-12)
    # Second derivatives through run-time storage need max_steps, and say so.
    with pytest.raises(NotImplementedError, match="max_steps"):
        em.grad(grad)(a)


def test_reverse_mode_through_a_bounded_while_loop():
    a = np.float64(7.0)
    grad = em.grad(lambda v: newton_sqrt(v, 100))
    np.testing.assert_allclose(float(grad(a)), finite_difference(lambda v: newton_sqrt(v, 100), a, 1.0, 1e-5),
                               rtol=1e-7)
    np.testing.assert_allclose(float(grad(a)), 0.5 / np.sqrt(a), rtol=1e-9)
    np.testing.assert_allclose(float(em.jit(grad)(a)), float(grad(a)), rtol=1e-14)
    # Per-lane trip counts under vmap (about 4 to 12 iterations), and second derivatives.
    xs = np.array([3.0, 2.0, 9.0, 1e4])
    np.testing.assert_allclose(np.asarray(em.vmap(grad)(xs)), 0.5 / np.sqrt(xs), rtol=1e-9)
    np.testing.assert_allclose(float(em.grad(grad)(a)), -0.25 * a ** -1.5, rtol=1e-7)
    with pytest.raises(RuntimeError, match="max_steps=3"):
        newton_sqrt(np.float64(1e6), 3)


def test_bounded_while_stores_about_sqrt_max_steps_carries():
    ir = em.make_ir(lambda v: newton_sqrt(v, 10_000))(np.float64(7.0))
    primal, _, num_out, num_res = _core.linearize_ir(ir, [True])
    # Residuals of the forward pass: each is stacked over the 100 blocks of 100 steps, not the 10,000 steps.
    stacked = [s.shape for s in primal.out_avals[num_out:]]
    assert num_res == len(stacked) and 0 < num_res <= 4
    assert all(shape[0] == 100 and np.prod(shape) == 100 for shape in stacked), stacked
