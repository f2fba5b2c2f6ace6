// Reverse mode through control flow: the split of jvp's combined control-flow ops into a primal op and a
// linear op (before partial evaluation), and the transpose rules of the linear ops.
//
// cond: each branch's JVP body is partially evaluated on its own (recursively, so nested control flow
// works). The primal cond returns the outputs and the residuals of every branch — the taken branch fills
// its own, the others return zeros — and the linear cond takes all residuals, each branch reading its own.
// The transpose of the linear cond is a cond of the transposed branches.
// scan: the primal scan stacks each step's residuals as extra ys; the linear scan reads them as xs and
// transposes into a scan in the other direction.
// while: the primal while pushes each iteration's residuals to a run-time stack; the linear part is a
// stack_loop, transposed into a reversed stack_loop. (checkpoint's split is in checkpoint_rules.cc.)
#include "ir/error.h"
#include "transforms/control_rules.h"

namespace ember::transforms {

// The number of primals in a group of values laid out as (primals, a tangent for each inexact primal), as
// the jvp rules of scan and checkpoint emit them: n + (inexact among the first n) grows strictly with n, so
// exactly one n accounts for the whole group.
size_t primal_count(const ir::Body& body, std::span<const Value> group) {
  size_t n = 0, inexact = 0;
  while (n + inexact < group.size()) inexact += ir::is_inexact(body.type(group[n++]).dtype);
  return n;
}

namespace {

using Values = std::vector<Value>;

std::vector<Type> result_types(const ir::Body& b, size_t from = 0) {
  std::vector<Type> out;
  for (size_t i = from; i < b.results.size(); ++i) out.push_back(b.type(b.results[i]));
  return out;
}

// Splits a cond whose branch operands are (known primals..., unknown tangents...). Returns the primal
// results (known) followed by the tangent results (unknown).
Values split_cond(ir::Builder& b, const ir::Op& op, std::span<const Value> operands,
                  const std::vector<bool>& unknown) {
  size_t num_known = 0;
  while (num_known < operands.size() && !unknown[num_known]) ++num_known;
  for (size_t i = num_known; i < operands.size(); ++i)
    if (!unknown[i])
      throw make_error(ErrorKind::Runtime, "cond", "expected tangent operands after the primal ones (internal)");
  size_t na = num_known - 1, m = op.results.size() / 2, nr = op.regions.size();
  std::vector<Linearized> parts;
  for (const ir::Body& r : op.regions)
    parts.push_back(partial_eval(split_control_flow(as_function(r), na), na, m));
  std::vector<std::vector<Type>> residual_types;
  for (const Linearized& l : parts) residual_types.push_back(result_types(l.primal.body, m));

  std::vector<ir::Body> known_regions, linear_regions;
  for (size_t r = 0; r < nr; ++r) {
    // Known branch r: (primals) -> (outputs, residuals of every branch; zeros but its own).
    ir::Body k = parts[r].primal.body;
    {
      ir::Builder kb(k);
      Emitter ke(kb);
      Values results(k.results.begin(), k.results.begin() + ptrdiff_t(m));
      for (size_t j = 0; j < nr; ++j) {
        if (j == r) {
          results.insert(results.end(), k.results.begin() + ptrdiff_t(m), k.results.end());
          continue;
        }
        for (const Type& t : residual_types[j]) results.push_back(ke.full(t, 0.0));
      }
      kb.set_results(results);
    }
    known_regions.push_back(std::move(k));
    // Linear branch r: (residuals of every branch, tangents) -> tangents.
    ir::Body l = parts[r].linear.body;
    size_t own = residual_types[r].size();
    Values params;
    for (size_t j = 0; j < nr; ++j) {
      if (j == r) {
        params.insert(params.end(), l.params.begin(), l.params.begin() + ptrdiff_t(own));
        continue;
      }
      for (const Type& t : residual_types[j]) params.push_back(l.add_value(t));
    }
    params.insert(params.end(), l.params.begin() + ptrdiff_t(own), l.params.end());
    l.params = params;
    linear_regions.push_back(std::move(l));
  }
  Values known_operands(operands.begin(), operands.begin() + ptrdiff_t(num_known));
  ir::Values known = b.add(Prim::Cond, known_operands, {}, std::move(known_regions));
  Values linear_operands = {operands[0]};
  linear_operands.insert(linear_operands.end(), known.begin() + ptrdiff_t(m), known.end());
  linear_operands.insert(linear_operands.end(), operands.begin() + ptrdiff_t(num_known), operands.end());
  ir::Values tangents = b.add(Prim::Cond, linear_operands, {}, std::move(linear_regions));
  Values out(known.begin(), known.begin() + ptrdiff_t(m));
  out.insert(out.end(), tangents.begin(), tangents.end());
  return out;
}

// Splits a scan whose operands are (consts, tconsts, carry, tcarry, xs, txs), as scan's jvp emits it, into a
// primal scan that also stacks the residuals of every iteration as extra ys, and a linear scan over the
// tangents that reads the stacked residuals as xs. Returns (carry, tcarry, ys, tys) as the jvp op did.
Values split_scan(ir::Builder& b, const ir::Op& op, std::span<const Value> operands) {
  size_t nk_all = size_t(ir::attr_int(op.attrs, 0)), nc_all = size_t(ir::attr_int(op.attrs, 1));
  const ir::Body& body = op.regions[0];
  // Each group of operands and results is (primals, tangents of the inexact primals): scan_jvp's layout.
  std::span<const Value> body_params(body.params), results_all(body.results);
  size_t nk = primal_count(body, body_params.first(nk_all));
  size_t nc = primal_count(body, body_params.subspan(nk_all, nc_all));
  size_t nx = primal_count(body, body_params.subspan(nk_all + nc_all));
  size_t ntk = nk_all - nk, ntc = nc_all - nc, ntx = operands.size() - nk_all - nc_all - nx;
  size_t nres_all = body.results.size();
  size_t ny = primal_count(body, results_all.subspan(nc_all)), nty = nres_all - nc_all - ny;
  // Body in partial-evaluation layout: params (consts, carry, xs | tconsts, tcarry, txs), results
  // (carry, ys | tcarry, tys).
  ir::Function f = as_function(body);
  std::vector<Value> params;
  auto take = [&](size_t begin, size_t count) {
    for (size_t i = begin; i < begin + count; ++i) params.push_back(body.params[i]);
  };
  take(0, nk);
  take(nk_all, nc);
  take(nk_all + nc_all, nx);
  take(nk, ntk);
  take(nk_all + nc, ntc);
  take(nk_all + nc_all + nx, ntx);
  f.body.params = params;
  std::vector<Value> results;
  for (size_t i = 0; i < nc; ++i) results.push_back(body.results[i]);
  for (size_t i = 0; i < ny; ++i) results.push_back(body.results[nc_all + i]);
  for (size_t i = 0; i < ntc; ++i) results.push_back(body.results[nc + i]);
  for (size_t i = 0; i < nty; ++i) results.push_back(body.results[nc_all + ny + i]);
  f.body.results = results;
  size_t n_primal = nk + nc + nx, m = nc + ny;
  Linearized parts = partial_eval(split_control_flow(f, n_primal), n_primal, m);
  size_t nr = parts.num_residuals;

  // Primal scan: (consts, carry, xs) -> (carry, ys, residuals stacked).
  Values known_operands;
  known_operands.insert(known_operands.end(), operands.begin(), operands.begin() + ptrdiff_t(nk));
  known_operands.insert(known_operands.end(), operands.begin() + ptrdiff_t(nk_all),
                        operands.begin() + ptrdiff_t(nk_all + nc));
  known_operands.insert(known_operands.end(), operands.begin() + ptrdiff_t(nk_all + nc_all),
                        operands.begin() + ptrdiff_t(nk_all + nc_all + nx));
  ir::Attrs known_attrs = op.attrs;
  known_attrs[0] = int64_t(nk);
  known_attrs[1] = int64_t(nc);
  std::vector<ir::Body> known_regions;
  known_regions.push_back(parts.primal.body);
  ir::Values known = b.add(Prim::Scan, known_operands, std::move(known_attrs), std::move(known_regions));
  // Linear scan: consts tconsts, carry tcarry, xs (residuals, txs). Its body's parameters are (residuals,
  // tconsts, tcarry, txs): reorder.
  ir::Body lin = parts.linear.body;
  std::vector<Value> lin_params;
  for (size_t i = 0; i < ntk; ++i) lin_params.push_back(lin.params[nr + i]);
  for (size_t i = 0; i < ntc; ++i) lin_params.push_back(lin.params[nr + ntk + i]);
  for (size_t i = 0; i < nr; ++i) lin_params.push_back(lin.params[i]);
  for (size_t i = 0; i < ntx; ++i) lin_params.push_back(lin.params[nr + ntk + ntc + i]);
  lin.params = lin_params;
  Values lin_operands(operands.begin() + ptrdiff_t(nk), operands.begin() + ptrdiff_t(nk_all));
  lin_operands.insert(lin_operands.end(), operands.begin() + ptrdiff_t(nk_all + nc),
                      operands.begin() + ptrdiff_t(nk_all + nc_all));
  lin_operands.insert(lin_operands.end(), known.begin() + ptrdiff_t(nc + ny), known.end());
  lin_operands.insert(lin_operands.end(), operands.begin() + ptrdiff_t(nk_all + nc_all + nx), operands.end());
  ir::Attrs lin_attrs = op.attrs;
  lin_attrs[0] = int64_t(ntk);
  lin_attrs[1] = int64_t(ntc);
  std::vector<ir::Body> lin_regions;
  lin_regions.push_back(std::move(lin));
  ir::Values tangents = b.add(Prim::Scan, lin_operands, std::move(lin_attrs), std::move(lin_regions));
  Values out(known.begin(), known.begin() + ptrdiff_t(nc));
  out.insert(out.end(), tangents.begin(), tangents.begin() + ptrdiff_t(ntc));
  out.insert(out.end(), known.begin() + ptrdiff_t(nc), known.begin() + ptrdiff_t(nc + ny));
  out.insert(out.end(), tangents.begin() + ptrdiff_t(ntc), tangents.end());
  return out;
}

// Splits a while whose operands are (cond consts, body consts, their tangents, carry, its tangents), as
// while_jvp emits it without a bound: the primal while also carries a stack handle and a trip count and
// pushes each iteration's residuals; the linear part is a stack_loop applying the linear body over the
// stored iterations. Returns (carry, tangents of the carry) as the jvp op did.
Values split_while(ir::Builder& b, const ir::Op& op, std::span<const Value> operands) {
  size_t nc = size_t(ir::attr_int(op.attrs, 0)), nb_all = size_t(ir::attr_int(op.attrs, 1));
  const ir::Body &cond = op.regions[0], &body = op.regions[1];
  std::span<const Value> params(body.params);
  size_t nb = primal_count(body, params.first(nb_all)), ntk = nb_all - nb;
  size_t n = primal_count(body, params.subspan(nb_all)), ntc = params.size() - nb_all - n;
  // The body in partial-evaluation layout: (bconsts, carry | tconsts, tcarry) -> (carry | tcarry).
  ir::Function f = as_function(body);
  std::vector<Value> pe_params;
  for (size_t i = 0; i < nb; ++i) pe_params.push_back(body.params[i]);
  for (size_t i = 0; i < n; ++i) pe_params.push_back(body.params[nb_all + i]);
  for (size_t i = 0; i < ntk; ++i) pe_params.push_back(body.params[nb + i]);
  for (size_t i = 0; i < ntc; ++i) pe_params.push_back(body.params[nb_all + n + i]);
  f.body.params = pe_params;
  Linearized parts = partial_eval(split_control_flow(f, nb + n), nb + n, n);
  const ir::Body& primal = parts.primal.body;
  Type handle{DType::U64, {}}, count{DType::I32, {}};

  // Primal while: (cond consts, bconsts | handle, count, carry).
  ir::Body known_cond = cond;
  {
    Values cond_params(cond.params.begin(), cond.params.begin() + ptrdiff_t(nc));
    cond_params.push_back(known_cond.add_value(handle));
    cond_params.push_back(known_cond.add_value(count));
    cond_params.insert(cond_params.end(), cond.params.begin() + ptrdiff_t(nc), cond.params.begin() + ptrdiff_t(nc + n));
    known_cond.params = cond_params;  // the carries' tangents it ignored are gone
  }
  ir::Body known_body;
  {
    ir::Builder kb(known_body);
    Emitter ke(kb);
    Values consts, state;
    for (size_t i = 0; i < nb; ++i) consts.push_back(kb.param(primal.type(primal.params[i])));
    Value h = kb.param(handle), k = kb.param(count);
    for (size_t i = 0; i < n; ++i) state.push_back(kb.param(primal.type(primal.params[nb + i])));
    Values args = consts;
    args.insert(args.end(), state.begin(), state.end());
    Values out = inline_body(kb, primal, args);
    Values push = {h};
    push.insert(push.end(), out.begin() + ptrdiff_t(n), out.end());
    Values results = {kb.add1(Prim::StackPush, push), ke.add(k, ke.full(DType::I32, {}, 1.0))};
    results.insert(results.end(), out.begin(), out.begin() + ptrdiff_t(n));
    kb.set_results(results);
  }
  Values known_operands(operands.begin(), operands.begin() + ptrdiff_t(nc + nb));
  known_operands.push_back(b.add1(Prim::StackNew, {}));
  known_operands.push_back(Emitter(b).full(DType::I32, {}, 0.0));
  known_operands.insert(known_operands.end(), operands.begin() + ptrdiff_t(nc + nb_all),
                        operands.begin() + ptrdiff_t(nc + nb_all + n));
  std::vector<ir::Body> known_regions = {std::move(known_cond), std::move(known_body)};
  ir::Values known = b.add(Prim::While, known_operands, {int64_t(nc), int64_t(nb), int64_t(-1)}, std::move(known_regions));

  // Linear part: stack_loop(handle, count, tconsts | tcarry) with the region (i, residuals, tconsts, tcarry).
  ir::Body lin = parts.linear.body;
  Values lin_params = {lin.add_value(count)};
  lin_params.insert(lin_params.end(), lin.params.begin(), lin.params.end());
  lin.params = lin_params;
  Values lin_operands = {known[0], known[1]};
  lin_operands.insert(lin_operands.end(), operands.begin() + ptrdiff_t(nc + nb), operands.begin() + ptrdiff_t(nc + nb_all));
  lin_operands.insert(lin_operands.end(), operands.begin() + ptrdiff_t(nc + nb_all + n), operands.end());
  std::vector<ir::Body> lin_regions = {std::move(lin)};
  ir::Values tangents = b.add(Prim::StackLoop, lin_operands, {int64_t(ntk), false}, std::move(lin_regions));
  Values out(known.begin() + 2, known.end());
  out.insert(out.end(), tangents.begin(), tangents.end());
  return out;
}

// Transpose of a stack_loop (linear in its carries and some constants): a stack_loop in the opposite order
// whose carries are the carries' cotangents and accumulators for the linear constants' cotangents.
std::vector<Value> stack_loop_transpose(TransposeArgs& a) {
  size_t k = size_t(ir::attr_int(a.op.attrs, 0)), c = a.x.size() - 2 - k;
  if (a.linear[0] || a.linear[1])
    throw make_error(ErrorKind::NotImplemented, "stack_loop", "expected a handle and count without tangents");
  const ir::Body& body = a.op.regions[0];
  size_t entries = body.params.size() - 1 - k - c;
  std::vector<size_t> k_nl, k_l;  // operand indices
  for (size_t i = 2; i < 2 + k; ++i) (a.linear[i] ? k_l : k_nl).push_back(i);
  // The body with its non-linear parameters first: (index, entry, nl consts | l consts, carry).
  ir::Function f = as_function(body);
  Values params(body.params.begin(), body.params.begin() + ptrdiff_t(1 + entries));
  for (size_t i : k_nl) params.push_back(body.params[1 + entries + (i - 2)]);
  for (size_t i : k_l) params.push_back(body.params[1 + entries + (i - 2)]);
  params.insert(params.end(), body.params.begin() + ptrdiff_t(1 + entries + k), body.params.end());
  f.body.params = params;
  ir::Body t = transpose(f, 1 + entries + k_nl.size()).body;  // -> (ct l consts, ct carry)
  ir::Body step;
  {
    ir::Builder sb(step);
    Emitter se(sb);
    Values head, ct_carry, acc;
    for (size_t i = 0; i < 1 + entries; ++i) head.push_back(sb.param(body.type(body.params[i])));
    for (size_t i : k_nl) head.push_back(sb.param(a.types[i]));
    for (size_t i = 0; i < c; ++i) ct_carry.push_back(sb.param(body.type(body.results[i]).strong()));
    for (size_t i : k_l) acc.push_back(sb.param(a.types[i].strong()));
    Values args = head;
    args.insert(args.end(), ct_carry.begin(), ct_carry.end());
    Values cts = inline_body(sb, t, args);
    Values results(cts.begin() + ptrdiff_t(k_l.size()), cts.end());
    for (size_t j = 0; j < k_l.size(); ++j) results.push_back(se.add(acc[j], cts[j]));
    sb.set_results(results);
  }
  Values operands = {a.x[0], a.x[1]};
  for (size_t i : k_nl) operands.push_back(a.x[i]);
  for (size_t i = 0; i < c; ++i)
    operands.push_back(a.ct[i].valid() ? a.ct[i] : a.e.full(body.type(body.results[i]).strong(), 0.0));
  for (size_t i : k_l) operands.push_back(a.e.full(a.types[i].strong(), 0.0));
  std::vector<ir::Body> regions = {std::move(step)};
  ir::Values out = a.e.builder().add(Prim::StackLoop, operands,
                                     {int64_t(k_nl.size()), !ir::attr_bool(a.op.attrs, 1)}, std::move(regions));
  std::vector<Value> cts(a.x.size());
  for (size_t i = 0; i < c; ++i) cts[2 + k + i] = out[i];
  for (size_t j = 0; j < k_l.size(); ++j) cts[k_l[j]] = out[c + j];
  return cts;
}

// Transpose of a linear cond: a cond of the transposed branches, (index, non-linear operands, output
// cotangents) -> cotangents of the linear operands.
std::vector<Value> cond_transpose(TransposeArgs& a) {
  if (a.linear[0])
    throw make_error(ErrorKind::NotImplemented, "cond", "expected a branch index that does not depend on tangents");
  std::vector<size_t> nonlinear, linear;
  for (size_t i = 1; i < a.x.size(); ++i) (a.linear[i] ? linear : nonlinear).push_back(i);
  std::vector<ir::Body> regions;
  for (const ir::Body& r : a.op.regions) {
    ir::Function f = as_function(r);
    Values params;
    for (size_t i : nonlinear) params.push_back(r.params[i - 1]);
    for (size_t i : linear) params.push_back(r.params[i - 1]);
    f.body.params = params;
    regions.push_back(transpose(f, nonlinear.size()).body);
  }
  Values operands = {a.x[0]};
  for (size_t i : nonlinear) operands.push_back(a.x[i]);
  std::vector<Type> out_types = result_types(a.op.regions[0]);
  for (size_t j = 0; j < a.ct.size(); ++j)
    operands.push_back(a.ct[j].valid() ? a.ct[j] : a.e.full(out_types[j].strong(), 0.0));
  ir::Values cts = a.e.builder().add(Prim::Cond, operands, {}, std::move(regions));
  std::vector<Value> out(a.x.size());
  for (size_t k = 0; k < linear.size(); ++k) out[linear[k]] = cts[k];
  return out;
}

// Transpose of a linear scan (linear in its carries, some consts and some xs; the other consts and xs are
// residuals): a scan in the opposite direction whose carries are the carries' cotangents and accumulators
// for the linear consts' cotangents, and whose xs are the residuals and the ys' cotangents; its ys are the
// linear xs' cotangents.
std::vector<Value> scan_transpose(TransposeArgs& a) {
  size_t nk = size_t(ir::attr_int(a.op.attrs, 0)), nc = size_t(ir::attr_int(a.op.attrs, 1));
  size_t n = a.x.size();
  const ir::Body& body = a.op.regions[0];
  std::vector<size_t> k_nl, k_l, x_nl, x_l;
  for (size_t i = 0; i < nk; ++i) (a.linear[i] ? k_l : k_nl).push_back(i);
  // Carries are linear inside the body even where the initial value is a constant (a zero tangent).
  for (size_t i = nk + nc; i < n; ++i) (a.linear[i] ? x_l : x_nl).push_back(i);
  size_t ny = body.results.size() - nc;
  // The body with its non-linear parameters first, transposed: (k_nl, x_nl, ct carry, ct ys) ->
  // (ct k_l, ct carry in, ct x_l).
  ir::Function f = as_function(body);
  Values params;
  for (size_t i : k_nl) params.push_back(body.params[i]);
  for (size_t i : x_nl) params.push_back(body.params[i]);
  for (size_t i : k_l) params.push_back(body.params[i]);
  for (size_t i = nk; i < nk + nc; ++i) params.push_back(body.params[i]);
  for (size_t i : x_l) params.push_back(body.params[i]);
  f.body.params = params;
  ir::Body t = transpose(f, k_nl.size() + x_nl.size()).body;
  // The transposed scan's body: (k_nl | ct carry, acc | x_nl, ct ys) -> (ct carry, acc + ct k_l | ct x_l).
  ir::Body step;
  {
    ir::Builder b(step);
    Emitter e(b);
    Values consts, ct_carry, acc, xs_nl, ct_ys;
    for (size_t i : k_nl) consts.push_back(b.param(body.type(body.params[i])));
    for (size_t i = 0; i < nc; ++i) ct_carry.push_back(b.param(body.type(body.results[i]).strong()));
    for (size_t i : k_l) acc.push_back(b.param(body.type(body.params[i]).strong()));
    for (size_t i : x_nl) xs_nl.push_back(b.param(body.type(body.params[i])));
    for (size_t i = 0; i < ny; ++i) ct_ys.push_back(b.param(body.type(body.results[nc + i]).strong()));
    Values args = consts;
    args.insert(args.end(), xs_nl.begin(), xs_nl.end());
    args.insert(args.end(), ct_carry.begin(), ct_carry.end());
    args.insert(args.end(), ct_ys.begin(), ct_ys.end());
    Values cts = inline_body(b, t, args);
    Values results(cts.begin() + ptrdiff_t(k_l.size()), cts.begin() + ptrdiff_t(k_l.size() + nc));
    for (size_t k = 0; k < k_l.size(); ++k) results.push_back(e.add(acc[k], cts[k]));
    results.insert(results.end(), cts.begin() + ptrdiff_t(k_l.size() + nc), cts.end());
    b.set_results(results);
  }
  Values operands;
  for (size_t i : k_nl) operands.push_back(a.x[i]);
  for (size_t i = 0; i < nc; ++i)
    operands.push_back(a.ct[i].valid() ? a.ct[i] : a.e.full(body.type(body.results[i]).strong(), 0.0));
  for (size_t i : k_l) operands.push_back(a.e.full(a.types[i].strong(), 0.0));
  for (size_t i : x_nl) operands.push_back(a.x[i]);
  int64_t length = ir::attr_int(a.op.attrs, 2);
  for (size_t i = 0; i < ny; ++i) {
    if (a.ct[nc + i].valid()) {
      operands.push_back(a.ct[nc + i]);
      continue;
    }
    Type y = body.type(body.results[nc + i]).strong();
    ir::Shape stacked{length};
    for (int64_t d : y.shape) stacked.push_back(d);
    operands.push_back(a.e.full(y.dtype, stacked, 0.0));
  }
  ir::Attrs attrs = a.op.attrs;
  attrs[0] = int64_t(k_nl.size());
  attrs[1] = int64_t(nc + k_l.size());
  attrs[3] = !ir::attr_bool(a.op.attrs, 3);
  std::vector<ir::Body> regions;
  regions.push_back(std::move(step));
  ir::Values out = a.e.builder().add(Prim::Scan, operands, std::move(attrs), std::move(regions));
  std::vector<Value> cts(n);
  for (size_t i = 0; i < nc; ++i) cts[nk + i] = out[i];
  for (size_t k = 0; k < k_l.size(); ++k) cts[k_l[k]] = out[nc + k];
  for (size_t k = 0; k < x_l.size(); ++k) cts[x_l[k]] = out[nc + k_l.size() + k];
  return cts;
}

}  // namespace

ir::Function split_control_flow(const ir::Function& g, size_t n) {
  ir::Function out;
  out.name = g.name;
  ir::Builder b(out.body);
  const ir::Body& in = g.body;
  std::vector<Value> map(in.types.size());
  std::vector<bool> unknown(in.types.size(), false);
  for (size_t i = 0; i < in.params.size(); ++i) {
    map[in.params[i].id] = b.param(in.type(in.params[i]));
    unknown[in.params[i].id] = i >= n;
  }
  Values operands;
  std::vector<bool> operand_unknown;
  for (const ir::Op& op : in.ops) {
    operands.clear();
    operand_unknown.clear();
    bool any = false;
    for (Value v : op.operands) {
      operands.push_back(map[v.id]);
      operand_unknown.push_back(unknown[v.id]);
      any = any || unknown[v.id];
    }
    b.set_location(op.loc);
    if (any && op.prim == Prim::Cond) {
      Values results = split_cond(b, op, operands, operand_unknown);
      size_t m = op.results.size() / 2;
      for (size_t i = 0; i < op.results.size(); ++i) {
        map[op.results[i].id] = results[i];
        unknown[op.results[i].id] = i >= m;
      }
      continue;
    }
    if (any && op.prim == Prim::Scan) {
      Values results = split_scan(b, op, operands);
      size_t nc_all = size_t(ir::attr_int(op.attrs, 1));
      const ir::Body& body = op.regions[0];
      for (size_t i = 0; i < op.results.size(); ++i) {
        map[op.results[i].id] = results[i];
        unknown[op.results[i].id] = false;
      }
      // Tangents from the layout: the carries' tangents, and the ys' past the primal ys.
      std::span<const Value> rs(body.results);
      for (size_t i = primal_count(body, rs.first(nc_all)); i < nc_all; ++i) unknown[op.results[i].id] = true;
      for (size_t i = nc_all + primal_count(body, rs.subspan(nc_all)); i < op.results.size(); ++i)
        unknown[op.results[i].id] = true;
      continue;
    }
    if (any && op.prim == Prim::Checkpoint) {
      Values results = split_checkpoint(b, op, operands);
      size_t m = op.results.size() / 2;
      for (size_t i = 0; i < op.results.size(); ++i) {
        map[op.results[i].id] = results[i];
        unknown[op.results[i].id] = i >= m;
      }
      continue;
    }
    if (any && op.prim == Prim::While) {
      Values results = split_while(b, op, operands);
      const ir::Body& body = op.regions[1];
      std::span<const Value> rs(body.results);
      size_t n = primal_count(body, rs);
      for (size_t i = 0; i < op.results.size(); ++i) {
        map[op.results[i].id] = results[i];
        unknown[op.results[i].id] = i >= n;
      }
      continue;
    }
    copy_op(b, in, op, map);
    for (Value r : op.results) unknown[r.id] = any;
  }
  Values results;
  for (Value r : in.results) results.push_back(map[r.id]);
  b.set_results(results);
  return out;
}

void register_control_transpose(ir::PrimTable<TransposeRule>& t) {
  t.set(Prim::Cond, cond_transpose);
  t.set(Prim::Scan, scan_transpose);
  register_custom_transpose(t);
  register_checkpoint_transpose(t);
  t.set(Prim::StackLoop, stack_loop_transpose);
}

}  // namespace ember::transforms
