// Matrix products for dot_general (internal to runtime/kernels; exposed for tests).
//
// All matrices are row-major. C (m x n, row stride ldc) = op(A) * op(B) where op(A) is m x k and op(B) is
// k x n. A is stored m x k with row stride lda, or k x m when trans_a; B is stored k x n with row stride
// ldb, or n x k when trans_b. C is overwritten (k == 0 gives zeros). No conjugation.
//
// Instantiated for float, double, complex64, complex128 and uint8/16/32/64. Integer products wrap; signed
// integers use the unsigned type of their width, whose sums and products agree bit for bit. Complex
// products use the textbook formula (as BLAS does), without C99 Annex G inf/NaN recovery.
#pragma once

#include <cstdint>

namespace ember::runtime::kernels {

#ifdef EMBER_HAVE_OPENBLAS
inline constexpr bool kHaveBlas = true;
#else
inline constexpr bool kHaveBlas = false;
#endif

// Which instruction set the portable kernel may use: the best the CPU has (AVX2 with FMA on x86-64 when
// present, chosen at run time), or the compiler's baseline (SSE2 on x86-64). Each element of C is summed in
// the same order either way; the AVX2 kernel fuses each multiply-add (one rounding instead of two, as
// BLAS does), so the two may differ in the last bits of inexact results.
enum class GemmIsa { Best, Baseline };

// The cache-blocked portable gemm (packed panels, register-tiled micro-kernel), on the thread pool.
template <typename T>
void portable_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
                   const T* b, int64_t ldb, T* c, int64_t ldc, GemmIsa isa = GemmIsa::Best);

// `batch` products; the i-th matrices start at a + i * stride_a, b + i * stride_b, c + i * stride_c.
// Small products run unpacked, in parallel over the batch; large ones go to OpenBLAS for floating and
// complex types when ember is built with it (EMBER_HAVE_OPENBLAS), to portable_gemm otherwise.
template <typename T>
void gemm_batched(bool trans_a, bool trans_b, int64_t batch, int64_t m, int64_t n, int64_t k, const T* a,
                  int64_t lda, int64_t stride_a, const T* b, int64_t ldb, int64_t stride_b, T* c, int64_t ldc,
                  int64_t stride_c);

}  // namespace ember::runtime::kernels
