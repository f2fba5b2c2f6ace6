#include "ir/type.h"

#include <functional>

namespace ember::ir {

int64_t num_elements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string to_string(const Type& t) {
  std::string s = t.weak ? "~" : "";
  s += dtype_name(t.dtype);
  return s + shape_to_string(t.shape);
}

size_t hash_value(const Type& t) {
  size_t h = hash_combine(size_t(t.dtype), t.weak);
  for (int64_t d : t.shape) h = hash_combine(h, std::hash<int64_t>()(d));
  return h;
}

}  // namespace ember::ir
