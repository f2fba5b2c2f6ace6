// The "cuda" backend: the plan's kernels as CUDA C compiled by NVRTC for the device, run through the driver
// API with GEMMs in cuBLAS. Registered when ember is built with CUDA (EMBER_CUDA); compiling for a machine
// without a usable device raises RuntimeError saying what is missing.
#pragma once

namespace ember::lowering::cuda {

void register_cuda_backend();

}  // namespace ember::lowering::cuda
