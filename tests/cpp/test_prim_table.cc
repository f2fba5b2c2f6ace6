#include <doctest/doctest.h>

#include "ir/error.h"
#include "ir/function.h"

using namespace ember;
using namespace ember::ir;

TEST_CASE("every primitive has a name that maps back to it") {
  for (int i = 0; i < kNumPrims; ++i) {
    Prim p = Prim(i);
    auto back = prim_from_name(prim_name(p));
    REQUIRE(back.has_value());
    CHECK(*back == p);
    CHECK(bool(prim_info(p).rule));
  }
}

TEST_CASE("builder runs the shape rule and reports the op, the shapes and the location") {
  Function f;
  Builder b(f.body);
  Value x = b.param(Type{DType::F32, {8, 4}});
  Value y = b.param(Type{DType::F32, {4}});
  b.set_location(intern_location("model.py", 12));
  try {
    b.add1(Prim::Add, {x, y});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Value);
    CHECK(std::string(e.what()) ==
          "[add] expected operands of the same shape, got f32[8,4] and f32[4] (at model.py:12)");
  }
  CHECK(f.body.ops.empty());
  Value z = b.add1(Prim::Tanh, {x});
  CHECK(to_string(f.body.type(z)) == "f32[8,4]");
}
