#include "frontend/jit.h"

#include "frontend/lax.h"
#include "frontend/promotion.h"

namespace ember::frontend {

ir::Type parameter_type(const ir::Type& input) {
  if (!input.weak) return input;
  return ir::Type{canonical_weak_dtype(input.dtype), input.shape, true};
}

ir::Function trace_function(const TensorFunction& f, const std::vector<ir::Type>& input_types,
                            const std::string& name, const std::vector<std::string>& param_names) {
  TraceScope scope(name);
  std::vector<Tensor> params;
  for (size_t i = 0; i < input_types.size(); ++i)
    params.push_back(scope.state().add_param(input_types[i], i < param_names.size() ? param_names[i] : ""));
  std::vector<Tensor> outputs = f(params);
  return scope.state().finish(outputs);
}

std::vector<Tensor> run_executable(runtime::Executable& executable, const ir::Function& f,
                                   std::vector<Tensor> inputs, const std::vector<bool>& donated) {
  std::vector<runtime::Array> args;
  args.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Type& want = f.body.type(f.body.params[i]);
    Tensor t = std::move(inputs[i]);  // `args` keeps the only reference this function holds
    if (t.dtype() != want.dtype) t = lax::convert_element_type(t, want.dtype, want.weak);
    // Device arrays stay where they are for an executable that runs on a device.
    runtime::Array a = executable.device().kind == runtime::Device::Kind::Cpu ? t.array("jit argument")
                                                                               : t.stored_array("jit argument");
    a.type.weak = want.weak;
    args.push_back(std::move(a));
  }
  std::vector<runtime::Array> results = executable.run(args, donated);
  std::vector<Tensor> out;
  out.reserve(results.size());
  for (auto& r : results) out.emplace_back(std::move(r));
  return out;
}

Jit::Jit(TensorFunction f, std::string backend, std::string name)
    : f_(std::move(f)), backend_(std::move(backend)), name_(std::move(name)) {}

Jit::Entry& Jit::lookup(const std::vector<Tensor>& inputs) {
  std::vector<ir::Type> types;
  std::string key;
  for (const Tensor& t : inputs) {
    types.push_back(parameter_type(t.type()));
    key += ir::to_string(types.back()) + ";";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  Entry e;
  e.function = trace_function(f_, types, name_);
  ++num_traces_;
  e.executable = runtime::get_compiler(backend_).compile(e.function, runtime::CompileOptions{});
  return cache_.emplace(key, std::move(e)).first->second;
}

std::vector<Tensor> Jit::operator()(const std::vector<Tensor>& inputs) {
  // Inside another trace, calling the function inlines it (as JAX's jit under jit).
  if (current_trace()) return f_(inputs);
  Entry& e = lookup(inputs);
  return run_executable(*e.executable, e.function, inputs);
}

const ir::Function& Jit::ir_for(const std::vector<Tensor>& inputs) { return lookup(inputs).function; }

}  // namespace ember::frontend
