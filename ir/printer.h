// IR text form (DESIGN §3). print() and parse_function() round-trip: parse(print(f)) prints identically.
#pragma once

#include <string>
#include <string_view>

#include "ir/function.h"

namespace ember::ir {

struct PrintOptions {
  bool locations = false;  // append `loc("file.py":12)` to ops that carry a source location
};

std::string print(const Function& f, const PrintOptions& options = {});
// Throws ember::Error (ValueError) naming the line and column of the first problem.
Function parse_function(std::string_view text);
// A comma-separated list of types in the text form ("f32[2,3], ~i32[]"); throws ember::Error.
std::vector<Type> parse_types(std::string_view text);

}  // namespace ember::ir
