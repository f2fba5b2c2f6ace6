// Arrays on CUDA devices: device memory from a context's pool as a runtime Buffer, and the host/device copies
// that ember.device_put and reading an array on the host use.
#pragma once

#include "runtime/buffer.h"
#include "runtime/cuda/driver.h"

namespace ember::runtime::cuda {

// `bytes` of uninitialised device memory, back in the context's pool when the Buffer's last copy goes.
Buffer device_buffer(CudaContext& ctx, size_t bytes);

// Registers the CUDA copies with runtime/device_copies.h (once; the cuda backend calls it when it starts).
void register_cuda_copies();

}  // namespace ember::runtime::cuda
