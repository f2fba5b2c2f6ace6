#include "pytree.h"

#include <unordered_map>

#include "ir/error.h"

namespace ember::python {

namespace {

struct CustomNode {
  py::object flatten, unflatten;
};

// Registered pytree classes (tree_util.register_pytree_node). Written at import/registration time under
// the GIL, read under the GIL.
std::unordered_map<PyObject*, CustomNode>& registry() {
  static auto* r = new std::unordered_map<PyObject*, CustomNode>();
  return *r;
}

bool is_namedtuple(py::handle obj) {
  return PyTuple_Check(obj.ptr()) && py::hasattr(obj, "_fields") && !PyTuple_CheckExact(obj.ptr());
}

}  // namespace

PyTreeDef PyTreeDef::flatten(py::handle obj, std::vector<py::object>& leaves, py::handle is_leaf) {
  PyTreeDef def;
  def.flatten_into(obj, leaves, is_leaf);
  return def;
}

void PyTreeDef::flatten_into(py::handle obj, std::vector<py::object>& leaves, py::handle is_leaf) {
  Node node;
  size_t start_leaves = leaves.size(), start_nodes = traversal_.size();
  auto recurse = [&](py::handle child) { flatten_into(child, leaves, is_leaf); };
  if (!is_leaf.is_none() && is_leaf(obj).cast<bool>()) {
    leaves.push_back(py::reinterpret_borrow<py::object>(obj));
  } else if (obj.is_none()) {
    node.kind = Kind::None;
  } else if (PyTuple_CheckExact(obj.ptr())) {
    node.kind = Kind::Tuple;
    for (py::handle c : py::reinterpret_borrow<py::tuple>(obj)) recurse(c);
    node.arity = int(PyTuple_GET_SIZE(obj.ptr()));
  } else if (PyList_CheckExact(obj.ptr())) {
    node.kind = Kind::List;
    for (py::handle c : py::reinterpret_borrow<py::list>(obj)) recurse(c);
    node.arity = int(PyList_GET_SIZE(obj.ptr()));
  } else if (PyDict_CheckExact(obj.ptr())) {
    node.kind = Kind::Dict;
    py::dict d = py::reinterpret_borrow<py::dict>(obj);
    // Sorted keys, as JAX (no module lookup: this runs on every jitted call, for the keyword arguments).
    py::list keys = py::reinterpret_steal<py::list>(PyDict_Keys(d.ptr()));
    if (PyList_Sort(keys.ptr()) != 0) throw py::error_already_set();
    for (py::handle k : keys) recurse(d[k]);
    node.arity = int(keys.size());
    node.data = keys;
  } else if (auto it = registry().find(reinterpret_cast<PyObject*>(Py_TYPE(obj.ptr()))); it != registry().end()) {
    node.kind = Kind::Custom;
    py::tuple out = it->second.flatten(obj);
    if (out.size() != 2)
      throw Error(ErrorKind::Type, "expected the pytree flatten function to return (children, aux_data)",
                  "tree_flatten");
    py::object children = out[0];
    node.arity = 0;
    for (py::handle c : py::reinterpret_borrow<py::iterable>(children)) {
      recurse(c);
      ++node.arity;
    }
    node.data = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(Py_TYPE(obj.ptr())));
    node.custom_data = out[1];
  } else if (is_namedtuple(obj)) {
    node.kind = Kind::NamedTuple;
    for (py::handle c : py::reinterpret_borrow<py::tuple>(obj)) recurse(c);
    node.arity = int(PyTuple_GET_SIZE(obj.ptr()));
    node.data = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(Py_TYPE(obj.ptr())));
  } else {
    leaves.push_back(py::reinterpret_borrow<py::object>(obj));
  }
  node.num_leaves = int(leaves.size() - start_leaves);
  node.num_nodes = int(traversal_.size() - start_nodes + 1);
  traversal_.push_back(std::move(node));
}

py::object PyTreeDef::unflatten(py::handle leaves) const {
  std::vector<py::object> items;
  for (py::handle l : py::reinterpret_borrow<py::iterable>(leaves)) items.push_back(py::reinterpret_borrow<py::object>(l));
  return unflatten(items);
}

py::object PyTreeDef::unflatten(const std::vector<py::object>& leaves) const {
  if (int(leaves.size()) != num_leaves())
    throw make_error(ErrorKind::Value, "tree_unflatten", "expected ", num_leaves(), " leaves for ", to_string(),
                     ", got ", leaves.size());
  std::vector<py::object> stack;
  size_t next_leaf = 0;
  for (const Node& node : traversal_) {
    if (node.kind == Kind::Leaf) {
      stack.push_back(leaves[next_leaf++]);
      continue;
    }
    std::vector<py::object> children(stack.end() - node.arity, stack.end());
    stack.resize(stack.size() - size_t(node.arity));
    switch (node.kind) {
      case Kind::None: stack.push_back(py::none()); break;
      case Kind::Tuple:
      case Kind::NamedTuple: {
        py::tuple t(children.size());
        for (size_t i = 0; i < children.size(); ++i) t[i] = children[i];
        stack.push_back(node.kind == Kind::Tuple ? py::object(t) : node.data(*t));
        break;
      }
      case Kind::List: {
        py::list l;
        for (auto& c : children) l.append(c);
        stack.push_back(l);
        break;
      }
      case Kind::Dict: {
        py::dict d;
        py::list keys = node.data;
        for (size_t i = 0; i < children.size(); ++i) d[keys[i]] = children[i];
        stack.push_back(d);
        break;
      }
      case Kind::Custom: {
        py::tuple t(children.size());
        for (size_t i = 0; i < children.size(); ++i) t[i] = children[i];
        auto& entry = registry().at(node.data.ptr());
        stack.push_back(entry.unflatten(node.custom_data, t));
        break;
      }
      case Kind::Leaf: break;
    }
  }
  return stack.back();
}

std::vector<PyTreeDef> PyTreeDef::children() const {
  std::vector<PyTreeDef> out;
  if (traversal_.empty()) return out;
  // Walk back from the root: each child's subtree ends just before the next one (post-order).
  int pos = int(traversal_.size()) - 2;
  const Node& root = traversal_.back();
  for (int i = 0; i < root.arity; ++i) {
    int n = traversal_[size_t(pos)].num_nodes;
    PyTreeDef child;
    child.traversal_.assign(traversal_.begin() + (pos - n + 1), traversal_.begin() + pos + 1);
    out.push_back(std::move(child));
    pos -= n;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string PyTreeDef::to_string() const {
  std::vector<std::string> stack;
  for (const Node& node : traversal_) {
    if (node.kind == Kind::Leaf) {
      stack.push_back("*");
      continue;
    }
    std::vector<std::string> children(stack.end() - node.arity, stack.end());
    stack.resize(stack.size() - size_t(node.arity));
    std::string joined;
    for (size_t i = 0; i < children.size(); ++i) {
      if (i) joined += ", ";
      if (node.kind == Kind::Dict)
        joined += std::string(py::repr(py::list(node.data)[i])) + ": ";
      joined += children[i];
    }
    switch (node.kind) {
      case Kind::None: stack.push_back("None"); break;
      case Kind::Tuple: stack.push_back("(" + joined + (children.size() == 1 ? ",)" : ")")); break;
      case Kind::List: stack.push_back("[" + joined + "]"); break;
      case Kind::Dict: stack.push_back("{" + joined + "}"); break;
      case Kind::NamedTuple:
      case Kind::Custom:
        stack.push_back(std::string(py::str(node.data.attr("__name__"))) + "(" + joined + ")");
        break;
      case Kind::Leaf: break;
    }
  }
  return "PyTreeDef(" + (stack.empty() ? std::string() : stack.back()) + ")";
}

size_t PyTreeDef::hash() const {
  size_t h = traversal_.size();
  for (const Node& n : traversal_) {
    h = ir::hash_combine(h, size_t(n.kind) * 131 + size_t(n.arity));
    if (n.kind == Kind::Dict) h = ir::hash_combine(h, size_t(py::hash(py::tuple(n.data))));
    if (n.kind == Kind::NamedTuple || n.kind == Kind::Custom) h = ir::hash_combine(h, size_t(n.data.ptr()));
  }
  return h;
}

bool operator==(const PyTreeDef& a, const PyTreeDef& b) {
  if (a.traversal_.size() != b.traversal_.size()) return false;
  for (size_t i = 0; i < a.traversal_.size(); ++i) {
    const auto &x = a.traversal_[i], &y = b.traversal_[i];
    if (x.kind != y.kind || x.arity != y.arity) return false;
    if (x.kind == PyTreeDef::Kind::Dict && !x.data.equal(y.data)) return false;
    if ((x.kind == PyTreeDef::Kind::NamedTuple || x.kind == PyTreeDef::Kind::Custom) && !x.data.is(y.data))
      return false;
    if (x.kind == PyTreeDef::Kind::Custom && !x.custom_data.equal(y.custom_data)) return false;
  }
  return true;
}

void init_pytree(py::module_& m) {
  py::class_<PyTreeDef>(m, "PyTreeDef")
      .def("unflatten", py::overload_cast<py::handle>(&PyTreeDef::unflatten, py::const_))
      .def_property_readonly("num_leaves", &PyTreeDef::num_leaves)
      .def_property_readonly("num_nodes", &PyTreeDef::num_nodes)
      .def("children", &PyTreeDef::children)
      .def("is_leaf", &PyTreeDef::is_leaf)
      .def("__repr__", &PyTreeDef::to_string)
      .def("__eq__", [](const PyTreeDef& a, const PyTreeDef& b) { return a == b; })
      .def("__ne__", [](const PyTreeDef& a, const PyTreeDef& b) { return !(a == b); })
      .def("__hash__", &PyTreeDef::hash);
  m.def(
      "tree_flatten",
      [](py::handle tree, py::handle is_leaf) {
        std::vector<py::object> leaves;
        PyTreeDef def = PyTreeDef::flatten(tree, leaves, is_leaf);
        py::list out;
        for (auto& l : leaves) out.append(l);
        return py::make_tuple(out, def);
      },
      py::arg("tree"), py::arg("is_leaf") = py::none());
  m.def("register_pytree_node", [](py::handle type, py::object flatten, py::object unflatten) {
    if (registry().count(type.ptr()))
      throw make_error(ErrorKind::Value, "register_pytree_node", "expected a type not yet registered, got ",
                       std::string(py::repr(type)));
    registry()[type.ptr()] = CustomNode{std::move(flatten), std::move(unflatten)};
    type.inc_ref();  // registered types live as long as the process
  });
}

}  // namespace ember::python
