// The "cpu" backend as the runtime sees it: compile = plan + code from the caches or the compiler
// (code_cache.h); run = allocate the results and the workspace, call the entry point with the services.
#include "lowering/cpu/backend.h"

#include <cstring>
#include <exception>
#include <limits>
#include <mutex>

#include "ir/error.h"
#include "lowering/cpu/code_cache.h"
#include "lowering/plan/dump.h"
#include "runtime/compiler.h"
#include "runtime/host_callback.h"
#include "runtime/thread_pool.h"

namespace ember::lowering::cpu {

namespace {

void services_parallel_for(EmberLoopBody body, void* ctx, int64_t n, int64_t grain) {
  runtime::parallel_for(n, grain, [&](int64_t begin, int64_t end) { body(ctx, begin, end); });
}

// What one call of compiled code keeps on the host: its run-time stacks and the first error a service hit.
// Services never let an exception into compiled code: they record it here and return an error code.
struct CallState {
  using Entry = std::vector<std::vector<char>>;  // the bytes of each value pushed together
  using Stack = std::vector<Entry>;
  std::vector<Stack> stacks;  // a stack's handle is its index + 1
  std::exception_ptr error;

  Stack* stack(uint64_t handle) {
    return handle >= 1 && handle <= stacks.size() ? &stacks[handle - 1] : nullptr;
  }
};

CallState& state(void* host) { return *static_cast<CallState*>(host); }

uint64_t services_stack_new(void* host) {
  try {
    state(host).stacks.emplace_back();
    return state(host).stacks.size();
  } catch (...) {
    state(host).error = std::current_exception();
    return 0;
  }
}

int services_stack_push(void* host, uint64_t handle, int64_t n, const void* const* values, const int64_t* nbytes) {
  auto* stack = state(host).stack(handle);
  if (!stack) return EMBER_ERROR_STACK;
  try {
    auto& entry = stack->emplace_back();
    for (int64_t i = 0; i < n; ++i) {
      const char* p = static_cast<const char*>(values[i]);
      entry.emplace_back(p, p + nbytes[i]);
    }
    return EMBER_OK;
  } catch (...) {
    state(host).error = std::current_exception();
    return EMBER_ERROR_STACK;
  }
}

int64_t services_stack_size(void* host, uint64_t handle) {
  auto* stack = state(host).stack(handle);
  return stack ? int64_t(stack->size()) : -1;
}

const void* services_stack_entry(void* host, uint64_t handle, int64_t entry, int64_t value) {
  return (*state(host).stack(handle))[size_t(entry)][size_t(value)].data();
}

// Calls the Python function behind a pure_callback or debug_callback on copies of its operands (they live
// in a workspace that is reused) and checks what it returns, as the reference executor does.
int services_host_callback(void* host, const void* site_address, const void* const* inputs, void* const* outputs) {
  const auto& site = *static_cast<const HostCallSite*>(site_address);
  const char* op = site.debug ? "debug_callback" : "pure_callback";
  try {
    std::vector<runtime::Array> args;
    for (size_t i = 0; i < site.inputs.size(); ++i) {
      args.push_back(runtime::Array::allocate(site.inputs[i]));
      std::memcpy(args.back().data(), inputs[i], args.back().nbytes());
    }
    std::vector<runtime::Array> results = runtime::host_callback(site.callback, op)(args);
    if (site.debug) return EMBER_OK;
    if (results.size() != site.outputs.size())
      throw make_error(ErrorKind::Value, op, "expected the callback to return ", site.outputs.size(), " arrays, got ",
                       results.size());
    for (size_t i = 0; i < results.size(); ++i) {
      const ir::Type &want = site.outputs[i], &got = results[i].type;
      if (want.dtype != got.dtype || !(want.shape == got.shape))
        throw make_error(ErrorKind::Type, op, "expected the callback's result ", i, " to be ", ir::to_string(want),
                         " (as declared), got ", ir::to_string(got));
      std::memcpy(outputs[i], results[i].data(), want.nbytes());
    }
    return EMBER_OK;
  } catch (...) {
    state(host).error = std::current_exception();
    return EMBER_ERROR_HOST_CALLBACK;
  }
}

// The message for an error code the entry point returned without a recorded exception.
std::string describe(int rc) {
  switch (rc) {
    case EMBER_ERROR_NULL_ARGUMENT: return "a null input, output or workspace pointer";
    case EMBER_ERROR_MAX_STEPS: return "a while_loop ran more iterations than its max_steps";
    case EMBER_ERROR_STACK: return "a stack_loop's count exceeds its stack's entries, or a stack operation failed";
    default: return "error code " + std::to_string(rc);
  }
}

class CpuExecutable final : public runtime::Executable {
 public:
  CpuExecutable(std::shared_ptr<const Plan> plan, std::shared_ptr<TieredCode> code)
      : plan_(std::move(plan)), code_(std::move(code)) {}

  std::vector<runtime::Array> run(std::span<const runtime::Array> args, const std::vector<bool>& donated) override {
    const ir::Body& body = plan_->body();
    if (args.size() != body.params.size())
      throw make_error(ErrorKind::Value, "jit", "expected ", body.params.size(), " arguments, got ", args.size());
    std::vector<const void*> inputs(args.size());
    for (size_t i = 0; i < args.size(); ++i) inputs[i] = args[i].data();
    std::vector<runtime::Array> results;
    std::vector<void*> outputs;
    for (size_t j = 0; j < body.results.size(); ++j) {
      const ir::Type& type = body.type(body.results[j]);
      int p = plan_->reusable_input[j];
      // When `args` holds the only reference to a donated buffer, writing the result over it is visible only
      // through the result.
      bool reuse = p >= 0 && size_t(p) < donated.size() && donated[size_t(p)] && args[size_t(p)].buffer.reusable();
      results.push_back(reuse ? runtime::Array{type, args[size_t(p)].buffer} : runtime::Array::allocate(type));
      outputs.push_back(results.back().data());
    }
    runtime::Buffer workspace;
    if (plan_->workspace_bytes) workspace = runtime::Buffer::allocate_host(plan_->workspace_bytes);
    CallState call;
    EmberServices services = {&services_parallel_for, &call,           &services_stack_new, &services_stack_push,
                              &services_stack_size,   &services_stack_entry, &services_host_callback};
    // Held for the call: a background build may replace the code meanwhile.
    std::shared_ptr<const CompiledFunction> code = code_->current();
    int rc = code->entry(inputs.data(), outputs.data(), workspace.data(), &services);
    if (call.error) std::rethrow_exception(call.error);
    if (rc == EMBER_ERROR_MAX_STEPS) throw Error(ErrorKind::Runtime, describe(rc), "while");
    if (rc != EMBER_OK)
      throw make_error(ErrorKind::Runtime, "cpu backend", "compiled code of ", plan_->function.name, ": ", describe(rc));
    return results;
  }

 private:
  std::shared_ptr<const Plan> plan_;
  std::shared_ptr<TieredCode> code_;
};

}  // namespace

PlanOptions cpu_plan_options() {
  PlanOptions options;
#ifndef EMBER_HAVE_OPENBLAS
  options.gemm_min_work = std::numeric_limits<int64_t>::max();  // no BLAS: every contraction as loops
#endif
  return options;
}

namespace {

class CpuCompiler final : public runtime::Compiler {
 public:
  std::shared_ptr<runtime::Executable> compile(const ir::Function& f, const runtime::CompileOptions& options) override {
    PlanOptions plan_options = cpu_plan_options();
    auto plan = std::make_shared<const Plan>(make_plan(f, plan_options));
    if (dump_enabled("plan")) dump("plan", f.name, plan->to_string());
    std::string plan_key = "gemm_min_work " + std::to_string(plan_options.gemm_min_work);
    return std::make_shared<CpuExecutable>(plan, obtain_code(plan, plan_key, options.tiered));
  }
};

}  // namespace

void register_cpu_backend() {
  static std::once_flag once;
  std::call_once(once, [] { runtime::register_compiler("cpu", std::make_shared<CpuCompiler>()); });
}

}  // namespace ember::lowering::cpu
