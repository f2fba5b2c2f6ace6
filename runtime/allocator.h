// Host memory for array buffers. Fresh pages are expensive on the machines ember targets (the first touch
// of a 4 KiB page costs ~11 µs), so freed blocks are cached and reused, and large blocks are mapped with
// transparent huge pages. Thread-safe.
#pragma once

#include <cstddef>

namespace ember::runtime {

struct AllocatorStats {
  size_t bytes_in_use = 0;     // handed out and not yet freed
  size_t bytes_cached = 0;     // freed, kept for reuse
  size_t fresh_allocations = 0;  // requests served by new memory from the system
  size_t reused_allocations = 0;  // requests served from the cache
};

class HostAllocator {
 public:
  static HostAllocator& instance();

  // 64-byte aligned; throws ember::Error (RuntimeError) when the system has no memory.
  void* allocate(size_t bytes);
  // `bytes` must be the size passed to allocate.
  void deallocate(void* p, size_t bytes);
  AllocatorStats stats() const;
  // Returns every cached block to the system.
  void trim();

  HostAllocator(const HostAllocator&) = delete;
  HostAllocator& operator=(const HostAllocator&) = delete;

 private:
  HostAllocator();
  ~HostAllocator();
  struct Impl;
  Impl* impl_;
};

}  // namespace ember::runtime
