// The reference executor's reductions against naive loops written here. Most inputs are small integers
// (exact in every dtype and every summation order), so results compare exactly; the accuracy tests use
// values whose naive running sum is visibly wrong.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/executor.h"

using namespace ember;
using ember::ir::DType;
using ember::ir::Prim;
using ember::runtime::Array;

namespace {

using c64 = std::complex<float>;
using c128 = std::complex<double>;
using Ints = std::vector<int64_t>;
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
constexpr float kInff = std::numeric_limits<float>::infinity();

using ember::dtype_of;

template <typename T>
Array make(const Ints& shape, const std::function<T(int64_t)>& gen) {
  Array a = Array::allocate(ir::Type{dtype_of<T>(), ir::Shape(shape.begin(), shape.end())});
  for (int64_t i = 0; i < a.numel(); ++i) a.data_as<T>()[i] = gen(i);
  return a;
}

template <typename T>
Array from(const Ints& shape, const std::vector<T>& v) {
  return make<T>(shape, [&](int64_t i) { return v[size_t(i)]; });
}

template <typename T>
std::vector<T> elements(const Array& a) {
  std::vector<T> out(size_t(a.numel()));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = a.data_as<T>()[i];  // a loop: std::vector<bool> has no data()
  return out;
}

Array run(Prim p, const Array& x, ir::Attrs attrs) {
  auto results = runtime::execute_op(p, std::vector<Array>{x}, attrs);
  REQUIRE(results.size() == 1);
  return results[0];
}

Ints unravel(int64_t flat, const ir::Shape& shape) {
  Ints idx(shape.size());
  for (int d = int(shape.size()) - 1; d >= 0; --d) {
    idx[size_t(d)] = flat % shape[size_t(d)];
    flat /= shape[size_t(d)];
  }
  return idx;
}

// Naive reduction: for each output position, combines (in index order) every input element that maps to it.
template <typename Acc, typename T>
std::vector<Acc> naive_reduce(const Array& x, const Ints& axes, Acc init,
                              const std::function<Acc(Acc, T)>& op) {
  const ir::Shape& shape = x.type.shape;
  ir::Shape out_shape;
  for (size_t d = 0; d < shape.size(); ++d)
    if (std::find(axes.begin(), axes.end(), int64_t(d)) == axes.end()) out_shape.push_back(shape[d]);
  std::vector<Acc> out(size_t(ir::num_elements(out_shape)), init);
  std::vector<T> xs = elements<T>(x);
  for (int64_t i = 0; i < x.numel(); ++i) {
    Ints idx = unravel(i, shape);
    int64_t o = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      if (std::find(axes.begin(), axes.end(), int64_t(d)) == axes.end()) o = o * shape[d] + idx[d];
    out[size_t(o)] = op(out[size_t(o)], xs[size_t(i)]);
  }
  return out;
}

const std::vector<Ints> kAxisSets = {{}, {0}, {1}, {2}, {0, 1}, {1, 2}, {0, 2}, {2, 0, 1}};

// Small integer values (|v| <= 3) as any dtype: sums and products over a [3,4,5] stay exact.
template <typename T>
T small(int64_t i) {
  int v = int((i * 7 + 3) % 7) - 3;
  if constexpr (std::is_same_v<T, bool>)
    return v > 0;
  else if constexpr (is_half_v<T>)
    return T(float(v));
  else if constexpr (is_complex_v<T>)
    return T(v, (i % 3) - 1);
  else
    return static_cast<T>(v);
}

template <typename T>
bool same(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

}  // namespace

TEST_CASE_TEMPLATE("reduction: reduce_sum over every axis set matches a naive sum", T, int8_t, uint64_t,
                   int32_t, float16, bfloat16, float, double, c64, c128) {
  Array x = make<T>({3, 4, 5}, small<T>);
  for (const Ints& axes : kAxisSets) {
    Array out = run(Prim::ReduceSum, x, {axes});
    CHECK(out.type.rank() == 3 - int(axes.size()));
    // Integers in uint64 (wrapping like the kernel, modulo the narrower width), the rest exactly.
    using W = std::conditional_t<is_complex_v<T>, c128,
                                 std::conditional_t<std::is_integral_v<T>, uint64_t, double>>;
    std::vector<W> want = naive_reduce<W, T>(x, axes, W(0), [](W a, T v) {
      if constexpr (is_half_v<T>)
        return a + W(float(v));
      else if constexpr (is_complex_v<T>)
        return a + W(v);
      else if constexpr (std::is_integral_v<T>)
        return W(a + uint64_t(int64_t(v)));
      else
        return a + W(double(v));
    });
    std::vector<T> got = elements<T>(out);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      T w;
      if constexpr (is_half_v<T>)
        w = T(float(std::real(want[i])));
      else
        w = static_cast<T>(want[i]);
      CHECK_MESSAGE(same(got[i], w), "axes size ", axes.size(), " element ", i);
    }
  }
}

TEST_CASE("reduction: integer sums and products wrap") {
  Array x = from<int8_t>({3}, {100, 100, 100});
  CHECK(elements<int8_t>(run(Prim::ReduceSum, x, {Ints{0}}))[0] == int8_t(44));     // 300 mod 256
  CHECK(elements<int8_t>(run(Prim::ReduceProd, x, {Ints{0}}))[0] == int8_t(0x40));  // 10^6 = 0x0F4240
  Array u = from<uint16_t>({2}, {65535, 65535});
  CHECK(elements<uint16_t>(run(Prim::ReduceProd, u, {Ints{0}}))[0] == 1);
  CHECK(elements<uint16_t>(run(Prim::ReduceSum, u, {Ints{0}}))[0] == 65534);
  Array big = from<uint64_t>({2}, {~uint64_t(0), 5});
  CHECK(elements<uint64_t>(run(Prim::ReduceSum, big, {Ints{0}}))[0] == 4);
  Array i64 = from<int64_t>({2}, {std::numeric_limits<int64_t>::max(), 1});
  CHECK(elements<int64_t>(run(Prim::ReduceSum, i64, {Ints{0}}))[0] == std::numeric_limits<int64_t>::min());
  // Long rows take the vectorised paths; the wrapped sum must not depend on the order.
  Array many = make<int32_t>({2, 100000}, [](int64_t i) { return int32_t(i * 40000); });
  std::vector<int32_t> got = elements<int32_t>(run(Prim::ReduceSum, many, {Ints{1}}));
  for (int r = 0; r < 2; ++r) {
    uint32_t want = 0;
    for (int64_t i = 0; i < 100000; ++i) want += uint32_t(int32_t((r * 100000 + i) * 40000));
    CHECK(got[size_t(r)] == int32_t(want));
  }
}

TEST_CASE_TEMPLATE("reduction: reduce_prod matches a naive product", T, int8_t, uint64_t, float16, bfloat16,
                   double, c128) {
  Array x = make<T>({2, 3, 4}, [](int64_t i) {
    int v = int(i % 3) - 1 + (i % 5 == 0 ? 3 : 0);  // -1, 0, 1 and some 2s and 3s
    if constexpr (is_half_v<T>)
      return T(float(v == 0 ? 1 : v));
    else if constexpr (is_complex_v<T>)
      return T(v == 0 ? 1 : v, i % 2);
    else
      return static_cast<T>(v == 0 ? 1 : v);
  });
  for (const Ints& axes : kAxisSets) {
    std::vector<T> got = elements<T>(run(Prim::ReduceProd, x, {axes}));
    using W = std::conditional_t<is_complex_v<T>, c128,
                                 std::conditional_t<std::is_integral_v<T>, uint64_t, double>>;
    std::vector<W> want = naive_reduce<W, T>(x, axes, W(1), [](W a, T v) {
      if constexpr (is_half_v<T>)
        return a * W(float(v));
      else if constexpr (is_complex_v<T>)
        return a * W(v);
      else if constexpr (std::is_integral_v<T>)
        return W(a * uint64_t(int64_t(v)));
      else
        return a * W(double(v));
    });
    for (size_t i = 0; i < got.size(); ++i) {
      T w;
      if constexpr (is_half_v<T>)
        w = T(float(want[i]));
      else
        w = static_cast<T>(want[i]);
      // Equal values: the sign of a complex product's zero part depends on the order of the factors.
      CHECK(got[i] == w);
    }
  }
}

TEST_CASE_TEMPLATE("reduction: reduce_max and reduce_min match naive loops", T, bool, int8_t, uint64_t,
                   float16, bfloat16, float, double) {
  Array x = make<T>({3, 4, 5}, [](int64_t i) {
    int v = int((i * 37 + 11) % 23) - 11;
    if constexpr (std::is_same_v<T, bool>)
      return v > 5;
    else if constexpr (is_half_v<T>)
      return T(float(v));
    else
      return static_cast<T>(v);
  });
  for (const Ints& axes : kAxisSets) {
    std::vector<T> mx = elements<T>(run(Prim::ReduceMax, x, {axes}));
    std::vector<T> mn = elements<T>(run(Prim::ReduceMin, x, {axes}));
    std::vector<double> wmx =
        naive_reduce<double, T>(x, axes, -INFINITY, [](double a, T v) { return std::max(a, double(v)); });
    std::vector<double> wmn =
        naive_reduce<double, T>(x, axes, INFINITY, [](double a, T v) { return std::min(a, double(v)); });
    for (size_t i = 0; i < mx.size(); ++i) {
      CHECK(double(mx[i]) == wmx[i]);
      CHECK(double(mn[i]) == wmn[i]);
    }
  }
}

TEST_CASE("reduction: max and min propagate NaN, in every layout") {
  Array row = from<float>({5}, {1.0f, kNaNf, 3.0f, -kInff, 2.0f});
  CHECK(std::isnan(elements<float>(run(Prim::ReduceMax, row, {Ints{0}}))[0]));
  CHECK(std::isnan(elements<float>(run(Prim::ReduceMin, row, {Ints{0}}))[0]));
  // A NaN first, last, and in a long row (vectorised lanes).
  for (int64_t at : {int64_t(0), int64_t(999), int64_t(517)}) {
    Array x = make<float>({1000}, [&](int64_t i) { return i == at ? kNaNf : float(i); });
    CHECK(std::isnan(elements<float>(run(Prim::ReduceMax, x, {Ints{0}}))[0]));
    CHECK(std::isnan(elements<float>(run(Prim::ReduceMin, x, {Ints{0}}))[0]));
  }
  // Reduce over the leading axis: only the column holding the NaN is NaN.
  Array m = make<double>({40, 3}, [](int64_t i) { return i == 61 ? double(NAN) : double(i % 17); });
  std::vector<double> mx = elements<double>(run(Prim::ReduceMax, m, {Ints{0}}));
  CHECK(mx[0] == 16.0);
  CHECK(std::isnan(mx[1]));
  CHECK(mx[2] == 16.0);
  Array h = from<float16>({3}, {float16(1.0f), float16(kNaNf), float16(2.0f)});
  CHECK(std::isnan(float(elements<float16>(run(Prim::ReduceMin, h, {Ints{0}}))[0])));
  Array inf = from<float>({2}, {-kInff, -kInff});
  CHECK(elements<float>(run(Prim::ReduceMax, inf, {Ints{0}}))[0] == -kInff);
}

TEST_CASE("reduction: empty reductions give the identity") {
  auto e = [](DType d) { return Array::allocate(ir::Type{d, {2, 0}}); };
  Array f = e(DType::F32);
  CHECK(elements<float>(run(Prim::ReduceSum, f, {Ints{1}})) == std::vector<float>{0.0f, 0.0f});
  CHECK(elements<float>(run(Prim::ReduceProd, f, {Ints{1}})) == std::vector<float>{1.0f, 1.0f});
  CHECK(elements<float>(run(Prim::ReduceMax, f, {Ints{1}}))[0] == -kInff);
  CHECK(elements<float>(run(Prim::ReduceMin, f, {Ints{1}}))[1] == kInff);
  CHECK(std::isinf(float(elements<float16>(run(Prim::ReduceMax, e(DType::F16), {Ints{1}}))[0])));
  CHECK(elements<int8_t>(run(Prim::ReduceMax, e(DType::I8), {Ints{1}}))[0] == -128);
  CHECK(elements<int8_t>(run(Prim::ReduceMin, e(DType::I8), {Ints{1}}))[0] == 127);
  CHECK(elements<uint64_t>(run(Prim::ReduceMin, e(DType::U64), {Ints{1}}))[0] == ~uint64_t(0));
  CHECK(elements<uint64_t>(run(Prim::ReduceMax, e(DType::U64), {Ints{1}}))[0] == 0);
  CHECK(elements<bool>(run(Prim::ReduceMax, e(DType::Bool), {Ints{1}}))[0] == false);
  CHECK(elements<bool>(run(Prim::ReduceMin, e(DType::Bool), {Ints{1}}))[0] == true);
  CHECK(elements<bool>(run(Prim::ReduceAnd, e(DType::Bool), {Ints{1}}))[0] == true);
  CHECK(elements<bool>(run(Prim::ReduceOr, e(DType::Bool), {Ints{1}}))[0] == false);
  CHECK(elements<int16_t>(run(Prim::ReduceAnd, e(DType::I16), {Ints{1}}))[0] == -1);
  CHECK(elements<uint8_t>(run(Prim::ReduceOr, e(DType::U8), {Ints{1}}))[0] == 0);
  CHECK(elements<c128>(run(Prim::ReduceProd, e(DType::C128), {Ints{1}}))[0] == c128(1, 0));
  CHECK(elements<int32_t>(run(Prim::ReduceProd, e(DType::I32), {Ints{0, 1}})) == std::vector<int32_t>{1});
  // Reducing only the empty dimension of [0, 3] keeps an empty result; reducing the other gives [0].
  Array e03 = Array::allocate(ir::Type{DType::F64, {0, 3}});
  CHECK(run(Prim::ReduceSum, e03, {Ints{1}}).numel() == 0);
  CHECK(elements<double>(run(Prim::ReduceSum, e03, {Ints{0}})) == std::vector<double>{0, 0, 0});
}

TEST_CASE("reduction: reduce_and and reduce_or are logical for bool and bitwise for integers") {
  Array b = from<bool>({2, 3}, {true, true, true, true, false, true});
  CHECK(elements<bool>(run(Prim::ReduceAnd, b, {Ints{1}})) == std::vector<bool>{true, false});
  CHECK(elements<bool>(run(Prim::ReduceOr, b, {Ints{0}})) == std::vector<bool>{true, true, true});
  Array z = from<bool>({3}, {false, false, false});
  CHECK(elements<bool>(run(Prim::ReduceOr, z, {Ints{0}}))[0] == false);
  Array i = from<uint8_t>({2, 2}, {0b1100, 0b1010, 0b0110, 0b0011});
  CHECK(elements<uint8_t>(run(Prim::ReduceAnd, i, {Ints{0}})) == std::vector<uint8_t>{0b0100, 0b0010});
  CHECK(elements<uint8_t>(run(Prim::ReduceOr, i, {Ints{1}})) == std::vector<uint8_t>{0b1110, 0b0111});
  Array s = from<int64_t>({3}, {-1, -2, -4});
  CHECK(elements<int64_t>(run(Prim::ReduceAnd, s, {Ints{0}}))[0] == -4);
  Array big = make<bool>({3, 5000}, [](int64_t k) { return k != 7777; });
  CHECK(elements<bool>(run(Prim::ReduceAnd, big, {Ints{1}})) == std::vector<bool>{true, false, true});
  CHECK(elements<bool>(run(Prim::ReduceAnd, big, {Ints{0}}))[7777 - 5000] == false);
}

TEST_CASE("reduction: bool max is any and min is all") {
  Array b = from<bool>({2, 3}, {false, true, false, false, false, false});
  CHECK(elements<bool>(run(Prim::ReduceMax, b, {Ints{1}})) == std::vector<bool>{true, false});
  CHECK(elements<bool>(run(Prim::ReduceMin, b, {Ints{0}})) == std::vector<bool>{false, false, false});
}

TEST_CASE("reduction: rank-0 operands and reductions over unit dimensions return the same values") {
  Array s = from<double>({}, {2.5});
  CHECK(elements<double>(run(Prim::ReduceSum, s, {Ints{}}))[0] == 2.5);
  Array x = from<int16_t>({1, 3, 1}, {4, -5, 6});
  CHECK(elements<int16_t>(run(Prim::ReduceMin, x, {Ints{0, 2}})) == std::vector<int16_t>{4, -5, 6});
  CHECK(elements<int16_t>(run(Prim::ReduceSum, x, {Ints{0, 1, 2}})) == std::vector<int16_t>{5});
}

TEST_CASE("reduction: float32 sums are accurate over long rows and long columns") {
  // Summing 0.1f ten million times in a naive float accumulator gives about 1087937 (8.8% off).
  const int64_t n = 10'000'000;
  Array x = make<float>({n}, [](int64_t) { return 0.1f; });
  double want = double(0.1f) * double(n);
  float got = elements<float>(run(Prim::ReduceSum, x, {Ints{0}}))[0];
  CHECK(std::fabs(got - want) <= 1e-6 * want);
  // The same along a leading axis: rows accumulated pairwise.
  const int64_t rows = 2'000'000;
  Array m = make<float>({rows, 3}, [](int64_t i) { return i % 3 == 1 ? 0.3f : 0.1f; });
  std::vector<float> cols = elements<float>(run(Prim::ReduceSum, m, {Ints{0}}));
  CHECK(std::fabs(cols[0] - double(0.1f) * rows) <= 1e-6 * double(0.1f) * rows);
  CHECK(std::fabs(cols[1] - double(0.3f) * rows) <= 1e-6 * double(0.3f) * rows);
  // And a middle axis with several stages (axes 0 and 2 of [50, 2, 40000]).
  Array t = make<float>({50, 2, 40000}, [](int64_t) { return 0.1f; });
  std::vector<float> mid = elements<float>(run(Prim::ReduceSum, t, {Ints{0, 2}}));
  CHECK(std::fabs(mid[0] - double(0.1f) * 2e6) <= 1e-6 * double(0.1f) * 2e6);
}

TEST_CASE("reduction: float16 and bfloat16 accumulate in float and round once") {
  // 4096 ones: a float16 accumulator would stop at 2048 (2048 + 1 rounds back to 2048).
  Array h = make<float16>({4096}, [](int64_t) { return float16(1.0f); });
  CHECK(float(elements<float16>(run(Prim::ReduceSum, h, {Ints{0}}))[0]) == 4096.0f);
  Array hc = make<float16>({4096, 2}, [](int64_t) { return float16(1.0f); });
  CHECK(float(elements<float16>(run(Prim::ReduceSum, hc, {Ints{0}}))[1]) == 4096.0f);
  // bfloat16 has 8 bits of precision: 1 + 1/256 * 256 in bf16 steps would stay 1; in float it is 2.
  Array b = make<bfloat16>({257}, [](int64_t i) { return bfloat16(i == 0 ? 1.0f : 1.0f / 256); });
  CHECK(float(elements<bfloat16>(run(Prim::ReduceSum, b, {Ints{0}}))[0]) == 2.0f);
  // Several stages keep float in between: axes 0 and 2 of [64, 2, 64] of ones = 4096.
  Array s = make<float16>({64, 2, 64}, [](int64_t) { return float16(1.0f); });
  CHECK(float(elements<float16>(run(Prim::ReduceSum, s, {Ints{0, 2}}))[0]) == 4096.0f);
}

TEST_CASE("reduction: large reductions over leading and trailing axes of a matrix") {
  Array m = make<int64_t>({700, 900}, [](int64_t i) { return (i * 31) % 1001 - 500; });
  std::vector<int64_t> rows = elements<int64_t>(run(Prim::ReduceSum, m, {Ints{1}}));
  std::vector<int64_t> cols = elements<int64_t>(run(Prim::ReduceMax, m, {Ints{0}}));
  std::vector<int64_t> wrows(700, 0), wcols(900, std::numeric_limits<int64_t>::min());
  for (int64_t i = 0; i < 700 * 900; ++i) {
    int64_t v = (i * 31) % 1001 - 500;
    wrows[size_t(i / 900)] += v;
    wcols[size_t(i % 900)] = std::max(wcols[size_t(i % 900)], v);
  }
  CHECK(rows == wrows);
  CHECK(cols == wcols);
}

TEST_CASE_TEMPLATE("reduction: argmax and argmin give the first index of the extreme", T, bool, int8_t,
                   uint64_t, float16, bfloat16, float, double) {
  // Values with many ties, so "first" matters.
  Array x = make<T>({4, 5, 6}, [](int64_t i) {
    int v = int((i * 13 + 5) % 7);
    if constexpr (std::is_same_v<T, bool>)
      return v >= 4;
    else if constexpr (is_half_v<T>)
      return T(float(v));
    else
      return static_cast<T>(v);
  });
  std::vector<T> xs = elements<T>(x);
  for (int64_t axis = 0; axis < 3; ++axis)
    for (DType index : {DType::I32, DType::I64, DType::U8}) {
      Array amax = run(Prim::Argmax, x, {Ints{axis}, index});
      Array amin = run(Prim::Argmin, x, {Ints{axis}, index});
      CHECK(amax.type.dtype == index);
      ir::Shape shape = x.type.shape;
      int64_t n = shape[size_t(axis)];
      int64_t bad = 0;
      for (int64_t o = 0; o < amax.numel(); ++o) {
        Ints idx = unravel(o, amax.type.shape);
        idx.insert(idx.begin() + axis, 0);
        int64_t best_max = 0, best_min = 0;
        auto at = [&](int64_t k) {
          Ints j = idx;
          j[size_t(axis)] = k;
          return double(xs[size_t((j[0] * 5 + j[1]) * 6 + j[2])]);
        };
        for (int64_t k = 1; k < n; ++k) {
          if (at(k) > at(best_max)) best_max = k;
          if (at(k) < at(best_min)) best_min = k;
        }
        auto load = [&](const Array& a) {
          if (index == DType::I32) return int64_t(a.data_as<int32_t>()[o]);
          if (index == DType::U8) return int64_t(a.data_as<uint8_t>()[o]);
          return a.data_as<int64_t>()[o];
        };
        if (load(amax) != best_max || load(amin) != best_min) ++bad;
      }
      CHECK_MESSAGE(bad == 0, "axis ", axis);
    }
}

TEST_CASE("reduction: argmax and argmin treat the first NaN as the extreme") {
  Array x = from<float>({6}, {1.0f, 5.0f, kNaNf, 7.0f, kNaNf, -1.0f});
  CHECK(elements<int64_t>(run(Prim::Argmax, x, {Ints{0}, DType::I64}))[0] == 2);
  CHECK(elements<int64_t>(run(Prim::Argmin, x, {Ints{0}, DType::I64}))[0] == 2);
  // Along a leading axis (whole rows compared at once).
  Array m = from<double>({3, 2}, {1.0, 2.0, double(NAN), 9.0, 5.0, double(NAN)});
  CHECK(elements<int32_t>(run(Prim::Argmax, m, {Ints{0}, DType::I32})) == std::vector<int32_t>{1, 2});
  CHECK(elements<int32_t>(run(Prim::Argmin, m, {Ints{0}, DType::I32})) == std::vector<int32_t>{1, 2});
  Array h = from<float16>({3}, {float16(3.0f), float16(kNaNf), float16(kNaNf)});
  CHECK(elements<int64_t>(run(Prim::Argmin, h, {Ints{0}, DType::I64}))[0] == 1);
  Array inf = from<float>({3}, {-kInff, -kInff, -kInff});
  CHECK(elements<int64_t>(run(Prim::Argmax, inf, {Ints{0}, DType::I64}))[0] == 0);
  Array s = from<int8_t>({1}, {3});
  CHECK(elements<uint16_t>(run(Prim::Argmax, s, {Ints{0}, DType::U16}))[0] == 0);
  Array e = Array::allocate(ir::Type{DType::F32, {0, 4}});
  CHECK(run(Prim::Argmax, e, {Ints{1}, DType::I64}).numel() == 0);
}

TEST_CASE("reduction: complex sums and products") {
  Array z = from<c128>({3}, {{1, 2}, {3, 4}, {-1, 0.5}});
  CHECK(elements<c128>(run(Prim::ReduceSum, z, {Ints{0}}))[0] == c128(3, 6.5));
  // (1+2i)(3+4i) = -5+10i; times (-1+0.5i) = 5-2.5i-10i-5 = 0-12.5i
  CHECK(elements<c128>(run(Prim::ReduceProd, z, {Ints{0}}))[0] == c128(0, -12.5));
  Array zc = from<c64>({2, 2}, {{1, 1}, {2, 0}, {0, 1}, {1, -1}});
  CHECK(elements<c64>(run(Prim::ReduceProd, zc, {Ints{0}})) == std::vector<c64>{{-1, 1}, {2, -2}});
}

TEST_CASE(
    "reduction: tall, narrow argmax/argmin and max split into row chunks keep first-index and NaN "
    "semantics") {
  // 5000 rows x 3 columns: rows are cut into chunks; the winners of later chunks must not displace earlier
  // ties, and the first NaN must win wherever it is.
  const int64_t rows = 5000;
  Array x = make<float>({rows, 3}, [](int64_t i) {
    int64_t r = i / 3, c = i % 3;
    if (c == 0) return (r == 1500 || r == 2100 || r == 4999) ? 9.0f : float(r % 7);  // ties across chunks
    if (c == 1) return r == 3333 ? kNaNf : (r == 10 ? 100.0f : 1.0f);                // NaN in a late chunk
    return (r == 2500 || r == 1200) ? kNaNf : -float(r % 5);                         // two NaNs
  });
  CHECK(elements<int64_t>(run(Prim::Argmax, x, {Ints{0}, DType::I64})) ==
        std::vector<int64_t>{1500, 3333, 1200});
  CHECK(elements<int64_t>(run(Prim::Argmin, x, {Ints{0}, DType::I64})) ==
        std::vector<int64_t>{0, 3333, 1200});
  std::vector<float> mx = elements<float>(run(Prim::ReduceMax, x, {Ints{0}}));
  CHECK(mx[0] == 9.0f);
  CHECK(std::isnan(mx[1]));
  CHECK(std::isnan(mx[2]));
  std::vector<float> sum = elements<float>(run(Prim::ReduceSum, x, {Ints{0}}));
  double want0 = 0;
  for (int64_t r = 0; r < rows; ++r) want0 += (r == 1500 || r == 2100 || r == 4999) ? 9.0 : double(r % 7);
  CHECK(sum[0] == float(want0));
}
