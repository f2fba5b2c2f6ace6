// The elementwise family of the reference executor: unary.cc, binary.cc, convert.cc and select_clamp.cc
// each register their own primitives.
#include "runtime/kernels/elementwise.h"

namespace ember::runtime::kernels {

void register_elementwise(KernelTable& table) {
  register_unary(table);
  register_binary(table);
  register_convert(table);
  register_select_clamp(table);
}

}  // namespace ember::runtime::kernels
