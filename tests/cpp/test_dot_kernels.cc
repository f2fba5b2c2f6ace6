// dot_general and the gemms behind it against naive loops written here. Inputs are small integers, so
// every summation order gives the same exact result and comparisons are exact for every dtype.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <complex>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/executor.h"
#include "runtime/kernels/gemm.h"

using namespace ember;
using ember::ir::DType;
using ember::ir::Prim;
using ember::runtime::Array;
namespace kernels = ember::runtime::kernels;

namespace {

using c64 = std::complex<float>;
using c128 = std::complex<double>;
using Ints = std::vector<int64_t>;

using ember::dtype_of;

// Small integers in [-4, 4] (imaginary parts in [-2, 2]) for element i.
template <typename T>
T small(int64_t i, int64_t seed) {
  int64_t h = (i * 2654435761 + seed * 40503 + 12345) % 1000003;
  int v = int(h % 9) - 4, w = int((h / 9) % 5) - 2;
  if constexpr (is_half_v<T>)
    return T(float(v));
  else if constexpr (is_complex_v<T>)
    return T(v, w);
  else
    return static_cast<T>(v);
}

template <typename T>
Array make(const Ints& shape, int64_t seed) {
  Array a = Array::allocate(ir::Type{dtype_of<T>(), ir::Shape(shape.begin(), shape.end())});
  for (int64_t i = 0; i < a.numel(); ++i) a.data_as<T>()[i] = small<T>(i, seed);
  return a;
}

template <typename T>
std::vector<T> elements(const Array& a) {
  std::vector<T> out(size_t(a.numel()));
  if (!out.empty()) std::memcpy(out.data(), a.data(), out.size() * sizeof(T));
  return out;
}

// Equal values. Not bitwise: BLAS and the portable kernels may disagree on the sign of an exact zero in
// complex results (which depends on the order of operations), never on a value.
template <typename T>
bool same(T a, T b) {
  if constexpr (is_half_v<T>)
    return float(a) == float(b);
  else
    return a == b;
}

Array dot(const Array& l, const Array& r, Ints lc, Ints rc, Ints lb, Ints rb, DType out) {
  auto results = runtime::execute_op(Prim::DotGeneral, std::vector<Array>{l, r}, {lc, rc, lb, rb, out});
  REQUIRE(results.size() == 1);
  return results[0];
}

Ints unravel(int64_t flat, const Ints& shape) {
  Ints idx(shape.size());
  for (int d = int(shape.size()) - 1; d >= 0; --d) {
    idx[size_t(d)] = flat % shape[size_t(d)];
    flat /= shape[size_t(d)];
  }
  return idx;
}

int64_t ravel(const Ints& idx, const ir::Shape& shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + idx[d];
  return flat;
}

// dot_general by definition: for each result index (batch, lhs free, rhs free), the sum over every
// contracting index of lhs * rhs, in W: complex<double> (exact for the small integers used) or uint64
// (wrapping, which agrees with any narrower integer result modulo its width).
template <typename W>
std::vector<W> naive_dot(const Array& l, const Array& r, const Ints& lc, const Ints& rc, const Ints& lb,
                         const Ints& rb, const std::function<W(const Array&, int64_t)>& load) {
  auto free_of = [](const ir::Shape& s, const Ints& a, const Ints& b) {
    Ints f;
    for (int64_t d = 0; d < int64_t(s.size()); ++d)
      if (std::find(a.begin(), a.end(), d) == a.end() && std::find(b.begin(), b.end(), d) == b.end())
        f.push_back(d);
    return f;
  };
  const ir::Shape &ls = l.type.shape, &rs = r.type.shape;
  Ints lf = free_of(ls, lc, lb), rf = free_of(rs, rc, rb);
  Ints out_shape, k_shape;
  for (int64_t d : lb) out_shape.push_back(ls[size_t(d)]);
  for (int64_t d : lf) out_shape.push_back(ls[size_t(d)]);
  for (int64_t d : rf) out_shape.push_back(rs[size_t(d)]);
  for (int64_t d : lc) k_shape.push_back(ls[size_t(d)]);
  int64_t n_out = 1, n_k = 1;
  for (int64_t d : out_shape) n_out *= d;
  for (int64_t d : k_shape) n_k *= d;
  std::vector<W> out(static_cast<size_t>(n_out));
  for (int64_t o = 0; o < n_out; ++o) {
    Ints oi = unravel(o, out_shape);
    Ints li(ls.size()), ri(rs.size());
    size_t at = 0;
    for (size_t i = 0; i < lb.size(); ++i, ++at) {
      li[size_t(lb[i])] = oi[at];
      ri[size_t(rb[i])] = oi[at];
    }
    for (int64_t d : lf) li[size_t(d)] = oi[at++];
    for (int64_t d : rf) ri[size_t(d)] = oi[at++];
    W sum = 0;
    for (int64_t k = 0; k < n_k; ++k) {
      Ints ki = unravel(k, k_shape);
      for (size_t i = 0; i < lc.size(); ++i) {
        li[size_t(lc[i])] = ki[i];
        ri[size_t(rc[i])] = ki[i];
      }
      sum = W(sum + load(l, ravel(li, ls)) * load(r, ravel(ri, rs)));
    }
    out[size_t(o)] = sum;
  }
  return out;
}

template <typename T>
c128 load_as(const Array& a, int64_t i) {
  T v = a.data_as<T>()[i];
  if constexpr (is_half_v<T>)
    return c128(float(v));
  else if constexpr (is_complex_v<T>)
    return c128(v);
  else
    return c128(double(v));
}

template <typename T>
uint64_t load_wrapping(const Array& a, int64_t i) {
  if constexpr (std::is_integral_v<T>)
    return uint64_t(int64_t(a.data_as<T>()[i]));
  else
    return uint64_t(int64_t(load_as<T>(a, i).real()));  // small integers only
}

// The expected element of dtype O for an exact sum `v`.
template <typename O>
O expect(c128 v) {
  if constexpr (is_complex_v<O>)
    return O(v);
  else if constexpr (is_half_v<O>)
    return O(float(v.real()));
  else
    return O(v.real());
}

template <typename In, typename Out = In>
void check_dot(const Ints& lshape, const Ints& rshape, Ints lc, Ints rc, Ints lb, Ints rb) {
  Array l = make<In>(lshape, 1), r = make<In>(rshape, 2);
  Array out = dot(l, r, lc, rc, lb, rb, dtype_of<Out>());
  CHECK(out.type.dtype == dtype_of<Out>());
  using W = std::conditional_t<std::is_integral_v<Out>, uint64_t, c128>;
  std::vector<W> want;
  if constexpr (std::is_integral_v<Out>)
    want = naive_dot<W>(l, r, lc, rc, lb, rb, load_wrapping<In>);
  else
    want = naive_dot<W>(l, r, lc, rc, lb, rb, load_as<In>);
  std::vector<Out> got = elements<Out>(out);
  REQUIRE(got.size() == want.size());
  int64_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if constexpr (std::is_integral_v<Out>)
      bad += got[i] != static_cast<Out>(want[i]);  // wraps
    else
      bad += !same(got[i], expect<Out>(want[i]));
  CHECK_MESSAGE(bad == 0, bad, " wrong of ", got.size(), " for ", ir::to_string(l.type), " . ",
                ir::to_string(r.type));
}

struct DotCase {
  Ints lshape, rshape, lc, rc, lb, rb;
};

// Matrix products in every layout, batches, several contracting dimensions in either pairing order,
// batch dimensions that are not leading, unit dimensions, vectors, outer products and empty dimensions.
const std::vector<DotCase> kCases = {
    {{3, 4}, {4, 5}, {1}, {0}, {}, {}},                      // plain
    {{4, 3}, {4, 5}, {0}, {0}, {}, {}},                      // lhs transposed
    {{3, 4}, {5, 4}, {1}, {1}, {}, {}},                      // rhs transposed
    {{4, 3}, {5, 4}, {0}, {1}, {}, {}},                      // both
    {{2, 3, 4}, {2, 4, 5}, {2}, {1}, {0}, {0}},              // batched
    {{3, 2, 4}, {4, 5, 2}, {2}, {0}, {1}, {2}},              // batch dimensions in the middle / last
    {{2, 3, 4, 5}, {5, 4, 6}, {2, 3}, {1, 0}, {}, {}},       // two contracting dimensions, swapped in rhs
    {{2, 3, 4, 5}, {4, 5, 6}, {3, 2}, {1, 0}, {}, {}},       // the same pairs listed in the other order
    {{2, 3, 4, 5}, {5, 2, 4, 7}, {3, 2}, {0, 2}, {0}, {1}},  // batch + two contracting, mixed orders
    {{6}, {6}, {0}, {0}, {}, {}},                            // vector dot: rank-0 result
    {{3}, {4}, {}, {}, {}, {}},                              // outer product
    {{5}, {5}, {}, {}, {0}, {0}},                            // batch only: elementwise product
    {{1, 3, 1, 4}, {4, 1, 2}, {3}, {0}, {}, {}},             // unit dimensions
    {{3, 0}, {0, 4}, {1}, {0}, {}, {}},                      // K = 0: zeros
    {{0, 4}, {4, 3}, {1}, {0}, {}, {}},                      // M = 0
    {{2, 0, 3}, {2, 3, 5}, {2}, {1}, {0}, {0}},              // empty free dimension in a batch
    {{37, 45}, {45, 29}, {1}, {0}, {}, {}},                  // above the small-product threshold
    {{45, 37}, {29, 45}, {0}, {1}, {}, {}},                  // the same, both transposed
    {{3, 40, 50}, {3, 50, 33}, {2}, {1}, {0}, {0}},          // batched, blocked
    {{64, 130}, {130, 70}, {1}, {0}, {}, {}},                // several panels and edge tiles
};

}  // namespace

TEST_CASE_TEMPLATE("dot_general: every layout case matches the definition", T, int8_t, uint64_t, int32_t,
                   float16, bfloat16, float, double, c64, c128) {
  for (const DotCase& c : kCases) check_dot<T>(c.lshape, c.rshape, c.lc, c.rc, c.lb, c.rb);
}

TEST_CASE("dot_general: preferred_element_type differs from the operands'") {
  check_dot<int8_t, int32_t>({5, 6}, {6, 7}, {1}, {0}, {}, {});
  check_dot<int8_t, int32_t>({40, 50}, {50, 33}, {1}, {0}, {}, {});
  check_dot<bfloat16, float>({40, 50}, {50, 33}, {1}, {0}, {}, {});
  check_dot<float16, float>({3, 4}, {4, 2}, {1}, {0}, {}, {});
  check_dot<int16_t, float>({3, 4}, {4, 2}, {1}, {0}, {}, {});
  check_dot<float, double>({3, 4}, {4, 2}, {1}, {0}, {}, {});
  check_dot<double, float>({40, 50}, {50, 33}, {1}, {0}, {}, {});
  check_dot<c128, c64>({3, 4}, {4, 2}, {1}, {0}, {}, {});
  check_dot<uint8_t, int64_t>({3, 4}, {4, 2}, {1}, {0}, {}, {});
  check_dot<float, bfloat16>({3, 4}, {4, 2}, {1}, {0}, {}, {});
}

TEST_CASE("dot_general: int8 products wrap in int8 and widen to int32") {
  std::vector<int8_t> a = {100, 100}, b = {2, 1};
  Array l = Array::allocate(ir::Type{DType::I8, {2}}), r = Array::allocate(ir::Type{DType::I8, {2}});
  std::memcpy(l.data(), a.data(), 2);
  std::memcpy(r.data(), b.data(), 2);
  CHECK(elements<int8_t>(dot(l, r, {0}, {0}, {}, {}, DType::I8))[0] == int8_t(44));  // 300 mod 256
  CHECK(elements<int32_t>(dot(l, r, {0}, {0}, {}, {}, DType::I32))[0] == 300);
}

TEST_CASE("dot_general: float operands converted to an integer result saturate first") {
  std::vector<float> a = {1e10f, 2.5f, NAN}, b = {1.0f, 2.0f, 7.0f};
  Array l = Array::allocate(ir::Type{DType::F32, {3}}), r = Array::allocate(ir::Type{DType::F32, {3}});
  std::memcpy(l.data(), a.data(), sizeof(float) * 3);
  std::memcpy(r.data(), b.data(), sizeof(float) * 3);
  // INT32_MAX * 1 + 2 * 2 + 0 * 7 wraps to INT32_MIN + 3.
  CHECK(elements<int32_t>(dot(l, r, {0}, {0}, {}, {}, DType::I32))[0] ==
        std::numeric_limits<int32_t>::min() + 3);
}

TEST_CASE("dot_general: float16 accumulates in float and rounds once") {
  // 4096 products of 1 * 1: a float16 accumulator would stop at 2048.
  Array l = Array::allocate(ir::Type{DType::F16, {2, 4096}}),
        r = Array::allocate(ir::Type{DType::F16, {4096}});
  for (int i = 0; i < 2 * 4096; ++i) l.data_as<float16>()[i] = float16(1.0f);
  for (int i = 0; i < 4096; ++i) r.data_as<float16>()[i] = float16(1.0f);
  std::vector<float16> got = elements<float16>(dot(l, r, {1}, {0}, {}, {}, DType::F16));
  CHECK(float(got[0]) == 4096.0f);
  CHECK(float(got[1]) == 4096.0f);
}

TEST_CASE("dot_general: complex products are not conjugated") {
  std::vector<c128> a = {{1, 2}}, b = {{3, 4}};
  Array l = Array::allocate(ir::Type{DType::C128, {1, 1}}),
        r = Array::allocate(ir::Type{DType::C128, {1, 1}});
  std::memcpy(l.data(), a.data(), sizeof(c128));
  std::memcpy(r.data(), b.data(), sizeof(c128));
  CHECK(elements<c128>(dot(l, r, {1}, {0}, {}, {}, DType::C128))[0] == c128(-5, 10));
}

TEST_CASE("dot_general: many small batched products") {
  check_dot<float>({500, 3, 4}, {500, 4, 5}, {2}, {1}, {0}, {0});
  check_dot<double>({4, 3, 500}, {500, 3, 4}, {1}, {1}, {2}, {0});
  check_dot<int64_t>({100, 8, 8}, {100, 8, 8}, {1}, {2}, {0}, {0});
}

namespace {

// C = op(A) op(B) by the triple loop, in the same type (wrapping for integers), exact for small integers.
template <typename T>
std::vector<T> naive_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const std::vector<T>& a,
                          const std::vector<T>& b) {
  std::vector<T> c(size_t(m * n), T(0));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      T s = T(0);
      for (int64_t p = 0; p < k; ++p) {
        T x = ta ? a[size_t(p * m + i)] : a[size_t(i * k + p)];
        T y = tb ? b[size_t(j * k + p)] : b[size_t(p * n + j)];
        if constexpr (std::is_integral_v<T>)
          s = T(s + T(uint64_t(x) * uint64_t(y)));
        else
          s += x * y;
      }
      c[size_t(i * n + j)] = s;
    }
  return c;
}

template <typename T>
void check_gemm_sizes(const std::vector<std::array<int64_t, 3>>& sizes) {
  for (auto [m, n, k] : sizes)
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        std::vector<T> a(size_t(m * k)), b(size_t(k * n));
        for (size_t i = 0; i < a.size(); ++i) a[i] = small<T>(int64_t(i), 3);
        for (size_t i = 0; i < b.size(); ++i) b[i] = small<T>(int64_t(i), 4);
        std::vector<T> want = naive_gemm(ta, tb, m, n, k, a, b);
        int64_t lda = ta ? m : k, ldb = tb ? k : n;
        for (kernels::GemmIsa isa : {kernels::GemmIsa::Best, kernels::GemmIsa::Baseline}) {
          // C has a wider row stride than n, with a sentinel in the gap that must survive.
          int64_t ldc = n + 3;
          std::vector<T> c(size_t(m * ldc), small<T>(999, 9));
          kernels::portable_gemm<T>(ta, tb, m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc, isa);
          int64_t bad = 0;
          for (int64_t i = 0; i < m; ++i) {
            for (int64_t j = 0; j < n; ++j) bad += !same(c[size_t(i * ldc + j)], want[size_t(i * n + j)]);
            for (int64_t j = n; j < ldc; ++j) bad += !same(c[size_t(i * ldc + j)], small<T>(999, 9));
          }
          CHECK_MESSAGE(bad == 0, "m=", m, " n=", n, " k=", k, " ta=", ta, " tb=", tb,
                        " baseline=", isa == kernels::GemmIsa::Baseline);
        }
        // The batched entry point (OpenBLAS for floating types when built with it) agrees.
        std::vector<T> c2(size_t(2 * m * n));
        std::vector<T> a2 = a, b2 = b;
        a2.insert(a2.end(), a.begin(), a.end());
        b2.insert(b2.end(), b.begin(), b.end());
        kernels::gemm_batched<T>(ta, tb, 2, m, n, k, a2.data(), lda, m * k, b2.data(), ldb, k * n, c2.data(),
                                 n, m * n);
        int64_t bad = 0;
        for (int64_t i = 0; i < 2 * m * n; ++i) bad += !same(c2[size_t(i)], want[size_t(i % (m * n))]);
        CHECK_MESSAGE(bad == 0, "batched m=", m, " n=", n, " k=", k, " ta=", ta, " tb=", tb);
      }
}

}  // namespace

TEST_CASE_TEMPLATE(
    "gemm: portable gemm (both instruction sets) and the batched/BLAS path match a triple loop", T, float,
    double, c64, c128, uint8_t, uint16_t, uint32_t, uint64_t) {
  check_gemm_sizes<T>(
      {{1, 1, 1}, {7, 5, 3}, {6, 16, 1}, {13, 17, 19}, {50, 70, 90}, {97, 33, 300}, {5, 600, 7}});
}

TEST_CASE_TEMPLATE("gemm: matrix-vector shapes (m = 1 or n = 1) in every layout", T, float, c128, uint16_t) {
  check_gemm_sizes<T>({{1, 300, 200}, {300, 1, 200}, {1, 5000, 40}, {4000, 1, 30}, {1, 1, 5000}, {1, 3, 1}});
}

TEST_CASE("gemm: large float products with several depth and width panels") {
  check_gemm_sizes<float>({{200, 2100, 300}});
}

TEST_CASE("gemm: K = 0 gives zeros and empty products touch nothing") {
  std::vector<float> c(6, 5.0f);
  kernels::portable_gemm<float>(false, false, 2, 3, 0, nullptr, 0, nullptr, 3, c.data(), 3);
  CHECK(c == std::vector<float>(6, 0.0f));
  std::vector<double> d(6, 5.0);
  kernels::gemm_batched<double>(false, false, 1, 2, 3, 0, nullptr, 0, 0, nullptr, 3, 0, d.data(), 3, 6);
  CHECK(d == std::vector<double>(6, 0.0));
  kernels::gemm_batched<double>(false, false, 1, 0, 3, 4, nullptr, 4, 0, nullptr, 3, 0, d.data(), 3, 0);
  CHECK(d == std::vector<double>(6, 0.0));
}
