// STUB: replaced by the caching allocator.
#include "runtime/allocator.h"
#include <cstdlib>
#include "ir/error.h"
namespace ember::runtime {
struct HostAllocator::Impl {};
HostAllocator::HostAllocator() : impl_(nullptr) {}
HostAllocator::~HostAllocator() {}
HostAllocator& HostAllocator::instance() { static HostAllocator* a = new HostAllocator(); return *a; }
void* HostAllocator::allocate(size_t bytes) {
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p) throw Error(ErrorKind::Runtime, "out of host memory");
  return p;
}
void HostAllocator::deallocate(void* p, size_t) { std::free(p); }
AllocatorStats HostAllocator::stats() const { return {}; }
void HostAllocator::trim() {}
}  // namespace ember::runtime
