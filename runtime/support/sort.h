/* Sorting for compiled code (sort and top_k), a routine of ember's support library: C ABI, no dependency on
 * the rest of ember, so that an ahead-of-time shared object can link it as it links BLAS. Generated code
 * fills an EmberSortCall and runs ember_sort_slices through the services' parallel_for.
 *
 * The order is NumPy's, as the reference executor's: NaNs last, -0.0 equal to +0.0, complex by real then
 * imaginary part (NaN parts last), keys compared lexicographically, ties by position (every sort is stable). */
#ifndef EMBER_RUNTIME_SUPPORT_SORT_H
#define EMBER_RUNTIME_SUPPORT_SORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How an operand's elements are stored. */
enum {
  EMBER_SORT_BOOL = 0,    /* one byte, 0 or 1 */
  EMBER_SORT_INT = 1,     /* signed two's complement, `bytes` wide */
  EMBER_SORT_UINT = 2,    /* unsigned, `bytes` wide */
  EMBER_SORT_FLOAT = 3,   /* IEEE binary16/32/64 */
  EMBER_SORT_BFLOAT = 4,  /* bfloat16 */
  EMBER_SORT_COMPLEX = 5, /* two IEEE floats of bytes/2 each */
};

typedef struct EmberSortOperand {
  const void* input;
  void* output;
  int64_t kind;  /* EMBER_SORT_* */
  int64_t bytes; /* element size */
} EmberSortOperand;

typedef struct EmberSortCall {
  int64_t outer, n, inner; /* every operand viewed as [outer, n, inner] and sorted along n */
  int64_t num_operands;
  int64_t num_keys; /* operands 0 .. num_keys-1 are the keys */
  const EmberSortOperand* operands;
  /* < 0: sort every operand. >= 0: top_k of operand 0 (inner == 1): its k largest elements per row,
   * descending (NaN largest, ties by lower index), to operands[0].output ([outer, k]), and their int32
   * positions to operands[1].output. */
  int64_t k;
} EmberSortCall;

/* Sorts the slices [begin, end) of the outer * inner slices of `call` (an EmberSortCall*): an
 * EmberLoopBody, so parallel_for can split the slices across threads. */
void ember_sort_slices(void* call, int64_t begin, int64_t end);

#ifdef __cplusplus
}
#endif

#endif
