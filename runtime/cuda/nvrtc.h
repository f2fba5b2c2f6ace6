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
  std::string library;       // the file that loaded
};
const NvrtcStatus& nvrtc_status();

// Compiles one translation unit of CUDA C to a cubin for compute capability `arch` (80 for sm_80). Throws
// ember::Error (RuntimeError) when NVRTC is missing, or when it rejects the source: then the message has the
// compiler's log and the path of a file holding the source.
std::string compile_to_cubin(const std::string& source, const std::string& name, int arch);
// The same source as PTX for compute_`arch` (text: what the tests read to see which instructions the
// generated code becomes, without a GPU).
std::string compile_to_ptx(const std::string& source, const std::string& name, int arch);

// compile_to_cubin through the disk cache (runtime/disk_cache.h, kind "cuda", beside the CPU backend's
// objects): keyed by the source, the architecture, NVRTC's library and version, and the ember build.
std::string cached_cubin(const std::string& source, const std::string& name, int arch);
// What cached_cubin did in this process: NVRTC compilations and disk hits.
struct CubinCounts {
  uint64_t compiles = 0, disk_hits = 0;
};
CubinCounts cubin_counts();

}  // namespace ember::runtime::cuda
