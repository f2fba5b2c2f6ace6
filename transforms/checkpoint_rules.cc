// Rules of `checkpoint` (rematerialisation, JAX's jax.checkpoint):
// - jvp differentiates the region and emits one checkpoint computing outputs and tangents;
// - before partial evaluation, split_checkpoint turns it into a primal checkpoint returning the outputs and
//   only the residuals the policy saves, and a linear checkpoint that recomputes the other residuals from the
//   region's inputs and applies the tangent part. The recomputation lives inside the linear region, so no
//   simplification can merge it back with the forward pass (the optimisation barrier);
// - the linear checkpoint transposes into a checkpoint of its transposed region (which recomputes, then runs
//   backwards);
// - vmap batches the region.
#include "ir/error.h"
#include "transforms/control_rules.h"
#include "transforms/simplify.h"

namespace ember::transforms {

namespace {

using Values = std::vector<Value>;

std::vector<Value> checkpoint_jvp(JvpArgs& a) {
  // Every inexact operand gets a tangent (zeros where there is none), so split_checkpoint can read the
  // operand layout back from the types.
  size_t n = a.x.size();
  std::vector<bool> mask(n);
  Values operands(a.x.begin(), a.x.end());
  for (size_t i = 0; i < n; ++i) {
    mask[i] = ir::is_inexact(a.e.dtype(a.x[i]));
    if (mask[i]) operands.push_back(a.t[i].valid() ? a.t[i] : a.e.full(a.e.type(a.x[i]).strong(), 0.0));
  }
  std::vector<ir::Body> regions = {jvp(as_function(a.op.regions[0]), mask).body};
  ir::Values out = a.e.builder().add(Prim::Checkpoint, operands, a.op.attrs, std::move(regions));
  size_t m = a.y.size();
  a.new_y.assign(out.begin(), out.begin() + ptrdiff_t(m));
  Values tangents;
  for (size_t i = 0; i < m; ++i) tangents.push_back(ir::is_inexact(a.e.dtype(a.y[i])) ? out[m + i] : Value{});
  return tangents;
}

std::vector<Value> checkpoint_transpose(TransposeArgs& a) {
  std::vector<size_t> nonlinear, linear;
  for (size_t i = 0; i < a.x.size(); ++i) (a.linear[i] ? linear : nonlinear).push_back(i);
  const ir::Body& r = a.op.regions[0];
  ir::Function f = as_function(r);
  Values params;
  for (size_t i : nonlinear) params.push_back(r.params[i]);
  for (size_t i : linear) params.push_back(r.params[i]);
  f.body.params = params;
  std::vector<ir::Body> regions = {transpose(f, nonlinear.size()).body};
  Values operands;
  for (size_t i : nonlinear) operands.push_back(a.x[i]);
  for (size_t j = 0; j < a.ct.size(); ++j)
    operands.push_back(a.ct[j].valid() ? a.ct[j] : a.e.full(r.type(r.results[j]).strong(), 0.0));
  ir::Values cts = a.e.builder().add(Prim::Checkpoint, operands, a.op.attrs, std::move(regions));
  std::vector<Value> out(a.x.size());
  for (size_t k = 0; k < linear.size(); ++k) out[linear[k]] = cts[k];
  return out;
}

Batched checkpoint_batch(BatchArgs& a) {
  const ir::Body& r = a.op.regions[0];
  std::vector<std::optional<int64_t>> in, out(r.results.size(), int64_t(0));
  for (int64_t d : a.bdim) in.push_back(d == kNotBatched ? std::nullopt : std::optional<int64_t>(d));
  std::vector<ir::Body> regions = {vmap(as_function(r), in, a.size, out).body};
  ir::Values results = a.e.builder().add(Prim::Checkpoint, a.x, a.op.attrs, std::move(regions));
  return {Values(results.begin(), results.end()), std::vector<int64_t>(results.size(), 0)};
}

}  // namespace

Values split_checkpoint(ir::Builder& b, const ir::Op& op, std::span<const Value> operands) {
  const ir::Body& body = op.regions[0];
  // Operands are (primals, tangents of the inexact primals): checkpoint_jvp's layout.
  size_t n = primal_count(body, body.params);
  size_t m = body.results.size() / 2;
  Linearized parts = partial_eval(split_control_flow(as_function(body), n), n, m);
  const ir::Body& primal = parts.primal.body;
  auto policy = ir::CheckpointPolicy(ir::attr_int(op.attrs, 0));

  // What the policy saves (by value id in the primal body): every residual, the results of every matrix
  // product (the recomputation starts from them), or nothing.
  std::vector<bool> saved(primal.types.size(), false), is_param(primal.types.size(), false);
  for (Value p : primal.params) is_param[p.id] = true;  // inputs are passed anyway
  Values saved_values;
  auto save = [&](Value v) {
    if (saved[v.id] || is_param[v.id]) return;
    saved[v.id] = true;
    saved_values.push_back(v);
  };
  if (policy == ir::CheckpointPolicy::EverythingSaveable)
    for (size_t j = m; j < primal.results.size(); ++j) save(primal.results[j]);
  if (policy == ir::CheckpointPolicy::DotsSaveable)
    for (const ir::Op& o : primal.ops)
      if (o.prim == Prim::DotGeneral) save(o.results[0]);

  // Primal checkpoint: (primals) -> (outputs, saved residuals).
  ir::Body known = primal;
  Values known_results(primal.results.begin(), primal.results.begin() + ptrdiff_t(m));
  known_results.insert(known_results.end(), saved_values.begin(), saved_values.end());
  known.results = known_results;
  Values known_operands(operands.begin(), operands.begin() + ptrdiff_t(n));
  std::vector<ir::Body> known_regions = {known};
  ir::Values known_out = b.add(Prim::Checkpoint, known_operands, op.attrs, std::move(known_regions));

  // Linear checkpoint: (primals, saved residuals, tangents) -> tangents, recomputing the unsaved residuals.
  ir::Function lin;
  lin.name = "checkpoint_linear";
  {
    ir::Builder lb(lin.body);
    std::vector<Value> map(primal.types.size());
    for (Value p : primal.params) map[p.id] = lb.param(primal.type(p));
    for (Value v : saved_values) map[v.id] = lb.param(primal.type(v));
    Values tangents;
    for (size_t i = parts.num_residuals; i < parts.linear.body.params.size(); ++i)
      tangents.push_back(lb.param(parts.linear.body.type(parts.linear.body.params[i])));
    for (const ir::Op& o : primal.ops) {
      bool all_saved = !o.results.empty();
      for (Value r : o.results) all_saved = all_saved && saved[r.id];
      if (!all_saved) copy_op(lb, primal, o, map);
    }
    Values linear_args;
    for (size_t j = m; j < primal.results.size(); ++j) linear_args.push_back(map[primal.results[j].id]);
    linear_args.insert(linear_args.end(), tangents.begin(), tangents.end());
    Values out = inline_body(lb, parts.linear.body, linear_args);
    lb.set_results(out);
  }
  Values linear_operands(operands.begin(), operands.begin() + ptrdiff_t(n));
  linear_operands.insert(linear_operands.end(), known_out.begin() + ptrdiff_t(m), known_out.end());
  linear_operands.insert(linear_operands.end(), operands.begin() + ptrdiff_t(n), operands.end());
  // Inputs and saved values the recomputation does not read are not passed (they would be stored).
  ir::Body region = dce(lin).body;
  std::vector<bool> read(region.types.size(), false);
  for (const ir::Op& o : region.ops)
    for (Value v : o.operands) read[v.id] = true;
  for (Value v : region.results) read[v.id] = true;
  size_t num_primal = region.params.size() - (operands.size() - n);
  Values kept_params, kept_operands;
  for (size_t i = 0; i < region.params.size(); ++i) {
    if (i < num_primal && !read[region.params[i].id]) continue;
    kept_params.push_back(region.params[i]);
    kept_operands.push_back(linear_operands[i]);
  }
  region.params = kept_params;
  linear_operands = kept_operands;
  std::vector<ir::Body> linear_regions = {std::move(region)};
  ir::Values tangents = b.add(Prim::Checkpoint, linear_operands, op.attrs, std::move(linear_regions));
  Values out(known_out.begin(), known_out.begin() + ptrdiff_t(m));
  out.insert(out.end(), tangents.begin(), tangents.end());
  return out;
}

void register_checkpoint_jvp(ir::PrimTable<JvpRule>& t) { t.set(Prim::Checkpoint, checkpoint_jvp); }
void register_checkpoint_batching(ir::PrimTable<BatchRule>& t) { t.set(Prim::Checkpoint, checkpoint_batch); }
void register_checkpoint_transpose(ir::PrimTable<TransposeRule>& t) {
  t.set(Prim::Checkpoint, checkpoint_transpose);
}

}  // namespace ember::transforms
