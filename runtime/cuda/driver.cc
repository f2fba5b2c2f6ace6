#include "runtime/cuda/driver.h"

#include <cuda.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "ir/error.h"
#include "runtime/cuda/library.h"

namespace ember::runtime::cuda {

namespace {

// The driver entry points ember uses, resolved by their versioned names.
struct Driver {
  CudaStatus status;
  decltype(&cuGetErrorString) get_error_string = nullptr;
  decltype(&cuInit) init = nullptr;
  decltype(&cuDriverGetVersion) driver_get_version = nullptr;
  decltype(&cuDeviceGetCount) device_get_count = nullptr;
  decltype(&cuDeviceGet) device_get = nullptr;
  decltype(&cuDeviceGetName) device_get_name = nullptr;
  decltype(&cuDeviceGetAttribute) device_get_attribute = nullptr;
  decltype(&cuDeviceTotalMem) device_total_mem = nullptr;
  decltype(&cuDevicePrimaryCtxRetain) primary_ctx_retain = nullptr;
  decltype(&cuCtxSetCurrent) ctx_set_current = nullptr;
  decltype(&cuStreamCreate) stream_create = nullptr;
  decltype(&cuStreamSynchronize) stream_synchronize = nullptr;
  decltype(&cuMemAlloc) mem_alloc = nullptr;
  decltype(&cuMemFree) mem_free = nullptr;
  decltype(&cuMemcpyHtoDAsync) memcpy_htod_async = nullptr;
  decltype(&cuMemcpyDtoHAsync) memcpy_dtoh_async = nullptr;
  decltype(&cuMemcpyDtoDAsync) memcpy_dtod_async = nullptr;
  decltype(&cuMemsetD8Async) memset_d8_async = nullptr;
  decltype(&cuModuleLoadData) module_load_data = nullptr;
  decltype(&cuModuleGetFunction) module_get_function = nullptr;
  decltype(&cuLaunchKernel) launch_kernel = nullptr;

  std::string error(CUresult r) const {
    const char* text = nullptr;
    if (get_error_string) get_error_string(r, &text);
    return std::string(text ? text : "unknown error") + " (CUresult " + std::to_string(int(r)) + ")";
  }
};

std::vector<std::string> candidates() {
  std::vector<std::string> names;
  if (const char* path = std::getenv("EMBER_LIBCUDA")) names.push_back(path);
  names.push_back("libcuda.so.1");
  names.push_back("libcuda.so");
  return names;
}

const Driver& driver() {
  static Driver d;
  static std::once_flag once;
  std::call_once(once, [] {
    SharedLibrary lib(candidates());
    if (!lib.loaded()) {
      d.status.why = "the NVIDIA driver library was not found (" + lib.why() +
                     "); CUDA devices need an NVIDIA GPU and its driver (EMBER_LIBCUDA names another libcuda)";
      return;
    }
    lib.resolve(d.get_error_string, EMBER_NAME_OF(cuGetErrorString));
    lib.resolve(d.init, EMBER_NAME_OF(cuInit));
    lib.resolve(d.driver_get_version, EMBER_NAME_OF(cuDriverGetVersion));
    lib.resolve(d.device_get_count, EMBER_NAME_OF(cuDeviceGetCount));
    lib.resolve(d.device_get, EMBER_NAME_OF(cuDeviceGet));
    lib.resolve(d.device_get_name, EMBER_NAME_OF(cuDeviceGetName));
    lib.resolve(d.device_get_attribute, EMBER_NAME_OF(cuDeviceGetAttribute));
    lib.resolve(d.device_total_mem, EMBER_NAME_OF(cuDeviceTotalMem));
    lib.resolve(d.primary_ctx_retain, EMBER_NAME_OF(cuDevicePrimaryCtxRetain));
    lib.resolve(d.ctx_set_current, EMBER_NAME_OF(cuCtxSetCurrent));
    lib.resolve(d.stream_create, EMBER_NAME_OF(cuStreamCreate));
    lib.resolve(d.stream_synchronize, EMBER_NAME_OF(cuStreamSynchronize));
    lib.resolve(d.mem_alloc, EMBER_NAME_OF(cuMemAlloc));
    lib.resolve(d.mem_free, EMBER_NAME_OF(cuMemFree));
    lib.resolve(d.memcpy_htod_async, EMBER_NAME_OF(cuMemcpyHtoDAsync));
    lib.resolve(d.memcpy_dtoh_async, EMBER_NAME_OF(cuMemcpyDtoHAsync));
    lib.resolve(d.memcpy_dtod_async, EMBER_NAME_OF(cuMemcpyDtoDAsync));
    lib.resolve(d.memset_d8_async, EMBER_NAME_OF(cuMemsetD8Async));
    lib.resolve(d.module_load_data, EMBER_NAME_OF(cuModuleLoadData));
    lib.resolve(d.module_get_function, EMBER_NAME_OF(cuModuleGetFunction));
    lib.resolve(d.launch_kernel, EMBER_NAME_OF(cuLaunchKernel));
    if (!lib.why().empty()) {
      d.status.why = "the NVIDIA driver library is not usable: " + lib.why();
      return;
    }
    if (CUresult r = d.init(0); r != CUDA_SUCCESS) {
      d.status.why = "cuInit failed: " + d.error(r);
      return;
    }
    d.driver_get_version(&d.status.driver_version);
    int count = 0;
    if (CUresult r = d.device_get_count(&count); r != CUDA_SUCCESS || count == 0) {
      d.status.why = r != CUDA_SUCCESS ? "cuDeviceGetCount failed: " + d.error(r) : "the driver reports no CUDA device";
      return;
    }
    for (int i = 0; i < count; ++i) {
      CUdevice dev;
      CudaDeviceInfo info;
      info.index = i;
      char name[256] = {};
      if (d.device_get(&dev, i) != CUDA_SUCCESS) continue;
      d.device_get_name(name, sizeof(name), dev);
      info.name = name;
      d.device_get_attribute(&info.major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
      d.device_get_attribute(&info.minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
      d.device_total_mem(&info.memory_bytes, dev);
      d.status.devices.push_back(info);
    }
    d.status.available = !d.status.devices.empty();
    if (!d.status.available) d.status.why = "no CUDA device could be opened";
  });
  return d;
}

// Throws RuntimeError "[cuda] CALL failed on cuda:N: the driver's message".
void check(const Driver& d, CUresult r, const char* call, int device) {
  if (r != CUDA_SUCCESS)
    throw Error(ErrorKind::Runtime, std::string(call) + " failed on cuda:" + std::to_string(device) + ": " + d.error(r),
                "cuda");
}

}  // namespace

const CudaStatus& cuda_status() { return driver().status; }

size_t pooled_size(size_t bytes) {
  constexpr size_t kSmall = 512, kLarge = size_t(2) << 20;
  if (bytes <= kSmall) return kSmall;
  if (bytes < kLarge) return size_t(1) << (64 - __builtin_clzll(bytes - 1));  // next power of two
  return (bytes + kLarge - 1) / kLarge * kLarge;
}

// Free blocks by size; blocks go back here instead of to the driver (cuMemFree synchronises the device).
struct CudaContext::Pool {
  std::mutex mutex;
  std::multimap<size_t, uint64_t> free;
};

CudaContext& CudaContext::get(int index) {
  static std::mutex mutex;
  // Never destroyed: device arrays may still return memory to a context's pool while the process exits.
  static auto& contexts = *new std::map<int, std::unique_ptr<CudaContext>>;
  const CudaStatus& status = cuda_status();
  if (!status.available) throw Error(ErrorKind::Runtime, "no CUDA device: " + status.why, "cuda");
  if (index < 0 || size_t(index) >= status.devices.size())
    throw Error(ErrorKind::Value, "no device cuda:" + std::to_string(index) + " (the driver reports " +
                                      std::to_string(status.devices.size()) + ")", "cuda");
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = contexts[index];
  if (!slot) slot.reset(new CudaContext(index));
  return *slot;
}

CudaContext::CudaContext(int index) : index_(index), info_(cuda_status().devices[size_t(index)]), pool_(new Pool) {
  const Driver& d = driver();
  CUdevice dev;
  check(d, d.device_get(&dev, index), "cuDeviceGet", index);
  CUcontext ctx;
  check(d, d.primary_ctx_retain(&ctx, dev), "cuDevicePrimaryCtxRetain", index);
  context_ = ctx;
  make_current();
  d.device_get_attribute(&multiprocessors_, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev);
  CUstream stream;
  check(d, d.stream_create(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate", index);
  stream_ = stream;
}

void CudaContext::make_current() {
  const Driver& d = driver();
  check(d, d.ctx_set_current(static_cast<CUcontext>(context_)), "cuCtxSetCurrent", index_);
}

uint64_t CudaContext::allocate(size_t bytes) {
  size_t size = pooled_size(bytes);
  {
    std::lock_guard<std::mutex> lock(pool_->mutex);
    auto it = pool_->free.find(size);
    if (it != pool_->free.end()) {
      uint64_t p = it->second;
      pool_->free.erase(it);
      return p;
    }
  }
  const Driver& d = driver();
  make_current();
  CUdeviceptr p = 0;
  CUresult r = d.mem_alloc(&p, size);
  if (r == CUDA_ERROR_OUT_OF_MEMORY) {
    synchronize();  // blocks still in use by queued work are not in the pool
    std::lock_guard<std::mutex> lock(pool_->mutex);
    for (auto& [bytes_cached, q] : pool_->free) d.mem_free(q);
    pool_->free.clear();
    r = d.mem_alloc(&p, size);
  }
  if (r == CUDA_ERROR_OUT_OF_MEMORY)
    throw Error(ErrorKind::Runtime, "out of device memory allocating " + std::to_string(bytes) + " bytes on cuda:" +
                                        std::to_string(index_) + " (" + info_.name + ")", "cuda");
  check(d, r, "cuMemAlloc", index_);
  return p;
}

void CudaContext::release(uint64_t pointer, size_t bytes) {
  // Work queued on the stream may still use the block: a later allocation reuses it only through the same
  // stream, which orders the uses.
  std::lock_guard<std::mutex> lock(pool_->mutex);
  pool_->free.emplace(pooled_size(bytes), pointer);
}

void CudaContext::copy_to_device(uint64_t dst, const void* src, size_t bytes) {
  if (!bytes) return;
  const Driver& d = driver();
  make_current();
  check(d, d.memcpy_htod_async(dst, src, bytes, static_cast<CUstream>(stream_)), "cuMemcpyHtoDAsync", index_);
  // The host memory may be freed as soon as this returns (pageable memory is staged by the driver, but only
  // a synchronisation makes that certain).
  synchronize();
}

void CudaContext::copy_to_host(void* dst, uint64_t src, size_t bytes) {
  if (!bytes) return;
  const Driver& d = driver();
  make_current();
  check(d, d.memcpy_dtoh_async(dst, src, bytes, static_cast<CUstream>(stream_)), "cuMemcpyDtoHAsync", index_);
  synchronize();
}

void CudaContext::copy_on_device(uint64_t dst, uint64_t src, size_t bytes) {
  if (!bytes) return;
  const Driver& d = driver();
  make_current();
  check(d, d.memcpy_dtod_async(dst, src, bytes, static_cast<CUstream>(stream_)), "cuMemcpyDtoDAsync", index_);
}

void CudaContext::fill_zero(uint64_t dst, size_t bytes) {
  if (!bytes) return;
  const Driver& d = driver();
  make_current();
  check(d, d.memset_d8_async(dst, 0, bytes, static_cast<CUstream>(stream_)), "cuMemsetD8Async", index_);
}

void* CudaContext::load_module(const std::string& cubin) {
  const Driver& d = driver();
  make_current();
  CUmodule module;
  check(d, d.module_load_data(&module, cubin.data()), "cuModuleLoadData", index_);
  return module;
}

void* CudaContext::function(void* module, const std::string& name) {
  const Driver& d = driver();
  CUfunction fn;
  check(d, d.module_get_function(&fn, static_cast<CUmodule>(module), name.c_str()), "cuModuleGetFunction", index_);
  return fn;
}

void CudaContext::launch(void* fn, unsigned grid, unsigned block, void** params) {
  const Driver& d = driver();
  make_current();
  check(d, d.launch_kernel(static_cast<CUfunction>(fn), grid, 1, 1, block, 1, 1, 0, static_cast<CUstream>(stream_),
                           params, nullptr),
        "cuLaunchKernel", index_);
}

void CudaContext::synchronize() {
  const Driver& d = driver();
  make_current();
  check(d, d.stream_synchronize(static_cast<CUstream>(stream_)), "cuStreamSynchronize", index_);
}

}  // namespace ember::runtime::cuda
