// Tracing: recording the primitives a function applies to traced tensors into an ir::Function.
//
// Traces form a stack per thread (the innermost is "current"). While any trace is active, every primitive
// bound through bind() is recorded in the current trace — also when all its operands are concrete, as
// JAX's omnistaging does — so a jitted function's IR contains its whole computation. Concrete operands are
// embedded as `constant` ops (sharing the array's memory). A tensor of an enclosing trace used inside an
// inner one becomes an extra parameter of the inner function (a capture), so every traced function is
// closed and isolated, like the regions of the IR.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "frontend/tensor.h"
#include "ir/error.h"
#include "ir/function.h"

namespace ember::frontend {

class TraceState : public std::enable_shared_from_this<TraceState> {
 public:
  // with_values: every op also runs on the values of its operands when they have them (tracing outside jit,
  // so that Python control flow on traced values works as in JAX's eager transformations).
  explicit TraceState(std::string function_name, bool with_values = false);

  // Adds a parameter (an input of the traced function). `name` is used in error messages; `data`, the
  // parameter's value in a trace with values.
  Tensor add_param(const ir::Type& type, std::string name = {}, std::optional<runtime::Buffer> data = std::nullopt);
  // Ends the trace: the outputs become the function's results. Parameters are the explicit ones followed
  // by the captures, in capture order.
  ir::Function finish(std::span<const Tensor> outputs);

  bool active() const { return active_; }
  bool with_values() const { return with_values_; }
  const ir::Function& function() const { return function_; }
  ir::Builder& builder() { return builder_; }
  // Tensors of enclosing traces that this trace captured, in parameter order after the explicit ones.
  const std::vector<Tensor>& captures() const { return captures_; }
  size_t num_explicit_params() const { return param_names_.size(); }

  // The value of `t` in this trace: its own value, a constant for a concrete tensor, or a capture.
  ir::Value import(const Tensor& t);
  // "argument 'x'" or "computed by tanh at model.py:3", for error messages.
  std::string describe(ir::Value v) const;

 private:
  friend class TraceScope;
  ir::Function function_;
  ir::Builder builder_;
  bool active_ = true;
  bool with_values_ = false;
  std::vector<std::string> param_names_;
  // Embedded concrete buffers (by data pointer), so a constant used twice is embedded once.
  std::multimap<const void*, std::pair<ir::Type, ir::Value>> constants_;
  std::map<std::pair<const TraceState*, uint32_t>, ir::Value> capture_index_;
  std::vector<Tensor> captures_;
};

// The innermost active trace of this thread, or null in eager mode.
TraceState* current_trace();

// Pushes a trace for the scope's lifetime (and deactivates it on exit, so tensors that escape are caught).
class TraceScope {
 public:
  explicit TraceScope(std::string function_name, bool with_values = false);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;
  TraceState& state() { return *state_; }
  const std::shared_ptr<TraceState>& ptr() const { return state_; }

 private:
  std::shared_ptr<TraceState> state_;
};

// Applies a primitive: records it in the current trace, or runs it on the reference executor in eager mode.
// `regions`: the bodies of a control-flow primitive (cond, while, scan).
std::vector<Tensor> bind(ir::Prim p, std::span<const Tensor> operands, ir::Attrs attrs = {},
                         std::vector<ir::Body> regions = {});
Tensor bind1(ir::Prim p, std::span<const Tensor> operands, ir::Attrs attrs = {});
inline Tensor bind1(ir::Prim p, std::initializer_list<Tensor> operands, ir::Attrs attrs = {}) {
  return bind1(p, std::span<const Tensor>(operands.begin(), operands.size()), std::move(attrs));
}

// The user's source location for ops being traced; the Python module installs a provider that finds the
// first frame outside the ember package. Without one, ops carry no location.
using LocationProvider = const ir::Location* (*)();
void set_location_provider(LocationProvider provider);
const ir::Location* current_location();

// While alive, current_location() answers `loc` without asking the provider: replaying IR (eval_function)
// gives each op the location it was traced at, without walking the Python stack per op.
class LocationOverride {
 public:
  explicit LocationOverride(const ir::Location* loc);
  ~LocationOverride();
  void set(const ir::Location* loc);
  LocationOverride(const LocationOverride&) = delete;
  LocationOverride& operator=(const LocationOverride&) = delete;

 private:
  const ir::Location* saved_;
  bool saved_active_;
};

// The error raised when a traced tensor is used where a concrete value is needed (`what`: "bool",
// "__array__", "item", ...).
Error concretization_error(const Tensor& t, std::string_view what);

}  // namespace ember::frontend
