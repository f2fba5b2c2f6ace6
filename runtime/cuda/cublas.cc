#include "runtime/cuda/cublas.h"

#include <cublas_v2.h>

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
  decltype(&cublasSgemmStridedBatched) sgemm = nullptr;
  decltype(&cublasDgemmStridedBatched) dgemm = nullptr;
};

const Cublas& cublas() {
  static Cublas lib;
  static std::once_flag once;
  std::call_once(once, [] {
    SharedLibrary so({"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so",
                      "/usr/local/cuda/lib64/libcublas.so"});
    if (!so.loaded()) {
      lib.why = "cuBLAS (libcublas) was not found; " + so.why();
      return;
    }
    so.resolve(lib.create, EMBER_NAME_OF(cublasCreate));
    so.resolve(lib.set_stream, EMBER_NAME_OF(cublasSetStream));
    so.resolve(lib.sgemm, EMBER_NAME_OF(cublasSgemmStridedBatched));
    so.resolve(lib.dgemm, EMBER_NAME_OF(cublasDgemmStridedBatched));
    if (!so.why().empty()) lib.why = "libcublas is not usable: " + so.why();
  });
  return lib;
}

void check(cublasStatus_t s, const char* call) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw Error(ErrorKind::Runtime, std::string(call) + " failed (cublasStatus " + std::to_string(int(s)) + ")", "cuda");
}

// One handle per context, bound to its stream (cuBLAS's default math mode: no TF32 for float32).
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

void gemm(CudaContext& ctx, bool f64, int64_t batch, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, uint64_t a, uint64_t b, uint64_t c) {
  // cuBLAS is column-major: a row-major C is a column-major C^T = op(B)^T op(A)^T, so the call takes B first.
  // A row-major [r, s] matrix is a column-major [s, r] one with leading dimension s.
  cublasHandle_t h = handle_for(ctx);
  const Cublas& lib = cublas();
  cublasOperation_t op_b = transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, op_a = transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  int ldb = int(transpose_b ? k : n), lda = int(transpose_a ? m : k);
  if (ldb < 1) ldb = 1;
  if (lda < 1) lda = 1;
  int nn = int(n), mm = int(m), kk = int(k), ldc = int(n > 0 ? n : 1);
  if (f64) {
    const double one = 1, zero = 0;
    check(lib.dgemm(h, op_b, op_a, nn, mm, kk, &one, reinterpret_cast<const double*>(b), ldb, k * n,
                    reinterpret_cast<const double*>(a), lda, m * k, &zero, reinterpret_cast<double*>(c), ldc, m * n,
                    int(batch)),
          "cublasDgemmStridedBatched");
  } else {
    const float one = 1, zero = 0;
    check(lib.sgemm(h, op_b, op_a, nn, mm, kk, &one, reinterpret_cast<const float*>(b), ldb, k * n,
                    reinterpret_cast<const float*>(a), lda, m * k, &zero, reinterpret_cast<float*>(c), ldc, m * n,
                    int(batch)),
          "cublasSgemmStridedBatched");
  }
}

}  // namespace ember::runtime::cuda
