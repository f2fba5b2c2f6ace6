#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "ir/error.h"
#include "runtime/allocator.h"
#include "runtime/buffer.h"

using ember::runtime::AllocatorStats;
using ember::runtime::HostAllocator;

namespace {
HostAllocator& alloc() { return HostAllocator::instance(); }
bool aligned(const void* p, size_t a) { return reinterpret_cast<uintptr_t>(p) % a == 0; }
}  // namespace

TEST_CASE("allocator: blocks are 64-byte aligned and writable") {
  for (size_t n : {size_t(1), size_t(63), size_t(64), size_t(100), size_t(4097), size_t(1) << 20,
                   (size_t(3) << 20) + 5}) {
    void* p = alloc().allocate(n);
    REQUIRE(p != nullptr);
    CHECK(aligned(p, 64));
    std::memset(p, 0xab, n);
    CHECK(static_cast<unsigned char*>(p)[n - 1] == 0xab);
    alloc().deallocate(p, n);
  }
}

TEST_CASE("allocator: a freed block is reused for a request of the same size class") {
  alloc().trim();
  const size_t n = 12345;
  AllocatorStats s0 = alloc().stats();
  void* p = alloc().allocate(n);
  AllocatorStats s1 = alloc().stats();
  CHECK(s1.fresh_allocations == s0.fresh_allocations + 1);
  CHECK(s1.bytes_in_use >= s0.bytes_in_use + n);
  alloc().deallocate(p, n);
  AllocatorStats s2 = alloc().stats();
  CHECK(s2.bytes_in_use == s0.bytes_in_use);
  CHECK(s2.bytes_cached == s1.bytes_in_use - s0.bytes_in_use);

  void* q = alloc().allocate(n);
  AllocatorStats s3 = alloc().stats();
  CHECK(q == p);
  CHECK(s3.reused_allocations == s2.reused_allocations + 1);
  CHECK(s3.fresh_allocations == s2.fresh_allocations);
  CHECK(s3.bytes_cached == s0.bytes_cached);
  alloc().deallocate(q, n);

  // A slightly smaller request in the same class gets the same block back.
  void* r = alloc().allocate(n - 40);
  CHECK(r == p);
  alloc().deallocate(r, n - 40);
}

TEST_CASE("allocator: trim returns every cached block") {
  std::vector<std::pair<void*, size_t>> blocks;
  for (size_t n : {size_t(100), size_t(5000), size_t(70000), size_t(5) << 20})
    blocks.emplace_back(alloc().allocate(n), n);
  for (auto [p, n] : blocks) alloc().deallocate(p, n);
  CHECK(alloc().stats().bytes_cached >= (size_t(5) << 20) + 70000 + 5000 + 100);
  alloc().trim();
  CHECK(alloc().stats().bytes_cached == 0);
  // After a trim, the next request is served fresh.
  size_t fresh = alloc().stats().fresh_allocations;
  void* p = alloc().allocate(5000);
  CHECK(alloc().stats().fresh_allocations == fresh + 1);
  alloc().deallocate(p, 5000);
}

TEST_CASE("allocator: a 64 MiB block is huge-page aligned, usable and reused") {
  const size_t n = size_t(64) << 20;
  alloc().trim();
  char* p = static_cast<char*>(alloc().allocate(n));
  CHECK(aligned(p, size_t(2) << 20));
  for (size_t i = 0; i < n; i += 4096) p[i] = char(i >> 12);
  p[n - 1] = 7;
  CHECK(p[4096 * 100] == char(100));
  CHECK(p[n - 1] == 7);
  alloc().deallocate(p, n);
  AllocatorStats s = alloc().stats();
  CHECK(s.bytes_cached >= n);
  void* q = alloc().allocate(n - 1000);
  CHECK(q == p);
  CHECK(alloc().stats().reused_allocations == s.reused_allocations + 1);
  alloc().deallocate(q, n - 1000);
  alloc().trim();
  CHECK(alloc().stats().bytes_cached == 0);
}

TEST_CASE("allocator: threads hammering allocate and deallocate never share a block") {
  const size_t in_use_before = alloc().stats().bytes_in_use;
  constexpr int kThreads = 4, kRounds = 3000;
  std::atomic<int> corrupted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(unsigned(t) * 7919u + 1);
      std::vector<std::pair<unsigned char*, size_t>> live;
      for (int r = 0; r < kRounds; ++r) {
        if (live.size() < 8 && (live.empty() || rng() % 2)) {
          size_t n = size_t(1) + rng() % (rng() % 8 == 0 ? (size_t(3) << 20) : 20000);
          auto* p = static_cast<unsigned char*>(alloc().allocate(n));
          unsigned char tag = (unsigned char)(t * 16 + r % 16);
          std::memset(p, tag, std::min<size_t>(n, 256));
          p[n - 1] = tag;
          live.emplace_back(p, n);
        } else {
          size_t i = rng() % live.size();
          auto [p, n] = live[i];
          unsigned char tag = p[0];
          for (size_t k = 0; k < std::min<size_t>(n, 256); ++k)
            if (p[k] != tag) {
              corrupted.fetch_add(1);
              break;
            }
          if (p[n - 1] != tag) corrupted.fetch_add(1);
          alloc().deallocate(p, n);
          live[i] = live.back();
          live.pop_back();
        }
      }
      for (auto [p, n] : live) alloc().deallocate(p, n);
    });
  }
  for (auto& th : threads) th.join();
  CHECK(corrupted.load() == 0);
  CHECK(alloc().stats().bytes_in_use == in_use_before);
}

TEST_CASE("allocator: an impossible request throws a RuntimeError") {
  for (size_t n : {size_t(1) << 60, SIZE_MAX}) {
    try {
      alloc().allocate(n);
      FAIL("expected an error");
    } catch (const ember::Error& e) {
      CHECK(e.kind() == ember::ErrorKind::Runtime);
    }
  }
}

TEST_CASE("allocator: buffers return their memory to the cache") {
  alloc().trim();
  void* data = nullptr;
  {
    auto b = ember::runtime::Buffer::allocate_host(100000);
    data = b.data();
    CHECK(alloc().stats().bytes_in_use >= 100000);
  }
  CHECK(alloc().stats().bytes_cached >= 100000);
  auto again = ember::runtime::Buffer::allocate_host(100000);
  CHECK(again.data() == data);
  // Live buffers never share memory, and each is freed exactly once.
  AllocatorStats before = alloc().stats();
  {
    auto b1 = ember::runtime::Buffer::allocate_host(1000);
    auto b2 = ember::runtime::Buffer::allocate_host(1000);
    CHECK(b1.data() != b2.data());
    CHECK(alloc().stats().bytes_in_use == before.bytes_in_use + 2 * 1024);
  }
  CHECK(alloc().stats().bytes_in_use == before.bytes_in_use);
  CHECK(alloc().stats().bytes_cached == before.bytes_cached + 2 * 1024);
}
