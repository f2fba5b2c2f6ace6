// CUDA code generation hooks (private, for tests and EMBER_DUMP-style inspection): the CUDA C of a function's
// plan, and NVRTC compilation of it, which work without a GPU.
#include "bindings.h"
#include "lowering/cuda/source.h"
#include "lowering/plan/plan.h"
#ifdef EMBER_HAVE_CUDA
#include "runtime/cuda/driver.h"
#include "runtime/cuda/nvrtc.h"
#endif

namespace ember::python {

void init_cuda(py::module_& m) {
  // {"code", "kernels": [{"name", "step", "buffers" (value ids), launch shape...}], "steps" (kinds),
  // "params" and "results" (value ids), "values" ({id: (shape, dtype)} of every buffer, parameter and result)}.
  m.def("_cuda_source", [](const ir::Function& f) {
    lowering::Plan plan = lowering::make_plan(f, lowering::cuda::cuda_plan_options());
    lowering::cuda::ModuleSource source = lowering::cuda::emit_module_source(plan);
    const ir::Body& body = plan.body();
    py::dict values;
    auto describe = [&](ir::Value v) {
      const ir::Type& t = body.type(v);
      py::tuple shape(t.shape.size());
      for (size_t i = 0; i < t.shape.size(); ++i) shape[i] = py::int_(t.shape[i]);
      values[py::int_(v.id)] = py::make_tuple(shape, numpy_dtype(t.dtype));
      return v.id;
    };
    py::list params, results, steps;
    for (ir::Value v : body.params) params.append(describe(v));
    for (ir::Value v : body.results) results.append(describe(v));
    for (const lowering::Step& s : plan.steps)
      steps.append(s.kind == lowering::Step::Kind::Kernel ? "kernel" : s.kind == lowering::Step::Kind::Gemm ? "gemm"
                   : s.kind == lowering::Step::Kind::Op ? "op" : "copy");
    py::list kernels;
    for (const auto& k : source.kernels) {
      py::dict d;
      py::list buffers;
      for (ir::Value v : k.buffers) buffers.append(describe(v));
      d["buffers"] = buffers;
      d["name"] = k.name;
      d["step"] = k.step;
      d["per_row"] = k.launch.per_row;
      d["serial"] = k.launch.serial;
      d["elements"] = k.launch.elements;
      d["rows"] = k.launch.rows;
      d["row_length"] = k.launch.row_length;
      d["scratch"] = k.scratch;
      kernels.append(d);
    }
    py::dict out;
    out["code"] = source.code;
    out["kernels"] = kernels;
    out["steps"] = steps;
    out["params"] = params;
    out["results"] = results;
    out["values"] = values;
    return out;
  });
  // {"available", "why", "driver_version", "devices": [{"index", "name", "compute_capability", "memory_bytes"}]}
  m.def("_cuda_status", []() {
    py::dict d;
    py::list devices;
#ifdef EMBER_HAVE_CUDA
    const auto& s = runtime::cuda::cuda_status();
    d["available"] = s.available;
    d["why"] = s.why;
    d["driver_version"] = s.driver_version;
    for (const auto& info : s.devices) {
      py::dict dev;
      dev["index"] = info.index;
      dev["name"] = info.name;
      dev["compute_capability"] = py::make_tuple(info.major, info.minor);
      dev["memory_bytes"] = info.memory_bytes;
      devices.append(dev);
    }
#else
    d["available"] = false;
    d["why"] = "ember was built without CUDA (EMBER_CUDA off or no CUDA toolkit headers)";
    d["driver_version"] = 0;
#endif
    d["devices"] = devices;
    return d;
  });
  m.def("_nvrtc_status", []() {
    py::dict d;
#ifdef EMBER_HAVE_CUDA
    const auto& s = runtime::cuda::nvrtc_status();
    d["available"] = s.available;
    d["why"] = s.why;
    d["version"] = py::make_tuple(s.major, s.minor);
    d["library"] = s.library;
    auto counts = runtime::cuda::cubin_counts();
    d["compiles"] = counts.compiles;
    d["disk_hits"] = counts.disk_hits;
#else
    d["available"] = false;
    d["why"] = "ember was built without CUDA (EMBER_CUDA off or no CUDA toolkit headers)";
    d["version"] = py::make_tuple(0, 0);
    d["library"] = "";
    d["compiles"] = 0;
    d["disk_hits"] = 0;
#endif
    return d;
  });
  // The cubin of `source` for sm_`arch`, or with ptx=True its PTX for compute_`arch`.
  m.def("_nvrtc_compile", [](const std::string& source, const std::string& name, int arch, bool ptx) {
#ifdef EMBER_HAVE_CUDA
    std::string out;
    {
      py::gil_scoped_release release;
      out = ptx ? runtime::cuda::compile_to_ptx(source, name, arch) : runtime::cuda::compile_to_cubin(source, name, arch);
    }
    return py::bytes(out);
#else
    throw Error(ErrorKind::Runtime, "ember was built without CUDA (EMBER_CUDA off or no CUDA toolkit headers)", "cuda");
#endif
  }, py::arg("source"), py::arg("name"), py::arg("arch"), py::arg("ptx") = false);
}

}  // namespace ember::python
