// Reverse mode through control flow: the split of jvp's combined control-flow ops into a primal op and a
// linear op (before partial evaluation), and the transpose rules of the linear ops.
//
// cond: each branch's JVP body is partially evaluated on its own (recursively, so nested control flow
// works). The primal cond returns the outputs and the residuals of every branch — the taken branch fills
// its own, the others return zeros — and the linear cond takes all residuals, each branch reading its own.
// The transpose of the linear cond is a cond of the transposed branches.
#include "ir/error.h"
#include "transforms/control_rules.h"

namespace ember::transforms {

namespace {

using Values = std::vector<Value>;

ir::Function as_function(const ir::Body& b, std::string name) {
  ir::Function f;
  f.name = std::move(name);
  f.body = b;
  return f;
}

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
    parts.push_back(partial_eval(split_control_flow(as_function(r, "branch"), na), na, m));
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

// Transpose of a linear cond: a cond of the transposed branches, (index, non-linear operands, output
// cotangents) -> cotangents of the linear operands.
std::vector<Value> cond_transpose(TransposeArgs& a) {
  if (a.linear[0])
    throw make_error(ErrorKind::NotImplemented, "cond", "expected a branch index that does not depend on tangents");
  std::vector<size_t> nonlinear, linear;
  for (size_t i = 1; i < a.x.size(); ++i) (a.linear[i] ? linear : nonlinear).push_back(i);
  std::vector<ir::Body> regions;
  for (const ir::Body& r : a.op.regions) {
    ir::Function f = as_function(r, "branch");
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
  std::vector<Type> types;
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
    if (any && (op.prim == Prim::While || op.prim == Prim::Scan))
      throw make_error(ErrorKind::NotImplemented, ir::prim_name(op.prim),
                       "reverse-mode differentiation of ", ir::prim_name(op.prim),
                       " is not supported yet (forward mode is: use jvp/jacfwd, or cond)");
    types.clear();
    for (Value r : op.results) types.push_back(in.type(r));
    ir::Values rs = b.add_typed(op.prim, operands, op.attrs, op.regions, types);
    for (size_t i = 0; i < rs.size(); ++i) {
      map[op.results[i].id] = rs[i];
      unknown[op.results[i].id] = any;
    }
  }
  Values results;
  for (Value r : in.results) results.push_back(map[r.id]);
  b.set_results(results);
  return out;
}

void register_control_transpose(ir::PrimTable<TransposeRule>& t) { t.set(Prim::Cond, cond_transpose); }

}  // namespace ember::transforms
