// Rules of the user-defined derivatives (custom_jvp_call, custom_vjp_call, custom_lin), as JAX's:
// - jvp of custom_jvp_call inlines the user's JVP region (its tangent part is then linearized and
//   transposed like any other code, so grad and grad-of-grad work through it);
// - jvp of custom_vjp_call inlines fwd and emits custom_lin(residuals, tangents), whose transpose inlines bwd;
// - vmap batches the regions with the same pass.
// Values the user's functions close over (consts) are not differentiated: a tangent reaching one is an
// error rather than a silently wrong derivative.
#include "ir/error.h"
#include "transforms/control_rules.h"

namespace ember::transforms {

namespace {

using Values = std::vector<Value>;

void check_consts_not_differentiated(const JvpArgs& a, size_t num_args) {
  for (size_t i = num_args; i < a.t.size(); ++i)
    if (a.t[i].valid())
      throw make_error(ErrorKind::Value, ir::prim_name(a.op.prim),
                       "expected the custom rule's function to close over no value being differentiated, got one "
                       "(pass it as an argument instead)");
}

// Tangents of the arguments with zeros where there are none (the user's rule takes one per argument).
Values arg_tangents(JvpArgs& a, size_t num_args) {
  Values out;
  for (size_t i = 0; i < num_args; ++i)
    out.push_back(a.t[i].valid() ? a.t[i] : a.e.full(a.e.type(a.x[i]).strong(), 0.0));
  return out;
}

std::vector<Value> custom_jvp_jvp(JvpArgs& a) {
  size_t n = a.x.size() - size_t(ir::attr_int(a.op.attrs, 0)), m = a.y.size();
  check_consts_not_differentiated(a, n);
  Values args(a.x.begin(), a.x.end());
  Values t = arg_tangents(a, n);
  args.insert(args.end(), t.begin(), t.end());
  Values out = inline_body(a.e.builder(), a.op.regions[1], args);
  a.new_y.assign(out.begin(), out.begin() + ptrdiff_t(m));
  return Values(out.begin() + ptrdiff_t(m), out.end());
}

std::vector<Value> custom_vjp_jvp(JvpArgs& a) {
  size_t n = a.x.size() - size_t(ir::attr_int(a.op.attrs, 0)), m = a.y.size();
  check_consts_not_differentiated(a, n);
  Values fwd = inline_body(a.e.builder(), a.op.regions[1], a.x);
  a.new_y.assign(fwd.begin(), fwd.begin() + ptrdiff_t(m));
  Values operands(fwd.begin() + ptrdiff_t(m), fwd.end());
  int64_t num_res = int64_t(operands.size());
  Values t = arg_tangents(a, n);
  operands.insert(operands.end(), t.begin(), t.end());
  std::vector<ir::Body> regions = {a.op.regions[2]};
  ir::Values out = a.e.builder().add(Prim::CustomLin, operands, {num_res}, std::move(regions));
  return Values(out.begin(), out.end());
}

// custom_lin is linear in its tangents; its residuals must not carry tangents (that would need the
// derivative of the user's bwd with respect to them).
std::vector<Value> custom_lin_jvp(JvpArgs& a) {
  size_t num_res = size_t(ir::attr_int(a.op.attrs, 0));
  for (size_t i = 0; i < num_res; ++i)
    if (a.t[i].valid())
      throw make_error(ErrorKind::NotImplemented, "custom_lin",
                       "higher-order differentiation of a custom_vjp function is not supported");
  Values operands(a.x.begin(), a.x.begin() + ptrdiff_t(num_res));
  for (size_t i = num_res; i < a.x.size(); ++i)
    operands.push_back(a.t[i].valid() ? a.t[i] : a.e.full(a.e.type(a.x[i]).strong(), 0.0));
  std::vector<ir::Body> regions = {a.op.regions[0]};
  ir::Values out = a.e.builder().add(Prim::CustomLin, operands, a.op.attrs, std::move(regions));
  return Values(out.begin(), out.end());
}

std::vector<Value> custom_lin_transpose(TransposeArgs& a) {
  size_t num_res = size_t(ir::attr_int(a.op.attrs, 0));
  for (size_t i = 0; i < num_res; ++i)
    if (a.linear[i])
      throw make_error(ErrorKind::NotImplemented, "custom_lin", "expected residuals that do not depend on tangents");
  const ir::Body& bwd = a.op.regions[0];
  Values args(a.x.begin(), a.x.begin() + ptrdiff_t(num_res));
  for (size_t j = 0; j < a.ct.size(); ++j)
    args.push_back(a.ct[j].valid() ? a.ct[j] : a.e.full(bwd.type(bwd.params[num_res + j]).strong(), 0.0));
  Values cts = inline_body(a.e.builder(), bwd, args);
  Values out(num_res);
  out.insert(out.end(), cts.begin(), cts.end());
  return out;
}

// ---- vmap: every operand batched at the front (so the regions' tangent and cotangent layouts, which
// mirror the operands', stay consistent), every region batched with the same pass. ----

ir::Body batch_all(const ir::Body& r, int64_t size) {
  std::vector<std::optional<int64_t>> in(r.params.size(), int64_t(0)), out(r.results.size(), int64_t(0));
  return vmap(as_function(r), in, size, out).body;
}

Batched custom_batch(BatchArgs& a) {
  Values operands;
  for (size_t i = 0; i < a.x.size(); ++i) operands.push_back(batch_at_front(a.e, a.x[i], a.bdim[i], a.size));
  std::vector<ir::Body> regions;
  for (const ir::Body& r : a.op.regions) regions.push_back(batch_all(r, a.size));
  ir::Values out = a.e.builder().add(a.op.prim, operands, a.op.attrs, std::move(regions));
  return {Values(out.begin(), out.end()), std::vector<int64_t>(out.size(), 0)};
}

}  // namespace

void register_custom_jvp(ir::PrimTable<JvpRule>& t) {
  t.set(Prim::CustomJvpCall, custom_jvp_jvp);
  t.set(Prim::CustomVjpCall, custom_vjp_jvp);
  t.set(Prim::CustomLin, custom_lin_jvp);
}

void register_custom_batching(ir::PrimTable<BatchRule>& t) {
  t.set(Prim::CustomJvpCall, custom_batch);
  t.set(Prim::CustomVjpCall, custom_batch);
  t.set(Prim::CustomLin, custom_batch);
}

void register_custom_transpose(ir::PrimTable<TransposeRule>& t) { t.set(Prim::CustomLin, custom_lin_transpose); }

}  // namespace ember::transforms
