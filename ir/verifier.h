// Checks that a function is well formed: SSA (every value defined once, before its uses, in its own body),
// every op's schema and shape rule agree with its recorded result types, regions isolated, results valid.
#pragma once

#include "ir/function.h"

namespace ember::ir {

// Throws ember::Error (ValueError) naming the offending op (its primitive and index) and the problem.
void verify(const Function& f);
void verify_body(const Body& body);

}  // namespace ember::ir
