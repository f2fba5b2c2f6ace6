// The transcendental kernels of runtime/kernels/vecmath.h. float32: against glibc's double-precision libm,
// whose results (within one double ulp) stand in for the exact values: every 1021st float bit pattern
// (~4.2 million inputs per function, every binade and both signs) plus the special values, each run through
// the executor once per instruction-set variant the CPU has. The variants must agree bit for bit, and the
// error must stay within 0.5 ulp + a hair: correctly rounded except where the exact value lies within
// 1/1000 ulp of a rounding boundary.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "runtime/executor.h"
#include "runtime/kernels/isa.h"

using ember::ir::DType;
using ember::ir::Prim;
using ember::runtime::Array;
namespace kernels = ember::runtime::kernels;

namespace {

constexpr float kInff = std::numeric_limits<float>::infinity();
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

Array floats(const std::vector<float>& v) {
  Array a = Array::allocate(ember::ir::Type{DType::F32, {int64_t(v.size())}});
  std::memcpy(a.data(), v.data(), v.size() * sizeof(float));
  return a;
}

std::vector<float> run_f32(Prim p, const std::vector<float>& x) {
  Array a = floats(x);
  std::vector<Array> out = ember::runtime::execute_op(p, std::span<const Array>(&a, 1), {});
  const float* y = out[0].data_as<const float>();
  return std::vector<float>(y, y + x.size());
}

// Every 1021st bit pattern (1021 is prime, so the low mantissa bits vary too), without NaNs.
std::vector<float> sweep_inputs() {
  std::vector<float> xs;
  for (uint64_t bits = 0; bits <= 0xffffffffull; bits += 1021) {
    float x = std::bit_cast<float>(uint32_t(bits));
    if (!std::isnan(x)) xs.push_back(x);
  }
  return xs;
}

// |y - ref| in units of the float ulp at ref (the spacing of floats around the exact value; 2^-149 among
// subnormals). An infinite ref must be matched exactly.
double ulp_error(float y, double ref) {
  if (std::isnan(ref)) return std::isnan(y) ? 0 : 1e9;
  if (std::isinf(ref) || std::isinf(y)) {
    if (y == ref) return 0;
    // Rounds to inf: fine when ref is beyond the largest float by at least half an ulp.
    if (std::isinf(y) && std::fabs(ref) >= 0x1.ffffffp127 && std::signbit(ref) == std::signbit(y)) return 0;
    return 1e9;
  }
  double a = std::fabs(ref);
  int e = a < 0x1p-126 ? -126 : std::ilogb(a);
  double ulp = std::ldexp(1.0, e - 23);
  return std::fabs(double(y) - ref) / ulp;
}

struct Fn {
  Prim prim;
  double (*ref)(double);
};

const std::vector<Fn>& functions() {
  static const std::vector<Fn> fns = {
      {Prim::Exp, [](double x) { return std::exp(x); }},
      {Prim::Exp2, [](double x) { return std::exp2(x); }},
      {Prim::Expm1, [](double x) { return std::expm1(x); }},
      {Prim::Log, [](double x) { return std::log(x); }},
      {Prim::Log1p, [](double x) { return std::log1p(x); }},
      {Prim::Sin, [](double x) { return std::sin(x); }},
      {Prim::Cos, [](double x) { return std::cos(x); }},
      {Prim::Tan, [](double x) { return std::tan(x); }},
      {Prim::Sinh, [](double x) { return std::sinh(x); }},
      {Prim::Cosh, [](double x) { return std::cosh(x); }},
      {Prim::Tanh, [](double x) { return std::tanh(x); }},
      {Prim::Erf, [](double x) { return std::erf(x); }},
      {Prim::Erfc, [](double x) { return std::erfc(x); }},
      // 1 / (1 + e^-x) in long double: its rounding error is far below a float ulp.
      {Prim::Logistic, [](double x) { return double(1.0L / (1.0L + std::exp(-(long double)x))); }},
  };
  return fns;
}

// Restores the detected instruction set when a test ends.
struct IsaGuard {
  ~IsaGuard() { kernels::set_active_isa(kernels::detected_isa()); }
};

std::vector<kernels::Isa> available_isas() {
  std::vector<kernels::Isa> out;
  for (auto isa : {kernels::Isa::Baseline, kernels::Isa::Avx2, kernels::Isa::Avx512})
    if (isa <= kernels::detected_isa()) out.push_back(isa);
  return out;
}

}  // namespace

TEST_CASE("vecmath: float32 functions are correctly rounded but for near-ties, in every ISA variant") {
  IsaGuard guard;
  const std::vector<float> xs = sweep_inputs();
  for (const Fn& fn : functions()) {
    CAPTURE(ember::ir::prim_name(fn.prim));
    kernels::set_active_isa(kernels::Isa::Baseline);
    std::vector<float> y = run_f32(fn.prim, xs);
    double worst = 0;
    float worst_x = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      double err = ulp_error(y[i], fn.ref(double(xs[i])));
      if (err > worst) {
        worst = err;
        worst_x = xs[i];
      }
    }
    CAPTURE(worst_x);
    INFO("max error ", worst, " ulp");
    CHECK(worst <= 0.501);
    for (kernels::Isa isa : available_isas()) {
      if (isa == kernels::Isa::Baseline) continue;
      CAPTURE(kernels::isa_name(isa));
      kernels::set_active_isa(isa);
      std::vector<float> v = run_f32(fn.prim, xs);
      size_t differ = 0;
      for (size_t i = 0; i < xs.size(); ++i)
        differ += std::bit_cast<uint32_t>(v[i]) != std::bit_cast<uint32_t>(y[i]);
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("vecmath: special values (NaN, infinities, signed zeros, overflow, underflow)") {
  IsaGuard guard;
  const float big = 1e30f, tiny = 1e-30f, sub = 1e-40f, max = std::numeric_limits<float>::max();
  const std::vector<float> xs = {0.0f,    -0.0f,  kInff,   -kInff,  kNaNf, big,    -big,   tiny,
                                 -tiny,   sub,    -sub,    max,     -max,  88.72f, 88.73f, -103.9f,
                                 -104.0f, 128.0f, -150.0f, -149.0f, 1.0f,  -1.0f};
  for (kernels::Isa isa : available_isas()) {
    CAPTURE(kernels::isa_name(isa));
    kernels::set_active_isa(isa);
    for (const Fn& fn : functions()) {
      CAPTURE(ember::ir::prim_name(fn.prim));
      std::vector<float> y = run_f32(fn.prim, xs);
      for (size_t i = 0; i < xs.size(); ++i) {
        CAPTURE(xs[i]);
        double ref = fn.ref(double(xs[i]));
        if (std::isnan(ref)) {
          CHECK(std::isnan(y[i]));
        } else if (ref == 0 || std::isinf(ref)) {
          // Zeros and infinities exactly, sign included (sin(-0) = -0, exp(-inf) = +0, log(0) = -inf).
          CHECK(std::bit_cast<uint32_t>(y[i]) == std::bit_cast<uint32_t>(float(ref)));
        } else {
          CHECK(ulp_error(y[i], ref) <= 0.501);
        }
      }
    }
  }
  // The tails by name: underflow to a subnormal and to zero, overflow to inf, -0 kept by the odd functions.
  CHECK(run_f32(Prim::Exp, {-100.0f})[0] == float(std::exp(-100.0)));
  CHECK(run_f32(Prim::Exp, {-104.0f})[0] == 0.0f);
  CHECK(run_f32(Prim::Exp, {89.0f})[0] == kInff);
  CHECK(run_f32(Prim::Exp2, {-149.0f})[0] == std::bit_cast<float>(1u));
  CHECK(run_f32(Prim::Logistic, {-100.0f})[0] == float(std::exp(-100.0)));
  CHECK(run_f32(Prim::Erfc, {10.0f})[0] == float(std::erfc(10.0)));
  CHECK(run_f32(Prim::Erfc, {-kInff})[0] == 2.0f);
  for (Prim p : {Prim::Sin, Prim::Tan, Prim::Sinh, Prim::Tanh, Prim::Expm1, Prim::Log1p, Prim::Erf})
    CHECK(std::signbit(run_f32(p, {-0.0f})[0]));
}

TEST_CASE("vecmath: sin, cos and tan fall back to libm beyond 2^19 inside a vectorised block") {
  IsaGuard guard;
  // Huge arguments mixed into a block of ordinary ones: only those take the fallback, the rest keep the
  // fast path's results, and both agree with double libm.
  std::vector<float> xs;
  for (int i = 0; i < 1000; ++i) xs.push_back(i % 7 == 3 ? 1e30f * float(i) : 0.01f * float(i) - 3);
  xs.push_back(0x1p19f);
  xs.push_back(0x1.000002p19f);
  for (kernels::Isa isa : available_isas()) {
    kernels::set_active_isa(isa);
    for (Prim p : {Prim::Sin, Prim::Cos, Prim::Tan}) {
      CAPTURE(ember::ir::prim_name(p));
      std::vector<float> y = run_f32(p, xs);
      double worst = 0;
      for (size_t i = 0; i < xs.size(); ++i) {
        double x = xs[i];
        double ref = p == Prim::Sin ? std::sin(x) : p == Prim::Cos ? std::cos(x) : std::tan(x);
        worst = std::max(worst, ulp_error(y[i], ref));
      }
      CHECK(worst <= 0.501);
    }
  }
}

namespace {

std::vector<double> run_f64(Prim p, const std::vector<double>& x) {
  Array a = Array::allocate(ember::ir::Type{DType::F64, {int64_t(x.size())}});
  std::memcpy(a.data(), x.data(), x.size() * sizeof(double));
  std::vector<Array> out = ember::runtime::execute_op(p, std::span<const Array>(&a, 1), {});
  const double* y = out[0].data_as<const double>();
  return std::vector<double>(y, y + x.size());
}

// |y - ref| relative to |ref| (absolute below the smallest normal, where relative precision ends).
long double rel_error(double y, long double ref) {
  if (std::isnan(ref)) return std::isnan(y) ? 0 : 1;
  if (std::isinf(ref)) return y == ref ? 0 : 1;
  long double scale = std::max(std::fabs(ref), (long double)std::numeric_limits<double>::min());
  return std::fabs((long double)y - ref) / scale;
}

}  // namespace

TEST_CASE("vecmath: float64 exp, expm1, log, tanh, logistic within 1e-15 relative of long double libm") {
  IsaGuard guard;
  // 400 mantissas in every binade of both signs, plus special values and the overflow/underflow edges.
  std::vector<double> xs;
  std::mt19937_64 gen(7);
  for (int e = -1074; e <= 1023; ++e)
    for (int k = 0; k < 200; ++k) {
      double m = 1 + std::ldexp(double(gen() >> 11), -53);
      double x = std::ldexp(m, e);
      xs.push_back(x);
      xs.push_back(-x);
    }
  for (double v : {0.0, -0.0, 709.78, 709.79, -708.39, -745.13, -745.14, 1e-300, 22.0, 22.1,
                   std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::quiet_NaN()})
    xs.push_back(v);
  struct Fn64 {
    Prim prim;
    long double (*ref)(long double);
  };
  const Fn64 fns[] = {
      {Prim::Exp, [](long double x) { return std::exp(x); }},
      {Prim::Expm1, [](long double x) { return std::expm1(x); }},
      {Prim::Log, [](long double x) { return std::log(x); }},
      {Prim::Tanh, [](long double x) { return std::tanh(x); }},
      {Prim::Logistic, [](long double x) { return 1 / (1 + std::exp(-x)); }},
  };
  for (const Fn64& fn : fns) {
    CAPTURE(ember::ir::prim_name(fn.prim));
    kernels::set_active_isa(kernels::Isa::Baseline);
    std::vector<double> y = run_f64(fn.prim, xs);
    long double worst = 0;
    double worst_x = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      long double ref = fn.ref((long double)xs[i]);
      // The result type's range: the reference rounded to double decides overflow and underflow to zero.
      double ref_d = double(ref);
      long double err = std::isinf(ref_d) || ref_d == 0 ? (y[i] == ref_d ? 0 : 1) : rel_error(y[i], ref);
      if (err > worst) {
        worst = err;
        worst_x = xs[i];
      }
    }
    CAPTURE(worst_x);
    INFO("max relative error ", double(worst));
    CHECK(worst <= 1e-15L);
    for (kernels::Isa isa : available_isas()) {
      kernels::set_active_isa(isa);
      std::vector<double> v = run_f64(fn.prim, xs);
      size_t differ = 0;
      for (size_t i = 0; i < xs.size(); ++i)
        differ += std::bit_cast<uint64_t>(v[i]) != std::bit_cast<uint64_t>(y[i]);
      CAPTURE(kernels::isa_name(isa));
      CHECK(differ == 0);
    }
    // Signed zeros and NaN exactly.
    std::vector<double> z = run_f64(fn.prim, {-0.0, std::numeric_limits<double>::quiet_NaN()});
    CHECK(std::isnan(z[1]));
    if (fn.prim == Prim::Expm1 || fn.prim == Prim::Tanh) CHECK(std::signbit(z[0]));
  }
}
