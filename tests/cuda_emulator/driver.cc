// The NVIDIA driver API, emulated on the host (see README.md): devices whose memory is host memory, streams
// that run everything at once, and modules that are host shared objects made by the emulated NVRTC.
#include <cuda.h>
#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "emulated.h"

struct CUctx_st {
  int device;
};
struct CUstream_st {};
struct CUmod_st {
  void* handle;
};
struct CUfunc_st {
  void (*launch)(void**);
};

namespace {

constexpr int kDevices = 2;

struct DeviceMemory {
  std::mutex mutex;
  size_t used = 0;
  std::map<CUdeviceptr, size_t> blocks;
};

DeviceMemory memory[kDevices];
CUctx_st contexts[kDevices] = {{0}, {1}};
thread_local CUctx_st* current = nullptr;
bool initialised = false;

size_t capacity() {
  const char* text = std::getenv("EMBER_EMULATED_MEMORY");
  return text ? size_t(std::strtoull(text, nullptr, 10)) : size_t(1) << 30;
}

}  // namespace

CUresult cuGetErrorString(CUresult error, const char** text) {
  switch (error) {
    case CUDA_SUCCESS:
      *text = "no error";
      break;
    case CUDA_ERROR_INVALID_VALUE:
      *text = "invalid argument";
      break;
    case CUDA_ERROR_OUT_OF_MEMORY:
      *text = "out of memory";
      break;
    case CUDA_ERROR_NOT_INITIALIZED:
      *text = "initialization error";
      break;
    case CUDA_ERROR_INVALID_CONTEXT:
      *text = "invalid device context";
      break;
    case CUDA_ERROR_INVALID_IMAGE:
      *text = "device kernel image is invalid";
      break;
    case CUDA_ERROR_NOT_FOUND:
      *text = "named symbol not found";
      break;
    default:
      *text = "unknown error";
      return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

CUresult cuInit(unsigned int) {
  initialised = true;
  return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int* version) {
  *version = 13000;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
  if (!initialised) return CUDA_ERROR_NOT_INITIALIZED;
  *count = kDevices;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
  if (ordinal < 0 || ordinal >= kDevices) return CUDA_ERROR_INVALID_VALUE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int length, CUdevice) {
  std::strncpy(name, "ember emulated device", size_t(length));
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice) {
  switch (attribute) {
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
      *value = 9;
      break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
      *value = 0;
      break;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
      *value = 2;
      break;
    default:
      *value = 0;
  }
  return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem(size_t* bytes, CUdevice) {
  *bytes = capacity();
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device) {
  if (device < 0 || device >= kDevices) return CUDA_ERROR_INVALID_VALUE;
  *context = &contexts[device];
  return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext context) {
  current = context;
  return CUDA_SUCCESS;
}

CUresult cuStreamCreate(CUstream* stream, unsigned int) {
  *stream = new CUstream_st;
  return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream) { return current ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT; }

CUresult cuMemAlloc(CUdeviceptr* pointer, size_t bytes) {
  if (!current) return CUDA_ERROR_INVALID_CONTEXT;
  DeviceMemory& m = memory[current->device];
  std::lock_guard<std::mutex> lock(m.mutex);
  if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  if (m.used + bytes > capacity()) return CUDA_ERROR_OUT_OF_MEMORY;
  void* p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!p) return CUDA_ERROR_OUT_OF_MEMORY;
  *pointer = CUdeviceptr(p);
  m.blocks[*pointer] = bytes;
  m.used += bytes;
  return CUDA_SUCCESS;
}

CUresult cuMemFree(CUdeviceptr pointer) {
  if (!current) return CUDA_ERROR_INVALID_CONTEXT;
  DeviceMemory& m = memory[current->device];
  std::lock_guard<std::mutex> lock(m.mutex);
  auto it = m.blocks.find(pointer);
  if (it == m.blocks.end()) return CUDA_ERROR_INVALID_VALUE;
  m.used -= it->second;
  m.blocks.erase(it);
  std::free(reinterpret_cast<void*>(pointer));
  return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoDAsync(CUdeviceptr dst, const void* src, size_t bytes, CUstream) {
  std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
  return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoHAsync(void* dst, CUdeviceptr src, size_t bytes, CUstream) {
  std::memcpy(dst, reinterpret_cast<const void*>(src), bytes);
  return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoDAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream) {
  std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
  return CUDA_SUCCESS;
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t bytes, CUstream) {
  std::memset(reinterpret_cast<void*>(dst), value, bytes);
  return CUDA_SUCCESS;
}

// The image is an emulated cubin: its shared object is written to a file, opened, and the file removed.
// Every file name is new to the process: dlopen returns an object already loaded under the same name
// instead of reading the file, and mkstemp may give a removed file's name again.
CUresult cuModuleLoadData(CUmodule* module, const void* image) {
  ember_emulator::CubinHeader header;
  std::memcpy(&header, image, sizeof(header));
  if (std::memcmp(header.magic, ember_emulator::kCubinMagic, sizeof(header.magic)) != 0)
    return CUDA_ERROR_INVALID_IMAGE;
  static std::atomic<unsigned long long> loads{0};
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp ? tmp : "/tmp") + "/ember-emulated-" + std::to_string(loads++) + "-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return CUDA_ERROR_INVALID_IMAGE;
  const char* bytes = static_cast<const char*>(image) + sizeof(header);
  bool written = write(fd, bytes, header.so_bytes) == ssize_t(header.so_bytes);
  close(fd);
  void* handle = written ? dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL) : nullptr;
  unlink(path.c_str());
  if (!handle) return CUDA_ERROR_INVALID_IMAGE;
  *module = new CUmod_st{handle};
  return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name) {
  std::string launcher = std::string(ember_emulator::kLauncherPrefix) + name;
  void* symbol = dlsym(module->handle, launcher.c_str());
  if (!symbol) return CUDA_ERROR_NOT_FOUND;
  *function = new CUfunc_st{reinterpret_cast<void (*)(void**)>(symbol)};
  return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction function, unsigned int, unsigned int, unsigned int, unsigned int,
                        unsigned int, unsigned int, unsigned int, CUstream, void** params, void**) {
  if (!current) return CUDA_ERROR_INVALID_CONTEXT;
  function->launch(params);
  return CUDA_SUCCESS;
}
