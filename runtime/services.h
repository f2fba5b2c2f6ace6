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
} EmberServices;

/* The entry point's return codes. */
enum { EMBER_OK = 0, EMBER_ERROR_NULL_ARGUMENT = 1 };

#ifdef __cplusplus
}
#endif

#endif
