// LLVM's half of the CPU backend: optimises LLVM modules for the host (or a named CPU) with the new pass
// manager and compiles them to object files; the one ORC LLJIT of the process links those (compile.h's
// load_object). Internal to lowering/cpu; only LLVM types forward-declared here.
#pragma once

#include <memory>
#include <string>

#include "lowering/cpu/compile.h"
#include "lowering/plan/dump.h"

namespace llvm {
class Module;
}  // namespace llvm

namespace ember::lowering::cpu {

// Optimises `module` (in place) for the host or options.target_cpu at options.opt_level and compiles it to a
// relocatable object file. EMBER_DUMP=llvm prints the optimised module to stderr.
std::string emit_object(llvm::Module& module, const CpuOptions& options, StageTimer& timer);

}  // namespace ember::lowering::cpu
