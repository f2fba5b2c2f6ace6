// Bindings of NumPy indexing (frontend/indexing.h): Array.__getitem__ and the x.at[...] updates of
// ember._indexing. Converts a Python index (int, slice, Ellipsis, None, bool, array-like, or a tuple of
// them) into frontend::Index with NumPy's reading of each kind of object.
#include "frontend/indexing.h"
#include "bindings.h"
#include "ir/error.h"
#include "ir/numeric.h"

namespace ember::python {

namespace {

using frontend::IndexItem;

constexpr std::string_view kOp = "getitem";

[[noreturn]] void invalid_index(py::handle obj) {
  throw make_error(
      ErrorKind::Index, kOp,
      "expected an integer, a slice, Ellipsis, None or an integer or boolean array as index, got ",
      std::string(py::str(py::type::handle_of(obj).attr("__name__"))),
      " (only integers, slices (`:`), ellipsis (`...`), None and integer or boolean arrays are "
      "valid indices)");
}

int64_t index_integer(py::handle obj) {
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(obj.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow)
    throw make_error(ErrorKind::Index, kOp, "expected an index that fits in int64, got ",
                     std::string(py::str(index)));
  return v;
}

// An integer or boolean tensor as an index item: concrete 0-d integers are plain integers (NumPy treats a
// 0-d integer array like an int), everything else an array (checked by the op library).
IndexItem tensor_item(Tensor t) {
  if (t.rank() == 0 && t.is_concrete() && ir::is_int(t.dtype())) {
    runtime::Array a = t.array("index");
    if (t.dtype() == ir::DType::U64 && *a.data_as<const uint64_t>() > uint64_t(INT64_MAX))
      return IndexItem::array_index(std::move(t));
    return IndexItem::integer_index(load_element_as_int(t.dtype(), a.data()));
  }
  return IndexItem::array_index(std::move(t));
}

IndexItem to_item(py::handle obj) {
  PyObject* o = obj.ptr();
  if (obj.is_none()) return IndexItem::newaxis();
  if (o == Py_Ellipsis) return IndexItem::ellipsis();
  if (PySlice_Check(o)) {
    auto part = [](py::handle v) -> std::optional<int64_t> {
      if (v.is_none()) return std::nullopt;
      return index_integer(v);
    };
    return IndexItem::slice(part(obj.attr("start")), part(obj.attr("stop")), part(obj.attr("step")));
  }
  // Python's bool subclasses int, but NumPy reads True/False as boolean scalars (a new axis of size 1 or 0).
  if (PyBool_Check(o))
    return IndexItem::array_index(frontend::scalar_tensor_int(ir::DType::Bool, o == Py_True));
  if (PyLong_Check(o)) return IndexItem::integer_index(index_integer(obj));
  if (py::isinstance<Tensor>(obj)) return tensor_item(obj.cast<Tensor>());
  if (PyFloat_Check(o) || PyComplex_Check(o) || PyUnicode_Check(o) || PyBytes_Check(o)) invalid_index(obj);
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    // A sequence is an index array (NumPy no longer reads a list as a tuple); an empty one is an empty
    // integer array.
    if (py::len(obj) == 0)
      return IndexItem::array_index(
          frontend::tensor_from_bytes(ir::Type{ir::DType::I64, ir::Shape{0}, false}, nullptr));
    Tensor t;
    try {
      t = to_tensor(obj);
    } catch (Error&) {
      invalid_index(obj);
    } catch (py::error_already_set&) {
      invalid_index(obj);
    }
    return IndexItem::array_index(std::move(t));
  }
  if (py::isinstance<py::array>(obj) || py::hasattr(obj, "__array__")) return tensor_item(to_tensor(obj));
  if (py::hasattr(obj, "__index__")) return IndexItem::integer_index(index_integer(obj));
  invalid_index(obj);
}

frontend::Index to_index(py::handle key) {
  frontend::Index index;
  if (py::isinstance<py::tuple>(key)) {
    for (py::handle item : py::reinterpret_borrow<py::tuple>(key)) index.push_back(to_item(item));
  } else {
    index.push_back(to_item(key));
  }
  return index;
}

std::optional<frontend::GatherScatterMode> to_mode(py::handle mode) {
  if (mode.is_none()) return std::nullopt;
  return frontend::parse_gather_scatter_mode(mode.cast<std::string>());
}

frontend::UpdateOp to_update_op(std::string_view name) {
  using frontend::UpdateOp;
  if (name == "set") return UpdateOp::Set;
  if (name == "add") return UpdateOp::Add;
  if (name == "subtract") return UpdateOp::Subtract;
  if (name == "multiply") return UpdateOp::Multiply;
  if (name == "divide") return UpdateOp::Divide;
  if (name == "power") return UpdateOp::Power;
  if (name == "min") return UpdateOp::Min;
  if (name == "max") return UpdateOp::Max;
  throw make_error(ErrorKind::Value, "index_update",
                   "expected one of set, add, subtract, multiply, divide, power, min, max, got '", name, "'");
}

}  // namespace

void init_indexing(py::module_& m) {
  m.def(
      "_getitem", [](const Tensor& x, py::handle key) { return frontend::getitem(x, to_index(key)); },
      "x[key] with NumPy's indexing rules (basic, integer-array and boolean-mask indices).");
  m.def(
      "_index_get",
      [](py::handle x, py::handle key, py::handle mode, py::handle fill_value) {
        std::optional<Tensor> fill;
        if (!fill_value.is_none()) fill = to_tensor(fill_value);
        return frontend::getitem(to_tensor(x), to_index(key), to_mode(mode), fill);
      },
      py::arg("x"), py::arg("key"), py::arg("mode") = py::none(), py::arg("fill_value") = py::none(),
      "x.at[key].get(mode=..., fill_value=...).");
  m.def(
      "_index_update",
      [](py::handle x, py::handle key, py::handle values, const std::string& op, py::handle mode) {
        return frontend::index_update(to_tensor(x), to_index(key), to_tensor(values), to_update_op(op),
                                      to_mode(mode));
      },
      py::arg("x"), py::arg("key"), py::arg("values"), py::arg("op"), py::arg("mode") = py::none(),
      "x.at[key].<op>(values, mode=...) for op in set, add, subtract, multiply, divide, power, min, max.");
}

}  // namespace ember::python
