// ember.IR: a traced (and later transformed) function, printable as IR text (what make_ir returns).
#include "bindings.h"
#include "ir/printer.h"
#include "lowering/plan/plan.h"
#include "ir/verifier.h"
#include "runtime/executor.h"

namespace ember::python {

namespace {
// str() of an IR has no trailing newline (as a jaxpr's), so print(ir) shows the text exactly once.
std::string text_of(const ir::Function& f, bool locations = false) {
  std::string s = ir::print(f, {locations});
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

size_t count_ops(const ir::Body& body) {
  size_t n = body.ops.size();
  for (const ir::Op& op : body.ops)
    for (const ir::Body& r : op.regions) n += count_ops(r);
  return n;
}
}  // namespace


// The plan as Python data: {"text", "workspace_bytes", "reusable_inputs", "steps": [{"kind", "ops", "type",
// "storage", "regions": [plan, ...]}]}, regions (the plans of a control-flow op's regions) only on op steps that
// have them; reusable_inputs by result: the parameter whose donated buffer it may take, or None.
static py::dict plan_dict(const lowering::Plan& plan) {
  const ir::Body& b = plan.body();
  py::list steps;
  for (const lowering::Step& s : plan.steps) {
    py::dict d;
    py::list ops;
    ir::Value written;
    switch (s.kind) {
      case lowering::Step::Kind::Kernel:
        d["kind"] = "kernel";
        for (uint32_t o : s.kernel.ops) ops.append(std::string(ir::prim_name(b.ops[o].prim)));
        written = s.kernel.root;
        break;
      case lowering::Step::Kind::Gemm:
      case lowering::Step::Kind::Op:
        d["kind"] = s.kind == lowering::Step::Kind::Gemm ? "gemm" : "op";
        ops.append(std::string(ir::prim_name(b.ops[s.op].prim)));
        if (!s.regions.empty()) {
          py::list regions;
          for (const lowering::Plan& r : s.regions) regions.append(plan_dict(r));
          d["regions"] = regions;
        }
        written = b.ops[s.op].results.empty() ? ir::Value{} : b.ops[s.op].results[0];
        break;
      case lowering::Step::Kind::Copy:
        d["kind"] = "copy";
        written = s.value;
        break;
    }
    d["ops"] = ops;
    if (written.valid()) {
      d["type"] = ir::to_string(b.type(written));
      d["storage"] = std::string(lowering::storage_kind_name(
          s.kind == lowering::Step::Kind::Copy ? lowering::Storage::Kind::Output : plan.storage[written.id].kind));
    }
    steps.append(d);
  }
  py::dict out;
  out["text"] = plan.to_string();
  out["workspace_bytes"] = plan.workspace_bytes;
  py::list reusable;
  for (int p : plan.reusable_input) reusable.append(p >= 0 ? py::object(py::int_(p)) : py::object(py::none()));
  out["reusable_inputs"] = reusable;
  out["steps"] = steps;
  return out;
}

static py::dict plan_of(const ir::Function& f) { return plan_dict(lowering::make_plan(f)); }

void init_ir(py::module_& m) {
  py::class_<ir::Type>(m, "ShapeDtypeStruct",
                       "An abstract array: a shape and a dtype, for tracing without data (make_ir, vmap).")
      .def(py::init([](py::handle shape, py::handle dtype, bool weak_type) {
             std::vector<int64_t> s = to_ints(shape);
             return ir::Type{to_dtype(dtype, "ShapeDtypeStruct"), ir::Shape(s.begin(), s.end()), weak_type};
           }),
           py::arg("shape"), py::arg("dtype"), py::arg("weak_type") = false)
      .def_property_readonly("shape",
                             [](const ir::Type& t) {
                               py::tuple out(t.rank());
                               for (int i = 0; i < t.rank(); ++i) out[size_t(i)] = py::int_(t.shape[size_t(i)]);
                               return out;
                             })
      .def_property_readonly("dtype", [](const ir::Type& t) { return numpy_dtype(t.dtype); })
      .def_property_readonly("ndim", &ir::Type::rank)
      .def_property_readonly("size", &ir::Type::numel)
      .def_property_readonly("weak_type", [](const ir::Type& t) { return t.weak; })
      .def_property_readonly("ir_text", [](const ir::Type& t) { return ir::to_string(t); })
      .def("__repr__", [](const ir::Type& t) {
        return "ShapeDtypeStruct(shape=" + ir::shape_to_string(t.shape) + ", dtype=" +
               std::string(ir::dtype_numpy_name(t.dtype)) + (t.weak ? ", weak_type=True)" : ")");
      });

  py::class_<ir::Function>(m, "IR", "A function in ember's IR; str() gives its text form.")
      .def("__str__", [](const ir::Function& f) { return text_of(f); })
      .def("__repr__", [](const ir::Function& f) { return text_of(f); })
      .def("text", [](const ir::Function& f, bool locations) { return text_of(f, locations); },
           py::arg("locations") = false)
      .def_property_readonly("name", [](const ir::Function& f) { return f.name; })
      .def_property_readonly("num_ops", [](const ir::Function& f) { return count_ops(f.body); })
      .def_property_readonly("primitives",
                             [](const ir::Function& f) {
                               std::vector<std::string> names;
                               for (const ir::Op& op : f.body.ops) names.emplace_back(ir::prim_name(op.prim));
                               return names;
                             })
      .def_property_readonly("in_types",
                             [](const ir::Function& f) {
                               std::vector<std::string> out;
                               for (const ir::Type& t : f.body.param_types()) out.push_back(ir::to_string(t));
                               return out;
                             })
      .def_property_readonly("in_avals", [](const ir::Function& f) { return f.body.param_types(); })
      .def_property_readonly("out_avals", [](const ir::Function& f) { return f.body.result_types(); })
      .def_property_readonly("out_types",
                             [](const ir::Function& f) {
                               std::vector<std::string> out;
                               for (const ir::Type& t : f.body.result_types()) out.push_back(ir::to_string(t));
                               return out;
                             })
      .def("verify", [](const ir::Function& f) { ir::verify(f); })
      .def("plan", &plan_of,
           "The fusion plan of the compiled backends (what EMBER_DUMP=plan prints), as a dict: 'text', "
           "'workspace_bytes', 'reusable_inputs' (by result, the parameter whose donated buffer it may take) "
           "and 'steps', each with 'kind', the fused 'ops', the 'type' and 'storage' of what it writes.")
      .def("__call__",
           [](const ir::Function& f, py::args args) {
             std::vector<runtime::Array> arrays;
             for (py::handle a : args) arrays.push_back(to_tensor(a).array("IR call"));
             std::vector<Tensor> out;
             for (auto& r : runtime::execute(f, arrays)) out.emplace_back(std::move(r));
             return wrap_all(std::move(out));
           })
      .def_static("parse", [](const std::string& text) { return ir::parse_function(text); });
}

}  // namespace ember::python
