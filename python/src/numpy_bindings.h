// Sections of the ember._core.np module (python/src/numpy*.cc) and the small conversions they share.
#pragma once

#include "bindings.h"
#include "frontend/numpy.h"

namespace ember::python {

// None -> nullopt.
inline std::optional<Tensor> to_optional_tensor(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return to_tensor(obj);
}
inline std::optional<int64_t> to_optional_int(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return to_int(obj);
}
inline py::tuple pair_tuple(std::pair<Tensor, Tensor> p) {
  return py::make_tuple(wrap(p.first), wrap(p.second));
}

// Definers for the reduction signatures shared by numpy.cc and numpy_extra.cc: f(x, axis, dtype, keepdims),
// f(x, axis, dtype, ddof, keepdims), f(x, axis, keepdims) and the arg-reductions f(x, axis or None, keepdims).
using ReduceFn = Tensor (*)(const Tensor&, const frontend::np::Axes&, frontend::np::OptDType, bool);
using StatFn = Tensor (*)(const Tensor&, const frontend::np::Axes&, frontend::np::OptDType, int64_t, bool);
using AxesFn = Tensor (*)(const Tensor&, const frontend::np::Axes&, bool);
using ArgFn = Tensor (*)(const Tensor&, std::optional<int64_t>, bool);
inline void def_reduce(py::module_& m, const char* name, ReduceFn f) {
  m.def(name, [f, name](py::handle x, py::handle axis, py::handle dtype, bool keepdims) {
    return f(to_tensor(x), to_axes(axis), to_optional_dtype(dtype, name), keepdims);
  });
}
inline void def_stat(py::module_& m, const char* name, StatFn f) {
  m.def(name, [f, name](py::handle x, py::handle axis, py::handle dtype, int64_t ddof, bool keepdims) {
    return f(to_tensor(x), to_axes(axis), to_optional_dtype(dtype, name), ddof, keepdims);
  });
}
inline void def_axes(py::module_& m, const char* name, AxesFn f) {
  m.def(name, [f](py::handle x, py::handle axis, bool keepdims) { return f(to_tensor(x), to_axes(axis), keepdims); });
}
inline void def_arg(py::module_& m, const char* name, ArgFn f) {
  m.def(name, [f](py::handle x, py::handle axis, bool keepdims) {
    return f(to_tensor(x), to_optional_int(axis), keepdims);
  });
}

// The NumPy functions beyond Foundation I's set (python/src/numpy_extra.cc).
void init_numpy_extra(py::module_& m);

}  // namespace ember::python
