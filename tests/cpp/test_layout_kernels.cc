// The reference executor's layout kernels against naive gathers written here: for each output element, the
// operand element (or the padding value) it must hold, compared byte for byte.
#include <doctest/doctest.h>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/executor.h"

using namespace ember;
using ember::ir::DType;
using ember::ir::Prim;
using ember::runtime::Array;

namespace {

using c128 = std::complex<double>;
using Ints = std::vector<int64_t>;

using ember::dtype_of;

// A distinct-ish value for element i of each dtype (all bytes meaningful, so a misplaced element shows).
template <typename T>
T value(int64_t i) {
  if constexpr (std::is_same_v<T, bool>)
    return (i * 7 + i / 3) % 3 == 0;
  else if constexpr (std::is_integral_v<T>)
    return static_cast<T>(i * 0x9E3779B97F4A7C15ull + 3);
  else if constexpr (is_half_v<T>)
    return T(float(i % 1000) * 0.5f - 17.0f);
  else if constexpr (is_complex_v<T>)
    return T(double(i) + 0.25, -double(i) * 0.5);
  else
    return T(double(i) * 1.25 - 3.0);
}

// Elements as stored: bool as its byte (std::vector<bool> has no data()).
template <typename T>
using Stored = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;

template <typename T>
Array make(const Ints& shape, int64_t seed = 0) {
  Array a = Array::allocate(ir::Type{dtype_of<T>(), ir::Shape(shape.begin(), shape.end())});
  Stored<T>* p = a.data_as<Stored<T>>();
  for (int64_t i = 0; i < a.numel(); ++i) p[i] = Stored<T>(value<T>(i + seed));
  return a;
}

template <typename T>
std::vector<Stored<T>> elements(const Array& a) {
  std::vector<Stored<T>> out(size_t(a.numel()));
  if (!out.empty()) std::memcpy(out.data(), a.data(), out.size() * sizeof(T));
  return out;
}

template <typename T>
bool same(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <typename I>
Array scalar_index(I v) {
  Array a = Array::allocate(ir::Type{dtype_of<I>(), {}});
  *a.data_as<I>() = v;
  return a;
}

Array run(Prim p, std::vector<Array> operands, ir::Attrs attrs) {
  auto results = runtime::execute_op(p, operands, attrs);
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

int64_t ravel(const Ints& idx, const ir::Shape& shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + idx[d];
  return flat;
}

// Checks every element of `out` against the operand element `source(out index)` picks, or `fill` where it
// picks none.
template <typename T>
void check_gather(const Array& out, const Array& x,
                  const std::function<std::optional<Ints>(const Ints&)>& source,
                  std::optional<Stored<T>> fill = std::nullopt) {
  std::vector<Stored<T>> got = elements<T>(out), xs = elements<T>(x);
  int64_t bad = 0;
  for (int64_t i = 0; i < out.numel(); ++i) {
    std::optional<Ints> src = source(unravel(i, out.type.shape));
    Stored<T> want = src ? xs[size_t(ravel(*src, x.type.shape))] : *fill;
    if (!same(got[size_t(i)], want)) ++bad;
  }
  CHECK_MESSAGE(bad == 0, bad, " wrong elements of ", ir::to_string(out.type));
}

#define LAYOUT_TYPES bool, int8_t, uint64_t, float16, bfloat16, double, c128

}  // namespace

TEST_CASE_TEMPLATE("layout: broadcast_in_dim repeats along new and unit dimensions", T, LAYOUT_TYPES) {
  struct Case {
    Ints in, out, dims;
  };
  for (const Case& c : {Case{{3}, {2, 3}, {1}}, Case{{3, 1}, {3, 4}, {0, 1}}, Case{{}, {2, 5}, {}},
                        Case{{1, 3}, {4, 2, 3}, {1, 2}}, Case{{2, 1, 3}, {2, 5, 3, 7}, {0, 1, 2}},
                        Case{{0}, {2, 0}, {1}}, Case{{}, {}, {}}}) {
    Array x = make<T>(c.in);
    Array out = run(Prim::BroadcastInDim, {x}, {c.out, c.dims});
    CHECK(out.type.shape == ir::Shape(c.out.begin(), c.out.end()));
    check_gather<T>(out, x, [&](const Ints& o) {
      Ints i;
      for (size_t k = 0; k < c.dims.size(); ++k) i.push_back(c.in[k] == 1 ? 0 : o[size_t(c.dims[k])]);
      return i;
    });
  }
}

TEST_CASE("layout: broadcast_in_dim of a large scalar fill and a large row") {
  Array s = make<float>({}, 5);
  Array out = run(Prim::BroadcastInDim, {s}, {Ints{1000, 700}, Ints{}});
  check_gather<float>(out, s, [](const Ints&) { return Ints{}; });
  Array row = make<float>({700});
  Array out2 = run(Prim::BroadcastInDim, {row}, {Ints{1000, 700}, Ints{1}});
  check_gather<float>(out2, row, [](const Ints& o) { return Ints{o[1]}; });
}

TEST_CASE("layout: broadcast_in_dim that only adds unit dimensions aliases its operand") {
  Array x = make<int32_t>({3, 4});
  Array out = run(Prim::BroadcastInDim, {x}, {Ints{1, 3, 1, 4}, Ints{1, 3}});
  CHECK(out.data() == x.data());
  check_gather<int32_t>(out, x, [](const Ints& o) { return Ints{o[1], o[3]}; });
}

TEST_CASE_TEMPLATE("layout: reshape keeps row-major order and aliases", T, LAYOUT_TYPES) {
  Array x = make<T>({2, 3, 4});
  Array out = run(Prim::Reshape, {x}, {Ints{4, 6}});
  CHECK(out.type.shape == ir::Shape{4, 6});
  CHECK(out.data() == x.data());
  CHECK(elements<T>(out).size() == 24);
  check_gather<T>(out, x, [](const Ints& o) { return unravel(o[0] * 6 + o[1], {2, 3, 4}); });
  Array s = make<T>({});
  Array s2 = run(Prim::Reshape, {s}, {Ints{1, 1}});
  CHECK(same(elements<T>(s2)[0], elements<T>(s)[0]));
  Array e = run(Prim::Reshape, {make<T>({0, 3})}, {Ints{3, 0, 5}});
  CHECK(e.numel() == 0);
  CHECK(e.type.shape == ir::Shape{3, 0, 5});
}

TEST_CASE_TEMPLATE("layout: transpose permutes dimensions", T, LAYOUT_TYPES) {
  struct Case {
    Ints shape, perm;
  };
  for (const Case& c :
       {Case{{2, 3}, {1, 0}}, Case{{2, 3, 4}, {2, 0, 1}}, Case{{2, 3, 4}, {1, 2, 0}},
        Case{{3, 1, 4, 2}, {3, 2, 1, 0}}, Case{{5, 37, 45}, {0, 2, 1}}, Case{{67, 129}, {1, 0}},
        Case{{33, 2, 40}, {2, 1, 0}}, Case{{}, {}}, Case{{0, 3}, {1, 0}}, Case{{2, 0, 3}, {2, 0, 1}}}) {
    Array x = make<T>(c.shape);
    Array out = run(Prim::Transpose, {x}, {c.perm});
    REQUIRE(out.type.rank() == int(c.shape.size()));
    for (size_t d = 0; d < c.perm.size(); ++d) CHECK(out.type.shape[d] == c.shape[size_t(c.perm[d])]);
    check_gather<T>(out, x, [&](const Ints& o) {
      Ints i(o.size());
      for (size_t d = 0; d < o.size(); ++d) i[size_t(c.perm[d])] = o[d];
      return i;
    });
  }
}

TEST_CASE("layout: transpose of large matrices and batches of matrices (tiled path)") {
  Array x = make<float>({300, 517});
  Array out = run(Prim::Transpose, {x}, {Ints{1, 0}});
  check_gather<float>(out, x, [](const Ints& o) { return Ints{o[1], o[0]}; });
  Array b = make<uint8_t>({3, 130, 71});
  Array outb = run(Prim::Transpose, {b}, {Ints{0, 2, 1}});
  check_gather<uint8_t>(outb, b, [](const Ints& o) { return Ints{o[0], o[2], o[1]}; });
  Array w = make<int16_t>({4, 5, 90, 33});
  Array outw = run(Prim::Transpose, {w}, {Ints{3, 1, 0, 2}});
  check_gather<int16_t>(outw, w, [](const Ints& o) { return Ints{o[2], o[1], o[3], o[0]}; });
}

TEST_CASE("layout: a transpose that only moves unit dimensions aliases its operand") {
  Array x = make<double>({3, 1, 4});
  Array out = run(Prim::Transpose, {x}, {Ints{1, 0, 2}});
  CHECK(out.data() == x.data());
  Array y = run(Prim::Transpose, {x}, {Ints{2, 1, 0}});
  CHECK(y.data() != x.data());
}

TEST_CASE_TEMPLATE("layout: slice with starts, limits and strides", T, LAYOUT_TYPES) {
  struct Case {
    Ints shape, start, limit, strides;
  };
  for (const Case& c :
       {Case{{10}, {2}, {9}, {3}}, Case{{4, 6}, {1, 0}, {4, 6}, {2, 1}}, Case{{4, 6}, {0, 1}, {3, 6}, {1, 2}},
        Case{{3, 4, 5}, {1, 1, 1}, {3, 4, 5}, {1, 2, 3}}, Case{{5, 5}, {2, 2}, {2, 5}, {1, 1}},
        Case{{}, {}, {}, {}}, Case{{4, 6}, {0, 0}, {4, 6}, {1, 1}}, Case{{0, 4}, {0, 1}, {0, 3}, {1, 1}}}) {
    Array x = make<T>(c.shape);
    Array out = run(Prim::Slice, {x}, {c.start, c.limit, c.strides});
    for (size_t d = 0; d < c.shape.size(); ++d)
      CHECK(out.type.shape[d] == (c.limit[d] - c.start[d] + c.strides[d] - 1) / c.strides[d]);
    check_gather<T>(out, x, [&](const Ints& o) {
      Ints i(o.size());
      for (size_t d = 0; d < o.size(); ++d) i[d] = c.start[d] + o[d] * c.strides[d];
      return i;
    });
  }
}

TEST_CASE_TEMPLATE("layout: rev reverses the given dimensions", T, LAYOUT_TYPES) {
  for (const Ints& dims : {Ints{0}, Ints{1}, Ints{0, 2}, Ints{2, 1, 0}, Ints{}}) {
    Array x = make<T>({3, 4, 5});
    Array out = run(Prim::Rev, {x}, {dims});
    check_gather<T>(out, x, [&](const Ints& o) {
      Ints i = o;
      for (int64_t d : dims) i[size_t(d)] = x.type.shape[size_t(d)] - 1 - o[size_t(d)];
      return i;
    });
  }
  Array e = run(Prim::Rev, {make<T>({0, 3})}, {Ints{0, 1}});
  CHECK(e.numel() == 0);
  Array s = make<T>({});
  CHECK(same(elements<T>(run(Prim::Rev, {s}, {Ints{}}))[0], elements<T>(s)[0]));
}

TEST_CASE_TEMPLATE("layout: dynamic_slice clamps starts into bounds", T, LAYOUT_TYPES) {
  Array x = make<T>({5, 6});
  struct Case {
    int64_t s0, s1, want0, want1;
  };
  for (const Case& c :
       {Case{1, 2, 1, 2}, Case{-3, 1, 0, 1}, Case{4, 5, 3, 3}, Case{100, -100, 3, 0}, Case{3, 3, 3, 3}}) {
    // Starts of different integer dtypes in one op.
    Array out = run(Prim::DynamicSlice, {x, scalar_index<int8_t>(int8_t(c.s0)), scalar_index<int64_t>(c.s1)},
                    {Ints{2, 3}});
    CHECK(out.type.shape == ir::Shape{2, 3});
    check_gather<T>(out, x, [&](const Ints& o) { return Ints{c.want0 + o[0], c.want1 + o[1]}; });
  }
  // Unsigned starts beyond int64 clamp to the largest start.
  Array big = run(Prim::DynamicSlice, {x, scalar_index<uint64_t>(~uint64_t(0)), scalar_index<uint32_t>(1u)},
                  {Ints{2, 3}});
  check_gather<T>(big, x, [&](const Ints& o) { return Ints{3 + o[0], 1 + o[1]}; });
  Array s = make<T>({});
  CHECK(same(elements<T>(run(Prim::DynamicSlice, {s}, {Ints{}}))[0], elements<T>(s)[0]));
  Array e = run(Prim::DynamicSlice, {x, scalar_index<int32_t>(7), scalar_index<int32_t>(-1)}, {Ints{0, 2}});
  CHECK(e.numel() == 0);
}

TEST_CASE_TEMPLATE("layout: dynamic_update_slice writes a clamped window into a copy", T, LAYOUT_TYPES) {
  Array x = make<T>({4, 5});
  Array u = make<T>({2, 3}, 1000);
  auto before = elements<T>(x);
  struct Case {
    int64_t s0, s1, want0, want1;
  };
  for (const Case& c : {Case{1, 1, 1, 1}, Case{-5, 4, 0, 2}, Case{9, -1, 2, 0}, Case{2, 2, 2, 2}}) {
    Array out =
        run(Prim::DynamicUpdateSlice,
            {x, u, scalar_index<int16_t>(int16_t(c.s0)), scalar_index<uint8_t>(uint8_t(c.s1 < 0 ? 0 : c.s1))},
            {});
    auto got = elements<T>(out), xs = elements<T>(x), us = elements<T>(u);
    int64_t bad = 0;
    int64_t w1 = c.s1 < 0 ? 0 : c.want1;
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t j = 0; j < 5; ++j) {
        bool inside = i >= c.want0 && i < c.want0 + 2 && j >= w1 && j < w1 + 3;
        auto want = inside ? us[size_t((i - c.want0) * 3 + (j - w1))] : xs[size_t(i * 5 + j)];
        if (!same(got[size_t(i * 5 + j)], want)) ++bad;
      }
    CHECK(bad == 0);
  }
  // Negative signed starts clamp to 0 as well.
  Array neg = run(Prim::DynamicUpdateSlice, {x, u, scalar_index<int64_t>(-1), scalar_index<int64_t>(-7)}, {});
  CHECK(same(elements<T>(neg)[0], elements<T>(u)[0]));
  CHECK(same(elements<T>(neg)[3], elements<T>(x)[3]));
  // The operand is never written.
  auto after = elements<T>(x);
  for (size_t i = 0; i < after.size(); ++i) CHECK(same(after[i], before[i]));
  // An update as large as the operand replaces it; an empty update changes nothing.
  Array whole = make<T>({4, 5}, 77);
  CHECK(elements<T>(
            run(Prim::DynamicUpdateSlice, {x, whole, scalar_index<int32_t>(3), scalar_index<int32_t>(3)}, {}))
            .size() == 20);
  check_gather<T>(
      run(Prim::DynamicUpdateSlice, {x, whole, scalar_index<int32_t>(3), scalar_index<int32_t>(3)}, {}),
      whole, [](const Ints& o) { return o; });
  check_gather<T>(run(Prim::DynamicUpdateSlice,
                      {x, make<T>({0, 2}), scalar_index<int32_t>(1), scalar_index<int32_t>(1)}, {}),
                  x, [](const Ints& o) { return o; });
  Array s = make<T>({}), su = make<T>({}, 9);
  CHECK(same(elements<T>(run(Prim::DynamicUpdateSlice, {s, su}, {}))[0], elements<T>(su)[0]));
}

TEST_CASE_TEMPLATE("layout: concatenate along each dimension, with empty operands", T, LAYOUT_TYPES) {
  Array a = make<T>({2, 3, 2}, 0), b = make<T>({2, 1, 2}, 100), c = make<T>({2, 0, 2}, 200),
        d = make<T>({2, 4, 2}, 300);
  Array out = run(Prim::Concatenate, {a, b, c, d}, {int64_t(1)});
  CHECK(out.type.shape == ir::Shape{2, 8, 2});
  auto got = elements<T>(out), as = elements<T>(a), bs = elements<T>(b), ds = elements<T>(d);
  int64_t bad = 0;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 8; ++j)
      for (int64_t k = 0; k < 2; ++k) {
        auto want = j < 3   ? as[size_t((i * 3 + j) * 2 + k)]
                    : j < 4 ? bs[size_t((i * 1 + (j - 3)) * 2 + k)]
                            : ds[size_t((i * 4 + (j - 4)) * 2 + k)];
        if (!same(got[size_t((i * 8 + j) * 2 + k)], want)) ++bad;
      }
  CHECK(bad == 0);
  Array x = make<T>({2, 3}), y = make<T>({1, 3}, 50);
  Array out0 = run(Prim::Concatenate, {x, y, x}, {int64_t(0)});
  CHECK(out0.type.shape == ir::Shape{5, 3});
  auto g0 = elements<T>(out0), xs = elements<T>(x), ys = elements<T>(y);
  for (int j = 0; j < 3; ++j) {
    CHECK(same(g0[size_t(j)], xs[size_t(j)]));
    CHECK(same(g0[size_t(6 + j)], ys[size_t(j)]));
    CHECK(same(g0[size_t(12 + j)], xs[size_t(3 + j)]));
  }
  CHECK(run(Prim::Concatenate, {make<T>({0, 2}), make<T>({0, 2})}, {int64_t(0)}).numel() == 0);
}

TEST_CASE_TEMPLATE("layout: pad with low, high and interior padding, negative padding crops", T,
                   LAYOUT_TYPES) {
  struct Case {
    Ints shape, lo, hi, interior;
  };
  for (const Case& c :
       {Case{{3}, {2}, {1}, {0}}, Case{{3}, {1}, {2}, {2}}, Case{{5}, {-2}, {-1}, {0}},
        Case{{4}, {-1}, {-2}, {1}}, Case{{4}, {-3}, {0}, {2}}, Case{{2, 3}, {1, -1}, {0, 2}, {1, 1}},
        Case{{3, 4}, {-1, 0}, {-1, 0}, {0, 0}}, Case{{0, 2}, {1, 1}, {2, 0}, {3, 0}}, Case{{}, {}, {}, {}},
        Case{{2, 2}, {0, 0}, {0, 0}, {0, 0}}, Case{{3}, {-3}, {0}, {0}}}) {
    Array x = make<T>(c.shape);
    Array v = make<T>({}, 12345);
    auto pad_value = elements<T>(v)[0];
    Array out = run(Prim::Pad, {x, v}, {c.lo, c.hi, c.interior});
    for (size_t d = 0; d < c.shape.size(); ++d) {
      int64_t n = c.shape[d];
      CHECK(out.type.shape[d] == c.lo[d] + c.hi[d] + n + std::max<int64_t>(n - 1, 0) * c.interior[d]);
    }
    check_gather<T>(
        out, x,
        [&](const Ints& o) -> std::optional<Ints> {
          Ints i(o.size());
          for (size_t d = 0; d < o.size(); ++d) {
            int64_t rel = o[d] - c.lo[d], step = c.interior[d] + 1;
            if (rel < 0 || rel % step != 0 || rel / step >= c.shape[d]) return std::nullopt;
            i[d] = rel / step;
          }
          return i;
        },
        pad_value);
  }
}

TEST_CASE("layout: pad of a large array (parallel fill and copy)") {
  Array x = make<int32_t>({400, 300});
  Array v = make<int32_t>({}, 7);
  Array out = run(Prim::Pad, {x, v}, {Ints{3, -2}, Ints{5, 4}, Ints{1, 0}});
  int32_t pv = elements<int32_t>(v)[0];
  check_gather<int32_t>(
      out, x,
      [&](const Ints& o) -> std::optional<Ints> {
        int64_t r = o[0] - 3, col = o[1] + 2;
        if (r < 0 || r % 2 || r / 2 >= 400 || col >= 300) return std::nullopt;
        return Ints{r / 2, col};
      },
      pv);
}

TEST_CASE("layout: iota counts along its dimension in every numeric dtype") {
  auto check = [](auto tag, Ints shape, int64_t dim) {
    using T = typename decltype(tag)::type;
    Array out = run(Prim::Iota, {}, {dtype_of<T>(), shape, dim});
    CHECK(out.type.dtype == dtype_of<T>());
    std::vector<T> got = elements<T>(out);
    int64_t bad = 0;
    for (int64_t i = 0; i < out.numel(); ++i) {
      int64_t k = unravel(i, out.type.shape)[size_t(dim)];
      T want;
      if constexpr (is_complex_v<T>)
        want = T(double(k), 0.0);
      else if constexpr (is_half_v<T>)
        want = T(float(k));
      else
        want = static_cast<T>(k);
      if (!same(got[size_t(i)], want)) ++bad;
    }
    CHECK_MESSAGE(bad == 0, ir::to_string(out.type), " dim ", dim);
  };
  for (auto [shape, dim] : {std::pair{Ints{3, 4}, int64_t(0)}, std::pair{Ints{3, 4}, int64_t(1)},
                            std::pair{Ints{7}, int64_t(0)}, std::pair{Ints{2, 3, 4}, int64_t(1)},
                            std::pair{Ints{0, 4}, int64_t(1)}, std::pair{Ints{2, 300}, int64_t(1)}}) {
    check(std::type_identity<int8_t>{}, shape, dim);  // 300 wraps in int8
    check(std::type_identity<uint64_t>{}, shape, dim);
    check(std::type_identity<float16>{}, shape, dim);
    check(std::type_identity<bfloat16>{}, shape, dim);
    check(std::type_identity<float>{}, shape, dim);
    check(std::type_identity<double>{}, shape, dim);
    check(std::type_identity<c128>{}, shape, dim);
    check(std::type_identity<std::complex<float>>{}, shape, dim);
  }
  Array wide = run(Prim::Iota, {}, {DType::I32, Ints{1000, 5}, int64_t(0)});
  CHECK(wide.data_as<int32_t>()[999 * 5 + 4] == 999);
}

TEST_CASE("layout: constant aliases its literal") {
  std::vector<c128> vals = {{1, 2}, {3, -4}, {0.5, 0}};
  ir::Literal lit = ir::Literal::copy_of(ir::Type{DType::C128, {3}}, vals.data());
  Array out = run(Prim::Constant, {}, {lit, false});
  CHECK(out.type == ir::Type{DType::C128, {3}});
  CHECK(out.data() == lit.bytes());
  CHECK(elements<c128>(out) == vals);
  Array weak = run(Prim::Constant, {}, {ir::Literal::scalar(DType::F16, 1.5), true});
  CHECK(weak.type.weak);
  CHECK(float(elements<float16>(weak)[0]) == 1.5f);
  Array b = run(Prim::Constant, {}, {ir::Literal::scalar_int(DType::Bool, 1), false});
  CHECK(elements<bool>(b)[0]);
  ir::Literal empty = ir::Literal::copy_of(ir::Type{DType::I8, {0, 3}}, nullptr);
  CHECK(run(Prim::Constant, {}, {empty, false}).numel() == 0);
}
