// Where the cpu backend's code comes from (DESIGN §7): the in-process cache, the disk cache, or the
// compiler, in two tiers. No MLIR or LLVM types here.
//
// Code is keyed by the SHA-256 of everything that changes it: the planned IR (printed in full, literals
// included), the plan options, the optimisation level, the target (LLVM version, triple, CPU, features) and
// the ember build. Only optimised code is cached, in memory and on disk; functions with host callbacks
// (whose code holds addresses of this process) are cached nowhere.
//
// Tiered compilation: on a miss, a tiered request gets a quick build (LLVM O1, fast instruction selection)
// at once, and the optimised build is queued on a background thread that replaces the code when it lands.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "lowering/cpu/compile.h"

namespace ember::lowering::cpu {

// The code an executable runs now; the background build replaces a quick build once.
class TieredCode {
 public:
  explicit TieredCode(std::shared_ptr<const CompiledFunction> code) : code_(std::move(code)) {}
  std::shared_ptr<const CompiledFunction> current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return code_;
  }
  void replace(std::shared_ptr<const CompiledFunction> code) {
    std::lock_guard<std::mutex> lock(mutex_);
    code_ = std::move(code);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const CompiledFunction> code_;
};

// The code of `plan` (planned from a function with the given printed IR under `plan_key`, a description of
// the plan options). Throws what compile_plan throws.
std::shared_ptr<TieredCode> obtain_code(std::shared_ptr<const Plan> plan, const std::string& plan_key, bool tiered);

// Blocks until the background builds queued so far have landed (tests and benchmarks).
void wait_for_background_builds();

// Counters since start-up: "compiles" (optimised builds), "quick_compiles", "memory_hits", and the disk
// cache's "disk_hits", "disk_misses", "disk_stores", "disk_rejected", "disk_evicted".
std::map<std::string, uint64_t> compile_stats();

}  // namespace ember::lowering::cpu
