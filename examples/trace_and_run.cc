// ember from C++: trace a function into IR, print it, and run it under jit on real numbers.
#include <ember/ember.h>

#include <cmath>
#include <cstdio>
#include <vector>

namespace em = ember::frontend;
namespace enp = ember::frontend::np;
using ember::ir::DType;

int main() {
  // predict(w, b, x) = tanh(x @ w + b)
  em::TensorFunction predict = [](const std::vector<em::Tensor>& in) {
    return std::vector<em::Tensor>{enp::tanh(enp::add(enp::matmul(in[2], in[0]), in[1]))};
  };

  std::vector<float> w(4 * 3), b = {0.1f, -0.2f, 0.3f}, x(2 * 4);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.05f * float(i) - 0.2f;
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.1f * float(i);
  std::vector<em::Tensor> args = {
      em::tensor_from_bytes({DType::F32, {4, 3}}, w.data()),
      em::tensor_from_bytes({DType::F32, {3}}, b.data()),
      em::tensor_from_bytes({DType::F32, {2, 4}}, x.data()),
  };

  em::Jit jitted(predict, "interpreter", "predict");
  std::printf("%s\n", ember::ir::print(jitted.ir_for(args)).c_str());

  em::Tensor y = jitted(args)[0];
  const float* out = y.array().data_as<float>();
  int failures = 0;
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 3; ++c) {
      float expected = b[c];
      for (int k = 0; k < 4; ++k) expected += x[r * 4 + k] * w[k * 3 + c];
      expected = std::tanh(expected);
      std::printf("y[%d,%d] = %+.6f (expected %+.6f)\n", r, c, out[r * 3 + c], expected);
      if (std::fabs(out[r * 3 + c] - expected) > 1e-5f) ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}
