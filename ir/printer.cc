// STUB: replaced by the real printer/parser.
#include "ir/printer.h"
#include "ir/error.h"
namespace ember::ir {
std::string print(const Function&, const PrintOptions&) { return "<printer not written>"; }
Function parse_function(std::string_view) { throw Error(ErrorKind::NotImplemented, "parser"); }
}  // namespace ember::ir
