#include "frontend/trace.h"

#include <array>
#include <atomic>

#include "runtime/device_copies.h"
#include "runtime/executor.h"

namespace ember::frontend {

namespace {
thread_local std::vector<TraceState*> trace_stack;
std::atomic<LocationProvider> location_provider{nullptr};
thread_local const ir::Location* location_override = nullptr;
thread_local bool location_override_active = false;

std::string location_suffix() {
  const ir::Location* loc = current_location();
  return loc ? loc->to_string() : "";
}
}  // namespace

void set_location_provider(LocationProvider provider) { location_provider.store(provider); }

LocationOverride::LocationOverride(const ir::Location* loc)
    : saved_(location_override), saved_active_(location_override_active) {
  location_override = loc;
  location_override_active = true;
}
LocationOverride::~LocationOverride() {
  location_override = saved_;
  location_override_active = saved_active_;
}
void LocationOverride::set(const ir::Location* loc) { location_override = loc; }

const ir::Location* current_location() {
  if (location_override_active) return location_override;
  LocationProvider p = location_provider.load(std::memory_order_relaxed);
  return p ? p() : nullptr;
}

TraceState* current_trace() { return trace_stack.empty() ? nullptr : trace_stack.back(); }

TraceState::TraceState(std::string function_name, bool with_values)
    : builder_(function_.body), with_values_(with_values) {
  function_.name = std::move(function_name);
}

Tensor TraceState::add_param(const ir::Type& type, std::string name, std::optional<runtime::Buffer> data) {
  ir::Value v = builder_.param(type);
  param_names_.push_back(std::move(name));
  if (!with_values_) data.reset();
  return Tensor::traced(shared_from_this(), v, type, std::move(data));
}

ir::Value TraceState::import(const Tensor& t) {
  if (t.is_concrete()) {
    const void* key = t.buffer().data();
    if (key) {
      auto [first, last] = constants_.equal_range(key);
      for (auto it = first; it != last; ++it)
        if (it->second.first == t.type()) return it->second.second;
    }
    runtime::Array a = t.array();
    ir::Value v = builder_.add1(ir::Prim::Constant, {}, {a.to_literal(), t.weak()});
    if (key) constants_.emplace(key, std::make_pair(t.type(), v));
    return v;
  }
  if (t.trace() == this) return t.value();
  if (!t.trace()->active())
    throw Error(ErrorKind::Value,
                "expected a value of the function being traced, got " + ir::to_string(t.type()) +
                    " from a trace that has ended (a leaked tracer: a traced value was stored outside the "
                    "function, e.g. in a global or a closure, and used after tracing finished)",
                "", location_suffix());
  // A value of an enclosing trace: it becomes a parameter of this one.
  auto key = std::make_pair(static_cast<const TraceState*>(t.trace()), t.value().id);
  auto it = capture_index_.find(key);
  if (it != capture_index_.end()) return it->second;
  ir::Value v = builder_.param(t.type());
  capture_index_.emplace(key, v);
  captures_.push_back(t);
  return v;
}

ir::Function TraceState::finish(std::span<const Tensor> outputs) {
  std::vector<ir::Value> results;
  for (const Tensor& t : outputs) results.push_back(import(t));
  builder_.set_results(results);
  active_ = false;
  return function_;
}

std::string TraceState::describe(ir::Value v) const {
  const ir::Body& body = function_.body;
  for (size_t i = 0; i < body.params.size() && i < param_names_.size(); ++i)
    if (body.params[i] == v)
      return param_names_[i].empty() ? "argument " + std::to_string(i) : "argument '" + param_names_[i] + "'";
  for (const ir::Op& op : body.ops)
    for (ir::Value r : op.results)
      if (r == v)
        return "computed by " + std::string(ir::prim_name(op.prim)) +
               (op.loc ? " at " + op.loc->to_string() : std::string());
  return "captured from an enclosing function";
}

TraceScope::TraceScope(std::string function_name, bool with_values)
    : state_(std::make_shared<TraceState>(std::move(function_name), with_values)) {
  trace_stack.push_back(state_.get());
}

TraceScope::~TraceScope() {
  state_->active_ = false;
  // Scopes nest strictly (RAII), so this trace is the top of the stack.
  if (!trace_stack.empty() && trace_stack.back() == state_.get()) trace_stack.pop_back();
}

namespace {

// A concrete operand of an eager op (a traced one here has leaked from a trace that ended).
runtime::Array eager_operand(ir::Prim p, const Tensor& t) {
  if (t.is_traced())
    throw Error(ErrorKind::Value,
                "expected concrete operands outside of tracing, got a traced " + ir::to_string(t.type()) +
                    " from a trace that has ended (a leaked tracer)",
                std::string(ir::prim_name(p)), location_suffix());
  return runtime::to_host(runtime::Array{t.type(), t.buffer()});
}

// Where an eager op's results live: on the device of its device operands, the host when there are none.
// Eager ops run on the host (the reference executor), so device operands are copied out and the results
// copied back; jit runs whole functions on the device.
runtime::Device eager_device(ir::Prim p, std::span<const Tensor> operands) {
  Placement where = placement(operands);
  if (where.conflict != Placement::npos)
    throw Error(ErrorKind::Value,
                "expected operands on one device, got " + where.device.to_string() + " and " +
                    operands[where.conflict].device().to_string() + " (move one with ember.device_put)",
                std::string(ir::prim_name(p)), location_suffix());
  return where.device;
}

}  // namespace

std::vector<Tensor> bind(ir::Prim p, std::span<const Tensor> operands, ir::Attrs attrs,
                         std::vector<ir::Body> regions) {
  TraceState* trace = current_trace();
  if (!trace) {
    std::vector<runtime::Array> arrays;
    arrays.reserve(operands.size());
    for (const Tensor& t : operands) arrays.push_back(eager_operand(p, t));
    runtime::Device device = eager_device(p, operands);
    std::vector<runtime::Array> results = runtime::execute_op(p, arrays, attrs, regions);
    std::vector<Tensor> out;
    out.reserve(results.size());
    for (auto& a : results) out.emplace_back(runtime::to_device(a, device));
    return out;
  }
  SmallVec<ir::Value, 4> values;
  for (const Tensor& t : operands) {
    try {
      values.push_back(trace->import(t));
    } catch (Error& e) {
      e.with_op(ir::prim_name(p));
      throw;
    }
  }
  // In a trace with values, the op also runs on its operands' values (when all have one).
  std::vector<runtime::Array> data;
  // Effects run when the traced program runs, not while tracing it.
  bool compute = trace->with_values() && !ir::has_flag(p, ir::kSideEffect);
  for (const ir::Body& r : regions)
    for (const ir::Op& op : r.ops) compute = compute && !ir::has_side_effects(op);
  for (const Tensor& t : operands) {
    if (!compute) break;
    compute = t.has_data();
    if (compute) data.push_back(runtime::to_host(runtime::Array{t.type(), t.buffer()}));
  }
  ir::Attrs attrs_for_values = compute ? attrs : ir::Attrs{};
  std::vector<ir::Body> regions_for_values = compute ? regions : std::vector<ir::Body>{};
  trace->builder().set_location(current_location());
  ir::Values results = trace->builder().add(p, values.span(), std::move(attrs), std::move(regions));
  std::vector<runtime::Array> result_data;
  if (compute) {
    std::vector<ir::Type> types;
    for (ir::Value v : results) types.push_back(trace->function().body.type(v));
    result_data = runtime::execute_op_typed(p, data, attrs_for_values, regions_for_values, types);
  }
  std::vector<Tensor> out;
  out.reserve(results.size());
  auto self = trace->shared_from_this();
  for (size_t i = 0; i < results.size(); ++i) {
    std::optional<runtime::Buffer> value;
    if (compute) value = result_data[i].buffer;
    out.push_back(Tensor::traced(self, results[i], trace->function().body.type(results[i]), std::move(value)));
  }
  return out;
}

Tensor bind1(ir::Prim p, std::span<const Tensor> operands, ir::Attrs attrs) {
  // Eager ops of up to four operands (all the elementwise ones): operands on the stack and one result
  // array, no vectors; the op still goes through the primitive's rule, so errors are the same.
  constexpr size_t kInline = 4;
  if (!current_trace() && operands.size() <= kInline) {
    std::array<runtime::Array, kInline> arrays;
    for (size_t i = 0; i < operands.size(); ++i) arrays[i] = eager_operand(p, operands[i]);
    runtime::Device device = eager_device(p, operands);
    runtime::Array result =
        runtime::execute_op1(p, std::span<const runtime::Array>(arrays.data(), operands.size()), attrs);
    return Tensor(device.kind == runtime::Device::Kind::Cpu ? std::move(result) : runtime::to_device(result, device));
  }
  std::vector<Tensor> out = bind(p, operands, std::move(attrs));
  return std::move(out.at(0));
}

Error concretization_error(const Tensor& t, std::string_view what) {
  std::string origin = t.trace() ? t.trace()->describe(t.value()) : std::string();
  return Error(ErrorKind::Concretization,
               "expected a concrete value, got the traced value %" + std::to_string(t.value().id) + " (" +
                   ir::to_string(t.type()) + (origin.empty() ? "" : ", " + origin) +
                   "). Python control flow and conversions need concrete values while a function is traced; "
                   "use ember.lax.cond, ember.lax.while_loop or ember.lax.fori_loop on traced values, or mark "
                   "the argument static (static_argnums)",
               std::string(what), location_suffix());
}

}  // namespace ember::frontend
