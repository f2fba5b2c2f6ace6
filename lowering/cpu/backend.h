// Registers the native CPU backend ("cpu") with the runtime's compiler registry. Called once at start-up by
// the Python module and the C++ tests; a no-op after the first call.
#pragma once

namespace ember::lowering::cpu {

void register_cpu_backend();

}  // namespace ember::lowering::cpu
