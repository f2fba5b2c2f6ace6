// Bindings of frontend/nn.h as ember._core.nn (ember.nn's Python wrappers normalise the arguments).
#include "frontend/nn.h"
#include "numpy_bindings.h"

namespace ember::python {

namespace nn = frontend::nn;

void init_nn(py::module_& parent) {
  py::module_ m = parent.def_submodule("nn", "the C++ functions behind ember.nn");
  m.def("relu", [](py::handle x) { return nn::relu(to_tensor(x)); });
  m.def("relu6", [](py::handle x) { return nn::relu6(to_tensor(x)); });
  m.def("sigmoid", [](py::handle x) { return nn::sigmoid(to_tensor(x)); });
  m.def("log_sigmoid", [](py::handle x) { return nn::log_sigmoid(to_tensor(x)); });
  m.def("softplus", [](py::handle x) { return nn::softplus(to_tensor(x)); });
  m.def("silu", [](py::handle x) { return nn::silu(to_tensor(x)); });
  m.def("gelu", [](py::handle x, bool approximate) { return nn::gelu(to_tensor(x), approximate); });
  m.def("elu", [](py::handle x, double alpha) { return nn::elu(to_tensor(x), alpha); });
  m.def("leaky_relu", [](py::handle x, double slope) { return nn::leaky_relu(to_tensor(x), slope); });
  m.def("softmax", [](py::handle x, py::handle axis) { return nn::softmax(to_tensor(x), to_axes(axis)); });
  m.def("log_softmax",
        [](py::handle x, py::handle axis) { return nn::log_softmax(to_tensor(x), to_axes(axis)); });
  m.def("logsumexp", [](py::handle a, py::handle axis, bool keepdims, py::handle b, bool return_sign) {
    auto [out, sign] =
        nn::logsumexp(to_tensor(a), to_axes(axis), keepdims, to_optional_tensor(b), return_sign);
    if (!return_sign) return py::object(wrap(out));
    return py::object(py::make_tuple(wrap(out), wrap(sign)));
  });
  m.def("one_hot", [](py::handle x, int64_t n, py::handle dtype, int64_t axis) {
    return nn::one_hot(to_tensor(x), n, to_dtype(dtype, "one_hot"), axis);
  });
  m.def("standardize",
        [](py::handle x, py::handle axis, py::handle mean, py::handle variance, double epsilon) {
          return nn::standardize(to_tensor(x), to_axes(axis), to_optional_tensor(mean),
                                 to_optional_tensor(variance), epsilon);
        });
}

}  // namespace ember::python
