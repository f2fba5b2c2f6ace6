// Pytrees (JAX's tree_util) in C++: flattening nested tuples, lists, dicts, None, namedtuples and
// registered classes into leaves and a structure, and back. Used by jit's cached-call path.
#pragma once

#include "bindings.h"

namespace ember::python {

class PyTreeDef {
 public:
  enum class Kind : uint8_t { Leaf, None, Tuple, List, Dict, NamedTuple, Custom };
  struct Node {
    Kind kind = Kind::Leaf;
    int arity = 0;
    py::object data;         // Dict: sorted keys (list); NamedTuple/Custom: the type
    py::object custom_data;  // Custom: auxiliary data returned by the flatten function
    int num_leaves = 0;      // leaves in this node's subtree
    int num_nodes = 0;       // nodes in this node's subtree, itself included
  };

  // Appends obj's leaves to `leaves` and returns its structure. `is_leaf(x)` true stops descent at x.
  static PyTreeDef flatten(py::handle obj, std::vector<py::object>& leaves, py::handle is_leaf = py::none());
  py::object unflatten(const std::vector<py::object>& leaves) const;
  py::object unflatten(py::handle leaves) const;

  int num_leaves() const { return traversal_.empty() ? 0 : traversal_.back().num_leaves; }
  int num_nodes() const { return int(traversal_.size()); }
  bool is_leaf() const { return traversal_.size() == 1 && traversal_[0].kind == Kind::Leaf; }
  // The structures of the root's children.
  std::vector<PyTreeDef> children() const;
  std::string to_string() const;
  size_t hash() const;
  friend bool operator==(const PyTreeDef& a, const PyTreeDef& b);

  const std::vector<Node>& traversal() const { return traversal_; }

 private:
  void flatten_into(py::handle obj, std::vector<py::object>& leaves, py::handle is_leaf);
  std::vector<Node> traversal_;  // post-order
};

struct PyTreeDefHash {
  size_t operator()(const PyTreeDef& t) const { return t.hash(); }
};

}  // namespace ember::python
