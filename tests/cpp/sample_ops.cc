#include "sample_ops.h"

#include <stdexcept>
#include <string>

#include "ir/error.h"
#include "ir/numeric.h"
#include "ir/printer.h"
#include "runtime/host_callback.h"
#include "transforms/emit.h"

namespace ember::testing {

namespace {

using ir::Attr;
using ir::Attrs;
using ir::DType;
using ir::Prim;
using ir::Shape;
using ir::Type;

// The op's operands, each a parameter of the sample, and its attributes.
struct OpSpec {
  std::vector<Type> operands;
  Attrs attrs;
  std::vector<ir::Body> regions = {};
};

Type ty(DType d, Shape shape, bool weak = false) { return Type{d, std::move(shape), weak}; }
Attr ints(std::vector<int64_t> v) { return Attr(std::move(v)); }
Attr int_attr(int64_t v) { return Attr(std::in_place_type<int64_t>, v); }
Attr bool_attr(bool v) { return Attr(std::in_place_type<bool>, v); }
Attr dtype_attr(DType d) { return Attr(d); }

// Elements 0, 1, 2, ... (alternating for bool, with an imaginary part for complex).
ir::Literal counting_literal(DType d, Shape shape) {
  Type type{d, std::move(shape), false};
  std::vector<unsigned char> bytes(type.nbytes() + 1);
  size_t size = ir::dtype_size(d);
  for (int64_t i = 0; i < type.numel(); ++i) {
    unsigned char* p = bytes.data() + size_t(i) * size;
    if (ir::is_complex(d))
      store_element_from_complex(d, p, {double(i), 0.5 * double(i)});
    else
      store_element_from_int(d, p, ir::is_bool(d) ? i % 2 : i);
  }
  return ir::Literal::copy_of(type, bytes.data());
}

DType convert_target(DType d) { return d == DType::F32 ? DType::I32 : DType::F32; }

// Same width where there is a partner, otherwise a width change (the shape grows or loses a last dim).
OpSpec bitcast_spec(DType d) {
  switch (ir::dtype_size(d)) {
    case 1:
      return {{ty(d, {2, 3})}, {dtype_attr(d == DType::I8 ? DType::U8 : DType::I8)}};
    case 2:
      return {{ty(d, {2, 3, 2})}, {dtype_attr(DType::I32)}};  // two 2-byte elements per i32
    case 4:
      return {{ty(d, {2, 3})}, {dtype_attr(d == DType::F32 ? DType::I32 : DType::F32)}};
    default:
      return {{ty(d, {2, 3})}, {dtype_attr(DType::U16)}};  // four u16 per 8-byte element
  }
}

// A region: `fill` emits its results from its parameters (of `params` types).
template <typename Fill>
ir::Body region(std::vector<Type> params, Fill fill) {
  ir::Body body;
  ir::Builder b(body);
  transforms::Emitter e(b);
  std::vector<ir::Value> values;
  for (const Type& t : params) values.push_back(b.param(t));
  std::vector<ir::Value> results = fill(e, values);
  b.set_results(results);
  return body;
}

// Control flow on any dtype: the data is only moved around (rev), the counter is int32.
OpSpec control_spec(Prim p, DType d) {
  Type x = ty(d, {2, 3}), i32 = ty(DType::I32, {});
  auto rev = [](transforms::Emitter& e, ir::Value v) { return e.op(Prim::Rev, {v}, {ints({1})}); };
  switch (p) {
    case Prim::Cond: {
      OpSpec s{{i32, x}, {}};
      s.regions.push_back(region({x}, [](auto&, auto& v) { return std::vector<ir::Value>{v[0]}; }));
      s.regions.push_back(region({x}, [&](auto& e, auto& v) { return std::vector<ir::Value>{rev(e, v[0])}; }));
      return s;
    }
    case Prim::While: {
      // Counts i up to 3, clamped so that any start ends within four steps.
      OpSpec s{{x, i32}, {int_attr(0), int_attr(0), int_attr(-1)}};
      s.regions.push_back(region({x, i32}, [](auto& e, auto& v) {
        return std::vector<ir::Value>{e.op(Prim::Lt, {v[1], e.full(DType::I32, {}, 3.0)})};
      }));
      s.regions.push_back(region({x, i32}, [&](auto& e, auto& v) {
        ir::Value next = e.op(Prim::Add, {v[1], e.full(DType::I32, {}, 1.0)});
        next = e.op(Prim::Clamp, {e.full(DType::I32, {}, 0.0), next, e.full(DType::I32, {}, 3.0)});
        return std::vector<ir::Value>{rev(e, v[0]), next};
      }));
      return s;
    }
    case Prim::Scan: {
      OpSpec s{{x, ty(d, {4, 2, 3})}, {int_attr(0), int_attr(1), int_attr(4), bool_attr(false), int_attr(1)}};
      s.regions.push_back(region({x, x}, [&](auto& e, auto& v) { return std::vector<ir::Value>{v[1], rev(e, v[0])}; }));
      return s;
    }
    case Prim::CustomJvpCall: {
      OpSpec s{{x}, {int_attr(0)}};
      s.regions.push_back(region({x}, [&](auto& e, auto& v) { return std::vector<ir::Value>{rev(e, v[0])}; }));
      s.regions.push_back(region({x, x.strong()}, [&](auto& e, auto& v) {
        return std::vector<ir::Value>{rev(e, v[0]), rev(e, v[1])};
      }));
      return s;
    }
    case Prim::CustomVjpCall: {
      // fwd keeps x as the residual; bwd reverses the cotangent (the transpose of rev).
      OpSpec s{{x}, {int_attr(0)}};
      s.regions.push_back(region({x}, [&](auto& e, auto& v) { return std::vector<ir::Value>{rev(e, v[0])}; }));
      s.regions.push_back(region({x}, [&](auto& e, auto& v) { return std::vector<ir::Value>{rev(e, v[0]), v[0]}; }));
      s.regions.push_back(region({x, x.strong()}, [&](auto& e, auto& v) {
        return std::vector<ir::Value>{rev(e, v[1])};
      }));
      return s;
    }
    case Prim::Checkpoint: {
      OpSpec s{{x, x}, {int_attr(0)}};
      s.regions.push_back(region({x, x}, [&](auto& e, auto& v) {
        return std::vector<ir::Value>{rev(e, v[0]), v[1]};
      }));
      return s;
    }
    case Prim::PureCallback: {
      // The identity, called back (a host function registered once for all samples).
      static const int64_t identity = runtime::register_host_callback(
          [](std::span<const runtime::Array> in) { return std::vector<runtime::Array>(in.begin(), in.end()); });
      return {{x}, {int_attr(identity), Attr(ir::to_string(x)), int_attr(0)}};
    }
    case Prim::DebugCallback: {
      static const int64_t ignore =
          runtime::register_host_callback([](std::span<const runtime::Array>) { return std::vector<runtime::Array>{}; });
      return {{x}, {int_attr(ignore)}};
    }
    case Prim::StackNew:
      return {{}, {}};
    case Prim::StackPush:
      return {{ty(DType::U64, {}), x}, {}};
    case Prim::StackLoop: {
      OpSpec s{{ty(DType::U64, {}), i32, x}, {int_attr(0), bool_attr(false)}};
      s.regions.push_back(region({i32, x, x}, [&](auto& e, auto& v) { return std::vector<ir::Value>{rev(e, v[2])}; }));
      return s;
    }
    case Prim::CustomLin: {
      OpSpec s{{x, x.strong()}, {int_attr(1)}};
      s.regions.push_back(region({x, x.strong()}, [&](auto& e, auto& v) {
        return std::vector<ir::Value>{rev(e, v[1])};
      }));
      return s;
    }
    default:
      throw std::logic_error("sample_ops: not a control-flow primitive");
  }
}

OpSpec spec_for(Prim p, DType d) {
  const Shape s23{2, 3};
  if (has_flag(p, ir::kUnaryElementwise)) {
    if (p == Prim::Round) return {{ty(d, s23)}, {int_attr(1)}};
    if (p == Prim::IntegerPow) return {{ty(d, s23)}, {int_attr(3)}};
    return {{ty(d, s23)}, {}};
  }
  if (has_flag(p, ir::kBinaryElementwise)) return {{ty(d, s23), ty(d, s23)}, {}};
  if (has_flag(p, ir::kReduction)) return {{ty(d, s23)}, {ints({1})}};
  switch (p) {
    case Prim::Select:
      return {{ty(DType::Bool, s23), ty(d, s23), ty(d, s23)}, {}};
    case Prim::Clamp:
      return {{ty(d, {}), ty(d, s23), ty(d, {})}, {}};
    case Prim::ConvertElementType:
      return {{ty(d, s23)}, {dtype_attr(convert_target(d)), bool_attr(false)}};
    case Prim::BitcastConvertType:
      return bitcast_spec(d);
    case Prim::BroadcastInDim:
      return {{ty(d, {3, 1})}, {ints({2, 3, 4}), ints({1, 2})}};
    case Prim::Reshape:
      return {{ty(d, s23)}, {ints({3, 2})}};
    case Prim::Transpose:
      return {{ty(d, s23)}, {ints({1, 0})}};
    case Prim::Slice:
      return {{ty(d, {4, 6})}, {ints({1, 0}), ints({4, 5}), ints({2, 2})}};
    case Prim::DynamicSlice:
      return {{ty(d, {4, 6}), ty(DType::I32, {}), ty(DType::I32, {})}, {ints({2, 3})}};
    case Prim::DynamicUpdateSlice:
      return {{ty(d, {4, 6}), ty(d, s23), ty(DType::I32, {}), ty(DType::I32, {})}, {}};
    case Prim::Concatenate:
      return {{ty(d, s23), ty(d, {2, 1})}, {int_attr(1)}};
    // Crops one row in front, adds one behind, and spreads the elements apart (interior padding).
    case Prim::Pad:
      return {{ty(d, s23), ty(d, {})}, {ints({-1, 1}), ints({1, 0}), ints({1, 2})}};
    case Prim::Rev:
      return {{ty(d, s23)}, {ints({1})}};
    case Prim::Iota:
      return {{}, {dtype_attr(d), ints({2, 3}), int_attr(1)}};
    case Prim::Argmax:
    case Prim::Argmin:
      return {{ty(d, s23)}, {ints({1}), dtype_attr(DType::I32)}};
    case Prim::DotGeneral:  // [2,3] x [3,4] matrix product
      return {{ty(d, s23), ty(d, {3, 4})}, {ints({1}), ints({0}), ints({}), ints({}), dtype_attr(d)}};
    case Prim::Constant:
      return {{}, {Attr(counting_literal(d, s23)), bool_attr(false)}};
    // Rows of a [4,3] operand picked by two scalar indices (x[idx] in NumPy terms).
    case Prim::Gather:
      return {{ty(d, {4, 3}), ty(DType::I32, {2, 1})},
              {ints({1}), ints({0}), ints({0}), ints({}), ints({}), ints({1, 3}), int_attr(0)}};
    // Two rows written into a [4,3] operand (x.at[idx].set/add/... in JAX terms).
    case Prim::Scatter:
    case Prim::ScatterAdd:
    case Prim::ScatterMul:
    case Prim::ScatterMin:
    case Prim::ScatterMax:
      return {{ty(d, {4, 3}), ty(DType::I32, {2, 1}), ty(d, s23)},
              {ints({1}), ints({0}), ints({0}), ints({}), ints({}), int_attr(1)}};
    case Prim::Sort:
      return {{ty(d, s23)}, {int_attr(1), bool_attr(true), int_attr(1)}};
    case Prim::TopK:
      return {{ty(d, s23)}, {int_attr(2)}};
    case Prim::Cumsum:
    case Prim::Cumprod:
    case Prim::Cummax:
    case Prim::Cummin:
    case Prim::Cumlogsumexp:
      return {{ty(d, s23)}, {int_attr(1), bool_attr(false)}};
    case Prim::Cond:
    case Prim::While:
    case Prim::Scan:
    case Prim::CustomJvpCall:
    case Prim::CustomVjpCall:
    case Prim::CustomLin:
    case Prim::Checkpoint:
    case Prim::PureCallback:
    case Prim::DebugCallback:
    case Prim::StackNew:
    case Prim::StackPush:
    case Prim::StackLoop:
      return control_spec(p, d);
    default:
      break;
  }
  throw std::logic_error("sample_ops: no sample recipe for " + std::string(ir::prim_name(p)));
}

std::string sample_name(Prim p, DType d, std::string_view variant = {}) {
  std::string name = std::string(ir::prim_name(p)) + "_" + std::string(ir::dtype_name(d));
  if (!variant.empty()) {
    name += '_';
    name += variant;
  }
  return name;
}

// nullopt when the primitive's rule rejects the operands and attributes.
std::optional<ir::Function> build(Prim p, const OpSpec& spec, std::string name) {
  try {
    ir::infer_result_types(p, spec.operands, spec.attrs, spec.regions);
  } catch (const Error&) {
    return std::nullopt;
  }
  ir::Function f;
  f.name = std::move(name);
  ir::Builder b(f.body);
  std::vector<ir::Value> params;
  for (const Type& t : spec.operands) params.push_back(b.param(t));
  ir::Values results = b.add(p, params, spec.attrs, spec.regions);
  b.set_results(results);
  return f;
}

// A variant that must be valid: a sample that does not build is a bug in this file.
ir::Function must_build(Prim p, DType d, std::string_view variant, const OpSpec& spec) {
  std::optional<ir::Function> f = build(p, spec, sample_name(p, d, variant));
  if (!f) throw std::logic_error("sample_ops: variant " + sample_name(p, d, variant) + " does not build");
  return std::move(*f);
}

std::vector<ir::Function> variants() {
  const Shape s23{2, 3};
  std::vector<ir::Function> out;
  auto add = [&](Prim p, DType d, std::string_view variant, OpSpec spec) {
    out.push_back(must_build(p, d, variant, spec));
  };
  // Bitcasts to a narrower dtype (adds a last dimension) and to a wider one (consumes it).
  add(Prim::BitcastConvertType, DType::F32, "to_bf16", {{ty(DType::F32, s23)}, {dtype_attr(DType::BF16)}});
  add(Prim::BitcastConvertType, DType::U16, "to_f16", {{ty(DType::U16, s23)}, {dtype_attr(DType::F16)}});
  add(Prim::BitcastConvertType, DType::F32, "to_f64",
      {{ty(DType::F32, {2, 3, 2})}, {dtype_attr(DType::F64)}});
  // Batched product, and an integer product accumulated in a wider dtype.
  add(Prim::DotGeneral, DType::F32, "batched",
      {{ty(DType::F32, {2, 2, 3}), ty(DType::F32, {2, 3, 4})},
       {ints({2}), ints({1}), ints({0}), ints({0}), dtype_attr(DType::F32)}});
  add(Prim::DotGeneral, DType::I8, "to_i32",
      {{ty(DType::I8, s23), ty(DType::I8, {3, 4})},
       {ints({1}), ints({0}), ints({}), ints({}), dtype_attr(DType::I32)}});
  // Weak types (Python scalars) and weak results.
  add(Prim::Add, DType::F32, "weak", {{ty(DType::F32, {}, true), ty(DType::F32, {}, true)}, {}});
  add(Prim::Mul, DType::F32, "half_weak", {{ty(DType::F32, s23), ty(DType::F32, s23, true)}, {}});
  add(Prim::Constant, DType::F32, "weak_scalar",
      {{}, {Attr(ir::Literal::scalar(DType::F32, 0.5)), bool_attr(true)}});
  add(Prim::ConvertElementType, DType::I64, "to_weak_f32",
      {{ty(DType::I64, {})}, {dtype_attr(DType::F32), bool_attr(true)}});
  // Empty and scalar shapes.
  add(Prim::Constant, DType::I64, "empty",
      {{}, {Attr(counting_literal(DType::I64, {0, 3})), bool_attr(false)}});
  add(Prim::Exp, DType::F64, "scalar", {{ty(DType::F64, {})}, {}});
  add(Prim::ReduceSum, DType::F32, "all_axes", {{ty(DType::F32, s23)}, {ints({0, 1})}});
  add(Prim::ReduceMax, DType::F32, "no_axes", {{ty(DType::F32, s23)}, {ints({})}});
  // Other operand forms.
  add(Prim::Select, DType::F32, "scalar_pred",
      {{ty(DType::Bool, {}), ty(DType::F32, s23), ty(DType::F32, s23)}, {}});
  add(Prim::Clamp, DType::F32, "array_bounds",
      {{ty(DType::F32, s23), ty(DType::F32, s23), ty(DType::F32, s23)}, {}});
  add(Prim::Concatenate, DType::F32, "three",
      {{ty(DType::F32, s23), ty(DType::F32, {1, 3}), ty(DType::F32, {4, 3})}, {int_attr(0)}});
  add(Prim::IntegerPow, DType::F32, "negative", {{ty(DType::F32, s23)}, {int_attr(-2)}});
  add(Prim::Transpose, DType::F32, "rank3", {{ty(DType::F32, {2, 3, 4})}, {ints({2, 0, 1})}});
  add(Prim::DynamicSlice, DType::F32, "i64_starts",
      {{ty(DType::F32, {4, 6}), ty(DType::I64, {}), ty(DType::U8, {})}, {ints({4, 0})}});
  // Gather and scatter with batching dimensions (a vmapped x[i]), 2-d windows, fill/drop mode and other
  // index dtypes.
  add(Prim::Gather, DType::F32, "batched_fill",
      {{ty(DType::F32, {2, 5, 3}), ty(DType::I64, {2, 4, 1})},
       {ints({2}), ints({1}), ints({1}), ints({0}), ints({0}), ints({1, 1, 3}), int_attr(1)}});
  add(Prim::Gather, DType::I32, "window_u8",
      {{ty(DType::I32, {4, 6}), ty(DType::U8, {3, 2})},
       {ints({1, 2}), ints({}), ints({0, 1}), ints({}), ints({}), ints({2, 2}), int_attr(0)}});
  add(Prim::ScatterAdd, DType::F32, "batched",
      {{ty(DType::F32, {2, 5}), ty(DType::I32, {2, 3, 1}), ty(DType::F32, {2, 3})},
       {ints({}), ints({1}), ints({1}), ints({0}), ints({0}), int_attr(1)}});
  add(Prim::Scatter, DType::F32, "window_clip",
      {{ty(DType::F32, {4, 6}), ty(DType::I16, {3, 2}), ty(DType::F32, {3, 2, 2})},
       {ints({1, 2}), ints({}), ints({0, 1}), ints({}), ints({}), int_attr(0)}});
  // Sorts of several operands by two keys, top_k of a row, reverse scans along the first axis.
  add(Prim::Sort, DType::F32, "two_keys",
      {{ty(DType::F32, s23), ty(DType::I32, s23), ty(DType::C64, s23)},
       {int_attr(0), bool_attr(true), int_attr(2)}});
  add(Prim::TopK, DType::F64, "rank1", {{ty(DType::F64, {5})}, {int_attr(5)}});
  add(Prim::Cumsum, DType::I8, "reverse_axis0", {{ty(DType::I8, s23)}, {int_attr(0), bool_attr(true)}});
  add(Prim::Cumlogsumexp, DType::F64, "reverse",
      {{ty(DType::F64, {2, 3, 4})}, {int_attr(1), bool_attr(true)}});
  return out;
}

}  // namespace

std::optional<ir::Function> sample_function(Prim p, DType d) {
  return build(p, spec_for(p, d), sample_name(p, d));
}

std::vector<ir::Function> sample_functions() {
  // The dtype each primitive is best known by first, then any other it accepts.
  std::vector<DType> order = {DType::F32, DType::I32, DType::Bool, DType::C64};
  for (DType d : ir::kAllDTypes) order.push_back(d);
  std::vector<ir::Function> out;
  for (int i = 0; i < ir::kNumPrims; ++i) {
    for (DType d : order) {
      if (std::optional<ir::Function> f = sample_function(Prim(i), d)) {
        out.push_back(std::move(*f));
        break;
      }
    }
  }
  for (ir::Function& f : variants()) out.push_back(std::move(f));
  return out;
}

Prim sample_prim(const ir::Function& f) {
  if (f.body.ops.empty()) throw std::logic_error("sample_ops: sample " + f.name + " has no op");
  return f.body.ops.back().prim;
}

}  // namespace ember::testing
