"""Products beyond matmul/dot: inner, outer, tensordot, kron, cross, vector products and einsum with an
optimised contraction order (ember.numpy re-exports them)."""

from __future__ import annotations

import string as _string

import numpy as _np

from .. import _core
from .. import numpy as _enp

_np_ops = _core.np


def vdot(a, b, /):
    """Dot product of the flattened arrays, conjugating the first, as numpy.vdot.

    >>> import ember.numpy as enp
    >>> complex(enp.vdot(enp.asarray([1j, 2]), enp.asarray([1j, 3])))
    (7+0j)
    """
    return _np_ops.vdot(a, b)


def inner(a, b, /):
    """Sum product over the last axes, as numpy.inner.

    >>> import ember.numpy as enp
    >>> int(enp.inner(enp.asarray([1, 2, 3]), enp.asarray([0, 1, 0])))
    2
    """
    return _np_ops.inner(a, b)


def outer(a, b, out=None):
    """Outer product of the flattened arrays, as numpy.outer.

    >>> import ember.numpy as enp
    >>> enp.outer(enp.asarray([1, 2]), enp.asarray([1, 10])).tolist()
    [[1, 10], [2, 20]]
    """
    _enp._no_out(out, "outer")
    return _np_ops.outer(a, b)


def tensordot(a, b, axes=2):
    """Sum product over the given axes (the last n of a and first n of b for an int), as numpy.tensordot.

    >>> import ember.numpy as enp
    >>> enp.tensordot(enp.ones((3, 4, 5)), enp.ones((4, 3, 2)), axes=([1, 0], [0, 1])).shape
    (5, 2)
    """
    if _np.ndim(axes) == 0:
        return _np_ops.tensordot_n(a, b, int(axes))
    axes_a, axes_b = axes
    axes_a = [int(axes_a)] if _np.ndim(axes_a) == 0 else [int(i) for i in axes_a]
    axes_b = [int(axes_b)] if _np.ndim(axes_b) == 0 else [int(i) for i in axes_b]
    return _np_ops.tensordot(a, b, axes_a, axes_b)


def kron(a, b):
    """Kronecker product, as numpy.kron.

    >>> import ember.numpy as enp
    >>> enp.kron(enp.asarray([1, 10]), enp.asarray([1, 2])).tolist()
    [1, 2, 10, 20]
    """
    return _np_ops.kron(a, b)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (2-vectors give the z component), as numpy.cross.

    >>> import ember.numpy as enp
    >>> enp.cross(enp.asarray([1, 0, 0]), enp.asarray([0, 1, 0])).tolist()
    [0, 0, 1]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    return _np_ops.cross(a, b, int(axisa), int(axisb), int(axisc))


def vecdot(x1, x2, /, out=None, *, axis=-1, axes=None, keepdims=False, dtype=None):
    """Vector dot product along `axis`, conjugating x1, with broadcasting, as numpy.vecdot (Array API).

    >>> import ember.numpy as enp
    >>> enp.vecdot(enp.ones((2, 3)), enp.asarray([1.0, 2.0, 3.0])).tolist()
    [6.0, 6.0]
    """
    _enp._no_out(out, "vecdot")
    if axes is not None:
        raise NotImplementedError("[vecdot] expected axis=, not axes=")
    r = _np_ops.vecdot(x1, x2, int(axis))
    if keepdims:
        r = _enp.expand_dims(r, axis)
    return r if dtype is None else _enp.astype(r, dtype)


def matvec(x1, x2, /, out=None, *, dtype=None):
    """Matrix-vector product with broadcasting over leading axes, as numpy.matvec.

    >>> import ember.numpy as enp
    >>> enp.matvec(enp.eye(2), enp.asarray([3.0, 4.0])).tolist()
    [3.0, 4.0]
    """
    _enp._no_out(out, "matvec")
    r = _np_ops.matvec(x1, x2)
    return r if dtype is None else _enp.astype(r, dtype)


def vecmat(x1, x2, /, out=None, *, dtype=None):
    """Vector-matrix product (conjugating the vector) with broadcasting, as numpy.vecmat.

    >>> import ember.numpy as enp
    >>> enp.vecmat(enp.asarray([3.0, 4.0]), enp.eye(2)).tolist()
    [3.0, 4.0]
    """
    _enp._no_out(out, "vecmat")
    r = _np_ops.vecmat(x1, x2)
    return r if dtype is None else _enp.astype(r, dtype)


def _sublist_subscripts(args):
    """NumPy's interleaved form einsum(op0, sublist0, op1, sublist1, ..., [sublistout]) as subscripts."""
    letters = _string.ascii_letters

    def term(sub):
        out = ""
        for s in sub:
            out += "..." if s is Ellipsis else letters[int(s)]
        return out

    operands, terms = [], []
    args = list(args)
    while len(args) >= 2:
        operands.append(args.pop(0))
        terms.append(term(args.pop(0)))
    subscripts = ",".join(terms)
    if args:
        subscripts += "->" + term(args[0])
    return subscripts, operands


def _optimize_name(optimize):
    if optimize is True:
        return "greedy"
    if optimize is False or optimize is None:
        return "none"
    if isinstance(optimize, (list, tuple)):
        return "greedy"  # an explicit path: ember picks its own (the results are the same)
    return str(optimize)


def einsum(*operands, out=None, optimize="greedy", precision=None, preferred_element_type=None, dtype=None,
           casting="safe", order="K"):
    """Einstein summation with NumPy's subscripts (implicit or explicit output, '...', repeated indices for
    traces and diagonals), contracted pairwise in an order chosen on the shapes ('greedy', 'optimal' or
    'none'), as numpy.einsum.

    >>> import ember.numpy as enp
    >>> a, b = enp.ones((2, 3)), enp.ones((3, 4))
    >>> enp.einsum("ij,jk->ik", a, b).shape, float(enp.einsum("ii", enp.eye(3)))
    ((2, 4), 3.0)
    """
    _enp._no_out(out, "einsum")
    if operands and isinstance(operands[0], str):
        subscripts, ops = operands[0], list(operands[1:])
    else:
        subscripts, ops = _sublist_subscripts(operands)
    pref = preferred_element_type if preferred_element_type is not None else dtype
    return _np_ops.einsum(subscripts.replace(" ", ""), ops, _optimize_name(optimize), pref)


def einsum_path(*operands, optimize="greedy", einsum_call=False):
    """The pairwise contraction order einsum uses, in NumPy's format (['einsum_path', (i, j), ...], report),
    as numpy.einsum_path.

    >>> import ember.numpy as enp
    >>> enp.einsum_path("ij,jk,kl->il", enp.ones((2, 3)), enp.ones((3, 4)), enp.ones((4, 5)))[0]
    ['einsum_path', (1, 2), (0, 1)]
    """
    if operands and isinstance(operands[0], str):
        subscripts, ops = operands[0], list(operands[1:])
    else:
        subscripts, ops = _sublist_subscripts(operands)
    shapes = [list(_np.shape(o)) for o in ops]
    steps, naive, optimized, report = _np_ops.einsum_path(subscripts.replace(" ", ""), shapes,
                                                          _optimize_name(optimize))
    return ["einsum_path", *[tuple(s) for s in steps]], report
