// jit for C++ users: traces a function of tensors once per input signature (dtypes, shapes, weak flags),
// compiles the IR with a registered backend, and runs the cached executable on later calls.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "frontend/trace.h"
#include "runtime/compiler.h"

namespace ember::frontend {

using TensorFunction = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

// Traces `f` on abstract inputs of the given types. Parameters: the inputs, then captures (none when
// nothing from an enclosing trace is used).
ir::Function trace_function(const TensorFunction& f, const std::vector<ir::Type>& input_types,
                            const std::string& name = "f", const std::vector<std::string>& param_names = {});

// Runs `executable` on concrete inputs (converting weak Python scalars to the traced parameter dtype).
// `donated` (empty, or a flag per input): inputs whose buffers the executable may write results over when
// `inputs` holds their only reference (see runtime::Executable::run).
std::vector<Tensor> run_executable(runtime::Executable& executable, const ir::Function& f,
                                   std::vector<Tensor> inputs, const std::vector<bool>& donated = {});

class Jit {
 public:
  explicit Jit(TensorFunction f, std::string backend = "interpreter", std::string name = "f");
  std::vector<Tensor> operator()(const std::vector<Tensor>& inputs);
  // The IR traced for these inputs (traced again if needed; cached like a call).
  const ir::Function& ir_for(const std::vector<Tensor>& inputs);
  size_t num_traces() const { return num_traces_; }

 private:
  struct Entry {
    ir::Function function;
    std::shared_ptr<runtime::Executable> executable;
  };
  Entry& lookup(const std::vector<Tensor>& inputs);

  TensorFunction f_;
  std::string backend_, name_;
  std::mutex mutex_;
  std::map<std::string, Entry> cache_;  // keyed by the printed input types
  size_t num_traces_ = 0;
};

// The type a jitted function's parameter gets for an input: lone weak scalars take the default dtype
// of their kind (a Python float is a float32 parameter).
ir::Type parameter_type(const ir::Type& input);

}  // namespace ember::frontend
