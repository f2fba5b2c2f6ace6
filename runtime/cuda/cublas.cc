#include "runtime/cuda/cublas.h"

#include <cublas_v2.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "ir/error.h"
#include "runtime/cuda/driver.h"
#include "runtime/cuda/gemm_args.h"
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
  GemmArgs g = gemm_args(dtype, m, n, k, transpose_a, transpose_b, allow_tf32);
  const void* one = g.wide_scalars ? static_cast<const void*>(kGemmOne64) : kGemmOne32;
  const void* zero = g.wide_scalars ? static_cast<const void*>(kGemmZero64) : kGemmZero32;
  auto type = cudaDataType(g.type);
  cublasHandle_t h = handle_for(ctx);
  static std::mutex calls;  // a handle is not for two threads at once
  std::lock_guard<std::mutex> lock(calls);
  check(cublas().gemm(h, cublasOperation_t(g.op_first), cublasOperation_t(g.op_second), g.rows, g.cols,
                      g.depth, one, reinterpret_cast<const void*>(b), type, g.ld_first, g.stride_first,
                      reinterpret_cast<const void*>(a), type, g.ld_second, g.stride_second, zero,
                      reinterpret_cast<void*>(c), type, g.ld_out, g.stride_out, int(batch),
                      cublasComputeType_t(g.compute), CUBLAS_GEMM_DEFAULT),
        "cublasGemmStridedBatchedEx");
}

}  // namespace ember::runtime::cuda
