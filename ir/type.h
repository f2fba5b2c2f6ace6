// Array types: a dtype, a static shape and the weak-type flag of Python scalars (DESIGN §3).
#pragma once

#include <cstdint>
#include <string>

#include "ir/dtype.h"
#include "ir/small_vec.h"

namespace ember::ir {

using Shape = SmallVec<int64_t, 6>;

int64_t num_elements(const Shape& shape);
std::string shape_to_string(const Shape& shape);  // "[8,4]"

struct Type {
  DType dtype = DType::F32;
  Shape shape;
  // A weakly typed value (a Python scalar, or computed only from them) takes the dtype of the strongly
  // typed operand it meets. Part of the type, so it is part of every signature and cache key.
  bool weak = false;

  int rank() const { return int(shape.size()); }
  int64_t numel() const { return num_elements(shape); }
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype); }
  Type with_dtype(DType d) const { return Type{d, shape, false}; }
  Type with_shape(Shape s) const { return Type{dtype, std::move(s), weak}; }
  Type strong() const { return Type{dtype, shape, false}; }

  friend bool operator==(const Type& a, const Type& b) {
    return a.dtype == b.dtype && a.weak == b.weak && a.shape == b.shape;
  }
};

// Text form: "f32[8,4]"; weak types carry a leading "~": "~f32[]".
std::string to_string(const Type& t);
size_t hash_value(const Type& t);

inline size_t hash_combine(size_t seed, size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ull + (seed << 12) + (seed >> 4));
}

}  // namespace ember::ir
