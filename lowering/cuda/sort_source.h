// CUDA C of sort and top_k steps (see write_sort_kernel).
#pragma once

#include <sstream>
#include <string>

#include "lowering/cuda/source.h"

namespace ember::lowering::cuda {

// The kernel of the sort or top_k `op` of plan step `step`, named `name`, appended to `out`. Its parameters
// are the op's operands, its results, then the step's scratch (KernelSource::scratch).
KernelSource write_sort_kernel(const Plan& plan, const ir::Op& op, const std::string& name, size_t step,
                               std::ostringstream& out);

}  // namespace ember::lowering::cuda
