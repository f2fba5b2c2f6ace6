#include "runtime/allocator.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ir/error.h"

namespace ember::runtime {

namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kSmallLimit = 4096;           // up to here, classes are multiples of 64 bytes
constexpr size_t kHugePage = size_t(2) << 20;  // blocks of at least this size are mapped on huge pages
constexpr size_t kPage = 4096;

// The size class of a request: what is really allocated, so that a freed block serves any later request
// of the same class. Small sizes round to 64 bytes; larger ones to a quarter of their power of two (at most
// 25% waste, and e.g. every size in (32 MiB, 40 MiB] shares a block).
size_t size_class(size_t bytes) {
  if (bytes <= kSmallLimit) return std::max(kAlignment, (bytes + kAlignment - 1) & ~(kAlignment - 1));
  size_t step = std::bit_floor(bytes - 1) / 4;
  size_t rounded = (bytes + step - 1) & ~(step - 1);
  return rounded >= kHugePage ? (rounded + kPage - 1) & ~(kPage - 1) : rounded;
}

bool is_mapped_class(size_t cls) { return cls >= kHugePage; }

size_t default_cache_limit() {
  long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  size_t physical = pages > 0 && page_size > 0 ? size_t(pages) * size_t(page_size) : size_t(16) << 30;
  return std::min(physical / 4, size_t(8) << 30);
}

// Fresh memory from the system, nullptr when there is none.
void* system_allocate(size_t cls) {
  if (!is_mapped_class(cls)) return std::aligned_alloc(kAlignment, cls);
  // Over-map by one huge page so the block can start on a 2 MiB boundary (transparent huge pages need an
  // aligned range), then unmap the unaligned head and the unused tail.
  size_t length = cls + kHugePage;
  void* raw = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kHugePage - 1) & ~uintptr_t(kHugePage - 1);
  if (aligned > start) munmap(raw, aligned - start);
  uintptr_t end = start + length, block_end = aligned + cls;
  if (end > block_end) munmap(reinterpret_cast<void*>(block_end), end - block_end);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, cls, MADV_HUGEPAGE);  // advisory: failure (no THP) only costs speed
  return p;
}

void system_free(void* p, size_t cls) {
  if (is_mapped_class(cls))
    munmap(p, cls);
  else
    std::free(p);
}

}  // namespace

struct HostAllocator::Impl {
  mutable std::mutex mutex;
  // bytes_in_use and bytes_cached count whole size classes: the memory really held.
  // Freed blocks by size class; each vector is a stack, so the most recently freed (cache-warm) block is
  // reused first.
  std::map<size_t, std::vector<void*>> cache;
  size_t cache_limit = default_cache_limit();
  AllocatorStats stats;

  // Releases cached blocks, largest classes first, until `target` bytes or fewer remain cached. Called with
  // the mutex held; the system calls happen outside it.
  std::vector<std::pair<void*, size_t>> evict_to(size_t target) {
    std::vector<std::pair<void*, size_t>> released;
    while (stats.bytes_cached > target && !cache.empty()) {
      auto it = std::prev(cache.end());
      while (!it->second.empty() && stats.bytes_cached > target) {
        released.emplace_back(it->second.back(), it->first);
        it->second.pop_back();
        stats.bytes_cached -= it->first;
      }
      if (it->second.empty()) cache.erase(it);
    }
    return released;
  }
};

HostAllocator::HostAllocator() : impl_(new Impl) {}

HostAllocator::~HostAllocator() {
  trim();
  delete impl_;
}

HostAllocator& HostAllocator::instance() {
  // Never destroyed: buffers owned by other static objects may be freed during exit.
  static HostAllocator* allocator = new HostAllocator();
  return *allocator;
}

void* HostAllocator::allocate(size_t bytes) {
  // Far beyond any machine; also keeps the size-class arithmetic from overflowing.
  if (bytes > (size_t(1) << 60))
    throw Error(ErrorKind::Runtime,
                "out of host memory: could not allocate " + std::to_string(bytes) + " bytes");
  size_t cls = size_class(bytes);
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    auto it = impl_->cache.find(cls);
    if (it != impl_->cache.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      impl_->stats.bytes_cached -= cls;
      impl_->stats.bytes_in_use += cls;
      ++impl_->stats.reused_allocations;
      return p;
    }
  }
  void* p = system_allocate(cls);
  if (!p) {
    // Cached blocks of other classes may be what the system is missing.
    trim();
    p = system_allocate(cls);
  }
  if (!p)
    throw Error(ErrorKind::Runtime,
                "out of host memory: could not allocate " + std::to_string(bytes) + " bytes");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->stats.bytes_in_use += cls;
  ++impl_->stats.fresh_allocations;
  return p;
}

void HostAllocator::deallocate(void* p, size_t bytes) {
  if (!p) return;
  size_t cls = size_class(bytes);
  std::vector<std::pair<void*, size_t>> released;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stats.bytes_in_use -= cls;
    if (cls > impl_->cache_limit) {
      released.emplace_back(p, cls);
    } else {
      released = impl_->evict_to(impl_->cache_limit - cls);
      impl_->cache[cls].push_back(p);
      impl_->stats.bytes_cached += cls;
    }
  }
  for (auto [q, c] : released) system_free(q, c);
}

AllocatorStats HostAllocator::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

void HostAllocator::trim() {
  std::vector<std::pair<void*, size_t>> released;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    released = impl_->evict_to(0);
  }
  for (auto [p, cls] : released) system_free(p, cls);
}

}  // namespace ember::runtime
