// Moving arrays between the host and devices. A device kind registers its copies when its backend starts
// (the cuda backend does); asking for a device kind nobody registered is a RuntimeError that says so.
#pragma once

#include "runtime/buffer.h"

namespace ember::runtime {

struct DeviceCopies {
  // A fresh buffer on device `index` holding a copy of `nbytes` host bytes.
  Buffer (*to_device)(const void* host, size_t nbytes, int index) = nullptr;
  // Copies a device buffer's bytes to `host` (waits for the device's queued work that writes them).
  void (*to_host)(void* host, const Buffer& buffer) = nullptr;
  // Waits until the work queued on device `index` is done.
  void (*synchronize)(int index) = nullptr;
};
void register_device_copies(Device::Kind kind, DeviceCopies copies);

// The array on the host: itself when it is there, else a copy.
Array to_host(const Array& a);
// The array on `device`: itself when it is there, else a copy (from another device, through the host).
Array to_device(const Array& a, const Device& device);
// Waits for the work queued on the device (nothing to wait for on the CPU).
void synchronize(const Device& device);

}  // namespace ember::runtime
