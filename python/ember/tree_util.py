"""Pytrees: nested tuples, lists, dicts, None, namedtuples and registered classes, as JAX's tree_util.

>>> import ember as em
>>> leaves, tree = em.tree_util.tree_flatten({"b": (1, 2), "a": [3]})
>>> leaves
[3, 1, 2]
>>> em.tree_util.tree_unflatten(tree, [x * 10 for x in leaves])
{'a': [30], 'b': (10, 20)}
"""

from __future__ import annotations

from typing import Any, Callable

from . import _core

PyTreeDef = _core.PyTreeDef


def tree_flatten(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, PyTreeDef]:
    """The leaves of `tree` (dict entries in sorted key order) and its structure.

    >>> import ember as em
    >>> em.tree_util.tree_flatten((1, None, [2]))[0]
    [1, 2]
    """
    return _core.tree_flatten(tree, is_leaf)


def tree_unflatten(treedef: PyTreeDef, leaves) -> Any:
    """Rebuilds a tree of structure `treedef` from `leaves`.

    >>> import ember as em
    >>> _, t = em.tree_util.tree_flatten((0, 0))
    >>> em.tree_util.tree_unflatten(t, [1, 2])
    (1, 2)
    """
    return treedef.unflatten(list(leaves))


def tree_leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list:
    """The leaves of `tree`.

    >>> import ember as em
    >>> em.tree_util.tree_leaves({"x": 1, "y": (2, 3)})
    [1, 2, 3]
    """
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> PyTreeDef:
    """The structure of `tree`.

    >>> import ember as em
    >>> em.tree_util.tree_structure((1, [2]))
    PyTreeDef((*, [*]))
    """
    return tree_flatten(tree, is_leaf)[1]


def tree_map(f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """Applies `f` leaf by leaf over `tree` (and the matching leaves of `rest`).

    >>> import ember as em
    >>> em.tree_util.tree_map(lambda a, b: a + b, {"x": 1}, {"x": 2})
    {'x': 3}
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    others = []
    for r in rest:
        r_leaves, r_def = tree_flatten(r, is_leaf)
        if r_def != treedef:
            raise ValueError(f"[tree_map] expected trees of the same structure, got {treedef} and {r_def}")
        others.append(r_leaves)
    return treedef.unflatten([f(*xs) for xs in zip(leaves, *others)])


def register_pytree_node(nodetype: type, flatten_func: Callable, unflatten_func: Callable) -> None:
    """Registers a class as a pytree node: flatten_func(x) -> (children, aux_data) and
    unflatten_func(aux_data, children) -> x.

    >>> import ember as em
    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> em.tree_util.register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda aux, c: Pair(*c))
    >>> em.tree_util.tree_leaves(Pair(1, 2))
    [1, 2]
    """
    _core.register_pytree_node(nodetype, flatten_func, unflatten_func)


def register_pytree_node_class(cls: type) -> type:
    """Class decorator: registers `cls` using its tree_flatten method and tree_unflatten classmethod.

    >>> import ember as em
    >>> @em.tree_util.register_pytree_node_class
    ... class Box:
    ...     def __init__(self, v): self.v = v
    ...     def tree_flatten(self): return (self.v,), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children): return cls(*children)
    >>> em.tree_util.tree_leaves(Box(3))
    [3]
    """
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    """The structures of the root's children.

    >>> import ember as em
    >>> em.tree_util.treedef_children(em.tree_util.tree_structure((1, [2, 3])))
    [PyTreeDef(*), PyTreeDef([*, *])]
    """
    return treedef.children()


def all_leaves(iterable) -> bool:
    """Whether every element of `iterable` is a leaf.

    >>> import ember as em
    >>> em.tree_util.all_leaves([1, 2]), em.tree_util.all_leaves([(1,)])
    (True, False)
    """
    return all(tree_structure(x).is_leaf() for x in iterable)
