// The one ORC LLJIT of the process: optimises LLVM modules for the host (or a named CPU) with the new pass
// manager at O3 and compiles them. Internal to lowering/cpu; only LLVM types forward-declared here.
#pragma once

#include <memory>
#include <string>

#include "lowering/cpu/compile.h"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace ember::lowering::cpu {

// Compiles `module` and returns its symbol `entry_name` together with the owner of the code (removing it
// from the JIT when released). EMBER_DUMP=llvm prints the optimised module to stderr.
CompiledFunction jit_compile(std::unique_ptr<llvm::LLVMContext> context, std::unique_ptr<llvm::Module> module,
                             const std::string& entry_name, const CpuOptions& options);

}  // namespace ember::lowering::cpu
