// Typed op attributes. Each primitive declares its attributes (name + kind) in the primitive table; an op
// stores one Attr per declared attribute, in declaration order. Equality and hashing cover every attribute
// (floats bit for bit, literals by content), so CSE and caches never merge ops that differ.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "ir/type.h"

namespace ember::ir {

// An immutable dense array held by a `constant` op: row-major bytes of type.nbytes(). The storage is shared
// (it may alias a runtime buffer, kept alive by the shared_ptr), never copied when ops are copied.
struct Literal {
  Type type;  // never weak: the op's result type carries weakness
  std::shared_ptr<const void> data;

  const void* bytes() const { return data.get(); }
  size_t nbytes() const { return type.nbytes(); }
  // Copies `nbytes` bytes from `src` into fresh storage.
  static Literal copy_of(Type type, const void* src);
  // Scalar literals, the common case (weak Python scalars, fill values).
  static Literal scalar(DType dtype, double value);
  static Literal scalar_complex(DType dtype, double re, double im);
  static Literal scalar_int(DType dtype, int64_t value);
  // Content equality (what attr_equal uses); declared so std::variant's operator== compiles.
  friend bool operator==(const Literal& a, const Literal& b);
};

enum class AttrKind : uint8_t { Int, Float, Bool, DType, String, Ints, Literal };
using Attr = std::variant<int64_t, double, bool, DType, std::string, std::vector<int64_t>, Literal>;
inline AttrKind attr_kind(const Attr& a) { return AttrKind(a.index()); }
std::string_view attr_kind_name(AttrKind kind);

using Attrs = std::vector<Attr>;

bool attr_equal(const Attr& a, const Attr& b);
size_t attr_hash(const Attr& a);

// Value of a scalar literal element `i`, converted; used by folding and printing.
double literal_element_as_double(const Literal& lit, int64_t i);

}  // namespace ember::ir
