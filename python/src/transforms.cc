// Bindings of the IR transforms: tracing a Python function into IR, transforming IR, and evaluating IR on
// arrays (eagerly or inlined into an enclosing trace). ember/_transforms.py builds grad, vmap, ... on these.
#include "bindings.h"
#include "frontend/jit.h"
#include "frontend/trace.h"
#include "frontend/transform_api.h"
#include "runtime/executor.h"
#include "transforms/jvp.h"
#include "transforms/vjp.h"
#include "transforms/vmap.h"

namespace ember::python {

ir::Type leaf_type(py::handle obj) {
  if (py::isinstance<ir::Type>(obj)) return obj.cast<ir::Type>();
  return to_tensor(obj).type();
}

void init_transforms(py::module_& m) {
  // layout: a list of parameter indices (int) and types of new, unused parameters (ShapeDtypeStruct).
  m.def("with_param_layout", [](const ir::Function& f, py::list layout) {
    std::vector<ir::ParamSlot> slots;
    for (py::handle entry : layout) {
      if (py::isinstance<ir::Type>(entry))
        slots.emplace_back(entry.cast<ir::Type>());
      else
        slots.emplace_back(entry.cast<size_t>());
    }
    return ir::with_param_layout(f, slots);
  });
  // Traces fun(list of arrays) -> list of arrays on the types of `leaves`. Returns the IR (parameters: the
  // leaves, then values captured from enclosing traces) and the captured values.
  m.def("trace", [](py::object fun, py::list leaves, std::string name) {
    // With every input's value at hand (outside jit), trace with values so Python control flow works.
    std::vector<std::optional<Tensor>> inputs;
    bool with_values = true;
    for (py::handle leaf : leaves) {
      if (py::isinstance<ir::Type>(leaf)) {
        inputs.emplace_back();
        with_values = false;
        continue;
      }
      inputs.emplace_back(to_tensor(leaf));
      with_values = with_values && inputs.back()->has_data();
    }
    // Types and values are settled before the trace starts (a conversion inside it would be recorded).
    std::vector<ir::Type> types;
    std::vector<std::optional<runtime::Buffer>> data(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      types.push_back(frontend::parameter_type(inputs[i] ? inputs[i]->type() : leaf_type(leaves[i])));
      if (!with_values) continue;
      // Converted directly by the executor: under an enclosing trace, an op would be traced, not run.
      runtime::Array value = inputs[i]->value_for("trace");
      if (value.type.dtype != types[i].dtype)
        value = runtime::execute_op(ir::Prim::ConvertElementType, {&value, 1}, {types[i].dtype, types[i].weak})[0];
      data[i] = value.buffer;
    }
    frontend::TraceScope scope(name, with_values);
    py::list tracers;
    for (size_t i = 0; i < inputs.size(); ++i) tracers.append(wrap(scope.state().add_param(types[i], "", data[i])));
    py::object out = fun(tracers);
    std::vector<Tensor> outputs;
    for (py::handle o : out) outputs.push_back(to_tensor(o));
    ir::Function f = scope.state().finish(outputs);
    return py::make_tuple(f, wrap_all(scope.state().captures()));
  });
  m.def("jvp_ir", [](const ir::Function& f, std::vector<bool> with_tangent) {
    return frontend::simplify_function(transforms::jvp(f, with_tangent));
  });
  m.def("vjp_ir", [](const ir::Function& f, std::vector<bool> wrt) {
    return frontend::simplify_function(transforms::vjp(f, wrt));
  });
  m.def("linearize_ir", [](const ir::Function& f, std::vector<bool> wrt) {
    transforms::Linearized l = transforms::linearize(f, wrt);
    return py::make_tuple(frontend::simplify_function(l.primal), frontend::simplify_function(l.linear),
                          l.num_outputs, l.num_residuals);
  });
  m.def("transpose_ir", [](const ir::Function& f, size_t num_nonlinear) {
    return frontend::simplify_function(transforms::transpose(f, num_nonlinear));
  });
  m.def("vmap_ir", [](const ir::Function& f, std::vector<std::optional<int64_t>> in_axes, int64_t axis_size,
                      std::vector<std::optional<int64_t>> out_axes) {
    return frontend::simplify_function(transforms::vmap(f, in_axes, axis_size, out_axes));
  });
  m.def("simplify_ir", [](const ir::Function& f) { return frontend::simplify_function(f); });
  m.def("eval_ir", [](const ir::Function& f, py::list args) {
    std::vector<Tensor> tensors = to_tensors(args);
    // Lone weak scalars become parameters of their default dtype, as in jit.
    for (size_t i = 0; i < tensors.size() && i < f.body.params.size(); ++i) {
      const ir::Type& want = f.body.type(f.body.params[i]);
      if (tensors[i].dtype() != want.dtype)
        tensors[i] = frontend::lax::convert_element_type(tensors[i], want.dtype, want.weak);
    }
    return wrap_all(frontend::eval_function(f, tensors));
  });
}

}  // namespace ember::python
