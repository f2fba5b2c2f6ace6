#include "transforms/jvp.h"

#include "ir/error.h"

namespace ember::transforms {

Value add_tangents(Emitter& e, Value a, Value b) {
  if (!a.valid()) return b;
  if (!b.valid()) return a;
  return e.add(a, b);
}

Value scale_tangent(Emitter& e, Value t, Value factor) {
  if (!t.valid()) return Value{};
  return e.mul(t, factor);
}

ir::Function jvp(const ir::Function& f, const std::vector<bool>& with_tangent) {
  const ir::Body& in = f.body;
  if (with_tangent.size() != in.params.size())
    throw make_error(ErrorKind::Value, "jvp", "expected one flag per parameter (", in.params.size(), "), got ",
                     with_tangent.size());
  ir::Function g;
  g.name = f.name;
  ir::Builder b(g.body);
  Emitter e(b);
  std::vector<Value> primal(in.types.size()), tangent(in.types.size());
  for (Value p : in.params) primal[p.id] = b.param(in.type(p));
  for (size_t i = 0; i < in.params.size(); ++i) {
    if (!with_tangent[i]) continue;
    const ir::Type& t = in.type(in.params[i]);
    if (!ir::is_inexact(t.dtype))
      throw make_error(ErrorKind::Type, "jvp", "expected a floating or complex input to differentiate, got ",
                       ir::to_string(t), " (input ", i, ")");
    tangent[in.params[i].id] = b.param(t.strong());
  }

  std::vector<Value> x, t, y;
  std::vector<ir::Type> result_types;
  for (const ir::Op& op : in.ops) {
    x.clear();
    t.clear();
    bool any_tangent = false;
    for (Value v : op.operands) {
      x.push_back(primal[v.id]);
      t.push_back(tangent[v.id]);
      any_tangent = any_tangent || tangent[v.id].valid();
    }
    result_types.clear();
    bool inexact_result = false;
    for (Value r : op.results) {
      result_types.push_back(in.type(r));
      inexact_result = inexact_result || ir::is_inexact(in.type(r).dtype);
    }
    b.set_location(op.loc);
    ir::Values results = b.add_typed(op.prim, x, op.attrs, op.regions, result_types);
    y.assign(results.begin(), results.end());
    for (size_t i = 0; i < y.size(); ++i) primal[op.results[i].id] = y[i];
    // Stateful ops see tangents even without inexact results: a tangent reaching a stack push would
    // otherwise vanish into the storage, and the derivative would be silently wrong.
    if (!any_tangent || (!inexact_result && !ir::has_flag(op.prim, ir::kStateful))) continue;
    JvpArgs args{e, op, x, y, t};
    std::vector<Value> out;
    try {
      out = jvp_rules().get(op.prim)(args);
    } catch (Error& err) {
      err.with_op(ir::prim_name(op.prim));
      if (op.loc) err.with_location(op.loc->to_string());
      throw;
    }
    for (size_t i = 0; i < args.new_y.size(); ++i) primal[op.results[i].id] = args.new_y[i];
    for (size_t i = 0; i < out.size() && i < y.size(); ++i)
      if (ir::is_inexact(result_types[i].dtype)) tangent[op.results[i].id] = out[i];
  }

  std::vector<Value> results;
  for (Value r : in.results) results.push_back(primal[r.id]);
  for (Value r : in.results) {
    Value tv = tangent[r.id];
    const ir::Type& rt = in.type(r);
    if (!tv.valid()) {
      tv = e.full(rt.strong(), 0.0);
    } else if (g.body.type(tv).weak) {
      tv = b.add1(Prim::ConvertElementType, {tv}, {rt.dtype, false});
    }
    results.push_back(tv);
  }
  b.set_results(results);
  return g;
}

}  // namespace ember::transforms
