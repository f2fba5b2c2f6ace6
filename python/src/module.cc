// The extension module ember._core: error translation, source locations, and the module sections.
#ifdef EMBER_HAVE_CUDA
#include "lowering/cuda/backend.h"
#endif
#ifdef EMBER_HAVE_CPU_BACKEND
#include "lowering/cpu/backend.h"
#include "lowering/cpu/code_cache.h"
#endif
#include "bindings.h"
// After Python.h (pulled in by pybind11).
#include <frameobject.h>
#include "frontend/trace.h"
#include "ir/error.h"

namespace ember::python {

namespace {

std::string& package_dir() {
  static std::string dir;
  return dir;
}

// The first Python frame outside the ember package: the user's line that an op or an error belongs to.
const ir::Location* python_location() {
  if (!Py_IsInitialized() || !PyGILState_Check()) return nullptr;
  PyFrameObject* frame = PyEval_GetFrame();
  Py_XINCREF(frame);
  const ir::Location* found = nullptr;
  while (frame && !found) {
    PyCodeObject* code = PyFrame_GetCode(frame);
    const char* file = PyUnicode_AsUTF8(code->co_filename);
    std::string_view name = file ? file : "";
    bool inside = !package_dir().empty() && name.substr(0, package_dir().size()) == package_dir();
    if (!inside && !name.empty()) found = ir::intern_location(name, PyFrame_GetLineNumber(frame));
    Py_DECREF(code);
    PyFrameObject* back = PyFrame_GetBack(frame);
    Py_DECREF(frame);
    frame = back;
  }
  Py_XDECREF(frame);
  return found;
}

PyObject* concretization_error_type = nullptr;

PyObject* python_exception_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Type: return PyExc_TypeError;
    case ErrorKind::Value: return PyExc_ValueError;
    case ErrorKind::Index: return PyExc_IndexError;
    case ErrorKind::NotImplemented: return PyExc_NotImplementedError;
    case ErrorKind::Runtime: return PyExc_RuntimeError;
    case ErrorKind::Concretization: return concretization_error_type;
    case ErrorKind::Overflow: return PyExc_OverflowError;
  }
  return PyExc_RuntimeError;
}

}  // namespace

void init_errors(py::module_& m) {
  concretization_error_type = PyErr_NewExceptionWithDoc(
      "ember.ConcretizationError",
      "A traced value was used where a concrete one is needed (Python control flow, conversion to NumPy or to "
      "a Python scalar) while a function is being traced.",
      PyExc_TypeError, nullptr);
  m.attr("ConcretizationError") = py::handle(concretization_error_type);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (Error& e) {
      if (e.location().empty())
        if (const ir::Location* loc = python_location()) e.with_location(loc->to_string());
      PyErr_SetString(python_exception_for(e.kind()), e.what());
    }
  });
  m.def("_set_package_dir", [](std::string dir) {
    package_dir() = std::move(dir);
    frontend::set_location_provider(&python_location);
  });
}

}  // namespace ember::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  m.doc() = "ember's C++ core";
  ember::python::init_errors(m);
  ember::python::init_array(m);
  ember::python::init_pytree(m);
  ember::python::init_ir(m);
  ember::python::init_cuda(m);
  ember::python::init_aot(m);
  ember::python::init_jit(m);
  ember::python::init_lax(m);
  ember::python::init_numpy(m);
  ember::python::init_nn(m);
  ember::python::init_indexing(m);
  ember::python::init_interop(m);
  ember::python::init_transforms(m);
  ember::python::init_callbacks(m);
#ifdef EMBER_HAVE_CUDA
  ember::lowering::cuda::register_cuda_backend();
#endif
#ifdef EMBER_HAVE_CPU_BACKEND
  ember::lowering::cpu::register_cpu_backend();
  m.def("_cpu_compile_stats", &ember::lowering::cpu::compile_stats,
        "Counters of the cpu backend's builds and cache hits since start-up (lowering/cpu/code_cache.h).");
  m.def("_wait_for_background_builds", &ember::lowering::cpu::wait_for_background_builds,
        py::call_guard<py::gil_scoped_release>(), "Blocks until tiered compilation's queued builds have landed.");
#endif
}
