// Host callbacks from Python: register_host_callback(fn) gives the id that pure_callback and debug_callback
// ops carry. fn receives a list of ember Arrays (the operands' values) and returns a list of arrays.
#include "bindings.h"
#include "runtime/host_callback.h"

namespace ember::python {

void init_callbacks(py::module_& m) {
  m.def("register_host_callback", [](py::object fn) {
    // The callable lives as long as the process (IR holding its id may be cached anywhere).
    auto* keep = new py::object(std::move(fn));
    return runtime::register_host_callback([keep](std::span<const runtime::Array> inputs) {
      py::gil_scoped_acquire gil;
      std::vector<runtime::Array> out;
      try {
        py::list args;
        for (const runtime::Array& a : inputs) args.append(wrap(Tensor(a)));
        py::object results = (*keep)(args);
        for (py::handle r : results) out.push_back(to_tensor(r).array("callback result"));
      } catch (py::error_already_set& e) {
        std::string what = py::str(e.type().attr("__name__")).cast<std::string>() + ": " +
                           py::str(e.value()).cast<std::string>();
        throw Error(ErrorKind::Runtime, "the host callback raised " + what, "callback");
      }
      return out;
    });
  });
}

}  // namespace ember::python
