#include "runtime/cuda/device_buffer.h"

#include <algorithm>
#include <mutex>

#include "runtime/device_copies.h"

namespace ember::runtime::cuda {

Buffer device_buffer(CudaContext& ctx, size_t bytes) {
  // The pool hands out at least one byte, so that an empty array still has an address.
  size_t held = std::max<size_t>(bytes, 1);
  uint64_t p = ctx.allocate(held);
  std::shared_ptr<const void> owner(reinterpret_cast<const void*>(p), [&ctx, held](const void* q) {
    ctx.release(reinterpret_cast<uint64_t>(q), held);
  });
  return Buffer::wrap_device(Device{Device::Kind::Cuda, ctx.info().index}, std::move(owner),
                             reinterpret_cast<void*>(p), bytes);
}

namespace {

Buffer copy_to_device(const void* host, size_t nbytes, int index) {
  CudaContext& ctx = CudaContext::get(index);
  Buffer b = device_buffer(ctx, nbytes);
  ctx.copy_to_device(reinterpret_cast<uint64_t>(b.data()), host, nbytes);
  return b;
}

void copy_to_host(void* host, const Buffer& buffer) {
  CudaContext::get(buffer.device().index)
      .copy_to_host(host, reinterpret_cast<uint64_t>(buffer.data()), buffer.nbytes());
}

void synchronize(int index) { CudaContext::get(index).synchronize(); }

}  // namespace

void register_cuda_copies() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_device_copies(Device::Kind::Cuda, {copy_to_device, copy_to_host, synchronize});
  });
}

}  // namespace ember::runtime::cuda
