// sort and top_k against NumPy's order (np.sort / np.argsort(kind="stable") results derived by hand:
// NaNs last, -0.0 equal to 0.0, complex by real then imaginary part with NaN-containing values last) and
// against std::stable_sort / a full sort done here.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>

#include "kernel_test_util.h"

using namespace ember;
using namespace ember::testing;
using ir::DType;
using ir::Prim;

namespace {

ir::Attrs sort_attrs(int64_t dim, int64_t num_keys = 1) {
  return {int_attr(dim), bool_attr(true), int_attr(num_keys)};
}

}  // namespace

TEST_CASE("sort: floats in NumPy's order, NaNs last, -0.0 and 0.0 equal and kept in order") {
  std::vector<double> x{kNaN, 1.0, -0.0, -kInf, 0.0, -kNaN, -1.0, kInf, -0.0};
  auto y = get<double>(run1(Prim::Sort, {arr(x)}, sort_attrs(0)));
  std::vector<double> want{-kInf, -1.0, -0.0, 0.0, -0.0, 1.0, kInf, kNaN, kNaN};
  REQUIRE(y.size() == want.size());
  for (size_t i = 0; i < y.size(); ++i)
    CHECK((std::isnan(want[i]) ? std::isnan(y[i]) : same_bits(y[i], want[i])));
  // The positions come along in a second operand: stable among the zeros and the NaNs.
  auto r = run_all(Prim::Sort, {arr(x), arr<int32_t>({0, 1, 2, 3, 4, 5, 6, 7, 8})}, sort_attrs(0));
  CHECK(get<int32_t>(r[1]) == std::vector<int32_t>{3, 6, 2, 4, 8, 1, 7, 0, 5});
  // float16 and bfloat16 in the same order.
  auto h = get<float16>(
      run1(Prim::Sort, {arr<float16>({float16(2.0f), float16(float(kNaN)), float16(-3.0f)})}, sort_attrs(0)));
  CHECK(float(h[0]) == -3.0f);
  CHECK(float(h[1]) == 2.0f);
  CHECK(std::isnan(float(h[2])));
  auto b = get<bfloat16>(
      run1(Prim::Sort, {arr<bfloat16>({bfloat16(1e30f), bfloat16(-1e-30f), bfloat16(0.0f)})}, sort_attrs(0)));
  CHECK(float(b[0]) < 0);
  CHECK(float(b[1]) == 0);
  CHECK(float(b[2]) > 1e29f);
}

TEST_CASE("sort: integers of every width and sign, bool") {
  CHECK(get<int64_t>(run1(Prim::Sort,
                          {arr<int64_t>({5, std::numeric_limits<int64_t>::min(), -1, 0,
                                         std::numeric_limits<int64_t>::max()})},
                          sort_attrs(0))) == std::vector<int64_t>{std::numeric_limits<int64_t>::min(), -1, 0,
                                                                  5, std::numeric_limits<int64_t>::max()});
  CHECK(get<uint64_t>(run1(Prim::Sort, {arr<uint64_t>({~uint64_t(0), 0, uint64_t(1) << 63, 7})},
                           sort_attrs(0))) == std::vector<uint64_t>{0, 7, uint64_t(1) << 63, ~uint64_t(0)});
  CHECK(get<int8_t>(run1(Prim::Sort, {arr<int8_t>({127, -128, 0, -1})}, sort_attrs(0))) ==
        std::vector<int8_t>{-128, -1, 0, 127});
  CHECK(get<uint16_t>(run1(Prim::Sort, {arr<uint16_t>({65535, 1, 32768})}, sort_attrs(0))) ==
        std::vector<uint16_t>{1, 32768, 65535});
  CHECK(get<bool>(run1(Prim::Sort, {arr<bool>({true, false, true, false})}, sort_attrs(0))) ==
        std::vector<bool>{false, false, true, true});
}

TEST_CASE("sort: complex values in np.sort's order") {
  using C = std::complex<double>;
  std::vector<C> x{{1, kNaN},  {kNaN, 1}, {kNaN, kNaN}, {2, 0}, {1, 5},
                   {kNaN, -1}, {3, kNaN}, {0, -0.0},    {1, -5}};
  auto r = run_all(Prim::Sort, {arr(x), arr<int32_t>({0, 1, 2, 3, 4, 5, 6, 7, 8})}, sort_attrs(0));
  // np.sort: [0-0j, 1-5j, 1+5j, 2+0j, 1+nanj, 3+nanj, nan-1j, nan+1j, nan+nanj]
  CHECK(get<int32_t>(r[1]) == std::vector<int32_t>{7, 8, 4, 3, 0, 6, 5, 1, 2});
}

TEST_CASE("sort: along any dimension, by several keys lexicographically, operands permuted alongside") {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> small(0, 3);
  const ir::Shape shape{3, 7, 4};
  const int64_t n = ir::num_elements(shape);
  std::vector<int32_t> k1(static_cast<size_t>(n), 0);
  std::vector<float> k2(static_cast<size_t>(n), 0);
  std::vector<int64_t> payload(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i) {
    k1[size_t(i)] = small(rng) - 1;
    k2[size_t(i)] = small(rng) == 0 ? std::numeric_limits<float>::quiet_NaN() : float(small(rng)) * 0.5f;
    payload[size_t(i)] = i;
  }
  for (int64_t dim = 0; dim < 3; ++dim) {
    CAPTURE(dim);
    auto r = run_all(Prim::Sort, {arr(k1, shape), arr(k2, shape), arr(payload, shape)}, sort_attrs(dim, 2));
    auto got1 = get<int32_t>(r[0]);
    auto got2 = get<float>(r[1]);
    auto got = get<int64_t>(r[2]);
    // Expected: each slice along `dim` stable-sorted by (k1, k2 with NaN last).
    int64_t inner = 1;
    for (int64_t d = dim + 1; d < 3; ++d) inner *= shape[size_t(d)];
    int64_t len = shape[size_t(dim)];
    bool ok = true;
    for (int64_t s = 0; s < n / len; ++s) {
      int64_t base = (s / inner) * len * inner + s % inner;
      std::vector<int64_t> pos(static_cast<size_t>(len));
      for (int64_t k = 0; k < len; ++k) pos[size_t(k)] = base + k * inner;
      auto key = [&](int64_t p) {
        float v = k2[size_t(p)];
        return std::make_tuple(k1[size_t(p)], std::isnan(v) ? 1 : 0, std::isnan(v) ? 0.0f : v);
      };
      std::vector<int64_t> sorted = pos;
      std::stable_sort(sorted.begin(), sorted.end(), [&](int64_t a, int64_t b) { return key(a) < key(b); });
      for (int64_t k = 0; k < len; ++k) {
        int64_t at = pos[size_t(k)], from = sorted[size_t(k)];
        ok = ok && got[size_t(at)] == payload[size_t(from)] && got1[size_t(at)] == k1[size_t(from)] &&
             same_value(got2[size_t(at)], k2[size_t(from)]);
      }
    }
    CHECK(ok);
  }
}

TEST_CASE("sort: empty arrays and length-1 dimensions") {
  CHECK(run1(Prim::Sort, {arr<float>({}, ir::Shape{2, 0})}, sort_attrs(1)).numel() == 0);
  CHECK(get<float>(run1(Prim::Sort, {arr<float>({3, 1}, ir::Shape{2, 1})}, sort_attrs(1))) ==
        std::vector<float>{3, 1});
}

TEST_CASE("top_k: descending, NaN largest, ties by lower index, per row") {
  std::vector<double> x{1.0, kNaN, 3.0, 3.0, -0.0, 0.0, -kInf, kNaN};
  auto r = run_all(Prim::TopK, {arr(x)}, {int_attr(5)});
  auto v = get<double>(r[0]);
  CHECK(get<int32_t>(r[1]) == std::vector<int32_t>{1, 7, 2, 3, 0});
  CHECK(std::isnan(v[0]));
  CHECK(std::isnan(v[1]));
  CHECK(v[2] == 3.0);
  CHECK(v[4] == 1.0);
  // Zeros tie: the lower index (-0.0 at 4) comes first, keeping its sign.
  auto all = run_all(Prim::TopK, {arr(x)}, {int_attr(8)});
  CHECK(get<int32_t>(all[1]) == std::vector<int32_t>{1, 7, 2, 3, 0, 4, 5, 6});
  CHECK(same_bits(get<double>(all[0])[5], -0.0));
  // Rows of a matrix, integers, and k = 0.
  auto m = run_all(Prim::TopK, {arr<int16_t>({4, -2, 9, 9, 0, 1, 1, 1}, ir::Shape{2, 4})}, {int_attr(2)});
  CHECK(get<int16_t>(m[0]) == std::vector<int16_t>{9, 9, 1, 1});
  CHECK(get<int32_t>(m[1]) == std::vector<int32_t>{2, 3, 1, 2});
  CHECK(m[0].type.shape == ir::Shape{2, 2});
  auto u = run_all(Prim::TopK, {arr<uint32_t>({7, 4000000000u, 0})}, {int_attr(2)});
  CHECK(get<uint32_t>(u[0]) == std::vector<uint32_t>{4000000000u, 7});
  auto bl = run_all(Prim::TopK, {arr<bool>({false, true, false, true})}, {int_attr(3)});
  CHECK(get<int32_t>(bl[1]) == std::vector<int32_t>{1, 3, 0});
  auto none = run_all(Prim::TopK, {arr<float>({1, 2})}, {int_attr(0)});
  CHECK(none[0].numel() == 0);
  CHECK(none[1].type.dtype == DType::I32);
}

TEST_CASE("top_k: agrees with a full descending stable sort on random rows") {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> dist(0, 20);
  const int64_t rows = 6, n = 50, k = 17;
  std::vector<float> x(size_t(rows * n));
  for (float& v : x) v = dist(rng) == 0 ? std::numeric_limits<float>::quiet_NaN() : float(dist(rng));
  auto r = run_all(Prim::TopK, {arr(x, ir::Shape{rows, n})}, {int_attr(k)});
  auto idx = get<int32_t>(r[1]);
  bool ok = true;
  for (int64_t row = 0; row < rows; ++row) {
    std::vector<int32_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](int32_t i) {
      float v = x[size_t(row * n + i)];
      return std::isnan(v) ? std::numeric_limits<float>::infinity() * 2 : v;  // NaN above everything
    };
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      float ka = key(a), kb = key(b);
      bool na = std::isnan(x[size_t(row * n + a)]), nb = std::isnan(x[size_t(row * n + b)]);
      if (na != nb) return na;
      return !na && ka > kb;
    });
    for (int64_t i = 0; i < k; ++i) ok = ok && idx[size_t(row * k + i)] == order[size_t(i)];
  }
  CHECK(ok);
}
