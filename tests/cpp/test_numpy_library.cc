// The NumPy op library and ember.nn through the C++ API (frontend/numpy.h, frontend/nn.h), eager and under
// Jit. Expected values are NumPy's and SciPy's (numpy 2.4, scipy 1.17), printed by them for these inputs;
// the Python op database compares every function with NumPy on many more cases.
#include <doctest/doctest.h>

#include <vector>

#include <ember/ember.h>

namespace em = ember::frontend;
namespace enp = ember::frontend::np;
using ember::ir::DType;

namespace {

em::Tensor f64s(std::vector<double> v, std::vector<int64_t> shape = {}) {
  if (shape.empty()) shape = {int64_t(v.size())};
  return em::tensor_from_bytes({DType::F64, ember::ir::Shape(shape.begin(), shape.end())}, v.data());
}

em::Tensor i64s(std::vector<int64_t> v) {
  return em::tensor_from_bytes({DType::I64, {int64_t(v.size())}}, v.data());
}

std::vector<double> doubles(const em::Tensor& t) {
  auto a = t.array();
  const double* p = a.data_as<const double>();
  return std::vector<double>(p, p + a.numel());
}

std::vector<int64_t> int64s(const em::Tensor& t) {
  auto a = t.array();
  const int64_t* p = a.data_as<const int64_t>();
  return std::vector<int64_t>(p, p + a.numel());
}

void check_close(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-12));
}

}  // namespace

TEST_CASE("numpy library: quantiles with NumPy's methods") {
  em::Tensor x = f64s({3, 1, 4, 1, 5, 9, 2, 6});
  check_close(doubles(enp::quantile(x, f64s({0.1, 0.5, 0.9}))), {1.0, 3.5, 6.8999999999999995});
  check_close(doubles(enp::quantile(x, f64s({0.3}), {}, enp::QuantileMethod::Nearest)), {2.0});
  check_close(doubles(enp::quantile(x, f64s({0.3}), {}, enp::quantile_method("hazen"))), {1.9});
  CHECK_THROWS_AS(enp::quantile_method("bogus"), ember::Error);
}

TEST_CASE("numpy library: gcd, lcm and unique") {
  CHECK(int64s(enp::gcd(i64s({12, -18, 0}), i64s({18, 12, -7}))) == std::vector<int64_t>{6, 6, 7});
  CHECK(int64s(enp::lcm(i64s({4, 6, 0}), i64s({6, -4, 3}))) == std::vector<int64_t>{12, 12, 0});
  enp::UniqueResult u = enp::unique(i64s({3, 1, 3, 2, 1}));
  CHECK(int64s(u.values) == std::vector<int64_t>{1, 2, 3});
  CHECK(int64s(u.counts) == std::vector<int64_t>{2, 1, 2});
}

TEST_CASE("numpy library: einsum, pad and searchsorted under Jit match eager and NumPy") {
  enp::PadOptions reflect;
  reflect.mode = "reflect";
  em::Jit f([reflect](const std::vector<em::Tensor>& in) {
    return std::vector{enp::einsum("ij,jk,k->i", in, "optimal"), enp::pad(in[2], {{2, 3}}, reflect),
                       enp::searchsorted(f64s({1, 2, 2, 3}), f64s({2, 2.5}), "right")};
  });
  std::vector<double> a = {0, 1, 2, 3, 4, 5}, b(12), c = {0, 1, 2, 3};
  for (size_t i = 0; i < b.size(); ++i) b[i] = double(i);
  std::vector<em::Tensor> in = {f64s(a, {2, 3}), f64s(b, {3, 4}), f64s(c)};
  std::vector<em::Tensor> out = f(in);
  check_close(doubles(out[0]), {162.0, 504.0});
  check_close(doubles(out[1]), {2, 1, 0, 1, 2, 3, 2, 1, 0});
  CHECK(int64s(out[2]) == std::vector<int64_t>{3, 3});
  check_close(doubles(enp::einsum("ij,jk,k->i", in)), {162.0, 504.0});
}

TEST_CASE("nn library: logsumexp and softmax as SciPy") {
  em::Tensor x = f64s({1, 2, 3});
  check_close(doubles(em::nn::logsumexp(x).first), {3.40760596444438});
  check_close(doubles(em::nn::softmax(x)), {0.09003057317038046, 0.24472847105479764, 0.6652409557748218});
}
