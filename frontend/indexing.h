// NumPy indexing in the op library: x[index] (`getitem`) and JAX's functional updates x.at[index].set(v) and
// friends (`index_update`), lowered to slice/rev/reshape for basic indices and to gather/scatter for integer
// arrays and boolean masks. Works on concrete and traced tensors alike.
//
// Semantics (NumPy's, with DESIGN §3's out-of-bounds rules):
// - Integers, slices (any step), Ellipsis, None, integer arrays and boolean masks, in any combination.
//   Integer arrays broadcast together; their result dimensions go where the first of them is when all the
//   advanced indices (integer arrays, masks and, once an array is present, integers) are adjacent in the
//   index, and to the front otherwise. A mask of rank k consumes k dimensions; a boolean scalar adds one.
// - Negative indices count from the end, also for traced index arrays.
// - Concrete indices (eager, or constants under jit) that are out of bounds raise IndexError, unless an
//   explicit mode is given. Traced indices follow the mode: gathers clip by default, scatters drop.
// - Boolean masks need concrete values (the result shape depends on them): a traced mask raises
//   ConcretizationError.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "frontend/tensor.h"

namespace ember::frontend {

// One entry of an index tuple.
struct IndexItem {
  enum class Kind { Integer, Slice, Ellipsis, NewAxis, Array };
  Kind kind = Kind::Integer;
  int64_t integer = 0;                       // Integer
  std::optional<int64_t> start, stop, step;  // Slice, with Python's semantics
  Tensor array;                              // Array: an integer or bool tensor, concrete or traced

  static IndexItem integer_index(int64_t i);
  static IndexItem slice(std::optional<int64_t> start, std::optional<int64_t> stop,
                         std::optional<int64_t> step = std::nullopt);
  static IndexItem ellipsis();
  static IndexItem newaxis();
  static IndexItem array_index(Tensor t);
};
using Index = std::vector<IndexItem>;

// How out-of-bounds indices are treated (JAX's GatherScatterMode). Without a mode, concrete out-of-bounds
// indices raise IndexError and traced ones are clipped (gather) or dropped (scatter).
enum class GatherScatterMode {
  Clip,             // clamp each index into bounds
  FillOrDrop,       // gathers return a fill value for out-of-bounds indices; scatters skip them
  PromiseInBounds,  // the caller promises in-bounds indices; no check (gathers clip, scatters drop)
};
// "clip", "fill", "drop", "fill_or_drop" or "promise_in_bounds"; ValueError otherwise.
GatherScatterMode parse_gather_scatter_mode(std::string_view name);

// x[index]. `fill_value` (only with mode FillOrDrop) replaces the default fill value (NaN for inexact dtypes,
// the minimum of signed and the maximum of unsigned integers, true for bool).
Tensor getitem(const Tensor& x, const Index& index, std::optional<GatherScatterMode> mode = std::nullopt,
               const std::optional<Tensor>& fill_value = std::nullopt);

// What x.at[index].<op>(values) does where index selects an element (repeated indices: Set keeps the last
// update in row-major order of the indexed shape; the others combine every update).
enum class UpdateOp {
  Set,       // x[index] = values
  Add,       // x[index] += values (bool: logical or)
  Subtract,  // x[index] -= values
  Multiply,  // x[index] *= values (bool: logical and)
  Divide,    // x / (ones.at[index].multiply(values)), as JAX: a true division
  Power,     // x ** (ones.at[index].multiply(values)), as JAX
  Min,       // x[index] = minimum(x[index], values)
  Max,       // x[index] = maximum(x[index], values)
};

// x with x[index] updated by `values`, which broadcast to the shape of x[index]. The update is computed in
// the promoted dtype of x and values (weak Python scalars take x's dtype) and converted back to x's dtype,
// as JAX does; Divide gives true_divide's dtype.
Tensor index_update(const Tensor& x, const Index& index, const Tensor& values, UpdateOp op,
                    std::optional<GatherScatterMode> mode = std::nullopt);

}  // namespace ember::frontend
