// cuBLAS, opened with dlopen when a GEMM first runs on a CUDA device.
#pragma once

#include <cstdint>

#include "ir/dtype.h"

namespace ember::runtime::cuda {

class CudaContext;

// C[b] = op(A[b]) * op(B[b]) for row-major matrices of `dtype` (float16, bfloat16, float32 or float64) in
// device memory (a GemmLayout of lowering/plan): A is [m, k] ([k, m] when transpose_a), B is [k, n] ([n, k]
// when transpose_b), C is [m, n]. 16-bit products accumulate in float32 and round once.
// `allow_tf32` lets float32 products round their inputs to TF32 on tensor cores (jit's matmul_precision);
// otherwise they are exact float32. Throws RuntimeError when cuBLAS is missing or fails.
void gemm(CudaContext& ctx, ir::DType dtype, int64_t batch, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, uint64_t a, uint64_t b, uint64_t c, bool allow_tf32);

}  // namespace ember::runtime::cuda
