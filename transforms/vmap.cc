#include "transforms/vmap.h"

#include "ir/error.h"

namespace ember::transforms {

Value batch_at_front(Emitter& e, Value v, int64_t bdim, int64_t size) {
  int64_t rank = int64_t(e.shape(v).size());
  if (bdim == kNotBatched) {
    Ints shape = {size};
    for (int64_t d : e.shape(v)) shape.push_back(d);
    return e.broadcast_in_dim(v, shape, iota_ints(rank, 1));
  }
  if (bdim == 0) return v;
  Ints perm = {bdim};
  for (int64_t d = 0; d < rank; ++d)
    if (d != bdim) perm.push_back(d);
  return e.transpose(v, perm);
}

namespace {

int64_t normalize(int64_t axis, int64_t rank, std::string_view what) {
  if (axis < -rank || axis >= rank)
    throw make_error(ErrorKind::Value, "vmap", "expected ", what, " in [", -rank, ", ", rank, "), got ", axis);
  return axis < 0 ? axis + rank : axis;
}

Value move_batch(Emitter& e, Value v, int64_t from, int64_t to) {
  if (from == to) return v;
  int64_t rank = int64_t(e.shape(v).size());
  Ints order;
  for (int64_t d = 0; d < rank; ++d)
    if (d != from) order.push_back(d);
  order.insert(order.begin() + to, from);
  return e.transpose(v, order);
}

}  // namespace

ir::Function vmap(const ir::Function& f, const std::vector<std::optional<int64_t>>& in_axes, int64_t axis_size,
                  const std::vector<std::optional<int64_t>>& out_axes) {
  const ir::Body& in = f.body;
  if (in_axes.size() != in.params.size() || out_axes.size() != in.results.size())
    throw make_error(ErrorKind::Value, "vmap", "expected one in_axes entry per input (", in.params.size(),
                     ") and one out_axes entry per output (", in.results.size(), "), got ", in_axes.size(), " and ",
                     out_axes.size());
  if (axis_size < 0) throw make_error(ErrorKind::Value, "vmap", "expected a non-negative axis_size, got ", axis_size);
  ir::Function g;
  g.name = f.name;
  ir::Builder b(g.body);
  Emitter e(b);
  std::vector<Value> map(in.types.size());
  std::vector<int64_t> bdim(in.types.size(), kNotBatched);
  for (size_t i = 0; i < in.params.size(); ++i) {
    ir::Type t = in.type(in.params[i]);
    if (in_axes[i]) {
      int64_t a = normalize(*in_axes[i], t.rank() + 1, "in_axes");
      t.shape.insert(size_t(a), axis_size);
      bdim[in.params[i].id] = a;
    }
    map[in.params[i].id] = b.param(t);
  }
  std::vector<Value> x;
  std::vector<int64_t> xb;
  std::vector<ir::Type> types;
  for (const ir::Op& op : in.ops) {
    x.clear();
    xb.clear();
    bool any = false;
    for (Value v : op.operands) {
      x.push_back(map[v.id]);
      xb.push_back(bdim[v.id]);
      any = any || bdim[v.id] != kNotBatched;
    }
    b.set_location(op.loc);
    if (!any) {
      types.clear();
      for (Value r : op.results) types.push_back(in.type(r));
      ir::Values rs = b.add_typed(op.prim, x, op.attrs, op.regions, types);
      for (size_t i = 0; i < rs.size(); ++i) map[op.results[i].id] = rs[i];
      continue;
    }
    BatchArgs args{e, op, x, xb, axis_size};
    Batched out;
    try {
      out = batch_rules().get(op.prim)(args);
    } catch (Error& err) {
      err.with_op(ir::prim_name(op.prim));
      if (op.loc) err.with_location(op.loc->to_string());
      throw;
    }
    for (size_t i = 0; i < op.results.size(); ++i) {
      map[op.results[i].id] = out.values[i];
      bdim[op.results[i].id] = out.bdims[i];
    }
  }
  std::vector<Value> results;
  for (size_t j = 0; j < in.results.size(); ++j) {
    Value r = map[in.results[j].id];
    int64_t rb = bdim[in.results[j].id];
    if (!out_axes[j]) {
      if (rb != kNotBatched)
        throw make_error(ErrorKind::Value, "vmap", "expected output ", j,
                         " not to depend on the mapped axis (out_axes is None for it), got a batched ",
                         ir::to_string(in.type(in.results[j])));
      results.push_back(r);
      continue;
    }
    int64_t to = normalize(*out_axes[j], in.type(in.results[j]).rank() + 1, "out_axes");
    Value front = batch_at_front(e, r, rb, axis_size);
    results.push_back(move_batch(e, front, 0, to));
  }
  b.set_results(results);
  return g;
}

}  // namespace ember::transforms
