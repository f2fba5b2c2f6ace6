#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "ir/error.h"
#include "runtime/thread_pool.h"

using ember::runtime::parallel_for;
using ember::runtime::ThreadPool;

namespace {

// Records every chunk fn was called with.
struct Chunks {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> list;
  std::set<std::thread::id> threads;
  void add(int64_t b, int64_t e) {
    std::lock_guard<std::mutex> lock(mutex);
    list.emplace_back(b, e);
    threads.insert(std::this_thread::get_id());
  }
};

// Restores the pool's size when a test changes it.
struct KeepThreads {
  int saved = ThreadPool::instance().num_threads();
  ~KeepThreads() { ThreadPool::instance().set_num_threads(saved); }
};

}  // namespace

TEST_CASE("thread pool: parallel_for covers every index exactly once") {
  for (int64_t n : {0, 1, 7, 100, 1000, 4096, 100003}) {
    for (int64_t grain : {1, 3, 64, 1000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      parallel_for(n, grain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) hits[size_t(i)].fetch_add(1);
      });
      int64_t wrong = 0;
      for (auto& h : hits) wrong += h.load() != 1;
      CAPTURE(n);
      CAPTURE(grain);
      CHECK(wrong == 0);
    }
  }
}

TEST_CASE("thread pool: chunks are contiguous and at least grain long") {
  const int64_t n = 100000, grain = 1000;
  Chunks chunks;
  parallel_for(n, grain, [&](int64_t b, int64_t e) { chunks.add(b, e); });
  std::sort(chunks.list.begin(), chunks.list.end());
  REQUIRE(!chunks.list.empty());
  CHECK(chunks.list.front().first == 0);
  CHECK(chunks.list.back().second == n);
  for (size_t i = 0; i < chunks.list.size(); ++i) {
    CHECK(chunks.list[i].second - chunks.list[i].first >= grain);
    if (i > 0) CHECK(chunks.list[i].first == chunks.list[i - 1].second);
  }
  if (ThreadPool::instance().num_threads() > 1) CHECK(chunks.list.size() > 1);
}

TEST_CASE("thread pool: a range below twice the grain runs inline as one chunk") {
  Chunks chunks;
  parallel_for(199, 100, [&](int64_t b, int64_t e) { chunks.add(b, e); });
  REQUIRE(chunks.list.size() == 1);
  CHECK(chunks.list[0] == std::make_pair(int64_t(0), int64_t(199)));
  CHECK(*chunks.threads.begin() == std::this_thread::get_id());
  bool called = false;
  parallel_for(0, 10, [&](int64_t, int64_t) { called = true; });
  parallel_for(-5, 10, [&](int64_t, int64_t) { called = true; });
  CHECK(!called);
}

TEST_CASE("thread pool: nested parallel_for runs inline instead of deadlocking") {
  const int64_t outer = 64, inner = 5000;
  std::vector<std::atomic<int>> hits(static_cast<size_t>(outer * inner));
  parallel_for(outer, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      std::thread::id self = std::this_thread::get_id();
      parallel_for(inner, 10, [&](int64_t ib, int64_t ie) {
        CHECK(std::this_thread::get_id() == self);  // inner loops stay on the thread that runs the chunk
        for (int64_t j = ib; j < ie; ++j) hits[size_t(i * inner + j)].fetch_add(1);
      });
    }
  });
  int64_t wrong = 0;
  for (auto& h : hits) wrong += h.load() != 1;
  CHECK(wrong == 0);
}

TEST_CASE("thread pool: an exception in a chunk reaches the caller and the pool stays usable") {
  auto throwing = [](int64_t b, int64_t e) {
    if (b <= 5000 && 5000 < e) throw std::runtime_error("chunk failed");
  };
  CHECK_THROWS_WITH_AS(parallel_for(100000, 100, throwing), "chunk failed", std::runtime_error);
  // Inline path too.
  CHECK_THROWS_AS(parallel_for(10, 100, [](int64_t, int64_t) { throw std::logic_error("inline"); }),
                  std::logic_error);
  std::atomic<int64_t> sum{0};
  parallel_for(100000, 100, [&](int64_t b, int64_t e) { sum.fetch_add(e - b); });
  CHECK(sum.load() == 100000);
}

TEST_CASE("thread pool: set_num_threads(1) runs everything on the calling thread") {
  KeepThreads keep;
  ThreadPool::instance().set_num_threads(1);
  CHECK(ThreadPool::instance().num_threads() == 1);
  Chunks chunks;
  parallel_for(100000, 10, [&](int64_t b, int64_t e) { chunks.add(b, e); });
  CHECK(chunks.threads.size() == 1);
  CHECK(*chunks.threads.begin() == std::this_thread::get_id());
  int64_t covered = 0;
  for (auto [b, e] : chunks.list) covered += e - b;
  CHECK(covered == 100000);

  ThreadPool::instance().set_num_threads(3);
  CHECK(ThreadPool::instance().num_threads() == 3);
  std::vector<std::atomic<int>> hits(100000);
  parallel_for(100000, 10, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) hits[size_t(i)].fetch_add(1);
  });
  int64_t wrong = 0;
  for (auto& h : hits) wrong += h.load() != 1;
  CHECK(wrong == 0);
  ThreadPool::instance().set_num_threads(0);  // back to the default
  CHECK(ThreadPool::instance().num_threads() == int(std::max(1u, std::thread::hardware_concurrency())));
}

TEST_CASE("thread pool: callers on several threads at once each get their whole range") {
  constexpr int kCallers = 4, kRounds = 200;
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int r = 0; r < kRounds; ++r) {
        int64_t n = 1000 + 37 * c + r;
        std::atomic<int64_t> sum{0};
        parallel_for(n, 16, [&](int64_t b, int64_t e) {
          int64_t s = 0;
          for (int64_t i = b; i < e; ++i) s += i;
          sum.fetch_add(s);
        });
        if (sum.load() != n * (n - 1) / 2) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : callers) t.join();
  CHECK(failures.load() == 0);
}

TEST_CASE("thread pool: set_num_threads from inside parallel_for is refused") {
  std::atomic<int> refused{0};
  parallel_for(100000, 100, [&](int64_t, int64_t) {
    try {
      ThreadPool::instance().set_num_threads(1);
    } catch (const ember::Error&) {
      refused.fetch_add(1);
    }
  });
  CHECK(refused.load() > 0);
  CHECK(ThreadPool::instance().num_threads() == int(std::max(1u, std::thread::hardware_concurrency())));
}
