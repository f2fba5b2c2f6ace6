// Small valid functions, one op each, for every primitive: the inputs of the table-driven IR tests (text
// round trip, verifier) and of the reference executor's coverage test.
#pragma once

#include <optional>
#include <vector>

#include "ir/function.h"

namespace ember::testing {

// A function with parameters, one op of primitive `p` whose main data operand has dtype `d` (for iota and
// constant, `d` is the result dtype), returning that op's results. Shapes are small but not trivial
// ([2,3] and the like) and attributes realistic. nullopt when the primitive does not accept `d`, as its
// shape rule decides. Value ids are dense in definition order (parameters, then the op's results).
std::optional<ir::Function> sample_function(ir::Prim p, ir::DType d);

// At least one sample per primitive (for some dtype it accepts), plus variants that sample_function does
// not make (other bitcast widths, a batched dot_general, weak types, ...).
std::vector<ir::Function> sample_functions();

// The primitive a sample exercises: its last op's.
ir::Prim sample_prim(const ir::Function& f);

}  // namespace ember::testing
