"""ember.debug: printing and callbacks for their effect, from inside jit, vmap and grad, as jax.debug. They are
ordered side effects in the IR: they run when the program runs (not when it is traced), in program order,
and simplification never removes or merges them."""

from __future__ import annotations

import builtins
from typing import Callable

import numpy as _np

from . import _core
from ._control import _as_array
from .tree_util import tree_flatten, tree_unflatten


def callback(fn: Callable, *args, **kwargs) -> None:
    """Calls `fn(*args, **kwargs)` with NumPy arrays when the program runs; returns nothing.

    >>> import ember as em
    >>> seen = []
    >>> em.jit(lambda x: em.debug.callback(seen.append, x * 2))(3.0)
    >>> float(seen[0])
    6.0
    """
    leaves, tree = tree_flatten((args, kwargs))

    def host(arrays):
        a, k = tree_unflatten(tree, [_np.asarray(v) for v in arrays])
        fn(*a, **k)
        return []

    _core.bind("debug_callback", [_as_array(x) for x in leaves], callback=_core.register_host_callback(host))


def print(fmt: str, *args, **kwargs) -> None:  # noqa: A001  (jax.debug.print's name)
    """Prints `fmt.format(*args, **kwargs)` with the arrays' values when the program runs (under vmap, the
    whole batch).

    >>> import ember as em
    >>> em.jit(lambda x: em.debug.print("x = {}", x + 1))(1.0)
    x = 2.0
    """
    callback(lambda *a, **k: builtins.print(fmt.format(*a, **k)), *args, **kwargs)
