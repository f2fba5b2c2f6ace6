#include "runtime/device_copies.h"

#include <cstring>
#include <mutex>

#include "ir/error.h"

namespace ember::runtime {

namespace {

std::mutex registry_mutex;
DeviceCopies cuda_copies;

const DeviceCopies& copies_for(const Device& device) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (device.kind != Device::Kind::Cuda || !cuda_copies.to_device)
    throw Error(ErrorKind::Runtime,
                "no copies registered for " + device.to_string() + " (ember was built without CUDA)",
                "device_put");
  return cuda_copies;
}

}  // namespace

void register_device_copies(Device::Kind kind, DeviceCopies copies) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (kind == Device::Kind::Cuda) cuda_copies = copies;
}

Array to_host(const Array& a) {
  if (a.buffer.on_host()) return a;
  Array host = Array::allocate(a.type);
  if (a.nbytes()) copies_for(a.buffer.device()).to_host(host.data(), a.buffer);
  return host;
}

Array to_device(const Array& a, const Device& device) {
  if (a.buffer.device() == device) return a;
  if (device.kind == Device::Kind::Cpu) return to_host(a);
  Array host = to_host(a);
  return Array{a.type, copies_for(device).to_device(host.data(), host.nbytes(), device.index)};
}

void synchronize(const Device& device) {
  if (device.kind != Device::Kind::Cpu) copies_for(device).synchronize(device.index);
}

}  // namespace ember::runtime
