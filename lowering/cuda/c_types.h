// What the CUDA C generators (source.cc, sort_source.cc) share: the C types of ember's dtypes, and how they
// refuse an op.
#pragma once

#include <string>

#include "ir/function.h"

namespace ember::lowering::cuda {

// Register (computation) type: 16-bit floats compute in float, as on the CPU; complex values are the
// prelude's ember_complex (complex.cuh). nullptr for a dtype without one.
const char* reg_type(ir::DType d);
// Storage type: bool as a byte, 16-bit floats as their bits.
const char* mem_type(ir::DType d);
// Throws NotImplementedError naming the op and its operand types.
[[noreturn]] void unsupported(const ir::Body& body, const ir::Op& op, const std::string& why);

}  // namespace ember::lowering::cuda
