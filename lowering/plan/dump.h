// EMBER_DUMP=ir,plan,mlir,llvm: which stages of compilation are printed to stderr (DESIGN §1).
#pragma once

#include <string>
#include <string_view>

namespace ember::lowering {

bool dump_enabled(std::string_view stage);
// Prints `text` under a header naming the stage and the function.
void dump(std::string_view stage, std::string_view function, const std::string& text);

}  // namespace ember::lowering
