"""Function transformations with JAX's names and semantics: grad, value_and_grad, vjp, jvp, linearize,
vmap, jacfwd, jacrev, hessian.

Each call traces the function into IR (ember.make_ir shows the same IR), transforms the IR (C++ passes in
transforms/), simplifies it, and runs the result op by op through the same path as any other operation: eagerly
outside jit, recorded into the enclosing trace inside jit or inside another transformation — so they compose
in any order and depth.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any, Callable, Sequence

import numpy as np

from . import _core
from .tree_util import tree_flatten, tree_map, tree_structure, tree_unflatten

# JAX's dtype for the (empty) tangent and cotangent of integer and bool values.
float0 = np.dtype([("float0", np.void, 0)])


def _is_inexact(x) -> bool:
    return np.dtype(_core._to_tensor(x).dtype).kind in "fc"


def _aval_type(x):
    t = _core._to_tensor(x)
    return t.shape, t.dtype


def _float0_like(x):
    return np.zeros(np.shape(x), dtype=float0)


def _name(fun) -> str:
    name = getattr(fun, "__name__", "f")
    return name if name.isidentifier() else "f"


def _trace_flat(fun: Callable, args: tuple, kwargs: dict, name: str):
    """Traces fun(*args, **kwargs) with its array leaves as parameters. Returns the IR, the argument leaves and
    tree, the captured values, and the output tree (known after tracing)."""
    leaves, in_tree = tree_flatten(args)
    out_tree_box = []

    def flat_fun(tracers):
        out = fun(*tree_unflatten(in_tree, tracers), **kwargs)
        out_leaves, out_tree = tree_flatten(out)
        out_tree_box.append(out_tree)
        return out_leaves

    ir, captures = _core.trace(flat_fun, leaves, name)
    return ir, leaves, in_tree, list(captures), out_tree_box[0]


def _argnums_tuple(argnums, nargs: int, name: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"[{name}] expected argnums in [{-nargs}, {nargs}), got {n}")
    return tuple(n % nargs for n in nums)


def _leaf_ranges(args: tuple):
    """For each positional argument, the range of its leaves in the flattened args."""
    ranges, start = [], 0
    for a in args:
        n = len(tree_flatten(a)[0])
        ranges.append(range(start, start + n))
        start += n
    return ranges


def vjp(fun: Callable, *primals, has_aux: bool = False):
    """(fun(*primals), vjp_fun): vjp_fun(cotangent) gives the cotangents of the primals.

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> y, pullback = em.vjp(enp.sin, 0.0)
    >>> float(pullback(1.0)[0])
    1.0
    """
    ir, leaves, in_tree, captures, out_tree = _trace_flat(fun, primals, {}, _name(fun))
    wrt = [_is_inexact(x) for x in leaves] + [False] * len(captures)
    primal_ir, linear_ir, n_out, n_res = _core.linearize_ir(ir, wrt)
    outs = _core.eval_ir(primal_ir, list(leaves) + captures)
    out_leaves, residuals = outs[:n_out], outs[n_out:]
    n_main = n_out
    aux = None
    if has_aux:
        main, aux = tree_unflatten(out_tree, out_leaves)
        n_main = len(tree_flatten(main)[0])
        out_tree = tree_structure(main)
    transposed = _core.transpose_ir(linear_ir, n_res)

    def vjp_fun(cotangent):
        ct_leaves, ct_tree = tree_flatten(cotangent)
        if ct_tree != out_tree:
            raise ValueError(f"[vjp] expected a cotangent of structure {out_tree}, got {ct_tree}")
        for ct, y in zip(ct_leaves, out_leaves):
            if np.shape(ct) != tuple(y.shape):
                raise ValueError(f"[vjp] expected a cotangent of shape {tuple(y.shape)}, got {np.shape(ct)}")
        cts = [_core.asarray(c, y.dtype) if _is_inexact(y) else _core.asarray(np.zeros(y.shape, y.dtype))
               for c, y in zip(ct_leaves, out_leaves)]
        # Auxiliary outputs get zero cotangents.
        cts += [_core.asarray(np.zeros(y.shape, y.dtype)) for y in out_leaves[n_main:]]
        grads = iter(_core.eval_ir(transposed, residuals + cts))
        flat = [next(grads) if w else _float0_like(x) for x, w in zip(leaves, wrt)]
        return tree_unflatten(in_tree, flat)

    main_out = tree_unflatten(out_tree, out_leaves[:n_main])
    return (main_out, vjp_fun, aux) if has_aux else (main_out, vjp_fun)


def value_and_grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   holomorphic: bool = False, allow_int: bool = False):
    """fun's value and its gradient with respect to the arguments in `argnums`.

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> v, g = em.value_and_grad(lambda x: enp.sum(x ** 2))(enp.asarray([1.0, 2.0]))
    >>> float(v), g.tolist()
    (5.0, [2.0, 4.0])
    """

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        nums = _argnums_tuple(argnums, len(args), "grad")
        for i in nums:
            for leaf in tree_flatten(args[i])[0]:
                dtype = np.dtype(_core._to_tensor(leaf).dtype)
                if dtype.kind not in "fc" and not allow_int:
                    raise TypeError(
                        f"[grad] expected real or complex inputs to differentiate, got {dtype} (argument {i}); "
                        "use ember.vjp, or allow_int=True, for integer or bool inputs")
                if dtype.kind == "c" and not holomorphic:
                    raise TypeError(f"[grad] expected real inputs, got {dtype} (argument {i}); use "
                                    "holomorphic=True for holomorphic functions of complex inputs")
        dyn = tuple(args[i] for i in nums)

        def partial_fun(*dyn_args):
            full = list(args)
            for i, a in zip(nums, dyn_args):
                full[i] = a
            return fun(*full, **kwargs)

        if has_aux:
            out, pullback, aux = vjp(partial_fun, *dyn, has_aux=True)
        else:
            out, pullback = vjp(partial_fun, *dyn)
        out_t = _core._to_tensor(out) if not isinstance(out, (tuple, list, dict)) else None
        if out_t is None or out_t.ndim != 0:
            shape = None if out_t is None else out_t.shape
            raise TypeError(f"[grad] expected a function with a scalar output, got an output of shape {shape}")
        kind = np.dtype(out_t.dtype).kind
        if kind == "c" and not holomorphic:
            raise TypeError("[grad] expected a real scalar output, got a complex one; use holomorphic=True")
        if kind not in "fc":
            raise TypeError(f"[grad] expected a real or complex scalar output, got {np.dtype(out_t.dtype)}")
        grads = pullback(_core.asarray(1.0, out_t.dtype))
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        return ((out, aux), g) if has_aux else (out, g)

    return wrapped


def grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False,
         allow_int: bool = False):
    """The gradient of a scalar function with respect to the arguments in `argnums` (a pytree like them).

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> float(em.grad(enp.tanh)(0.0))
    1.0
    >>> float(em.grad(em.grad(lambda x: x ** 3))(2.0))
    12.0
    """
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        return vg(*args, **kwargs)[1]

    return wrapped


def jvp(fun: Callable, primals: Sequence, tangents: Sequence, has_aux: bool = False):
    """(fun(*primals), the directional derivative along `tangents`), as jax.jvp.

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> y, t = em.jvp(enp.sin, (0.0,), (2.0,))
    >>> float(y), float(t)
    (0.0, 2.0)
    """
    primals, tangents = tuple(primals), tuple(tangents)
    if tree_structure(primals) != tree_structure(tangents):
        raise ValueError(f"[jvp] expected tangents of the primals' structure {tree_structure(primals)}, got "
                         f"{tree_structure(tangents)}")
    ir, leaves, _, captures, out_tree = _trace_flat(fun, primals, {}, _name(fun))
    tan_leaves = tree_flatten(tangents)[0]
    with_tangent = []
    tan_args = []
    for x, t in zip(leaves, tan_leaves):
        xs, xd = _aval_type(x)
        if np.shape(t) != tuple(xs):
            raise ValueError(f"[jvp] expected a tangent of shape {tuple(xs)}, got {np.shape(t)}")
        inexact = np.dtype(xd).kind in "fc"
        with_tangent.append(inexact)
        if inexact:
            tan_args.append(_core.asarray(t, xd))
    with_tangent += [False] * len(captures)
    g = _core.jvp_ir(ir, with_tangent)
    outs = _core.eval_ir(g, list(leaves) + captures + tan_args)
    n = len(outs) // 2
    out_leaves, out_tangents = outs[:n], outs[n:]
    out_tangents = [t if np.dtype(y.dtype).kind in "fc" else _float0_like(y) for y, t in zip(out_leaves, out_tangents)]
    if has_aux:
        main, aux = tree_unflatten(out_tree, out_leaves)
        main_tree = tree_structure(main)
        k = main_tree.num_leaves
        return main, tree_unflatten(main_tree, out_tangents[:k]), aux
    return tree_unflatten(out_tree, out_leaves), tree_unflatten(out_tree, out_tangents)


def linearize(fun: Callable, *primals):
    """(fun(*primals), f_jvp): f_jvp(*tangents) evaluates the linearization at primals without re-running fun.

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> y, f_jvp = em.linearize(enp.exp, 0.0)
    >>> float(f_jvp(3.0))
    3.0
    """
    ir, leaves, in_tree, captures, out_tree = _trace_flat(fun, primals, {}, _name(fun))
    wrt = [_is_inexact(x) for x in leaves] + [False] * len(captures)
    primal_ir, linear_ir, n_out, _ = _core.linearize_ir(ir, wrt)
    outs = _core.eval_ir(primal_ir, list(leaves) + captures)
    out_leaves, residuals = outs[:n_out], outs[n_out:]

    def f_jvp(*tangents):
        tan_leaves, tree = tree_flatten(tangents)
        if tree != in_tree:
            raise ValueError(f"[linearize] expected tangents of structure {in_tree}, got {tree}")
        args = [_core.asarray(t, _aval_type(x)[1]) for t, x, w in zip(tan_leaves, leaves, wrt) if w]
        return tree_unflatten(out_tree, _core.eval_ir(linear_ir, residuals + args))

    return tree_unflatten(out_tree, out_leaves), f_jvp


def _broadcast_prefix(prefix, tree, name: str) -> list:
    """The entry of the prefix tree `prefix` that applies to each leaf of `tree` (as JAX's in_axes)."""
    if prefix is None or isinstance(prefix, int):
        return [prefix] * len(tree_flatten(tree)[0])
    if isinstance(prefix, (tuple, list)) and isinstance(tree, (tuple, list)):
        if len(prefix) != len(tree):
            raise ValueError(f"[vmap] expected {name} with {len(tree)} entries, got {len(prefix)}")
        return list(itertools.chain.from_iterable(_broadcast_prefix(p, t, name) for p, t in zip(prefix, tree)))
    if isinstance(prefix, dict) and isinstance(tree, dict):
        if set(prefix) != set(tree):
            raise ValueError(f"[vmap] expected {name} with keys {sorted(tree)}, got {sorted(prefix)}")
        return list(itertools.chain.from_iterable(_broadcast_prefix(prefix[k], tree[k], name) for k in sorted(tree)))
    raise ValueError(f"[vmap] expected {name} to be an int, None or a prefix of the arguments' structure, "
                     f"got {prefix!r}")


def vmap(fun: Callable, in_axes=0, out_axes=0, axis_size: int | None = None, axis_name=None):
    """Vectorises `fun` over the axes `in_axes` of its arguments (an int, None, or a pytree prefix).

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> em.vmap(lambda v, w: enp.dot(v, w), in_axes=(0, None))(enp.ones((5, 3)), enp.ones(3)).shape
    (5,)
    """
    if axis_name is not None:
        raise NotImplementedError("[vmap] axis_name (collectives) is not supported yet")

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        axes = in_axes
        if isinstance(axes, list):
            axes = tuple(axes)
        if isinstance(axes, tuple) and len(axes) != len(args):
            raise ValueError(f"[vmap] expected in_axes with {len(args)} entries (one per argument), got {len(axes)}")
        leaves, in_tree = tree_flatten(args)
        leaf_axes = _broadcast_prefix(axes, args, "in_axes")
        size = axis_size
        unbatched = []
        for x, ax in zip(leaves, leaf_axes):
            shape, dtype = _aval_type(x)
            if ax is None:
                unbatched.append(x)
                continue
            rank = len(shape)
            if not -rank <= ax < rank:
                raise ValueError(f"[vmap] expected in_axes in [{-rank}, {rank}) for an argument of shape "
                                 f"{tuple(shape)}, got {ax}")
            ax = ax % rank
            if size is None:
                size = shape[ax]
            elif shape[ax] != size:
                raise ValueError(f"[vmap] expected mapped axes of one size, got sizes {size} and {shape[ax]} "
                                 f"(argument shapes must agree along in_axes)")
            per_member = tuple(s for i, s in enumerate(shape) if i != ax)
            unbatched.append(_core.ShapeDtypeStruct(per_member, dtype))
        if size is None:
            raise ValueError("[vmap] expected at least one mapped argument (in_axes not all None) or axis_size")
        ir, _, _, captures, out_tree = _trace_flat(fun, tree_unflatten(in_tree, unbatched), kwargs, _name(fun))
        flat_in_axes = [None if a is None else a % (len(_aval_type(x)[0])) for x, a in zip(leaves, leaf_axes)]
        out_placeholder = tree_unflatten(out_tree, [0] * out_tree.num_leaves)
        flat_out_axes = _broadcast_prefix(out_axes, out_placeholder, "out_axes")
        batched = _core.vmap_ir(ir, flat_in_axes + [None] * len(captures), size, flat_out_axes)
        return tree_unflatten(out_tree, _core.eval_ir(batched, list(leaves) + captures))

    return wrapped


def _std_basis(leaves):
    """The identity as one batch of tangents per leaf: leaf i gets shape (n, *leaf.shape), n = total size."""
    sizes = [int(np.prod(_aval_type(x)[0], dtype=np.int64)) for x in leaves]
    n = sum(sizes)
    out, start = [], 0
    for x, size in zip(leaves, sizes):
        shape, dtype = _aval_type(x)
        eye = np.zeros((n, size), dtype=np.float64)
        eye[start:start + size] = np.eye(size)
        out.append(_core.asarray(eye.reshape((n,) + tuple(shape)), dtype))
        start += size
    return out, n


def _split_jacobian(jac, out_shape, in_leaves, in_tree, single: bool, batch_axis_last: bool):
    """Splits a Jacobian whose input axis is flattened (last, or first) into one array per input leaf of shape
    out_shape + in_shape; `single` unwraps the one-argument case (integer argnums)."""
    from . import numpy as enp
    pieces, start = [], 0
    for x in in_leaves:
        shape = tuple(_aval_type(x)[0])
        size = int(np.prod(shape, dtype=np.int64))
        part = jac[..., start:start + size] if batch_axis_last else enp.moveaxis(jac[start:start + size], 0, -1)
        pieces.append(enp.reshape(part, tuple(out_shape) + shape))
        start += size
    tree = tree_unflatten(in_tree, pieces)
    return tree[0] if single else tree


def _partial_argnums(fun, args, argnums, name):
    nums = _argnums_tuple(argnums, len(args), name)
    dyn = tuple(args[i] for i in nums)

    def f_dyn(*d):
        full = list(args)
        for i, a in zip(nums, d):
            full[i] = a
        return fun(*full)

    return f_dyn, dyn


def jacfwd(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False):
    """The Jacobian by forward mode: vmap of jvp over the standard basis of the inputs, so its IR does not
    grow with the number of inputs or outputs.

    With has_aux=True, fun returns (output, aux) and the result is (Jacobian, aux).

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> em.jacfwd(lambda x: x * 2.0)(enp.ones(3)).shape
    (3, 3)
    """

    def jac(*args):
        f_dyn, dyn = _partial_argnums(fun, args, argnums, "jacfwd")
        f_out = (lambda *d: f_dyn(*d)[0]) if has_aux else f_dyn
        leaves, in_tree = tree_flatten(dyn)
        basis, _ = _std_basis(leaves)
        pushfwd = lambda *t: jvp(f_out, dyn, tree_unflatten(in_tree, list(t)))[1]  # noqa: E731
        y, aux = f_dyn(*dyn) if has_aux else (f_dyn(*dyn), None)
        jac_batched = vmap(pushfwd, in_axes=0, out_axes=-1)(*basis)
        single = isinstance(argnums, int)
        out = tree_map(lambda j, yy: _split_jacobian(j, np.shape(yy), leaves, in_tree, single, True), jac_batched, y)
        return (out, aux) if has_aux else out

    return jac


def jacrev(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False):
    """The Jacobian by reverse mode: vmap of vjp over the standard basis of the outputs. With has_aux=True,
    fun returns (output, aux) and the result is (Jacobian, aux).

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> em.jacrev(lambda x: enp.sum(x ** 2))(enp.ones(3)).tolist()
    [2.0, 2.0, 2.0]
    """

    def jac(*args):
        from . import numpy as enp
        f_dyn, dyn = _partial_argnums(fun, args, argnums, "jacrev")
        leaves, in_tree = tree_flatten(dyn)
        if has_aux:
            y, pullback, aux = vjp(f_dyn, *dyn, has_aux=True)
        else:
            y, pullback = vjp(f_dyn, *dyn)
        y_leaves, y_tree = tree_flatten(y)
        basis, _ = _std_basis(y_leaves)
        cts = tree_flatten(vmap(lambda *c: pullback(tree_unflatten(y_tree, list(c))))(*basis))[0]
        single = isinstance(argnums, int)
        per_output, start = [], 0
        for yl in y_leaves:
            shape = tuple(_aval_type(yl)[0])
            size = int(np.prod(shape, dtype=np.int64))
            parts = [enp.reshape(c[start:start + size], shape + tuple(_aval_type(x)[0])) for c, x in zip(cts, leaves)]
            tree = tree_unflatten(in_tree, parts)
            per_output.append(tree[0] if single else tree)
            start += size
        out = tree_unflatten(y_tree, per_output)
        return (out, aux) if has_aux else out

    return jac


def hessian(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False):
    """The Hessian: jacfwd(jacrev(fun)). With has_aux=True, fun returns (output, aux) and the result is
    (Hessian, aux).

    Examples
    --------
    >>> import ember as em, ember.numpy as enp
    >>> em.hessian(lambda x: enp.sum(x ** 3))(enp.ones(2)).tolist()
    [[6.0, 0.0], [0.0, 6.0]]
    """
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux), argnums, has_aux=has_aux)
