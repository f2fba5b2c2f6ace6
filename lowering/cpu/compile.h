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
  // 3: the full pipeline (O3, vectorisers, aggressive instruction selection). 1: the quick tier of tiered
  // compilation (LLVM's O1 pipeline and fast instruction selection), a few times cheaper to build.
  int opt_level = 3;
};

// The symbol of the entry point in every object file the backend produces.
inline constexpr const char* kEntrySymbol = "ember_entry";

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

// A plan compiled to a relocatable object file exporting kEntrySymbol.
struct ObjectCode {
  std::string object;
  // Host callback sites the code points at: their addresses are in `object`, which is then valid only in
  // this process (and must not be cached on disk).
  std::vector<std::unique_ptr<HostCallSite>> host_call_sites;
};

// Emits the plan as MLIR, lowers it to LLVM IR, optimises and compiles it. Throws ember::Error
// (NotImplemented) naming the op and dtype the backend cannot compile, and (Runtime) with MLIR's or LLVM's
// diagnostics in the message when code generation fails.
ObjectCode compile_plan_to_object(const Plan& plan, const CpuOptions& options);

// Links an object file from compile_plan_to_object (or from the disk cache) into the process, in its own
// namespace of symbols, and returns its entry point; the code is unloaded when the result's `code` goes.
CompiledFunction load_object(const std::string& object);

// What the generated code depends on besides the plan: LLVM's version and the target's triple, CPU and
// features (part of the cache key).
std::string target_description(const CpuOptions& options);

// The x86 features code for `options` needs, among those __builtin_cpu_supports can check ("avx2", ...).
std::vector<std::string> required_cpu_features(const CpuOptions& options);

// The plan options of the cpu backend: without OpenBLAS, every contraction is loops.
PlanOptions cpu_plan_options();

// compile_plan_to_object + load_object.
CompiledFunction compile_plan(const Plan& plan, const CpuOptions& options);

}  // namespace ember::lowering::cpu
