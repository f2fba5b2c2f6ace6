// Forward-mode differentiation as an IR-to-IR pass (DESIGN §5).
//
// jvp(f, with_tangent) builds g(primals..., tangents...) -> (primal outputs..., tangent outputs...): one
// tangent parameter per input marked in `with_tangent` (which must be of an inexact dtype) and one tangent
// output per output, of the output's type (zeros for outputs that do not depend on any tangent, and for
// integer or bool outputs — the Python layer turns those into float0). Tangents are symbolic zeros inside
// the pass, so untouched values cost nothing: no `x + 0` is ever emitted for them. Complex values follow
// JAX's convention: the tangent map is the complex-linear pushforward.
#pragma once

#include <span>
#include <vector>

#include "ir/function.h"
#include "ir/prim_table.h"
#include "transforms/emit.h"

namespace ember::transforms {

ir::Function jvp(const ir::Function& f, const std::vector<bool>& with_tangent);

// A JVP rule sees the original op (attributes, regions), its operands and results in the new function
// (the primal op is already emitted), and the operands' tangents (invalid Value = symbolic zero). It
// returns one tangent per result (invalid = zero), using only operations that are linear in the tangents
// (the transpose pass relies on it).
struct JvpArgs {
  Emitter& e;
  const ir::Op& op;
  std::span<const Value> x;  // operands
  std::span<const Value> y;  // results
  std::span<const Value> t;  // operand tangents
  // Set by rules that recompute the primal results together with the tangents (control flow: one loop
  // computes both); the pass then uses these, and the first op becomes dead.
  std::vector<Value> new_y = {};
};
using JvpRule = std::vector<Value> (*)(JvpArgs&);

// One rule per primitive; primitives whose outputs are all integer or bool are marked non-differentiable
// (their tangents are zero), with that reason.
const ir::PrimTable<JvpRule>& jvp_rules();

// Linear combination helpers that keep symbolic zeros symbolic.
Value add_tangents(Emitter& e, Value a, Value b);
Value scale_tangent(Emitter& e, Value t, Value factor);  // t * factor, zero if t is zero

}  // namespace ember::transforms
