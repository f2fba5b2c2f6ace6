// ember.Array: the Python face of frontend::Tensor. Operators call the C++ op library directly, so an eager
// `x + y` does no Python-level work beyond the binding.
#include <complex>

#include "bindings.h"
#include "frontend/trace.h"
#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/device_copies.h"

namespace ember::python {

namespace np = frontend::np;

namespace {

py::tuple shape_tuple(const Tensor& t) {
  py::tuple out(t.rank());
  for (int i = 0; i < t.rank(); ++i) out[size_t(i)] = py::int_(t.shape()[size_t(i)]);
  return out;
}

// A concrete scalar as the Python object of its kind (bool, int, float, complex).
py::object python_scalar(const Tensor& t, std::string_view what) {
  runtime::Array a = t.value_for(what);
  if (a.numel() != 1)
    throw make_error(ErrorKind::Type, what, "expected an array with one element, got ", ir::to_string(a.type));
  ir::DType d = a.type.dtype;
  if (d == ir::DType::Bool) return py::bool_(*static_cast<const bool*>(a.data()));
  if (d == ir::DType::U64) return py::int_(*static_cast<const uint64_t*>(a.data()));
  if (ir::is_int(d)) return py::int_(load_element_as_int(d, a.data()));
  if (ir::is_complex(d)) {
    auto c = load_element_as_complex(d, a.data());
    return py::reinterpret_steal<py::object>(PyComplex_FromDoubles(c.real(), c.imag()));
  }
  return py::float_(load_element_as_double(d, a.data()));
}

using Binary = Tensor (*)(const Tensor&, const Tensor&);

template <Binary F>
void def_binary(py::class_<Tensor>& cls, const char* name, const char* rname) {
  cls.def(name, [](const Tensor& self, py::handle other) { return F(self, to_tensor(other)); }, py::is_operator());
  if (rname)
    cls.def(rname, [](const Tensor& self, py::handle other) { return F(to_tensor(other), self); },
            py::is_operator());
}

Tensor matmul(const Tensor& a, const Tensor& b) { return np::matmul(a, b); }

// ---- operators as CPython number-protocol slots ----
// pybind11 implements `x + y` through CPython's generic slot wrapper, which looks __add__ / __radd__ up by
// name and then goes through pybind11's overload dispatch: about half a microsecond per operator, more
// than the whole op costs on a small array. The operators therefore also get direct nb_* / tp_richcompare
// slot functions (the named methods stay, for introspection and explicit calls). Semantics are those of
// the methods: the left operand's slot is called with (x, y) for `x + y`, and with (np_array, x) when
// NumPy defers to ember (__array_priority__), so either side may be the ember array.

PyTypeObject* array_type = nullptr;

// The Tensor of an ember.Array without a copy, or `storage` holding any other array-like converted.
const Tensor& operand(PyObject* o, Tensor& storage) {
  if (Py_TYPE(o) == array_type) return py::handle(o).cast<const Tensor&>();
  storage = to_tensor(o);
  return storage;
}

// Runs `fn` and returns its Tensor as a new ember.Array, or sets the Python error (through pybind11's
// translators, so ember::Error becomes the same TypeError/ValueError/... with the same location) and
// returns null.
template <typename Fn>
PyObject* slot_call(Fn&& fn) {
  try {
    return py::cast(fn()).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

template <Binary F>
PyObject* nb_binary(PyObject* a, PyObject* b) {
  return slot_call([&] {
    Tensor sa, sb;
    return F(operand(a, sa), operand(b, sb));
  });
}

template <Tensor (*F)(const Tensor&)>
PyObject* nb_unary(PyObject* a) {
  return slot_call([&] {
    Tensor sa;
    return F(operand(a, sa));
  });
}

PyObject* nb_power(PyObject* a, PyObject* b, PyObject* modulo) {
  if (modulo != Py_None) Py_RETURN_NOTIMPLEMENTED;  // pow(x, y, m): TypeError, as for the method
  return nb_binary<np::power>(a, b);
}

// `self` is always the ember array: for a reflected comparison (np_array < x) CPython calls x's slot with
// the reflected operator.
PyObject* tp_richcompare(PyObject* self, PyObject* other, int op) {
  return slot_call([&] {
    Tensor ss, so;
    const Tensor& a = operand(self, ss);
    const Tensor& b = operand(other, so);
    switch (op) {
      case Py_EQ:
        return np::equal(a, b);
      case Py_NE:
        return np::not_equal(a, b);
      case Py_LT:
        return np::less(a, b);
      case Py_LE:
        return np::less_equal(a, b);
      case Py_GT:
        return np::greater(a, b);
      default:
        return np::greater_equal(a, b);
    }
  });
}

Tensor negative(const Tensor& t) { return np::negative(t); }
Tensor positive(const Tensor& t) { return np::positive(t); }
Tensor absolute(const Tensor& t) { return np::absolute(t); }
Tensor invert(const Tensor& t) { return np::invert(t); }

void install_operator_slots(py::class_<Tensor>& cls) {
  array_type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  PyNumberMethods* nb = array_type->tp_as_number;
  nb->nb_add = &nb_binary<np::add>;
  nb->nb_subtract = &nb_binary<np::subtract>;
  nb->nb_multiply = &nb_binary<np::multiply>;
  nb->nb_true_divide = &nb_binary<np::true_divide>;
  nb->nb_floor_divide = &nb_binary<np::floor_divide>;
  nb->nb_remainder = &nb_binary<np::remainder>;
  nb->nb_power = &nb_power;
  nb->nb_matrix_multiply = &nb_binary<matmul>;
  nb->nb_and = &nb_binary<np::bitwise_and>;
  nb->nb_or = &nb_binary<np::bitwise_or>;
  nb->nb_xor = &nb_binary<np::bitwise_xor>;
  nb->nb_lshift = &nb_binary<np::left_shift>;
  nb->nb_rshift = &nb_binary<np::right_shift>;
  nb->nb_negative = &nb_unary<negative>;
  nb->nb_positive = &nb_unary<positive>;
  nb->nb_absolute = &nb_unary<absolute>;
  nb->nb_invert = &nb_unary<invert>;
  array_type->tp_richcompare = &tp_richcompare;
  PyType_Modified(array_type);
}

}  // namespace

void init_array(py::module_& m) {
  py::class_<Tensor> cls(m, "Array", py::buffer_protocol(), "An immutable n-dimensional array (concrete, or traced inside jit).");
  cls.def_property_readonly("shape", &shape_tuple)
      .def_property_readonly("dtype", [](const Tensor& t) { return numpy_dtype(t.dtype()); })
      .def_property_readonly("ndim", &Tensor::rank)
      .def_property_readonly("size", &Tensor::numel)
      .def_property_readonly("weak_type", &Tensor::weak)
      .def_property_readonly("_is_traced", &Tensor::is_traced)
      .def_property_readonly("_type_str", [](const Tensor& t) { return ir::to_string(t.type()); })
      .def("__array__",
           [](const Tensor& t, py::object dtype, py::object copy) -> py::object {
             py::object arr = to_numpy(t);
             if (!dtype.is_none()) arr = arr.attr("astype")(dtype);
             if (!copy.is_none() && copy.cast<bool>()) arr = arr.attr("copy")();
             return arr;
           },
           py::arg("dtype") = py::none(), py::arg("copy") = py::none())
      .def("__len__",
           [](const Tensor& t) {
             if (t.rank() == 0) throw Error(ErrorKind::Type, "len() of a 0-d array", "len");
             return t.shape()[0];
           })
      .def("__bool__",
           [](const Tensor& t) {
             runtime::Array a = t.value_for("bool");
             if (a.numel() != 1)
               throw make_error(ErrorKind::Value, "bool",
                                "expected an array with one element (the truth value of an array with more than "
                                "one element is ambiguous; use any() or all()), got ",
                                ir::to_string(a.type));
             return load_element_as_double(a.type.dtype, a.data()) != 0.0 ||
                    load_element_as_complex(a.type.dtype, a.data()).imag() != 0.0;
           })
      .def("__int__", [](const Tensor& t) { return py::int_(python_scalar(t, "int")); })
      .def("__float__", [](const Tensor& t) { return py::float_(python_scalar(t, "float")); })
      .def("__complex__",
           [](const Tensor& t) {
             py::object s = python_scalar(t, "complex");
             return py::reinterpret_steal<py::object>(
                 PyComplex_FromCComplex(PyComplex_AsCComplex(s.ptr())));
           })
      .def("__index__",
           [](const Tensor& t) {
             if (!ir::is_int(t.dtype()) && !ir::is_bool(t.dtype()))
               throw make_error(ErrorKind::Type, "__index__", "expected an integer array, got ",
                                ir::to_string(t.type()));
             return python_scalar(t, "__index__");
           })
      .def("item", [](const Tensor& t) { return python_scalar(t, "item"); })
      .def("is_deleted", &Tensor::is_donated, "Whether the array was donated to a jitted function (donate_argnums).")
      .def("unsafe_buffer_pointer",
           [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.stored_array("unsafe_buffer_pointer").data()); },
           "The address of the array's memory (as JAX's; a device address for a device array).")
      .def_property_readonly("_device",
                             [](const Tensor& t) {
                               bool cpu = !t.has_data() || t.device().kind == runtime::Device::Kind::Cpu;
                               return py::make_tuple(cpu ? "cpu" : "cuda", cpu ? 0 : t.device().index);
                             })
      .def("block_until_ready",
           [](const Tensor& t) {
             if (t.is_concrete()) {
               runtime::Device device = t.device();
               py::gil_scoped_release release;
               runtime::synchronize(device);
             }
             return t;
           },
           "Waits until the device has computed the array (results of device calls are computed "
           "asynchronously); returns the array.")
      .def("__neg__", [](const Tensor& t) { return np::negative(t); })
      .def("__pos__", [](const Tensor& t) { return np::positive(t); })
      .def("__abs__", [](const Tensor& t) { return np::absolute(t); })
      .def("__invert__", [](const Tensor& t) { return np::invert(t); })
      .def("__copy__", [](const Tensor& t) { return t; })
      .def("__deepcopy__", [](const Tensor& t, py::handle) { return t; });
  def_binary<np::add>(cls, "__add__", "__radd__");
  def_binary<np::subtract>(cls, "__sub__", "__rsub__");
  def_binary<np::multiply>(cls, "__mul__", "__rmul__");
  def_binary<np::true_divide>(cls, "__truediv__", "__rtruediv__");
  def_binary<np::floor_divide>(cls, "__floordiv__", "__rfloordiv__");
  def_binary<np::remainder>(cls, "__mod__", "__rmod__");
  def_binary<np::power>(cls, "__pow__", "__rpow__");
  def_binary<matmul>(cls, "__matmul__", "__rmatmul__");
  def_binary<np::bitwise_and>(cls, "__and__", "__rand__");
  def_binary<np::bitwise_or>(cls, "__or__", "__ror__");
  def_binary<np::bitwise_xor>(cls, "__xor__", "__rxor__");
  def_binary<np::left_shift>(cls, "__lshift__", "__rlshift__");
  def_binary<np::right_shift>(cls, "__rshift__", "__rrshift__");
  def_binary<np::equal>(cls, "__eq__", nullptr);
  def_binary<np::not_equal>(cls, "__ne__", nullptr);
  def_binary<np::less>(cls, "__lt__", nullptr);
  def_binary<np::less_equal>(cls, "__le__", nullptr);
  def_binary<np::greater>(cls, "__gt__", nullptr);
  def_binary<np::greater_equal>(cls, "__ge__", nullptr);
  cls.attr("__hash__") = py::none();
  // NumPy defers to ember's reflected operators (np_array + ember_array gives an ember array).
  cls.attr("__array_priority__") = 100;
  // Last: setting a dunder attribute on the class resets the slots that belong to it.
  install_operator_slots(cls);

  m.def(
      "asarray",
      [](py::handle obj, py::object dtype) {
        Tensor t = to_tensor(obj);
        if (t.weak())
          t = frontend::lax::convert_element_type(t, frontend::canonical_weak_dtype(t.dtype()), true);
        if (!dtype.is_none()) t = np::astype(t, to_dtype(dtype, "asarray"), "asarray");
        return t;
      },
      py::arg("obj"), py::arg("dtype") = py::none());
  m.def("_to_tensor", [](py::handle obj) { return to_tensor(obj); });
  // A copy of the array on ("cpu" or "cuda", index), or the array itself when it is there already; traced
  // arrays are returned as they are (under a trace, placement is jit's).
  m.def("_device_put", [](py::handle obj, const std::string& platform, int index) {
    Tensor t = to_tensor(obj);
    if (t.is_traced()) return t;
    runtime::Device device = platform == "cpu" ? runtime::cpu_device()
                                               : runtime::Device{runtime::Device::Kind::Cuda, index};
    runtime::Array a = t.stored_array("device_put");
    py::gil_scoped_release release;
    return Tensor(runtime::to_device(a, device)).with_weak(t.weak());
  });
}

}  // namespace ember::python
