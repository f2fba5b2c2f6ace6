// gather and the scatter family against XLA's definition evaluated element by element here (output or
// update index -> operand index, which the kernels never do: they resolve index vectors first and walk), and
// against hand-derived cases: repeated indices, both modes, batching dimensions, empty and zero-size cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "kernel_test_util.h"

using namespace ember;
using namespace ember::testing;
using ir::DType;
using ir::Prim;

namespace {

struct GatherCase {
  ir::Shape operand, indices;
  Ints offset_dims, collapsed, start_index_map, operand_batching, indices_batching, slice_sizes;
};
struct ScatterCase {
  ir::Shape operand, indices, updates;
  Ints window_dims, inserted, to_operand, operand_batching, indices_batching;
};

bool has(const Ints& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Row-major multi-index <-> flat position.
Ints unflatten(int64_t flat, const ir::Shape& shape) {
  Ints idx(shape.size());
  for (size_t j = shape.size(); j-- > 0;) {
    idx[j] = flat % shape[j];
    flat /= shape[j];
  }
  return idx;
}
int64_t flatten(const Ints& idx, const ir::Shape& shape) {
  int64_t flat = 0;
  for (size_t j = 0; j < shape.size(); ++j) flat = flat * shape[j] + idx[j];
  return flat;
}

// XLA's gather semantics, one output element at a time.
std::vector<double> reference_gather(const GatherCase& c, const std::vector<double>& x, const Ints& idx,
                                     const ir::Shape& out_shape, bool fill) {
  std::vector<double> out;
  Ints kept;
  for (int64_t d = 0; d < int64_t(c.operand.size()); ++d)
    if (!has(c.collapsed, d) && !has(c.operand_batching, d)) kept.push_back(d);
  int64_t n = ir::num_elements(out_shape);
  for (int64_t f = 0; f < n; ++f) {
    Ints o = unflatten(f, out_shape), batch;
    for (int64_t j = 0; j < int64_t(o.size()); ++j)
      if (!has(c.offset_dims, j)) batch.push_back(o[size_t(j)]);
    Ints start(c.operand.size(), 0), full(c.operand.size(), 0);
    bool oob = false;
    for (size_t k = 0; k < c.start_index_map.size(); ++k) {
      Ints at = batch;
      at.push_back(int64_t(k));
      int64_t d = c.start_index_map[k], v = idx[size_t(flatten(at, c.indices))];
      int64_t upper = c.operand[size_t(d)] - c.slice_sizes[size_t(d)];
      if (v < 0 || v > upper) oob = true;
      start[size_t(d)] = std::clamp<int64_t>(v, 0, upper);
    }
    for (size_t i = 0; i < c.operand_batching.size(); ++i)
      start[size_t(c.operand_batching[i])] = batch[size_t(c.indices_batching[i])];
    for (size_t i = 0; i < kept.size(); ++i) full[size_t(kept[i])] = o[size_t(c.offset_dims[i])];
    for (size_t d = 0; d < full.size(); ++d) full[d] += start[d];
    out.push_back(fill && oob ? kNaN : x[size_t(flatten(full, c.operand))]);
  }
  return out;
}

// XLA's scatter semantics, one update element at a time in row-major order.
std::vector<double> reference_scatter(const ScatterCase& c, std::vector<double> x, const Ints& idx,
                                      const std::vector<double>& upd, bool drop,
                                      const std::function<double(double, double)>& combine) {
  Ints window_operand;
  for (int64_t d = 0; d < int64_t(c.operand.size()); ++d)
    if (!has(c.inserted, d) && !has(c.operand_batching, d)) window_operand.push_back(d);
  Ints size(c.operand.size(), 1);
  for (size_t i = 0; i < c.window_dims.size(); ++i)
    size[size_t(window_operand[i])] = c.updates[size_t(c.window_dims[i])];
  for (int64_t f = 0; f < int64_t(upd.size()); ++f) {
    Ints u = unflatten(f, c.updates), batch;
    for (int64_t j = 0; j < int64_t(u.size()); ++j)
      if (!has(c.window_dims, j)) batch.push_back(u[size_t(j)]);
    Ints full(c.operand.size(), 0);
    bool oob = false;
    for (size_t k = 0; k < c.to_operand.size(); ++k) {
      Ints at = batch;
      at.push_back(int64_t(k));
      int64_t d = c.to_operand[k], v = idx[size_t(flatten(at, c.indices))];
      int64_t upper = c.operand[size_t(d)] - size[size_t(d)];
      if (v < 0 || v > upper) oob = true;
      full[size_t(d)] = std::clamp<int64_t>(v, 0, upper);
    }
    if (drop && oob) continue;
    for (size_t i = 0; i < c.operand_batching.size(); ++i)
      full[size_t(c.operand_batching[i])] = batch[size_t(c.indices_batching[i])];
    for (size_t i = 0; i < c.window_dims.size(); ++i)
      full[size_t(window_operand[i])] += u[size_t(c.window_dims[i])];
    double& target = x[size_t(flatten(full, c.operand))];
    target = combine(target, upd[size_t(f)]);
  }
  return x;
}

ir::Attrs gather_attrs(const GatherCase& c, int64_t mode) {
  return {ints(c.offset_dims),      ints(c.collapsed),   ints(c.start_index_map), ints(c.operand_batching),
          ints(c.indices_batching), ints(c.slice_sizes), int_attr(mode)};
}
ir::Attrs scatter_attrs(const ScatterCase& c, int64_t mode) {
  return {ints(c.window_dims),      ints(c.inserted),         ints(c.to_operand),
          ints(c.operand_batching), ints(c.indices_batching), int_attr(mode)};
}

std::vector<double> iota_values(int64_t n) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = double(i);
  return v;
}

// Index values in [lo, hi] (out-of-bounds ones included when the range exceeds the operand).
Ints random_indices(std::mt19937& rng, int64_t n, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  Ints v(static_cast<size_t>(n));
  for (auto& e : v) e = dist(rng);
  return v;
}

bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same_value(a[i], b[i])) return false;
  return true;
}

const std::vector<GatherCase> kGatherCases = {
    // Two-component index vectors, a 2x2 window of the last two dimensions.
    {{5, 4, 3}, {6, 2}, {1, 2}, {0}, {0, 2}, {}, {}, {1, 2, 2}},
    // A vmapped x[i]: operand dimension 0 batched with indices dimension 1.
    {{3, 5, 4}, {4, 3, 1}, {2}, {1}, {1}, {0}, {1}, {1, 1, 2}},
    // Columns: the offset dimension comes first in the result.
    {{3, 4}, {2, 1}, {0}, {1}, {1}, {}, {}, {3, 1}},
    // Two batch dimensions, offset dimensions interleaved, index vector in reverse dimension order.
    {{4, 5, 6}, {2, 3, 2}, {1, 3}, {0}, {2, 0}, {}, {}, {1, 3, 2}},
    // Whole-array slices and a slice that keeps a size-1 dimension (not collapsed).
    {{3, 2}, {4, 1}, {1, 2}, {}, {0}, {}, {}, {1, 2}},
};

const std::vector<ScatterCase> kScatterCases = {
    {{5, 4, 3}, {6, 2}, {6, 2, 2}, {1, 2}, {0}, {0, 2}, {}, {}},
    {{3, 5, 4}, {4, 3, 1}, {4, 3, 2}, {2}, {1}, {1}, {0}, {1}},
    {{3, 4}, {2, 1}, {3, 2}, {0}, {1}, {1}, {}, {}},
    {{4, 5, 6}, {2, 3, 2}, {2, 3, 3, 2}, {1, 3}, {0}, {2, 0}, {}, {}},
    // Scalar updates at repeated positions of a vector (x.at[i].op(u)).
    {{4}, {9, 1}, {9}, {}, {0}, {0}, {}, {}},
};

}  // namespace

TEST_CASE("gather: XLA's definition for several dimension numbers, both modes, int32 and uint8 indices") {
  std::mt19937 rng(7);
  for (const GatherCase& c : kGatherCases) {
    for (int64_t mode : {0, 1}) {
      CAPTURE(mode);
      int64_t nx = ir::num_elements(c.operand), ni = ir::num_elements(c.indices);
      std::vector<double> x = iota_values(nx);
      for (double& v : x) v = v * 1.5 - 3;
      Ints idx = random_indices(rng, ni, -2, 6);
      std::vector<int32_t> idx32(idx.begin(), idx.end());
      Array out = run1(Prim::Gather, {arr(x, c.operand), arr(idx32, c.indices)}, gather_attrs(c, mode));
      CHECK(same_values(get<double>(out), reference_gather(c, x, idx, out.type.shape, mode == 1)));
      // Unsigned indices: only too-large values are out of bounds.
      Ints pos = random_indices(rng, ni, 0, 6);
      std::vector<uint8_t> idx8(pos.begin(), pos.end());
      Array out8 = run1(Prim::Gather, {arr(x, c.operand), arr(idx8, c.indices)}, gather_attrs(c, mode));
      CHECK(same_values(get<double>(out8), reference_gather(c, x, pos, out8.type.shape, mode == 1)));
    }
  }
}

TEST_CASE("gather: x[i] rows, clipping and JAX's fill values per dtype") {
  GatherCase rows{{4, 3}, {4, 1}, {1}, {0}, {0}, {}, {}, {1, 3}};
  std::vector<int32_t> x{0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
  std::vector<int64_t> idx{2, 0, 7, -1};
  CHECK(get<int32_t>(run1(Prim::Gather, {arr(x, ir::Shape{4, 3}), arr(idx, ir::Shape{4, 1})},
                          gather_attrs(rows, 0))) ==
        std::vector<int32_t>{20, 21, 22, 0, 1, 2, 30, 31, 32, 0, 1, 2});
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  CHECK(get<int32_t>(run1(Prim::Gather, {arr(x, ir::Shape{4, 3}), arr(idx, ir::Shape{4, 1})},
                          gather_attrs(rows, 1))) ==
        std::vector<int32_t>{20, 21, 22, 0, 1, 2, kMin, kMin, kMin, kMin, kMin, kMin});
  GatherCase scalar{{3}, {2, 1}, {}, {0}, {0}, {}, {}, {1}};
  std::vector<int64_t> bad{1, 3};
  CHECK(get<uint16_t>(run1(Prim::Gather, {arr<uint16_t>({5, 6, 7}), arr(bad, ir::Shape{2, 1})},
                           gather_attrs(scalar, 1))) == std::vector<uint16_t>{6, 65535});
  CHECK(get<bool>(run1(Prim::Gather, {arr<bool>({false, false, false}), arr(bad, ir::Shape{2, 1})},
                       gather_attrs(scalar, 1))) == std::vector<bool>{false, true});
  auto f = get<float>(
      run1(Prim::Gather, {arr<float>({1, 2, 3}), arr(bad, ir::Shape{2, 1})}, gather_attrs(scalar, 1)));
  CHECK(f[0] == 2.0f);
  CHECK(std::isnan(f[1]));
  auto z = get<std::complex<double>>(
      run1(Prim::Gather, {arr<std::complex<double>>({{1, 1}, {2, 2}, {3, 3}}), arr(bad, ir::Shape{2, 1})},
           gather_attrs(scalar, 1)));
  CHECK(z[0] == std::complex<double>(2, 2));
  CHECK((std::isnan(z[1].real()) && z[1].imag() == 0));
  auto h = get<float16>(run1(
      Prim::Gather, {arr<float16>({float16(1.0f), float16(2.0f), float16(3.0f)}), arr(bad, ir::Shape{2, 1})},
      gather_attrs(scalar, 1)));
  CHECK(float(h[0]) == 2.0f);
  CHECK(std::isnan(float(h[1])));
  // uint64 indices beyond int64 are out of bounds (clip: the last start), never wrapped to negatives.
  std::vector<uint64_t> huge{~uint64_t(0), 0};
  CHECK(get<int32_t>(run1(Prim::Gather, {arr<int32_t>({5, 6, 7}), arr(huge, ir::Shape{2, 1})},
                          gather_attrs(scalar, 0))) == std::vector<int32_t>{7, 5});
  CHECK(get<int32_t>(run1(Prim::Gather, {arr<int32_t>({5, 6, 7}), arr(huge, ir::Shape{2, 1})},
                          gather_attrs(scalar, 1))) == std::vector<int32_t>{kMin, 5});
  // A window that would cross the end: clip moves it back inside; fill fills all of it.
  GatherCase window{{5}, {2, 1}, {1}, {}, {0}, {}, {}, {3}};
  std::vector<int64_t> starts{3, 2};
  CHECK(get<int8_t>(run1(Prim::Gather, {arr<int8_t>({0, 1, 2, 3, 4}), arr(starts, ir::Shape{2, 1})},
                         gather_attrs(window, 0))) == std::vector<int8_t>{2, 3, 4, 2, 3, 4});
  CHECK(get<int8_t>(run1(Prim::Gather, {arr<int8_t>({0, 1, 2, 3, 4}), arr(starts, ir::Shape{2, 1})},
                         gather_attrs(window, 1))) == std::vector<int8_t>{-128, -128, -128, 2, 3, 4});
}

TEST_CASE("gather: empty indices, zero-size slices and empty operands") {
  GatherCase rows{{4, 3}, {0, 1}, {1}, {0}, {0}, {}, {}, {1, 3}};
  std::vector<double> x = iota_values(12);
  Array none =
      run1(Prim::Gather, {arr(x, ir::Shape{4, 3}), arr<int32_t>({}, ir::Shape{0, 1})}, gather_attrs(rows, 1));
  CHECK(none.type.shape == ir::Shape{0, 3});
  GatherCase empty_slice{{4, 3}, {2, 1}, {1}, {0}, {0}, {}, {}, {1, 0}};
  Array e = run1(Prim::Gather, {arr(x, ir::Shape{4, 3}), arr<int32_t>({1, 9}, ir::Shape{2, 1})},
                 gather_attrs(empty_slice, 1));
  CHECK(e.type.shape == ir::Shape{2, 0});
  GatherCase from_empty{{0, 3}, {2, 1}, {1, 2}, {}, {0}, {}, {}, {0, 3}};
  Array z = run1(Prim::Gather, {arr<double>({}, ir::Shape{0, 3}), arr<int32_t>({0, 0}, ir::Shape{2, 1})},
                 gather_attrs(from_empty, 0));
  CHECK(z.type.shape == ir::Shape{2, 0, 3});
}

TEST_CASE("scatter family: XLA's definition in row-major update order, both modes") {
  std::mt19937 rng(11);
  using Combine = std::function<double(double, double)>;
  const std::vector<std::pair<Prim, Combine>> ops = {
      {Prim::Scatter, [](double, double u) { return u; }},
      {Prim::ScatterAdd, [](double a, double u) { return a + u; }},
      {Prim::ScatterMul, [](double a, double u) { return a * u; }},
      {Prim::ScatterMin, [](double a, double u) { return std::min(a, u); }},
      {Prim::ScatterMax, [](double a, double u) { return std::max(a, u); }},
  };
  for (const ScatterCase& c : kScatterCases) {
    for (const auto& [p, combine] : ops) {
      for (int64_t mode : {0, 1}) {
        CAPTURE(ir::prim_name(p));
        CAPTURE(mode);
        int64_t nx = ir::num_elements(c.operand), ni = ir::num_elements(c.indices),
                nu = ir::num_elements(c.updates);
        std::vector<double> x = iota_values(nx), u = iota_values(nu);
        for (double& v : x) v = double(int64_t(v) % 7) - 2;
        for (double& v : u) v = double(int64_t(v * 5) % 11) - 4;  // small integers: every result is exact
        Ints idx = random_indices(rng, ni, -1, 5);
        std::vector<int64_t> idx64(idx.begin(), idx.end());
        Array out =
            run1(p, {arr(x, c.operand), arr(idx64, c.indices), arr(u, c.updates)}, scatter_attrs(c, mode));
        CHECK(same_values(get<double>(out), reference_scatter(c, x, idx, u, mode == 1, combine)));
      }
    }
  }
}

TEST_CASE("scatter: the update last in row-major order wins, also where windows overlap") {
  // Updates [2 window positions, 2 scatter indices]: index 0 writes x[0..1], index 1 writes x[1..2]. In
  // row-major order of the updates, (w=1, b=0) -> x[1] comes after (w=0, b=1) -> x[1], so index 0 wins x[1].
  ScatterCase c{{4}, {2, 1}, {2, 2}, {0}, {}, {0}, {}, {}};
  Array out = run1(Prim::Scatter,
                   {arr<int32_t>({0, 0, 0, 0}), arr<int32_t>({0, 1}, ir::Shape{2, 1}),
                    arr<int32_t>({10, 20, 11, 21}, ir::Shape{2, 2})},
                   scatter_attrs(c, 1));
  CHECK(get<int32_t>(out) == std::vector<int32_t>{10, 11, 21, 0});
  // Repeated scalar indices: the last one wins.
  ScatterCase s{{3}, {4, 1}, {4}, {}, {0}, {0}, {}, {}};
  CHECK(get<float>(run1(
            Prim::Scatter,
            {arr<float>({0, 0, 0}), arr<int32_t>({2, 0, 2, 2}, ir::Shape{4, 1}), arr<float>({1, 2, 3, 4})},
            scatter_attrs(s, 1))) == std::vector<float>{2, 0, 4});
}

TEST_CASE("scatter: drop removes whole windows, clip clamps them, empty and bool cases") {
  ScatterCase c{{5}, {3, 1}, {3, 2}, {1}, {}, {0}, {}, {}};
  auto idx = arr<int32_t>({4, -1, 3}, ir::Shape{3, 1});
  auto upd = arr<int32_t>({1, 2, 3, 4, 5, 6}, ir::Shape{3, 2});
  // Drop: start 4 (window 4..5 crosses the end) and -1 are dropped entirely.
  CHECK(get<int32_t>(run1(Prim::ScatterAdd, {arr<int32_t>({0, 0, 0, 0, 0}), idx, upd},
                          scatter_attrs(c, 1))) == std::vector<int32_t>{0, 0, 0, 5, 6});
  // Clip: 4 -> 3, -1 -> 0.
  CHECK(get<int32_t>(run1(Prim::ScatterAdd, {arr<int32_t>({0, 0, 0, 0, 0}), idx, upd},
                          scatter_attrs(c, 0))) == std::vector<int32_t>{3, 4, 0, 6, 8});
  ScatterCase none{{3}, {0, 1}, {0}, {}, {0}, {0}, {}, {}};
  CHECK(get<bool>(run1(
            Prim::Scatter,
            {arr<bool>({true, false, true}), arr<int32_t>({}, ir::Shape{0, 1}), arr<bool>({}, ir::Shape{0})},
            scatter_attrs(none, 1))) == std::vector<bool>{true, false, true});
  ScatterCase b{{3}, {2, 1}, {2}, {}, {0}, {0}, {}, {}};
  CHECK(get<bool>(run1(Prim::ScatterMax,
                       {arr<bool>({false, false, true}), arr<int32_t>({0, 2}, ir::Shape{2, 1}),
                        arr<bool>({true, false})},
                       scatter_attrs(b, 1))) == std::vector<bool>{true, false, true});
  CHECK(get<bool>(run1(
            Prim::ScatterMin,
            {arr<bool>({true, true, true}), arr<int32_t>({1, 1}, ir::Shape{2, 1}), arr<bool>({true, false})},
            scatter_attrs(b, 1))) == std::vector<bool>{true, false, true});
}

TEST_CASE("scatter: integer combinations wrap, NaN propagates, float16 sums round once, complex products") {
  ScatterCase s{{2}, {3, 1}, {3}, {}, {0}, {0}, {}, {}};
  auto idx = arr<int32_t>({0, 0, 1}, ir::Shape{3, 1});
  CHECK(get<int8_t>(run1(Prim::ScatterAdd, {arr<int8_t>({100, -128}), idx, arr<int8_t>({20, 10, -1})},
                         scatter_attrs(s, 1))) == std::vector<int8_t>{-126, 127});
  CHECK(get<uint8_t>(run1(Prim::ScatterMul, {arr<uint8_t>({16, 3}), idx, arr<uint8_t>({4, 4, 200})},
                          scatter_attrs(s, 1))) == std::vector<uint8_t>{0, uint8_t(600 % 256)});
  auto mx = get<double>(
      run1(Prim::ScatterMax, {arr<double>({1, kNaN}), idx, arr<double>({kNaN, 5, 7})}, scatter_attrs(s, 1)));
  CHECK(std::isnan(mx[0]));
  CHECK(std::isnan(mx[1]));
  auto mn = get<float>(
      run1(Prim::ScatterMin, {arr<float>({1, 2}), idx, arr<float>({-3, 0, 1})}, scatter_attrs(s, 1)));
  CHECK(mn == std::vector<float>{-3, 1});
  // 2048 + 1 + 1 in float16: one rounding at the end gives 2050; rounding after each add would stay at 2048.
  auto h = get<float16>(run1(Prim::ScatterAdd,
                             {arr<float16>({float16(2048.0f), float16(0.0f)}), idx,
                              arr<float16>({float16(1.0f), float16(1.0f), float16(0.5f)})},
                             scatter_attrs(s, 1)));
  CHECK(float(h[0]) == 2050.0f);
  CHECK(float(h[1]) == 0.5f);
  using C = std::complex<double>;
  auto z = get<C>(run1(Prim::ScatterMul, {arr<C>({{1, 1}, {2, 0}}), idx, arr<C>({{0, 1}, {2, 0}, {0, -1}})},
                       scatter_attrs(s, 1)));
  CHECK(z[0] == C(-2, 2));  // (1+i) * i * 2
  CHECK(z[1] == C(0, -2));
}
