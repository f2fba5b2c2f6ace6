// Helpers of the kernel tests for gather/scatter, sort/top_k, cumulative reductions and special functions:
// typed arrays in and out of the reference executor.
#pragma once

#include <doctest/doctest.h>

#include <bit>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/executor.h"

namespace ember::testing {

using runtime::Array;
using Ints = std::vector<int64_t>;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// An array of the given shape (rank 1 of values.size() when shape is omitted) holding `values`.
template <typename T>
Array arr(const std::vector<T>& values, std::optional<ir::Shape> shape = std::nullopt) {
  ir::Shape s = shape ? *shape : ir::Shape{int64_t(values.size())};
  Array a = Array::allocate(ir::Type{dtype_of<T>(), s});
  REQUIRE(size_t(a.numel()) == values.size());
  if constexpr (std::is_same_v<T, bool>) {
    for (size_t i = 0; i < values.size(); ++i) a.data_as<bool>()[i] = values[i];
  } else if (!values.empty()) {
    std::memcpy(a.data(), values.data(), values.size() * sizeof(T));
  }
  return a;
}

template <typename T>
std::vector<T> get(const Array& a) {
  REQUIRE(a.type.dtype == dtype_of<T>());
  std::vector<T> out(size_t(a.numel()));
  if constexpr (std::is_same_v<T, bool>) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = a.data_as<bool>()[i];
  } else if (!out.empty()) {
    std::memcpy(out.data(), a.data(), out.size() * sizeof(T));
  }
  return out;
}

inline std::vector<Array> run_all(ir::Prim p, std::vector<Array> operands, ir::Attrs attrs) {
  return runtime::execute_op(p, operands, attrs);
}
inline Array run1(ir::Prim p, std::vector<Array> operands, ir::Attrs attrs) {
  auto results = runtime::execute_op(p, operands, attrs);
  REQUIRE(results.size() == 1);
  return results[0];
}

inline ir::Attr ints(Ints v) { return ir::Attr(std::move(v)); }
inline ir::Attr int_attr(int64_t v) { return ir::Attr(std::in_place_type<int64_t>, v); }
inline ir::Attr bool_attr(bool v) { return ir::Attr(std::in_place_type<bool>, v); }

inline bool same_bits(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b); }
inline bool same_bits(float a, float b) { return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b); }
// Equal, or both NaN.
template <typename T>
bool same_value(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    return (a != a && b != b) || a == b;
  else
    return a == b;
}

}  // namespace ember::testing
