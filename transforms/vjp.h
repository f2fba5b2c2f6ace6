// Reverse mode as linearize + transpose (DESIGN §5, JAX's design): the JVP function is split by partial
// evaluation into a primal part and a part linear in the tangents; the linear part is transposed. Only
// linear primitives need transpose rules.
#pragma once

#include <vector>

#include "ir/function.h"
#include "ir/prim_table.h"
#include "transforms/emit.h"

namespace ember::transforms {

struct Linearized {
  ir::Function primal;  // (primals...) -> (outputs..., residuals...)
  ir::Function linear;  // (residuals..., tangents of the wrt inputs...) -> (output tangents...)
  size_t num_outputs = 0;
  size_t num_residuals = 0;
};

// Linearizes f at its primal inputs with respect to the inputs marked in `wrt` (inexact dtypes).
Linearized linearize(const ir::Function& f, const std::vector<bool>& wrt);
// The partial evaluation inside linearize: splits a JVP function g (n primal parameters, then tangents; m
// primal results, then tangents) into its primal and linear parts.
Linearized partial_eval(const ir::Function& g, size_t n, size_t m);

// Transposes a function that is linear in its inputs from `num_nonlinear` on: (nonlinear inputs..., output
// cotangents...) -> (cotangents of the linear inputs...). Throws NotImplemented naming the primitive when
// a non-linear use of a linear input is found.
ir::Function transpose(const ir::Function& linear, size_t num_nonlinear);

// (primals..., output cotangents...) -> (outputs..., cotangents of the wrt inputs...). Cotangents follow
// JAX's convention for complex values: the transpose of the pushforward, not its adjoint.
ir::Function vjp(const ir::Function& f, const std::vector<bool>& wrt);

// Appends `body` to the builder's body, with `args` for its parameters; returns its results.
std::vector<Value> inline_body(ir::Builder& b, const ir::Body& body, std::span<const Value> args);
// Appends a copy of `op` (of body `from`) to the builder's body, at its location: operands are read through
// `map` (new values by value id in `from`) and its results recorded there. Returns the new results.
ir::Values copy_op(ir::Builder& b, const ir::Body& from, const ir::Op& op, std::vector<Value>& map);

// A transpose rule: the op (attributes), its operands in the new function (invalid for linear ones), which
// operands are linear, their types, and the cotangents of its results (invalid = zero). Returns one
// cotangent per operand (invalid = zero; only linear operands' entries are used).
struct TransposeArgs {
  Emitter& e;
  const ir::Op& op;
  std::span<const Value> x;
  std::span<const uint8_t> linear;
  std::span<const ir::Type> types;
  std::span<const Value> ct;
};
using TransposeRule = std::vector<Value> (*)(TransposeArgs&);
const ir::PrimTable<TransposeRule>& transpose_rules();

}  // namespace ember::transforms
