// The run-time stack of reverse mode through while loops: entries pushed in order are read back by
// stack_loop in either order, and a u64 that is not a handle is refused.
#include <doctest/doctest.h>

#include "ir/function.h"
#include "runtime/executor.h"
#include "transforms/emit.h"

using namespace ember;
using ir::DType;
using ir::Prim;
using ir::Type;
using ir::Value;

namespace {

// f(a, b, c) = a stack_loop over the entries a, b, c of h: carry' = carry * 10 + entry (reverse: c, b, a).
ir::Function digits(bool reverse) {
  ir::Function f;
  ir::Builder b(f.body);
  transforms::Emitter e(b);
  Type s{DType::F64, {}};
  Value x[3] = {b.param(s), b.param(s), b.param(s)};
  Value h = b.add1(Prim::StackNew, {});
  for (Value v : x) h = b.add1(Prim::StackPush, {h, v});
  ir::Body body;
  {
    ir::Builder rb(body);
    transforms::Emitter re(rb);
    rb.param(Type{DType::I32, {}});
    Value entry = rb.param(s), carry = rb.param(s);
    Value next = re.add(re.mul(carry, re.full(DType::F64, {}, 10.0)), entry);
    rb.set_results({&next, 1});
  }
  std::vector<ir::Body> regions = {body};
  Value ops[3] = {h, e.full(DType::I32, {}, 3.0), e.full(DType::F64, {}, 0.0)};
  ir::Values out = b.add(Prim::StackLoop, ops, {int64_t(0), reverse}, std::move(regions));
  b.set_results({out.begin(), out.end()});
  return f;
}

double run(const ir::Function& f) {
  std::vector<runtime::Array> args;
  for (double v : {1.0, 2.0, 3.0}) {
    runtime::Array a = runtime::Array::allocate(Type{DType::F64, {}});
    *a.data_as<double>() = v;
    args.push_back(a);
  }
  return *runtime::execute(f, args)[0].data_as<double>();
}

}  // namespace

TEST_CASE("stack: stack_loop reads the pushed entries in order or reversed") {
  CHECK(run(digits(false)) == 123.0);
  CHECK(run(digits(true)) == 321.0);
}

TEST_CASE("stack: a u64 that is not a handle is an error, not a crash") {
  ir::Function f;
  ir::Builder b(f.body);
  Value h = b.param(Type{DType::U64, {}});
  Value x = b.param(Type{DType::F32, {}});
  Value pushed = b.add1(Prim::StackPush, {h, x});
  b.set_results({&pushed, 1});
  runtime::Array handle = runtime::Array::allocate(Type{DType::U64, {}});
  *handle.data_as<uint64_t>() = 42;
  runtime::Array value = runtime::Array::allocate(Type{DType::F32, {}});
  std::vector<runtime::Array> args = {handle, value};
  CHECK_THROWS_AS(runtime::execute(f, args), Error);
}
