// Bindings of the C++ op library (frontend/numpy.h) as ember._core.np. Arguments arrive normalised by the
// Python module ember.numpy (axis as None or a list, dtype as a dtype-like or None).
#include "ir/error.h"
#include "numpy_bindings.h"

namespace ember::python {

namespace np = frontend::np;

namespace {

using Unary = Tensor (*)(const Tensor&);
using Binary = Tensor (*)(const Tensor&, const Tensor&);

template <Unary F>
void def_unary(py::module_& m, const char* name) {
  m.def(name, [](py::handle x) { return F(to_tensor(x)); });
}

template <Binary F>
void def_binary(py::module_& m, const char* name) {
  m.def(name, [](py::handle a, py::handle b) { return F(to_tensor(a), to_tensor(b)); });
}

}  // namespace

void init_numpy(py::module_& parent) {
  py::module_ m = parent.def_submodule("np", "the C++ op library behind ember.numpy");
  def_unary<np::negative>(m, "negative");
  def_unary<np::positive>(m, "positive");
  def_unary<np::absolute>(m, "absolute");
  def_unary<np::sign>(m, "sign");
  def_unary<np::floor>(m, "floor");
  def_unary<np::ceil>(m, "ceil");
  def_unary<np::trunc>(m, "trunc");
  def_unary<np::rint>(m, "rint");
  def_unary<np::exp>(m, "exp");
  def_unary<np::exp2>(m, "exp2");
  def_unary<np::expm1>(m, "expm1");
  def_unary<np::log>(m, "log");
  def_unary<np::log2>(m, "log2");
  def_unary<np::log10>(m, "log10");
  def_unary<np::log1p>(m, "log1p");
  def_unary<np::sqrt>(m, "sqrt");
  def_unary<np::cbrt>(m, "cbrt");
  def_unary<np::square>(m, "square");
  def_unary<np::reciprocal>(m, "reciprocal");
  def_unary<np::sin>(m, "sin");
  def_unary<np::cos>(m, "cos");
  def_unary<np::tan>(m, "tan");
  def_unary<np::arcsin>(m, "arcsin");
  def_unary<np::arccos>(m, "arccos");
  def_unary<np::arctan>(m, "arctan");
  def_unary<np::sinh>(m, "sinh");
  def_unary<np::cosh>(m, "cosh");
  def_unary<np::tanh>(m, "tanh");
  def_unary<np::arcsinh>(m, "arcsinh");
  def_unary<np::arccosh>(m, "arccosh");
  def_unary<np::arctanh>(m, "arctanh");
  def_unary<np::isfinite>(m, "isfinite");
  def_unary<np::isinf>(m, "isinf");
  def_unary<np::isnan>(m, "isnan");
  def_unary<np::logical_not>(m, "logical_not");
  def_unary<np::invert>(m, "invert");
  def_unary<np::real>(m, "real");
  def_unary<np::imag>(m, "imag");
  def_unary<np::conjugate>(m, "conjugate");
  def_unary<np::ravel>(m, "ravel");
  m.def("round", [](py::handle x, int64_t decimals) { return np::round(to_tensor(x), decimals); });

  def_binary<np::add>(m, "add");
  def_binary<np::subtract>(m, "subtract");
  def_binary<np::multiply>(m, "multiply");
  def_binary<np::true_divide>(m, "true_divide");
  def_binary<np::floor_divide>(m, "floor_divide");
  def_binary<np::remainder>(m, "remainder");
  def_binary<np::power>(m, "power");
  def_binary<np::maximum>(m, "maximum");
  def_binary<np::minimum>(m, "minimum");
  def_binary<np::fmax>(m, "fmax");
  def_binary<np::fmin>(m, "fmin");
  def_binary<np::arctan2>(m, "arctan2");
  def_binary<np::nextafter>(m, "nextafter");
  def_binary<np::logical_and>(m, "logical_and");
  def_binary<np::logical_or>(m, "logical_or");
  def_binary<np::logical_xor>(m, "logical_xor");
  def_binary<np::bitwise_and>(m, "bitwise_and");
  def_binary<np::bitwise_or>(m, "bitwise_or");
  def_binary<np::bitwise_xor>(m, "bitwise_xor");
  def_binary<np::left_shift>(m, "left_shift");
  def_binary<np::right_shift>(m, "right_shift");
  def_binary<np::equal>(m, "equal");
  def_binary<np::not_equal>(m, "not_equal");
  def_binary<np::less>(m, "less");
  def_binary<np::less_equal>(m, "less_equal");
  def_binary<np::greater>(m, "greater");
  def_binary<np::greater_equal>(m, "greater_equal");
  def_binary<np::matmul>(m, "matmul");
  def_binary<np::dot>(m, "dot");

  m.def("where", [](py::handle c, py::handle x, py::handle y) {
    return np::where(to_tensor(c), to_tensor(x), to_tensor(y));
  });
  m.def("clip", [](py::handle x, py::handle lo, py::handle hi) {
    std::optional<Tensor> l, h;
    if (!lo.is_none()) l = to_tensor(lo);
    if (!hi.is_none()) h = to_tensor(hi);
    return np::clip(to_tensor(x), l, h);
  });
  m.def("astype", [](py::handle x, py::handle dtype) {
    return np::astype(to_tensor(x), to_dtype(dtype, "astype"), "astype");
  });
  m.def("broadcast_to", [](py::handle x, py::handle shape) {
    std::vector<int64_t> s = to_ints(shape);
    return np::broadcast_to(to_tensor(x), ir::Shape(s.begin(), s.end()));
  });

  for (auto [name, f] : {std::pair{"sum", &np::sum}, {"prod", &np::prod}, {"mean", &np::mean}}) def_reduce(m, name, f);
  def_stat(m, "var", np::var);
  def_stat(m, "std", np::std);
  for (auto [name, f] : {std::pair{"max", &np::max}, {"min", &np::min}, {"any", &np::any}, {"all", &np::all}})
    def_axes(m, name, f);
  def_arg(m, "argmax", np::argmax);
  def_arg(m, "argmin", np::argmin);

  m.def("reshape", [](py::handle x, py::handle shape) { return np::reshape(to_tensor(x), to_ints(shape)); });
  m.def("transpose",
        [](py::handle x, py::handle axes) { return np::transpose(to_tensor(x), to_axes(axes)); });
  m.def("swapaxes", [](py::handle x, int64_t a, int64_t b) { return np::swapaxes(to_tensor(x), a, b); });
  m.def("moveaxis", [](py::handle x, py::handle s, py::handle d) {
    return np::moveaxis(to_tensor(x), to_ints(s), to_ints(d));
  });
  m.def("expand_dims",
        [](py::handle x, py::handle axis) { return np::expand_dims(to_tensor(x), to_ints(axis)); });
  m.def("squeeze", [](py::handle x, py::handle axis) { return np::squeeze(to_tensor(x), to_axes(axis)); });
  m.def("concatenate", [](py::handle xs, py::handle axis) {
    std::optional<int64_t> a;
    if (!axis.is_none()) a = to_int(axis);
    return np::concatenate(to_tensors(xs), a);
  });
  m.def("stack", [](py::handle xs, int64_t axis) { return np::stack(to_tensors(xs), axis); });

  m.def("full", [](py::handle shape, py::handle fill, py::handle dtype) {
    return np::full(to_ints(shape), to_tensor(fill), to_optional_dtype(dtype, "full"));
  });
  m.def("arange", [](double start, double stop, double step, py::handle dtype, bool integer_args) {
    return np::arange(start, stop, step, to_optional_dtype(dtype, "arange"), integer_args);
  });
  m.def("linspace", [](double start, double stop, int64_t num, bool endpoint, py::handle dtype) {
    return np::linspace(start, stop, num, endpoint, to_optional_dtype(dtype, "linspace"));
  });
  m.def("eye", [](int64_t n, std::optional<int64_t> cols, int64_t k, py::handle dtype) {
    return np::eye(n, cols, k, to_dtype(dtype, "eye"));
  });
  m.def("result_type", [](py::args args) {
    std::vector<ir::Type> types;
    for (py::handle a : args) {
      if (py::isinstance<Tensor>(a) || is_python_scalar(a) || py::hasattr(a, "__array__") ||
          py::isinstance<py::list>(a)) {
        types.push_back(to_tensor(a).type());
      } else {
        types.push_back(ir::Type{to_dtype(a, "result_type"), {}, false});
      }
    }
    frontend::PromotedType pt = frontend::result_type(std::span<const ir::Type>(types));
    return numpy_dtype(pt.dtype);
  });
  m.def("promote_types", [](py::handle a, py::handle b) {
    return numpy_dtype(frontend::promote_types(to_dtype(a, "promote_types"), to_dtype(b, "promote_types")));
  });
  init_numpy_extra(m);
}

}  // namespace ember::python
