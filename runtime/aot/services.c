/* The services of an ahead-of-time shared object (DESIGN §8, runtime/services.h): parallel_for on a thread
 * pool started on first use under pthread_once, and no run-time stacks or host callbacks (ember.aot refuses
 * code that needs them). ember.aot links this into every shared object it writes; the pool is the only
 * global state. Workers are never stopped: a shared object that started them must not be unloaded. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "services.h"

typedef struct {
  EmberLoopBody body;
  void* ctx;
  int64_t n, chunks;
  atomic_llong next; /* the next chunk no thread has taken */
} Job;

enum { kMaxWorkers = 255 };
/* An idle worker polls for the next job this long before it sleeps, and a caller polls this long for the
 * workers to finish before it sleeps: compiled code runs loop after loop microseconds apart, and a wake-up
 * costs tens of microseconds (the same choice as ember's own pool, runtime/thread_pool.cc). */
static const int64_t kWorkerSpinNs = 50000, kCallerSpinNs = 20000;

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER; /* guards the job's hand-over */
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER, work_done = PTHREAD_COND_INITIALIZER;
static Job* current_job;               /* NULL between jobs; written under pool_mutex */
static atomic_ulong job_count;         /* bumped for every job: how workers see a new one */
static int workers;                    /* started */
static int active_workers;             /* taking part in the current job */
static atomic_int workers_in_job;      /* running the current job's chunks now; changed under pool_mutex */
static atomic_int wanted_threads;      /* ember_aot_set_num_threads; 0: one per core */
/* One job at a time: a parallel_for that finds the pool busy (another thread's call) runs serially. */
static pthread_mutex_t job_owner = PTHREAD_MUTEX_INITIALIZER;

/* Asked once: sysconf reads a file under /sys on every call, which costs more than a small loop. */
static atomic_int core_count;
static int cores(void) {
  int n = atomic_load_explicit(&core_count, memory_order_relaxed);
  if (n) return n;
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  n = online < 1 ? 1 : online > kMaxWorkers + 1 ? kMaxWorkers + 1 : (int)online;
  atomic_store_explicit(&core_count, n, memory_order_relaxed);
  return n;
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Polls until `*word` differs from `value` (1) or `limit_ns` passes (0). */
static int spin_until_changed(const atomic_ulong* word, unsigned long value, int64_t limit_ns) {
  int64_t deadline = now_ns() + limit_ns;
  for (int i = 1;; ++i) {
    if (atomic_load_explicit(word, memory_order_acquire) != value) return 1;
    __builtin_ia32_pause();
    if (i % 64 == 0 && now_ns() > deadline) return 0;
  }
}

/* Chunk k covers [n*k/c, n*(k+1)/c): contiguous, sizes within one of each other. */
static void run_chunks(Job* job) {
  for (;;) {
    int64_t k = atomic_fetch_add(&job->next, 1);
    if (k >= job->chunks) return;
    int64_t begin = (int64_t)((__int128)job->n * k / job->chunks);
    int64_t end = (int64_t)((__int128)job->n * (k + 1) / job->chunks);
    job->body(job->ctx, begin, end);
  }
}

static void* worker_main(void* arg) {
  int id = (int)(intptr_t)arg;
  unsigned long seen = 0;
  for (;;) {
    if (!spin_until_changed(&job_count, seen, kWorkerSpinNs)) {
      pthread_mutex_lock(&pool_mutex);
      while (atomic_load(&job_count) == seen) pthread_cond_wait(&work_ready, &pool_mutex);
      pthread_mutex_unlock(&pool_mutex);
    }
    pthread_mutex_lock(&pool_mutex);
    seen = atomic_load(&job_count);
    Job* job = current_job;
    int joins = job && id < active_workers; /* not when it finished before this worker looked, or not wanted */
    if (joins) atomic_fetch_add(&workers_in_job, 1);
    pthread_mutex_unlock(&pool_mutex);
    if (!joins) continue;
    run_chunks(job);
    pthread_mutex_lock(&pool_mutex);
    if (atomic_fetch_sub(&workers_in_job, 1) == 1) pthread_cond_signal(&work_done);
    pthread_mutex_unlock(&pool_mutex);
  }
  return NULL;
}

static void start_workers(void) {
  int n = cores() - 1;
  for (int i = 0; i < n; ++i) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, worker_main, (void*)(intptr_t)i) == 0) {
      pthread_mutex_lock(&pool_mutex);
      ++workers;
      pthread_mutex_unlock(&pool_mutex);
    }
    pthread_attr_destroy(&attr);
  }
}

/* As ember's own pool: parallel from two grains up, a few chunks per thread, none below the grain. */
static void parallel_for(EmberLoopBody body, void* ctx, int64_t n, int64_t grain) {
  if (n <= 0) return;
  int wanted = atomic_load(&wanted_threads);
  int threads = wanted > 0 && wanted < cores() ? wanted : cores();
  if (grain < 1) grain = 1;
  if (threads <= 1 || n < 2 * grain || pthread_mutex_trylock(&job_owner) != 0) {
    body(ctx, 0, n);
    return;
  }
  pthread_once(&pool_once, start_workers);
  int64_t chunks = n / grain < 4 * (int64_t)threads ? n / grain : 4 * (int64_t)threads;
  Job job = {body, ctx, n, chunks, 0};
  pthread_mutex_lock(&pool_mutex);
  current_job = &job;
  active_workers = threads - 1 < workers ? threads - 1 : workers;
  atomic_fetch_add_explicit(&job_count, 1, memory_order_release);
  pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&pool_mutex);
  run_chunks(&job);
  int64_t deadline = now_ns() + kCallerSpinNs;
  for (int i = 1; atomic_load(&workers_in_job) != 0 && (i % 64 != 0 || now_ns() < deadline); ++i)
    __builtin_ia32_pause();
  pthread_mutex_lock(&pool_mutex);
  while (atomic_load(&workers_in_job) > 0) pthread_cond_wait(&work_done, &pool_mutex);
  current_job = NULL; /* a worker looking later must not see this job, which is about to go */
  pthread_mutex_unlock(&pool_mutex);
  pthread_mutex_unlock(&job_owner);
}

static uint64_t no_stack_new(void* host) { return 0; }
static int no_stack_push(void* host, uint64_t stack, int64_t n, const void* const* values, const int64_t* nbytes) {
  return EMBER_ERROR_STACK;
}
static int64_t no_stack_size(void* host, uint64_t stack) { return -1; }
static const void* no_stack_entry(void* host, uint64_t stack, int64_t entry, int64_t value) { return NULL; }
static int no_host_callback(void* host, const void* site, const void* const* inputs, void* const* outputs) {
  return EMBER_ERROR_HOST_CALLBACK;
}

static const EmberServices services = {parallel_for,  NULL,           no_stack_new,    no_stack_push,
                                       no_stack_size, no_stack_entry, no_host_callback};

const EmberServices* ember_aot_services(void) { return &services; }

int ember_aot_set_num_threads(int n) {
  if (n < 0) return EMBER_ERROR_NULL_ARGUMENT;
  atomic_store(&wanted_threads, n);
  return EMBER_OK;
}
