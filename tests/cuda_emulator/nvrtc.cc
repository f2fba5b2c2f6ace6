// NVRTC, emulated on the host (see README.md): a program "compiles" to an emulated cubin, the generated CUDA
// C compiled as host C++ with a launcher per kernel.
#include <nvrtc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "emulated.h"

struct _nvrtcProgram {
  std::string source, name, log, cubin;
};

namespace {

// The device math library functions the host's libm lacks, put before the source.
const char* kHostMath = R"(
#include <cmath>
#include <limits>
// erf's inverse by bisection then Newton steps, in double: slow and accurate, which is what a test needs.
inline double erfinv(double x) {
  if (std::isnan(x) || x < -1 || x > 1) return std::numeric_limits<double>::quiet_NaN();
  if (x == 1 || x == -1) return x * std::numeric_limits<double>::infinity();
  double lo = -6, hi = 6;
  for (int i = 0; i < 60; ++i) ((std::erf((lo + hi) / 2) < x) ? lo : hi) = (lo + hi) / 2;
  double y = (lo + hi) / 2;
  for (int i = 0; i < 2; ++i) y -= (std::erf(y) - x) / (1.1283791670955126 * std::exp(-y * y));
  return y;
}
inline float erfinvf(float x) { return float(erfinv(x)); }
)";

// Calls a kernel with the values cuLaunchKernel's `params` point to.
const char* kLaunchHelpers = R"(
#include <type_traits>
#include <utility>
template <typename... A, std::size_t... I>
void ember_call_kernel_(void (*kernel)(A...), void** params, std::index_sequence<I...>) {
  kernel(*static_cast<std::remove_reference_t<A>*>(params[I])...);
}
template <typename... A>
void ember_call_kernel(void (*kernel)(A...), void** params) {
  ember_call_kernel_(kernel, params, std::index_sequence_for<A...>{});
}
)";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

nvrtcResult nvrtcVersion(int* major, int* minor) {
  *major = 13;
  *minor = 0;
  return NVRTC_SUCCESS;
}

const char* nvrtcGetErrorString(nvrtcResult result) {
  return result == NVRTC_SUCCESS             ? "NVRTC_SUCCESS"
         : result == NVRTC_ERROR_COMPILATION ? "NVRTC_ERROR_COMPILATION"
                                             : "NVRTC_ERROR";
}

nvrtcResult nvrtcCreateProgram(nvrtcProgram* program, const char* source, const char* name, int,
                               const char* const*, const char* const*) {
  *program = new _nvrtcProgram{source, name ? name : "program", "", ""};
  return NVRTC_SUCCESS;
}

nvrtcResult nvrtcDestroyProgram(nvrtcProgram* program) {
  delete *program;
  *program = nullptr;
  return NVRTC_SUCCESS;
}

// Options (architecture, --fmad=false) are ignored: the host compiler keeps a * b + c as two roundings
// without -ffp-contract, which is what --fmad=false asks of the device.
nvrtcResult nvrtcCompileProgram(nvrtcProgram program, int, const char* const*) {
  std::string source = kHostMath + program->source + kLaunchHelpers;
  std::regex kernel(R"re(extern "C" __global__ void __launch_bounds__\(\d+\) (\w+)\()re");
  for (std::sregex_iterator it(program->source.begin(), program->source.end(), kernel), end; it != end;
       ++it) {
    std::string name = (*it)[1];
    source += "extern \"C\" void " + std::string(ember_emulator::kLauncherPrefix) + name +
              "(void** params) { ember_call_kernel(&" + name + ", params); }\n";
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/ember-emulated-nvrtc-XXXXXX";
  if (!mkdtemp(dir.data())) return NVRTC_ERROR_INTERNAL_ERROR;
  std::string src = dir + "/kernels.cc", so = dir + "/kernels.so", log = dir + "/log.txt";
  std::ofstream(src) << source;
  std::string command = std::string(EMBER_EMULATOR_CXX) +
                        " -std=c++17 -O1 -ffp-contract=off -shared -fPIC -w " + src + " -o " + so + " > " +
                        log + " 2>&1";
  int status = std::system(command.c_str());
  program->log = read_file(log);
  std::string shared_object = status == 0 ? read_file(so) : "";
  std::remove(src.c_str());
  std::remove(so.c_str());
  std::remove(log.c_str());
  rmdir(dir.c_str());
  if (status != 0) return NVRTC_ERROR_COMPILATION;
  ember_emulator::CubinHeader header;
  std::memcpy(header.magic, ember_emulator::kCubinMagic, sizeof(header.magic));
  header.so_bytes = shared_object.size();
  program->cubin.assign(reinterpret_cast<const char*>(&header), sizeof(header));
  program->cubin += shared_object;
  return NVRTC_SUCCESS;
}

nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram program, size_t* size) {
  *size = program->log.size() + 1;
  return NVRTC_SUCCESS;
}

nvrtcResult nvrtcGetProgramLog(nvrtcProgram program, char* log) {
  std::memcpy(log, program->log.c_str(), program->log.size() + 1);
  return NVRTC_SUCCESS;
}

nvrtcResult nvrtcGetCUBINSize(nvrtcProgram program, size_t* size) {
  *size = program->cubin.size();
  return NVRTC_SUCCESS;
}

nvrtcResult nvrtcGetCUBIN(nvrtcProgram program, char* cubin) {
  std::memcpy(cubin, program->cubin.data(), program->cubin.size());
  return NVRTC_SUCCESS;
}

// "PTX" of the emulator: the host C++ it compiles (what a test reading PTX would get is not meaningful here).
nvrtcResult nvrtcGetPTXSize(nvrtcProgram program, size_t* size) {
  *size = program->source.size() + 1;
  return NVRTC_SUCCESS;
}

nvrtcResult nvrtcGetPTX(nvrtcProgram program, char* ptx) {
  std::memcpy(ptx, program->source.c_str(), program->source.size() + 1);
  return NVRTC_SUCCESS;
}
