// A while loop with a trip-count bound (max_steps = M) as code reverse mode can differentiate with
// sublinear storage: an outer scan over B blocks whose body is a checkpointed inner scan of K steps
// (K = ceil(sqrt(M)), B = ceil(M / K)); each step runs the loop body under a cond only while the loop is
// active (its predicate holds and fewer than M steps ran). Reverse mode then stores the carry once per block
// (B carries, about sqrt(M)) and recomputes each block's K steps in the backward pass, as the classic
// two-level checkpointing scheme does.
#include <cmath>

#include "transforms/control_rules.h"

namespace ember::transforms {

namespace {

using Values = std::vector<Value>;

template <typename Fill>
ir::Body make_body(const std::vector<Type>& params, Fill fill) {
  ir::Body body;
  ir::Builder b(body);
  Emitter e(b);
  Values values;
  for (const Type& t : params) values.push_back(b.param(t));
  Values results = fill(b, e, values);
  b.set_results(results);
  return body;
}

std::vector<Type> types_of(const ir::Body& body, std::span<const Value> values) {
  std::vector<Type> out;
  for (Value v : values) out.push_back(body.type(v));
  return out;
}

}  // namespace

ir::Function bounded_while_as_scans(const ir::Op& op, const std::vector<Type>& operand_types) {
  size_t nc = size_t(ir::attr_int(op.attrs, 0)), nb = size_t(ir::attr_int(op.attrs, 1));
  int64_t max_steps = ir::attr_int(op.attrs, 2);
  int64_t block = std::max<int64_t>(1, int64_t(std::ceil(std::sqrt(double(max_steps)))));
  int64_t blocks = max_steps == 0 ? 0 : (max_steps + block - 1) / block;
  size_t n = operand_types.size() - nc - nb;
  const ir::Body &cond_region = op.regions[0], &body_region = op.regions[1];
  Type step_type{DType::I32, {}};
  // Types: consts (cond's, then body's), the step counter, the carry.
  std::vector<Type> consts(operand_types.begin(), operand_types.begin() + ptrdiff_t(nc + nb));
  std::vector<Type> carry(operand_types.begin() + ptrdiff_t(nc + nb), operand_types.end());
  std::vector<Type> state = {step_type};
  state.insert(state.end(), carry.begin(), carry.end());
  std::vector<Type> step_params = consts;
  step_params.insert(step_params.end(), state.begin(), state.end());

  // One step: (consts, step, carry) -> (step', carry').
  ir::Body step = make_body(step_params, [&](ir::Builder& b, Emitter& e, Values& v) {
    Values cond_args(v.begin(), v.begin() + ptrdiff_t(nc));
    Values body_consts(v.begin() + ptrdiff_t(nc), v.begin() + ptrdiff_t(nc + nb));
    Value count = v[nc + nb];
    Values x(v.begin() + ptrdiff_t(nc + nb + 1), v.end());
    cond_args.insert(cond_args.end(), x.begin(), x.end());
    Value holds = inline_body(b, cond_region, cond_args)[0];
    Value under = e.op(Prim::Lt, {count, e.full(DType::I32, {}, double(max_steps))});
    Value active = e.op(Prim::And, {holds, under});
    std::vector<Type> branch_params = types_of(body_region, std::span<const Value>(body_region.params));
    ir::Body keep = make_body(branch_params, [&](ir::Builder&, Emitter&, Values& p) {
      return Values(p.begin() + ptrdiff_t(nb), p.end());
    });
    Value index = e.convert(active, DType::I32);
    Values cond_operands = {index};
    cond_operands.insert(cond_operands.end(), body_consts.begin(), body_consts.end());
    cond_operands.insert(cond_operands.end(), x.begin(), x.end());
    std::vector<ir::Body> branches = {keep, body_region};
    ir::Values next = b.add(Prim::Cond, cond_operands, {}, std::move(branches));
    Values out = {e.add(count, index)};
    out.insert(out.end(), next.begin(), next.end());
    return out;
  });
  // A block: (consts, state) -> state, K steps in a checkpointed scan.
  ir::Attrs inner_attrs = {int64_t(nc + nb), int64_t(1 + n), block, false, int64_t(1)};
  ir::Body inner = make_body(step_params, [&](ir::Builder& b, Emitter&, Values& v) {
    std::vector<ir::Body> regions = {step};
    ir::Values out = b.add(Prim::Scan, v, inner_attrs, std::move(regions));
    return Values(out.begin(), out.end());
  });
  ir::Body block_body = make_body(step_params, [&](ir::Builder& b, Emitter&, Values& v) {
    std::vector<ir::Body> regions = {inner};
    ir::Values out = b.add(Prim::Checkpoint, v, {int64_t(ir::CheckpointPolicy::NothingSaveable)}, std::move(regions));
    return Values(out.begin(), out.end());
  });
  // The whole loop: (cond consts, body consts, carry) -> carry.
  ir::Function f;
  f.name = "bounded_while";
  ir::Builder b(f.body);
  Emitter e(b);
  Values params;
  for (const Type& t : operand_types) params.push_back(b.param(t));
  Values operands(params.begin(), params.begin() + ptrdiff_t(nc + nb));
  operands.push_back(e.full(DType::I32, {}, 0.0));
  operands.insert(operands.end(), params.begin() + ptrdiff_t(nc + nb), params.end());
  std::vector<ir::Body> regions = {block_body};
  ir::Values out = b.add(Prim::Scan, operands, {int64_t(nc + nb), int64_t(1 + n), blocks, false, int64_t(1)},
                         std::move(regions));
  b.set_results(Values(out.begin() + 1, out.end()));
  return f;
}

}  // namespace ember::transforms
