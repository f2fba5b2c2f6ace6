"""User-defined derivatives with JAX's API: `custom_jvp` (defjvp, defjvps) and `custom_vjp` (defvjp).

A call traces the function and its rules abstractly into the regions of one primitive (`custom_jvp_call` or
`custom_vjp_call`), so every transform sees the rule: jvp and grad use it, vmap batches it, jit compiles it.
Values the function or its rules close over become extra operands that are not differentiated (a tangent
reaching one is an error: pass such values as arguments). Arguments listed in `nondiff_argnums` are passed
through as they are (Python values, as JAX's static nondiff arguments) and given to the rules first.
"""

from __future__ import annotations

import functools
from typing import Callable, Sequence

import numpy as _np

from . import _core
from ._control import _abstract, _as_array, _Traced, _check_same_tree
from .tree_util import tree_flatten, tree_unflatten


def _split_args(args: tuple, nondiff_argnums: tuple[int, ...]):
    """(the nondiff arguments, the differentiable ones, a function rebuilding the argument tuple)."""
    nondiff = tuple(args[i] for i in nondiff_argnums)
    diff = tuple(a for i, a in enumerate(args) if i not in nondiff_argnums)

    def rebuild(diff_args):
        it = iter(diff_args)
        return tuple(args[i] if i in nondiff_argnums else next(it) for i in range(len(args)))

    return nondiff, diff, rebuild


def _layout(num_params: int, own: range, before: list, after: list) -> list:
    """A region layout: the first `num_params` parameters, unused parameters of `before` types, the traced
    function's own captures (indices `own`), unused parameters of `after` types."""
    return list(range(num_params)) + list(before) + list(own) + list(after)


class custom_jvp:
    """A function with a user-defined JVP rule, as jax.custom_jvp.

    >>> import ember as em, ember.numpy as enp
    >>> @em.custom_jvp
    ... def log1pexp(x):
    ...     return enp.log(1.0 + enp.exp(x))
    >>> @log1pexp.defjvp
    ... def log1pexp_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return log1pexp(x), t * (1.0 - 1.0 / (1.0 + enp.exp(x)))
    >>> float(em.grad(log1pexp)(100.0))
    1.0
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp = None
        self._in_rule = 0
        functools.update_wrapper(self, fun)

    def defjvp(self, jvp: Callable) -> Callable:
        """Sets the rule `jvp(primals, tangents) -> (primal_out, tangent_out)` (nondiff arguments first)."""
        self.jvp = jvp
        return jvp

    def defjvps(self, *tangent_fns: Callable | None) -> None:
        """Sets the rule from one function per argument, `fn(tangent, primal_out, *primals)`, whose results
        are summed (None: that argument does not contribute)."""

        def jvp(primals, tangents):
            out = self.fun(*primals)
            total = None
            for fn, t in zip(tangent_fns, tangents):
                if fn is None:
                    continue
                term = fn(t, out, *primals)
                total = term if total is None else total + term
            return out, total if total is not None else out * 0

        self.jvp = jvp

    def __call__(self, *args):
        if self.jvp is None:
            raise TypeError(f"[custom_jvp] no JVP rule defined for {getattr(self.fun, '__name__', 'the function')}: "
                            "use defjvp or defjvps")
        if self._in_rule:
            # The rule calls the function (for its primal output): tracing the rule again would never end.
            # The plain function is what that call means there.
            return self.fun(*args)
        nondiff, diff, rebuild = _split_args(args, self.nondiff_argnums)
        leaves, in_tree = tree_flatten(diff)
        avals = [_abstract(x) for x in leaves]
        n = len(avals)
        primal = _Traced(lambda *a: self.fun(*rebuild(a)), in_tree, avals, "custom_jvp_fun")
        tangent_avals = [_core.ShapeDtypeStruct(a.shape, a.dtype) for a in avals]

        def flat_jvp(*flat):
            primals = tree_unflatten(in_tree, list(flat[:n]))
            tangents = tree_unflatten(in_tree, list(flat[n:]))
            out = self.jvp(*nondiff, primals, tangents)
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError("[custom_jvp] expected the JVP rule to return a pair (primal_out, tangent_out)")
            y, t = out
            y_leaves, y_tree = tree_flatten(y)
            t_leaves, t_tree = tree_flatten(t)
            _check_same_tree("custom_jvp", primal.out_tree, y_tree, "the function", "the JVP rule's primal output")
            _check_same_tree("custom_jvp", y_tree, t_tree, "the primal output", "the tangent output")
            # Tangents take the outputs' dtypes (a weak Python-scalar factor must not change them).
            t_leaves = [_core.bind("convert_element_type", [_as_array(tl)], new_dtype=yl.dtype, weak_type=False)[0]
                        for tl, yl in zip(t_leaves, y_leaves)]
            return tuple(y_leaves) + tuple(t_leaves)

        flat_tree = tree_flatten(tuple(range(2 * n)))[1]
        self._in_rule += 1
        try:
            rule = _Traced(flat_jvp, flat_tree, avals + tangent_avals, "custom_jvp_rule")
        finally:
            self._in_rule -= 1
        caps0 = [_abstract(c) for c in primal.captures]
        caps1 = [_abstract(c) for c in rule.captures]
        region0 = _core.with_param_layout(primal.ir, _layout(n, range(n, n + len(caps0)), [], caps1))
        # The rule's parameters are (primals, tangents, captures): captures go before the tangents.
        rule_layout = list(range(n)) + caps0 + list(range(2 * n, 2 * n + len(caps1))) + list(range(n, 2 * n))
        region1 = _core.with_param_layout(rule.ir, rule_layout)
        operands = [_as_array(x) for x in leaves] + primal.captures + rule.captures
        out = _core.bind("custom_jvp_call", operands, regions=[region0, region1],
                         num_consts=len(caps0) + len(caps1))
        return tree_unflatten(primal.out_tree, out)


class custom_vjp:
    """A function with a user-defined VJP rule, as jax.custom_vjp: `fwd(*args) -> (out, residuals)` and
    `bwd(residuals, out_cotangent) -> tuple of argument cotangents` (None for a zero cotangent).

    >>> import ember as em, ember.numpy as enp
    >>> @em.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (enp.clip(g, -1.0, 1.0),))
    >>> float(em.grad(lambda x: 5.0 * clip_gradient(x))(2.0))
    1.0
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd = self.bwd = None
        self._in_rule = 0
        functools.update_wrapper(self, fun)

    def defvjp(self, fwd: Callable, bwd: Callable) -> None:
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
        if self.fwd is None:
            raise TypeError(f"[custom_vjp] no VJP rule defined for {getattr(self.fun, '__name__', 'the function')}: "
                            "use defvjp")
        if self._in_rule:
            return self.fun(*args)  # fwd calls the function for its output: see custom_jvp.__call__
        self._in_rule += 1
        try:
            return self._bind(args)
        finally:
            self._in_rule -= 1

    def _bind(self, args):
        nondiff, diff, rebuild = _split_args(args, self.nondiff_argnums)
        leaves, in_tree = tree_flatten(diff)
        avals = [_abstract(x) for x in leaves]
        n = len(avals)
        primal = _Traced(lambda *a: self.fun(*rebuild(a)), in_tree, avals, "custom_vjp_fun")
        m = len(primal.ir.out_avals)
        res_box = []

        def fwd_flat(extra):
            def run(*a):
                out = self.fwd(*rebuild(a))
                if not (isinstance(out, (tuple, list)) and len(out) == 2):
                    raise TypeError("[custom_vjp] expected fwd to return a pair (output, residuals)")
                y, res = out
                y_leaves, y_tree = tree_flatten(y)
                _check_same_tree("custom_vjp", primal.out_tree, y_tree, "the function", "fwd's output")
                res_leaves, res_tree = tree_flatten(res)
                res_box.append(res_tree)
                return tuple(y_leaves) + tuple(res_leaves) + tuple(extra)
            return run

        # fwd is traced twice: first for its residuals' types, which bwd is traced on; then again returning
        # what bwd closes over too, so bwd's region can take those as residuals.
        fwd = _Traced(fwd_flat(()), in_tree, avals, "custom_vjp_fwd")
        res_tree = res_box[-1]
        res_avals = fwd.ir.out_avals[m:]
        out_avals = [_core.ShapeDtypeStruct(a.shape, a.dtype) for a in primal.ir.out_avals]
        num_res = len(res_avals)

        def bwd_flat(*flat):
            res = tree_unflatten(res_tree, list(flat[:num_res]))
            ct = tree_unflatten(primal.out_tree, list(flat[num_res:]))
            cts = self.bwd(*nondiff, res, ct)
            if not isinstance(cts, (tuple, list)) or len(cts) != len(diff):
                raise TypeError(f"[custom_vjp] expected bwd to return a tuple of {len(diff)} cotangents (one per "
                                f"differentiable argument), got {type(cts).__name__}")
            out = []
            for arg, c in zip(diff, cts):
                arg_leaves, arg_tree = tree_flatten(arg)
                if c is None:
                    c_leaves = [None] * len(arg_leaves)
                else:
                    c_leaves, c_tree = tree_flatten(c, is_leaf=lambda v: v is None)
                    _check_same_tree("custom_vjp", arg_tree, c_tree, "an argument", "its cotangent from bwd")
                for a, cl in zip(arg_leaves, c_leaves):
                    av = _abstract(a)
                    if cl is None:
                        cl = _core.bind("broadcast_in_dim", [_as_array(_np.zeros((), av.dtype))],
                                        shape=list(av.shape), broadcast_dimensions=[])[0]
                    out.append(_core.bind("convert_element_type", [_as_array(cl)], new_dtype=av.dtype,
                                          weak_type=False)[0])
            return tuple(out)

        flat_tree = tree_flatten(tuple(range(num_res + m)))[1]
        bwd = _Traced(bwd_flat, flat_tree, list(res_avals) + out_avals, "custom_vjp_bwd")
        fwd = _Traced(fwd_flat(bwd.captures), in_tree, avals, "custom_vjp_fwd")
        caps0 = [_abstract(c) for c in primal.captures]
        caps1 = [_abstract(c) for c in fwd.captures]
        region0 = _core.with_param_layout(primal.ir, _layout(n, range(n, n + len(caps0)), [], caps1))
        region1 = _core.with_param_layout(fwd.ir, _layout(n, range(n, n + len(caps1)), caps0, []))
        # bwd's parameters are (residuals, output cotangents, captures): the captures become residuals.
        k = len(bwd.captures)
        bwd_layout = list(range(num_res)) + list(range(num_res + m, num_res + m + k)) + \
            list(range(num_res, num_res + m))
        region2 = _core.with_param_layout(bwd.ir, bwd_layout)
        operands = [_as_array(x) for x in leaves] + primal.captures + fwd.captures
        out = _core.bind("custom_vjp_call", operands, regions=[region0, region1, region2],
                         num_consts=len(caps0) + len(caps1))
        return tree_unflatten(primal.out_tree, out)
