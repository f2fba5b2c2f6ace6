"""Workloads the CPU benchmarks share, written once for any NumPy-like namespace `m` (numpy, ember.numpy,
jax.numpy): Python float constants are weak in all three, so float32 inputs stay float32."""


def gelu(m):
    return lambda x: 0.5 * x * (1 + m.tanh(0.7978845608 * (x + 0.044715 * x**3)))


def softmax(m):
    def f(x):
        e = m.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    return f


def layernorm(m):
    def f(x):
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / m.sqrt(var + 1e-5)

    return f
