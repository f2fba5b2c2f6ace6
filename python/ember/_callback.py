"""Host callbacks: `pure_callback` calls a Python function on concrete NumPy arrays from inside traced code,
as jax.pure_callback. The function must be pure (ember may call it any number of times, or not at all when
its results are unused); `ember.debug` has the effectful kind."""

from __future__ import annotations

from typing import Any, Callable

import numpy as _np

from . import _core
from ._control import _as_array
from .tree_util import tree_flatten, tree_unflatten

_VMAP_METHODS = {"sequential": 0, "broadcast_all": 1}


def _register(fn: Callable[[list], list]) -> int:
    return _core.register_host_callback(fn)


def pure_callback(callback: Callable, result_shape_dtypes: Any, *args, vmap_method: str | None = None, **kwargs):
    """Calls `callback(*args, **kwargs)` with NumPy arrays and returns its results as ember arrays of the
    declared shapes and dtypes (a pytree of ShapeDtypeStruct). Under vmap the callback runs once per batch
    member (vmap_method="sequential", the default) or once with every argument batched along a new leading
    axis ("broadcast_all"). It has no derivative: wrap it in custom_jvp or custom_vjp.

    >>> import ember as em, numpy as np
    >>> f = lambda x: em.pure_callback(np.sinc, em.ShapeDtypeStruct(x.shape, x.dtype), x)
    >>> em.jit(f)(np.zeros(2, np.float32)).tolist()
    [1.0, 1.0]
    """
    method = _VMAP_METHODS.get(vmap_method or "sequential")
    if method is None:
        raise ValueError(f"[pure_callback] expected vmap_method in {sorted(_VMAP_METHODS)}, got {vmap_method!r}")
    leaves, in_tree = tree_flatten(args)
    out_leaves, out_tree = tree_flatten(result_shape_dtypes)
    declared = [_core.ShapeDtypeStruct(tuple(s.shape), s.dtype) for s in out_leaves]

    def host(arrays):
        values = tree_unflatten(in_tree, [_np.asarray(a) for a in arrays])
        result = callback(*values, **kwargs)
        got, got_tree = tree_flatten(result)
        if got_tree != out_tree:
            raise TypeError(f"[pure_callback] expected the callback to return {out_tree}, got {got_tree}")
        return [_np.asarray(r, dtype=d.dtype) for r, d in zip(got, declared)]

    out = _core.bind("pure_callback", [_as_array(x) for x in leaves], callback=_register(host),
                     result_types=", ".join(d.ir_text for d in declared), vmap_method=method)
    return tree_unflatten(out_tree, out)
