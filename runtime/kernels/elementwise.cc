// STUB: replaced by the real kernels.
#include "runtime/kernels/kernels.h"
namespace ember::runtime::kernels {
void register_elementwise(KernelTable&) {}
}  // namespace ember::runtime::kernels
