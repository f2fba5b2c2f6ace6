// Cumulative reductions against running loops written here (in long double where rounding matters) and
// hand-derived edge cases: integer wrap-around, NaN propagation of np.maximum.accumulate, logaddexp's
// infinities, float16 accumulated in float, reverse scans along every axis.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "kernel_test_util.h"

using namespace ember;
using namespace ember::testing;
using ir::DType;
using ir::Prim;

namespace {

ir::Attrs scan_attrs(int64_t axis, bool reverse = false) { return {int_attr(axis), bool_attr(reverse)}; }

// The running combination along `axis` of a [2,3,4]-like array, done position by position.
template <typename F>
std::vector<double> reference_scan(const std::vector<double>& x, const ir::Shape& shape, int64_t axis,
                                   bool reverse, F combine) {
  int64_t outer = 1, inner = 1, n = shape[size_t(axis)];
  for (int64_t d = 0; d < axis; ++d) outer *= shape[size_t(d)];
  for (size_t d = size_t(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      long double acc = 0;
      for (int64_t s = 0; s < n; ++s) {
        int64_t k = reverse ? n - 1 - s : s;
        size_t at = size_t((o * n + k) * inner + i);
        acc = s == 0 ? (long double)x[at] : combine(acc, (long double)x[at]);
        y[at] = double(acc);
      }
    }
  return y;
}

}  // namespace

TEST_CASE("cumulative: every axis, forward and reverse, against running loops") {
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> dist(-2, 2);
  for (ir::Shape shape : {ir::Shape{2, 3, 4}, ir::Shape{5, 1, 1200}, ir::Shape{7}}) {
    std::vector<double> x(size_t(ir::num_elements(shape)));
    for (double& v : x) v = dist(rng);
    for (int64_t axis = 0; axis < int64_t(shape.size()); ++axis) {
      for (bool reverse : {false, true}) {
        CAPTURE(axis);
        CAPTURE(reverse);
        auto close = [](const std::vector<double>& a, const std::vector<double>& b, double tol) {
          for (size_t i = 0; i < a.size(); ++i)
            if (!(std::fabs(a[i] - b[i]) <= tol * (1 + std::fabs(b[i])))) return false;
          return a.size() == b.size();
        };
        auto sum = get<double>(run1(Prim::Cumsum, {arr(x, shape)}, scan_attrs(axis, reverse)));
        CHECK(
            close(sum, reference_scan(x, shape, axis, reverse, [](auto a, auto b) { return a + b; }), 1e-13));
        auto prod = get<double>(run1(Prim::Cumprod, {arr(x, shape)}, scan_attrs(axis, reverse)));
        CHECK(close(prod, reference_scan(x, shape, axis, reverse, [](auto a, auto b) { return a * b; }),
                    1e-14));
        auto mx = get<double>(run1(Prim::Cummax, {arr(x, shape)}, scan_attrs(axis, reverse)));
        CHECK(mx == reference_scan(x, shape, axis, reverse, [](auto a, auto b) { return std::max(a, b); }));
        auto mn = get<double>(run1(Prim::Cummin, {arr(x, shape)}, scan_attrs(axis, reverse)));
        CHECK(mn == reference_scan(x, shape, axis, reverse, [](auto a, auto b) { return std::min(a, b); }));
        auto lse = get<double>(run1(Prim::Cumlogsumexp, {arr(x, shape)}, scan_attrs(axis, reverse)));
        CHECK(close(
            lse,
            reference_scan(x, shape, axis, reverse,
                           [](long double a, long double b) { return std::log(std::exp(a) + std::exp(b)); }),
            1e-13));
      }
    }
  }
}

TEST_CASE("cumulative: integers wrap, bool max/min, NaN propagates from the first NaN") {
  CHECK(get<int8_t>(run1(Prim::Cumsum, {arr<int8_t>({100, 100, -100, -128})}, scan_attrs(0))) ==
        std::vector<int8_t>{100, -56, 100, -28});
  CHECK(get<uint16_t>(run1(Prim::Cumprod, {arr<uint16_t>({256, 256, 3})}, scan_attrs(0))) ==
        std::vector<uint16_t>{256, 0, 0});
  CHECK(get<int64_t>(
            run1(Prim::Cumsum, {arr<int64_t>({std::numeric_limits<int64_t>::max(), 1})}, scan_attrs(0))) ==
        std::vector<int64_t>{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()});
  CHECK(get<int32_t>(run1(Prim::Cumsum, {arr<int32_t>({1, 2, 3, 4}, ir::Shape{2, 2})},
                          scan_attrs(1, true))) == std::vector<int32_t>{3, 2, 7, 4});
  CHECK(get<bool>(run1(Prim::Cummax, {arr<bool>({false, true, false})}, scan_attrs(0))) ==
        std::vector<bool>{false, true, true});
  CHECK(get<bool>(run1(Prim::Cummin, {arr<bool>({true, false, true})}, scan_attrs(0))) ==
        std::vector<bool>{true, false, false});
  auto mx = get<double>(run1(Prim::Cummax, {arr<double>({1, kNaN, 5, 2})}, scan_attrs(0)));
  CHECK(mx[0] == 1);
  CHECK((std::isnan(mx[1]) && std::isnan(mx[2]) && std::isnan(mx[3])));
  auto mn = get<float>(run1(
      Prim::Cummin, {arr<float>({3, -1, -7, std::numeric_limits<float>::quiet_NaN(), -9})}, scan_attrs(0)));
  CHECK(mn[2] == -7);
  CHECK((std::isnan(mn[3]) && std::isnan(mn[4])));
  CHECK(get<uint8_t>(run1(Prim::Cummax, {arr<uint8_t>({3, 255, 0})}, scan_attrs(0, true))) ==
        std::vector<uint8_t>{255, 255, 0});
}

TEST_CASE("cumulative: logaddexp's infinities and large values, complex sums and products") {
  auto l = get<double>(
      run1(Prim::Cumlogsumexp, {arr<double>({-kInf, -kInf, 1000, 1000, kInf, 3})}, scan_attrs(0)));
  CHECK(l[0] == -kInf);
  CHECK(l[1] == -kInf);
  CHECK(l[2] == 1000);
  CHECK(l[3] == doctest::Approx(1000 + std::log(2.0)).epsilon(1e-15));
  CHECK(l[4] == kInf);
  CHECK(l[5] == kInf);
  auto n = get<float>(
      run1(Prim::Cumlogsumexp, {arr<float>({0, std::numeric_limits<float>::quiet_NaN(), 1})}, scan_attrs(0)));
  CHECK((std::isnan(n[1]) && std::isnan(n[2])));
  using C = std::complex<double>;
  CHECK(get<C>(run1(Prim::Cumprod, {arr<C>({{0, 1}, {0, 1}, {2, 0}})}, scan_attrs(0))) ==
        std::vector<C>{{0, 1}, {-1, 0}, {-2, 0}});
  CHECK(get<C>(run1(Prim::Cumsum, {arr<C>({{1, 2}, {3, -4}})}, scan_attrs(0, true))) ==
        std::vector<C>{{4, -2}, {3, -4}});
}

TEST_CASE("cumulative: float16 and bfloat16 accumulate in float and round each output once") {
  // 2048 + 1 + 1: float16 can hold 2048 and 2050 but not 2049, so per-step rounding would stay at 2048.
  auto h = get<float16>(
      run1(Prim::Cumsum, {arr<float16>({float16(2048.0f), float16(1.0f), float16(1.0f)})}, scan_attrs(0)));
  CHECK(float(h[0]) == 2048.0f);
  CHECK(float(h[1]) == 2048.0f);  // 2049 rounds to even
  CHECK(float(h[2]) == 2050.0f);
  auto b = get<bfloat16>(
      run1(Prim::Cumsum, {arr<bfloat16>({bfloat16(256.0f), bfloat16(1.0f), bfloat16(1.0f)})}, scan_attrs(0)));
  CHECK(float(b[2]) == 258.0f);
  auto e =
      get<float16>(run1(Prim::Cumlogsumexp, {arr<float16>({float16(0.0f), float16(0.0f)})}, scan_attrs(0)));
  CHECK(float(e[1]) == float(float16(float(std::log(2.0)))));
}

TEST_CASE("cumulative: empty arrays") {
  CHECK(run1(Prim::Cumsum, {arr<float>({}, ir::Shape{0, 3})}, scan_attrs(1)).numel() == 0);
  CHECK(run1(Prim::Cummax, {arr<int32_t>({}, ir::Shape{2, 0})}, scan_attrs(1, true)).numel() == 0);
}
