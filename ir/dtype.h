// Element types of DESIGN §3 and their classification.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ember::ir {

enum class DType : uint8_t { Bool, I8, I16, I32, I64, U8, U16, U32, U64, F16, BF16, F32, F64, C64, C128 };
inline constexpr int kNumDTypes = 15;
inline constexpr DType kAllDTypes[kNumDTypes] = {DType::Bool, DType::I8,  DType::I16,  DType::I32, DType::I64,
                                                 DType::U8,   DType::U16, DType::U32,  DType::U64, DType::F16,
                                                 DType::BF16, DType::F32, DType::F64,  DType::C64, DType::C128};

// Short IR names ("f32") and NumPy names ("float32").
std::string_view dtype_name(DType d);
std::string_view dtype_numpy_name(DType d);
// Accepts both spellings.
std::optional<DType> parse_dtype(std::string_view name);

constexpr size_t dtype_size(DType d) {
  switch (d) {
    case DType::Bool: case DType::I8: case DType::U8: return 1;
    case DType::I16: case DType::U16: case DType::F16: case DType::BF16: return 2;
    case DType::I32: case DType::U32: case DType::F32: return 4;
    case DType::I64: case DType::U64: case DType::F64: case DType::C64: return 8;
    case DType::C128: return 16;
  }
  return 0;
}

constexpr bool is_bool(DType d) { return d == DType::Bool; }
constexpr bool is_signed_int(DType d) { return d >= DType::I8 && d <= DType::I64; }
constexpr bool is_unsigned_int(DType d) { return d >= DType::U8 && d <= DType::U64; }
constexpr bool is_int(DType d) { return is_signed_int(d) || is_unsigned_int(d); }
constexpr bool is_float(DType d) { return d >= DType::F16 && d <= DType::F64; }
constexpr bool is_complex(DType d) { return d == DType::C64 || d == DType::C128; }
constexpr bool is_inexact(DType d) { return is_float(d) || is_complex(d); }
constexpr int bit_width(DType d) { return d == DType::Bool ? 1 : int(dtype_size(d) * 8); }

// c64 -> f32, c128 -> f64; other dtypes map to themselves.
constexpr DType real_dtype(DType d) {
  return d == DType::C64 ? DType::F32 : d == DType::C128 ? DType::F64 : d;
}
// f32 (and f16, bf16) -> c64, f64 -> c128; complex maps to itself.
constexpr DType complex_dtype(DType d) { return d == DType::F64 || d == DType::C128 ? DType::C128 : DType::C64; }

// Sets of dtypes, used by shape rules ("exp accepts floating and complex").
enum DTypeClass : uint32_t {
  kBoolClass = 1u << 0,
  kSignedClass = 1u << 1,
  kUnsignedClass = 1u << 2,
  kFloatClass = 1u << 3,
  kComplexClass = 1u << 4,
  kIntClass = kSignedClass | kUnsignedClass,
  kInexactClass = kFloatClass | kComplexClass,
  kNumberClass = kIntClass | kInexactClass,
  kRealNumberClass = kIntClass | kFloatClass,
  kAnyClass = kBoolClass | kNumberClass,
  kBitwiseClass = kBoolClass | kIntClass,
  kOrderedClass = kBoolClass | kIntClass | kFloatClass,
};

constexpr uint32_t dtype_class(DType d) {
  if (is_bool(d)) return kBoolClass;
  if (is_signed_int(d)) return kSignedClass;
  if (is_unsigned_int(d)) return kUnsignedClass;
  if (is_float(d)) return kFloatClass;
  return kComplexClass;
}
constexpr bool in_class(DType d, uint32_t cls) { return (dtype_class(d) & cls) != 0; }
// "floating or complex" for error messages.
std::string_view dtype_class_name(uint32_t cls);

}  // namespace ember::ir
