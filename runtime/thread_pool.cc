// STUB: replaced by the thread pool.
#include "runtime/thread_pool.h"
namespace ember::runtime {
struct ThreadPool::Impl {};
ThreadPool::ThreadPool() : impl_(nullptr) {}
ThreadPool::~ThreadPool() {}
ThreadPool& ThreadPool::instance() { static ThreadPool* p = new ThreadPool(); return *p; }
int ThreadPool::num_threads() const { return 1; }
void ThreadPool::set_num_threads(int) {}
void ThreadPool::parallel_for(int64_t n, int64_t, const std::function<void(int64_t, int64_t)>& fn) { if (n > 0) fn(0, n); }
}  // namespace ember::runtime
