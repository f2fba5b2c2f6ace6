// Simplification after transforms (DESIGN §5): dead-code elimination, common-subexpression elimination,
// constant folding, and algebraic identities that are exact in IEEE arithmetic (x * 1, x / 1, x - 0,
// x + (-0.0), neg(neg(x)), no-op converts/reshapes/transposes/broadcasts, selects on constant
// predicates) — never x + 0.0, which turns -0 into +0.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "ir/function.h"

namespace ember::transforms {

ir::Function dce(const ir::Function& f);
ir::Function cse(const ir::Function& f);
ir::Function simplify_identities(const ir::Function& f);

// Evaluates an op on constant operands (the reference executor's kernels, supplied by the caller since
// transforms see only the IR); nullopt when it cannot.
using ConstantEvaluator =
    std::function<std::optional<std::vector<ir::Literal>>(const ir::Op& op, std::span<const ir::Literal> operands,
                                                          std::span<const ir::Type> result_types)>;
// Folds ops whose operands are all constants and whose results have at most `max_elements` elements (a
// broadcast of a scalar to a large shape stays a broadcast).
ir::Function fold_constants(const ir::Function& f, const ConstantEvaluator& evaluate, int64_t max_elements = 1024);

// The pipeline run after every transform: identities, folding (when an evaluator is given), CSE, DCE.
ir::Function simplify(const ir::Function& f, const ConstantEvaluator* evaluate = nullptr);

}  // namespace ember::transforms
