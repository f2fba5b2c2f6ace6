// cuBLAS, opened with dlopen when a GEMM first runs on a CUDA device.
#pragma once

#include <cstdint>

namespace ember::runtime::cuda {

class CudaContext;

// C[b] = op(A[b]) * op(B[b]) for row-major float32 or float64 matrices in device memory (a GemmLayout of
// lowering/plan): A is [m, k] ([k, m] when transpose_a), B is [k, n] ([n, k] when transpose_b), C is [m, n].
// Throws RuntimeError when cuBLAS is missing or fails.
void gemm(CudaContext& ctx, bool f64, int64_t batch, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, uint64_t a, uint64_t b, uint64_t c);

}  // namespace ember::runtime::cuda
