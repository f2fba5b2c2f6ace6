// The host side of a CUDA plan as C against the driver API (DESIGN §7): the launch list, cuBLAS calls and
// device copies that the cuda backend runs from C++ (backend.cc), written as code that an ahead-of-time
// shared object embeds together with its cubin. Plain C++ (no CUDA headers); the generated C needs none
// either: it declares the few driver and cuBLAS entry points it opens with dlopen.
#pragma once

#include <functional>
#include <string>

#include "lowering/cuda/source.h"

namespace ember::lowering::cuda {

// C source defining
//   int ember_cuda_entry(const void* const* inputs, void* const* outputs, void* workspace, void* stream);
//   int ember_cuda_synchronize(void* stream);  // waits for the work queued on `stream`
// The first queues the plan's steps on `stream` (a CUstream; NULL: the default stream) of device 0's primary
// context and returns without waiting, except where control flow reads a branch index or a loop condition
// back: 0, EMBER_ERROR_MAX_STEPS, or EMBER_ERROR_CUDA (runtime/services.h) when the driver, the device or
// cuBLAS fails. The first call opens libcuda (EMBER_LIBCUDA names another file), loads the cubins and copies
// the plans' constants to the device. `compile_cubin` turns a module's CUDA C into a cubin (NVRTC); each
// plan, the function's and each control-flow region's, is one module. Throws ember::Error (NotImplemented)
// for op steps other than control flow (sort, scatter, callbacks, run-time stacks), which run on the host
// under jit.
std::string emit_host_source(const Plan& plan,
                             const std::function<std::string(const std::string&)>& compile_cubin,
                             bool allow_tf32);

}  // namespace ember::lowering::cuda
