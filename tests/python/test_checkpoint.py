"""ember.checkpoint: the values reverse mode saves between the forward and backward passes drop, and the
gradients do not change."""

import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from ember import _core

LAYERS, WIDTH = 20, 16


def mlp_loss(layer):
    def loss(ws, x):
        for w in ws:
            x = layer(w, x)
        return (x ** 2).sum()
    return loss


def plain_layer(w, x):
    return enp.tanh(x @ w) * 0.5 + x


def residuals(loss, ws, x):
    """The number of values the primal part of loss's linearization hands to the linear part."""
    ir = em.make_ir(loss)(ws, x)
    wrt = [True] * len(ws) + [False]
    _, _, _, num_residuals = _core.linearize_ir(ir, wrt)
    return num_residuals


@pytest.fixture(scope="module")
def params():
    rng = np.random.default_rng(0)
    ws = [rng.normal(scale=0.3, size=(WIDTH, WIDTH)) for _ in range(LAYERS)]
    x = rng.normal(size=(4, WIDTH))
    return ws, x


def test_checkpoint_recomputes_instead_of_storing(params):
    ws, x = params
    plain = residuals(mlp_loss(plain_layer), ws, x)
    remat = residuals(mlp_loss(em.checkpoint(plain_layer)), ws, x)
    dots = residuals(mlp_loss(em.checkpoint(plain_layer, policy=em.checkpoint_policies.dots_saveable)), ws, x)
    everything = residuals(
        mlp_loss(em.checkpoint(plain_layer, policy=em.checkpoint_policies.everything_saveable)), ws, x)
    # Without checkpointing each layer saves its product's tanh (or its derivative) and more; with it, a layer
    # keeps only its inputs (w and x), and with dots saveable, its product as well.
    assert remat < plain
    assert remat <= 2 * LAYERS + 1
    assert remat < dots <= remat + LAYERS
    assert everything >= dots


def test_checkpoint_keeps_the_gradients(params):
    ws, x = params
    want = em.grad(mlp_loss(plain_layer))(ws, x)
    for policy in (None, em.checkpoint_policies.dots_saveable, em.checkpoint_policies.everything_saveable):
        got = em.grad(mlp_loss(em.checkpoint(plain_layer, policy=policy)))(ws, x)
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12)
    got = em.jit(em.grad(mlp_loss(em.remat(plain_layer))))(ws, x)
    np.testing.assert_allclose(np.asarray(got[3]), np.asarray(want[3]), rtol=1e-12)


def test_checkpoint_under_vmap_jvp_and_static_args():
    f = em.checkpoint(lambda n, x: enp.sin(x) ** n, static_argnums=0)
    xs = np.array([0.1, 0.5, 1.0])
    np.testing.assert_allclose(np.asarray(em.vmap(em.grad(lambda x: f(3, x)))(xs)),
                               3 * np.sin(xs) ** 2 * np.cos(xs), rtol=1e-12)
    _, t = em.jvp(lambda x: f(2, x), (xs,), (np.ones(3),))
    np.testing.assert_allclose(np.asarray(t), 2 * np.sin(xs) * np.cos(xs), rtol=1e-12)
    # Second order through the checkpoint: d2/dx2 sin(x)^2 = 2 cos(2x).
    np.testing.assert_allclose(np.asarray(em.vmap(em.grad(em.grad(lambda x: f(2, x))))(xs)), 2 * np.cos(2 * xs),
                               rtol=1e-10)
    with pytest.raises(TypeError, match="policy"):
        em.checkpoint(plain_layer, policy="dots")
