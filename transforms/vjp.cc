#include "transforms/vjp.h"

#include "ir/error.h"
#include "transforms/control_rules.h"
#include "transforms/jvp.h"
#include "transforms/simplify.h"

namespace ember::transforms {

ir::Values copy_op(ir::Builder& b, const ir::Body& from, const ir::Op& op, std::vector<Value>& map) {
  SmallVec<Value, 4> operands;
  for (Value v : op.operands) operands.push_back(map[v.id]);
  std::vector<ir::Type> types;
  for (Value r : op.results) types.push_back(from.type(r));
  b.set_location(op.loc);
  ir::Values results = b.add_typed(op.prim, operands.span(), op.attrs, op.regions, types);
  for (size_t i = 0; i < results.size(); ++i) map[op.results[i].id] = results[i];
  return results;
}

std::vector<Value> inline_body(ir::Builder& b, const ir::Body& body, std::span<const Value> args) {
  std::vector<Value> map(body.types.size());
  for (size_t i = 0; i < body.params.size(); ++i) map[body.params[i].id] = args[i];
  const ir::Location* saved = b.location();
  for (const ir::Op& op : body.ops) copy_op(b, body, op, map);
  b.set_location(saved);
  std::vector<Value> out;
  for (Value r : body.results) out.push_back(map[r.id]);
  return out;
}

namespace {

// Values computable from constants alone (constants, iotas and what is built only from them): cheaper
// to recompute in the linear function than to carry as residuals.
std::vector<bool> constant_only(const ir::Body& body) {
  std::vector<bool> out(body.types.size(), false);
  for (const ir::Op& op : body.ops) {
    bool all = op.regions.empty() && !ir::has_flag(op.prim, ir::kHostCallback) && !ir::is_stateful(op);
    for (Value v : op.operands) all = all && out[v.id];
    for (Value r : op.results) out[r.id] = all;
  }
  return out;
}

}  // namespace

Linearized linearize(const ir::Function& f, const std::vector<bool>& wrt) {
  size_t n = f.body.params.size(), m = f.body.results.size();
  return partial_eval(split_control_flow(jvp(f, wrt), n), n, m);
}

Linearized partial_eval(const ir::Function& g, size_t n, size_t m) {
  const ir::Body& body = g.body;
  std::vector<bool> unknown(body.types.size(), false);
  for (size_t i = n; i < body.params.size(); ++i) unknown[body.params[i].id] = true;
  for (const ir::Op& op : body.ops) {
    bool any = false;
    for (Value v : op.operands) any = any || unknown[v.id];
    for (Value r : op.results) unknown[r.id] = any;
  }
  std::vector<bool> constant = constant_only(body);

  // Residuals: known, non-constant values the linear part reads.
  std::vector<Value> residuals;
  std::vector<bool> is_residual(body.types.size(), false);
  auto need = [&](Value v) {
    if (!unknown[v.id] && !constant[v.id] && !is_residual[v.id]) {
      is_residual[v.id] = true;
      residuals.push_back(v);
    }
  };
  for (const ir::Op& op : body.ops)
    if (!op.results.empty() && unknown[op.results[0].id])
      for (Value v : op.operands) need(v);
  for (size_t i = m; i < body.results.size(); ++i) need(body.results[i]);

  Linearized out;
  out.num_outputs = m;
  out.num_residuals = residuals.size();
  // The primal part: every known op.
  {
    out.primal.name = g.name;
    ir::Builder b(out.primal.body);
    std::vector<Value> map(body.types.size());
    for (size_t i = 0; i < n; ++i) map[body.params[i].id] = b.param(body.type(body.params[i]));
    for (const ir::Op& op : body.ops)
      if (op.results.empty() || !unknown[op.results[0].id]) copy_op(b, body, op, map);
    std::vector<Value> results;
    for (size_t i = 0; i < m; ++i) results.push_back(map[body.results[i].id]);
    for (Value r : residuals) results.push_back(map[r.id]);
    b.set_results(results);
  }
  // The linear part: unknown ops, with constant-only ops recomputed.
  {
    out.linear.name = g.name + "_linear";
    ir::Builder b(out.linear.body);
    std::vector<Value> map(body.types.size());
    for (Value r : residuals) map[r.id] = b.param(body.type(r));
    for (size_t i = n; i < body.params.size(); ++i) map[body.params[i].id] = b.param(body.type(body.params[i]));
    for (const ir::Op& op : body.ops) {
      bool is_unknown = !op.results.empty() && unknown[op.results[0].id];
      bool is_constant = !op.results.empty() && constant[op.results[0].id];
      if (is_unknown || is_constant) copy_op(b, body, op, map);
    }
    std::vector<Value> results;
    for (size_t i = m; i < body.results.size(); ++i) results.push_back(map[body.results[i].id]);
    b.set_results(results);
  }
  out.primal = dce(out.primal);
  out.linear = dce(out.linear);
  return out;
}

ir::Function transpose(const ir::Function& lin, size_t num_nonlinear) {
  const ir::Body& body = lin.body;
  std::vector<bool> linear(body.types.size(), false);
  for (size_t i = num_nonlinear; i < body.params.size(); ++i) linear[body.params[i].id] = true;
  for (const ir::Op& op : body.ops) {
    bool any = false;
    for (Value v : op.operands) any = any || linear[v.id];
    for (Value r : op.results) linear[r.id] = any;
  }

  ir::Function t;
  t.name = lin.name + "_transpose";
  ir::Builder b(t.body);
  Emitter e(b);
  std::vector<Value> map(body.types.size());
  for (size_t i = 0; i < num_nonlinear; ++i) map[body.params[i].id] = b.param(body.type(body.params[i]));
  std::vector<Value> ct(body.types.size());
  for (Value r : body.results) {
    Value p = b.param(body.type(r).strong());
    if (linear[r.id]) ct[r.id] = add_tangents(e, ct[r.id], p);
  }
  // Forward: the non-linear computations (coefficients) the transposed ops need.
  for (const ir::Op& op : body.ops)
    if (op.results.empty() || !linear[op.results[0].id]) copy_op(b, body, op, map);
  std::vector<Value> operands;
  // Backward: transpose each linear op, last to first.
  std::vector<uint8_t> flags;
  std::vector<ir::Type> operand_types;
  std::vector<Value> cts;
  for (size_t k = body.ops.size(); k-- > 0;) {
    const ir::Op& op = body.ops[k];
    if (op.results.empty() || !linear[op.results[0].id]) continue;
    cts.clear();
    bool any = false;
    for (Value r : op.results) {
      cts.push_back(ct[r.id]);
      any = any || ct[r.id].valid();
    }
    if (!any) continue;
    operands.clear();
    flags.clear();
    operand_types.clear();
    for (Value v : op.operands) {
      operands.push_back(linear[v.id] ? Value{} : map[v.id]);
      flags.push_back(linear[v.id]);
      operand_types.push_back(body.type(v));
    }
    b.set_location(op.loc);
    TransposeArgs args{e, op, operands, flags, operand_types, cts};
    std::vector<Value> out;
    try {
      out = transpose_rules().get(op.prim)(args);
    } catch (Error& err) {
      err.with_op(ir::prim_name(op.prim));
      if (op.loc) err.with_location(op.loc->to_string());
      throw;
    }
    for (size_t i = 0; i < op.operands.size() && i < out.size(); ++i)
      if (flags[i] && out[i].valid()) ct[op.operands[i].id] = add_tangents(e, ct[op.operands[i].id], out[i]);
  }
  std::vector<Value> results;
  for (size_t i = num_nonlinear; i < body.params.size(); ++i) {
    Value p = body.params[i];
    const ir::Type& pt = body.type(p);
    Value c = ct[p.id];
    if (!c.valid()) {
      c = e.full(pt.strong(), 0.0);
    } else if (t.body.type(c).dtype != pt.dtype || t.body.type(c).weak) {
      c = b.add1(Prim::ConvertElementType, {c}, {pt.dtype, false});
    }
    results.push_back(c);
  }
  b.set_results(results);
  return t;
}

ir::Function vjp(const ir::Function& f, const std::vector<bool>& wrt) {
  Linearized lin = linearize(f, wrt);
  ir::Function tr = transpose(lin.linear, lin.num_residuals);
  ir::Function out;
  out.name = f.name;
  ir::Builder b(out.body);
  std::vector<Value> primals;
  for (Value p : f.body.params) primals.push_back(b.param(f.body.type(p)));
  std::vector<Value> cotangents;
  for (Value r : f.body.results) cotangents.push_back(b.param(f.body.type(r).strong()));
  std::vector<Value> fwd = inline_body(b, lin.primal.body, primals);
  std::vector<Value> args(fwd.begin() + long(lin.num_outputs), fwd.end());
  args.insert(args.end(), cotangents.begin(), cotangents.end());
  std::vector<Value> bwd = inline_body(b, tr.body, args);
  std::vector<Value> results(fwd.begin(), fwd.begin() + long(lin.num_outputs));
  results.insert(results.end(), bwd.begin(), bwd.end());
  b.set_results(results);
  return out;
}

}  // namespace ember::transforms
