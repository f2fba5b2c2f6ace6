// The instruction-set variants of the hot loops (runtime/kernels/isa.h) agree bit for bit with the baseline
// loop, and stay right (NaN, ties, first index) in every variant this CPU runs: reductions, argmax/argmin
// and the vectorised elementwise ops. The expected values are computed here with plain loops.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "ir/numeric.h"
#include "runtime/executor.h"
#include "runtime/kernels/isa.h"

using ember::ir::DType;
using ember::ir::Prim;
using ember::runtime::Array;
namespace kernels = ember::runtime::kernels;

namespace {

template <typename T>
Array array_of(const std::vector<T>& v, ember::ir::Shape shape, DType d) {
  Array a = Array::allocate(ember::ir::Type{d, shape});
  std::memcpy(a.data(), v.data(), v.size() * sizeof(T));
  return a;
}

std::vector<uint8_t> bytes_of(const Array& a) {
  const uint8_t* p = static_cast<const uint8_t*>(a.data());
  return std::vector<uint8_t>(p, p + a.nbytes());
}

Array run(Prim p, std::vector<Array> in, ember::ir::Attrs attrs = {}) {
  return ember::runtime::execute_op(p, in, attrs)[0];
}

struct IsaGuard {
  ~IsaGuard() { kernels::set_active_isa(kernels::detected_isa()); }
};

std::vector<kernels::Isa> available_isas() {
  std::vector<kernels::Isa> out;
  for (auto isa : {kernels::Isa::Baseline, kernels::Isa::Avx2, kernels::Isa::Avx512})
    if (isa <= kernels::detected_isa()) out.push_back(isa);
  return out;
}

// Random normals with NaNs, infinities, signed zeros and repeated maxima sprinkled in.
std::vector<float> awkward_floats(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (float& x : v) x = normal(gen);
  for (size_t i = 0; i < n; i += 97) v[i] = (i / 97) % 2 ? -0.0f : 0.0f;
  for (size_t i = 13; i < n; i += 1009) v[i] = 7.5f;  // ties for argmax
  return v;
}

}  // namespace

TEST_CASE("isa variants: reductions and elementwise ops give the baseline's bits") {
  IsaGuard guard;
  std::vector<float> f = awkward_floats(3 * 70001, 1);
  std::vector<float> g = awkward_floats(3 * 70001, 2);
  std::vector<double> d(f.begin(), f.end());
  f[5000] = std::numeric_limits<float>::quiet_NaN();  // one NaN row in the [3, 70001] view
  struct Case {
    const char* name;
    Prim prim;
    std::vector<Array> in;
    ember::ir::Attrs attrs;
  };
  Array f1 = array_of(f, {int64_t(f.size())}, DType::F32), g1 = array_of(g, {int64_t(g.size())}, DType::F32);
  Array f2 = array_of(f, {3, 70001}, DType::F32), d2 = array_of(d, {3, 70001}, DType::F64);
  Array f3 = array_of(f, {70001, 3}, DType::F32);
  using Ints = std::vector<int64_t>;
  std::vector<Case> cases = {
      {"sum f32", Prim::ReduceSum, {f1}, {Ints{0}}},
      {"sum rows", Prim::ReduceSum, {f2}, {Ints{1}}},
      {"sum f64 rows", Prim::ReduceSum, {d2}, {Ints{1}}},
      {"sum cols", Prim::ReduceSum, {f3}, {Ints{0}}},
      {"prod rows", Prim::ReduceProd, {f2}, {Ints{1}}},
      {"max f32", Prim::ReduceMax, {f1}, {Ints{0}}},
      {"max rows", Prim::ReduceMax, {f2}, {Ints{1}}},
      {"min f64 rows", Prim::ReduceMin, {d2}, {Ints{1}}},
      {"max cols", Prim::ReduceMax, {f3}, {Ints{0}}},
      {"argmax", Prim::Argmax, {f1}, {Ints{0}, DType::I64}},
      {"argmax rows", Prim::Argmax, {f2}, {Ints{1}, DType::I64}},
      {"argmin f64 rows", Prim::Argmin, {d2}, {Ints{1}, DType::I32}},
      {"add", Prim::Add, {f1, g1}, {}},
      {"max2", Prim::Max, {f1, g1}, {}},
      {"div", Prim::Div, {f1, g1}, {}},
      {"sqrt", Prim::Sqrt, {f1}, {}},
      {"floor", Prim::Floor, {f1}, {}},
      {"exp f64", Prim::Exp, {d2}, {}},
  };
  for (Case& c : cases) {
    CAPTURE(c.name);
    kernels::set_active_isa(kernels::Isa::Baseline);
    std::vector<uint8_t> want = bytes_of(run(c.prim, c.in, c.attrs));
    for (kernels::Isa isa : available_isas()) {
      CAPTURE(kernels::isa_name(isa));
      kernels::set_active_isa(isa);
      CHECK(bytes_of(run(c.prim, c.in, c.attrs)) == want);
    }
  }
}

TEST_CASE("isa variants: argmax and argmin give the first extreme, NaN first, in every variant") {
  IsaGuard guard;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (kernels::Isa isa : available_isas()) {
    CAPTURE(kernels::isa_name(isa));
    kernels::set_active_isa(isa);
    for (int64_t n : {1, 5, 31, 32, 33, 100, 1000, 4099, 200003}) {
      CAPTURE(n);
      std::vector<float> v = awkward_floats(size_t(n), uint32_t(n));
      // The reference: a plain loop with a strict comparison (first index of ties), NaN beating everything.
      auto reference = [&](bool max) {
        int64_t at = 0;
        for (int64_t i = 1; i < n; ++i) {
          float x = v[size_t(i)], b = v[size_t(at)];
          if (std::isnan(b)) break;
          if (std::isnan(x) || (max ? x > b : x < b)) at = i;
        }
        return at;
      };
      auto arg = [&](Prim p) {
        Array a = array_of(v, {n}, DType::F32);
        return run(p, {a}, {std::vector<int64_t>{0}, DType::I64}).data_as<int64_t>()[0];
      };
      CHECK(arg(Prim::Argmax) == reference(true));
      CHECK(arg(Prim::Argmin) == reference(false));
      if (n > 40) {
        // A maximum repeated at the end and before a chunk boundary, then NaNs: the first of each wins.
        v[size_t(n - 1)] = 1e30f;
        v[size_t(n / 2)] = 1e30f;
        CHECK(arg(Prim::Argmax) == n / 2);
        v[size_t(n - 2)] = nan;
        v[size_t(n / 3)] = nan;
        CHECK(arg(Prim::Argmax) == n / 3);
        CHECK(arg(Prim::Argmin) == n / 3);
      }
    }
  }
}

TEST_CASE("isa variants: max and min propagate NaN from any position") {
  IsaGuard guard;
  for (kernels::Isa isa : available_isas()) {
    CAPTURE(kernels::isa_name(isa));
    kernels::set_active_isa(isa);
    for (int64_t pos : {0, 7, 31, 32, 63, 64, 999, 1000}) {
      std::vector<double> v(1001, 1.0);
      v[size_t(pos)] = std::numeric_limits<double>::quiet_NaN();
      Array a = array_of(v, {1001}, DType::F64);
      CHECK(std::isnan(run(Prim::ReduceMax, {a}, {std::vector<int64_t>{0}}).data_as<double>()[0]));
      CHECK(std::isnan(run(Prim::ReduceMin, {a}, {std::vector<int64_t>{0}}).data_as<double>()[0]));
    }
  }
}
