// Buffers and arrays of the runtime. A Buffer is reference-counted memory on a device; an Array is a
// Buffer with an ir::Type (dense, row-major). Arrays are immutable once handed out: kernels write only
// into the arrays they allocate for their results.
#pragma once

#include <cstddef>
#include <memory>

#include "ir/attr.h"
#include "ir/type.h"
#include "runtime/device.h"

namespace ember::runtime {

class Buffer {
 public:
  Buffer() = default;
  // Fresh host memory from the caching allocator (uninitialised).
  static Buffer allocate_host(size_t nbytes);
  // Host memory owned elsewhere, kept alive by `owner` (a literal, a NumPy array).
  static Buffer wrap_host(std::shared_ptr<const void> owner, const void* data, size_t nbytes);
  // Memory on a device (`data` is the device's address), released when `owner`'s last copy goes.
  static Buffer wrap_device(const Device& device, std::shared_ptr<const void> owner, void* data, size_t nbytes);

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  const Device& device() const { return device_; }
  bool on_host() const { return device_.kind == Device::Kind::Cpu; }
  bool defined() const { return owner_ != nullptr || nbytes_ == 0; }
  // The shared owner, for aliasing the memory into a Literal or a NumPy array without a copy.
  const std::shared_ptr<const void>& owner() const { return owner_; }
  long use_count() const { return owner_.use_count(); }
  // Whether a result may be written over this memory (a donated argument): it came from allocate_host, not
  // from memory shared with a literal, a view or another library, and this Buffer is its only reference.
  bool reusable() const { return allocated_ && owner_.use_count() == 1; }

 private:
  std::shared_ptr<const void> owner_;
  bool allocated_ = false;  // by allocate_host
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
};

struct Array {
  ir::Type type;
  Buffer buffer;

  // An uninitialised host array of the given type.
  static Array allocate(const ir::Type& type);
  // Shares the literal's storage (no copy).
  static Array from_literal(const ir::Literal& lit, bool weak = false);
  // A literal sharing this array's storage (no copy).
  ir::Literal to_literal() const;

  void* data() const { return buffer.data(); }
  template <typename T>
  T* data_as() const {
    return static_cast<T*>(buffer.data());
  }
  int64_t numel() const { return type.numel(); }
  size_t nbytes() const { return type.nbytes(); }
};

}  // namespace ember::runtime
