// NumPy indexing through the C++ API (frontend/indexing.h), eager and under Jit. Expected values come from
// the definitions (x[i, j, k] = 20 i + 5 j + k for the arange operand), computed by loops here; the Python
// tests compare the same functions with NumPy on many more cases.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace em = ember::frontend;
using ember::ErrorKind;
using ember::ir::DType;

namespace {

em::Tensor arange_f32(std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = float(i);
  return em::tensor_from_bytes({DType::F32, ember::ir::Shape(shape.begin(), shape.end())}, v.data());
}

em::Tensor ints(std::vector<int64_t> values) {
  return em::tensor_from_bytes({DType::I64, {int64_t(values.size())}}, values.data());
}

std::vector<float> values(const em::Tensor& t) {
  auto a = t.array();
  const float* p = a.data_as<const float>();
  return std::vector<float>(p, p + a.numel());
}

ember::Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ember::Error& e) {
    return e;
  }
  FAIL("expected an ember::Error");
  return ember::Error(ErrorKind::Runtime, "");
}

}  // namespace

TEST_CASE("indexing: basic and advanced indices of a C++ tensor") {
  em::Tensor x = arange_f32({3, 4, 5});
  // x[::-1, 1, [2, -1]]: the array's dimension stays in place (one advanced index).
  em::Index index = {em::IndexItem::slice(std::nullopt, std::nullopt, -1), em::IndexItem::integer_index(1),
                     em::IndexItem::array_index(ints({2, -1}))};
  em::Tensor y = em::getitem(x, index);
  CHECK(y.shape() == ember::ir::Shape{3, 2});
  std::vector<float> expected;
  for (int i = 2; i >= 0; --i)
    for (int k : {2, 4}) expected.push_back(float(20 * i + 5 + k));
  CHECK(values(y) == expected);

  // x[[0, 2], :, [1, 3]]: arrays separated by a slice put their dimension first.
  em::Tensor z = em::getitem(x, {em::IndexItem::array_index(ints({0, 2})), em::IndexItem::slice({}, {}),
                                 em::IndexItem::array_index(ints({1, 3}))});
  CHECK(z.shape() == ember::ir::Shape{2, 4});
  expected.clear();
  for (int b = 0; b < 2; ++b)
    for (int j = 0; j < 4; ++j) expected.push_back(float(20 * (b == 0 ? 0 : 2) + 5 * j + (b == 0 ? 1 : 3)));
  CHECK(values(z) == expected);
}

TEST_CASE("indexing: functional updates accumulate repeated indices") {
  em::Tensor x = arange_f32({5});
  em::Index at = {em::IndexItem::array_index(ints({1, 3, 1, -1}))};
  em::Tensor ones = em::tensor_from_bytes({DType::F32, {}}, std::vector<float>{1.0f}.data());
  CHECK(values(em::index_update(x, at, ones, em::UpdateOp::Add)) == std::vector<float>{0, 3, 2, 4, 5});
  em::Tensor ten = em::tensor_from_bytes({DType::F32, {}}, std::vector<float>{10.0f}.data());
  CHECK(values(em::index_update(x, at, ten, em::UpdateOp::Max)) == std::vector<float>{0, 10, 2, 10, 10});
  // Out of bounds: an error for concrete indices, dropped on request.
  em::Index outside = {em::IndexItem::integer_index(7)};
  ember::Error e = error_of([&] { em::index_update(x, outside, ten, em::UpdateOp::Set); });
  CHECK(e.kind() == ErrorKind::Index);
  CHECK(std::string(e.what()).find("out of bounds for axis 0 with size 5") != std::string::npos);
  CHECK(values(em::index_update(x, outside, ten, em::UpdateOp::Set, em::GatherScatterMode::FillOrDrop)) ==
        values(x));
}

TEST_CASE("indexing: traced indices under Jit clip, and traced masks are refused") {
  em::Jit take([](const std::vector<em::Tensor>& in) {
    return std::vector<em::Tensor>{em::getitem(in[0], {em::IndexItem::array_index(in[1])})};
  });
  em::Tensor x = arange_f32({4});
  CHECK(values(take({x, ints({-1, 9, -9, 2})})[0]) == std::vector<float>{3, 3, 0, 2});
  CHECK(ember::ir::print(take.ir_for({x, ints({0})})).find("gather") != std::string::npos);

  em::Jit masked([](const std::vector<em::Tensor>& in) {
    em::Tensor mask = em::np::greater(in[0], em::scalar_tensor(DType::F32, 1.0, true));
    return std::vector<em::Tensor>{em::getitem(in[0], {em::IndexItem::array_index(mask)})};
  });
  ember::Error e = error_of([&] { masked({x}); });
  CHECK(e.kind() == ErrorKind::Concretization);
  CHECK(std::string(e.what()).find("ember.numpy.where") != std::string::npos);
}
