"""Hessian-vector products by forward-over-reverse (jvp of grad), checked against the full Hessian."""

import numpy as np

import ember as em
import ember.numpy as enp


def f(x):
    return enp.sum(enp.sin(x) * x ** 2) + enp.sum(x) ** 2


def hvp(f, x, v):
    return em.jvp(em.grad(f), (x,), (v,))[1]


rng = np.random.default_rng(1)
x = rng.standard_normal(6)
v = rng.standard_normal(6)

product = np.asarray(em.jit(lambda x, v: hvp(f, x, v))(x, v))
full = np.asarray(em.hessian(f)(x))
np.testing.assert_allclose(product, full @ v, rtol=1e-10, atol=1e-12)
print("H v =", np.round(product, 4))
print("matches hessian(f)(x) @ v")
