#include <cstring>

#include "bindings.h"
#include "ir/error.h"

namespace ember::python {

namespace {

py::module_& numpy_module() {
  static py::module_* np = new py::module_(py::module_::import("numpy"));
  return *np;
}

// NumPy dtype -> ember dtype, by name ("float32", "bfloat16").
std::optional<ir::DType> dtype_from_numpy(py::handle dtype) {
  std::string name = py::str(dtype.attr("name"));
  return ir::parse_dtype(name);
}

Tensor from_numpy_array(py::handle obj, bool default_dtypes) {
  // np.asarray(order="C"), not ascontiguousarray: the latter turns 0-d arrays into 1-d ones.
  py::array arr = numpy_module().attr("asarray")(obj, py::arg("order") = "C");
  // Byte-swapped data (a big-endian file's array) to this machine's order: ember reads native bytes.
  if (!arr.attr("dtype").attr("isnative").cast<bool>())
    arr = arr.attr("astype")(arr.attr("dtype").attr("newbyteorder")("="));
  auto dtype = dtype_from_numpy(arr.attr("dtype"));
  if (!dtype)
    throw Error(ErrorKind::Type,
                "expected an array of a numeric or bool dtype, got dtype " + std::string(py::str(arr.attr("dtype"))),
                "asarray");
  ir::Shape shape;
  for (py::ssize_t i = 0; i < arr.ndim(); ++i) shape.push_back(arr.shape(i));
  Tensor t = frontend::tensor_from_bytes(ir::Type{*dtype, shape, false}, arr.data());
  // Python lists of Python scalars take ember's default dtypes, as jnp.array does.
  if (default_dtypes) {
    ir::DType d = t.dtype();
    if (d == ir::DType::F64) return frontend::lax::convert_element_type(t, frontend::kDefaultFloat);
    if (d == ir::DType::C128) return frontend::lax::convert_element_type(t, frontend::kDefaultComplex);
  }
  return t;
}

}  // namespace

Tensor borrow_argument(py::handle obj) {
  static PyTypeObject* ndarray = reinterpret_cast<PyTypeObject*>(numpy_module().attr("ndarray").ptr());
  if (Py_TYPE(obj.ptr()) != ndarray) return to_tensor(obj);  // subclasses (masked arrays, ...) convert
  py::array arr = py::reinterpret_borrow<py::array>(obj);
  constexpr int kContiguous = py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_;
  constexpr int kAligned = py::detail::npy_api::NPY_ARRAY_ALIGNED_;
  auto dtype = dtype_from_numpy(arr.attr("dtype"));
  if (!dtype || (arr.flags() & (kContiguous | kAligned)) != (kContiguous | kAligned) || arr.size() == 0 ||
      !arr.attr("dtype").attr("isnative").cast<bool>())
    return to_tensor(obj);
  ir::Shape shape;
  for (py::ssize_t i = 0; i < arr.ndim(); ++i) shape.push_back(arr.shape(i));
  ir::Type type{*dtype, shape, false};
  // The last reference may go on a thread without the GIL (a buffer outliving the call).
  std::shared_ptr<const void> owner(new py::object(arr), [](const void* p) {
    py::gil_scoped_acquire gil;
    delete static_cast<const py::object*>(p);
  });
  return Tensor(runtime::Array{type, runtime::Buffer::wrap_host(std::move(owner), arr.data(), type.nbytes())});
}

bool is_python_scalar(py::handle obj) {
  PyObject* o = obj.ptr();
  bool python_number = PyBool_Check(o) || PyLong_Check(o) || PyFloat_Check(o) || PyComplex_Check(o);
  return python_number && !py::isinstance(obj, numpy_module().attr("generic"));
}

Tensor to_tensor(py::handle obj) {
  if (py::isinstance<Tensor>(obj)) return obj.cast<const Tensor&>();
  // NumPy values first: np.float64 subclasses Python's float but is strongly typed.
  if (py::isinstance<py::array>(obj) || py::isinstance(obj, numpy_module().attr("generic")))
    return from_numpy_array(obj, false);
  PyObject* o = obj.ptr();
  // Python scalars are weak; they keep full precision until they meet an array.
  if (PyBool_Check(o)) return frontend::scalar_tensor_int(ir::DType::Bool, o == Py_True, true);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow)
      throw Error(ErrorKind::Overflow, "expected a Python integer that fits in int64, got " + std::string(py::str(obj)),
                  "asarray");
    return frontend::scalar_tensor_int(ir::DType::I64, v, true);
  }
  if (PyFloat_Check(o)) return frontend::scalar_tensor(ir::DType::F64, PyFloat_AS_DOUBLE(o), true);
  if (PyComplex_Check(o))
    return frontend::scalar_tensor_complex(ir::DType::C128, PyComplex_RealAsDouble(o), PyComplex_ImagAsDouble(o),
                                           true);
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    // Nested sequences may hold ember arrays: stack them through the op library, as jnp.array does.
    py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
    bool has_tensor = false;
    for (py::handle item : seq)
      if (py::isinstance<Tensor>(item) || py::isinstance<py::list>(item) || py::isinstance<py::tuple>(item))
        has_tensor = true;
    if (has_tensor && seq.size() > 0) {
      std::vector<Tensor> parts;
      for (py::handle item : seq) parts.push_back(to_tensor(item));
      return frontend::np::stack(parts, 0);
    }
    return from_numpy_array(numpy_module().attr("asarray")(obj), true);
  }
  if (py::hasattr(obj, "__array__") || PyObject_CheckBuffer(o))
    return from_numpy_array(numpy_module().attr("asarray")(obj), false);
  throw Error(ErrorKind::Type,
              "expected an array, a Python scalar or a sequence of them, got " +
                  std::string(py::str(py::type::handle_of(obj).attr("__name__"))),
              "asarray");
}

std::vector<Tensor> to_tensors(py::handle sequence) {
  std::vector<Tensor> out;
  for (py::handle item : py::reinterpret_borrow<py::iterable>(sequence)) out.push_back(to_tensor(item));
  return out;
}

py::object numpy_dtype(ir::DType d) {
  static std::vector<py::object>* cache = [] {
    auto* c = new std::vector<py::object>(ir::kNumDTypes);
    for (int i = 0; i < ir::kNumDTypes; ++i) {
      ir::DType dt = ir::DType(i);
      if (dt == ir::DType::BF16)
        (*c)[i] = numpy_module().attr("dtype")(py::module_::import("ml_dtypes").attr("bfloat16"));
      else
        (*c)[i] = numpy_module().attr("dtype")(std::string(ir::dtype_numpy_name(dt)));
    }
    return c;
  }();
  return (*cache)[size_t(d)];
}

py::array to_numpy(const Tensor& t) {
  runtime::Array a = t.array("__array__");
  std::vector<py::ssize_t> shape(a.type.shape.begin(), a.type.shape.end());
  // The capsule keeps ember's buffer alive as long as the NumPy array (a zero-copy, read-only view).
  auto* keep = new runtime::Buffer(a.buffer);
  py::capsule owner(keep, [](void* p) { delete static_cast<runtime::Buffer*>(p); });
  py::dtype dt = py::reinterpret_borrow<py::dtype>(numpy_dtype(a.type.dtype));
  static char empty_storage[16];
  void* data = a.data() ? a.data() : empty_storage;
  py::array out(dt, shape, {}, data, owner);
  py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return out;
}

ir::DType to_dtype(py::handle obj, std::string_view op) {
  if (py::isinstance<py::str>(obj)) {
    std::string s = obj.cast<std::string>();
    if (auto d = ir::parse_dtype(s)) return *d;
  }
  py::object dt;
  try {
    dt = numpy_module().attr("dtype")(obj);
  } catch (py::error_already_set&) {
    throw make_error(ErrorKind::Type, op, "expected a dtype, got ", std::string(py::str(py::repr(obj))));
  }
  // Python's float and int mean ember's defaults, as in JAX.
  if (obj.ptr() == reinterpret_cast<PyObject*>(&PyFloat_Type)) return frontend::kDefaultFloat;
  if (obj.ptr() == reinterpret_cast<PyObject*>(&PyLong_Type)) return frontend::kDefaultInt;
  if (obj.ptr() == reinterpret_cast<PyObject*>(&PyComplex_Type)) return frontend::kDefaultComplex;
  if (auto d = dtype_from_numpy(dt)) return *d;
  throw make_error(ErrorKind::Type, op, "expected a numeric or bool dtype, got ", std::string(py::str(dt)));
}

std::optional<ir::DType> to_optional_dtype(py::handle obj, std::string_view op) {
  if (obj.is_none()) return std::nullopt;
  return to_dtype(obj, op);
}

int64_t to_int(py::handle obj) {
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(obj.ptr()));
  if (!index) throw py::error_already_set();
  return index.cast<int64_t>();
}

std::vector<int64_t> to_ints(py::handle obj) {
  std::vector<int64_t> out;
  if (PyLong_Check(obj.ptr())) {
    out.push_back(obj.cast<int64_t>());
    return out;
  }
  for (py::handle item : py::reinterpret_borrow<py::iterable>(obj)) out.push_back(to_int(item));
  return out;
}

std::optional<std::vector<int64_t>> to_axes(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return to_ints(obj);
}

py::object wrap(Tensor t) { return py::cast(std::move(t)); }

py::list wrap_all(std::vector<Tensor> ts) {
  py::list out;
  for (Tensor& t : ts) out.append(wrap(std::move(t)));
  return out;
}

}  // namespace ember::python
