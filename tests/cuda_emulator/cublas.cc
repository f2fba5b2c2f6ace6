// cuBLAS, emulated on the host (see README.md): strided-batched GEMM as plain loops in cuBLAS's column-major
// convention, so that the backend's row-major-through-transposes calls are checked as they are made.
#include <cublas_v2.h>

#include <complex>
#include <cstdint>
#include <cstring>

struct cublasContext {
  cudaStream_t stream = nullptr;
  cublasMath_t math = CUBLAS_DEFAULT_MATH;
};

namespace {

// A float rounded to TF32 (8 exponent bits, 10 mantissa bits; to nearest, ties to even).
float to_tf32(float x) {
  unsigned bits;
  std::memcpy(&bits, &x, 4);
  if ((bits & 0x7f800000u) != 0x7f800000u) bits = (bits + 0xfffu + ((bits >> 13) & 1u)) & ~0x1fffu;
  std::memcpy(&x, &bits, 4);
  return x;
}

float from_bf16(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
uint16_t to_bf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return uint16_t((bits >> 16) | 0x40);  // NaN stays NaN
  return uint16_t((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// Element `i` of a matrix of `type` as a double, and a double stored as `type` (16-bit floats through float,
// as the accumulation is float).
double load(const void* p, cudaDataType_t type, long long i) {
  switch (type) {
    case CUDA_R_64F:
      return static_cast<const double*>(p)[i];
    case CUDA_R_32F:
      return static_cast<const float*>(p)[i];
    case CUDA_R_16F:
      return double(static_cast<const _Float16*>(p)[i]);
    default:
      return from_bf16(static_cast<const uint16_t*>(p)[i]);
  }
}
void store(void* p, cudaDataType_t type, long long i, double v) {
  switch (type) {
    case CUDA_R_64F:
      static_cast<double*>(p)[i] = v;
      break;
    case CUDA_R_32F:
      static_cast<float*>(p)[i] = float(v);
      break;
    case CUDA_R_16F:
      static_cast<_Float16*>(p)[i] = _Float16(float(v));
      break;
    default:
      static_cast<uint16_t*>(p)[i] = to_bf16(float(v));
  }
}

// The complex product: in the type's precision, each element product the textbook one (as cuBLAS and the
// interpreter form it), summed in order.
template <typename R>
void complex_gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const void* alpha,
                  const void* a, int lda, long long stride_a, const void* b, int ldb, long long stride_b,
                  const void* beta, void* c, int ldc, long long stride_c, int batch) {
  using C = std::complex<R>;
  const C *pa = static_cast<const C*>(a), *pb = static_cast<const C*>(b);
  C* pc = static_cast<C*>(c);
  C scale = *static_cast<const C*>(alpha), keep = *static_cast<const C*>(beta);
  auto mul = [](C x, C y) { return C(x.real() * y.real() - x.imag() * y.imag(), x.real() * y.imag() + x.imag() * y.real()); };
  for (long long q = 0; q < batch; ++q)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) {
        C sum = 0;
        for (int p = 0; p < k; ++p) {
          C x = pa[q * stride_a + (ta == CUBLAS_OP_N ? i + p * lda : p + i * lda)];
          C y = pb[q * stride_b + (tb == CUBLAS_OP_N ? p + j * ldb : j + p * ldb)];
          sum += mul(x, y);
        }
        C& out = pc[q * stride_c + i + j * (long long)ldc];
        out = mul(scale, sum) + (keep == C(0) ? C(0) : mul(keep, out));
      }
}

}  // namespace

cublasStatus_t cublasCreate(cublasHandle_t* handle) {
  *handle = new cublasContext;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream(cublasHandle_t handle, cudaStream_t stream) {
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}

// C[i,j] = alpha * sum_p op(A)[i,p] op(B)[p,j] + beta * C[i,j], column-major with leading dimensions; float
// computation sums in float (its inputs rounded to TF32 for CUBLAS_COMPUTE_32F_FAST_TF32), double in double.
cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m,
                                          int n, int k, const void* alpha, const void* a,
                                          cudaDataType_t a_type, int lda, long long stride_a, const void* b,
                                          cudaDataType_t b_type, int ldb, long long stride_b,
                                          const void* beta, void* c, cudaDataType_t c_type, int ldc,
                                          long long stride_c, int batch, cublasComputeType_t compute,
                                          cublasGemmAlgo_t) {
  if (m < 0 || n < 0 || k < 0 || batch < 0 || ldc < (m > 1 ? m : 1)) return CUBLAS_STATUS_INVALID_VALUE;
  bool wide = compute == CUBLAS_COMPUTE_64F, tf32 = compute == CUBLAS_COMPUTE_32F_FAST_TF32;
  if (c_type == CUDA_C_32F || c_type == CUDA_C_64F) {
    if (a_type != c_type || b_type != c_type || wide != (c_type == CUDA_C_64F) || tf32)
      return CUBLAS_STATUS_NOT_SUPPORTED;
    (wide ? complex_gemm<double> : complex_gemm<float>)(ta, tb, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b,
                                                         beta, c, ldc, stride_c, batch);
    return CUBLAS_STATUS_SUCCESS;
  }
  if (wide != (c_type == CUDA_R_64F)) return CUBLAS_STATUS_NOT_SUPPORTED;
  double scale = wide ? *static_cast<const double*>(alpha) : *static_cast<const float*>(alpha);
  double keep = wide ? *static_cast<const double*>(beta) : *static_cast<const float*>(beta);
  for (long long q = 0; q < batch; ++q)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) {
        double wide_sum = 0;
        float sum = 0;
        for (int p = 0; p < k; ++p) {
          double x = load(a, a_type, q * stride_a + (ta == CUBLAS_OP_N ? i + p * lda : p + i * lda));
          double y = load(b, b_type, q * stride_b + (tb == CUBLAS_OP_N ? p + j * ldb : j + p * ldb));
          if (wide)
            wide_sum += x * y;
          else if (tf32)
            sum += to_tf32(float(x)) * to_tf32(float(y));
          else
            sum += float(x) * float(y);
        }
        long long at = q * stride_c + i + j * (long long)ldc;
        double before = keep == 0 ? 0 : load(c, c_type, at);
        store(c, c_type, at, scale * (wide ? wide_sum : sum) + keep * before);
      }
  return CUBLAS_STATUS_SUCCESS;
}
