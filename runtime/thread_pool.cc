#include "runtime/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ir/error.h"

namespace ember::runtime {

namespace {

// Set on pool workers, and on a caller while it runs chunks: a parallel_for from inside a chunk runs inline
// instead of waiting for workers that are all busy with the outer loop (which would deadlock).
thread_local bool t_inside_parallel_region = false;

int default_num_threads() { return std::max(1, int(std::thread::hardware_concurrency())); }

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins while `pred()` holds, for at most `limit`; returns whether it stopped holding.
template <typename Pred>
bool spin_while(Pred pred, std::chrono::microseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (int i = 1;; ++i) {
    if (!pred()) return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) return false;
  }
}

// The one loop in flight. Its fields are written by the caller while no worker is inside (see Impl).
struct Job {
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t n = 0;
  int64_t num_chunks = 0;
  std::atomic<int64_t> next_chunk{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;

  // Claims chunks until none are left. Chunk k covers [n*k/c, n*(k+1)/c): contiguous, sizes differ by at
  // most one, and each is >= grain because c <= n / grain.
  void run_chunks() {
    for (;;) {
      int64_t k = next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (k >= num_chunks || failed.load(std::memory_order_relaxed)) return;
      int64_t begin = int64_t((__int128)n * k / num_chunks);
      int64_t end = int64_t((__int128)n * (k + 1) / num_chunks);
      try {
        (*fn)(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
  }
};

}  // namespace

// Dispatch without locks on the hot path. The caller publishes a job by storing its generation (never 0)
// in `published`, and unpublishes it by storing 0 once every chunk is claimed. A worker joins by
// incrementing `active` and then re-reading `published`: only if the generation is still there does it
// touch the job. The caller, after unpublishing, waits for `active` to drop to 0, so no worker is inside
// when it returns or rewrites the job for the next call. (Both sides use sequentially consistent
// operations: either the caller sees the worker's increment, or the worker sees the unpublished 0.)
struct ThreadPool::Impl {
  // Serialises parallel_for calls from different threads (a busy pool runs the second caller inline) and
  // set_num_threads against them.
  std::mutex dispatch_mutex;
  std::vector<std::thread> workers;  // changed only under dispatch_mutex
  std::atomic<int> num_threads{1};

  Job job;
  uint32_t generation = 0;  // last generation published; only the caller holding dispatch_mutex uses it
  std::atomic<uint32_t> published{0};
  std::atomic<int> active{0};
  std::atomic<bool> stopping{false};

  // Eager execution dispatches kernel after kernel a few microseconds apart: an idle worker polls for the
  // next job for a short while before it sleeps, so that job starts without a wake-up (tens of
  // microseconds). Bounded, so an idle pool costs no CPU.
  static constexpr std::chrono::microseconds kWorkerSpin{50};
  static constexpr std::chrono::microseconds kCallerSpin{20};
  static constexpr uint32_t kStopped = ~uint32_t(0);

  void worker_loop() {
    t_inside_parallel_region = true;
    uint32_t last = published.load();  // the generation this worker last joined (or saw at start)
    for (;;) {
      uint32_t g = published.load();
      if (stopping.load()) return;
      if (g == 0 || g == last) {
        auto unchanged = [&] { return published.load(std::memory_order_relaxed) == g && !stopping.load(); };
        if (!spin_while(unchanged, kWorkerSpin)) published.wait(g);
        continue;
      }
      last = g;
      active.fetch_add(1);
      if (published.load() == g) job.run_chunks();
      if (active.fetch_sub(1) == 1) active.notify_all();
    }
  }

  void start(int n) {
    stopping.store(false);
    published.store(0);
    for (int i = 1; i < n; ++i) workers.emplace_back([this] { worker_loop(); });
    num_threads.store(n);
  }

  void stop() {
    stopping.store(true);
    // Sleepers wait for `published` to change: give it a value no job has (jobs use 1 .. 2^32 - 2).
    published.store(kStopped);
    published.notify_all();
    for (std::thread& t : workers) t.join();
    workers.clear();
  }
};

ThreadPool::ThreadPool() : impl_(new Impl) { impl_->start(default_num_threads()); }

ThreadPool::~ThreadPool() {
  impl_->stop();
  delete impl_;
}

ThreadPool& ThreadPool::instance() {
  // Never destroyed: kernels may run from other static destructors, and joining threads at exit is fragile.
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

int ThreadPool::num_threads() const { return impl_->num_threads.load(); }

void ThreadPool::set_num_threads(int n) {
  // From inside a chunk the pool is busy with (and, on a worker, would have to join) the current loop.
  if (t_inside_parallel_region)
    throw Error(ErrorKind::Runtime, "set_num_threads called from inside parallel_for", "thread_pool");
  if (n < 1) n = default_num_threads();
  std::lock_guard<std::mutex> dispatch(impl_->dispatch_mutex);
  if (int(impl_->workers.size()) + 1 == n) return;
  impl_->stop();
  impl_->start(n);
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  if (n < 2 * grain || t_inside_parallel_region) {
    fn(0, n);
    return;
  }
  std::unique_lock<std::mutex> dispatch(impl_->dispatch_mutex, std::try_to_lock);
  if (!dispatch.owns_lock() || impl_->workers.empty()) {
    // Another thread is using the pool (or there are no workers): this range runs on its caller alone.
    fn(0, n);
    return;
  }

  // No worker is inside the job here (the previous call waited for them), so its fields can be rewritten.
  Job& job = impl_->job;
  job.fn = &fn;
  job.n = n;
  // A few chunks per thread, so that a thread slowed down by other processes does not hold everyone up;
  // never chunks below the grain.
  int64_t threads = int64_t(impl_->workers.size()) + 1;
  job.num_chunks = std::min<int64_t>(n / grain, threads * 4);
  job.next_chunk.store(0, std::memory_order_relaxed);
  job.failed.store(false, std::memory_order_relaxed);
  job.error = nullptr;

  uint32_t g = ++impl_->generation;
  if (g == 0 || g == Impl::kStopped) g = impl_->generation = 1;  // 0 means "no job"
  impl_->published.store(g);
  // Wake only as many sleeping workers as there are chunks besides the caller's first one.
  int64_t helpers = std::min<int64_t>(job.num_chunks - 1, threads - 1);
  if (helpers == threads - 1) {
    impl_->published.notify_all();
  } else {
    for (int64_t i = 0; i < helpers; ++i) impl_->published.notify_one();
  }

  t_inside_parallel_region = true;
  job.run_chunks();
  t_inside_parallel_region = false;

  // Every chunk is claimed: unpublish, then wait for the workers that joined to finish theirs.
  impl_->published.store(0);
  auto busy = [&] { return impl_->active.load() != 0; };
  if (!spin_while(busy, Impl::kCallerSpin)) {
    for (int a = impl_->active.load(); a != 0; a = impl_->active.load()) impl_->active.wait(a);
  }
  if (job.error) {
    std::exception_ptr error = std::move(job.error);
    job.error = nullptr;
    std::rethrow_exception(error);
  }
  job.fn = nullptr;
}

}  // namespace ember::runtime
