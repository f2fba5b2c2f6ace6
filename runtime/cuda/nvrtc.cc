#include "runtime/cuda/nvrtc.h"

#include <nvrtc.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <vector>

#include "ir/error.h"
#include "runtime/cuda/library.h"
#include "runtime/disk_cache.h"
#include "runtime/sha256.h"

namespace ember::runtime::cuda {

namespace {

struct Nvrtc {
  NvrtcStatus status;
  decltype(&nvrtcVersion) version = nullptr;
  decltype(&nvrtcGetErrorString) error_string = nullptr;
  decltype(&nvrtcCreateProgram) create = nullptr;
  decltype(&nvrtcCompileProgram) compile = nullptr;
  decltype(&nvrtcGetProgramLogSize) log_size = nullptr;
  decltype(&nvrtcGetProgramLog) log = nullptr;
  decltype(&nvrtcGetCUBINSize) cubin_size = nullptr;
  decltype(&nvrtcGetCUBIN) cubin = nullptr;
  decltype(&nvrtcGetPTXSize) ptx_size = nullptr;
  decltype(&nvrtcGetPTX) ptx = nullptr;
  decltype(&nvrtcDestroyProgram) destroy = nullptr;
};

// The library names tried, newest first; EMBER_NVRTC names a file to use instead.
std::vector<std::string> candidates() {
  std::vector<std::string> names;
  if (const char* path = std::getenv("EMBER_NVRTC")) names.push_back(path);
  std::vector<std::string> dirs = {""};
  if (const char* home = std::getenv("CUDA_HOME")) dirs.push_back(std::string(home) + "/lib64/");
  dirs.push_back("/usr/local/cuda/lib64/");
  for (const std::string& dir : dirs)
    for (const char* so : {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"})
      names.push_back(dir + so);
  return names;
}

const Nvrtc& nvrtc() {
  static Nvrtc lib;
  static std::once_flag once;
  std::call_once(once, [] {
    SharedLibrary so(candidates());
    if (!so.loaded()) {
      lib.status.why = "NVRTC (libnvrtc) was not found; " + so.why() +
                       " (install the CUDA toolkit or set EMBER_NVRTC to the library's path)";
      return;
    }
    so.resolve(lib.version, "nvrtcVersion");
    so.resolve(lib.error_string, "nvrtcGetErrorString");
    so.resolve(lib.create, "nvrtcCreateProgram");
    so.resolve(lib.compile, "nvrtcCompileProgram");
    so.resolve(lib.log_size, "nvrtcGetProgramLogSize");
    so.resolve(lib.log, "nvrtcGetProgramLog");
    so.resolve(lib.cubin_size, "nvrtcGetCUBINSize");
    so.resolve(lib.cubin, "nvrtcGetCUBIN");
    so.resolve(lib.ptx_size, "nvrtcGetPTXSize");
    so.resolve(lib.ptx, "nvrtcGetPTX");
    so.resolve(lib.destroy, "nvrtcDestroyProgram");
    if (!so.why().empty()) {
      lib.status.why = "libnvrtc is not usable: " + so.why();
      return;
    }
    lib.version(&lib.status.major, &lib.status.minor);
    lib.status.library = so.name();
    lib.status.available = true;
  });
  return lib;
}

// Writes the source next to the other temporary files, for the error message.
std::string keep_source(const std::string& source, const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/ember-" + name + "-" + std::to_string(getpid()) + ".cu";
  std::ofstream(path) << source;
  return path;
}

}  // namespace

const NvrtcStatus& nvrtc_status() { return nvrtc().status; }

namespace {

// Compiles for sm_`arch` (a cubin) or for compute_`arch` (PTX, for reading what the compiler made).
std::string compile(const std::string& source, const std::string& name, int arch, bool ptx) {
  const Nvrtc& lib = nvrtc();
  if (!lib.status.available) throw Error(ErrorKind::Runtime, lib.status.why, "cuda");
  nvrtcProgram program = nullptr;
  auto check = [&](nvrtcResult r, const char* what) {
    if (r != NVRTC_SUCCESS) throw Error(ErrorKind::Runtime, std::string(what) + ": " + lib.error_string(r), "cuda");
  };
  check(lib.create(&program, source.c_str(), (name + ".cu").c_str(), 0, nullptr, nullptr), "nvrtcCreateProgram");
  std::string arch_option = (ptx ? "--gpu-architecture=compute_" : "--gpu-architecture=sm_") + std::to_string(arch);
  const char* options[] = {arch_option.c_str(), "--std=c++17", "-default-device", "--fmad=false"};
  static_assert(sizeof(options) / sizeof(options[0]) == 4, "the options are part of cached_cubin's key");
  nvrtcResult compiled = lib.compile(program, 4, options);
  size_t log_size = 0;
  lib.log_size(program, &log_size);
  std::string log(log_size, '\0');
  if (log_size) lib.log(program, log.data());
  if (compiled != NVRTC_SUCCESS) {
    lib.destroy(&program);
    throw Error(ErrorKind::Runtime, "NVRTC rejected the generated CUDA source for sm_" + std::to_string(arch) +
                                        " (written to " + keep_source(source, name) + "):\n" + log,
                "cuda");
  }
  size_t size = 0;
  (ptx ? lib.ptx_size : lib.cubin_size)(program, &size);
  std::string out(size, '\0');
  (ptx ? lib.ptx : lib.cubin)(program, out.data());
  lib.destroy(&program);
  return out;
}

}  // namespace

std::string compile_to_cubin(const std::string& source, const std::string& name, int arch) {
  return compile(source, name, arch, /*ptx=*/false);
}

std::string compile_to_ptx(const std::string& source, const std::string& name, int arch) {
  return compile(source, name, arch, /*ptx=*/true);
}

namespace {
std::atomic<uint64_t> compiles{0}, disk_hits{0};
}  // namespace

std::string cached_cubin(const std::string& source, const std::string& name, int arch) {
  const NvrtcStatus& status = nvrtc_status();
  std::string digest = sha256_hex("ember cubin 1\n" + build_fingerprint() + "\nnvrtc " + status.library + " " +
                                  std::to_string(status.major) + "." + std::to_string(status.minor) + "\nsm_" +
                                  std::to_string(arch) + " --std=c++17 -default-device --fmad=false\n" + source);
  DiskCache& disk = DiskCache::get("cuda");
  if (status.available) {
    if (std::optional<std::string> cubin = disk.load(digest)) {
      ++disk_hits;
      return std::move(*cubin);
    }
  }
  std::string cubin = compile_to_cubin(source, name, arch);
  ++compiles;
  disk.store(digest, cubin);
  return cubin;
}

CubinCounts cubin_counts() { return {compiles.load(), disk_hits.load()}; }

}  // namespace ember::runtime::cuda
