// How the support library's sort (runtime/support/sort.h) reads elements of an ember dtype: shared by the
// reference executor's sort kernels and the code generator.
#pragma once

#include "ir/dtype.h"
#include "runtime/support/sort.h"

namespace ember::runtime {

inline int64_t sort_kind(ir::DType d) {
  if (d == ir::DType::Bool) return EMBER_SORT_BOOL;
  if (d == ir::DType::BF16) return EMBER_SORT_BFLOAT;
  if (ir::is_complex(d)) return EMBER_SORT_COMPLEX;
  if (ir::is_float(d)) return EMBER_SORT_FLOAT;
  return ir::is_unsigned_int(d) ? EMBER_SORT_UINT : EMBER_SORT_INT;
}

}  // namespace ember::runtime
