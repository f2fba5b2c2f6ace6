// NVRTC, opened with dlopen when first needed (DESIGN §7): ember builds and imports on machines without the
// CUDA libraries, and only asking for CUDA compilation reports what is missing.
#pragma once

#include <string>

namespace ember::runtime::cuda {

// Whether NVRTC could be loaded, and if not, why (the names tried and the loader's message).
struct NvrtcStatus {
  bool available = false;
  std::string why;
  int major = 0, minor = 0;  // NVRTC's version
};
const NvrtcStatus& nvrtc_status();

// Compiles one translation unit of CUDA C to a cubin for compute capability `arch` (80 for sm_80). Throws
// ember::Error (RuntimeError) when NVRTC is missing, or when it rejects the source: then the message has the
// compiler's log and the path of a file holding the source.
std::string compile_to_cubin(const std::string& source, const std::string& name, int arch);

}  // namespace ember::runtime::cuda
