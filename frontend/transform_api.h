// The front end's side of the IR transforms: running a (transformed) function on tensors, and simplifying
// with the reference executor as the constant folder.
#pragma once

#include <span>
#include <vector>

#include "frontend/tensor.h"
#include "ir/function.h"

namespace ember::frontend {

// Applies f's ops to the tensors one by one through bind(): executed in eager mode, recorded (inlined) when
// a trace is active — so transformed functions compose with jit and with each other.
std::vector<Tensor> eval_function(const ir::Function& f, std::span<const Tensor> args);

// transforms::simplify with constant folding by the reference executor (bit-identical to running the ops).
ir::Function simplify_function(const ir::Function& f);

}  // namespace ember::frontend
