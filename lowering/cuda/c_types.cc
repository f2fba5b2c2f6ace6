#include "lowering/cuda/c_types.h"

#include <sstream>

#include "ir/error.h"
#include "ir/prim.h"

namespace ember::lowering::cuda {

using ir::DType;

const char* reg_type(DType d) {
  switch (d) {
    case DType::Bool: return "bool";
    case DType::I8: return "signed char";
    case DType::U8: return "unsigned char";
    case DType::I16: return "short";
    case DType::U16: return "unsigned short";
    case DType::I32: return "int";
    case DType::U32: return "unsigned int";
    case DType::I64: return "long long";
    case DType::U64: return "unsigned long long";
    case DType::F16: case DType::BF16: case DType::F32: return "float";
    case DType::F64: return "double";
    case DType::C64: return "ember_complex<float>";
    case DType::C128: return "ember_complex<double>";
    default: return nullptr;
  }
}

const char* mem_type(DType d) {
  if (d == DType::Bool) return "unsigned char";
  if (d == DType::F16 || d == DType::BF16) return "unsigned short";
  return reg_type(d);
}

[[noreturn]] void unsupported(const ir::Body& body, const ir::Op& op, const std::string& why) {
  std::ostringstream types;
  for (size_t i = 0; i < op.operands.size(); ++i)
    types << (i ? ", " : "") << ir::to_string(body.type(op.operands[i]));
  throw Error(ErrorKind::NotImplemented, "the cuda code generator cannot compile it yet: " + why + " (operands " +
                                             types.str() + ")",
              std::string(ir::prim_name(op.prim)));
}

}  // namespace ember::lowering::cuda
