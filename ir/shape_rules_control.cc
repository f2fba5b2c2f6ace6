// Shape rules of the control-flow primitives: they check the regions' signatures against the operands.
// Types match when dtype and shape match; weak-type flags may differ (a branch returning a Python scalar),
// and a result is weak only when every branch's is.
#include <string>

#include "ir/function.h"
#include "ir/printer.h"
#include "ir/shape_rules.h"

namespace ember::ir::rules {

namespace {

bool same_shape_dtype(const Type& a, const Type& b) { return a.dtype == b.dtype && a.shape == b.shape; }

std::vector<Type> param_types(const Body& b) {
  std::vector<Type> out;
  for (Value v : b.params) out.push_back(b.type(v));
  return out;
}

std::vector<Type> result_types(const Body& b) {
  std::vector<Type> out;
  for (Value v : b.results) out.push_back(b.type(v));
  return out;
}

// Throws unless `got` matches `want` entry by entry; `what` names the list in the message.
void check_types(std::span<const Type> want, std::span<const Type> got, const std::string& what) {
  bool ok = want.size() == got.size();
  for (size_t i = 0; ok && i < want.size(); ++i) ok = same_shape_dtype(want[i], got[i]);
  if (!ok)
    fail(ErrorKind::Type, "expected " + what + " of types " + types_to_string(want) + ", got " +
                              types_to_string(got));
}

int64_t count_attr(const OpSignature& s, size_t index, std::string_view name, size_t limit) {
  int64_t n = attr_int(s.attrs, index);
  if (n < 0 || size_t(n) > limit)
    fail(ErrorKind::Value, "expected " + std::string(name) + " in [0, " + std::to_string(limit) + "], got " +
                               std::to_string(n));
  return n;
}

}  // namespace

std::vector<Type> cond(const OpSignature& s) {
  const Type& index = s.operands[0];
  if (index.dtype != DType::I32 || index.rank() != 0)
    fail(ErrorKind::Type, "expected an int32 scalar branch index, got " + str(index));
  std::span<const Type> args = s.operands.subspan(1);
  std::vector<Type> results = result_types(s.regions[0]);
  for (size_t r = 0; r < s.regions.size(); ++r) {
    std::string which = "branch " + std::to_string(r);
    check_types(args, param_types(s.regions[r]), which + " parameters");
    std::vector<Type> branch_results = result_types(s.regions[r]);
    check_types(results, branch_results, which + " results (as branch 0's)");
    for (size_t i = 0; i < results.size(); ++i) results[i].weak = results[i].weak && branch_results[i].weak;
  }
  return results;
}

std::vector<Type> while_loop(const OpSignature& s) {
  size_t n = s.operands.size();
  int64_t cond_consts = count_attr(s, 0, "cond_nconsts", n);
  int64_t body_consts = count_attr(s, 1, "body_nconsts", n - size_t(cond_consts));
  if (attr_int(s.attrs, 2) < -1)
    fail(ErrorKind::Value, "expected max_steps >= 0 (or -1: unbounded), got " + std::to_string(attr_int(s.attrs, 2)));
  std::span<const Type> carry = s.operands.subspan(size_t(cond_consts + body_consts));
  std::vector<Type> cond_params(s.operands.begin(), s.operands.begin() + cond_consts);
  cond_params.insert(cond_params.end(), carry.begin(), carry.end());
  check_types(cond_params, param_types(s.regions[0]), "cond region parameters");
  std::vector<Type> cond_results = result_types(s.regions[0]);
  Type predicate{DType::Bool, {}};
  check_types({&predicate, 1}, cond_results, "a cond region result");
  std::vector<Type> body_params(s.operands.begin() + cond_consts, s.operands.begin() + cond_consts + body_consts);
  body_params.insert(body_params.end(), carry.begin(), carry.end());
  check_types(body_params, param_types(s.regions[1]), "body region parameters");
  std::vector<Type> results(carry.begin(), carry.end());
  std::vector<Type> body_results = result_types(s.regions[1]);
  check_types(results, body_results, "body region results (the carry)");
  // The carry's weak flags stay as the initial values' only where the body keeps them weak.
  for (size_t i = 0; i < results.size(); ++i) results[i].weak = results[i].weak && body_results[i].weak;
  return results;
}

std::vector<Type> scan(const OpSignature& s) {
  size_t n = s.operands.size();
  int64_t num_consts = count_attr(s, 0, "num_consts", n);
  int64_t num_carry = count_attr(s, 1, "num_carry", n - size_t(num_consts));
  int64_t length = attr_int(s.attrs, 2);
  if (length < 0) fail(ErrorKind::Value, "expected length >= 0, got " + std::to_string(length));
  if (attr_int(s.attrs, 4) < 1)
    fail(ErrorKind::Value, "expected unroll >= 1, got " + std::to_string(attr_int(s.attrs, 4)));
  std::vector<Type> params(s.operands.begin(), s.operands.begin() + num_consts + num_carry);
  for (size_t i = size_t(num_consts + num_carry); i < n; ++i) {
    const Type& x = s.operands[i];
    if (x.rank() == 0 || x.shape[0] != length)
      fail(ErrorKind::Value, "expected scanned operands with a leading axis of length " + std::to_string(length) +
                                 ", got " + str(x));
    params.push_back(Type{x.dtype, Shape(x.shape.begin() + 1, x.shape.end()), x.weak});
  }
  const Body& body = s.regions[0];
  check_types(params, param_types(body), "body region parameters");
  std::vector<Type> body_results = result_types(body);
  if (body_results.size() < size_t(num_carry))
    fail(ErrorKind::Type, "expected the body to return the " + std::to_string(num_carry) + " carry values first, got " +
                              types_to_string(body_results));
  std::span<const Type> carry = s.operands.subspan(size_t(num_consts), size_t(num_carry));
  check_types(carry, std::span<const Type>(body_results).first(size_t(num_carry)), "body carry results");
  std::vector<Type> results(carry.begin(), carry.end());
  for (size_t i = 0; i < results.size(); ++i) results[i].weak = results[i].weak && body_results[i].weak;
  for (size_t i = size_t(num_carry); i < body_results.size(); ++i) {
    Type y = body_results[i];
    Shape stacked{length};
    for (int64_t d : y.shape) stacked.push_back(d);
    y.shape = stacked;
    results.push_back(y);
  }
  return results;
}

namespace {
std::vector<Type> strong(std::span<const Type> types) {
  std::vector<Type> out;
  for (const Type& t : types) out.push_back(t.strong());
  return out;
}
}  // namespace

std::vector<Type> custom_jvp_call(const OpSignature& s) {
  size_t n = s.operands.size() - size_t(count_attr(s, 0, "num_consts", s.operands.size()));
  check_types(s.operands, param_types(s.regions[0]), "function region parameters");
  std::vector<Type> jvp_params(s.operands.begin(), s.operands.end());
  for (const Type& t : strong(s.operands.first(n))) jvp_params.push_back(t);
  check_types(jvp_params, param_types(s.regions[1]), "jvp region parameters (args, consts, tangents of args)");
  std::vector<Type> outs = result_types(s.regions[0]);
  std::vector<Type> jvp_results = outs;
  for (const Type& t : strong(outs)) jvp_results.push_back(t);
  check_types(jvp_results, result_types(s.regions[1]), "jvp region results (outputs, their tangents)");
  return outs;
}

std::vector<Type> custom_vjp_call(const OpSignature& s) {
  size_t n = s.operands.size() - size_t(count_attr(s, 0, "num_consts", s.operands.size()));
  check_types(s.operands, param_types(s.regions[0]), "function region parameters");
  check_types(s.operands, param_types(s.regions[1]), "fwd region parameters");
  std::vector<Type> outs = result_types(s.regions[0]), fwd = result_types(s.regions[1]);
  if (fwd.size() < outs.size())
    fail(ErrorKind::Type, "expected the fwd region to return the outputs " + types_to_string(outs) +
                              " then residuals, got " + types_to_string(fwd));
  check_types(outs, std::span<const Type>(fwd).first(outs.size()), "fwd region outputs");
  std::vector<Type> bwd_params(fwd.begin() + ptrdiff_t(outs.size()), fwd.end());
  for (const Type& t : strong(outs)) bwd_params.push_back(t);
  check_types(bwd_params, param_types(s.regions[2]), "bwd region parameters (residuals, output cotangents)");
  check_types(strong(s.operands.first(n)), result_types(s.regions[2]), "bwd region results (argument cotangents)");
  return outs;
}

std::vector<Type> custom_lin(const OpSignature& s) {
  size_t num_res = size_t(count_attr(s, 0, "num_res", s.operands.size()));
  std::vector<Type> params = param_types(s.regions[0]);
  if (params.size() < num_res)
    fail(ErrorKind::Type, "expected the bwd region to take the " + std::to_string(num_res) + " residuals first");
  check_types(s.operands.first(num_res), std::span<const Type>(params).first(num_res), "residuals");
  check_types(s.operands.subspan(num_res), result_types(s.regions[0]), "tangents (as bwd's results)");
  return strong(std::span<const Type>(params).subspan(num_res));
}

std::vector<Type> checkpoint(const OpSignature& s) {
  int64_t policy = attr_int(s.attrs, 0);
  if (policy < 0 || policy > int64_t(CheckpointPolicy::EverythingSaveable))
    fail(ErrorKind::Value, "expected policy 0 (nothing saveable), 1 (dots saveable) or 2 (everything saveable), got " +
                               std::to_string(policy));
  check_types(s.operands, param_types(s.regions[0]), "region parameters");
  return result_types(s.regions[0]);
}

std::vector<Type> pure_callback(const OpSignature& s) {
  int64_t method = attr_int(s.attrs, 2);
  if (method != 0 && method != 1)
    fail(ErrorKind::Value, "expected vmap_method 0 (sequential) or 1 (broadcast_all), got " + std::to_string(method));
  return parse_types(std::get<std::string>(s.attrs[1]));
}

std::vector<Type> debug_callback(const OpSignature&) { return {}; }

namespace {
const Type kHandle{DType::U64, {}};
void check_handle(const Type& t) {
  if (!same_shape_dtype(t, kHandle)) fail(ErrorKind::Type, "expected a u64[] stack handle, got " + str(t));
}
}  // namespace

std::vector<Type> stack_new(const OpSignature&) { return {kHandle}; }

std::vector<Type> stack_push(const OpSignature& s) {
  check_handle(s.operands[0]);
  return {kHandle};
}

std::vector<Type> stack_loop(const OpSignature& s) {
  check_handle(s.operands[0]);
  if (!same_shape_dtype(s.operands[1], Type{DType::I32, {}}))
    fail(ErrorKind::Type, "expected an int32 scalar count, got " + str(s.operands[1]));
  size_t k = size_t(count_attr(s, 0, "num_consts", s.operands.size() - 2));
  std::span<const Type> consts = s.operands.subspan(2, k), carry = s.operands.subspan(2 + k);
  std::vector<Type> params = param_types(s.regions[0]);
  if (params.size() < 1 + k + carry.size())
    fail(ErrorKind::Type, "expected the region to take (index, entry..., consts, carry), got " + types_to_string(params));
  size_t entries = params.size() - 1 - k - carry.size();
  Type index{DType::I32, {}};
  check_types({&index, 1}, std::span<const Type>(params).first(1), "the region's first parameter (the index)");
  check_types(consts, std::span<const Type>(params).subspan(1 + entries, k), "region constants");
  check_types(carry, std::span<const Type>(params).subspan(1 + entries + k), "region carries");
  check_types(carry, result_types(s.regions[0]), "region results (the carry)");
  return std::vector<Type>(carry.begin(), carry.end());
}

}  // namespace ember::ir::rules
