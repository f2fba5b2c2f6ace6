"""Pytrees, against the behaviour of jax.tree_util."""

import collections

import pytest

import ember as em
from ember import tree_util as tu


def test_flatten_orders_dict_keys_and_skips_none():
    leaves, tree = tu.tree_flatten({"b": [1, None, (2,)], "a": 3})
    assert leaves == [3, 1, 2]
    assert tu.tree_unflatten(tree, [30, 10, 20]) == {"a": 30, "b": [10, None, (20,)]}
    assert tree.num_leaves == 3


def test_namedtuple_and_structure_equality():
    P = collections.namedtuple("P", "x y")
    _, t1 = tu.tree_flatten(P(1, 2))
    _, t2 = tu.tree_flatten(P(5, 6))
    _, t3 = tu.tree_flatten((5, 6))
    assert t1 == t2 and t1 != t3
    assert hash(t1) == hash(t2)
    assert isinstance(tu.tree_unflatten(t1, [7, 8]), P)
    assert repr(t3) == "PyTreeDef((*, *))"


def test_tree_map_multiple_trees_and_mismatch():
    assert tu.tree_map(lambda a, b: a * b, [1, (2, 3)], [4, (5, 6)]) == [4, (10, 18)]
    with pytest.raises(ValueError, match="same structure"):
        tu.tree_map(lambda a, b: a, [1, 2], (1, 2))


def test_is_leaf_stops_descent():
    leaves = tu.tree_leaves([(1, 2), (3, 4)], is_leaf=lambda x: isinstance(x, tuple))
    assert leaves == [(1, 2), (3, 4)]


def test_registered_class_round_trips_through_jit():
    @tu.register_pytree_node_class
    class Params:
        def __init__(self, w, b):
            self.w, self.b = w, b

        def tree_flatten(self):
            return (self.w, self.b), "aux"

        @classmethod
        def tree_unflatten(cls, aux, children):
            assert aux == "aux"
            return cls(*children)

    out = em.jit(lambda p: Params(p.w * 2, p.b + 1))(Params(1.0, 2.0))
    assert isinstance(out, Params)
    assert float(out.w) == 2.0 and float(out.b) == 3.0
    with pytest.raises(ValueError, match="registered"):
        tu.register_pytree_node(Params, lambda p: ((), None), lambda a, c: None)


def test_children_and_unflatten_count_check():
    tree = tu.tree_structure((1, [2, 3], {"k": 4}))
    assert [c.num_leaves for c in tu.treedef_children(tree)] == [1, 2, 1]
    with pytest.raises(ValueError, match="expected 4 leaves"):
        tu.tree_unflatten(tree, [1, 2])
