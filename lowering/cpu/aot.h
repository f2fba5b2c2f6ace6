// Ahead-of-time compilation's C++ half (DESIGN §8): a function's plan compiled to a relocatable object for a
// chosen CPU level, with what the shared object around it must know (workspace, the libraries the code
// calls, the CPU features it needs). ember.aot (Python) writes the wrapper, the header and links the .so.
#pragma once

#include <string>
#include <vector>

#include "ir/function.h"

namespace ember::lowering::cpu {

struct AotObject {
  std::string object;                     // exports kEntrySymbol (compile.h)
  size_t workspace_bytes = 0;             // the caller's workspace, 64-byte aligned
  bool calls_blas = false;                // cblas_sgemm/cblas_dgemm (link OpenBLAS)
  std::vector<std::string> cpu_features;  // x86 features the code needs, as __builtin_cpu_supports names them
  std::string target;                     // LLVM's description of the target (version, triple, CPU, features)
};

// Compiles `f` for `target`: "native" (this CPU and all its features) or an LLVM CPU name such as
// "x86-64-v3". Throws ember::Error naming the op and its source line for what a standalone object cannot
// do: host callbacks (they call Python) and run-time stacks (reverse mode through a while_loop without
// max_steps), and what compile_plan_to_object throws.
AotObject compile_ahead_of_time(const ir::Function& f, const std::string& target);

}  // namespace ember::lowering::cpu
