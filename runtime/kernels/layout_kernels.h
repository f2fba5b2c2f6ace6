// The layout kernels, split over layout.cc (views of one operand, generators) and layout_index.cc
// (kernels with dynamic indices or several operands); register_layout registers them all.
#pragma once

#include "runtime/executor.h"

namespace ember::runtime::kernels {

void broadcast_in_dim_kernel(const KernelArgs& a);
void reshape_kernel(const KernelArgs& a);
void transpose_kernel(const KernelArgs& a);
void slice_kernel(const KernelArgs& a);
void rev_kernel(const KernelArgs& a);
void iota_kernel(const KernelArgs& a);
void constant_kernel(const KernelArgs& a);

void dynamic_slice_kernel(const KernelArgs& a);
void dynamic_update_slice_kernel(const KernelArgs& a);
void concatenate_kernel(const KernelArgs& a);
void pad_kernel(const KernelArgs& a);

}  // namespace ember::runtime::kernels
