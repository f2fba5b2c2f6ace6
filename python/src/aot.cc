// Ahead-of-time compilation's C++ half for ember.aot (python/ember/aot.py writes the shared object around
// it): a traced function compiled to an object for a CPU level, with what its wrapper needs to know.
#include "bindings.h"
#ifdef EMBER_HAVE_CPU_BACKEND
#include "lowering/cpu/aot.h"
#endif
#include "lowering/cuda/host_source.h"
#ifdef EMBER_HAVE_CUDA
#include "runtime/cuda/nvrtc.h"
#endif

namespace ember::python {

void init_aot(py::module_& m) {
  // The CUDA C host code (launch list, constants, cuBLAS calls) of `f` for compute capability `arch`, with
  // its cubin embedded: {"host_source", "workspace_bytes"}.
  m.def("_aot_cuda", [](const ir::Function& f, int arch) {
#ifdef EMBER_HAVE_CUDA
    std::string host;
    size_t workspace = 0;
    {
      py::gil_scoped_release release;
      lowering::Plan plan = lowering::make_plan(f, lowering::cuda::cuda_plan_options());
      auto compile = [&](const std::string& code) { return runtime::cuda::cached_cubin(code, f.name, arch); };
      host = lowering::cuda::emit_host_source(plan, compile, /*allow_tf32=*/false);
      workspace = plan.workspace_bytes;
    }
    py::dict d;
    d["host_source"] = host;
    d["workspace_bytes"] = workspace;
    return d;
#else
    throw Error(ErrorKind::NotImplemented, "CUDA ahead-of-time objects need ember built with CUDA (EMBER_CUDA)", "aot");
#endif
  });
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
