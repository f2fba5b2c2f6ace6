// Sections of the ember._core.np module (python/src/numpy*.cc) and the small conversions they share.
#pragma once

#include "bindings.h"

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

// The NumPy functions beyond Foundation I's set (python/src/numpy_extra.cc).
void init_numpy_extra(py::module_& m);

}  // namespace ember::python
