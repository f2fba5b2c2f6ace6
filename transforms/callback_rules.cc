// Rules of the host callbacks. pure_callback has no derivative (JAX's rule: wrap it in custom_jvp or
// custom_vjp); under vmap it is called once per batch member (a scan over the batch) or, with vmap_method
// broadcast_all, once with every operand batched. debug_callback is primal-only (jvp copies it, partial
// evaluation keeps it in the primal part) and under vmap prints the whole batch.
#include "ir/printer.h"
#include "transforms/control_rules.h"

namespace ember::transforms {

namespace {

using Values = std::vector<Value>;

std::vector<Value> no_tangents(JvpArgs&) { return {}; }

Batched pure_callback_batch(BatchArgs& a) {
  const ir::Op& op = a.op;
  std::vector<Type> result_types = ir::parse_types(std::get<std::string>(op.attrs[1]));
  if (ir::attr_int(op.attrs, 2) == 1) {
    Values operands;
    for (size_t i = 0; i < a.x.size(); ++i) operands.push_back(batch_at_front(a.e, a.x[i], a.bdim[i], a.size));
    std::string types;
    for (Type t : result_types) {
      ir::Shape s{a.size};
      for (int64_t d : t.shape) s.push_back(d);
      t.shape = s;
      types += (types.empty() ? "" : ", ") + ir::to_string(t);
    }
    ir::Attrs attrs = op.attrs;
    attrs[1] = types;
    ir::Values out = a.e.builder().add(Prim::PureCallback, operands, std::move(attrs));
    return {Values(out.begin(), out.end()), std::vector<int64_t>(out.size(), 0)};
  }
  // Sequential: a scan over the batch whose body calls back once per member; unbatched operands are its
  // constants, batched ones (batch axis in front) its xs.
  std::vector<size_t> consts, xs;
  for (size_t i = 0; i < a.x.size(); ++i) (a.bdim[i] == kNotBatched ? consts : xs).push_back(i);
  ir::Body body;
  {
    ir::Builder b(body);
    std::vector<Value> args(a.x.size());
    for (size_t i : consts) args[i] = b.param(a.e.type(a.x[i]));
    for (size_t i : xs) {
      Type t = a.e.type(a.x[i]);
      Type member = t;
      member.shape = ir::Shape();
      for (int64_t d = 0; d < int64_t(t.shape.size()); ++d)
        if (d != a.bdim[i]) member.shape.push_back(t.shape[size_t(d)]);
      args[i] = b.param(member);
    }
    ir::Values out = b.add(Prim::PureCallback, args, op.attrs);
    b.set_results(Values(out.begin(), out.end()));
  }
  Values operands;
  for (size_t i : consts) operands.push_back(a.x[i]);
  for (size_t i : xs) operands.push_back(batch_at_front(a.e, a.x[i], a.bdim[i], a.size));
  std::vector<ir::Body> regions;
  regions.push_back(std::move(body));
  ir::Values out = a.e.builder().add(Prim::Scan, operands,
                                     {int64_t(consts.size()), int64_t(0), a.size, false, int64_t(1)},
                                     std::move(regions));
  return {Values(out.begin(), out.end()), std::vector<int64_t>(out.size(), 0)};
}

Batched debug_callback_batch(BatchArgs& a) {
  Values operands;
  for (size_t i = 0; i < a.x.size(); ++i) operands.push_back(batch_at_front(a.e, a.x[i], a.bdim[i], a.size));
  a.e.builder().add(Prim::DebugCallback, operands, a.op.attrs);
  return {};
}

}  // namespace

void register_callback_jvp(ir::PrimTable<JvpRule>& t) {
  t.set_unsupported(Prim::PureCallback,
                    "a host callback has no derivative: wrap the function in ember.custom_jvp or ember.custom_vjp");
  t.set(Prim::DebugCallback, no_tangents);
}

void register_callback_batching(ir::PrimTable<BatchRule>& t) {
  t.set(Prim::PureCallback, pure_callback_batch);
  t.set(Prim::DebugCallback, debug_callback_batch);
}

}  // namespace ember::transforms
