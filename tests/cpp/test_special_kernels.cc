// Special functions against values computed with 40-digit arithmetic (mpmath: erfinv, log|gamma|, digamma,
// polygamma, besseli * exp(-|x|)), against long double libm (erfl, lgammal) on sweeps, and SciPy's
// conventions at poles and outside the domain; population_count against a bit loop.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "kernel_test_util.h"

using namespace ember;
using namespace ember::testing;
using ir::DType;
using ir::Prim;

namespace {

struct Point {
  double x;
  long double want;
};

bool close(double got, long double want, double rtol) {
  if (std::isnan(double(want))) return std::isnan(got);
  if (std::isinf(double(want))) return got == double(want);
  return std::fabs((long double)got - want) <= rtol * std::fabs(want);
}

double eval(Prim p, double x) { return get<double>(run1(p, {arr<double>({x})}, {}))[0]; }
float eval_f(Prim p, float x) { return get<float>(run1(p, {arr<float>({x})}, {}))[0]; }

// float32 results: within one ulp of the correctly rounded value.
bool close_f(float got, long double want) {
  float w = float(want);
  if (std::isnan(w)) return std::isnan(got);
  if (std::isinf(w)) return got == w;
  return std::fabs(got - w) <= std::fabs(std::nextafter(w, 2 * w + 1) - w) + 1e-45f;
}

void check_table(Prim p, const std::vector<Point>& table, double rtol) {
  for (const Point& pt : table) {
    CAPTURE(pt.x);
    double got = eval(p, pt.x);
    CAPTURE(got);
    CHECK(close(got, pt.want, rtol));
    // float32 of the same argument when it is exactly representable there.
    if (double(float(pt.x)) == pt.x && std::fabs(pt.want) < 3e38L && std::fabs(pt.want) > 1e-37L)
      CHECK(close_f(eval_f(p, float(pt.x)), pt.want));
  }
}

}  // namespace

TEST_CASE("erf_inv: 40-digit values, the tails near +-1, the domain edges") {
  check_table(Prim::ErfInv,
              {{1e-300, 8.8622692545275803586e-301L},
               {1e-10, 8.8622692545275804594e-11L},
               {0.001, 0.00088622715746655212301L},
               {0.1, 0.088855990494257691974L},
               {0.3, 0.27246271472675434502L},
               {0.5, 0.47693627620446987338L},
               {0.7, 0.73286907795921678488L},
               {0.9, 1.1630871536766741628L},
               {0.99, 1.8213863677184494559L},
               {0.999999, 3.4589107372754987775L},
               {0.9999999999999, 5.2614833313726762591L},
               {-0.75, -0.81341984759761854169L}},
              1e-15);
  CHECK(eval(Prim::ErfInv, 1.0) == kInf);
  CHECK(eval(Prim::ErfInv, -1.0) == -kInf);
  CHECK(std::isnan(eval(Prim::ErfInv, 1.5)));
  CHECK(std::isnan(eval(Prim::ErfInv, -kInf)));
  CHECK(std::isnan(eval(Prim::ErfInv, kNaN)));
  CHECK(same_bits(eval(Prim::ErfInv, -0.0), -0.0));
  // erf(erf_inv(x)) == x in long double over (-1, 1), tails included.
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-1, 1);
  double worst = 0;
  for (int i = 0; i < 20000; ++i) {
    double x = i % 2 ? u(rng) : std::copysign(1 - std::ldexp(u(rng) * u(rng), -(i % 50)), u(rng));
    if (std::fabs(x) >= 1) continue;
    long double y = eval(Prim::ErfInv, x);
    // The residual in x (or in 1 - |x| in the tails, which keeps relative accuracy there) over its slope
    // |f'(y) y / f| is the relative error of y.
    bool tail = std::fabs(x) > 0.5;
    long double ref = tail ? 1 - std::fabs((long double)x) : std::fabs((long double)x);
    long double residual = tail ? std::erfc(std::fabs(y)) - ref : std::erf(std::fabs(y)) - ref;
    long double slope = 2 / std::sqrt((long double)M_PI) * std::exp(-y * y) * std::fabs(y) / ref;
    worst = std::max(worst, double(std::fabs(residual / ref) / slope));
  }
  CHECK(worst < 4e-16);
}

TEST_CASE("lgamma: 40-digit values incl. near 1 and 2, large and negative arguments; poles") {
  check_table(Prim::Lgamma, {{1e-300, 690.77552789821370518L},       {1e-08, 18.420680738180208884L},
                             {0.1, 2.252712651734205902L},           {0.5, 0.57236494292470008707L},
                             {0.9999, 5.7729791561193862808e-5L},    {1.0000001, -5.772155829918507097e-8L},
                             {1.5, -0.12078223763524522235L},        {1.9999999, -4.2278430309861298194e-8L},
                             {2.0000001, 4.2278436665324979232e-8L}, {2.5, 0.28468287047291915963L},
                             {3.7, 1.4280723266653881292L},          {7.25, 7.0521854507385394449L},
                             {11.99, 17.477885575426185546L},        {12.5, 18.734347511936445702L},
                             {30.1, 71.595652064601246451L},         {1000.5, 5908.6741758486774887L},
                             {1e10, 2.2025850928881058147e+11L},     {1e300, 6.8977552789821374147e+302L},
                             {-0.5, 1.2655121234846453965L},         {-1.25, 1.3664317612369762345L},
                             {-2.5, -0.056243716497674050673L},      {-10.3, -14.457515440024208334L},
                             {-100.7, -365.61225576180533017L}},
              2e-15);
  for (double pole : {0.0, -0.0, -1.0, -2.0, -1e10, -1e300}) CHECK(eval(Prim::Lgamma, pole) == kInf);
  CHECK(eval(Prim::Lgamma, kInf) == kInf);
  CHECK(eval(Prim::Lgamma, -kInf) == -kInf);
  CHECK(eval(Prim::Lgamma, 1.0) == 0.0);
  CHECK(eval(Prim::Lgamma, 2.0) == 0.0);
  CHECK(eval(Prim::Lgamma, 3e305) == kInf);
  // Against long double lgammal on (2.5, 200), where lgamma has no zeros and lgammal is accurate.
  double worst = 0;
  for (double x = 2.5; x < 200; x += 0.0731)
    worst = std::max(worst, double(std::fabs(eval(Prim::Lgamma, x) - std::lgamma((long double)x)) /
                                   std::lgamma((long double)x)));
  CHECK(worst < 1e-15);
}

TEST_CASE("digamma: 40-digit values incl. at its positive zero; SciPy's poles") {
  check_table(Prim::Digamma,
              {{1e-300, -9.9999999999999997494e+299L},
               {1e-08, -1.0000000057721564636e+8L},
               {0.1, -10.423754940411076232L},
               {0.5, -1.9635100260214234794L},
               {1.0, -0.57721566490153286061L},
               {1.2, -0.28903989659218835183L},
               {1.4616321449683622, -9.2412655217294275168e-17L},
               {1.46164, 7.6010687838878764258e-6L},
               {1.7, 0.20854787487349392145L},
               {2.0, 0.42278433509846713939L},
               {2.5, 0.70315664064524318723L},
               {3.7, 1.1671535393615114409L},
               {11.99, 2.4417922836683348851L},
               {12.5, 2.4851956512749120482L},
               {100.25, 4.6026712432747125591L},
               {1e10, 23.02585092989045684L},
               {1e300, 690.77552789821370526L},
               {-0.5, 0.036489973978576520559L},
               {-1.25, 3.7141391202135278304L},
               {-2.75, -1.9590552649779970098L},
               {-10.3, 4.6624034935820870175L}},
              2e-15);
  CHECK(eval(Prim::Digamma, 0.0) == -kInf);  // scipy.special.digamma(0.0)
  CHECK(eval(Prim::Digamma, -0.0) == kInf);
  CHECK(std::isnan(eval(Prim::Digamma, -1.0)));
  CHECK(std::isnan(eval(Prim::Digamma, -7.0)));
  CHECK(std::isnan(eval(Prim::Digamma, -kInf)));
  CHECK(eval(Prim::Digamma, kInf) == kInf);
}

TEST_CASE("polygamma: 40-digit values for orders 1 to 50, negative x; NaN orders and poles") {
  struct PG {
    double m, x;
    long double want;
  };
  const std::vector<PG> table = {
      {1, 0.001, 1.0000016425331958273e+6L},   {1, 0.5, 4.9348022005446793094L},
      {1, 1.0, 1.6449340668482264365L},        {1, 7.5, 0.14261589669670379977L},
      {1, 1e5, 1.0000050000166666667e-5L},     {2, 0.25, -129.32773993753692033L},
      {2, 3.0, -0.1541138063191885708L},       {2, 25.5, -0.0015993605962783072858L},
      {3, 1.5, 1.4090910340024372364L},        {5, 2.0, 2.0811674381338967657L},
      {10, 11.0, -2.1387966863222593308e-5L},  {20, 0.75, -1.0229115768532277422e+21L},
      {50, 60.0, -1.1099958252589297839e-26L}, {1, -0.5, 8.9348022005446793094L},
      {2, -1.5, -0.236204051641727403L},       {3, -2.25, 1558.45502318871434L},
      {4, -0.1, 2.3999582275538267997e+6L},    {7, -3.6, 7.990964632076001588e+6L},
  };
  for (const PG& t : table) {
    CAPTURE(t.m);
    CAPTURE(t.x);
    double got = get<double>(run1(Prim::Polygamma, {arr<double>({t.m}), arr<double>({t.x})}, {}))[0];
    CHECK(close(got, t.want, 4e-15));
  }
  auto pg = [](double m, double x) {
    return get<double>(run1(Prim::Polygamma, {arr<double>({m}), arr<double>({x})}, {}))[0];
  };
  CHECK(pg(0, 2.5) == eval(Prim::Digamma, 2.5));
  CHECK(std::isnan(pg(0.5, 1.0)));
  CHECK(std::isnan(pg(-1, 1.0)));
  CHECK(std::isnan(pg(kNaN, 1.0)));
  CHECK(std::isnan(pg(1, kNaN)));
  CHECK(pg(1, 0.0) == kInf);  // (-1)^(m+1) inf at the poles, as SciPy
  CHECK(pg(2, -0.0) == -kInf);
  CHECK(pg(3, -3.0) == kInf);
  CHECK(pg(2, -2.0) == -kInf);
  CHECK(pg(1, 1e300) == doctest::Approx(1e-300).epsilon(1e-15));
  CHECK(pg(1, kInf) == 0.0);
  // float32: the same function rounded once.
  auto f = get<float>(run1(Prim::Polygamma, {arr<float>({1, 2}), arr<float>({0.5f, 3.0f})}, {}));
  CHECK(close_f(f[0], 4.9348022005446793094L));
  CHECK(close_f(f[1], -0.1541138063191885708L));
}

TEST_CASE("bessel_i0e, bessel_i1e: 40-digit values on both sides of the series/asymptotic switch") {
  struct B {
    double x;
    long double i0e, i1e;
  };
  const std::vector<B> table = {
      {1e-300, 1.0L, 5.0000000000000001253e-301L},
      {1e-05, 0.99999000007499958333L, 4.9999500003124989507e-6L},
      {0.5, 0.64503527044915006811L, 0.15642080318487169714L},
      {1.0, 0.4657596075936404365L, 0.20791041534970844887L},
      {2.5, 0.27004644161220273956L, 0.20658464953126655421L},
      {5.0, 0.18354081260932835307L, 0.16397226694454235693L},
      {10.0, 0.12783333716342860732L, 0.12126268138445551872L},
      {19.99, 0.089803061428909375861L, 0.087527241948286223142L},
      {20.0, 0.089780311884826021596L, 0.087506222183288665356L},
      {20.01, 0.089757579627575299486L, 0.087485217514126801566L},
      {35.0, 0.067678378350413625728L, 0.066704431729491439079L},
      {100.0, 0.039944379299096682648L, 0.039744153025130252674L},
      {10000.0, 0.0039894726746047321064L, 0.0039892731959836622645L},
      {1e300, 3.9894228040143266747e-151L, 3.9894228040143266747e-151L},
      {-3.0, 0.24300035416182539847L, -0.19682671329730085363L},
  };
  std::vector<Point> i0, i1;
  for (const B& b : table) {
    i0.push_back({b.x, b.i0e});
    i1.push_back({b.x, b.i1e});
  }
  check_table(Prim::BesselI0e, i0, 3e-15);
  check_table(Prim::BesselI1e, i1, 3e-15);
  CHECK(eval(Prim::BesselI0e, 0.0) == 1.0);
  CHECK(eval(Prim::BesselI1e, 0.0) == 0.0);
  CHECK(eval(Prim::BesselI0e, -kInf) == 0.0);
  CHECK(eval(Prim::BesselI1e, kInf) == 0.0);
  CHECK(std::isnan(eval(Prim::BesselI0e, kNaN)));
  // Symmetry: i0e even, i1e odd.
  CHECK(eval(Prim::BesselI0e, -7.5) == eval(Prim::BesselI0e, 7.5));
  CHECK(eval(Prim::BesselI1e, -7.5) == -eval(Prim::BesselI1e, 7.5));
}

TEST_CASE("special functions on float16 and bfloat16 round the double result once") {
  auto h = get<float16>(run1(Prim::Lgamma, {arr<float16>({float16(0.5f), float16(10.0f)})}, {}));
  CHECK(float(h[0]) == float(float16(0.57236494292470008707f)));
  CHECK(float(h[1]) == float(float16(12.801827480081469611f)));
  auto b = get<bfloat16>(run1(Prim::ErfInv, {arr<bfloat16>({bfloat16(0.5f), bfloat16(1.0f)})}, {}));
  CHECK(float(b[0]) == float(bfloat16(0.47693627620446987338f)));
  CHECK(float(b[1]) == std::numeric_limits<float>::infinity());
}

TEST_CASE("population_count: set bits of every integer dtype, in the operand's dtype") {
  auto bits = [](uint64_t v) {
    int n = 0;
    for (; v; v >>= 1) n += int(v & 1);
    return n;
  };
  std::vector<int8_t> i8{0, -1, -128, 127, 5};
  auto c8 = get<int8_t>(run1(Prim::PopulationCount, {arr(i8)}, {}));
  for (size_t i = 0; i < i8.size(); ++i) CHECK(c8[i] == bits(uint8_t(i8[i])));
  std::vector<int64_t> i64{0, -1, std::numeric_limits<int64_t>::min(), 0x0123456789abcdefLL};
  auto c64 = get<int64_t>(run1(Prim::PopulationCount, {arr(i64)}, {}));
  CHECK(c64 == std::vector<int64_t>{0, 64, 1, 32});
  CHECK(get<uint16_t>(run1(Prim::PopulationCount, {arr<uint16_t>({65535, 256, 0x5555})}, {})) ==
        std::vector<uint16_t>{16, 1, 8});
  CHECK(get<uint32_t>(run1(Prim::PopulationCount, {arr<uint32_t>({0xffffffffu, 0x80000001u})}, {})) ==
        std::vector<uint32_t>{32, 2});
  CHECK(get<uint64_t>(run1(Prim::PopulationCount, {arr<uint64_t>({~uint64_t(0), 3})}, {})) ==
        std::vector<uint64_t>{64, 2});
  CHECK(get<int32_t>(run1(Prim::PopulationCount, {arr<int32_t>({-2, 7})}, {})) ==
        std::vector<int32_t>{31, 3});
  CHECK(get<int16_t>(run1(Prim::PopulationCount, {arr<int16_t>({-1})}, {})) == std::vector<int16_t>{16});
  CHECK(get<uint8_t>(run1(Prim::PopulationCount, {arr<uint8_t>({0xf0})}, {})) == std::vector<uint8_t>{4});
  CHECK_THROWS_AS(run1(Prim::PopulationCount, {arr<float>({1})}, {}), ember::Error);
}
