// JVP and batching rules of the control-flow primitives (cond, while, scan) and of the run-time stack
// (stack_push, stack_loop). Each transforms the regions with the same pass (jvp or vmap of the region as a
// function) and rearranges their parameters and results into the layout the primitive expects.
//
// Simplifications, both correct and both what JAX does in its simplest form:
// - jvp of while/scan gives every inexact carry a tangent as soon as any input has one (no fixpoint to find
//   the carries whose tangents stay zero), and scan every inexact const and x too (see scan_jvp);
// - vmap of while/scan batches every carry as soon as any operand is batched.
#include "ir/error.h"
#include "transforms/control_rules.h"
#include "transforms/jvp.h"
#include "transforms/vjp.h"
#include "transforms/vmap.h"

namespace ember::transforms {

namespace {

using Values = std::vector<Value>;

// Reorders a body's parameters: new parameter k is old parameter order[k].
void permute_params(ir::Body& b, const std::vector<size_t>& order) {
  std::vector<Value> params;
  for (size_t i : order) params.push_back(b.params[i]);
  b.params = params;
}

// Keeps the results listed in `keep`, in that order.
void select_results(ir::Body& b, const std::vector<size_t>& keep) {
  std::vector<Value> results;
  for (size_t i : keep) results.push_back(b.results[i]);
  b.results = results;
}

// Appends parameters the body does not read.
void add_unused_params(ir::Body& b, std::span<const Type> types) {
  for (const Type& t : types) b.params.push_back(b.add_value(t));
}

std::vector<size_t> range(size_t begin, size_t end) {
  std::vector<size_t> out;
  for (size_t i = begin; i < end; ++i) out.push_back(i);
  return out;
}

bool inexact(Emitter& e, Value v) { return ir::is_inexact(e.dtype(v)); }

// The tangent of `x` to carry into a loop: `t`, or zeros when it is a symbolic zero.
Value instantiate(Emitter& e, Value x, Value t) {
  if (t.valid()) return t;
  return e.full(e.type(x).strong(), 0.0);
}

// ---- jvp ----

std::vector<Value> cond_jvp(JvpArgs& a) {
  size_t n = a.x.size() - 1;
  std::vector<bool> mask(n);
  Values operands(a.x.begin(), a.x.end());
  for (size_t i = 0; i < n; ++i) {
    mask[i] = a.t[i + 1].valid() && inexact(a.e, a.x[i + 1]);
    if (mask[i]) operands.push_back(a.t[i + 1]);
  }
  std::vector<ir::Body> regions;
  for (const ir::Body& r : a.op.regions) regions.push_back(jvp(as_function(r), mask).body);
  ir::Values out = a.e.builder().add(Prim::Cond, operands, {}, std::move(regions));
  size_t m = a.y.size();
  a.new_y.assign(out.begin(), out.begin() + ptrdiff_t(m));
  Values tangents;
  for (size_t i = 0; i < m; ++i) tangents.push_back(inexact(a.e, a.y[i]) ? out[m + i] : Value{});
  return tangents;
}

// A bounded while (max_steps >= 0) is differentiated as its scan form, so reverse mode can split it.
std::vector<Value> bounded_while_jvp(JvpArgs& a) {
  std::vector<Type> types;
  for (Value v : a.x) types.push_back(a.e.type(v));
  ir::Function f = bounded_while_as_scans(a.op, types);
  std::vector<bool> mask;
  Values args(a.x.begin(), a.x.end());
  for (size_t i = 0; i < a.x.size(); ++i) {
    mask.push_back(a.t[i].valid() && inexact(a.e, a.x[i]));
    if (mask.back()) args.push_back(a.t[i]);
  }
  Values out = inline_body(a.e.builder(), jvp(f, mask).body, args);
  size_t n = a.y.size();
  a.new_y.assign(out.begin(), out.begin() + ptrdiff_t(n));
  Values tangents;
  for (size_t i = 0; i < n; ++i) tangents.push_back(inexact(a.e, a.y[i]) ? out[n + i] : Value{});
  return tangents;
}

std::vector<Value> while_jvp(JvpArgs& a) {
  if (ir::attr_int(a.op.attrs, 2) >= 0) return bounded_while_jvp(a);
  size_t nc = size_t(ir::attr_int(a.op.attrs, 0)), nb = size_t(ir::attr_int(a.op.attrs, 1));
  size_t n = a.x.size() - nc - nb;
  // Tangents of every inexact body constant and carry (zeros where there are none), so reverse mode can read
  // the layout back from the types (primal_count).
  std::vector<size_t> tconsts, tcarry;
  for (size_t i = 0; i < nb; ++i)
    if (inexact(a.e, a.x[nc + i])) tconsts.push_back(i);
  for (size_t i = 0; i < n; ++i)
    if (inexact(a.e, a.x[nc + nb + i])) tcarry.push_back(i);
  // The body's jvp: (consts, carry, tconsts, tcarry) -> (carry, tangents of every carry).
  std::vector<bool> mask(nb + n, false);
  for (size_t i : tconsts) mask[i] = true;
  for (size_t i : tcarry) mask[nb + i] = true;
  ir::Body body = jvp(as_function(a.op.regions[1]), mask).body;
  // Parameters as the while expects: (consts, tconsts | carry, tcarry).
  std::vector<size_t> order = range(0, nb);
  for (size_t k = 0; k < tconsts.size(); ++k) order.push_back(nb + n + k);
  for (size_t i = 0; i < n; ++i) order.push_back(nb + i);
  for (size_t k = 0; k < tcarry.size(); ++k) order.push_back(nb + n + tconsts.size() + k);
  permute_params(body, order);
  std::vector<size_t> keep = range(0, n);
  for (size_t i : tcarry) keep.push_back(n + i);
  select_results(body, keep);
  // The cond region ignores the tangents.
  ir::Body cond = a.op.regions[0];
  std::vector<Type> tangent_types;
  for (size_t i : tcarry) tangent_types.push_back(a.e.type(a.x[nc + nb + i]).strong());
  add_unused_params(cond, tangent_types);

  Values operands(a.x.begin(), a.x.begin() + ptrdiff_t(nc + nb));
  for (size_t i : tconsts) operands.push_back(instantiate(a.e, a.x[nc + i], a.t[nc + i]));
  operands.insert(operands.end(), a.x.begin() + ptrdiff_t(nc + nb), a.x.end());
  for (size_t i : tcarry) operands.push_back(instantiate(a.e, a.x[nc + nb + i], a.t[nc + nb + i]));
  std::vector<ir::Body> regions;
  regions.push_back(std::move(cond));
  regions.push_back(std::move(body));
  ir::Values out = a.e.builder().add(Prim::While, operands,
                                     {int64_t(nc), int64_t(nb + tconsts.size()), ir::attr_int(a.op.attrs, 2)},
                                     std::move(regions));
  a.new_y.assign(out.begin(), out.begin() + ptrdiff_t(n));
  Values tangents(n);
  for (size_t k = 0; k < tcarry.size(); ++k) tangents[tcarry[k]] = out[n + k];
  return tangents;
}

std::vector<Value> scan_jvp(JvpArgs& a) {
  size_t nk = size_t(ir::attr_int(a.op.attrs, 0)), nc = size_t(ir::attr_int(a.op.attrs, 1));
  size_t nx = a.x.size() - nk - nc;
  size_t ny = a.y.size() - nc;
  std::vector<size_t> tk, tc, tx, ty;
  // Every inexact operand gets a tangent (zeros where it has none), so the layout (x, tangents of the
  // inexact x) of each group can be read back from the types alone when reverse mode splits the op.
  for (size_t i = 0; i < nk; ++i)
    if (inexact(a.e, a.x[i])) tk.push_back(i);
  for (size_t i = 0; i < nc; ++i)
    if (inexact(a.e, a.x[nk + i])) tc.push_back(i);
  for (size_t i = 0; i < nx; ++i)
    if (inexact(a.e, a.x[nk + nc + i])) tx.push_back(i);
  for (size_t i = 0; i < ny; ++i)
    if (inexact(a.e, a.y[nc + i])) ty.push_back(i);
  std::vector<bool> mask(nk + nc + nx, false);
  for (size_t i : tk) mask[i] = true;
  for (size_t i : tc) mask[nk + i] = true;
  for (size_t i : tx) mask[nk + nc + i] = true;
  // jvp: (consts, carry, xs, tk, tc, tx) -> (carry, ys, tangents of carry, tangents of ys).
  ir::Body body = jvp(as_function(a.op.regions[0]), mask).body;
  size_t base = nk + nc + nx;
  std::vector<size_t> order = range(0, nk);
  for (size_t k = 0; k < tk.size(); ++k) order.push_back(base + k);
  for (size_t i = 0; i < nc; ++i) order.push_back(nk + i);
  for (size_t k = 0; k < tc.size(); ++k) order.push_back(base + tk.size() + k);
  for (size_t i = 0; i < nx; ++i) order.push_back(nk + nc + i);
  for (size_t k = 0; k < tx.size(); ++k) order.push_back(base + tk.size() + tc.size() + k);
  permute_params(body, order);
  // Results: (carry, tc | ys, ty).
  std::vector<size_t> keep = range(0, nc);
  for (size_t i : tc) keep.push_back(nc + ny + i);
  for (size_t i = 0; i < ny; ++i) keep.push_back(nc + i);
  for (size_t i : ty) keep.push_back(nc + ny + nc + i);
  select_results(body, keep);

  Values operands(a.x.begin(), a.x.begin() + ptrdiff_t(nk));
  for (size_t i : tk) operands.push_back(instantiate(a.e, a.x[i], a.t[i]));
  operands.insert(operands.end(), a.x.begin() + ptrdiff_t(nk), a.x.begin() + ptrdiff_t(nk + nc));
  for (size_t i : tc) operands.push_back(instantiate(a.e, a.x[nk + i], a.t[nk + i]));
  operands.insert(operands.end(), a.x.begin() + ptrdiff_t(nk + nc), a.x.end());
  for (size_t i : tx) operands.push_back(instantiate(a.e, a.x[nk + nc + i], a.t[nk + nc + i]));
  ir::Attrs attrs = a.op.attrs;
  attrs[0] = int64_t(nk + tk.size());
  attrs[1] = int64_t(nc + tc.size());
  std::vector<ir::Body> regions;
  regions.push_back(std::move(body));
  ir::Values out = a.e.builder().add(Prim::Scan, operands, std::move(attrs), std::move(regions));
  size_t ncc = nc + tc.size();
  a.new_y.assign(out.begin(), out.begin() + ptrdiff_t(nc));
  for (size_t i = 0; i < ny; ++i) a.new_y.push_back(out[ncc + i]);
  Values tangents(nc + ny);
  for (size_t k = 0; k < tc.size(); ++k) tangents[tc[k]] = out[nc + k];
  for (size_t k = 0; k < ty.size(); ++k) tangents[nc + ty[k]] = out[ncc + ny + k];
  return tangents;
}

// ---- vmap ----

std::vector<std::optional<int64_t>> axes_of(std::span<const int64_t> bdims) {
  std::vector<std::optional<int64_t>> out;
  for (int64_t d : bdims) out.push_back(d == kNotBatched ? std::nullopt : std::optional<int64_t>(d));
  return out;
}

// A region batched with the given parameter axes; every result batched along axis 0.
// A region batched with the given parameter axes; every result batched along axis 0 unless `out` says
// otherwise (kNotBatched: the result must not depend on the batch).
ir::Body batch_region(const ir::Body& r, std::span<const int64_t> bdims, int64_t size,
                      std::span<const int64_t> out_bdims = {}) {
  std::vector<std::optional<int64_t>> out(r.results.size(), int64_t(0));
  for (size_t i = 0; i < out_bdims.size(); ++i)
    if (out_bdims[i] == kNotBatched) out[i] = std::nullopt;
  return vmap(as_function(r), axes_of(bdims), size, out).body;
}

// Whether carry i of a while body is a stack handle (reverse mode's run-time storage): the body returns
// stack_push(its parameter, ...). One handle serves the whole batch: it is never batched.
bool is_stack_carry(const ir::Body& body, size_t num_consts, size_t i) {
  Value param = body.params[num_consts + i], result = body.results[i];
  for (const ir::Op& op : body.ops)
    if (!op.results.empty() && op.results[0] == result)
      return op.prim == Prim::StackPush && op.operands[0] == param;
  return false;
}

Batched cond_batch(BatchArgs& a) {
  size_t m = a.op.regions[0].results.size();
  std::span<const int64_t> arg_bdims = a.bdim.subspan(1);
  if (a.bdim[0] == kNotBatched) {
    std::vector<ir::Body> regions;
    for (const ir::Body& r : a.op.regions) regions.push_back(batch_region(r, arg_bdims, a.size));
    ir::Values out = a.e.builder().add(Prim::Cond, a.x, {}, std::move(regions));
    return {Values(out.begin(), out.end()), std::vector<int64_t>(m, 0)};
  }
  // A batched index: every branch runs on the whole batch, then each lane takes its branch's results.
  Value index = a.x[0];  // int32[size] after moving the batch axis to the front (rank 0 per lane)
  index = batch_at_front(a.e, index, a.bdim[0], a.size);
  Values args(a.x.begin() + 1, a.x.end());
  std::vector<Values> branch_out;
  for (const ir::Body& r : a.op.regions)
    branch_out.push_back(inline_body(a.e.builder(), batch_region(r, arg_bdims, a.size), args));
  int64_t n = int64_t(a.op.regions.size());
  Values out = branch_out[0];
  for (int64_t k = 1; k < n; ++k) {
    Value is_k = a.e.op(Prim::Ge, {index, a.e.full(DType::I32, {a.size}, double(k))});
    for (size_t j = 0; j < m; ++j) {
      Value pred = a.e.broadcast_to(is_k, a.e.shape(out[j]), {0});
      out[j] = a.e.select(pred, branch_out[size_t(k)][j], out[j]);
    }
  }
  return {out, std::vector<int64_t>(m, 0)};
}

// Batch axes for a loop's parameters: constants as they come, every carry at axis 0 (broadcast if needed).
Values batched_carry(BatchArgs& a, size_t begin, size_t end) {
  Values out;
  for (size_t i = begin; i < end; ++i) out.push_back(batch_at_front(a.e, a.x[i], a.bdim[i], a.size));
  return out;
}

Batched while_batch(BatchArgs& a) {
  size_t nc = size_t(ir::attr_int(a.op.attrs, 0)), nb = size_t(ir::attr_int(a.op.attrs, 1));
  size_t n = a.x.size() - nc - nb;
  // Every carry batched at axis 0, except unbatched stack handles (one storage for all lanes).
  Values carry;
  std::vector<int64_t> carry_bdims;
  for (size_t i = nc + nb; i < a.x.size(); ++i) {
    bool handle = a.bdim[i] == kNotBatched && is_stack_carry(a.op.regions[1], nb, i - nc - nb);
    carry.push_back(handle ? a.x[i] : batch_at_front(a.e, a.x[i], a.bdim[i], a.size));
    carry_bdims.push_back(handle ? kNotBatched : 0);
  }
  std::vector<int64_t> cond_bdims(a.bdim.begin(), a.bdim.begin() + ptrdiff_t(nc));
  std::vector<int64_t> body_bdims(a.bdim.begin() + ptrdiff_t(nc), a.bdim.begin() + ptrdiff_t(nc + nb));
  cond_bdims.insert(cond_bdims.end(), carry_bdims.begin(), carry_bdims.end());
  body_bdims.insert(body_bdims.end(), carry_bdims.begin(), carry_bdims.end());
  // Per-lane predicate: bool[size].
  ir::Body cond = batch_region(a.op.regions[0], cond_bdims, a.size);
  ir::Body step = batch_region(a.op.regions[1], body_bdims, a.size, carry_bdims);
  // The loop runs while any lane's predicate holds; the body advances only those lanes (the others keep
  // their values), so each lane ends with its own trip count. Body parameters: (cond consts, body consts,
  // carry).
  ir::Body any_cond;
  {
    ir::Builder b(any_cond);
    Emitter e(b);
    Values params;
    for (Value p : cond.params) params.push_back(b.param(cond.type(p)));
    Value pred = inline_body(b, cond, params)[0];
    Value any = e.op(Prim::ReduceOr, {pred}, {Ints{0}});
    b.set_results({&any, 1});
  }
  ir::Body masked_step;
  {
    ir::Builder b(masked_step);
    Emitter e(b);
    Values cond_consts, body_consts, state;
    for (size_t i = 0; i < nc; ++i) cond_consts.push_back(b.param(cond.type(cond.params[i])));
    for (size_t i = 0; i < nb; ++i) body_consts.push_back(b.param(step.type(step.params[i])));
    for (size_t i = 0; i < n; ++i) state.push_back(b.param(step.type(step.params[nb + i])));
    Values cond_args = cond_consts;
    cond_args.insert(cond_args.end(), state.begin(), state.end());
    Value active = inline_body(b, cond, cond_args)[0];
    Values step_args = body_consts;
    step_args.insert(step_args.end(), state.begin(), state.end());
    Values next = inline_body(b, step, step_args);
    Values results;
    for (size_t i = 0; i < n; ++i) {
      if (carry_bdims[i] == kNotBatched) {  // a handle: the same storage whichever lanes run
        results.push_back(next[i]);
        continue;
      }
      Value pred = e.broadcast_to(active, e.shape(state[i]), {0});
      results.push_back(e.select(pred, next[i], state[i]));
    }
    b.set_results(results);
  }
  Values operands(a.x.begin(), a.x.begin() + ptrdiff_t(nc));
  operands.insert(operands.end(), a.x.begin(), a.x.begin() + ptrdiff_t(nc + nb));
  operands.insert(operands.end(), carry.begin(), carry.end());
  std::vector<ir::Body> regions;
  regions.push_back(std::move(any_cond));
  regions.push_back(std::move(masked_step));
  ir::Values out = a.e.builder().add(Prim::While, operands,
                                     {int64_t(nc), int64_t(nc + nb), ir::attr_int(a.op.attrs, 2)},
                                     std::move(regions));
  return {Values(out.begin(), out.end()), carry_bdims};
}

// Values pushed under vmap are stored batched (axis 0); the handle stays one for the batch.
Batched stack_push_batch(BatchArgs& a) {
  if (a.bdim[0] != kNotBatched)
    throw make_error(ErrorKind::NotImplemented, "stack_push", "expected an unbatched stack handle");
  Values operands = {a.x[0]};
  for (size_t i = 1; i < a.x.size(); ++i) operands.push_back(batch_at_front(a.e, a.x[i], a.bdim[i], a.size));
  return {{a.e.builder().add1(Prim::StackPush, operands)}, {kNotBatched}};
}

// A stack_loop over batched entries. With per-lane counts n_j it runs max_j n_j steps and lane j keeps its
// carry at steps i >= n_j (so each lane reads exactly its own entries).
Batched stack_loop_batch(BatchArgs& a) {
  if (a.bdim[0] != kNotBatched)
    throw make_error(ErrorKind::NotImplemented, "stack_loop", "expected an unbatched stack handle");
  size_t k = size_t(ir::attr_int(a.op.attrs, 0)), c = a.x.size() - 2 - k;
  const ir::Body& body = a.op.regions[0];
  size_t entries = body.params.size() - 1 - k - c;
  std::vector<int64_t> bdims = {kNotBatched};
  bdims.insert(bdims.end(), entries, 0);  // pushed under the same vmap: batched at the front
  bdims.insert(bdims.end(), a.bdim.begin() + 2, a.bdim.begin() + 2 + ptrdiff_t(k));
  bdims.insert(bdims.end(), c, 0);
  ir::Body step = batch_region(body, bdims, a.size);
  Values carry = batched_carry(a, 2 + k, a.x.size());
  Values operands = {a.x[0]};
  if (a.bdim[1] == kNotBatched) {
    operands.push_back(a.x[1]);
    operands.insert(operands.end(), a.x.begin() + 2, a.x.begin() + 2 + ptrdiff_t(k));
    operands.insert(operands.end(), carry.begin(), carry.end());
    std::vector<ir::Body> regions = {std::move(step)};
    ir::Values out = a.e.builder().add(Prim::StackLoop, operands, a.op.attrs, std::move(regions));
    return {Values(out.begin(), out.end()), std::vector<int64_t>(c, 0)};
  }
  Value counts = batch_at_front(a.e, a.x[1], a.bdim[1], a.size);
  ir::Body masked;
  {
    ir::Builder b(masked);
    Emitter e(b);
    Values params;
    for (Value p : step.params) params.push_back(b.param(step.type(p)));
    // The lanes' counts come last among the constants.
    Value lane_counts = b.param(Type{DType::I32, {a.size}});
    Values carry_in(params.end() - ptrdiff_t(c), params.end());
    Values next = inline_body(b, step, params);
    Value i = e.broadcast_to(params[0], {a.size}, {});
    Value active = e.op(Prim::Lt, {i, lane_counts});
    Values results;
    for (size_t j = 0; j < c; ++j)
      results.push_back(e.select(e.broadcast_to(active, e.shape(carry_in[j]), {0}), next[j], carry_in[j]));
    b.set_results(results);
    // Parameter order: (index, entries, consts, lane counts, carry).
    Values order(masked.params.begin(), masked.params.begin() + ptrdiff_t(1 + entries + k));
    order.push_back(lane_counts);
    order.insert(order.end(), masked.params.begin() + ptrdiff_t(1 + entries + k), masked.params.end() - 1);
    masked.params = order;
  }
  operands.push_back(a.e.op(Prim::ReduceMax, {counts}, {Ints{0}}));
  operands.insert(operands.end(), a.x.begin() + 2, a.x.begin() + 2 + ptrdiff_t(k));
  operands.push_back(counts);
  operands.insert(operands.end(), carry.begin(), carry.end());
  std::vector<ir::Body> regions = {std::move(masked)};
  ir::Values out = a.e.builder().add(Prim::StackLoop, operands, {int64_t(k + 1), ir::attr_bool(a.op.attrs, 1)},
                                     std::move(regions));
  return {Values(out.begin(), out.end()), std::vector<int64_t>(c, 0)};
}

Batched scan_batch(BatchArgs& a) {
  size_t nk = size_t(ir::attr_int(a.op.attrs, 0)), nc = size_t(ir::attr_int(a.op.attrs, 1));
  size_t nx = a.x.size() - nk - nc;
  Values operands(a.x.begin(), a.x.begin() + ptrdiff_t(nk));
  std::vector<int64_t> bdims(a.bdim.begin(), a.bdim.begin() + ptrdiff_t(nk));
  Values carry = batched_carry(a, nk, nk + nc);
  operands.insert(operands.end(), carry.begin(), carry.end());
  bdims.insert(bdims.end(), nc, 0);
  for (size_t i = nk + nc; i < a.x.size(); ++i) {
    Value x = a.x[i];
    int64_t d = a.bdim[i];
    if (d == 0) {  // the scanned axis must stay in front: put the batch axis second
      Ints perm = {1, 0};
      for (int64_t k = 2; k < int64_t(a.e.shape(x).size()); ++k) perm.push_back(k);
      x = a.e.transpose(x, perm);
      d = 1;
    }
    operands.push_back(x);
    bdims.push_back(d == kNotBatched ? kNotBatched : d - 1);
  }
  ir::Body body = batch_region(a.op.regions[0], bdims, a.size);
  std::vector<ir::Body> regions;
  regions.push_back(std::move(body));
  ir::Values out = a.e.builder().add(Prim::Scan, operands, a.op.attrs, std::move(regions));
  std::vector<int64_t> out_bdims(nc, 0);
  out_bdims.insert(out_bdims.end(), out.size() - nc, 1);  // ys: (length, batch, ...)
  (void)nx;
  return {Values(out.begin(), out.end()), out_bdims};
}

}  // namespace

void register_control_jvp(ir::PrimTable<JvpRule>& t) {
  t.set(Prim::Cond, cond_jvp);
  t.set(Prim::While, while_jvp);
  t.set(Prim::Scan, scan_jvp);
  register_custom_jvp(t);
  register_checkpoint_jvp(t);
  register_callback_jvp(t);
  t.set_unsupported(Prim::StackNew, "its output is a u64 stack handle");
  for (Prim p : {Prim::StackPush, Prim::StackLoop})
    t.set_unsupported(p, "higher-order derivatives through a while_loop without max_steps are not supported: pass "
                         "max_steps= to while_loop");
}

void register_control_batching(ir::PrimTable<BatchRule>& t) {
  t.set(Prim::Cond, cond_batch);
  t.set(Prim::While, while_batch);
  t.set(Prim::Scan, scan_batch);
  register_custom_batching(t);
  register_checkpoint_batching(t);
  register_callback_batching(t);
  t.set_unsupported(Prim::StackNew, "it has no operands to batch");
  t.set(Prim::StackPush, stack_push_batch);
  t.set(Prim::StackLoop, stack_loop_batch);
}

}  // namespace ember::transforms
