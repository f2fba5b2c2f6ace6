// The arguments of cublasGemmStridedBatchedEx for a row-major product (a GemmLayout of lowering/plan), in
// one place for the cuda backend's call (cublas.cc) and the host code it generates for ahead-of-time objects
// (lowering/cuda/host_source.cc). Plain C++: the enum values are cuBLAS's and CUDA's, so no CUDA header is
// needed here.
#pragma once

#include <algorithm>
#include <cstdint>

#include "ir/dtype.h"

namespace ember::runtime::cuda {

struct GemmArgs {
  // cuBLAS is column-major: a row-major C is a column-major C^T = op(B)^T op(A)^T, so the call takes B first
  // ("first"), then A ("second"); a row-major [r, s] matrix is a column-major [s, r] one with leading
  // dimension s.
  int op_first = 0, op_second = 0;    // CUBLAS_OP_N = 0, CUBLAS_OP_T = 1
  int rows = 0, cols = 0, depth = 0;  // the call's m, n, k: n, m and k of the row-major product
  int ld_first = 1, ld_second = 1, ld_out = 1;
  long long stride_first = 0, stride_second = 0, stride_out = 0;
  // cudaDataType: CUDA_R_16F 2, CUDA_R_16BF 14, CUDA_R_32F 0, CUDA_R_64F 1, CUDA_C_32F 4, CUDA_C_64F 5
  int type = 0;
  int compute = 0;            // cublasComputeType_t: 32F 68, 32F_FAST_TF32 77, 64F 70
  bool wide_scalars = false;  // alpha and beta are doubles (64F), else floats; complex ones for complex types
};

// alpha = 1 and beta = 0 as cuBLAS reads them for every type: (real, imaginary) pairs, of which it reads
// only the real part for real types.
inline constexpr float kGemmOne32[2] = {1, 0}, kGemmZero32[2] = {0, 0};
inline constexpr double kGemmOne64[2] = {1, 0}, kGemmZero64[2] = {0, 0};

// C[b] = op(A[b]) op(B[b]): A is [m, k] ([k, m] when transpose_a), B is [k, n] ([n, k] when transpose_b).
inline GemmArgs gemm_args(ir::DType dtype, int64_t m, int64_t n, int64_t k, bool transpose_a,
                          bool transpose_b, bool allow_tf32) {
  GemmArgs g;
  g.op_first = transpose_b ? 1 : 0;
  g.op_second = transpose_a ? 1 : 0;
  g.rows = int(n);
  g.cols = int(m);
  g.depth = int(k);
  g.ld_first = int(std::max<int64_t>(transpose_b ? k : n, 1));
  g.ld_second = int(std::max<int64_t>(transpose_a ? m : k, 1));
  g.ld_out = int(std::max<int64_t>(n, 1));
  g.stride_first = k * n;
  g.stride_second = m * k;
  g.stride_out = m * n;
  switch (dtype) {
    case ir::DType::F64: g.type = 1; break;
    case ir::DType::F32: g.type = 0; break;
    case ir::DType::F16: g.type = 2; break;
    case ir::DType::C64: g.type = 4; break;
    case ir::DType::C128: g.type = 5; break;
    default: g.type = 14; break;
  }
  g.wide_scalars = dtype == ir::DType::F64 || dtype == ir::DType::C128;
  g.compute = g.wide_scalars ? 70 : dtype == ir::DType::F32 && allow_tf32 ? 77 : 68;
  return g;
}

}  // namespace ember::runtime::cuda
