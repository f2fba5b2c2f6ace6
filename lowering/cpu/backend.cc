// The "cpu" backend as the runtime sees it: compile = plan + native code generation; run = allocate the
// results and the workspace, call the entry point with the runtime's services.
#include "lowering/cpu/backend.h"

#include <limits>
#include <mutex>

#include "ir/error.h"
#include "lowering/cpu/compile.h"
#include "lowering/plan/dump.h"
#include "runtime/compiler.h"
#include "runtime/thread_pool.h"

namespace ember::lowering::cpu {

namespace {

void services_parallel_for(EmberLoopBody body, void* ctx, int64_t n, int64_t grain) {
  runtime::parallel_for(n, grain, [&](int64_t begin, int64_t end) { body(ctx, begin, end); });
}

const EmberServices kServices = {&services_parallel_for};

class CpuExecutable final : public runtime::Executable {
 public:
  CpuExecutable(Plan plan, CompiledFunction code) : plan_(std::move(plan)), code_(std::move(code)) {}

  std::vector<runtime::Array> run(std::span<const runtime::Array> args) override {
    const ir::Body& body = plan_.body();
    if (args.size() != body.params.size())
      throw make_error(ErrorKind::Value, "jit", "expected ", body.params.size(), " arguments, got ", args.size());
    std::vector<const void*> inputs(args.size());
    for (size_t i = 0; i < args.size(); ++i) inputs[i] = args[i].data();
    std::vector<runtime::Array> results;
    std::vector<void*> outputs;
    for (ir::Value r : body.results) {
      results.push_back(runtime::Array::allocate(body.type(r)));
      outputs.push_back(results.back().data());
    }
    runtime::Buffer workspace;
    if (plan_.workspace_bytes) workspace = runtime::Buffer::allocate_host(plan_.workspace_bytes);
    int rc = code_.entry(inputs.data(), outputs.data(), workspace.data(), &kServices);
    if (rc != EMBER_OK)
      throw make_error(ErrorKind::Runtime, "cpu backend", "compiled code of ", plan_.function.name,
                       " returned error code ", rc);
    return results;
  }

 private:
  Plan plan_;  // keeps the constants the code points to alive
  CompiledFunction code_;
};

class CpuCompiler final : public runtime::Compiler {
 public:
  std::shared_ptr<runtime::Executable> compile(const ir::Function& f, const runtime::CompileOptions&) override {
    PlanOptions options;
#ifndef EMBER_HAVE_OPENBLAS
    options.gemm_min_work = std::numeric_limits<int64_t>::max();  // no BLAS: every contraction as loops
#endif
    Plan plan = make_plan(f, options);
    if (dump_enabled("plan")) dump("plan", f.name, plan.to_string());
    CompiledFunction code = compile_plan(plan, CpuOptions{});
    return std::make_shared<CpuExecutable>(std::move(plan), std::move(code));
  }
};

}  // namespace

void register_cpu_backend() {
  static std::once_flag once;
  std::call_once(once, [] { runtime::register_compiler("cpu", std::make_shared<CpuCompiler>()); });
}

}  // namespace ember::lowering::cpu
