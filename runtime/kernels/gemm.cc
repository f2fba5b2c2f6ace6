// The portable blocked gemm (GotoBLAS structure: a kc x nc panel of B packed into NR-wide strips, an
// mc x kc block of A packed into MR-tall strips, an MR x NR micro-kernel keeping C in vector registers) and
// the batched entry point that picks it, an unpacked loop for small products, or OpenBLAS.
#include "runtime/kernels/gemm.h"

#include <algorithm>
#include <complex>
#include <cstring>
#include <vector>

#include "ir/numeric.h"
#include "runtime/kernels/strided_copy.h"

#ifdef EMBER_HAVE_OPENBLAS
#include <cblas.h>

#include <atomic>
#include <climits>

#include "runtime/thread_pool.h"
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EMBER_GEMM_AVX2 1
#endif

namespace ember::runtime::kernels {

namespace {

template <typename T>
struct RealOf {
  using type = T;
};
template <typename T>
struct RealOf<std::complex<T>> {
  using type = T;
};
template <typename T>
using real_of = typename RealOf<T>::type;

// a * b without std::complex's library call and without uint8/uint16 promoting to (overflowing) int.
template <typename T>
inline T mul(T a, T b) {
  if constexpr (is_complex_v<T>)
    return T(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real());
  else if constexpr (std::is_integral_v<T> && sizeof(T) < sizeof(unsigned))
    return T(unsigned(a) * unsigned(b));
  else
    return a * b;
}

template <typename T>
inline T add(T a, T b) {
  return T(a + b);
}

constexpr int64_t kKC = 256;           // depth of a packed panel
constexpr int64_t kNC = 2048;          // width of a packed B panel
constexpr int64_t kABytes = 96 << 10;  // a packed A block stays in L2
constexpr int64_t kGroupCols = 512;    // columns of C per parallel task

// What the micro-kernel needs for one block of C: rows [i0, i0 + mc) of op(A) at depth [p0, p0 + kc)
// (packed into `abuf` by the callee) times the packed B strips covering `ncols` columns.
template <typename T>
struct BlockArgs {
  const T* a;
  int64_t lda;
  bool trans_a;
  int64_t i0, mc, p0, kc;
  const real_of<T>* bpanel;
  int64_t ncols;
  T* c;
  int64_t ldc;
  bool accumulate;  // add to C (every depth block after the first)
  real_of<T>* abuf;
};

// Packed layout: complex values are split into a real plane and an imaginary plane per depth step, so the
// micro-kernel works on real vectors. A strip of A is [kc][P][MR], a strip of B is [kc][P][NR]; edges are
// zero-padded.
template <typename T, int NR>
void pack_b(const T* b, int64_t ldb, bool trans_b, int64_t p0, int64_t kc, int64_t j0, int64_t nr,
            real_of<T>* dst) {
  constexpr int P = is_complex_v<T> ? 2 : 1;
  for (int64_t kk = 0; kk < kc; ++kk) {
    real_of<T>* d = dst + kk * P * NR;
    for (int64_t j = 0; j < NR; ++j) {
      T v = j < nr ? (trans_b ? b[(j0 + j) * ldb + p0 + kk] : b[(p0 + kk) * ldb + j0 + j]) : T(0);
      if constexpr (P == 2) {
        d[j] = v.real();
        d[NR + j] = v.imag();
      } else {
        d[j] = v;
      }
    }
  }
}

template <typename T, int VB, int MR, int NV>
struct Blocked {
  using R = real_of<T>;
  static constexpr int P = is_complex_v<T> ? 2 : 1;
  static constexpr int VW = VB / int(sizeof(R));
  static constexpr int NR = NV * VW;
  typedef R V __attribute__((vector_size(VB)));

  [[gnu::always_inline]] static inline void pack_a(const BlockArgs<T>& x) {
    for (int64_t s = 0; s * MR < x.mc; ++s) {
      int64_t r0 = x.i0 + s * MR, rn = std::min<int64_t>(MR, x.mc - s * MR);
      R* dst = x.abuf + s * x.kc * P * MR;
      for (int64_t kk = 0; kk < x.kc; ++kk) {
        R* d = dst + kk * P * MR;
        for (int64_t i = 0; i < MR; ++i) {
          int64_t p = x.p0 + kk, r = r0 + i;
          T v = i < rn ? (x.trans_a ? x.a[p * x.lda + r] : x.a[r * x.lda + p]) : T(0);
          if constexpr (P == 2) {
            d[i] = v.real();
            d[MR + i] = v.imag();
          } else {
            d[i] = v;
          }
        }
      }
    }
  }

  [[gnu::always_inline]] static inline void micro(int64_t kc, const R* ap, const R* bp, T* c, int64_t ldc,
                                                  int64_t mr, int64_t nr, bool accumulate) {
    V acc[P][MR][NV];
    for (int p = 0; p < P; ++p)
      for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) acc[p][i][v] = V{};
    for (int64_t kk = 0; kk < kc; ++kk) {
      V bv[P][NV];
      for (int p = 0; p < P; ++p)
        for (int v = 0; v < NV; ++v) __builtin_memcpy(&bv[p][v], bp + (kk * P + p) * NR + v * VW, VB);
      const R* a = ap + kk * P * MR;
      for (int i = 0; i < MR; ++i) {
        if constexpr (P == 1) {
          R ar = a[i];
          for (int v = 0; v < NV; ++v) acc[0][i][v] += bv[0][v] * ar;
        } else {
          R ar = a[i], ai = a[MR + i];
          for (int v = 0; v < NV; ++v) {
            acc[0][i][v] += bv[0][v] * ar;
            acc[0][i][v] -= bv[1][v] * ai;
            acc[1][i][v] += bv[1][v] * ar;
            acc[1][i][v] += bv[0][v] * ai;
          }
        }
      }
    }
    if constexpr (P == 1) {
      if (mr == MR && nr == NR) {
        for (int i = 0; i < MR; ++i)
          for (int v = 0; v < NV; ++v) {
            R* dst = c + i * ldc + v * VW;
            if (accumulate) {
              V old;
              __builtin_memcpy(&old, dst, VB);
              acc[0][i][v] += old;
            }
            __builtin_memcpy(dst, &acc[0][i][v], VB);
          }
        return;
      }
    }
    R tmp[P][MR][NR];
    __builtin_memcpy(tmp, acc, sizeof(tmp));
    for (int64_t i = 0; i < mr; ++i)
      for (int64_t j = 0; j < nr; ++j) {
        T v;
        if constexpr (P == 2)
          v = T(tmp[0][i][j], tmp[1][i][j]);
        else
          v = tmp[0][i][j];
        T& dst = c[i * ldc + j];
        dst = accumulate ? add(dst, v) : v;
      }
  }

  // One block of C: pack A, then every (B strip, A strip) pair; a B strip stays in L1 across the A strips.
  [[gnu::always_inline]] static inline void block(const BlockArgs<T>& x) {
    pack_a(x);
    for (int64_t js = 0; js * NR < x.ncols; ++js) {
      int64_t nr = std::min<int64_t>(NR, x.ncols - js * NR);
      const R* bp = x.bpanel + js * x.kc * P * NR;
      for (int64_t is = 0; is * MR < x.mc; ++is) {
        int64_t mr = std::min<int64_t>(MR, x.mc - is * MR);
        micro(x.kc, x.abuf + is * x.kc * P * MR, bp, x.c + is * MR * x.ldc + js * NR, x.ldc, mr, nr,
              x.accumulate);
      }
    }
  }
};

// Register tiles: MR rows x NV vectors of C per plane, so that the P * MR * NV accumulators, the B vectors
// and a broadcast A value fit the 16 vector registers of SSE2 and AVX2. Chosen by measuring 1024^3 f32/f64
// and 512^3 complex64 products on x86-64 (e.g. complex on AVX2: 4x1 runs 3x faster than 3x2).
template <typename T>
inline constexpr int kMR = is_complex_v<T> ? 2 : 6;
template <typename T>
inline constexpr int kNV = 2;
template <typename T>
inline constexpr int kMRAvx2 = is_complex_v<T> ? 4 : 6;
template <typename T>
inline constexpr int kNVAvx2 = is_complex_v<T> ? 1 : 2;

template <typename T>
void block_baseline(const BlockArgs<T>& x) {
  Blocked<T, 16, kMR<T>, kNV<T>>::block(x);
}

#ifdef EMBER_GEMM_AVX2
template <typename T>
__attribute__((target("avx2,fma"))) void block_avx2(const BlockArgs<T>& x) {
  Blocked<T, 32, kMRAvx2<T>, kNVAvx2<T>>::block(x);
}
#endif

template <typename T>
struct Variant {
  int64_t mr, nr;
  void (*pack_b)(const T*, int64_t, bool, int64_t, int64_t, int64_t, int64_t, real_of<T>*);
  void (*block)(const BlockArgs<T>&);
};

template <typename T>
Variant<T> variant(GemmIsa isa) {
  using B16 = Blocked<T, 16, kMR<T>, kNV<T>>;
  Variant<T> v{kMR<T>, B16::NR, pack_b<T, B16::NR>, block_baseline<T>};
#ifdef EMBER_GEMM_AVX2
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (isa == GemmIsa::Best && has_avx2) {
    using B32 = Blocked<T, 32, kMRAvx2<T>, kNVAvx2<T>>;
    v = Variant<T>{kMRAvx2<T>, B32::NR, pack_b<T, B32::NR>, block_avx2<T>};
  }
#endif
  return v;
}

void zero_matrix(size_t esize, int64_t m, int64_t n, void* c, int64_t ldc) {
  int64_t shape[] = {m, n}, dst_strides[] = {ldc, 1}, src_strides[] = {0, 0};
  char zero[16] = {};
  strided_copy(esize, shape, c, dst_strides, zero, src_strides);
}

template <typename T>
void blocked_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
                  const T* b, int64_t ldb, T* c, int64_t ldc, GemmIsa isa, bool parallel) {
  using R = real_of<T>;
  constexpr int P = is_complex_v<T> ? 2 : 1;
  if (m == 0 || n == 0) return;
  if (k == 0) return zero_matrix(sizeof(T), m, n, c, ldc);
  Variant<T> var = variant<T>(isa);
  int64_t MR = var.mr, NR = var.nr;
  int64_t MC = std::max<int64_t>(MR, kABytes / (kKC * int64_t(sizeof(T))) / MR * MR);
  int64_t NG = std::max<int64_t>(NR, kGroupCols / NR * NR);
  int64_t panel_cols = (std::min(n, kNC) + NR - 1) / NR * NR;
  std::vector<R> bpanel(size_t(std::min(k, kKC) * panel_cols * P));
  for (int64_t jc = 0; jc < n; jc += kNC) {
    int64_t nc = std::min(kNC, n - jc), nstrips = (nc + NR - 1) / NR;
    for (int64_t pc = 0; pc < k; pc += kKC) {
      int64_t kc = std::min(kKC, k - pc);
      for (int64_t s = 0; s < nstrips; ++s)
        var.pack_b(b, ldb, trans_b, pc, kc, jc + s * NR, std::min(NR, nc - s * NR),
                   bpanel.data() + s * kc * P * NR);
      int64_t mblocks = (m + MC - 1) / MC, groups = (nc + NG - 1) / NG;
      auto run = [&](int64_t begin, int64_t end) {
        std::vector<R> abuf(size_t(MC * kc * P));
        BlockArgs<T> x{a, lda, trans_a, 0, 0, pc, kc, nullptr, 0, nullptr, ldc, pc > 0, abuf.data()};
        for (int64_t t = begin; t < end; ++t) {
          int64_t j0 = (t % groups) * NG;
          x.i0 = (t / groups) * MC;
          x.mc = std::min(MC, m - x.i0);
          x.bpanel = bpanel.data() + (j0 / NR) * kc * P * NR;
          x.ncols = std::min(NG, nc - j0);
          x.c = c + x.i0 * ldc + jc + j0;
          var.block(x);
        }
      };
      if (parallel)
        maybe_parallel(mblocks * groups, 1, run);
      else
        run(0, mblocks * groups);
    }
  }
}

// Small products: no packing, C row by row as axpys of B rows (contiguous and vectorisable); a transposed
// B is first copied into `scratch`.
template <typename T>
void small_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
                const T* b, int64_t ldb, T* c, int64_t ldc, std::vector<T>& scratch) {
  if (trans_b) {
    scratch.resize(size_t(k * n));
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < n; ++j) scratch[size_t(kk * n + j)] = b[j * ldb + kk];
    b = scratch.data();
    ldb = n;
  }
  for (int64_t i = 0; i < m; ++i) {
    T* crow = c + i * ldc;
    std::fill_n(crow, n, T(0));
    for (int64_t kk = 0; kk < k; ++kk) {
      T aik = trans_a ? a[kk * lda + i] : a[i * lda + kk];
      const T* brow = b + kk * ldb;
      for (int64_t j = 0; j < n; ++j) crow[j] = add(crow[j], mul(aik, brow[j]));
    }
  }
}

constexpr int64_t kSmallFlops = 32 * 32 * 32;

// Matrix-vector products, which packing would pad to whole register tiles: y[i * incy] = sum over p < k of
// M(i, p) * x[p] for i < rows, with x contiguous. When M is stored by rows (M(i, p) = mat[i * ld + p]) each
// output is a dot product of contiguous vectors, summed in kDotLanes interleaved partial sums (which
// vectorise, unlike one running sum); when it is stored by columns (M(i, p) = mat[p * ld + i]) blocks of
// outputs accumulate contiguous rows of the stored matrix.
constexpr int kDotLanes = 8;
constexpr int64_t kAxpyCols = 1024;

template <typename T>
void gemv(bool by_rows, int64_t rows, int64_t k, const T* mat, int64_t ld, const T* x, T* y, int64_t incy,
          bool parallel) {
  int64_t grain_flops = kSmallFlops * 4;
  if (by_rows) {
    auto run = [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const T* r = mat + i * ld;
        T lane[kDotLanes];
        std::fill_n(lane, kDotLanes, T(0));
        int64_t p = 0;
        for (; p + kDotLanes <= k; p += kDotLanes)
          for (int l = 0; l < kDotLanes; ++l) lane[l] = add(lane[l], mul(r[p + l], x[p + l]));
        for (int l = 0; p < k; ++p, ++l) lane[l] = add(lane[l], mul(r[p], x[p]));
        for (int w = kDotLanes / 2; w > 0; w /= 2)
          for (int l = 0; l < w; ++l) lane[l] = add(lane[l], lane[l + w]);
        y[i * incy] = lane[0];
      }
    };
    if (parallel)
      maybe_parallel(rows, std::max<int64_t>(1, grain_flops / std::max<int64_t>(k, 1)), run);
    else
      run(0, rows);
    return;
  }
  int64_t blocks = (rows + kAxpyCols - 1) / kAxpyCols;
  auto run = [&](int64_t begin, int64_t end) {
    T acc[kAxpyCols];
    for (int64_t blk = begin; blk < end; ++blk) {
      int64_t i0 = blk * kAxpyCols, w = std::min(kAxpyCols, rows - i0);
      std::fill_n(acc, w, T(0));
      for (int64_t p = 0; p < k; ++p) {
        const T* r = mat + p * ld + i0;
        T xp = x[p];
        for (int64_t j = 0; j < w; ++j) acc[j] = add(acc[j], mul(r[j], xp));
      }
      for (int64_t j = 0; j < w; ++j) y[(i0 + j) * incy] = acc[j];
    }
  };
  if (parallel)
    maybe_parallel(blocks, std::max<int64_t>(1, grain_flops / (kAxpyCols * std::max<int64_t>(k, 1))), run);
  else
    run(0, blocks);
}

// C = op(A) op(B) when m == 1 or n == 1, through gemv; a strided vector operand is first copied into
// `scratch`.
template <typename T>
void matvec(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b,
            int64_t ldb, T* c, int64_t ldc, std::vector<T>& scratch, bool parallel) {
  auto contiguous = [&](const T* v, int64_t inc) {
    if (inc == 1 || k <= 1) return v;
    scratch.resize(size_t(k));
    for (int64_t p = 0; p < k; ++p) scratch[size_t(p)] = v[p * inc];
    return static_cast<const T*>(scratch.data());
  };
  if (n == 1)  // C[:, 0] = op(A) op(B)[:, 0]; op(A) has rows in memory unless transposed
    gemv(!trans_a, m, k, a, lda, contiguous(b, trans_b ? 1 : ldb), c, ldc, parallel);
  else  // C[0, :] = op(B)^T op(A)[0, :]; op(B)^T has rows in memory when B is transposed
    gemv(trans_b, n, k, b, ldb, contiguous(a, trans_a ? lda : 1), c, 1, parallel);
}

#ifdef EMBER_HAVE_OPENBLAS
// OpenBLAS runs its own threads. It is given as many as ember's pool has (its default is one per core as
// well, but a user who lowers ember's thread count expects BLAS to follow), so that a product never runs
// on more threads than ember was told to use. Checked before every call: changing it is rare and the
// check is one load.
void sync_blas_threads() {
  static std::atomic<int> current{0};
  int want = ThreadPool::instance().num_threads();
  if (current.load(std::memory_order_relaxed) != want) {
    openblas_set_num_threads(want);
    current.store(want, std::memory_order_relaxed);
  }
}

template <typename T>
bool blas_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
               const T* b, int64_t ldb, T* c, int64_t ldc) {
  for (int64_t d : {m, n, k, lda, ldb, ldc})
    if (d > INT_MAX) return false;
  sync_blas_threads();
  auto ta = trans_a ? CblasTrans : CblasNoTrans, tb = trans_b ? CblasTrans : CblasNoTrans;
  // BLAS wants leading dimensions of at least 1 even for empty matrices.
  blasint M = blasint(m), N = blasint(n), K = blasint(k);
  blasint LDA = blasint(std::max<int64_t>(lda, 1)), LDB = blasint(std::max<int64_t>(ldb, 1)),
          LDC = blasint(std::max<int64_t>(ldc, 1));
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, 1.0f, a, LDA, b, LDB, 0.0f, c, LDC);
  } else if constexpr (std::is_same_v<T, double>) {
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, 1.0, a, LDA, b, LDB, 0.0, c, LDC);
  } else if constexpr (std::is_same_v<T, complex64>) {
    const complex64 one(1), zero(0);
    cblas_cgemm(CblasRowMajor, ta, tb, M, N, K, &one, a, LDA, b, LDB, &zero, c, LDC);
  } else if constexpr (std::is_same_v<T, complex128>) {
    const complex128 one(1), zero(0);
    cblas_zgemm(CblasRowMajor, ta, tb, M, N, K, &one, a, LDA, b, LDB, &zero, c, LDC);
  } else {
    return false;
  }
  return true;
}
#endif

}  // namespace

template <typename T>
void portable_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
                   const T* b, int64_t ldb, T* c, int64_t ldc, GemmIsa isa) {
  blocked_gemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, isa, true);
}

template <typename T>
void gemm_batched(bool trans_a, bool trans_b, int64_t batch, int64_t m, int64_t n, int64_t k, const T* a,
                  int64_t lda, int64_t stride_a, const T* b, int64_t ldb, int64_t stride_b, T* c, int64_t ldc,
                  int64_t stride_c) {
  if (batch == 0 || m == 0 || n == 0) return;
  int64_t flops = m * n * k;
  int64_t grain = std::max<int64_t>(1, kSmallFlops / std::max<int64_t>(flops, 1));
  if (k > 0 && (m == 1 || n == 1)) {
    // Few products: each one on the pool; many: one thread per product.
    bool inner_parallel = batch < 2 * grain;
    maybe_parallel(batch, grain, [&](int64_t begin, int64_t end) {
      std::vector<T> scratch;
      for (int64_t i = begin; i < end; ++i)
        matvec(trans_a, trans_b, m, n, k, a + i * stride_a, lda, b + i * stride_b, ldb, c + i * stride_c, ldc,
               scratch, inner_parallel);
    });
    return;
  }
  if (k == 0 || flops <= kSmallFlops) {
    maybe_parallel(batch, grain, [&](int64_t begin, int64_t end) {
      std::vector<T> scratch;
      for (int64_t i = begin; i < end; ++i)
        small_gemm(trans_a, trans_b, m, n, k, a + i * stride_a, lda, b + i * stride_b, ldb, c + i * stride_c,
                   ldc, scratch);
    });
    return;
  }
#ifdef EMBER_HAVE_OPENBLAS
  if constexpr (std::is_floating_point_v<real_of<T>>) {
    bool ok = true;
    for (int64_t i = 0; ok && i < batch; ++i)
      ok = blas_gemm(trans_a, trans_b, m, n, k, a + i * stride_a, lda, b + i * stride_b, ldb,
                     c + i * stride_c, ldc);
    if (ok) return;
  }
#endif
  // Many products: one thread per product; few: each product on the whole pool.
  bool per_product = batch >= 4;
  maybe_parallel(batch, per_product ? 1 : batch, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      blocked_gemm(trans_a, trans_b, m, n, k, a + i * stride_a, lda, b + i * stride_b, ldb, c + i * stride_c,
                   ldc, GemmIsa::Best, !per_product);
  });
}

#define EMBER_GEMM_INSTANTIATE(T)                                                                           \
  template void portable_gemm<T>(bool, bool, int64_t, int64_t, int64_t, const T*, int64_t, const T*,        \
                                 int64_t, T*, int64_t, GemmIsa);                                            \
  template void gemm_batched<T>(bool, bool, int64_t, int64_t, int64_t, int64_t, const T*, int64_t, int64_t, \
                                const T*, int64_t, int64_t, T*, int64_t, int64_t);
EMBER_GEMM_INSTANTIATE(float)
EMBER_GEMM_INSTANTIATE(double)
EMBER_GEMM_INSTANTIATE(complex64)
EMBER_GEMM_INSTANTIATE(complex128)
EMBER_GEMM_INSTANTIATE(uint8_t)
EMBER_GEMM_INSTANTIATE(uint16_t)
EMBER_GEMM_INSTANTIATE(uint32_t)
EMBER_GEMM_INSTANTIATE(uint64_t)
#undef EMBER_GEMM_INSTANTIATE

}  // namespace ember::runtime::kernels
