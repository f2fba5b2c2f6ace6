#include "runtime/buffer.h"

#include "runtime/allocator.h"
#include "runtime/device_copies.h"

namespace ember::runtime {

namespace {
// Owner of a block from the caching allocator: returns it to the cache when the last reference goes.
// Not copyable: a copy (e.g. of a temporary passed to make_shared) would free the block twice.
struct HostBlock {
  void* data;
  size_t nbytes;
  HostBlock(void* d, size_t n) : data(d), nbytes(n) {}
  HostBlock(const HostBlock&) = delete;
  HostBlock& operator=(const HostBlock&) = delete;
  ~HostBlock() { HostAllocator::instance().deallocate(data, nbytes); }
};
}  // namespace

Buffer Buffer::allocate_host(size_t nbytes) {
  Buffer b;
  if (nbytes == 0) return b;
  auto block = std::make_shared<HostBlock>(HostAllocator::instance().allocate(nbytes), nbytes);
  b.data_ = block->data;
  b.nbytes_ = nbytes;
  b.owner_ = std::move(block);
  b.allocated_ = true;
  return b;
}

Buffer Buffer::wrap_host(std::shared_ptr<const void> owner, const void* data, size_t nbytes) {
  Buffer b;
  b.owner_ = std::move(owner);
  b.data_ = const_cast<void*>(data);
  b.nbytes_ = nbytes;
  return b;
}

Buffer Buffer::wrap_device(const Device& device, std::shared_ptr<const void> owner, void* data, size_t nbytes) {
  Buffer b;
  b.owner_ = std::move(owner);
  b.data_ = data;
  b.nbytes_ = nbytes;
  b.device_ = device;
  return b;
}

Array Array::allocate(const ir::Type& type) { return Array{type, Buffer::allocate_host(type.nbytes())}; }

Array Array::from_literal(const ir::Literal& lit, bool weak) {
  ir::Type t = lit.type;
  t.weak = weak;
  return Array{t, Buffer::wrap_host(lit.data, lit.bytes(), lit.nbytes())};
}

ir::Literal Array::to_literal() const {
  if (!buffer.on_host()) return to_host(*this).to_literal();
  ir::Type t = type.strong();
  if (nbytes() == 0) return ir::Literal{t, std::make_shared<char>(0)};
  // The literal shares ownership with the buffer and points at its data.
  return ir::Literal{t, std::shared_ptr<const void>(buffer.owner(), buffer.data())};
}

}  // namespace ember::runtime
