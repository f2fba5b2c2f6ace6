/* What compiled code may ask of its host (DESIGN §7). A plain C struct of function pointers: the entry point
 * of a compiled function,
 *   int entry(const void* const* inputs, void* const* outputs, void* workspace, const EmberServices* rt),
 * reaches threads, run-time allocation and host callbacks only through it, so the same code runs under jit
 * (the runtime's services) and in an ahead-of-time shared object (built-in services). C, so that generated
 * headers can include it. Field order is ABI: append only. */
#ifndef EMBER_RUNTIME_SERVICES_H
#define EMBER_RUNTIME_SERVICES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A chunk of a parallel loop: iterations [begin, end) of the loop described by ctx. */
typedef void (*EmberLoopBody)(void* ctx, int64_t begin, int64_t end);

typedef struct EmberServices {
  /* Runs body over disjoint chunks covering [0, n), each at least `grain` iterations (except the last),
   * on the service's threads; returns when all are done. */
  void (*parallel_for)(EmberLoopBody body, void* ctx, int64_t n, int64_t grain);
  /* The host's state for this call, passed back to every function below. */
  void* host;
  /* Run-time stacks (reverse mode through while loops): a new empty stack's handle (0: out of memory);
   * appending one entry, a copy of `n` values of nbytes[i] bytes at values[i] (returns an EMBER_ code);
   * the number of entries (-1: not a handle); the address of value `value` of entry `entry`. Stacks live
   * until the call returns. */
  uint64_t (*stack_new)(void* host);
  int (*stack_push)(void* host, uint64_t stack, int64_t n, const void* const* values, const int64_t* nbytes);
  int64_t (*stack_size)(void* host, uint64_t stack);
  const void* (*stack_entry)(void* host, uint64_t stack, int64_t entry, int64_t value);
  /* Calls the host function of callback site `site` (an address the compiler embedded) with the
   * operands' data; writes the results to `outputs`. Returns an EMBER_ code; the host keeps the details. */
  int (*host_callback)(void* host, const void* site, const void* const* inputs, void* const* outputs);
} EmberServices;

/* The entry point's return codes. */
enum {
  EMBER_OK = 0,
  EMBER_ERROR_NULL_ARGUMENT = 1,
  EMBER_ERROR_MAX_STEPS = 2,     /* a while_loop ran past its max_steps */
  EMBER_ERROR_STACK = 3,         /* a stack operation failed (bad handle, count or allocation) */
  EMBER_ERROR_HOST_CALLBACK = 4, /* a host callback failed */
  /* Ahead-of-time shared objects only: */
  EMBER_ERROR_CPU_FEATURES = 5, /* this CPU lacks an instruction set the code was compiled for */
  EMBER_ERROR_ALIGNMENT = 6,    /* the workspace is not 64-byte aligned */
  EMBER_ERROR_CUDA = 7,         /* the CUDA driver, the device or cuBLAS failed (or is missing) */
};

#ifdef __cplusplus
}
#endif

#endif
