// Rules of the primitives with regions (control flow and custom derivatives) for the transform tables.
#pragma once

#include "transforms/jvp.h"
#include "transforms/vjp.h"
#include "transforms/vmap.h"

namespace ember::transforms {

// A region's body as a function, for the passes (jvp, vmap, partial_eval, transpose) that take one.
inline ir::Function as_function(const ir::Body& b) {
  ir::Function f;
  f.name = "region";
  f.body = b;
  return f;
}

void register_control_jvp(ir::PrimTable<JvpRule>& table);
void register_control_batching(ir::PrimTable<BatchRule>& table);
void register_control_transpose(ir::PrimTable<TransposeRule>& table);
// custom_jvp_call, custom_vjp_call, custom_lin (custom_rules.cc)
void register_custom_jvp(ir::PrimTable<JvpRule>& table);
void register_custom_batching(ir::PrimTable<BatchRule>& table);
void register_custom_transpose(ir::PrimTable<TransposeRule>& table);
// pure_callback, debug_callback (callback_rules.cc)
void register_callback_jvp(ir::PrimTable<JvpRule>& table);
void register_callback_batching(ir::PrimTable<BatchRule>& table);
// A while op with max_steps >= 0 as an equivalent function of two nested scans with a checkpointed inner
// scan (bounded_while.cc): reverse mode through it stores about sqrt(max_steps) carries.
ir::Function bounded_while_as_scans(const ir::Op& op, const std::vector<Type>& operand_types);
// checkpoint (checkpoint_rules.cc)
void register_checkpoint_jvp(ir::PrimTable<JvpRule>& table);
void register_checkpoint_batching(ir::PrimTable<BatchRule>& table);
void register_checkpoint_transpose(ir::PrimTable<TransposeRule>& table);
// The number of primals in a group laid out as (primals, a tangent for each inexact primal).
size_t primal_count(const ir::Body& body, std::span<const Value> group);
// The split of jvp's checkpoint for split_control_flow: (outputs..., tangents...).
std::vector<Value> split_checkpoint(ir::Builder& b, const ir::Op& op, std::span<const Value> operands);

// Before partial evaluation (linearize): a control-flow op that jvp emitted computes primal results and
// tangents together; this replaces each by a primal op (which also returns the residuals the tangents need)
// and a linear op (residuals and tangents in, tangents out), so primal values stay known. `n`: g's primal
// parameters (the rest are tangents). Throws NotImplemented for while loops (reverse mode needs a bound).
ir::Function split_control_flow(const ir::Function& g, size_t n);

}  // namespace ember::transforms
