// The reference executor's elementwise kernels against values computed independently here: hand-derived
// edge cases (DESIGN §3 semantics, NumPy's answers) and, for the math functions, long double libm.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/executor.h"
#include "runtime/kernels/vecmath.h"

using namespace ember;
using ember::ir::DType;
using ember::ir::Prim;
using ember::runtime::Array;

namespace {

using c64 = std::complex<float>;
using c128 = std::complex<double>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
constexpr float kInff = std::numeric_limits<float>::infinity();

using ember::dtype_of;

// A rank-1 array (or of the given shape) holding `values`.
template <typename T>
Array arr(const std::vector<T>& values, ir::Shape shape = {}) {
  if (shape.empty() && values.size() != 1) shape = {int64_t(values.size())};
  Array a = Array::allocate(ir::Type{dtype_of<T>(), shape});
  REQUIRE(size_t(a.numel()) == values.size());
  if (!values.empty()) std::memcpy(a.data(), values.data(), values.size() * sizeof(T));
  return a;
}
template <typename T>
Array scalar(T v) {
  Array a = Array::allocate(ir::Type{dtype_of<T>(), {}});
  std::memcpy(a.data(), &v, sizeof(T));
  return a;
}
Array bools(const std::vector<int>& values, ir::Shape shape = {}) {
  if (shape.empty() && values.size() != 1) shape = {int64_t(values.size())};
  Array a = Array::allocate(ir::Type{DType::Bool, shape});
  for (size_t i = 0; i < values.size(); ++i) a.data_as<uint8_t>()[i] = uint8_t(values[i] != 0);
  return a;
}
std::vector<float16> halfs(const std::vector<float>& v) {
  std::vector<float16> out;
  for (float f : v) out.push_back(float16(f));
  return out;
}
std::vector<bfloat16> bhalfs(const std::vector<float>& v) {
  std::vector<bfloat16> out;
  for (float f : v) out.push_back(bfloat16(f));
  return out;
}

template <typename T>
std::vector<T> get(const Array& a) {
  REQUIRE(ir::dtype_size(a.type.dtype) == sizeof(T));
  std::vector<T> out(size_t(a.numel()));
  if (!out.empty()) std::memcpy(out.data(), a.data(), out.size() * sizeof(T));
  return out;
}
std::vector<int> get_bools(const Array& a) {
  REQUIRE(a.type.dtype == DType::Bool);
  std::vector<int> out;
  for (int64_t i = 0; i < a.numel(); ++i) out.push_back(a.data_as<uint8_t>()[i]);
  return out;
}
std::vector<uint16_t> bits16(const Array& a) { return get<uint16_t>(a); }

Array run(Prim p, std::vector<Array> operands, ir::Attrs attrs = {}) {
  auto results = runtime::execute_op(p, operands, attrs);
  REQUIRE(results.size() == 1);
  return results[0];
}
Array convert(const Array& x, DType to) { return run(Prim::ConvertElementType, {x}, {to, false}); }

bool same_double(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b); }
bool same_float(float a, float b) { return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b); }
// Equal values, or both NaN (payloads aside).
bool same_or_nan(double a, double b) { return (std::isnan(a) && std::isnan(b)) || same_double(a, b); }
bool close(double got, long double want, double rtol) {
  if (std::isnan(double(want))) return std::isnan(got);
  if (std::isinf(double(want))) return got == double(want);
  return std::fabs((long double)got - want) <= rtol * std::fabs(want) + 1e-300L;
}

template <typename T>
T min_of() {
  return std::numeric_limits<T>::min();
}
template <typename T>
T max_of() {
  return std::numeric_limits<T>::max();
}

// Small operands of every dtype in a class, for the completeness walk.
Array sample(DType d, int64_t n = 5) {
  Array a = Array::allocate(ir::Type{d, {n}});
  for (int64_t i = 0; i < n; ++i)
    store_element_from_double(d, static_cast<char*>(a.data()) + i * ir::dtype_size(d),
                              double(i % 3 + 1) * 0.5);
  return a;
}

ir::Attrs default_attrs(Prim p) {
  if (p == Prim::Round) return {int64_t(1)};
  if (p == Prim::IntegerPow) return {int64_t(3)};
  return {};
}

}  // namespace

TEST_CASE("elementwise: every primitive runs on every dtype its shape rule accepts") {
  int runs = 0;
  for (int i = 0; i < ir::kNumPrims; ++i) {
    Prim p = Prim(i);
    const ir::PrimInfo& info = ir::prim_info(p);
    if (!(info.flags & (ir::kUnaryElementwise | ir::kBinaryElementwise))) continue;
    CAPTURE(info.name);
    REQUIRE(runtime::kernel_table().has_rule(p));
    for (DType d : ir::kAllDTypes) {
      CAPTURE(ir::dtype_name(d));
      std::vector<Array> ops(size_t(info.min_operands), sample(d));
      if (!ir::in_class(d, info.operand_dtypes)) {
        CHECK_THROWS_AS(run(p, ops, default_attrs(p)), ember::Error);
        continue;
      }
      Array y = run(p, ops, default_attrs(p));
      CHECK(y.numel() == 5);
      if (y.type.dtype == DType::Bool)
        for (int b : get_bools(y)) CHECK((b == 0 || b == 1));
      ++runs;
    }
  }
  // select, clamp, convert_element_type and bitcast_convert_type over all their dtypes.
  for (DType d : ir::kAllDTypes) {
    CAPTURE(ir::dtype_name(d));
    Array x = sample(d);
    CHECK(run(Prim::Select, {bools({1, 0, 1, 0, 1}), x, x}).numel() == 5);
    if (ir::in_class(d, ir::kOrderedClass)) CHECK(run(Prim::Clamp, {x, x, x}).numel() == 5);
    for (DType to : ir::kAllDTypes) {
      Array y = convert(x, to);
      CHECK(y.type.dtype == to);
      if (to == DType::Bool)
        for (int b : get_bools(y)) CHECK((b == 0 || b == 1));
      if (ir::in_class(d, ir::kIntClass | ir::kFloatClass) &&
          ir::in_class(to, ir::kIntClass | ir::kFloatClass)) {
        Array src = ir::dtype_size(to) > ir::dtype_size(d)
                        ? sample(d, int64_t(5 * ir::dtype_size(to) / ir::dtype_size(d)))
                        : x;
        if (ir::dtype_size(to) > ir::dtype_size(d))
          src.type.shape = {5, int64_t(ir::dtype_size(to) / ir::dtype_size(d))};
        Array z = run(Prim::BitcastConvertType, {src}, {to});
        CHECK(z.nbytes() == src.nbytes());
        CHECK(std::memcmp(z.data(), src.data(), src.nbytes()) == 0);
      }
      ++runs;
    }
  }
  CHECK(runs > 500);
}

TEST_CASE("elementwise: integer add, sub, mul and neg wrap") {
  CHECK(get<int8_t>(run(Prim::Add, {arr<int8_t>({127, -128, 5}), arr<int8_t>({1, -1, -7})})) ==
        std::vector<int8_t>{-128, 127, -2});
  CHECK(get<int8_t>(run(Prim::Sub, {arr<int8_t>({-128, 0}), arr<int8_t>({1, -128})})) ==
        std::vector<int8_t>{127, -128});
  // 65535 * 65535 = 2^32 - 2^17 + 1 = 1 (mod 2^16): overflows int if done after promotion.
  CHECK(get<uint16_t>(run(Prim::Mul, {arr<uint16_t>({65535, 300}), arr<uint16_t>({65535, 300})})) ==
        std::vector<uint16_t>{1, uint16_t(90000 % 65536)});
  CHECK(get<int32_t>(run(Prim::Mul, {arr<int32_t>({min_of<int32_t>(), 65536}), arr<int32_t>({-1, 65536})})) ==
        std::vector<int32_t>{min_of<int32_t>(), 0});
  CHECK(get<int64_t>(run(Prim::Add, {arr<int64_t>({max_of<int64_t>()}), arr<int64_t>({1})})) ==
        std::vector<int64_t>{min_of<int64_t>()});
  CHECK(get<uint64_t>(run(Prim::Sub, {arr<uint64_t>({0, 5}), arr<uint64_t>({1, 3})})) ==
        std::vector<uint64_t>{max_of<uint64_t>(), 2});
  CHECK(get<int32_t>(run(Prim::Neg, {arr<int32_t>({min_of<int32_t>(), 5, 0})})) ==
        std::vector<int32_t>{min_of<int32_t>(), -5, 0});
  CHECK(get<uint8_t>(run(Prim::Neg, {arr<uint8_t>({1, 0, 255})})) == std::vector<uint8_t>{255, 0, 1});
}

TEST_CASE("elementwise: float add, sub, mul, neg follow IEEE (-0.0, inf, NaN)") {
  auto s = get<double>(run(
      Prim::Add, {arr<double>({-0.0, -0.0, kInf, 1e308, 0.1}), arr<double>({-0.0, 0.0, -kInf, 1e308, 0.2})}));
  CHECK(same_double(s[0], -0.0));
  CHECK(same_double(s[1], 0.0));
  CHECK(std::isnan(s[2]));
  CHECK(s[3] == kInf);
  CHECK(s[4] == 0.1 + 0.2);
  auto n = get<float>(run(Prim::Neg, {arr<float>({0.0f, -0.0f, kInff})}));
  CHECK(same_float(n[0], -0.0f));
  CHECK(same_float(n[1], 0.0f));
  CHECK(n[2] == -kInff);
  auto m = get<float>(run(Prim::Mul, {arr<float>({-0.0f, 3.0f, 0.0f}), arr<float>({5.0f, 1.5f, kInff})}));
  CHECK(same_float(m[0], -0.0f));
  CHECK(m[1] == 4.5f);
  CHECK(std::isnan(m[2]));
  auto c = get<c128>(run(Prim::Mul, {arr<c128>({{1, 2}, {0, 1}}), arr<c128>({{3, -1}, {0, 1}})}));
  CHECK(c[0] == c128(5, 5));
  CHECK(c[1] == c128(-1, 0));
  auto cs = get<c64>(run(Prim::Sub, {arr<c64>({{1, 2}}), arr<c64>({{0.5f, 4}})}));
  CHECK(cs[0] == c64(0.5f, -2));
}

TEST_CASE("elementwise: integer div and rem truncate, give 0 for x/0 and never trap") {
  const int32_t lo = min_of<int32_t>();
  auto a = arr<int32_t>({7, -7, 7, -7, 5, -5, 0, lo, lo, lo, 9});
  auto b = arr<int32_t>({2, 2, -2, -2, 0, 0, 0, -1, 1, 2, -1});
  CHECK(get<int32_t>(run(Prim::Div, {a, b})) ==
        std::vector<int32_t>{3, -3, -3, 3, 0, 0, 0, lo, lo, lo / 2, -9});
  CHECK(get<int32_t>(run(Prim::Rem, {a, b})) == std::vector<int32_t>{1, -1, 1, -1, 0, 0, 0, 0, 0, 0, 0});
  CHECK(get<int8_t>(run(Prim::Div, {arr<int8_t>({-128, -128, 100}), arr<int8_t>({-1, 0, 7})})) ==
        std::vector<int8_t>{-128, 0, 14});
  CHECK(get<int8_t>(run(Prim::Rem, {arr<int8_t>({-128, -128, 100}), arr<int8_t>({-1, 0, 7})})) ==
        std::vector<int8_t>{0, 0, 2});
  const int64_t lo64 = min_of<int64_t>();
  CHECK(get<int64_t>(run(Prim::Div, {arr<int64_t>({lo64, 10}), arr<int64_t>({-1, 0})})) ==
        std::vector<int64_t>{lo64, 0});
  CHECK(get<int64_t>(run(Prim::Rem, {arr<int64_t>({lo64, 10}), arr<int64_t>({-1, 0})})) ==
        std::vector<int64_t>{0, 0});
  CHECK(get<uint32_t>(run(Prim::Div, {arr<uint32_t>({4000000000u, 7, 8}), arr<uint32_t>({2, 0, 3})})) ==
        std::vector<uint32_t>{2000000000u, 0, 2});
  CHECK(get<uint32_t>(run(Prim::Rem, {arr<uint32_t>({4000000001u, 7, 8}), arr<uint32_t>({2, 0, 3})})) ==
        std::vector<uint32_t>{1, 0, 2});
  CHECK(get<uint8_t>(run(Prim::Div, {arr<uint8_t>({255}), arr<uint8_t>({255})})) == std::vector<uint8_t>{1});
}

TEST_CASE("elementwise: float div and rem (fmod: sign of the dividend)") {
  auto q = get<double>(run(Prim::Div, {arr<double>({1, -1, 0, 1, 7}), arr<double>({0, 0, 0, -kInf, 2})}));
  CHECK(q[0] == kInf);
  CHECK(q[1] == -kInf);
  CHECK(std::isnan(q[2]));
  CHECK(same_double(q[3], -0.0));
  CHECK(q[4] == 3.5);
  auto r = get<double>(
      run(Prim::Rem, {arr<double>({-5, 5, 5.5, -0.0, 1, kInf, 3}), arr<double>({3, -3, 2, 1, 0, 1, kInf})}));
  CHECK(r[0] == -2);
  CHECK(r[1] == 2);
  CHECK(r[2] == 1.5);
  CHECK(same_double(r[3], -0.0));
  CHECK(std::isnan(r[4]));
  CHECK(std::isnan(r[5]));
  CHECK(r[6] == 3);
  auto rf = get<float>(run(Prim::Rem, {arr<float>({-7.5f}), arr<float>({2.0f})}));
  CHECK(rf[0] == -1.5f);
  auto rh = get<float16>(run(Prim::Rem, {arr(halfs({-7.5f, 100.0f})), arr(halfs({2.0f, 7.0f}))}));
  CHECK(float(rh[0]) == -1.5f);
  CHECK(float(rh[1]) == 2.0f);
  // Complex quotient (Smith's algorithm): (1+2i)/(3+4i) = (11+2i)/25.
  auto c = get<c128>(run(Prim::Div, {arr<c128>({{1, 2}, {1, 0}}), arr<c128>({{3, 4}, {0, 0}})}));
  CHECK(close(c[0].real(), 11.0L / 25, 1e-15));
  CHECK(close(c[0].imag(), 2.0L / 25, 1e-15));
  CHECK(c[1].real() == kInf);
  CHECK(std::isnan(c[1].imag()));
}

TEST_CASE("elementwise: shifts by the bit width or more give 0 or the sign fill") {
  auto a8 = arr<int8_t>({1, 1, 1, 1, -128, -128, -128, -1, 64});
  auto c8 = arr<int8_t>({7, 8, 9, 100, 1, 7, 8, -1, 1});
  CHECK(get<int8_t>(run(Prim::ShiftLeft, {a8, c8})) == std::vector<int8_t>{-128, 0, 0, 0, 0, 0, 0, 0, -128});
  CHECK(get<int8_t>(run(Prim::ShiftRightLogical, {a8, c8})) ==
        std::vector<int8_t>{0, 0, 0, 0, 64, 1, 0, 0, 32});
  CHECK(get<int8_t>(run(Prim::ShiftRightArithmetic, {a8, c8})) ==
        std::vector<int8_t>{0, 0, 0, 0, -64, -1, -1, -1, 32});

  auto a32 = arr<int32_t>({1, 1, 1, -8, -8, -8, 5});
  auto c32 = arr<int32_t>({31, 32, 33, 1, 32, 1000, -3});
  CHECK(get<int32_t>(run(Prim::ShiftLeft, {a32, c32})) ==
        std::vector<int32_t>{min_of<int32_t>(), 0, 0, -16, 0, 0, 0});
  CHECK(get<int32_t>(run(Prim::ShiftRightLogical, {a32, c32})) ==
        std::vector<int32_t>{0, 0, 0, int32_t(0xfffffff8u >> 1), 0, 0, 0});
  CHECK(get<int32_t>(run(Prim::ShiftRightArithmetic, {a32, c32})) ==
        std::vector<int32_t>{0, 0, 0, -4, -1, -1, 0});

  auto a64 = arr<int64_t>({1, 1, 1, -1, min_of<int64_t>()});
  auto c64v = arr<int64_t>({63, 64, 65, 64, 63});
  CHECK(get<int64_t>(run(Prim::ShiftLeft, {a64, c64v})) ==
        std::vector<int64_t>{min_of<int64_t>(), 0, 0, 0, 0});
  CHECK(get<int64_t>(run(Prim::ShiftRightArithmetic, {a64, c64v})) == std::vector<int64_t>{0, 0, 0, -1, -1});
  CHECK(get<int64_t>(run(Prim::ShiftRightLogical, {a64, c64v})) == std::vector<int64_t>{0, 0, 0, 0, 1});

  // Unsigned: logical shifts; the arithmetic shift reads the bits as signed (XLA).
  auto u8 = arr<uint8_t>({0x80, 0x80, 0x40, 0xff});
  auto cu8 = arr<uint8_t>({1, 8, 1, 200});
  CHECK(get<uint8_t>(run(Prim::ShiftRightLogical, {u8, cu8})) == std::vector<uint8_t>{0x40, 0, 0x20, 0});
  CHECK(get<uint8_t>(run(Prim::ShiftRightArithmetic, {u8, cu8})) ==
        std::vector<uint8_t>{0xc0, 0xff, 0x20, 0xff});
  CHECK(get<uint8_t>(run(Prim::ShiftLeft, {u8, cu8})) == std::vector<uint8_t>{0, 0, 0x80, 0});
  // uint16 << 15 overflows int after promotion unless done unsigned.
  CHECK(get<uint16_t>(run(Prim::ShiftLeft, {arr<uint16_t>({0xffff, 3}), arr<uint16_t>({15, 16})})) ==
        std::vector<uint16_t>{0x8000, 0});
  CHECK(get<uint32_t>(run(Prim::ShiftLeft, {arr<uint32_t>({1, 1}), arr<uint32_t>({31, 32})})) ==
        std::vector<uint32_t>{0x80000000u, 0});
}

TEST_CASE("elementwise: bitwise and, or, xor, not on bool and integers") {
  auto a = bools({0, 0, 1, 1}), b = bools({0, 1, 0, 1});
  CHECK(get_bools(run(Prim::And, {a, b})) == std::vector<int>{0, 0, 0, 1});
  CHECK(get_bools(run(Prim::Or, {a, b})) == std::vector<int>{0, 1, 1, 1});
  CHECK(get_bools(run(Prim::Xor, {a, b})) == std::vector<int>{0, 1, 1, 0});
  CHECK(get_bools(run(Prim::Not, {a})) == std::vector<int>{1, 1, 0, 0});
  CHECK(get<int32_t>(run(Prim::And, {arr<int32_t>({0x0ff0, -1}), arr<int32_t>({0x00ff, 12345})})) ==
        std::vector<int32_t>{0x00f0, 12345});
  CHECK(get<uint8_t>(run(Prim::Or, {arr<uint8_t>({0xf0}), arr<uint8_t>({0x0f})})) ==
        std::vector<uint8_t>{0xff});
  CHECK(get<int64_t>(run(Prim::Xor, {arr<int64_t>({-1}), arr<int64_t>({5})})) ==
        std::vector<int64_t>{~int64_t(5)});
  CHECK(get<int8_t>(run(Prim::Not, {arr<int8_t>({0, -1, 5})})) == std::vector<int8_t>{-1, 0, -6});
  CHECK(get<uint16_t>(run(Prim::Not, {arr<uint16_t>({0, 0xff00})})) == std::vector<uint16_t>{0xffff, 0x00ff});
}

TEST_CASE("elementwise: comparisons follow IEEE and give bool") {
  auto a = arr<double>({1, kNaN, kNaN, -0.0, 2, -kInf});
  auto b = arr<double>({1, kNaN, 1, 0.0, 1, kInf});
  CHECK(get_bools(run(Prim::Eq, {a, b})) == std::vector<int>{1, 0, 0, 1, 0, 0});
  CHECK(get_bools(run(Prim::Ne, {a, b})) == std::vector<int>{0, 1, 1, 0, 1, 1});
  CHECK(get_bools(run(Prim::Lt, {a, b})) == std::vector<int>{0, 0, 0, 0, 0, 1});
  CHECK(get_bools(run(Prim::Le, {a, b})) == std::vector<int>{1, 0, 0, 1, 0, 1});
  CHECK(get_bools(run(Prim::Gt, {a, b})) == std::vector<int>{0, 0, 0, 0, 1, 0});
  CHECK(get_bools(run(Prim::Ge, {a, b})) == std::vector<int>{1, 0, 0, 1, 1, 0});
  auto ia = arr<int8_t>({-128, 5, 3}), ib = arr<int8_t>({127, 5, -3});
  CHECK(get_bools(run(Prim::Lt, {ia, ib})) == std::vector<int>{1, 0, 0});
  CHECK(get_bools(run(Prim::Ge, {ia, ib})) == std::vector<int>{0, 1, 1});
  auto ua = arr<uint64_t>({max_of<uint64_t>(), 0}), ub = arr<uint64_t>({1, 0});
  CHECK(get_bools(run(Prim::Gt, {ua, ub})) == std::vector<int>{1, 0});
  CHECK(get_bools(run(Prim::Lt, {bools({0, 1, 0}), bools({1, 1, 0})})) == std::vector<int>{1, 0, 0});
  CHECK(get_bools(run(Prim::Eq, {bools({0, 1, 0}), bools({1, 1, 0})})) == std::vector<int>{0, 1, 1});
  auto ca = arr<c64>({{1, 2}, {1, 2}, {kNaNf, 0}}), cb = arr<c64>({{1, 2}, {1, -2}, {kNaNf, 0}});
  CHECK(get_bools(run(Prim::Eq, {ca, cb})) == std::vector<int>{1, 0, 0});
  CHECK(get_bools(run(Prim::Ne, {ca, cb})) == std::vector<int>{0, 1, 1});
  auto ha = arr(halfs({1.0f, kNaNf, -0.0f})), hb = arr(halfs({1.0009765625f, kNaNf, 0.0f}));
  CHECK(get_bools(run(Prim::Lt, {ha, hb})) == std::vector<int>{1, 0, 0});
  CHECK(get_bools(run(Prim::Eq, {ha, hb})) == std::vector<int>{0, 0, 1});
}

TEST_CASE("elementwise: max and min propagate NaN; complex compares lexicographically; bool is or/and") {
  auto a = arr<double>({kNaN, 1, 2, -kInf, -0.0, 0.0});
  auto b = arr<double>({1, kNaN, 1, 5, 0.0, -0.0});
  auto mx = get<double>(run(Prim::Max, {a, b}));
  auto mn = get<double>(run(Prim::Min, {a, b}));
  CHECK(std::isnan(mx[0]));
  CHECK(std::isnan(mx[1]));
  CHECK(mx[2] == 2);
  CHECK(mx[3] == 5);
  CHECK(std::isnan(mn[0]));
  CHECK(std::isnan(mn[1]));
  CHECK(mn[2] == 1);
  CHECK(mn[3] == -kInf);
  // Zeros of either sign compare equal; NumPy returns the second operand.
  CHECK(same_double(mx[4], 0.0));
  CHECK(same_double(mx[5], -0.0));
  CHECK(same_double(mn[4], 0.0));
  CHECK(same_double(mn[5], -0.0));
  auto hf = get<float16>(run(Prim::Max, {arr(halfs({kNaNf, 3.0f})), arr(halfs({1.0f, 2.5f}))}));
  CHECK(std::isnan(float(hf[0])));
  CHECK(float(hf[1]) == 3.0f);
  auto bf = get<bfloat16>(run(Prim::Min, {arr(bhalfs({2.0f, 3.0f})), arr(bhalfs({kNaNf, 2.5f}))}));
  CHECK(std::isnan(float(bf[0])));
  CHECK(float(bf[1]) == 2.5f);
  CHECK(get<int32_t>(run(Prim::Max, {arr<int32_t>({-5, 7}), arr<int32_t>({3, -9})})) ==
        std::vector<int32_t>{3, 7});
  CHECK(get<uint8_t>(run(Prim::Min, {arr<uint8_t>({200, 7}), arr<uint8_t>({3, 255})})) ==
        std::vector<uint8_t>{3, 7});
  CHECK(get_bools(run(Prim::Max, {bools({0, 0, 1, 1}), bools({0, 1, 0, 1})})) ==
        std::vector<int>{0, 1, 1, 1});
  CHECK(get_bools(run(Prim::Min, {bools({0, 0, 1, 1}), bools({0, 1, 0, 1})})) ==
        std::vector<int>{0, 0, 0, 1});
  auto ca = arr<c128>({{1, 2}, {1, 2}, {2, -5}, {kNaN, 0}, {1, 0}, {0, 1}});
  auto cb = arr<c128>({{1, 3}, {0, 9}, {1, 5}, {0, 0}, {5, kNaN}, {kNaN, 0}});
  auto cmx = get<c128>(run(Prim::Max, {ca, cb}));
  auto cmn = get<c128>(run(Prim::Min, {ca, cb}));
  CHECK(cmx[0] == c128(1, 3));
  CHECK(cmx[1] == c128(1, 2));
  CHECK(cmx[2] == c128(2, -5));
  CHECK(std::isnan(cmx[3].real()));
  CHECK(std::isnan(cmx[4].imag()));
  CHECK(std::isnan(cmx[5].real()));
  CHECK(cmn[0] == c128(1, 2));
  CHECK(cmn[1] == c128(0, 9));
  CHECK(cmn[2] == c128(1, 5));
  CHECK(std::isnan(cmn[3].real()));
  CHECK(std::isnan(cmn[4].imag()));
  CHECK(std::isnan(cmn[5].real()));
}

TEST_CASE("elementwise: pow for floats, integers (wrapping, negative exponents) and complex") {
  auto p = get<double>(
      run(Prim::Pow, {arr<double>({kNaN, 2, -8, 0, 0, 4}), arr<double>({0, 10, 1.0 / 3, 0, -1, 0.5})}));
  CHECK(p[0] == 1);
  CHECK(p[1] == 1024);
  CHECK(std::isnan(p[2]));
  CHECK(p[3] == 1);
  CHECK(p[4] == kInf);
  CHECK(p[5] == 2);
  // 3^40 mod 2^32 computed independently.
  uint32_t w = 1;
  for (int i = 0; i < 40; ++i) w *= 3u;
  auto ip = get<int32_t>(run(Prim::Pow, {arr<int32_t>({3, 0, 2, -2, 1, -1, -1, 2, 0, 7}),
                                         arr<int32_t>({40, 0, 10, 3, -5, -3, -4, -1, -2, 1})}));
  CHECK(ip == std::vector<int32_t>{int32_t(w), 1, 1024, -8, 1, -1, 1, 0, 0, 7});
  CHECK(get<uint8_t>(run(Prim::Pow, {arr<uint8_t>({2, 3, 0}), arr<uint8_t>({8, 5, 0})})) ==
        std::vector<uint8_t>{0, 243, 1});
  CHECK(get<int64_t>(run(Prim::Pow, {arr<int64_t>({-2}), arr<int64_t>({63})})) ==
        std::vector<int64_t>{min_of<int64_t>()});
  auto hp = get<float16>(run(Prim::Pow, {arr(halfs({2.0f, 10.0f})), arr(halfs({-2.0f, 5.0f}))}));
  CHECK(float(hp[0]) == 0.25f);
  CHECK(std::isinf(float(hp[1])));  // 1e5 overflows float16 once, at the end
  // Complex (NumPy's rules): x**0 = 1, 0**y for Re y > 0 is 0 else NaN, small integer powers exact.
  auto cp = get<c128>(
      run(Prim::Pow, {arr<c128>({{0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 2}, {1, 2}, {1, 2}, {kNaN, 1}}),
                      arr<c128>({{0, 0}, {0.5, 0}, {0, 1}, {-1, 1}, {2, 0}, {-2, 0}, {3, 0}, {0, 0}})}));
  CHECK(cp[0] == c128(1, 0));
  CHECK(cp[1] == c128(0, 0));
  CHECK(std::isnan(cp[2].real()));
  CHECK(std::isnan(cp[3].real()));
  CHECK(cp[4] == c128(-3, 4));
  CHECK(close(cp[5].real(), -0.12L, 1e-15));
  CHECK(close(cp[5].imag(), -0.16L, 1e-15));
  CHECK(cp[6] == c128(-11, -2));
  CHECK(cp[7] == c128(1, 0));
  // A non-integral exponent: (1+i)^(0.5+0.25i) = exp(y log x).
  auto cq = get<c128>(run(Prim::Pow, {arr<c128>({{1, 1}}), arr<c128>({{0.5, 0.25}})}));
  std::complex<long double> want =
      std::exp(std::complex<long double>(0.5L, 0.25L) * std::log(std::complex<long double>(1, 1)));
  CHECK(close(cq[0].real(), want.real(), 1e-14));
  CHECK(close(cq[0].imag(), want.imag(), 1e-14));
}

TEST_CASE("elementwise: integer_pow multiplies by squaring; negative exponents are reciprocals") {
  CHECK(get<int32_t>(run(Prim::IntegerPow, {arr<int32_t>({2, -3, 0, 7})}, {int64_t(3)})) ==
        std::vector<int32_t>{8, -27, 0, 343});
  CHECK(get<int8_t>(run(Prim::IntegerPow, {arr<int8_t>({3, -1, 2})}, {int64_t(5)})) ==
        std::vector<int8_t>{int8_t(243 - 256), -1, 32});
  CHECK(get<int64_t>(run(Prim::IntegerPow, {arr<int64_t>({5, 0})}, {int64_t(0)})) ==
        std::vector<int64_t>{1, 1});
  auto f = get<double>(run(Prim::IntegerPow, {arr<double>({2, kNaN, 0, -2, 1.5})}, {int64_t(-3)}));
  CHECK(f[0] == 0.125);
  CHECK(std::isnan(f[1]));
  CHECK(f[2] == kInf);
  CHECK(f[3] == -0.125);
  CHECK(close(f[4], 1.0L / (1.5L * 1.5L * 1.5L), 1e-15));
  auto f0 = get<float>(run(Prim::IntegerPow, {arr<float>({kNaNf, kInff})}, {int64_t(0)}));
  CHECK(f0[0] == 1.0f);
  CHECK(f0[1] == 1.0f);
  auto c = get<c64>(run(Prim::IntegerPow, {arr<c64>({{1, 1}, {0, 2}})}, {int64_t(4)}));
  CHECK(c[0] == c64(-4, 0));
  CHECK(c[1] == c64(16, 0));
  auto ci = get<c128>(run(Prim::IntegerPow, {arr<c128>({{0, 2}})}, {int64_t(-2)}));
  CHECK(ci[0] == c128(-0.25, 0));
  // float16 computes in float and rounds once: 300^2 = 90000 overflows to inf only at the end; 1.5^7.
  auto h = get<float16>(run(Prim::IntegerPow, {arr(halfs({300.0f, 1.5f}))}, {int64_t(2)}));
  CHECK(std::isinf(float(h[0])));
  CHECK(float(h[1]) == 2.25f);
  CHECK_THROWS_AS(run(Prim::IntegerPow, {arr<int32_t>({2})}, {int64_t(-1)}), ember::Error);
}

TEST_CASE("elementwise: abs and sign, including INT_MIN, -0.0, NaN and complex") {
  CHECK(get<int8_t>(run(Prim::Abs, {arr<int8_t>({-128, -5, 5, 0})})) == std::vector<int8_t>{-128, 5, 5, 0});
  CHECK(get<uint32_t>(run(Prim::Abs, {arr<uint32_t>({0xffffffffu})})) == std::vector<uint32_t>{0xffffffffu});
  auto af = get<double>(run(Prim::Abs, {arr<double>({-0.0, -kInf, kNaN, -2.5})}));
  CHECK(same_double(af[0], 0.0));
  CHECK(af[1] == kInf);
  CHECK(std::isnan(af[2]));
  CHECK(af[3] == 2.5);
  Array ac = run(Prim::Abs, {arr<c128>({{3, 4}, {1e300, 1e300}, {-kInf, kNaN}})});
  CHECK(ac.type.dtype == DType::F64);
  auto acv = get<double>(ac);
  CHECK(acv[0] == 5);
  CHECK(close(acv[1], 1e300L * std::sqrt(2.0L), 1e-15));  // no overflow in re^2 + im^2
  CHECK(acv[2] == kInf);
  CHECK(run(Prim::Abs, {arr<c64>({{3, 4}})}).type.dtype == DType::F32);

  CHECK(get<int32_t>(run(Prim::Sign, {arr<int32_t>({-7, 0, 9, min_of<int32_t>()})})) ==
        std::vector<int32_t>{-1, 0, 1, -1});
  CHECK(get<uint8_t>(run(Prim::Sign, {arr<uint8_t>({0, 200})})) == std::vector<uint8_t>{0, 1});
  auto sf = get<float>(run(Prim::Sign, {arr<float>({-0.0f, 0.0f, kNaNf, -kInff, 1e-40f, -3})}));
  CHECK(same_float(sf[0], 0.0f));  // np.sign(-0.0) is +0.0
  CHECK(same_float(sf[1], 0.0f));
  CHECK(std::isnan(sf[2]));
  CHECK(sf[3] == -1);
  CHECK(sf[4] == 1);
  CHECK(sf[5] == -1);
  auto sc = get<c128>(
      run(Prim::Sign, {arr<c128>({{3, 4}, {0, 0}, {kInf, 1}, {1, -kInf}, {kInf, kInf}, {kNaN, 0}})}));
  CHECK(sc[0] == c128(0.6, 0.8));
  CHECK(sc[1] == c128(0, 0));
  CHECK(sc[2] == c128(1, 0));
  CHECK(sc[3] == c128(0, -1));
  CHECK(std::isnan(sc[4].real()));
  CHECK(std::isnan(sc[5].real()));
}

TEST_CASE("elementwise: floor, ceil and round (halves away from zero or to even)") {
  auto x = arr<double>({0.5, 1.5, 2.5, -0.5, -2.5, 2.4, -0.0, kInf, kNaN});
  auto away = get<double>(run(Prim::Round, {x}, {int64_t(0)}));
  auto even = get<double>(run(Prim::Round, {x}, {int64_t(1)}));
  std::vector<double> want_away{1, 2, 3, -1, -3, 2, -0.0, kInf, kNaN},
      want_even{0, 2, 2, -0.0, -2, 2, -0.0, kInf, kNaN};
  for (size_t i = 0; i < want_away.size(); ++i) {
    CAPTURE(i);
    CHECK(same_or_nan(away[i], want_away[i]));
    CHECK(same_or_nan(even[i], want_even[i]));
  }
  auto fl = get<float>(run(Prim::Floor, {arr<float>({-0.5f, 1.5f, -0.0f})}));
  CHECK(fl == std::vector<float>{-1, 1, 0});
  CHECK(std::signbit(fl[2]));
  auto ce = get<float>(run(Prim::Ceil, {arr<float>({-0.5f, 1.5f})}));
  CHECK(ce[1] == 2);
  CHECK(same_float(ce[0], -0.0f));
  auto hr = get<float16>(run(Prim::Round, {arr(halfs({2.5f, -3.5f}))}, {int64_t(1)}));
  CHECK(float(hr[0]) == 2.0f);
  CHECK(float(hr[1]) == -4.0f);
  auto br = get<bfloat16>(run(Prim::Round, {arr(bhalfs({2.5f, -3.5f}))}, {int64_t(0)}));
  CHECK(float(br[0]) == 3.0f);
  CHECK(float(br[1]) == -4.0f);
}

TEST_CASE("elementwise: real transcendental functions match long double libm") {
  struct Case {
    Prim prim;
    long double (*ref)(long double);
    std::vector<double> xs;
  };
  auto rsqrt = [](long double v) { return 1.0L / std::sqrt(v); };
  auto logistic = [](long double v) { return 1.0L / (1.0L + std::exp(-v)); };
  std::vector<Case> cases = {
      {Prim::Exp, [](long double v) { return std::exp(v); }, {0, 1, -1, 10.5, -700, 709}},
      {Prim::Exp2, [](long double v) { return std::exp2(v); }, {0, 1, -1.5, 10.25, -1000}},
      {Prim::Expm1, [](long double v) { return std::expm1(v); }, {1e-10, -1e-12, 0.5, 3}},
      {Prim::Log, [](long double v) { return std::log(v); }, {1, 2, 1e-300, 1e300, 0.999}},
      {Prim::Log1p, [](long double v) { return std::log1p(v); }, {1e-12, -0.5, 3, 1e10}},
      {Prim::Sqrt, [](long double v) { return std::sqrt(v); }, {0, 2, 1e-300, 1e300}},
      {Prim::Rsqrt, +rsqrt, {1, 2, 1e-300, 1e300, 0.25}},
      {Prim::Cbrt, [](long double v) { return std::cbrt(v); }, {-27, 2, 1e-300}},
      {Prim::Sin, [](long double v) { return std::sin(v); }, {0.5, -2, 100}},
      {Prim::Cos, [](long double v) { return std::cos(v); }, {0.5, -2, 100}},
      {Prim::Tan, [](long double v) { return std::tan(v); }, {0.5, -1.2, 3}},
      {Prim::Asin, [](long double v) { return std::asin(v); }, {0.5, -0.99, 1e-10}},
      {Prim::Acos, [](long double v) { return std::acos(v); }, {0.5, -0.99, 0.1}},
      {Prim::Atan, [](long double v) { return std::atan(v); }, {0.5, -100, 1e-10}},
      {Prim::Sinh, [](long double v) { return std::sinh(v); }, {0.5, -3, 1e-10}},
      {Prim::Cosh, [](long double v) { return std::cosh(v); }, {0.5, -3, 20}},
      {Prim::Tanh, [](long double v) { return std::tanh(v); }, {0.5, -3, 1e-10, 30}},
      {Prim::Asinh, [](long double v) { return std::asinh(v); }, {0.5, -3, 1e-10, 1e10}},
      {Prim::Acosh, [](long double v) { return std::acosh(v); }, {1.5, 3, 1e10}},
      {Prim::Atanh, [](long double v) { return std::atanh(v); }, {0.5, -0.9, 1e-10}},
      {Prim::Logistic, +logistic, {0, 2, -2, 30, -30, -700, 700}},
      {Prim::Erf, [](long double v) { return std::erf(v); }, {0.5, -1, 1e-10, 3}},
      {Prim::Erfc, [](long double v) { return std::erfc(v); }, {0.5, -1, 5, 20}},
  };
  for (const Case& c : cases) {
    CAPTURE(ir::prim_name(c.prim));
    auto y = get<double>(run(c.prim, {arr<double>(c.xs)}));
    std::vector<float> xf(c.xs.begin(), c.xs.end());
    auto yf = get<float>(run(c.prim, {arr<float>(xf)}));
    for (size_t i = 0; i < c.xs.size(); ++i) {
      CAPTURE(c.xs[i]);
      long double want = c.ref(c.xs[i]);
      CHECK(close(y[i], want, 1e-15));
      long double want_f = c.ref((long double)xf[i]);
      if (std::fabs(want_f) > 1e-37L && std::fabs(want_f) < 3e38L) CHECK(close(yf[i], want_f, 1e-6));
    }
  }
}

TEST_CASE("elementwise: logistic is accurate in both tails and never NaN") {
  auto y = get<float>(run(Prim::Logistic, {arr<float>({-100, -1000, 1000, 100, 0, -kInff, kInff, kNaNf})}));
  // e^-100 is a float subnormal: within one subnormal step of the exact value, and not 0.
  CHECK(y[0] > 0);
  CHECK(std::fabs(y[0] - std::exp(-100.0L) / (1 + std::exp(-100.0L))) <= 0x1p-149L);
  CHECK(y[1] == 0);
  CHECK(y[2] == 1);
  CHECK(y[3] == 1);
  CHECK(y[4] == 0.5f);
  CHECK(y[5] == 0);
  CHECK(y[6] == 1);
  CHECK(std::isnan(y[7]));
  auto c = get<c128>(run(Prim::Logistic, {arr<c128>({{-1000, 1}, {1000, 1}, {0, 0}})}));
  CHECK(std::abs(c[0]) == 0);
  CHECK(c[1] == c128(1, 0));
  CHECK(c[2] == c128(0.5, 0));
}

TEST_CASE("elementwise: float16 and bfloat16 compute in float and round once") {
  std::vector<float> xs{0.1f, 0.5f, 1.0f, 2.75f, -3.0f, 11.0f, 60000.0f};
  auto y = bits16(run(Prim::Exp, {arr(halfs(xs))}));
  auto yb = bits16(run(Prim::Tanh, {arr(bhalfs(xs))}));
  for (size_t i = 0; i < xs.size(); ++i) {
    CHECK(y[i] == float16(std::exp(float(float16(xs[i])))).bits);
    CHECK(yb[i] == bfloat16(std::tanh(float(bfloat16(xs[i])))).bits);
  }
  // Ties round to even: 1 + 2^-11 -> 1, (1 + 2^-10) + 2^-11 -> 1 + 2^-9; 2048 + 1 -> 2048, 2048 + 3 -> 2052.
  auto s = get<float16>(run(Prim::Add, {arr(halfs({1.0f, 1.0009765625f, 2048, 2048})),
                                        arr(halfs({0.00048828125f, 0.00048828125f, 1, 3}))}));
  CHECK(s[0].bits == 0x3c00);
  CHECK(s[1].bits == 0x3c02);
  CHECK(float(s[2]) == 2048);
  CHECK(float(s[3]) == 2052);
  auto sb = get<bfloat16>(
      run(Prim::Add, {arr(bhalfs({1.0f, 1.0078125f})), arr(bhalfs({0.00390625f, 0.00390625f}))}));
  CHECK(sb[0].bits == 0x3f80);
  CHECK(sb[1].bits == 0x3f82);
  // 60000 * 2 overflows float16 to inf; the product 0.1 * 0.1 is rounded once from float.
  auto m = get<float16>(run(Prim::Mul, {arr(halfs({60000, 0.1f})), arr(halfs({2, 0.1f}))}));
  CHECK(m[0].bits == 0x7c00);
  CHECK(m[1].bits == float16(float(float16(0.1f)) * float(float16(0.1f))).bits);
}

TEST_CASE("elementwise: complex transcendental functions") {
  using L = std::complex<long double>;
  std::vector<c128> zs{{0.5, 0.25}, {-1, 2}, {0.1, -3}};
  struct Case {
    Prim prim;
    L (*ref)(L);
  };
  std::vector<Case> cases = {
      {Prim::Exp, [](L z) { return std::exp(z); }},
      {Prim::Log, [](L z) { return std::log(z); }},
      {Prim::Sqrt, [](L z) { return std::sqrt(z); }},
      {Prim::Rsqrt, [](L z) { return L(1) / std::sqrt(z); }},
      {Prim::Exp2, [](L z) { return std::exp(z * std::log(2.0L)); }},
      {Prim::Expm1, [](L z) { return std::exp(z) - L(1); }},
      {Prim::Log1p, [](L z) { return std::log(L(1) + z); }},
      {Prim::Sin, [](L z) { return std::sin(z); }},
      {Prim::Cos, [](L z) { return std::cos(z); }},
      {Prim::Tan, [](L z) { return std::tan(z); }},
      {Prim::Asin, [](L z) { return std::asin(z); }},
      {Prim::Acos, [](L z) { return std::acos(z); }},
      {Prim::Atan, [](L z) { return std::atan(z); }},
      {Prim::Sinh, [](L z) { return std::sinh(z); }},
      {Prim::Cosh, [](L z) { return std::cosh(z); }},
      {Prim::Tanh, [](L z) { return std::tanh(z); }},
      {Prim::Asinh, [](L z) { return std::asinh(z); }},
      {Prim::Acosh, [](L z) { return std::acosh(z); }},
      {Prim::Atanh, [](L z) { return std::atanh(z); }},
      {Prim::Logistic, [](L z) { return L(1) / (L(1) + std::exp(-z)); }},
  };
  for (const Case& c : cases) {
    CAPTURE(ir::prim_name(c.prim));
    auto y = get<c128>(run(c.prim, {arr<c128>(zs)}));
    std::vector<c64> zf(zs.begin(), zs.end());
    auto yf = get<c64>(run(c.prim, {arr<c64>(zf)}));
    for (size_t i = 0; i < zs.size(); ++i) {
      L want = c.ref(L(zs[i])), want_f = c.ref(L(zf[i]));
      long double scale = std::abs(want), scale_f = std::abs(want_f);
      CHECK(std::abs(L(y[i]) - want) <= 1e-15L * scale);
      CHECK(std::abs(L(yf[i]) - want_f) <= 1e-6L * scale_f);
    }
  }
  // expm1 and log1p keep the digits of a tiny z (NumPy's log1p loses half of them here).
  auto e = get<c128>(run(Prim::Expm1, {arr<c128>({{1e-10, 1e-10}})}));
  CHECK(close(e[0].real(), 1e-10L, 1e-12));  // z + z^2/2: z^2 = 2e-20 i is purely imaginary
  CHECK(close(e[0].imag(), 1e-10L + 1e-20L, 1e-12));
  auto l = get<c128>(run(Prim::Log1p, {arr<c128>({{1e-10, 1e-10}, {-1e-12, 0}})}));
  CHECK(close(l[0].real(), 1e-10L, 1e-12));  // z - z^2/2: real part 1e-10 + O(1e-30)
  CHECK(close(l[0].imag(), 1e-10L - 1e-20L, 1e-12));
  CHECK(close(l[1].real(), std::log1p(-1e-12L), 1e-14));
}

TEST_CASE("elementwise: is_finite, real, imag, conj and complex") {
  CHECK(get_bools(run(Prim::IsFinite, {arr<double>({1, kInf, -kInf, kNaN, -0.0})})) ==
        std::vector<int>{1, 0, 0, 0, 1});
  CHECK(get_bools(run(Prim::IsFinite, {arr(halfs({65504, kInff, kNaNf}))})) == std::vector<int>{1, 0, 0});
  CHECK(get_bools(run(Prim::IsFinite, {arr(bhalfs({1e38f, -kInff}))})) == std::vector<int>{1, 0});
  auto z = arr<c64>({{1, -2}, {-0.0f, 3}});
  Array re = run(Prim::Real, {z}), im = run(Prim::Imag, {z});
  CHECK(re.type.dtype == DType::F32);
  CHECK(get<float>(re) == std::vector<float>{1, -0.0f});
  CHECK(std::signbit(get<float>(re)[1]));
  CHECK(get<float>(im) == std::vector<float>{-2, 3});
  CHECK(get<c64>(run(Prim::Conj, {z})) == std::vector<c64>{{1, 2}, {-0.0f, -3}});
  auto c = run(Prim::Complex, {arr<double>({1, kNaN}), arr<double>({-2, 0})});
  CHECK(c.type.dtype == DType::C128);
  auto cv = get<c128>(c);
  CHECK(cv[0] == c128(1, -2));
  CHECK(std::isnan(cv[1].real()));
  auto cf = run(Prim::Complex, {arr<float>({1.5f}), arr<float>({2.5f})});
  CHECK(cf.type.dtype == DType::C64);
  CHECK(get<c64>(cf)[0] == c64(1.5f, 2.5f));
  auto ch = run(Prim::Complex, {arr(halfs({1.5f})), arr(halfs({-2.0f}))});
  CHECK(ch.type.dtype == DType::C64);
  CHECK(get<c64>(ch)[0] == c64(1.5f, -2.0f));
}

TEST_CASE("elementwise: atan2 and nextafter (in the 16-bit types' own ulps)") {
  auto a =
      get<double>(run(Prim::Atan2, {arr<double>({1, 1, -0.0, 0.0, -1}), arr<double>({1, -1, -1, -1, 0})}));
  CHECK(close(a[0], std::atan2(1.0L, 1.0L), 2e-16));
  CHECK(close(a[1], 3 * std::atan2(1.0L, 1.0L), 2e-16));
  CHECK(a[2] == -M_PI);
  CHECK(a[3] == M_PI);
  CHECK(close(a[4], -2 * std::atan2(1.0L, 1.0L), 2e-16));
  auto n = get<double>(run(Prim::Nextafter, {arr<double>({1, 1, 0, kNaN}), arr<double>({2, 0, -1, 1})}));
  CHECK(n[0] == 1 + std::numeric_limits<double>::epsilon());
  CHECK(n[1] == 1 - std::numeric_limits<double>::epsilon() / 2);
  CHECK(n[2] == -std::numeric_limits<double>::denorm_min());
  CHECK(std::isnan(n[3]));
  auto nf = get<float>(run(Prim::Nextafter, {arr<float>({1, kInff}), arr<float>({2, 0})}));
  CHECK(nf[0] == 1 + std::numeric_limits<float>::epsilon());
  CHECK(nf[1] == std::numeric_limits<float>::max());
  auto h = bits16(run(Prim::Nextafter, {arr(halfs({1, 0, kInff, 1, -1, 65504, 3, kNaNf, -0.0f})),
                                        arr(halfs({2, -1, 0, 0, 0, kInff, 3, 1, 0.0f}))}));
  CHECK(h == std::vector<uint16_t>{0x3c01, 0x8001, 0x7bff, 0x3bff, 0xbbff, 0x7c00, 0x4200, h[7], 0x0000});
  CHECK((h[7] & 0x7c00) == 0x7c00);
  CHECK((h[7] & 0x03ff) != 0);
  auto b = bits16(run(Prim::Nextafter, {arr(bhalfs({1, 1, 0})), arr(bhalfs({2, 0, 1}))}));
  CHECK(b == std::vector<uint16_t>{0x3f81, 0x3f7f, 0x0001});
}

TEST_CASE("elementwise: float to integer conversion saturates and maps NaN to 0") {
  auto x = arr<float>({1e10f, -1e10f, kNaNf, 3.9f, -3.9f, kInff, -kInff, 2147483520.0f, -0.0f});
  CHECK(get<int32_t>(convert(x, DType::I32)) == std::vector<int32_t>{max_of<int32_t>(), min_of<int32_t>(), 0,
                                                                     3, -3, max_of<int32_t>(),
                                                                     min_of<int32_t>(), 2147483520, 0});
  CHECK(get<uint8_t>(convert(arr<double>({-1, 300, 255.9, kNaN, 0.5}), DType::U8)) ==
        std::vector<uint8_t>{0, 255, 255, 0, 0});
  CHECK(get<int64_t>(convert(arr<float>({9.3e18f, -9.3e18f, 1e18f}), DType::I64)) ==
        std::vector<int64_t>{max_of<int64_t>(), min_of<int64_t>(), int64_t(1e18f)});
  CHECK(get<uint64_t>(convert(arr<double>({1e20, -5, 1.8446744073709550e19}), DType::U64)) ==
        std::vector<uint64_t>{max_of<uint64_t>(), 0, 18446744073709549568ull});
  CHECK(get<int16_t>(convert(arr(halfs({kInff, -kInff, kNaNf, 65504, -1.5f})), DType::I16)) ==
        std::vector<int16_t>{32767, -32768, 0, 32767, -1});
  CHECK(get<int8_t>(convert(arr(bhalfs({1e30f, -200, 100.5f})), DType::I8)) ==
        std::vector<int8_t>{127, -128, 100});
  // complex -> integer takes the real part.
  CHECK(get<int32_t>(convert(arr<c128>({{7.9, 100}, {kNaN, 1}}), DType::I32)) == std::vector<int32_t>{7, 0});
}

TEST_CASE("elementwise: conversions to and from bool, complex, and between integers") {
  CHECK(get_bools(convert(arr<double>({0, -0.0, kNaN, 0.5, -kInf}), DType::Bool)) ==
        std::vector<int>{0, 0, 1, 1, 1});
  CHECK(get_bools(convert(arr<int32_t>({0, -7, 256}), DType::Bool)) == std::vector<int>{0, 1, 1});
  CHECK(get_bools(convert(arr<c64>({{0, 0}, {0, 1}, {-0.0f, 0}}), DType::Bool)) == std::vector<int>{0, 1, 0});
  CHECK(get_bools(convert(arr(halfs({0, 1e-7f})), DType::Bool)) == std::vector<int>{0, 1});
  CHECK(get<double>(convert(bools({1, 0}), DType::F64)) == std::vector<double>{1, 0});
  CHECK(get<int8_t>(convert(bools({1, 0}), DType::I8)) == std::vector<int8_t>{1, 0});
  CHECK(bits16(convert(bools({1, 0}), DType::F16)) == std::vector<uint16_t>{0x3c00, 0});
  CHECK(get<c64>(convert(bools({1}), DType::C64))[0] == c64(1, 0));
  CHECK(get<c128>(convert(arr<float>({2.5f}), DType::C128))[0] == c128(2.5, 0));
  CHECK(get<c64>(convert(arr<int64_t>({-3}), DType::C64))[0] == c64(-3, 0));
  CHECK(get<c64>(convert(arr<c128>({{1.0 / 3, -2}}), DType::C64))[0] == c64(float(1.0 / 3), -2));
  CHECK(get<float>(convert(arr<c128>({{1.5, -2}}), DType::F32))[0] == 1.5f);
  CHECK(get<int8_t>(convert(arr<int32_t>({300, -129, 128}), DType::I8)) ==
        std::vector<int8_t>{44, 127, -128});
  CHECK(get<uint32_t>(convert(arr<int8_t>({-1, 5}), DType::U32)) == std::vector<uint32_t>{0xffffffffu, 5});
  CHECK(get<int64_t>(convert(arr<uint64_t>({max_of<uint64_t>()}), DType::I64)) == std::vector<int64_t>{-1});
  CHECK(get<uint16_t>(convert(arr<int64_t>({65537, -1}), DType::U16)) == std::vector<uint16_t>{1, 65535});
  CHECK(get<float>(convert(arr<int64_t>({(int64_t(1) << 40) + 1}), DType::F32))[0] ==
        float(int64_t(1) << 40));
  CHECK(get<float>(convert(arr<uint64_t>({max_of<uint64_t>()}), DType::F32))[0] == 18446744073709551616.0f);
  CHECK(get<double>(convert(arr(halfs({65504, -0.0f})), DType::F64))[0] == 65504);
  CHECK(std::signbit(get<double>(convert(arr(halfs({-0.0f})), DType::F64))[0]));
}

TEST_CASE("elementwise: conversions to float16/bfloat16 round once (no double rounding)") {
  // float -> float16: ties to even, overflow to inf, subnormals, NaN stays NaN.
  CHECK(bits16(convert(arr<float>({1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f, 65519.0f, 65520.0f, 0x1p-24f,
                                   0x1p-25f, 0x1.8p-25f, -kInff}),
                       DType::F16)) ==
        std::vector<uint16_t>{0x3c00, 0x3c02, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x0001, 0xfc00});
  CHECK((bits16(convert(arr<float>({kNaNf}), DType::F16))[0] & 0x7fff) > 0x7c00);
  // double -> float16: 1 + 2^-11 + 2^-40 is above the tie and rounds up, although the float nearest to
  // it is the tie 1 + 2^-11 (which rounds to even, 1.0). Same below the float16 subnormal range.
  CHECK(bits16(convert(
            arr<double>({1 + 0x1p-11 + 0x1p-40, 1 + 0x1p-11, 1 + 0x1p-11 - 0x1p-40, 0x1p-25 * (1 + 0x1p-30),
                         0x1p-25, 65519.99, 65520.0, -1e300, 1e-300, -1e-300}),
            DType::F16)) == std::vector<uint16_t>{0x3c01, 0x3c00, 0x3c00, 0x0001, 0x0000, 0x7bff, 0x7c00,
                                                  0xfc00, 0x0000, 0x8000});
  // double -> bfloat16, the same traps one byte higher.
  CHECK(
      bits16(convert(arr<double>({1 + 0x1p-8 + 0x1p-40, 1 + 0x1p-8, 3.4e38, 1e39, 0x1p-134 * (1 + 0x1p-30)}),
                     DType::BF16)) == std::vector<uint16_t>{0x3f81, 0x3f80, 0x7f80, 0x7f80, 0x0001});
  // int -> bfloat16: 2^25 + 2^17 + 1 is just above a bfloat16 tie; via float it would round down.
  const int64_t v = (int64_t(1) << 25) + (int64_t(1) << 17) + 1;
  const uint16_t up = bfloat16(float((int64_t(1) << 25) + (int64_t(1) << 18))).bits;
  CHECK(bits16(convert(arr<int64_t>({v, -v}), DType::BF16)) ==
        std::vector<uint16_t>{up, uint16_t(up | 0x8000)});
  CHECK(bits16(convert(arr<int32_t>({int32_t(v)}), DType::BF16))[0] == up);
  CHECK(bits16(convert(arr<uint64_t>({uint64_t(v) << 30}), DType::BF16))[0] == uint16_t(up + (30 << 7)));
  CHECK(bits16(convert(arr<int64_t>({min_of<int64_t>()}), DType::BF16))[0] == 0xdf00);  // -2^63
  CHECK(bits16(convert(arr<int32_t>({65519, 65520, -70000, 2049}), DType::F16)) ==
        std::vector<uint16_t>{0x7bff, 0x7c00, 0xfc00, float16(2048.0f).bits});
  // complex128 -> float16 takes the real part and rounds it once.
  CHECK(bits16(convert(arr<c128>({{1 + 0x1p-11 + 0x1p-40, 5}}), DType::F16))[0] == 0x3c01);
  // Between the 16-bit types, through float.
  CHECK(bits16(convert(arr(halfs({1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f})), DType::BF16)) ==
        std::vector<uint16_t>{0x3f80, 0x3f82});
  CHECK(bits16(convert(arr(bhalfs({1e10f})), DType::F16))[0] == 0x7c00);
}

TEST_CASE("elementwise: bitcast_convert_type reinterprets bytes (little-endian pieces)") {
  Array f = arr<float>({1.0f, -2.0f});
  Array i = run(Prim::BitcastConvertType, {f}, {DType::I32});
  CHECK(i.type.shape == ir::Shape{2});
  CHECK(get<uint32_t>(i) == std::vector<uint32_t>{0x3f800000u, 0xc0000000u});
  Array pieces = run(Prim::BitcastConvertType, {f}, {DType::U16});
  CHECK(pieces.type.shape == ir::Shape{2, 2});
  CHECK(get<uint16_t>(pieces) == std::vector<uint16_t>{0x0000, 0x3f80, 0x0000, 0xc000});
  Array bytes = arr<uint8_t>({0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, {1, 8});
  Array d = run(Prim::BitcastConvertType, {bytes}, {DType::F64});
  CHECK(d.type.shape == ir::Shape{1});
  CHECK(get<double>(d)[0] == 1.0);
  Array h = run(Prim::BitcastConvertType, {arr<int16_t>({0x3c00, int16_t(0xfc00)})}, {DType::F16});
  CHECK(float(get<float16>(h)[0]) == 1.0f);
  CHECK(float(get<float16>(h)[1]) == -kInff);
  Array u = run(Prim::BitcastConvertType, {arr<double>({-0.0})}, {DType::U64});
  CHECK(get<uint64_t>(u)[0] == 0x8000000000000000ull);
  CHECK_THROWS_AS(run(Prim::BitcastConvertType, {arr<uint8_t>({1, 2, 3})}, {DType::F32}), ember::Error);
}

TEST_CASE("elementwise: select with an array or a scalar predicate") {
  auto p = bools({1, 0, 0, 1});
  CHECK(get<int8_t>(run(Prim::Select, {p, arr<int8_t>({1, 2, 3, 4}), arr<int8_t>({-1, -2, -3, -4})})) ==
        std::vector<int8_t>{1, -2, -3, 4});
  CHECK(get_bools(run(Prim::Select, {p, bools({1, 1, 1, 1}), bools({0, 0, 0, 0})})) ==
        std::vector<int>{1, 0, 0, 1});
  auto c = get<c128>(run(Prim::Select, {p, arr<c128>({{1, 1}, {2, 2}, {3, 3}, {4, 4}}),
                                        arr<c128>({{0, 1}, {0, 2}, {0, 3}, {0, 4}})}));
  CHECK(c == std::vector<c128>{{1, 1}, {0, 2}, {0, 3}, {4, 4}});
  auto h = bits16(run(Prim::Select, {p, arr(halfs({1, 2, 3, 4})), arr(halfs({-1, -2, -3, -4}))}));
  CHECK(h == std::vector<uint16_t>{float16(1.0f).bits, float16(-2.0f).bits, float16(-3.0f).bits,
                                   float16(4.0f).bits});
  auto t = arr<double>({1, 2, 3}), f = arr<double>({-1, -2, -3});
  CHECK(get<double>(run(Prim::Select, {bools({1}, {}), t, f})) == std::vector<double>{1, 2, 3});
  CHECK(get<double>(run(Prim::Select, {bools({0}, {}), t, f})) == std::vector<double>{-1, -2, -3});
  // 2-d operands, predicate of the same shape.
  auto m = run(Prim::Select, {bools({1, 0, 0, 1}, {2, 2}), arr<float>({1, 2, 3, 4}, {2, 2}),
                              arr<float>({5, 6, 7, 8}, {2, 2})});
  CHECK(m.type.shape == ir::Shape{2, 2});
  CHECK(get<float>(m) == std::vector<float>{1, 6, 7, 4});
}

TEST_CASE("elementwise: clamp with scalar or array bounds propagates NaN") {
  auto x = arr<double>({-5, 0.5, 5, kNaN});
  CHECK(get<double>(run(Prim::Clamp, {scalar(0.0), x, scalar(1.0)}))[0] == 0);
  auto y = get<double>(run(Prim::Clamp, {scalar(0.0), x, scalar(1.0)}));
  CHECK(y[0] == 0);
  CHECK(y[1] == 0.5);
  CHECK(y[2] == 1);
  CHECK(std::isnan(y[3]));
  auto ya = get<double>(run(Prim::Clamp, {arr<double>({-10, 1, kNaN, 0}), x, scalar(2.0)}));
  CHECK(ya[0] == -5);
  CHECK(ya[1] == 1);
  CHECK(std::isnan(ya[2]));
  CHECK(std::isnan(ya[3]));
  auto yb = get<double>(run(Prim::Clamp, {scalar(-1.0), x, arr<double>({-2, 0, kNaN, 3})}));
  CHECK(yb[0] == -2);  // lo > hi: hi wins, min(max(x, lo), hi)
  CHECK(yb[1] == 0);
  CHECK(std::isnan(yb[2]));
  CHECK(std::isnan(yb[3]));
  CHECK(get<int32_t>(run(Prim::Clamp, {arr<int32_t>({0, 0, 0}), arr<int32_t>({-7, 3, 99}),
                                       arr<int32_t>({5, 5, 5})})) == std::vector<int32_t>{0, 3, 5});
  CHECK(get<uint8_t>(run(Prim::Clamp, {scalar<uint8_t>(10), arr<uint8_t>({0, 200}), scalar<uint8_t>(100)})) ==
        std::vector<uint8_t>{10, 100});
  CHECK(get_bools(run(Prim::Clamp, {bools({1}, {}), bools({0, 1}), bools({1}, {})})) ==
        std::vector<int>{1, 1});
  auto h = get<float16>(
      run(Prim::Clamp, {scalar(float16(-1.0f)), arr(halfs({-3, 0.25f, kNaNf})), scalar(float16(1.0f))}));
  CHECK(float(h[0]) == -1);
  CHECK(float(h[1]) == 0.25f);
  CHECK(std::isnan(float(h[2])));
}

TEST_CASE("elementwise: large arrays (the parallel path) match a scalar loop") {
  const int64_t n = (int64_t(1) << 20) + 12345;
  std::vector<float> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    a[size_t(i)] = float(i % 1000) * 0.25f - 100.0f;
    b[size_t(i)] = float((i * 7) % 333) - 150.0f;
  }
  Array xa = arr(a), xb = arr(b);
  auto sum = get<float>(run(Prim::Add, {xa, xb}));
  auto lt = get_bools(run(Prim::Lt, {xa, xb}));
  auto ex = get<float>(run(Prim::Exp, {xa}));
  auto cv = get<int32_t>(convert(xa, DType::I32));
  auto h = get<float16>(convert(xa, DType::F16));
  auto sel = get<float>(run(Prim::Select, {run(Prim::Lt, {xa, xb}), xa, xb}));
  int64_t wrong = 0;
  for (int64_t i = 0; i < n; ++i) {
    size_t k = size_t(i);
    wrong += sum[k] != a[k] + b[k];
    wrong += lt[k] != int(a[k] < b[k]);
    wrong += ex[k] != runtime::kernels::vecmath::exp_f32(a[k]);  // the scalar function the loop vectorises
    wrong += cv[k] != int32_t(a[k]);
    wrong += h[k].bits != float16(a[k]).bits;
    wrong += sel[k] != std::min(a[k], b[k]);
  }
  CHECK(wrong == 0);
  auto mx = get<double>(run(Prim::Max, {convert(xa, DType::F64), convert(xb, DType::F64)}));
  wrong = 0;
  for (int64_t i = 0; i < n; ++i) wrong += mx[size_t(i)] != double(std::max(a[size_t(i)], b[size_t(i)]));
  CHECK(wrong == 0);
  auto bc = run(Prim::BitcastConvertType, {xa}, {DType::U8});
  CHECK(bc.type.shape == ir::Shape{n, 4});
  CHECK(std::memcmp(bc.data(), a.data(), size_t(n) * 4) == 0);
}

TEST_CASE("elementwise: kernels reject results of the wrong type or size") {
  Array a = arr<float>({1, 2, 3});
  std::vector<Array> ops{a, a};
  std::vector<ir::Type> wrong_size{ir::Type{DType::F32, {4}}};
  CHECK_THROWS_AS(runtime::execute_op_typed(Prim::Add, ops, {}, {}, wrong_size), ember::Error);
  std::vector<ir::Type> wrong_dtype{ir::Type{DType::F64, {3}}};
  CHECK_THROWS_AS(runtime::execute_op_typed(Prim::Add, ops, {}, {}, wrong_dtype), ember::Error);
  std::vector<Array> one{arr<int32_t>({1, 2, 3})};
  std::vector<ir::Type> i32{ir::Type{DType::I32, {3}}};
  CHECK_THROWS_AS(runtime::execute_op_typed(Prim::Exp, one, {}, {}, i32), ember::Error);
  // Empty arrays are fine.
  CHECK(run(Prim::Add, {arr<float>({}, {0}), arr<float>({}, {0})}).numel() == 0);
  CHECK(run(Prim::Select, {bools({1}, {}), arr<float>({}, {0}), arr<float>({}, {0})}).numel() == 0);
}

TEST_CASE("elementwise: float16 <-> float conversions agree with ember::float16 bit for bit") {
  // Every float16 pattern to float.
  Array h = Array::allocate(ir::Type{DType::F16, {65536}});
  for (int i = 0; i < 65536; ++i) h.data_as<uint16_t>()[i] = uint16_t(i);
  auto f = get<uint32_t>(convert(h, DType::F32));
  int64_t wrong = 0;
  for (int i = 0; i < 65536; ++i)
    wrong += f[size_t(i)] != std::bit_cast<uint32_t>(float(float16::from_bits(uint16_t(i))));
  CHECK(wrong == 0);
  // A sweep over all float patterns (every 4099th, which visits every exponent and many mantissas).
  const int64_t n = (int64_t(1) << 32) / 4099 + 1;
  Array x = Array::allocate(ir::Type{DType::F32, {n}});
  for (int64_t i = 0; i < n; ++i) x.data_as<uint32_t>()[i] = uint32_t(uint64_t(i) * 4099u);
  auto back = bits16(convert(x, DType::F16));
  wrong = 0;
  for (int64_t i = 0; i < n; ++i) wrong += back[size_t(i)] != float16(x.data_as<float>()[i]).bits;
  CHECK(wrong == 0);
  // Arithmetic on float16 goes through the same conversions.
  auto neg = bits16(run(Prim::Neg, {h}));
  wrong = 0;
  for (int i = 0; i < 65536; ++i) {
    uint16_t want = float16(-float(float16::from_bits(uint16_t(i)))).bits;
    wrong += neg[size_t(i)] != want;
  }
  CHECK(wrong == 0);
}

TEST_CASE("elementwise: branchless floor, ceil and round agree with libm over a sweep of floats") {
  const int64_t n = (int64_t(1) << 32) / 1021 + 1;
  std::vector<float> xs(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) xs[size_t(i)] = std::bit_cast<float>(uint32_t(uint64_t(i) * 1021u));
  // Plus the cases where rounding changes: halves, near-integers, the 2^23 boundary.
  for (float v : {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 0.49999997f, 8388607.5f, 8388608.0f, -8388607.5f,
                  4194303.5f, -0.0f, 1e-45f})
    xs.push_back(v);
  Array x = arr(xs);
  auto fl = get<float>(run(Prim::Floor, {x}));
  auto ce = get<float>(run(Prim::Ceil, {x}));
  auto even = get<float>(run(Prim::Round, {x}, {int64_t(1)}));
  auto away = get<float>(run(Prim::Round, {x}, {int64_t(0)}));
  int64_t wrong = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    float v = xs[i];
    wrong += !same_or_nan(fl[i], std::floor(v)) || std::signbit(fl[i]) != std::signbit(std::floor(v));
    wrong += !same_or_nan(ce[i], std::ceil(v)) || std::signbit(ce[i]) != std::signbit(std::ceil(v));
    wrong +=
        !same_or_nan(even[i], std::nearbyint(v)) || std::signbit(even[i]) != std::signbit(std::nearbyint(v));
    wrong += !same_or_nan(away[i], std::round(v)) || std::signbit(away[i]) != std::signbit(std::round(v));
  }
  CHECK(wrong == 0);
  std::vector<double> ds{0.5,
                         1.5,
                         2.5,
                         -0.5,
                         -2.5,
                         0.49999999999999994,
                         4503599627370495.5,
                         4503599627370496.0,
                         -4503599627370495.5,
                         2251799813685247.5,
                         -0.0,
                         5e-324,
                         1e300,
                         -kInf,
                         kNaN,
                         -1.0000000000000002};
  Array d = arr(ds);
  auto dfl = get<double>(run(Prim::Floor, {d}));
  auto dce = get<double>(run(Prim::Ceil, {d}));
  auto deven = get<double>(run(Prim::Round, {d}, {int64_t(1)}));
  auto daway = get<double>(run(Prim::Round, {d}, {int64_t(0)}));
  for (size_t i = 0; i < ds.size(); ++i) {
    CAPTURE(ds[i]);
    CHECK(same_or_nan(dfl[i], std::floor(ds[i])));
    CHECK(same_or_nan(dce[i], std::ceil(ds[i])));
    CHECK(same_or_nan(deven[i], std::nearbyint(ds[i])));
    CHECK(same_or_nan(daway[i], std::round(ds[i])));
  }
}
