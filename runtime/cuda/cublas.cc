#include "runtime/cuda/cublas.h"

#include <cublas_v2.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "ir/error.h"
#include "runtime/cuda/driver.h"
#include "runtime/cuda/library.h"

namespace ember::runtime::cuda {

namespace {

struct Cublas {
  std::string why;  // empty when loaded
  decltype(&cublasCreate) create = nullptr;
  decltype(&cublasSetStream) set_stream = nullptr;
  // The C entry point (the header adds a C++ overload taking the compute type as a cudaDataType).
  cublasStatus_t (*gemm)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                         const void*, cudaDataType, int, long long, const void*, cudaDataType, int, long long,
                         const void*, void*, cudaDataType, int, long long, int, cublasComputeType_t,
                         cublasGemmAlgo_t) = nullptr;
};

const Cublas& cublas() {
  static Cublas lib;
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<std::string> names;
    if (const char* path = std::getenv("EMBER_CUBLAS")) names.push_back(path);
    for (const char* name : {"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so",
                             "/usr/local/cuda/lib64/libcublas.so"})
      names.push_back(name);
    SharedLibrary so(names);
    if (!so.loaded()) {
      lib.why = "cuBLAS (libcublas) was not found; " + so.why();
      return;
    }
    so.resolve(lib.create, EMBER_NAME_OF(cublasCreate));
    so.resolve(lib.set_stream, EMBER_NAME_OF(cublasSetStream));
    so.resolve(lib.gemm, EMBER_NAME_OF(cublasGemmStridedBatchedEx));
    if (!so.why().empty()) lib.why = "libcublas is not usable: " + so.why();
  });
  return lib;
}

void check(cublasStatus_t s, const char* call) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw Error(ErrorKind::Runtime,
                std::string(call) + " failed (cublasStatus " + std::to_string(int(s)) + ")", "cuda");
}

// One handle per context, bound to its stream.
cublasHandle_t handle_for(CudaContext& ctx) {
  static std::mutex mutex;
  static std::map<CudaContext*, cublasHandle_t> handles;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = handles.find(&ctx);
  if (it != handles.end()) return it->second;
  const Cublas& lib = cublas();
  if (!lib.why.empty()) throw Error(ErrorKind::Runtime, lib.why, "cuda");
  ctx.synchronize();  // makes the context current
  cublasHandle_t h;
  check(lib.create(&h), "cublasCreate");
  check(lib.set_stream(h, static_cast<cudaStream_t>(ctx.stream())), "cublasSetStream");
  handles.emplace(&ctx, h);
  return h;
}

}  // namespace

void gemm(CudaContext& ctx, ir::DType dtype, int64_t batch, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, uint64_t a, uint64_t b, uint64_t c, bool allow_tf32) {
  // cuBLAS is column-major: a row-major C is a column-major C^T = op(B)^T op(A)^T, so the call takes B first.
  // A row-major [r, s] matrix is a column-major [s, r] one with leading dimension s.
  cudaDataType_t type = dtype == ir::DType::F64   ? CUDA_R_64F
                        : dtype == ir::DType::F32 ? CUDA_R_32F
                        : dtype == ir::DType::F16 ? CUDA_R_16F
                                                  : CUDA_R_16BF;
  cublasComputeType_t compute = dtype == ir::DType::F64                 ? CUBLAS_COMPUTE_64F
                                : dtype == ir::DType::F32 && allow_tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32
                                                                        : CUBLAS_COMPUTE_32F;
  const double one64 = 1, zero64 = 0;
  const float one32 = 1, zero32 = 0;
  const void* one = dtype == ir::DType::F64 ? static_cast<const void*>(&one64) : &one32;
  const void* zero = dtype == ir::DType::F64 ? static_cast<const void*>(&zero64) : &zero32;
  cublasOperation_t op_b = transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                    op_a = transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  int ldb = int(std::max<int64_t>(transpose_b ? k : n, 1)),
      lda = int(std::max<int64_t>(transpose_a ? m : k, 1));
  int ldc = int(std::max<int64_t>(n, 1));
  cublasHandle_t h = handle_for(ctx);
  static std::mutex calls;  // a handle is not for two threads at once
  std::lock_guard<std::mutex> lock(calls);
  check(cublas().gemm(h, op_b, op_a, int(n), int(m), int(k), one, reinterpret_cast<const void*>(b), type, ldb,
                      k * n, reinterpret_cast<const void*>(a), type, lda, m * k, zero,
                      reinterpret_cast<void*>(c), type, ldc, m * n, int(batch), compute, CUBLAS_GEMM_DEFAULT),
        "cublasGemmStridedBatchedEx");
}

}  // namespace ember::runtime::cuda
