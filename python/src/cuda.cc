// CUDA code generation hooks (private, for tests and EMBER_DUMP-style inspection): the CUDA C of a function's
// plan, and NVRTC compilation of it, which work without a GPU.
#include "bindings.h"
#include "lowering/cuda/source.h"
#include "lowering/plan/plan.h"
#ifdef EMBER_HAVE_CUDA
#include "runtime/cuda/nvrtc.h"
#endif

namespace ember::python {

void init_cuda(py::module_& m) {
  m.def("_cuda_source", [](const ir::Function& f) {
    lowering::cuda::ModuleSource source = lowering::cuda::emit_module_source(lowering::make_plan(f));
    py::list kernels;
    for (const auto& k : source.kernels) {
      py::dict d;
      d["name"] = k.name;
      d["step"] = k.step;
      d["per_row"] = k.launch.per_row;
      d["elements"] = k.launch.elements;
      d["rows"] = k.launch.rows;
      d["row_length"] = k.launch.row_length;
      kernels.append(d);
    }
    py::dict out;
    out["code"] = source.code;
    out["kernels"] = kernels;
    return out;
  });
  m.def("_nvrtc_status", []() {
    py::dict d;
#ifdef EMBER_HAVE_CUDA
    const auto& s = runtime::cuda::nvrtc_status();
    d["available"] = s.available;
    d["why"] = s.why;
    d["version"] = py::make_tuple(s.major, s.minor);
#else
    d["available"] = false;
    d["why"] = "ember was built without CUDA (EMBER_CUDA off or no CUDA toolkit headers)";
    d["version"] = py::make_tuple(0, 0);
#endif
    return d;
  });
  m.def("_nvrtc_compile", [](const std::string& source, const std::string& name, int arch) {
#ifdef EMBER_HAVE_CUDA
    std::string cubin;
    {
      py::gil_scoped_release release;
      cubin = runtime::cuda::compile_to_cubin(source, name, arch);
    }
    return py::bytes(cubin);
#else
    throw Error(ErrorKind::Runtime, "ember was built without CUDA (EMBER_CUDA off or no CUDA toolkit headers)", "cuda");
#endif
  });
}

}  // namespace ember::python
