// ember.lax's entry into C++: bind any primitive by name with attributes given as keyword values. The
// Python module ember.lax gives each primitive JAX's signature on top of this.
#include "bindings.h"
#include "frontend/lax.h"
#include "ir/error.h"

namespace ember::python {

namespace {

ir::Attr to_attr(ir::Prim p, const ir::AttrSpec& spec, py::handle value) {
  std::string_view op = ir::prim_name(p);
  try {
    switch (spec.kind) {
      case ir::AttrKind::Int: return to_int(value);
      case ir::AttrKind::Float: return py::cast<double>(value);
      case ir::AttrKind::Bool: return value.cast<bool>();
      case ir::AttrKind::DType: return to_dtype(value, op);
      case ir::AttrKind::String: return value.cast<std::string>();
      case ir::AttrKind::Ints: return to_ints(value);
      case ir::AttrKind::Literal: {
        Tensor t = to_tensor(value);
        return t.array("constant").to_literal();
      }
    }
  } catch (py::error_already_set&) {
  } catch (py::cast_error&) {
  }
  throw make_error(ErrorKind::Type, op, "expected attribute '", spec.name, "' of kind ", ir::attr_kind_name(spec.kind),
                   ", got ", std::string(py::repr(value)));
}

}  // namespace

void init_lax(py::module_& m) {
  // bind(name, operands, **attrs); control-flow primitives also take regions=[IR, ...].
  m.def("bind", [](const std::string& name, py::handle operands, py::kwargs attrs) {
    std::vector<ir::Body> regions;
    if (attrs.contains("regions")) {
      for (py::handle f : attrs["regions"]) regions.push_back(f.cast<const ir::Function&>().body);
      PyDict_DelItemString(attrs.ptr(), "regions");
    }
    auto p = ir::prim_from_name(name);
    if (!p) throw make_error(ErrorKind::Value, name, "expected the name of a primitive, got '", name, "'");
    const ir::PrimInfo& info = ir::prim_info(*p);
    ir::Attrs values;
    for (const ir::AttrSpec& spec : info.attrs) {
      py::str key(std::string(spec.name));
      if (!attrs.contains(key))
        throw make_error(ErrorKind::Type, name, "expected attribute '", spec.name, "', got none");
      values.push_back(to_attr(*p, spec, attrs[key]));
    }
    for (auto item : attrs)
      if (ir::attr_index(*p, std::string(py::str(item.first))) < 0)
        throw make_error(ErrorKind::Type, name, "expected no attribute '", std::string(py::str(item.first)), "'");
    if (!regions.empty()) return wrap_all(frontend::bind(*p, to_tensors(operands), std::move(values), std::move(regions)));
    return wrap_all(frontend::lax::bind_user(*p, to_tensors(operands), std::move(values)));
  });
  m.def("primitive_names", [] {
    std::vector<std::string> out;
    for (int i = 0; i < ir::kNumPrims; ++i) out.emplace_back(ir::prim_name(ir::Prim(i)));
    return out;
  });
}

}  // namespace ember::python
