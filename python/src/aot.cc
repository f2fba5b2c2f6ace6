// Ahead-of-time compilation's C++ half for ember.aot (python/ember/aot.py writes the shared object around
// it): a traced function compiled to an object for a CPU level, with what its wrapper needs to know.
#include "bindings.h"
#ifdef EMBER_HAVE_CPU_BACKEND
#include "lowering/cpu/aot.h"
#endif

namespace ember::python {

void init_aot(py::module_& m) {
  m.def("_aot_object", [](const ir::Function& f, const std::string& target) {
#ifdef EMBER_HAVE_CPU_BACKEND
    lowering::cpu::AotObject object;
    {
      py::gil_scoped_release release;
      object = lowering::cpu::compile_ahead_of_time(f, target);
    }
    py::dict d;
    d["object"] = py::bytes(object.object);
    d["workspace_bytes"] = object.workspace_bytes;
    d["calls_blas"] = object.calls_blas;
    d["cpu_features"] = object.cpu_features;
    d["target"] = object.target;
    return d;
#else
    throw Error(ErrorKind::NotImplemented,
                "ahead-of-time compilation needs the cpu backend (ember was built with EMBER_CPU_BACKEND off)", "aot");
#endif
  });
}

}  // namespace ember::python
