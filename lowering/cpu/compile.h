// The CPU backend's compiler: a plan becomes one native entry point (DESIGN §7). This header has no MLIR or
// LLVM types, so the runtime side of the backend (backend.cc) compiles without their headers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lowering/plan/plan.h"
#include "runtime/services.h"

namespace ember::lowering::cpu {

using EntryPoint = int (*)(const void* const* inputs, void* const* outputs, void* workspace,
                           const EmberServices* services);

struct CpuOptions {
  std::string target_cpu;  // LLVM CPU name ("x86-64-v3"); empty: the host CPU with all its features
};

// A pure_callback or debug_callback in the compiled code: what the host needs to call it (the code passes
// the site's address to EmberServices::host_callback).
struct HostCallSite {
  int64_t callback = 0;  // runtime::host_callback id
  bool debug = false;    // debug_callback: no results
  std::vector<ir::Type> inputs, outputs;
};

struct CompiledFunction {
  std::shared_ptr<void> code;  // owns the native code; the entry point is valid while it lives
  EntryPoint entry = nullptr;
  std::vector<std::unique_ptr<HostCallSite>> host_call_sites;  // the code points at these
};

// Emits the plan as MLIR, lowers it to LLVM IR, optimises and JIT-compiles it. Throws ember::Error
// (NotImplemented) naming the op and dtype the backend cannot compile, and (Runtime) with MLIR's or LLVM's
// diagnostics in the message when code generation fails.
CompiledFunction compile_plan(const Plan& plan, const CpuOptions& options);

}  // namespace ember::lowering::cpu
