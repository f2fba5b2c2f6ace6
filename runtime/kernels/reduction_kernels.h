// Kernels of the reduction family defined outside reductions.cc (internal to runtime/kernels).
#pragma once

#include "runtime/executor.h"

namespace ember::runtime::kernels {

// First index of the extreme value along the one reduced axis; a NaN counts as the extreme (the first NaN
// wins), as NumPy's argmax/argmin.
void argmax_kernel(const KernelArgs& a);
void argmin_kernel(const KernelArgs& a);

}  // namespace ember::runtime::kernels
