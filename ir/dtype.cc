#include "ir/dtype.h"

namespace ember::ir {

namespace {
struct Names {
  std::string_view ir, numpy;
};
constexpr Names kNames[kNumDTypes] = {
    {"bool", "bool"},   {"i8", "int8"},     {"i16", "int16"},       {"i32", "int32"},     {"i64", "int64"},
    {"u8", "uint8"},    {"u16", "uint16"},  {"u32", "uint32"},      {"u64", "uint64"},    {"f16", "float16"},
    {"bf16", "bfloat16"}, {"f32", "float32"}, {"f64", "float64"}, {"c64", "complex64"}, {"c128", "complex128"},
};
}  // namespace

std::string_view dtype_name(DType d) { return kNames[int(d)].ir; }
std::string_view dtype_numpy_name(DType d) { return kNames[int(d)].numpy; }

std::optional<DType> parse_dtype(std::string_view name) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (kNames[i].ir == name || kNames[i].numpy == name) return DType(i);
  return std::nullopt;
}

std::string_view dtype_class_name(uint32_t cls) {
  switch (cls) {
    case kBoolClass: return "bool";
    case kSignedClass: return "signed integer";
    case kIntClass: return "integer";
    case kFloatClass: return "floating";
    case kComplexClass: return "complex";
    case kInexactClass: return "floating or complex";
    case kNumberClass: return "numeric";
    case kRealNumberClass: return "integer or floating";
    case kBitwiseClass: return "bool or integer";
    case kOrderedClass: return "bool, integer or floating";
    case kAnyClass: return "any";
    default: return "supported";
  }
}

}  // namespace ember::ir
