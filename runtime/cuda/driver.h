// The CUDA driver (libcuda), opened with dlopen when first needed: ember imports and runs on the CPU on
// machines without a GPU, a driver or the CUDA libraries, and asking for a CUDA device says what is missing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ember::runtime::cuda {

struct CudaDeviceInfo {
  int index = 0;
  std::string name;
  int major = 0, minor = 0;  // compute capability
  size_t memory_bytes = 0;
};

// Whether CUDA devices can be used, and if not, why: the driver library was not found (the names tried),
// lacks a symbol, or cuInit failed (the driver's own message: a stub library, no device, ...).
struct CudaStatus {
  bool available = false;
  std::string why;
  int driver_version = 0;  // e.g. 13000 for 13.0
  std::vector<CudaDeviceInfo> devices;
};
const CudaStatus& cuda_status();

// One device's primary context, stream and memory pool. Every call makes the context current on the calling
// thread first; failures throw ember::Error (RuntimeError) naming the driver call and the driver's error.
// Device memory is a uint64_t (a CUdeviceptr), so this header needs no CUDA headers.
class CudaContext {
 public:
  // The context of device `index`, created on first use; throws when CUDA is unavailable (cuda_status's why)
  // or there is no such device.
  static CudaContext& get(int index);

  const CudaDeviceInfo& info() const { return info_; }
  int multiprocessors() const { return multiprocessors_; }
  void* stream() const { return stream_; }

  // Memory from a caching pool (sizes rounded up); out of memory, the pool is emptied and the allocation
  // tried once more before RuntimeError says how much was asked for and on which device.
  uint64_t allocate(size_t bytes);
  void release(uint64_t pointer, size_t bytes);
  // Copies, ordered on the stream; copy_to_host waits for the stream (and so for the work before it).
  void copy_to_device(uint64_t dst, const void* src, size_t bytes);
  void copy_to_host(void* dst, uint64_t src, size_t bytes);
  void copy_on_device(uint64_t dst, uint64_t src, size_t bytes);
  void fill_zero(uint64_t dst, size_t bytes);
  // A loaded cubin and its kernels (the module lives as long as the context).
  void* load_module(const std::string& cubin);
  void* function(void* module, const std::string& name);
  // Launches `fn` on the stream; `params` points to each parameter's value (cuLaunchKernel's convention).
  void launch(void* fn, unsigned grid, unsigned block, void** params);
  void synchronize();

 private:
  explicit CudaContext(int index);
  void make_current();
  int index_;
  CudaDeviceInfo info_;
  int multiprocessors_ = 1;
  void* context_ = nullptr;
  void* stream_ = nullptr;
  struct Pool;
  Pool* pool_;
};

// Rounds an allocation up to the pool's size classes.
size_t pooled_size(size_t bytes);

}  // namespace ember::runtime::cuda
