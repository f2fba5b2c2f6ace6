#include "ir/prim.h"

#include <array>
#include <string>
#include <unordered_map>

#include "ir/error.h"
#include "ir/shape_rules.h"

namespace ember::ir {

namespace {

using K = AttrKind;

PrimInfo unary(std::string_view name, uint32_t dtypes, ResultDType result = ResultDType::Same,
               std::vector<AttrSpec> attrs = {}) {
  PrimInfo p;
  p.name = name;
  p.min_operands = p.max_operands = 1;
  p.flags = kUnaryElementwise | kElementwise;
  p.operand_dtypes = dtypes;
  p.result_dtype = result;
  p.attrs = std::move(attrs);
  p.rule = rules::unary_elementwise;
  return p;
}

PrimInfo binary(std::string_view name, uint32_t dtypes, ResultDType result = ResultDType::Same) {
  PrimInfo p;
  p.name = name;
  p.min_operands = p.max_operands = 2;
  p.flags = kBinaryElementwise | kElementwise | (result == ResultDType::Bool ? uint32_t(kComparison) : 0u);
  p.operand_dtypes = dtypes;
  p.result_dtype = result;
  p.rule = rules::binary_elementwise;
  return p;
}

PrimInfo other(std::string_view name, int min_operands, int max_operands, std::vector<AttrSpec> attrs,
               ShapeRule rule, uint32_t dtypes = kAnyClass, uint32_t flags = 0) {
  PrimInfo p;
  p.name = name;
  p.min_operands = min_operands;
  p.max_operands = max_operands;
  p.attrs = std::move(attrs);
  p.rule = rule;
  p.operand_dtypes = dtypes;
  p.flags = flags;
  return p;
}

PrimInfo reduction(std::string_view name, uint32_t dtypes) {
  return other(name, 1, 1, {{"axes", K::Ints}}, rules::reduction, dtypes, kReduction);
}

PrimInfo scatter(std::string_view name, uint32_t dtypes) {
  return other(name, 3, 3,
               {{"update_window_dims", K::Ints},
                {"inserted_window_dims", K::Ints},
                {"scatter_dims_to_operand_dims", K::Ints},
                {"operand_batching_dims", K::Ints},
                {"scatter_indices_batching_dims", K::Ints},
                {"mode", K::Int}},
               rules::scatter, dtypes, kScatter);
}

PrimInfo cumulative(std::string_view name, uint32_t dtypes) {
  return other(name, 1, 1, {{"axis", K::Int}, {"reverse", K::Bool}}, rules::cumulative, dtypes, kCumulative);
}

PrimInfo info_of(Prim p) {
  constexpr uint32_t kNum = kNumberClass, kInexact = kInexactClass, kFloat = kFloatClass;
  switch (p) {
    case Prim::Neg: return unary("neg", kNum);
    // The identity, whose derivative is zero: differentiation treats its result as a constant.
    case Prim::StopGradient: return unary("stop_gradient", kAnyClass);
    case Prim::Abs: return unary("abs", kNum, ResultDType::RealPart);
    case Prim::Sign: return unary("sign", kNum);
    case Prim::Floor: return unary("floor", kFloat);
    case Prim::Ceil: return unary("ceil", kFloat);
    // rounding_method: 0 rounds halves away from zero (lax's default), 1 to nearest even (NumPy's).
    case Prim::Round: return unary("round", kFloat, ResultDType::Same, {{"rounding_method", K::Int}});
    case Prim::Exp: return unary("exp", kInexact);
    case Prim::Exp2: return unary("exp2", kInexact);
    case Prim::Expm1: return unary("expm1", kInexact);
    case Prim::Log: return unary("log", kInexact);
    case Prim::Log1p: return unary("log1p", kInexact);
    case Prim::Sqrt: return unary("sqrt", kInexact);
    case Prim::Rsqrt: return unary("rsqrt", kInexact);
    case Prim::Cbrt: return unary("cbrt", kFloat);
    case Prim::Sin: return unary("sin", kInexact);
    case Prim::Cos: return unary("cos", kInexact);
    case Prim::Tan: return unary("tan", kInexact);
    case Prim::Asin: return unary("asin", kInexact);
    case Prim::Acos: return unary("acos", kInexact);
    case Prim::Atan: return unary("atan", kInexact);
    case Prim::Sinh: return unary("sinh", kInexact);
    case Prim::Cosh: return unary("cosh", kInexact);
    case Prim::Tanh: return unary("tanh", kInexact);
    case Prim::Asinh: return unary("asinh", kInexact);
    case Prim::Acosh: return unary("acosh", kInexact);
    case Prim::Atanh: return unary("atanh", kInexact);
    case Prim::Logistic: return unary("logistic", kInexact);
    case Prim::Erf: return unary("erf", kFloat);
    case Prim::Erfc: return unary("erfc", kFloat);
    case Prim::IsFinite: return unary("is_finite", kFloat, ResultDType::Bool);
    case Prim::Not: return unary("not", kBitwiseClass);
    case Prim::Real: return unary("real", kComplexClass, ResultDType::RealPart);
    case Prim::Imag: return unary("imag", kComplexClass, ResultDType::RealPart);
    case Prim::Conj: return unary("conj", kComplexClass);
    // x ** y for a static integer y (negative y for inexact dtypes only).
    case Prim::IntegerPow: return unary("integer_pow", kNum, ResultDType::Same, {{"y", K::Int}});
    case Prim::ErfInv: return unary("erf_inv", kFloat);
    case Prim::Lgamma: return unary("lgamma", kFloat);
    case Prim::Digamma: return unary("digamma", kFloat);
    // Exponentially scaled modified Bessel functions: exp(-|x|) I0(x) and exp(-|x|) I1(x).
    case Prim::BesselI0e: return unary("bessel_i0e", kFloat);
    case Prim::BesselI1e: return unary("bessel_i1e", kFloat);
    case Prim::PopulationCount: return unary("population_count", kIntClass);

    case Prim::Add: return binary("add", kNum);
    case Prim::Sub: return binary("sub", kNum);
    case Prim::Mul: return binary("mul", kNum);
    case Prim::Div: return binary("div", kNum);
    case Prim::Rem: return binary("rem", kRealNumberClass);
    case Prim::Pow: return binary("pow", kNum);
    case Prim::Max: return binary("max", kAnyClass);
    case Prim::Min: return binary("min", kAnyClass);
    case Prim::Atan2: return binary("atan2", kFloat);
    case Prim::Nextafter: return binary("nextafter", kFloat);
    case Prim::And: return binary("and", kBitwiseClass);
    case Prim::Or: return binary("or", kBitwiseClass);
    case Prim::Xor: return binary("xor", kBitwiseClass);
    case Prim::ShiftLeft: return binary("shift_left", kIntClass);
    case Prim::ShiftRightLogical: return binary("shift_right_logical", kIntClass);
    case Prim::ShiftRightArithmetic: return binary("shift_right_arithmetic", kIntClass);
    case Prim::Eq: return binary("eq", kAnyClass, ResultDType::Bool);
    case Prim::Ne: return binary("ne", kAnyClass, ResultDType::Bool);
    case Prim::Lt: return binary("lt", kOrderedClass, ResultDType::Bool);
    case Prim::Le: return binary("le", kOrderedClass, ResultDType::Bool);
    case Prim::Gt: return binary("gt", kOrderedClass, ResultDType::Bool);
    case Prim::Ge: return binary("ge", kOrderedClass, ResultDType::Bool);
    case Prim::Complex: return binary("complex", kFloatClass, ResultDType::ComplexOf);
    // polygamma(m, x): the m-th derivative of digamma; m is a non-negative integer held in x's dtype.
    case Prim::Polygamma: return binary("polygamma", kFloat);

    case Prim::Select: return other("select", 3, 3, {}, rules::select, kAnyClass, kElementwise);
    case Prim::Clamp: return other("clamp", 3, 3, {}, rules::clamp, kOrderedClass, kElementwise);
    case Prim::ConvertElementType:
      return other("convert_element_type", 1, 1, {{"new_dtype", K::DType}, {"weak_type", K::Bool}},
                   rules::convert_element_type, kAnyClass, kElementwise);
    case Prim::BitcastConvertType:
      return other("bitcast_convert_type", 1, 1, {{"new_dtype", K::DType}}, rules::bitcast_convert_type,
                   kIntClass | kFloatClass);
    case Prim::BroadcastInDim:
      return other("broadcast_in_dim", 1, 1, {{"shape", K::Ints}, {"broadcast_dimensions", K::Ints}},
                   rules::broadcast_in_dim);
    case Prim::Reshape: return other("reshape", 1, 1, {{"new_sizes", K::Ints}}, rules::reshape);
    case Prim::Transpose: return other("transpose", 1, 1, {{"permutation", K::Ints}}, rules::transpose);
    case Prim::Slice:
      return other("slice", 1, 1,
                   {{"start_indices", K::Ints}, {"limit_indices", K::Ints}, {"strides", K::Ints}},
                   rules::slice);
    // Operands: the array, then one scalar integer start index per dimension. Starts are clamped so the
    // slice stays in bounds, as in JAX.
    case Prim::DynamicSlice:
      return other("dynamic_slice", 1, -1, {{"slice_sizes", K::Ints}}, rules::dynamic_slice);
    // Operands: the array, the update, then one scalar integer start index per dimension (clamped).
    case Prim::DynamicUpdateSlice:
      return other("dynamic_update_slice", 2, -1, {}, rules::dynamic_update_slice);
    case Prim::Concatenate:
      return other("concatenate", 1, -1, {{"dimension", K::Int}}, rules::concatenate);
    // Operands: the array and a scalar padding value. Negative low/high padding crops.
    case Prim::Pad:
      return other("pad", 2, 2,
                   {{"padding_low", K::Ints}, {"padding_high", K::Ints}, {"padding_interior", K::Ints}},
                   rules::pad);
    case Prim::Rev: return other("rev", 1, 1, {{"dimensions", K::Ints}}, rules::rev);
    case Prim::Iota:
      return other("iota", 0, 0, {{"dtype", K::DType}, {"shape", K::Ints}, {"dimension", K::Int}},
                   rules::iota);
    case Prim::ReduceSum: return reduction("reduce_sum", kNum);
    case Prim::ReduceProd: return reduction("reduce_prod", kNum);
    case Prim::ReduceMax: return reduction("reduce_max", kOrderedClass);
    case Prim::ReduceMin: return reduction("reduce_min", kOrderedClass);
    case Prim::ReduceAnd: return reduction("reduce_and", kBitwiseClass);
    case Prim::ReduceOr: return reduction("reduce_or", kBitwiseClass);
    // First index of the extreme value along the one axis in `axes`; NaN counts as the extreme, as NumPy.
    case Prim::Argmax:
      return other("argmax", 1, 1, {{"axes", K::Ints}, {"index_dtype", K::DType}}, rules::arg_reduction,
                   kOrderedClass);
    case Prim::Argmin:
      return other("argmin", 1, 1, {{"axes", K::Ints}, {"index_dtype", K::DType}}, rules::arg_reduction,
                   kOrderedClass);
    // Result dimensions: batch, then lhs free, then rhs free.
    case Prim::DotGeneral:
      return other("dot_general", 2, 2,
                   {{"lhs_contracting_dimensions", K::Ints},
                    {"rhs_contracting_dimensions", K::Ints},
                    {"lhs_batch_dimensions", K::Ints},
                    {"rhs_batch_dimensions", K::Ints},
                    {"preferred_element_type", K::DType}},
                   rules::dot_general, kNumberClass);
    case Prim::Constant:
      return other("constant", 0, 0, {{"value", K::Literal}, {"weak_type", K::Bool}}, rules::constant);
    // XLA's gather with JAX's dimension numbers. Operands: the array and integer start indices whose last
    // dimension is the index vector. mode: IndexMode.
    case Prim::Gather:
      return other("gather", 2, 2,
                   {{"offset_dims", K::Ints},
                    {"collapsed_slice_dims", K::Ints},
                    {"start_index_map", K::Ints},
                    {"operand_batching_dims", K::Ints},
                    {"start_indices_batching_dims", K::Ints},
                    {"slice_sizes", K::Ints},
                    {"mode", K::Int}},
                   rules::gather);
    // XLA's scatter. Operands: the array, integer indices (last dimension the index vector) and updates.
    // `scatter` writes (the last update wins where indices repeat); the others combine.
    case Prim::Scatter: return scatter("scatter", kAnyClass);
    case Prim::ScatterAdd: return scatter("scatter_add", kNumberClass);
    case Prim::ScatterMul: return scatter("scatter_mul", kNumberClass);
    case Prim::ScatterMin: return scatter("scatter_min", kOrderedClass);
    case Prim::ScatterMax: return scatter("scatter_max", kOrderedClass);
    // Sorts operands of one shape along `dimension` by their first num_keys operands (lexicographically),
    // NumPy's order: NaNs last, -0.0 equal to 0.0, complex by real then imaginary part.
    case Prim::Sort:
      return other("sort", 1, -1, {{"dimension", K::Int}, {"is_stable", K::Bool}, {"num_keys", K::Int}},
                   rules::sort);
    // The k largest entries along the last dimension, descending (NaN largest, ties by lower index), and
    // their int32 indices.
    case Prim::TopK: return other("top_k", 1, 1, {{"k", K::Int}}, rules::top_k, kOrderedClass);
    case Prim::Cumsum: return cumulative("cumsum", kNumberClass);
    case Prim::Cumprod: return cumulative("cumprod", kNumberClass);
    case Prim::Cummax: return cumulative("cummax", kOrderedClass);
    case Prim::Cummin: return cumulative("cummin", kOrderedClass);
    case Prim::Cumlogsumexp: return cumulative("cumlogsumexp", kFloat);
    // cond(index, args...): runs region `index` (clamped into range) on args; every branch takes the args'
    // types and returns the same types.
    case Prim::Cond: {
      PrimInfo p = other("cond", 1, -1, {}, rules::cond);
      p.num_regions = -1;
      return p;
    }
    // while(cond_consts..., body_consts..., carry...): region 0 (cond_consts..., carry...) -> bool[];
    // region 1 (body_consts..., carry...) -> carry. max_steps: a bound on the trip count the program asserts
    // (-1: none), which lets reverse mode use static storage.
    case Prim::While: {
      PrimInfo p = other("while", 0, -1, {{"cond_nconsts", K::Int}, {"body_nconsts", K::Int}, {"max_steps", K::Int}},
                         rules::while_loop);
      p.num_regions = 2;
      return p;
    }
    // scan(consts..., carry..., xs...): the region (consts..., carry..., x slices...) -> (carry..., y slices...)
    // runs `length` times over the leading axis of the xs (backwards when `reverse`); results: the final
    // carry, then the ys stacked along a new leading axis. unroll: iterations per loop trip (a code
    // generation hint).
    // custom_jvp_call(args..., consts...): region 0 (args, consts) -> outs is the function; region 1
    // (args, consts, tangents of args) -> (outs, tangents of outs) its JVP. Consts (values the user's
    // functions close over) are not differentiated.
    case Prim::CustomJvpCall: {
      PrimInfo p = other("custom_jvp_call", 0, -1, {{"num_consts", K::Int}}, rules::custom_jvp_call);
      p.num_regions = 2;
      return p;
    }
    // custom_vjp_call(args..., consts...): region 0 (args, consts) -> outs; region 1, fwd: (args, consts) ->
    // (outs, residuals); region 2, bwd: (residuals, cotangents of outs) -> cotangents of args.
    case Prim::CustomVjpCall: {
      PrimInfo p = other("custom_vjp_call", 0, -1, {{"num_consts", K::Int}}, rules::custom_vjp_call);
      p.num_regions = 3;
      return p;
    }
    // custom_lin(residuals..., tangents of args...): the tangents of a custom_vjp_call's outputs, defined only
    // through its transpose, the region (bwd). Running it (forward mode) is an error.
    case Prim::CustomLin: {
      PrimInfo p = other("custom_lin", 0, -1, {{"num_res", K::Int}}, rules::custom_lin);
      p.num_regions = 1;
      return p;
    }
    // checkpoint(args...): the region (args) -> outs, run as is; reverse mode saves only what `policy`
    // (CheckpointPolicy) allows of its intermediates and recomputes the rest in the backward pass.
    case Prim::Checkpoint: {
      PrimInfo p = other("checkpoint", 0, -1, {{"policy", K::Int}}, rules::checkpoint);
      p.num_regions = 1;
      return p;
    }
    // pure_callback(args...): calls host function `callback` (runtime::host_callback) with the args' values;
    // it returns arrays of `result_types` (text form). vmap_method: 0 calls it once per batch member, 1
    // calls it once with every operand batched along a new leading axis.
    case Prim::PureCallback:
      return other("pure_callback", 0, -1,
                   {{"callback", K::Int}, {"result_types", K::String}, {"vmap_method", K::Int}},
                   rules::pure_callback, kAnyClass, kHostCallback);
    // debug_callback(args...): calls host function `callback` for its effect (printing); no results.
    case Prim::DebugCallback:
      return other("debug_callback", 0, -1, {{"callback", K::Int}}, rules::debug_callback, kAnyClass,
                   kHostCallback | kSideEffect);
    // Run-time storage for reverse mode through while loops (docs/transforms.md). stack_new() -> u64[]: a
    // handle whose buffer owns a growable list of entries. stack_push(h, values...) -> h appends one entry.
    // stack_loop(h, n, consts..., carry...): the region (i: i32[], entry i..., consts..., carry...) -> carry
    // for i in [0, n), or from n - 1 down when `reverse`.
    case Prim::StackNew: return other("stack_new", 0, 0, {}, rules::stack_new, kAnyClass, kStateful);
    case Prim::StackPush: return other("stack_push", 1, -1, {}, rules::stack_push, kAnyClass, kStateful);
    case Prim::StackLoop: {
      PrimInfo p = other("stack_loop", 2, -1, {{"num_consts", K::Int}, {"reverse", K::Bool}}, rules::stack_loop);
      p.num_regions = 1;
      return p;
    }
    case Prim::Scan: {
      PrimInfo p = other("scan", 0, -1,
                         {{"num_consts", K::Int}, {"num_carry", K::Int}, {"length", K::Int}, {"reverse", K::Bool},
                          {"unroll", K::Int}},
                         rules::scan);
      p.num_regions = 1;
      return p;
    }
  }
  throw Error(ErrorKind::Runtime, "primitive missing from the table");
}

struct Table {
  std::array<PrimInfo, kNumPrims> infos;
  std::unordered_map<std::string_view, Prim> by_name;
  Table() {
    for (int i = 0; i < kNumPrims; ++i) {
      infos[i] = info_of(Prim(i));
      by_name.emplace(infos[i].name, Prim(i));
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

// The X-macro names and the table names must agree; checked once at start-up.
[[maybe_unused]] const bool kNamesAgree = [] {
  constexpr std::string_view names[] = {
#define EMBER_NAME(e, n) n,
      EMBER_PRIMITIVES(EMBER_NAME)
#undef EMBER_NAME
  };
  for (int i = 0; i < kNumPrims; ++i)
    if (table().infos[i].name != names[i]) throw Error(ErrorKind::Runtime, "primitive table out of order");
  return true;
}();

}  // namespace

const PrimInfo& prim_info(Prim p) { return table().infos[size_t(p)]; }

std::optional<Prim> prim_from_name(std::string_view name) {
  auto it = table().by_name.find(name);
  if (it == table().by_name.end()) return std::nullopt;
  return it->second;
}

int attr_index(Prim p, std::string_view name) {
  const auto& attrs = prim_info(p).attrs;
  for (size_t i = 0; i < attrs.size(); ++i)
    if (attrs[i].name == name) return int(i);
  return -1;
}

void check_op_schema(Prim p, size_t num_operands, const Attrs& attrs, size_t num_regions) {
  const PrimInfo& info = prim_info(p);
  if (int(num_operands) < info.min_operands ||
      (info.max_operands >= 0 && int(num_operands) > info.max_operands)) {
    std::string expected = std::to_string(info.min_operands);
    if (info.max_operands != info.min_operands)
      expected += info.max_operands < 0 ? " or more" : " to " + std::to_string(info.max_operands);
    throw make_error(ErrorKind::Value, info.name, "expected ", expected, " operands, got ", num_operands);
  }
  if (attrs.size() != info.attrs.size())
    throw make_error(ErrorKind::Value, info.name, "expected ", info.attrs.size(), " attributes, got ",
                     attrs.size());
  for (size_t i = 0; i < attrs.size(); ++i)
    if (attr_kind(attrs[i]) != info.attrs[i].kind)
      throw make_error(ErrorKind::Type, info.name, "expected attribute '", info.attrs[i].name, "' of kind ",
                       attr_kind_name(info.attrs[i].kind), ", got ", attr_kind_name(attr_kind(attrs[i])));
  if (info.num_regions < 0 ? num_regions == 0 : int(num_regions) != info.num_regions)
    throw make_error(ErrorKind::Value, info.name, "expected ",
                     info.num_regions < 0 ? std::string("1 or more") : std::to_string(info.num_regions),
                     " regions, got ", num_regions);
}

std::vector<Type> infer_result_types(Prim p, std::span<const Type> operands, const Attrs& attrs,
                                     std::span<const Body> regions) {
  check_op_schema(p, operands.size(), attrs, regions.size());
  try {
    return prim_info(p).rule(OpSignature{p, operands, attrs, regions});
  } catch (Error& e) {
    e.with_op(prim_name(p));
    throw;
  }
}

}  // namespace ember::ir
