// The verifier: SSA, the type table, schemas and shape rules, results, regions; and its error messages.
#include <doctest/doctest.h>

#include <string>

#include "ir/error.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "sample_ops.h"

using namespace ember;
using namespace ember::ir;

namespace {

void check_verify_error(const Function& f, const std::string& expected_what) {
  try {
    verify(f);
    FAIL("verified without an error: " << expected_what);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Value);
    CHECK(std::string(e.what()) == expected_what);
  }
}

// %0: f32[2] -> %1 = sin %0 -> %2 = cos %1 -> return %2
Function chain() {
  Function f;
  Builder b(f.body);
  Value x = b.param(Type{DType::F32, {2}});
  Value y = b.add1(Prim::Sin, {x});
  Value z = b.add1(Prim::Cos, {y});
  b.set_results(std::span<const Value>(&z, 1));
  return f;
}

Body region_with_sin() {
  Body r;
  Builder b(r);
  Value a = b.param(Type{DType::F32, {}});
  Value s = b.add1(Prim::Sin, {a});
  b.set_results(std::span<const Value>(&s, 1));
  return r;
}

}  // namespace

TEST_CASE("verifier: every sample of every primitive and dtype verifies") {
  int count = 0;
  for (int p = 0; p < kNumPrims; ++p)
    for (DType d : kAllDTypes)
      if (auto f = testing::sample_function(Prim(p), d)) {
        CAPTURE(f->name);
        verify(*f);
        ++count;
      }
  for (const Function& f : testing::sample_functions()) verify(f);
  CHECK(count > kNumPrims);
  verify(chain());
}

TEST_CASE("verifier: an operand must be defined earlier in the same body") {
  Function f = chain();
  std::swap(f.body.ops[0], f.body.ops[1]);
  check_verify_error(f, "[cos] op 0: operand %1 is not defined before its use");

  f = chain();
  f.body.ops[1].operands[0] = Value{2};  // its own result
  check_verify_error(f, "[cos] op 1: operand %2 is not defined before its use");

  f = chain();
  f.body.ops[0].operands[0] = Value{99};  // beyond the type table
  check_verify_error(f, "[sin] op 0: operand %99 has no entry in the type table (3 entries)");
  CHECK(print(f).find("sin %?99") != std::string::npos);  // invalid IR still prints, for debugging

  // A chain long enough for the brief's example message.
  Function g;
  Builder b(g.body);
  Value v = b.param(Type{DType::F32, {4}});
  for (int i = 0; i < 5; ++i) v = b.add1(Prim::Tanh, {v});
  b.set_results(std::span<const Value>(&v, 1));
  g.body.ops[3].operands[0] = Value{7};
  g.body.types.resize(8, Type{DType::F32, {4}});
  check_verify_error(g, "[tanh] op 3: operand %7 is not defined before its use");
}

TEST_CASE("verifier: each value is defined once and has a type") {
  Function f = chain();
  f.body.ops[0].results[0] = Value{0};  // redefines the parameter
  check_verify_error(f, "[sin] op 0: result %0 is already defined");

  f = chain();
  f.body.ops[1].results[0] = Value{1};  // redefines the first op's result
  check_verify_error(f, "[cos] op 1: result %1 is already defined");

  f = chain();
  f.body.ops[1].results[0] = Value{50};
  check_verify_error(f, "[cos] op 1: result %50 has no entry in the type table (3 entries)");

  f = chain();
  f.body.params.push_back(Value{0});
  check_verify_error(f, "parameter %0 is already defined");

  f = chain();
  f.body.params[0] = Value{5};
  check_verify_error(f, "parameter %5 has no entry in the type table (3 entries)");

  f = chain();
  f.body.types[0] = Type{DType::F32, {-1}};
  check_verify_error(f, "parameter %0 has a negative dimension: f32[-1]");

  f = chain();
  f.body.results = {Value{2}, Value{6}};
  check_verify_error(f, "returned value %6 is not defined");
}

TEST_CASE("verifier: recorded result types must be what the shape rule gives") {
  Function f = chain();
  f.body.types[1] = Type{DType::F32, {3}};
  check_verify_error(
      f, "[sin] op 0: result %1 has type f32[3], but the shape rule gives f32[2] for operands (f32[2])");

  f = chain();
  f.body.types[1] = Type{DType::F64, {2}};
  check_verify_error(
      f, "[sin] op 0: result %1 has type f64[2], but the shape rule gives f32[2] for operands (f32[2])");

  f = chain();
  f.body.types[2] = Type{DType::F32, {2}, true};
  check_verify_error(
      f, "[cos] op 1: result %2 has type ~f32[2], but the shape rule gives f32[2] for operands (f32[2])");

  f = chain();
  f.body.ops[0].results.push_back(f.body.add_value(Type{DType::F32, {2}}));
  check_verify_error(f, "[sin] op 0: expected 1 results, got 2");
}

TEST_CASE("verifier: schemas and shape rules are checked") {
  Function f = chain();
  f.body.ops[0].operands.push_back(Value{0});
  check_verify_error(f, "[sin] op 0: expected 1 operands, got 2");

  f = chain();
  f.body.ops[1].prim = Prim::Add;
  check_verify_error(f, "[add] op 1: expected 2 operands, got 1");

  f = chain();
  f.body.ops[0].prim = Prim::Round;
  check_verify_error(f, "[round] op 0: expected 1 attributes, got 0");
  f.body.ops[0].attrs = {0.5};
  check_verify_error(f, "[round] op 0: expected attribute 'rounding_method' of kind int, got float");
  f.body.ops[0].attrs = {int64_t(7)};
  check_verify_error(f, "[round] op 0: expected rounding_method 0 or 1, got 7");

  Function g;
  Builder b(g.body);
  Value x = b.param(Type{DType::F32, {2}});
  Value y = b.param(Type{DType::F32, {3}});
  Value s =
      b.add_typed(Prim::Add, std::vector<Value>{x, y}, {}, {}, std::vector<Type>{Type{DType::F32, {2}}})[0];
  b.set_results(std::span<const Value>(&s, 1));
  check_verify_error(g, "[add] op 0: expected operands of the same shape, got f32[2] and f32[3]");

  Function h;
  Builder hb(h.body);
  Value i = hb.param(Type{DType::I32, {2}});
  Value t = hb.add_typed(Prim::Tanh, std::span<const Value>(&i, 1), {}, {},
                         std::vector<Type>{Type{DType::I32, {2}}})[0];
  hb.set_results(std::span<const Value>(&t, 1));
  check_verify_error(h, "[tanh] op 0: expected a floating or complex operand, got i32[2]");
}

TEST_CASE("verifier: errors carry the op's source location") {
  Function f;
  Builder b(f.body);
  Value x = b.param(Type{DType::F32, {2}});
  b.set_location(intern_location("model.py", 12));
  Value y = b.add1(Prim::Sin, {x});
  b.set_results(std::span<const Value>(&y, 1));
  f.body.types[1] = Type{DType::F32, {}};
  try {
    verify(f);
    FAIL("verified");
  } catch (const Error& e) {
    CHECK(e.op() == "sin");
    CHECK(e.location() == "model.py:12");
    CHECK(std::string(e.what()) ==
          "[sin] op 0: result %1 has type f32[], but the shape rule gives f32[2] for operands (f32[2]) (at "
          "model.py:12)");
  }
}

TEST_CASE("verifier: regions are checked as isolated bodies, and errors name the path") {
  // An op with a valid region reaches the schema check, which today's table fails (no region primitives).
  Function f = chain();
  f.body.ops[1].regions.push_back(region_with_sin());
  check_verify_error(f, "[cos] op 1: expected 0 regions, got 1");

  // Errors inside a region name the op path and the innermost op.
  f = chain();
  Body bad = region_with_sin();
  bad.ops[0].operands[0] = Value{1};
  f.body.ops[1].regions.push_back(region_with_sin());
  f.body.ops[1].regions.push_back(bad);
  check_verify_error(f, "[sin] op 1, region 1, op 0: operand %1 is not defined before its use");

  // Isolation: an id that names a value of the outer body means nothing inside the region.
  f = chain();
  Body leaky = region_with_sin();
  leaky.types.push_back(Type{DType::F32, {}});  // %2 has a type but no definition in the region
  leaky.ops[0].operands[0] = Value{2};
  f.body.ops[0].regions.push_back(leaky);
  check_verify_error(f, "[sin] op 0, region 0, op 0: operand %2 is not defined before its use");

  // Nested two deep, with a bad return.
  f = chain();
  Body outer = region_with_sin();
  Body inner = region_with_sin();
  inner.results[0] = Value{4};
  outer.ops[0].regions.push_back(inner);
  f.body.ops[1].regions.push_back(outer);
  check_verify_error(f, "op 1, region 0, op 0, region 0, returned value %4 is not defined");
}
