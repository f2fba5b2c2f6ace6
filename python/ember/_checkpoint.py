"""`ember.checkpoint` (alias `remat`): reverse mode recomputes a function's intermediates in the backward
pass instead of storing them, as jax.checkpoint.

>>> import ember as em, ember.numpy as enp
>>> layer = em.checkpoint(lambda w, x: enp.tanh(x @ w))
>>> g = em.grad(lambda w, x: layer(w, x).sum())(enp.ones((3, 3)), enp.ones((2, 3)))
>>> g.shape
(3, 3)
"""

from __future__ import annotations

import functools
import types
from typing import Callable, Sequence

from . import _core
from ._control import _abstract, _as_array, _Traced
from .tree_util import tree_flatten, tree_unflatten


class _Policy:
    def __init__(self, name: str, code: int):
        self.__name__ = name
        self.code = code

    def __repr__(self):
        return f"checkpoint_policies.{self.__name__}"


checkpoint_policies = types.SimpleNamespace(
    nothing_saveable=_Policy("nothing_saveable", 0),       # recompute every intermediate (the default)
    dots_saveable=_Policy("dots_saveable", 1),             # keep the results of matrix products
    everything_saveable=_Policy("everything_saveable", 2),  # keep everything: no rematerialisation
)
checkpoint_policies.checkpoint_dots = checkpoint_policies.dots_saveable


def checkpoint(fun: Callable, *, prevent_cse: bool = True, policy: _Policy | None = None,
               static_argnums: int | Sequence[int] = ()) -> Callable:
    """`fun`, whose intermediates reverse mode recomputes from its inputs in the backward pass (keeping only
    what `policy` saves: see `checkpoint_policies`). The recomputation sits in its own region of the IR, so
    it is never merged back into the forward pass (prevent_cse is always in effect)."""
    if policy is None:
        policy = checkpoint_policies.nothing_saveable
    if not isinstance(policy, _Policy):
        raise TypeError(f"[checkpoint] expected a policy from ember.checkpoint_policies, got {policy!r}")
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def wrapped(*args):
        dyn = tuple(a for i, a in enumerate(args) if i not in static)

        def call(*dyn_args):
            it = iter(dyn_args)
            return fun(*(args[i] if i in static else next(it) for i in range(len(args))))

        leaves, in_tree = tree_flatten(dyn)
        avals = [_abstract(x) for x in leaves]
        traced = _Traced(call, in_tree, avals, "checkpoint")
        # The region takes its captures as operands too (regions are closed).
        region = traced.ir
        operands = [_as_array(x) for x in leaves] + traced.captures
        out = _core.bind("checkpoint", operands, regions=[region], policy=policy.code)
        return tree_unflatten(traced.out_tree, out)

    return wrapped


remat = checkpoint
