// The one thread pool of ember, shared by eager kernels and (later) compiled code. Work is split into
// contiguous chunks; small ranges run inline on the calling thread.
#pragma once

#include <cstdint>
#include <functional>

namespace ember::runtime {

class ThreadPool {
 public:
  static ThreadPool& instance();

  int num_threads() const;  // including the calling thread
  void set_num_threads(int n);
  // Calls fn(begin, end) over disjoint chunks covering [0, n), each at least `grain` long (except the
  // last), in parallel when n >= 2 * grain. Exceptions from fn are rethrown on the calling thread.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

 private:
  ThreadPool();
  ~ThreadPool();
  struct Impl;
  Impl* impl_;
};

// Grain (in elements) below which elementwise work stays on one thread.
inline constexpr int64_t kParallelGrain = 1 << 16;

inline void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  ThreadPool::instance().parallel_for(n, grain, fn);
}

}  // namespace ember::runtime
