"""ember quickstart: jit a small model, check it against NumPy, and look at the traced IR."""

import numpy as np

import ember as em
import ember.numpy as enp


@em.jit
def predict(w, b, x):
    return enp.tanh(x @ w + b)


rng = np.random.default_rng(0)
x = rng.standard_normal((128, 64)).astype(np.float32)
w = rng.standard_normal((64, 10)).astype(np.float32)
b = np.zeros(10, np.float32)

y = predict(w, b, x)  # traced once for this signature, then compiled and run
np.testing.assert_allclose(np.asarray(y), np.tanh(x @ w + b), rtol=1e-5, atol=1e-5)
print("predict(w, b, x)[:2, :4] =")
print(np.asarray(y)[:2, :4])

print("\nThe traced IR:")
print(em.make_ir(predict)(w, b, x))

z = em.lax.dot_general(x, w, (([1], [0]), ([], [])))  # any primitive, directly
print("\nlax.dot_general(x, w) matches x @ w:", np.allclose(np.asarray(z), x @ w, rtol=1e-5, atol=1e-4))
