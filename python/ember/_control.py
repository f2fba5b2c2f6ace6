"""Structured control flow with JAX's signatures: cond, switch, while_loop, fori_loop, scan, map.

Each function traces its Python callables abstractly (on shapes and dtypes, never on values) into regions of
one primitive (`cond`, `while`, `scan`), so the loop or branch is part of the IR: it runs in the executor,
is compiled, and goes through jvp/vjp/vmap. Values a callable reads from outside (closures over traced
arrays) become explicit operands of the primitive.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as _np

from . import _core
from .tree_util import tree_flatten, tree_unflatten


def _bind(name, operands, regions, **attrs):
    return _core.bind(name, list(operands), regions=regions, **attrs)


def _as_array(leaf):
    """An Array for a leaf. Python scalars stay weakly typed, in the dtype a traced parameter of theirs gets
    (float32, int64, complex64: frontend::canonical_weak_dtype), so operands match the regions' parameters."""
    a = leaf if isinstance(leaf, _core.Array) else _core._to_tensor(leaf)
    if a.weak_type:
        kind = _np.dtype(a.dtype).kind
        canonical = {"i": _np.int64, "u": _np.int64, "f": _np.float32, "c": _np.complex64}.get(kind)
        if canonical is not None and _np.dtype(canonical) != a.dtype:
            a = _core.bind("convert_element_type", [a], new_dtype=canonical, weak_type=True)[0]
    return a


def _abstract(leaf):
    """The abstract value of a leaf: its shape, dtype and weak-type flag."""
    if isinstance(leaf, _core.ShapeDtypeStruct):
        return leaf
    a = _as_array(leaf)
    return _core.ShapeDtypeStruct(a.shape, a.dtype, a.weak_type)


class _Traced:
    """A callable traced on flat abstract inputs: its IR, the values it captured, and its output tree."""

    def __init__(self, fun: Callable, in_tree, avals: list, what: str):
        out_box = []

        def flat(tracers):
            out = fun(*tree_unflatten(in_tree, tracers))
            leaves, tree = tree_flatten(out)
            out_box.append(tree)
            return leaves

        self.ir, captures = _core.trace(flat, avals, what)
        self.captures = list(captures)
        self.out_tree = out_box[0]
        self.num_in = len(avals)


def _promote_weak_carry(avals: list, out_avals: list) -> list | None:
    """As JAX: a weakly typed initial carry (a Python scalar) takes the dtype the loop body returns for it.
    The new carry avals, or None when nothing changes."""
    changed = False
    new = list(avals)
    for i, (a, o) in enumerate(zip(avals, out_avals)):
        if a.weak_type and (a.dtype != o.dtype or a.weak_type != o.weak_type) and tuple(a.shape) == tuple(o.shape):
            new[i] = _core.ShapeDtypeStruct(a.shape, o.dtype, o.weak_type)
            changed = True
    return new if changed else None


def _conform(leaf, aval):
    """`leaf` as an Array of aval's dtype (a promoted weak carry)."""
    a = _as_array(leaf)
    if a.dtype != aval.dtype or a.weak_type != aval.weak_type:
        a = _core.bind("convert_element_type", [a], new_dtype=aval.dtype, weak_type=aval.weak_type)[0]
    return a


def _check_same_tree(what: str, a, b, a_name: str, b_name: str):
    if a != b:
        raise TypeError(f"[{what}] expected {a_name} and {b_name} to return the same tree structure, got {a} and {b}")


def _branches(what: str, index, branches: list, operands: tuple):
    """Binds `cond` on an int32 scalar index (in range) and the traced branches."""
    leaves, in_tree = tree_flatten(operands)
    avals = [_abstract(x) for x in leaves]
    traced = [_Traced(lambda *a, f=f: f(*a), in_tree, avals, "branch") for f in branches]
    for k, t in enumerate(traced[1:], 1):
        _check_same_tree(what, traced[0].out_tree, t.out_tree, "branch 0", f"branch {k}")
    # Every region takes the operands, then the captures of all branches (each reads only its own).
    all_captures, regions = [], []
    capture_types = [[_abstract(c) for c in t.captures] for t in traced]
    for k, t in enumerate(traced):
        layout = list(range(len(avals)))
        for j, types in enumerate(capture_types):
            layout += list(range(len(avals), len(avals) + len(types))) if j == k else types
        regions.append(_core.with_param_layout(t.ir, layout))
        all_captures += t.captures
    out = _bind("cond", [index] + [_as_array(x) for x in leaves] + all_captures, regions)
    return tree_unflatten(traced[0].out_tree, out)


def switch(index, branches: Sequence[Callable], *operands):
    """Applies exactly one of `branches` to `operands`, chosen by `index` (clamped into range), as
    jax.lax.switch. Every branch must return the same tree of arrays of the same shapes and dtypes.

    >>> import ember as em
    >>> [int(em.lax.switch(i, [lambda x: x, lambda x: x * 10, lambda x: -x], 7)) for i in (-1, 1, 5)]
    [7, 70, -7]
    """
    from . import lax

    branches = list(branches)
    if not branches:
        raise ValueError("[switch] expected at least one branch, got none")
    index = _as_array(index)
    if index.shape != ():
        raise TypeError(f"[switch] expected a scalar index, got shape {index.shape}")
    index = lax.clamp(_np.int32(0), lax.convert_element_type(index, _np.int32), _np.int32(len(branches) - 1))
    return _branches("switch", index, branches, operands)


def cond(pred, true_fun: Callable, false_fun: Callable, *operands):
    """`true_fun(*operands)` if `pred` else `false_fun(*operands)`, as jax.lax.cond; under vmap with a
    batched predicate both run and the results are selected.

    >>> import ember as em
    >>> float(em.lax.cond(2.0 > 1.0, lambda x: x + 1.0, lambda x: x - 1.0, 5.0))
    6.0
    """
    from . import lax

    p = _as_array(pred)
    if p.shape != ():
        raise TypeError(f"[cond] expected a scalar predicate, got shape {p.shape}")
    if _np.dtype(p.dtype).kind not in "biu":
        raise TypeError(f"[cond] expected a boolean or integer predicate, got {p.dtype}")
    if _np.dtype(p.dtype).kind != "b":
        p = p != 0
    return _branches("cond", lax.convert_element_type(p, _np.int32), [false_fun, true_fun], operands)


def while_loop(cond_fun: Callable, body_fun: Callable, init_val, *, max_steps: int | None = None):
    """Repeats `val = body_fun(val)` while `cond_fun(val)`, as jax.lax.while_loop; the carry keeps its tree,
    shapes and dtypes.

    ember differentiates while_loop in reverse mode (grad), which JAX cannot: each iteration's residuals go to
    storage that grows as the loop runs. `max_steps` (ember's addition) bounds the trip count — running more
    steps is an error — and makes that storage static and about sqrt(max_steps) carries (two-level
    checkpointing), which second derivatives through the loop need.

    >>> import ember as em
    >>> int(em.lax.while_loop(lambda i: i < 10, lambda i: i + 3, 0))
    12
    """
    leaves, tree = tree_flatten(init_val)
    args_tree = tree_flatten((init_val,))[1]
    avals = [_abstract(x) for x in leaves]
    b = _Traced(body_fun, args_tree, avals, "body_fun")
    promoted = _promote_weak_carry(avals, b.ir.out_avals)
    if promoted is not None:
        avals = promoted
        b = _Traced(body_fun, args_tree, avals, "body_fun")
    c = _Traced(cond_fun, args_tree, avals, "cond_fun")
    _check_same_tree("while_loop", tree, b.out_tree, "init_val", "body_fun")
    n = len(avals)
    cond_ir = _core.with_param_layout(c.ir, list(range(n, n + len(c.captures))) + list(range(n)))
    body_ir = _core.with_param_layout(b.ir, list(range(n, n + len(b.captures))) + list(range(n)))
    operands = c.captures + b.captures + [_conform(x, a) for x, a in zip(leaves, avals)]
    if max_steps is not None and int(max_steps) < 0:
        raise ValueError(f"[while_loop] expected max_steps >= 0, got {max_steps}")
    out = _bind("while", operands, [cond_ir, body_ir], cond_nconsts=len(c.captures), body_nconsts=len(b.captures),
                max_steps=-1 if max_steps is None else int(max_steps))
    return tree_unflatten(tree, out)


def scan(f: Callable, init, xs=None, length: int | None = None, reverse: bool = False, unroll: int | bool = 1):
    """Loops `carry, y = f(carry, x)` over the leading axis of `xs`, as jax.lax.scan: returns the final carry
    and the ys stacked.

    >>> import ember as em, numpy as np
    >>> total, partial = em.lax.scan(lambda c, x: (c + x, c + x), 0.0, np.arange(4.0, dtype=np.float32))
    >>> float(total), partial.tolist()
    (6.0, [0.0, 1.0, 3.0, 6.0])
    """
    carry_leaves, carry_tree = tree_flatten(init)
    x_leaves, x_tree = tree_flatten(xs)
    x_arrays = [_as_array(x) for x in x_leaves]
    lengths = {x.shape[0] if x.ndim else None for x in x_arrays}
    if None in lengths:
        raise ValueError("[scan] expected xs with a leading axis to scan over, got a scalar")
    if length is not None:
        lengths.add(int(length))
    if len(lengths) > 1:
        raise ValueError(f"[scan] expected one length for every xs leaf and `length`, got {sorted(lengths)}")
    if not lengths:
        raise ValueError("[scan] expected xs or length, got neither")
    n = lengths.pop()
    carry_avals = [_abstract(c) for c in carry_leaves]
    x_avals = [_core.ShapeDtypeStruct(x.shape[1:], x.dtype, x.weak_type) for x in x_arrays]
    n_carry = len(carry_avals)

    def flat_body(*leaves):
        carry = tree_unflatten(carry_tree, list(leaves[:n_carry]))
        x = tree_unflatten(x_tree, list(leaves[n_carry:]))
        out = f(carry, x)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError("[scan] expected f to return a pair (carry, y)")
        new_carry, y = out
        new_leaves, new_tree = tree_flatten(new_carry)
        _check_same_tree("scan", carry_tree, new_tree, "init", "f's carry")
        y_leaves, y_tree = tree_flatten(y)
        y_tree_box.append(y_tree)
        return tuple(new_leaves) + tuple(y_leaves)

    y_tree_box = []
    flat_in_tree = tree_flatten(tuple(range(n_carry + len(x_avals))))[1]
    body = _Traced(flat_body, flat_in_tree, carry_avals + x_avals, "scan_body")
    promoted = _promote_weak_carry(carry_avals, body.ir.out_avals[:n_carry])
    if promoted is not None:
        carry_avals = promoted
        y_tree_box.clear()
        body = _Traced(flat_body, flat_in_tree, carry_avals + x_avals, "scan_body")
    k = len(carry_avals) + len(x_avals)
    body_ir = _core.with_param_layout(body.ir, list(range(k, k + len(body.captures))) + list(range(k)))
    operands = body.captures + [_conform(c, a) for c, a in zip(carry_leaves, carry_avals)] + x_arrays
    out = _bind("scan", operands, [body_ir], num_consts=len(body.captures), num_carry=n_carry, length=n,
                reverse=bool(reverse), unroll=max(1, int(unroll if unroll is not True else n or 1)))
    carry_out = tree_unflatten(carry_tree, out[:n_carry])
    ys = tree_unflatten(y_tree_box[0], out[n_carry:])
    return carry_out, ys


def fori_loop(lower, upper, body_fun: Callable, init_val):
    """`val = body_fun(i, val)` for i in [lower, upper), as jax.lax.fori_loop. With Python-int bounds it is a
    scan (reverse mode stores its residuals in static storage); with traced bounds, a while loop.

    >>> import ember as em
    >>> int(em.lax.fori_loop(0, 5, lambda i, acc: acc + i, 0))
    10
    """
    if isinstance(lower, (int, _np.integer)) and isinstance(upper, (int, _np.integer)):
        lo, hi = int(lower), int(upper)

        def step(carry, _):
            i, val = carry
            return (i + 1, body_fun(i, val)), None

        (_, val), _ = scan(step, (_np.int32(lo), init_val), None, length=max(hi - lo, 0))
        return val
    from . import lax

    lo = lax.convert_element_type(_as_array(lower), _np.int32)
    hi = lax.convert_element_type(_as_array(upper), _np.int32)
    _, _, val = while_loop(lambda c: c[0] < c[1], lambda c: (c[0] + 1, c[1], body_fun(c[0], c[2])),
                           (lo, hi, init_val))
    return val


def map(f: Callable, xs):
    """`f` applied to each slice of `xs` along the leading axis, stacked, as jax.lax.map (a scan without a
    carry).

    >>> import ember as em, numpy as np
    >>> em.lax.map(lambda r: r.sum(), np.ones((3, 4), np.float32)).tolist()
    [4.0, 4.0, 4.0]
    """
    _, ys = scan(lambda c, x: (c, f(x)), (), xs)
    return ys
