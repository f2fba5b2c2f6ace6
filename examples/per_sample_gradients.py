"""Per-example gradients with vmap(grad(loss)), checked against a loop of single-example gradients."""

import numpy as np

import ember as em
import ember.numpy as enp


def loss(params, x, y):
    pred = enp.tanh(x @ params["w"] + params["b"])
    return enp.mean((pred - y) ** 2)


rng = np.random.default_rng(0)
params = {"w": rng.standard_normal((5, 2)).astype(np.float32), "b": np.zeros(2, np.float32)}
xs = rng.standard_normal((16, 5)).astype(np.float32)
ys = rng.standard_normal((16, 2)).astype(np.float32)

per_example = em.jit(em.vmap(em.grad(loss), in_axes=(None, 0, 0)))(params, xs, ys)
print("per-example gradient shapes:", {k: v.shape for k, v in per_example.items()})

for i in range(len(xs)):
    single = em.grad(loss)(params, xs[i], ys[i])
    for k in params:
        np.testing.assert_allclose(np.asarray(per_example[k][i]), np.asarray(single[k]), rtol=1e-5, atol=1e-6)
print("matches a loop of", len(xs), "single-example gradients")
