#include "lowering/plan/plan.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "ir/error.h"
#include "ir/prim.h"
#include "transforms/simplify.h"

namespace ember::lowering {

using ir::Body;
using ir::Op;
using ir::Prim;
using ir::Value;

bool is_pointwise(Prim p) {
  if (ir::has_flag(p, ir::kElementwise)) return true;
  switch (p) {
    case Prim::BroadcastInDim: case Prim::Reshape: case Prim::Transpose: case Prim::Slice: case Prim::Rev:
    case Prim::Pad: case Prim::Concatenate: case Prim::Iota: case Prim::BitcastConvertType:
    case Prim::DynamicSlice: case Prim::DynamicUpdateSlice: case Prim::Gather:
      return true;
    default: return false;
  }
}

bool is_loop_reduction(Prim p) {
  return ir::has_flag(p, ir::kReduction) || p == Prim::Argmax || p == Prim::Argmin || p == Prim::DotGeneral;
}

bool is_column_reduction(const ir::Body& body, const ir::Op& op) {
  switch (op.prim) {
    case Prim::ReduceSum: case Prim::ReduceProd: case Prim::ReduceMax: case Prim::ReduceMin:
    case Prim::ReduceAnd: case Prim::ReduceOr: break;
    default: return false;
  }
  // Complex and 16-bit float results accumulate in registers of another type than their storage.
  ir::DType d = body.type(op.results[0]).dtype;
  if (ir::is_complex(d) || d == ir::DType::F16 || d == ir::DType::BF16) return false;
  const ir::Shape& in = body.type(op.operands[0]).shape;
  const std::vector<int64_t>& reduced = ir::attr_ints(op.attrs, 0);
  return !in.empty() && !reduced.empty() && in.back() >= 16 &&
         std::find(reduced.begin(), reduced.end(), int64_t(in.size() - 1)) == reduced.end();
}

bool is_costly(Prim p) {
  switch (p) {
    case Prim::Exp: case Prim::Exp2: case Prim::Expm1: case Prim::Log: case Prim::Log1p: case Prim::Cbrt:
    case Prim::Sin: case Prim::Cos: case Prim::Tan: case Prim::Asin: case Prim::Acos: case Prim::Atan:
    case Prim::Sinh: case Prim::Cosh: case Prim::Tanh: case Prim::Asinh: case Prim::Acosh: case Prim::Atanh:
    case Prim::Logistic: case Prim::Erf: case Prim::Erfc: case Prim::ErfInv: case Prim::Lgamma:
    case Prim::Digamma: case Prim::BesselI0e: case Prim::BesselI1e: case Prim::Pow: case Prim::Atan2:
    case Prim::Polygamma: case Prim::IntegerPow:
      return true;
    default: return false;
  }
}

namespace {

// How many separate loops of one kernel may evaluate a value before it is materialised instead: a value
// used both inside a reduction's loop and outside it is computed in each (softmax's exp is evaluated by the
// sum and again for the output). Bounding this keeps chains of normalisations (x - mean(x), repeated) from
// recomputing every earlier stage in every later loop, which is quadratic in work and in code size.
constexpr size_t kMaxContexts = 3;
constexpr size_t kMaxCostlyContexts = 2;

// Attribute positions of dot_general (prim.cc).
enum { kLhsContract = 0, kRhsContract = 1, kLhsBatch = 2, kRhsBatch = 3 };

std::vector<int64_t> iota_vec(int64_t begin, int64_t end) {
  std::vector<int64_t> v(size_t(std::max<int64_t>(0, end - begin)));
  std::iota(v.begin(), v.end(), begin);
  return v;
}

int64_t product(const ir::Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

// The dims of an operand that are neither batch nor contracting, in order.
std::vector<int64_t> free_dims(int rank, const std::vector<int64_t>& batch, const std::vector<int64_t>& contract) {
  std::vector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d)
    if (std::find(batch.begin(), batch.end(), d) == batch.end() &&
        std::find(contract.begin(), contract.end(), d) == contract.end())
      out.push_back(d);
  return out;
}

bool is_gemm_candidate(const Body& body, const Op& op, const PlanOptions& options) {
  if (op.prim != Prim::DotGeneral) return false;
  ir::DType d = body.type(op.results[0]).dtype;
  bool half = d == ir::DType::F16 || d == ir::DType::BF16;
  if (d != ir::DType::F32 && d != ir::DType::F64 && !(half && options.gemm_half_floats) &&
      !(ir::is_complex(d) && options.gemm_complex))
    return false;
  if (body.type(op.operands[0]).dtype != d || body.type(op.operands[1]).dtype != d) return false;
  const ir::Shape& out = body.type(op.results[0]).shape;
  const ir::Shape& lhs = body.type(op.operands[0]).shape;
  size_t nb = ir::attr_ints(op.attrs, kLhsBatch).size();
  int64_t k = 1;
  for (int64_t c : ir::attr_ints(op.attrs, kLhsContract)) k *= lhs[size_t(c)];
  return product(out, nb, out.size()) * k >= options.gemm_min_work;
}

// A dot_general done by BLAS that reads a transpose reads the transpose's operand instead, its dimension
// numbers mapped through the permutation: BLAS then transposes on the fly where a kernel would have written
// the transposed operand out (x.T @ g in every weight gradient). Only when the free dims keep their order,
// which is the result's layout.
void fold_operand_transposes(ir::Function& f, const PlanOptions& options) {
  Body& body = f.body;
  std::vector<int> defining(body.types.size(), -1);
  for (size_t o = 0; o < body.ops.size(); ++o)
    for (Value r : body.ops[o].results) defining[r.id] = int(o);
  for (Op& op : body.ops) {
    if (!is_gemm_candidate(body, op, options)) continue;
    for (int which = 0; which < 2; ++which) {
      int d = defining[op.operands[size_t(which)].id];
      if (d < 0 || body.ops[size_t(d)].prim != Prim::Transpose) continue;
      const Op& transpose = body.ops[size_t(d)];
      const auto perm = ir::attr_ints(transpose.attrs, 0);
      int contract_at = which == 0 ? kLhsContract : kRhsContract, batch_at = which == 0 ? kLhsBatch : kRhsBatch;
      auto contract = ir::attr_ints(op.attrs, contract_at), batch = ir::attr_ints(op.attrs, batch_at);
      auto free = free_dims(int(perm.size()), batch, contract);
      bool ordered = true;
      for (size_t i = 1; i < free.size(); ++i) ordered = ordered && perm[size_t(free[i])] > perm[size_t(free[i - 1])];
      if (!ordered) continue;
      for (int64_t& c : contract) c = perm[size_t(c)];
      for (int64_t& bd : batch) bd = perm[size_t(bd)];
      op.attrs[size_t(contract_at)] = contract;
      op.attrs[size_t(batch_at)] = batch;
      op.operands[size_t(which)] = transpose.operands[0];
    }
  }
}

// transpose(dot_general(a, b)) that swaps the two free groups of a BLAS-sized product is dot_general(b, a):
// the product is written in the transposed layout directly (the weight gradient of x @ w), instead of
// written and then transposed by a kernel. The transpose goes; the dot defines its result.
void fold_result_transposes(ir::Function& f, const PlanOptions& options) {
  Body& body = f.body;
  std::vector<int> defining(body.types.size(), -1), uses(body.types.size(), 0);
  for (size_t o = 0; o < body.ops.size(); ++o) {
    for (Value r : body.ops[o].results) defining[r.id] = int(o);
    for (Value v : body.ops[o].operands) ++uses[v.id];
  }
  for (Value r : body.results) ++uses[r.id];
  std::vector<char> folded(body.ops.size(), 0);
  for (size_t t = 0; t < body.ops.size(); ++t) {
    const Op& transpose = body.ops[t];
    if (transpose.prim != Prim::Transpose) continue;
    int d = defining[transpose.operands[0].id];
    if (d < 0 || uses[transpose.operands[0].id] != 1 || !is_gemm_candidate(body, body.ops[size_t(d)], options)) continue;
    Op& dot = body.ops[size_t(d)];
    size_t nb = ir::attr_ints(dot.attrs, kLhsBatch).size();
    size_t nl = size_t(body.type(dot.operands[0]).rank()) - nb - ir::attr_ints(dot.attrs, kLhsContract).size();
    size_t nr = size_t(body.type(dot.operands[1]).rank()) - nb - ir::attr_ints(dot.attrs, kRhsContract).size();
    std::vector<int64_t> swapped = iota_vec(0, int64_t(nb)), rhs_free = iota_vec(int64_t(nb + nl), int64_t(nb + nl + nr)),
                         lhs_free = iota_vec(int64_t(nb), int64_t(nb + nl));
    swapped.insert(swapped.end(), rhs_free.begin(), rhs_free.end());
    swapped.insert(swapped.end(), lhs_free.begin(), lhs_free.end());
    if (ir::attr_ints(transpose.attrs, 0) != swapped) continue;
    std::swap(dot.operands[0], dot.operands[1]);
    std::swap(dot.attrs[kLhsContract], dot.attrs[kRhsContract]);
    std::swap(dot.attrs[kLhsBatch], dot.attrs[kRhsBatch]);
    dot.results[0] = transpose.results[0];
    folded[t] = 1;
  }
  std::vector<Op> kept;
  for (size_t o = 0; o < body.ops.size(); ++o)
    if (!folded[o]) kept.push_back(std::move(body.ops[o]));
  body.ops = std::move(kept);
}

// Rewrites the operands of GEMM-sized dot_generals into BLAS order ([batch, free, contract] for lhs,
// [batch, contract, free] for rhs) with explicit transposes, which the planner then fuses into the kernels
// producing them. Dots already in a GEMM layout (either operand possibly transposed) are left alone.
ir::Function with_gemm_operand_order(const ir::Function& f, const PlanOptions& options) {
  ir::Function out = f;
  Body& body = out.body;
  std::vector<Op> ops;
  ops.reserve(body.ops.size());
  for (Op& op : body.ops) {
    if (is_gemm_candidate(body, op, options) && !gemm_layout(body, op)) {
      const auto lc = ir::attr_ints(op.attrs, kLhsContract), rc = ir::attr_ints(op.attrs, kRhsContract);
      const auto lb = ir::attr_ints(op.attrs, kLhsBatch), rb = ir::attr_ints(op.attrs, kRhsBatch);
      auto transposed = [&](Value v, std::vector<int64_t> perm) {
        const ir::Type& t = body.type(v);
        ir::Shape shape;
        for (int64_t p : perm) shape.push_back(t.shape[size_t(p)]);
        Value r = body.add_value(t.with_shape(shape));
        Op tr;
        tr.prim = Prim::Transpose;
        tr.loc = op.loc;
        tr.operands = {v};
        tr.results = {r};
        tr.attrs = {std::move(perm)};
        ops.push_back(std::move(tr));
        return r;
      };
      int lrank = body.type(op.operands[0]).rank(), rrank = body.type(op.operands[1]).rank();
      auto lf = free_dims(lrank, lb, lc), rf = free_dims(rrank, rb, rc);
      std::vector<int64_t> lperm = lb, rperm = rb;
      lperm.insert(lperm.end(), lf.begin(), lf.end());
      lperm.insert(lperm.end(), lc.begin(), lc.end());
      rperm.insert(rperm.end(), rc.begin(), rc.end());
      rperm.insert(rperm.end(), rf.begin(), rf.end());
      int64_t nb = int64_t(lb.size()), nc = int64_t(lc.size());
      op.operands = {transposed(op.operands[0], lperm), transposed(op.operands[1], rperm)};
      op.attrs[kLhsContract] = iota_vec(lrank - nc, lrank);
      op.attrs[kRhsContract] = iota_vec(nb, nb + nc);
      op.attrs[kLhsBatch] = iota_vec(0, nb);
      op.attrs[kRhsBatch] = iota_vec(0, nb);
    }
    ops.push_back(std::move(op));
  }
  body.ops = std::move(ops);
  return out;
}

// How a value's index inside a kernel depends on the kernel's loops: one entry per dimension of the value,
// the loop (dimension of the kernel's domain) it follows, or one of these.
enum : int { kFixed = -1, kAnyLoop = -2, kInnerLoop = -3 };
using LoopMap = std::vector<int>;

// The loop map of operand `pos` of `user`, given the map of the user's result.
LoopMap operand_loop_map(const Body& body, const Op& user, size_t pos, const LoopMap& result_map) {
  const ir::Shape& in = body.type(user.operands[pos]).shape;
  const ir::Shape& out = body.type(user.results[0]).shape;
  LoopMap m(in.size(), kAnyLoop);
  const ir::Attrs& a = user.attrs;
  if (ir::has_flag(user.prim, ir::kElementwise) && user.prim != Prim::BitcastConvertType) {
    if (in == out) return result_map;
    return in.empty() ? LoopMap{} : m;
  }
  switch (user.prim) {
    case Prim::BroadcastInDim: {
      const auto& bd = ir::attr_ints(a, 1);
      for (size_t i = 0; i < in.size(); ++i)
        m[i] = in[i] == 1 && out[size_t(bd[i])] != 1 ? kFixed : result_map[size_t(bd[i])];
      return m;
    }
    case Prim::Transpose: {
      const auto& perm = ir::attr_ints(a, 0);
      for (size_t i = 0; i < perm.size(); ++i) m[size_t(perm[i])] = result_map[i];
      return m;
    }
    case Prim::Slice: case Prim::Rev: case Prim::Concatenate: return result_map;
    case Prim::Reshape: {
      // Inserting or removing dims of size 1 (keepdims after a reduction) keeps the other dims' loops.
      std::vector<size_t> in_dims, out_dims;
      for (size_t i = 0; i < in.size(); ++i)
        if (in[i] != 1) in_dims.push_back(i);
      for (size_t i = 0; i < out.size(); ++i)
        if (out[i] != 1) out_dims.push_back(i);
      if (in_dims.size() != out_dims.size()) return m;
      for (size_t i = 0; i < in_dims.size(); ++i)
        if (in[in_dims[i]] != out[out_dims[i]]) return m;
      for (size_t i = 0; i < in.size(); ++i) m[i] = kFixed;
      for (size_t i = 0; i < in_dims.size(); ++i) m[in_dims[i]] = result_map[out_dims[i]];
      return m;
    }
    case Prim::Pad: return pos == 0 ? result_map : LoopMap{};
    case Prim::DynamicSlice: return pos == 0 ? result_map : LoopMap{};  // then the scalar starts
    case Prim::DynamicUpdateSlice: return pos <= 1 ? result_map : LoopMap{};
    case Prim::ReduceSum: case Prim::ReduceProd: case Prim::ReduceMax: case Prim::ReduceMin:
    case Prim::ReduceAnd: case Prim::ReduceOr: case Prim::Argmax: case Prim::Argmin: {
      const auto& axes = ir::attr_ints(a, 0);
      size_t kept = 0;
      for (size_t d = 0; d < in.size(); ++d)
        m[d] = std::find(axes.begin(), axes.end(), int64_t(d)) != axes.end() ? kInnerLoop : result_map[kept++];
      return m;
    }
    case Prim::DotGeneral: {
      const auto& contract = ir::attr_ints(a, pos == 0 ? kLhsContract : kRhsContract);
      const auto& batch = ir::attr_ints(a, pos == 0 ? kLhsBatch : kRhsBatch);
      auto fd = free_dims(int(in.size()), batch, contract);
      size_t free_start = batch.size();
      if (pos == 1) {
        const auto& lhs = body.type(user.operands[0]).shape;
        free_start += lhs.size() - batch.size() - ir::attr_ints(a, kLhsContract).size();
      }
      for (size_t i = 0; i < batch.size(); ++i) m[size_t(batch[i])] = result_map[i];
      for (size_t i = 0; i < fd.size(); ++i) m[size_t(fd[i])] = result_map[free_start + i];
      for (int64_t c : contract) m[size_t(c)] = kInnerLoop;
      return m;
    }
    default: return m;
  }
}

// Bitcasts between types of one size are evaluated per element in kernels; those that change the element
// size (and so the shape) copy the bytes as an op step.
bool fusible_bitcast(const Body& body, const Op& op) {
  return body.type(op.results[0]).shape == body.type(op.operands[0]).shape;
}

struct Planner {
  const PlanOptions& options;
  Plan plan;
  std::vector<std::vector<uint32_t>> users;  // by value id: the top-level ops reading it
  std::vector<char> is_result;
  std::vector<int> kernel_of;  // by op: index into `kernels`, or -1
  std::vector<Kernel> kernels;
  std::vector<LoopMap> loop_map;  // by value id, for values inside a kernel
  // By value id, for values inside a kernel: the loops that evaluate it, each named by the loop reduction
  // whose inner loop it is, or kKernelLoop for the kernel's own loops (sorted, no duplicates).
  std::vector<std::vector<uint32_t>> contexts;
  static constexpr uint32_t kKernelLoop = UINT32_MAX;
  std::vector<Step> other_steps;  // gemm and op steps, by op index order later

  explicit Planner(const PlanOptions& o) : options(o) {}

  const Body& body() const { return plan.function.body; }

  // The loops of its users' kernel that would evaluate `op`'s result.
  std::vector<uint32_t> user_contexts(const Op& op) const {
    std::vector<uint32_t> out;
    for (uint32_t u : users[op.results[0].id]) {
      const Op& user = body().ops[u];
      if (is_loop_reduction(user.prim)) {
        out.push_back(u);
      } else {
        const auto& c = contexts[user.results[0].id];
        out.insert(out.end(), c.begin(), c.end());
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  bool joins_kernel(const Op& op, int k) {
    Value v = op.results[0];
    std::vector<uint32_t> evaluated_in = user_contexts(op);
    if (evaluated_in.size() > (is_costly(op.prim) ? kMaxCostlyContexts : kMaxContexts)) return false;
    const ir::Shape& domain = body().type(kernels[size_t(k)].root).shape;
    LoopMap merged;
    bool first = true;
    for (uint32_t u : users[v.id]) {
      const Op& user = body().ops[u];
      for (size_t pos = 0; pos < user.operands.size(); ++pos) {
        if (!(user.operands[pos] == v)) continue;
        LoopMap m = operand_loop_map(body(), user, pos, loop_map[user.results[0].id]);
        if (first) merged = m, first = false;
        for (size_t d = 0; d < merged.size(); ++d)
          if (merged[d] != m[d]) merged[d] = kAnyLoop;
      }
    }
    if (is_column_reduction(body(), op)) return false;
    if (is_loop_reduction(op.prim)) {
      // Computed once per iteration of the loops its index follows: fuse only when that is at most once per
      // element of its result.
      int depth = 0;
      for (int l : merged) {
        if (l == kInnerLoop) return false;
        depth = std::max(depth, l == kAnyLoop ? int(domain.size()) : l + 1);
      }
      if (product(domain, 0, size_t(depth)) > body().type(v).numel()) return false;
    }
    loop_map[v.id] = std::move(merged);
    contexts[v.id] = std::move(evaluated_in);
    return true;
  }

  void assign_kernels() {
    const Body& b = body();
    for (int o = int(b.ops.size()) - 1; o >= 0; --o) {
      const Op& op = b.ops[size_t(o)];
      // A cumulative op roots a kernel (its loop along the axis carries the running value), so it never
      // joins its users' kernel, but what it reads fuses into it.
      bool cumulative = ir::has_flag(op.prim, ir::kCumulative);
      bool fusible = (is_pointwise(op.prim) || is_loop_reduction(op.prim) || cumulative) && op.results.size() == 1 &&
                     !(op.prim == Prim::DotGeneral && is_gemm_candidate(b, op, options)) &&
                     !(op.prim == Prim::BitcastConvertType && !fusible_bitcast(b, op));
      if (op.prim == Prim::Constant) continue;  // read from its literal wherever it is used
      if (!fusible) {
        Step s;
        s.kind = op.prim == Prim::DotGeneral ? Step::Kind::Gemm : Step::Kind::Op;
        s.op = uint32_t(o);
        for (size_t r : executed_regions(op)) {
          s.regions.resize(op.regions.size());
          s.regions[r] = make_plan(ir::Function{plan.function.name + ".region" + std::to_string(r), op.regions[r]},
                                   options);
        }
        other_steps.push_back(s);
        continue;
      }
      Value v = op.results[0];
      int k = -1;
      bool joins = !is_result[v.id] && !users[v.id].empty() && !cumulative;
      for (uint32_t u : users[v.id]) {
        int ku = kernel_of[u];
        if (ku < 0 || (k >= 0 && ku != k)) joins = false;
        k = ku;
      }
      if (!joins || !joins_kernel(op, k)) {
        k = int(kernels.size());
        kernels.push_back(Kernel{v, {}});
        LoopMap identity(b.type(v).shape.size());
        std::iota(identity.begin(), identity.end(), 0);
        loop_map[v.id] = identity;
        contexts[v.id] = {kKernelLoop};
      }
      kernel_of[size_t(o)] = k;
      kernels[size_t(k)].ops.push_back(uint32_t(o));
    }
  }

  // Orders steps by their last op, assigns storage, and packs workspace values by liveness.
  void assign_storage() {
    const Body& b = body();
    auto root_op = [](const Step& s) { return s.kind == Step::Kind::Kernel ? s.kernel.ops.back() : s.op; };
    for (Kernel& k : kernels) {
      std::reverse(k.ops.begin(), k.ops.end());
      Step s;
      s.kernel = std::move(k);
      plan.steps.push_back(std::move(s));
    }
    for (Step& s : other_steps) plan.steps.push_back(s);
    std::sort(plan.steps.begin(), plan.steps.end(),
              [&](const Step& x, const Step& y) { return root_op(x) < root_op(y); });

    plan.storage.assign(b.types.size(), Storage{});
    for (size_t i = 0; i < b.params.size(); ++i) plan.storage[b.params[i].id] = {Storage::Kind::Input, int64_t(i)};
    std::vector<int> defining_op(b.types.size(), -1);
    for (size_t o = 0; o < b.ops.size(); ++o)
      for (Value r : b.ops[o].results) defining_op[r.id] = int(o);

    // Values each step writes.
    std::vector<int> step_of_op(b.ops.size(), -1);
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      const Step& st = plan.steps[s];
      if (st.kind == Step::Kind::Kernel)
        for (uint32_t o : st.kernel.ops) step_of_op[o] = int(s);
      else
        step_of_op[st.op] = int(s);
    }
    auto written_by = [&](const Step& st) {
      std::vector<Value> out;
      if (st.kind == Step::Kind::Kernel) out.push_back(st.kernel.root);
      else
        for (Value r : b.ops[st.op].results) out.push_back(r);
      return out;
    };
    std::vector<Step> copies;
    for (size_t j = 0; j < b.results.size(); ++j) {
      Value v = b.results[j];
      int o = defining_op[v.id];
      bool produced_by_step = o >= 0 && b.ops[size_t(o)].prim != Prim::Constant;
      if (produced_by_step && plan.storage[v.id].kind == Storage::Kind::None) {
        plan.storage[v.id] = {Storage::Kind::Output, int64_t(j)};
      } else {
        Step c;
        c.kind = Step::Kind::Copy;
        c.value = v;
        c.output = int(j);
        copies.push_back(c);
      }
    }
    // Constants read by library calls, other ops and copies live in their literal.
    auto note_constant = [&](Value v) {
      int o = defining_op[v.id];
      if (o >= 0 && b.ops[size_t(o)].prim == Prim::Constant) plan.storage[v.id] = {Storage::Kind::Constant, o};
    };
    for (const Step& st : plan.steps)
      if (st.kind != Step::Kind::Kernel)
        for (Value v : b.ops[st.op].operands) note_constant(v);
    for (const Step& c : copies) note_constant(c.value);

    // Liveness: the last step reading each value.
    std::vector<int> last_use(b.types.size(), -1);
    for (size_t o = 0; o < b.ops.size(); ++o)
      for (Value v : b.ops[o].operands)
        if (step_of_op[o] >= 0) last_use[v.id] = std::max(last_use[v.id], step_of_op[o]);
    struct Block {
      size_t offset, size;
      int last;  // the last step that uses it
    };
    std::vector<Block> live;  // sorted by offset
    auto allocate = [&](size_t size, int last) {
      size_t offset = 0;
      auto it = live.begin();
      for (; it != live.end(); ++it) {
        if (it->offset >= offset + size) break;
        offset = std::max(offset, it->offset + it->size);
      }
      live.insert(it, Block{offset, size, last});
      plan.workspace_bytes = std::max(plan.workspace_bytes, offset + size);
      return offset;
    };
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      std::erase_if(live, [&](const Block& blk) { return blk.last < int(s); });
      Step& step = plan.steps[s];
      for (Value v : written_by(step)) {
        if (plan.storage[v.id].kind != Storage::Kind::None) continue;
        plan.storage[v.id] = {Storage::Kind::Workspace, int64_t(allocate(workspace_size(b.type(v)), last_use[v.id]))};
      }
      if (step.kind == Step::Kind::Op && !step.regions.empty()) {
        size_t bytes = control_scratch(b, b.ops[step.op], step.regions).bytes;
        if (bytes) step.scratch = allocate(bytes, int(s));
      }
      const Prim p = step.kind == Step::Kind::Op ? b.ops[step.op].prim : Prim::Constant;
      if (options.sort_scratch && (p == Prim::Sort || p == Prim::TopK)) {
        size_t bytes = sort_scratch_bytes(b, b.ops[step.op]);
        if (bytes) step.scratch = allocate(bytes, int(s));
      }
    }
    for (Step& c : copies) plan.steps.push_back(std::move(c));
  }

  // Fills plan.reusable_input (see plan.h).
  void find_reusable_inputs() {
    const Body& b = body();
    plan.reusable_input.assign(b.results.size(), -1);
    std::vector<int> param_of(b.types.size(), -1);
    for (size_t i = 0; i < b.params.size(); ++i) param_of[b.params[i].id] = int(i);
    // The last step reading each parameter.
    std::vector<int> last_reader(b.params.size(), -1);
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      const Step& st = plan.steps[s];
      auto note = [&](Value v) {
        if (param_of[v.id] >= 0) last_reader[size_t(param_of[v.id])] = int(s);
      };
      if (st.kind == Step::Kind::Copy) note(st.value);
      else if (st.kind == Step::Kind::Kernel)
        for (uint32_t o : st.kernel.ops)
          for (Value v : b.ops[o].operands) note(v);
      else
        for (Value v : b.ops[st.op].operands) note(v);
    }
    std::vector<char> taken(b.params.size(), 0);
    for (size_t j = 0; j < b.results.size(); ++j) {
      Value r = b.results[j];
      if (plan.storage[r.id].kind != Storage::Kind::Output || plan.storage[r.id].index != int64_t(j)) continue;
      for (size_t i = 0; i < b.params.size(); ++i) {
        Value p = b.params[i];
        int s = last_reader[i];
        if (taken[i] || s < 0 || plan.steps[size_t(s)].kind != Step::Kind::Kernel) continue;
        const Kernel& k = plan.steps[size_t(s)].kernel;
        if (!(k.root == r) || !same_layout(b.type(p), b.type(r)) || !read_elementwise(k, p)) continue;
        plan.reusable_input[j] = int(i);
        taken[i] = 1;
        break;
      }
    }
  }

  static bool same_layout(const ir::Type& a, const ir::Type& b) { return a.dtype == b.dtype && a.shape == b.shape; }

  // Whether kernel `k` reads `p` only through elementwise ops of its root's shape, so that the element of
  // `p` at an index is read only while computing the root's element at that index.
  bool read_elementwise(const Kernel& k, Value p) const {
    const Body& b = body();
    const ir::Shape& domain = b.type(k.root).shape;
    std::vector<char> depends(b.types.size(), 0);
    depends[p.id] = 1;
    for (uint32_t o : k.ops) {
      const Op& op = b.ops[o];
      bool reads = std::any_of(op.operands.begin(), op.operands.end(), [&](Value v) { return depends[v.id]; });
      if (!reads) continue;
      if (!ir::has_flag(op.prim, ir::kElementwise) || !(b.type(op.results[0]).shape == domain)) return false;
      for (Value v : op.operands)
        if (depends[v.id] && !(b.type(v).shape == domain)) return false;
      for (Value res : op.results) depends[res.id] = 1;
    }
    return true;
  }
};

}  // namespace

// (The other regions of custom-rule calls and checkpoint matter to transforms alone.)
std::vector<size_t> executed_regions(const Op& op) {
  switch (op.prim) {
    case Prim::Cond: case Prim::While: {
      std::vector<size_t> all(op.regions.size());
      std::iota(all.begin(), all.end(), size_t(0));
      return all;
    }
    case Prim::Scan: case Prim::StackLoop: case Prim::CustomJvpCall: case Prim::CustomVjpCall:
    case Prim::Checkpoint:
      return {0};
    default: return {};
  }
}

size_t workspace_size(const ir::Type& t) { return (t.nbytes() + 63) / 64 * 64; }

std::vector<size_t> carried_operands(const Op& op) {
  size_t begin = 0, end = 0;
  switch (op.prim) {
    case Prim::While:
      begin = size_t(ir::attr_int(op.attrs, 0) + ir::attr_int(op.attrs, 1));
      end = op.operands.size();
      break;
    case Prim::Scan:
      begin = size_t(ir::attr_int(op.attrs, 0));
      end = begin + size_t(ir::attr_int(op.attrs, 1));
      break;
    case Prim::StackLoop:
      begin = 2 + size_t(ir::attr_int(op.attrs, 0));
      end = op.operands.size();
      break;
    default: break;
  }
  std::vector<size_t> out(end - begin);
  std::iota(out.begin(), out.end(), begin);
  return out;
}

ControlScratch control_scratch(const Body& body, const Op& op, const std::vector<Plan>& regions) {
  ControlScratch c;
  for (size_t i : carried_operands(op)) {
    c.carry.push_back(c.bytes);
    c.bytes += workspace_size(body.type(op.operands[i]));
  }
  if (op.prim == Prim::While || op.prim == Prim::StackLoop) {  // the condition, or the loop index
    c.flag = c.bytes;
    c.bytes += 64;
  }
  c.regions = c.bytes;
  size_t most = 0;
  for (const Plan& r : regions) most = std::max(most, r.workspace_bytes);
  c.bytes += most;
  return c;
}

std::optional<GemmLayout> gemm_layout(const Body& body, const Op& dot) {
  const auto& lc = ir::attr_ints(dot.attrs, kLhsContract);
  const auto& rc = ir::attr_ints(dot.attrs, kRhsContract);
  const auto& lb = ir::attr_ints(dot.attrs, kLhsBatch);
  const auto& rb = ir::attr_ints(dot.attrs, kRhsBatch);
  const ir::Shape& lhs = body.type(dot.operands[0]).shape;
  const ir::Shape& rhs = body.type(dot.operands[1]).shape;
  int64_t nb = int64_t(lb.size()), nc = int64_t(lc.size());
  int64_t lrank = int64_t(lhs.size()), rrank = int64_t(rhs.size());
  if (lb != iota_vec(0, nb) || rb != iota_vec(0, nb)) return std::nullopt;
  GemmLayout g;
  if (lc == iota_vec(lrank - nc, lrank)) g.transpose_lhs = false;
  else if (lc == iota_vec(nb, nb + nc)) g.transpose_lhs = true;
  else return std::nullopt;
  if (rc == iota_vec(nb, nb + nc)) g.transpose_rhs = false;
  else if (rc == iota_vec(rrank - nc, rrank)) g.transpose_rhs = true;
  else return std::nullopt;
  g.batch = product(lhs, 0, size_t(nb));
  g.k = 1;
  for (int64_t c : lc) g.k *= lhs[size_t(c)];
  g.m = product(lhs, size_t(nb), size_t(lrank)) / std::max<int64_t>(g.k, 1);
  g.n = product(rhs, size_t(nb), size_t(rrank)) / std::max<int64_t>(g.k, 1);
  if (g.k == 0) {  // an empty contraction: the sizes come from the free dims directly
    g.m = product(lhs, size_t(nb + (g.transpose_lhs ? nc : 0)), size_t(lrank - (g.transpose_lhs ? 0 : nc)));
    g.n = product(rhs, size_t(nb + (g.transpose_rhs ? 0 : nc)), size_t(rrank - (g.transpose_rhs ? nc : 0)));
  }
  return g;
}

Plan make_plan(const ir::Function& f, const PlanOptions& options) {
  Planner p(options);
  ir::Function simplified = f;
  fold_operand_transposes(simplified, options);
  fold_result_transposes(simplified, options);
  // What nothing reads is neither computed nor stored: the forward results a gradient's IR no longer needs,
  // the transposes folded into BLAS calls.
  p.plan.function = with_gemm_operand_order(transforms::dce(simplified), options);
  const Body& b = p.body();
  p.users.assign(b.types.size(), {});
  p.is_result.assign(b.types.size(), 0);
  p.loop_map.assign(b.types.size(), {});
  p.contexts.assign(b.types.size(), {});
  p.kernel_of.assign(b.ops.size(), -1);
  for (size_t o = 0; o < b.ops.size(); ++o)
    for (Value v : b.ops[o].operands)
      if (p.users[v.id].empty() || p.users[v.id].back() != o) p.users[v.id].push_back(uint32_t(o));
  for (Value r : b.results) p.is_result[r.id] = 1;
  p.assign_kernels();
  p.assign_storage();
  p.find_reusable_inputs();
  return std::move(p.plan);
}

std::string_view storage_kind_name(Storage::Kind kind) {
  switch (kind) {
    case Storage::Kind::Input: return "input";
    case Storage::Kind::Output: return "output";
    case Storage::Kind::Workspace: return "workspace";
    case Storage::Kind::Constant: return "constant";
    case Storage::Kind::None: break;
  }
  return "none";
}

std::string Plan::to_string() const {
  const Body& b = body();
  auto storage_text = [&](Value v) {
    const Storage& s = storage[v.id];
    std::string text(storage_kind_name(s.kind));
    if (s.kind == Storage::Kind::Input || s.kind == Storage::Kind::Output || s.kind == Storage::Kind::Workspace) {
      text += s.kind == Storage::Kind::Workspace ? '+' : ' ';
      text += std::to_string(s.index);
    }
    return text;
  };
  std::ostringstream out;
  out << "plan @" << function.name << ": " << steps.size() << " steps, workspace " << workspace_bytes
      << " bytes\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    out << "  " << i << ": ";
    switch (s.kind) {
      case Step::Kind::Kernel: {
        out << "kernel %" << s.kernel.root.id << " : " << ir::to_string(b.type(s.kernel.root)) << " = {";
        for (size_t j = 0; j < s.kernel.ops.size(); ++j)
          out << (j ? ", " : "") << ir::prim_name(b.ops[s.kernel.ops[j]].prim);
        out << "} -> " << storage_text(s.kernel.root);
        break;
      }
      case Step::Kind::Gemm: case Step::Kind::Op: {
        const Op& op = b.ops[s.op];
        out << (s.kind == Step::Kind::Gemm ? "gemm " : "op ") << ir::prim_name(op.prim);
        for (Value r : op.results) out << " %" << r.id << " -> " << storage_text(r);
        if (!s.regions.empty()) out << ", scratch at workspace+" << s.scratch;
        for (size_t r = 0; r < s.regions.size(); ++r) {
          if (s.regions[r].function.body.types.empty()) continue;  // a region the code never runs
          std::string inner = s.regions[r].to_string();
          if (!inner.empty() && inner.back() == '\n') inner.pop_back();
          out << "\n    region " << r << ": ";
          for (char c : inner) out << (c == '\n' ? std::string("\n    ") : std::string(1, c));
        }
        break;
      }
      case Step::Kind::Copy: out << "copy %" << s.value.id << " -> output " << s.output; break;
    }
    out << "\n";
  }
  for (size_t j = 0; j < reusable_input.size(); ++j)
    if (reusable_input[j] >= 0) out << "  output " << j << " may take donated input " << reusable_input[j] << "\n";
  return out.str();
}

}  // namespace ember::lowering
