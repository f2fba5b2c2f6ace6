// The plan and the native CPU backend from C++: plan structure on IR text, the entry point's contract
// (DESIGN §7: error codes for null pointers, services for threads), and GEMM layouts.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "ir/printer.h"
#include "lowering/plan/plan.h"

#ifdef EMBER_HAVE_CPU_BACKEND
#include "lowering/cpu/compile.h"
#include "runtime/thread_pool.h"
#endif

using namespace ember;

namespace {

// lhs [k, m] contracted on dim 0 with rhs [n, k] on dim 1: a GEMM with both operands transposed.
const char* const kTransposedDot =
    "func @f(%0: f32[64,32], %1: f32[48,64]) -> (f32[32,48]) {\n"
    "  %2 = dot_general %0, %1 {lhs_contracting_dimensions=[0], rhs_contracting_dimensions=[1], "
    "lhs_batch_dimensions=[], rhs_batch_dimensions=[], preferred_element_type=f32} : f32[32,48]\n"
    "  return %2\n"
    "}\n";

const char* const kExpSum =
    "func @f(%0: f32[3,5]) -> (f32[3], f32[3,5]) {\n"
    "  %1 = exp %0 : f32[3,5]\n"
    "  %2 = reduce_sum %1 {axes=[1]} : f32[3]\n"
    "  return %2, %0\n"
    "}\n";

}  // namespace

TEST_CASE("plan: a dot in a BLAS layout is one gemm step with both operands transposed") {
  ir::Function f = ir::parse_function(kTransposedDot);
  lowering::Plan plan = lowering::make_plan(f, lowering::PlanOptions{.gemm_min_work = 1});
  REQUIRE(plan.steps.size() == 1);
  CHECK(plan.steps[0].kind == lowering::Step::Kind::Gemm);
  auto g = lowering::gemm_layout(plan.body(), plan.body().ops[plan.steps[0].op]);
  REQUIRE(g.has_value());
  CHECK(g->transpose_lhs);
  CHECK(g->transpose_rhs);
  CHECK((g->m == 32 && g->n == 48 && g->k == 64 && g->batch == 1));
}

TEST_CASE("plan: a reduction fuses into its row kernel; a returned parameter is a copy") {
  lowering::Plan plan = lowering::make_plan(ir::parse_function(kExpSum));
  REQUIRE(plan.steps.size() == 2);
  CHECK(plan.steps[0].kind == lowering::Step::Kind::Kernel);
  CHECK(plan.steps[0].kernel.ops.size() == 2);  // exp and reduce_sum
  CHECK(plan.steps[1].kind == lowering::Step::Kind::Copy);
  CHECK(plan.workspace_bytes == 0);
}

TEST_CASE("plan: a while loop's regions are planned on their own; its scratch is live only while it runs") {
  // The carry (f32[100], i32[]) lives in the while's results; the body's results go to scratch buffers first.
  const char* text =
      "func @f(%0: f32[100]) -> (f32[]) {\n"
      "  %1 = constant {value=dense<i32[]: 0>, weak_type=false} : i32[]\n"
      "  %2, %3 = while %0, %1 {cond_nconsts=0, body_nconsts=0, max_steps=-1} : f32[100], i32[] regions {\n"
      "    (%0: f32[100], %1: i32[]) -> (bool[]) {\n"
      "      %2 = constant {value=dense<i32[]: 3>, weak_type=false} : i32[]\n"
      "      %3 = lt %1, %2 : bool[]\n"
      "      return %3\n"
      "    }\n"
      "    (%0: f32[100], %1: i32[]) -> (f32[100], i32[]) {\n"
      "      %2 = exp %0 : f32[100]\n"
      "      %3 = neg %2 : f32[100]\n"
      "      %4 = constant {value=dense<i32[]: 1>, weak_type=false} : i32[]\n"
      "      %5 = add %1, %4 : i32[]\n"
      "      return %3, %5\n"
      "    }\n"
      "  }\n"
      "  %4 = reduce_sum %2 {axes=[0]} : f32[]\n"
      "  return %4\n"
      "}\n";
  lowering::Plan plan = lowering::make_plan(ir::parse_function(text));
  REQUIRE(plan.steps.size() == 2);
  const lowering::Step& loop = plan.steps[0];
  CHECK(loop.kind == lowering::Step::Kind::Op);
  REQUIRE(loop.regions.size() == 2);
  CHECK(loop.regions[0].steps.size() == 1);  // the comparison
  CHECK(loop.regions[1].steps.size() == 2);  // exp and neg fused, the counter
  lowering::ControlScratch scratch = lowering::control_scratch(plan.body(), plan.body().ops[loop.op], loop.regions);
  CHECK(scratch.carry == std::vector<size_t>{0, 448});  // 400 and 4 bytes, each rounded up to 64
  CHECK(scratch.flag == 512);
  CHECK(scratch.bytes == 576);  // the regions need no workspace of their own
  // Results 448 + 64 bytes, then the scratch after them; the reduction's input is read in place.
  CHECK(plan.workspace_bytes == 448 + 64 + 576);
}

TEST_CASE("plan: stack_loop's index slot is apart from the buffer its body writes the next carry to") {
  const char* text =
      "func @f(%0: f32[2]) -> (f32[2]) {\n"
      "  %1 = stack_new : u64[]\n"
      "  %2 = constant {value=dense<i32[]: 0>, weak_type=false} : i32[]\n"
      "  %3 = stack_loop %1, %2, %0 {num_consts=0, reverse=true} : f32[2] regions {\n"
      "    (%0: i32[], %1: f32[2]) -> (f32[2]) {\n"
      "      %2 = neg %1 : f32[2]\n"
      "      return %2\n"
      "    }\n"
      "  }\n"
      "  return %3\n"
      "}\n";
  lowering::Plan plan = lowering::make_plan(ir::parse_function(text));
  const lowering::Step& loop = plan.steps.back();
  REQUIRE(plan.body().ops[loop.op].prim == ir::Prim::StackLoop);
  lowering::ControlScratch scratch = lowering::control_scratch(plan.body(), plan.body().ops[loop.op], loop.regions);
  CHECK(scratch.carry == std::vector<size_t>{0});
  CHECK(scratch.flag == 64);
  CHECK(scratch.bytes == 128);
}

#ifdef EMBER_HAVE_CPU_BACKEND
namespace {
void pool_parallel_for(EmberLoopBody body, void* ctx, int64_t n, int64_t grain) {
  runtime::parallel_for(n, grain, [&](int64_t b, int64_t e) { body(ctx, b, e); });
}
}  // namespace

TEST_CASE("cpu backend: the entry point computes with the given services and rejects null pointers") {
  lowering::Plan plan = lowering::make_plan(ir::parse_function(kExpSum));
  lowering::cpu::CompiledFunction code = lowering::cpu::compile_plan(plan, {});
  std::vector<float> x(15), sums(3), copy(15);
  for (int i = 0; i < 15; ++i) x[size_t(i)] = float(i) * 0.1f;
  const void* inputs[] = {x.data()};
  void* outputs[] = {sums.data(), copy.data()};
  EmberServices services{};
  services.parallel_for = &pool_parallel_for;
  REQUIRE(code.entry(inputs, outputs, nullptr, &services) == EMBER_OK);
  for (int r = 0; r < 3; ++r) {
    double want = 0;
    for (int c = 0; c < 5; ++c) want += std::exp(double(x[size_t(r * 5 + c)]));
    CHECK(sums[size_t(r)] == doctest::Approx(want).epsilon(1e-6));
  }
  CHECK(copy == x);
  CHECK(code.entry(nullptr, outputs, nullptr, &services) == EMBER_ERROR_NULL_ARGUMENT);
  CHECK(code.entry(inputs, nullptr, nullptr, &services) == EMBER_ERROR_NULL_ARGUMENT);
  CHECK(code.entry(inputs, outputs, nullptr, nullptr) == EMBER_ERROR_NULL_ARGUMENT);
}

TEST_CASE("cpu backend: code for a portable CPU level converts to float16 and bfloat16 as the host's does") {
  // Without F16C, LLVM calls libgcc for float16 and would call __truncsfbf2 (missing from Debian 12's libgcc)
  // for bfloat16, which the code generator expands instead.
  const char* text =
      "func @f(%0: f32[6]) -> (f16[6], bf16[6]) {\n"
      "  %1 = convert_element_type %0 {new_dtype=f16, weak_type=false} : f16[6]\n"
      "  %2 = convert_element_type %0 {new_dtype=bf16, weak_type=false} : bf16[6]\n"
      "  return %1, %2\n"
      "}\n";
  lowering::Plan plan = lowering::make_plan(ir::parse_function(text));
  std::vector<float> x = {1.0f, 1.00048828125f, -3.14159f, 65520.0f, 1e-8f, std::nanf("")};
  const void* inputs[] = {x.data()};
  EmberServices services{};
  services.parallel_for = &pool_parallel_for;
  std::vector<std::vector<uint16_t>> results;
  for (const char* cpu : {"", "x86-64"}) {
    lowering::cpu::CompiledFunction code = lowering::cpu::compile_plan(plan, {cpu});
    std::vector<uint16_t> half(6), brain(6);
    void* outputs[] = {half.data(), brain.data()};
    REQUIRE(code.entry(inputs, outputs, nullptr, &services) == EMBER_OK);
    results.push_back(half);
    results.push_back(brain);
  }
  CHECK(results[0] == results[2]);
  CHECK(results[1] == results[3]);
  CHECK(results[0][0] == 0x3c00);  // 1.0
  CHECK(results[0][3] == 0x7c00);  // 65520 rounds to +inf in float16
  CHECK(results[1][0] == 0x3f80);  // 1.0 in bfloat16
}
#endif
