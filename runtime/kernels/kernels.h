// Registration of the reference executor's kernels, one function per family (internal to runtime/).
#pragma once

#include "runtime/executor.h"

namespace ember::runtime::kernels {

using KernelTable = ir::PrimTable<Kernel>;

// unary/binary elementwise, integer_pow, select, clamp, convert_element_type, bitcast_convert_type
void register_elementwise(KernelTable& table);
// broadcast_in_dim, reshape, stop_gradient, transpose, slice, dynamic_slice, dynamic_update_slice, concatenate, pad, rev,
// iota, constant
void register_layout(KernelTable& table);
// reduce_sum/prod/max/min/and/or, argmax, argmin
void register_reductions(KernelTable& table);
// dot_general (OpenBLAS for float/complex when built with it, portable blocked gemm otherwise)
void register_dot(KernelTable& table);
// gather, scatter, scatter_add/mul/min/max (gather_scatter.cc)
void register_gather_scatter(KernelTable& table);
// sort, top_k (sort.cc)
void register_sort(KernelTable& table);
// cumsum, cumprod, cummax, cummin, cumlogsumexp (cumulative.cc)
void register_cumulative(KernelTable& table);
// erf_inv, lgamma, digamma, polygamma, bessel_i0e, bessel_i1e, population_count (special.cc)
void register_special(KernelTable& table);
// cond, while, scan, custom_jvp_call, custom_vjp_call: run their regions (control.cc)
void register_control(KernelTable& table);

}  // namespace ember::runtime::kernels
