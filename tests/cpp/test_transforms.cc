// Transforms on the IR: rule-table completeness, every transform's output verifies for every primitive
// sample, and the simplification pipeline's identities (exact in IEEE arithmetic only).
#include <doctest/doctest.h>

#include <string>

#include "ir/printer.h"
#include "ir/verifier.h"
#include "runtime/executor.h"
#include "sample_ops.h"
#include "transforms/jvp.h"
#include "transforms/simplify.h"
#include "transforms/vjp.h"
#include "transforms/vmap.h"

using namespace ember;
using namespace ember::ir;
using namespace ember::transforms;

namespace {
bool inexact_param(const Function& f, size_t i) { return is_inexact(f.body.type(f.body.params[i]).dtype); }

std::vector<bool> inexact_params(const Function& f) {
  std::vector<bool> out;
  for (size_t i = 0; i < f.body.params.size(); ++i) out.push_back(inexact_param(f, i));
  return out;
}

bool any_true(const std::vector<bool>& v) {
  for (bool b : v)
    if (b) return true;
  return false;
}
}  // namespace

TEST_CASE("transforms: every primitive has a jvp rule, a transpose slot and a batching rule") {
  auto names = [](const std::vector<Prim>& ps) {
    std::string s;
    for (Prim p : ps) s += std::string(prim_name(p)) + " ";
    return s;
  };
  CHECK_MESSAGE(jvp_rules().missing().empty(), "no jvp rule: ", names(jvp_rules().missing()));
  CHECK_MESSAGE(transpose_rules().missing().empty(), "no transpose slot: ", names(transpose_rules().missing()));
  CHECK_MESSAGE(batch_rules().missing().empty(), "no batching rule: ", names(batch_rules().missing()));
  // Only primitives whose outputs are all integers or booleans may lack a JVP rule.
  for (DType d : kAllDTypes)
    for (int i = 0; i < kNumPrims; ++i) {
      Prim p = Prim(i);
      if (!jvp_rules().is_unsupported(p)) continue;
      if (p == Prim::PureCallback) continue;  // a host function has no derivative (as in JAX): custom_jvp it
      if (p == Prim::StackLoop) continue;     // made by reverse mode itself; higher orders need max_steps
      auto f = testing::sample_function(p, d);
      if (!f) continue;
      for (const Type& t : f->body.result_types())
        CHECK_MESSAGE(!is_inexact(t.dtype), prim_name(p), " has no JVP rule but an inexact output");
    }
}

TEST_CASE("transforms: jvp, vjp and vmap of every primitive sample verify") {
  int jvps = 0, vjps = 0, vmaps = 0;
  for (DType d : {DType::F32, DType::F64, DType::C64, DType::BF16, DType::I32, DType::Bool}) {
    for (int i = 0; i < kNumPrims; ++i) {
      Prim p = Prim(i);
      auto f = testing::sample_function(p, d);
      if (!f) continue;
      INFO(prim_name(p), " ", dtype_name(d));
      std::vector<bool> wrt = inexact_params(*f);
      if (p == Prim::Polygamma) wrt[0] = false;  // the order m is not differentiable
      if (p == Prim::CustomLin) wrt[0] = false;  // residuals carry no tangents
      bool differentiable = any_true(wrt) && jvp_rules().has_rule(p);
      if (differentiable) {
        Function g = jvp(*f, wrt);
        CHECK_NOTHROW(verify(g));
        ++jvps;
        Function h = vjp(*f, wrt);
        CHECK_NOTHROW(verify(h));
        CHECK_NOTHROW(verify(simplify(h)));
        ++vjps;
      }
      if (!f->body.params.empty() && batch_rules().has_rule(p)) {
        std::vector<std::optional<int64_t>> in_axes(f->body.params.size(), 0);
        if (p == Prim::StackPush || p == Prim::StackLoop) in_axes[0] = std::nullopt;  // a handle serves the batch
        std::vector<std::optional<int64_t>> out_axes(f->body.results.size(), 0);
        Function v = vmap(*f, in_axes, 3, out_axes);
        CHECK_NOTHROW(verify(v));
        ++vmaps;
      }
    }
  }
  CHECK(jvps > 100);
  CHECK(vjps > 100);
  CHECK(vmaps > 300);
}

TEST_CASE("transforms: symbolic zero tangents emit nothing") {
  Function f;
  Builder b(f.body);
  Value x = b.param(Type{DType::F32, {4}});
  Value y = b.param(Type{DType::F32, {4}});
  Value s = b.add1(Prim::Sin, {y});
  b.set_results(std::vector<Value>{b.add1(Prim::Add, {x, s})});
  // Differentiate with respect to x only: sin(y) gets no tangent ops.
  Function g = simplify(jvp(f, {true, false}));
  int cosines = 0;
  for (const Op& op : g.body.ops) cosines += op.prim == Prim::Cos;
  CHECK(cosines == 0);
  CHECK(g.body.ops.size() == 2);  // sin, add: the tangent of x passes straight through
}

TEST_CASE("simplify: exact identities are applied and inexact ones are not") {
  Function f;
  Builder b(f.body);
  Emitter e(b);
  Value x = b.param(Type{DType::F32, {3}});
  Value one = e.full(DType::F32, {3}, 1.0);
  Value zero = e.full(DType::F32, {3}, 0.0);
  Value neg_zero = e.full(DType::F32, {3}, -0.0);
  Value a = e.mul(x, one);               // -> x
  Value c = e.add(a, neg_zero);          // -> x
  Value d = e.neg(e.neg(c));             // -> x
  Value kept = e.add(d, zero);           // x + 0.0 is not x for x = -0.0: kept
  Value twice = e.add(e.op(Prim::Sin, {kept}), e.op(Prim::Sin, {kept}));  // CSE: one sin
  b.set_results(std::vector<Value>{twice});
  Function g = simplify(f);
  std::string text = print(g);
  INFO(text);
  int adds = 0, sins = 0, muls = 0, negs = 0;
  for (const Op& op : g.body.ops) {
    adds += op.prim == Prim::Add;
    sins += op.prim == Prim::Sin;
    muls += op.prim == Prim::Mul;
    negs += op.prim == Prim::Neg;
  }
  CHECK(muls == 0);
  CHECK(negs == 0);
  CHECK(sins == 1);
  CHECK(adds == 2);  // x + 0.0 (kept) and sin + sin
  CHECK_NOTHROW(verify(g));
}

TEST_CASE("simplify: constant folding uses the evaluator and keeps large broadcasts") {
  Function f;
  Builder b(f.body);
  Emitter e(b);
  Value two = e.full(DType::F64, {}, 2.0);
  Value three = e.full(DType::F64, {}, 3.0);
  Value six = e.mul(two, three);
  Value big = e.broadcast_in_dim(six, {100000}, {});
  b.set_results(std::vector<Value>{six, big});
  ConstantEvaluator eval = [](const Op& op, std::span<const Literal> operands, std::span<const Type> types)
      -> std::optional<std::vector<Literal>> {
    std::vector<runtime::Array> arrays;
    for (const Literal& l : operands) arrays.push_back(runtime::Array::from_literal(l));
    std::vector<Literal> out;
    for (auto& r : runtime::execute_op_typed(op.prim, arrays, op.attrs, op.regions, types)) out.push_back(r.to_literal());
    return out;
  };
  Function g = simplify(f, &eval);
  REQUIRE(g.body.ops.size() == 2);  // the folded constant 6 and the broadcast of it
  CHECK(g.body.ops[0].prim == Prim::Constant);
  CHECK(literal_element_as_double(attr_literal(g.body.ops[0].attrs, 0), 0) == 6.0);
  CHECK(g.body.ops[1].prim == Prim::BroadcastInDim);
}

TEST_CASE("transforms: a 100000-op chain differentiates and batches without recursion") {
  Function f;
  Builder b(f.body);
  Value v = b.param(Type{DType::F32, {2}});
  for (int i = 0; i < 100000; ++i) v = b.add1(i % 2 ? Prim::Sin : Prim::Cos, {v});
  b.set_results(std::vector<Value>{v});
  Function g = vjp(f, {true});
  CHECK(g.body.ops.size() > 200000);
  Function h = vmap(f, {0}, 4, {0});
  CHECK(h.body.ops.size() == 100000);
  CHECK_NOTHROW(verify(simplify(g)));
}
