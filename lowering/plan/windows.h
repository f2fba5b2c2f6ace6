// Gather's and scatter's dimension numbers (JAX's, as XLA defines them) resolved once for the code
// generators (lowering/cpu/kernel_emitter.cc, lowering/cuda/source.cc): how each dimension of the iteration
// space (gather's result, scatter's updates) splits into index-vector position ("batch") and position inside
// the window, and where each operand dimension's position comes from. Each generator turns this into its own
// expressions; the per-component start of the window (clamping, bounds) stays with them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ir/attr.h"
#include "ir/function.h"

namespace ember::lowering {

struct WindowMap {
  std::vector<bool> is_window;  // by iteration dim: window (offset/update-window) dim, else batch dim
  // By operand dim: where its position inside the window comes from.
  enum class From : uint8_t { Zero, Window, Batch };
  std::vector<From> from;
  std::vector<size_t> which;   // the window or batch dim (in order among them) it comes from
  std::vector<int64_t> sizes;  // the window's extent along it: slice sizes (gather), update extents (scatter)
  std::vector<int64_t> index_map;  // operand dim of each index-vector component
  bool clip = false;               // IndexMode::Clip
};

namespace windows_detail {
inline bool contains(const std::vector<int64_t>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// window_dims: iteration dims inside the window; dropped: operand dims the window does not span (gather's
// collapsed, scatter's inserted); batching: operand and indices batching dims.
inline WindowMap make(size_t iteration_rank, const std::vector<int64_t>& window_dims,
                      const std::vector<int64_t>& dropped, const std::vector<int64_t>& operand_batching,
                      const std::vector<int64_t>& indices_batching, size_t operand_rank) {
  WindowMap m;
  m.is_window.resize(iteration_rank);
  for (size_t j = 0; j < iteration_rank; ++j) m.is_window[j] = contains(window_dims, int64_t(j));
  m.from.assign(operand_rank, WindowMap::From::Zero);
  m.which.assign(operand_rank, 0);
  m.sizes.assign(operand_rank, 1);
  size_t next_window = 0;
  for (size_t dim = 0; dim < operand_rank; ++dim)
    if (!contains(dropped, int64_t(dim)) && !contains(operand_batching, int64_t(dim))) {
      m.from[dim] = WindowMap::From::Window;
      m.which[dim] = next_window++;
    }
  for (size_t i = 0; i < operand_batching.size(); ++i) {
    m.from[size_t(operand_batching[i])] = WindowMap::From::Batch;
    m.which[size_t(operand_batching[i])] = size_t(indices_batching[i]);
  }
  return m;
}
}  // namespace windows_detail

// gather(operand, indices) attrs: offset_dims, collapsed_slice_dims, start_index_map, operand_batching_dims,
// start_indices_batching_dims, slice_sizes, mode.
inline WindowMap gather_windows(const ir::Body& body, const ir::Op& op) {
  const ir::Attrs& a = op.attrs;
  size_t operand_rank = size_t(body.type(op.operands[0]).rank());
  WindowMap m =
      windows_detail::make(size_t(body.type(op.results[0]).rank()), ir::attr_ints(a, 0), ir::attr_ints(a, 1),
                           ir::attr_ints(a, 3), ir::attr_ints(a, 4), operand_rank);
  m.sizes = ir::attr_ints(a, 5);
  m.index_map = ir::attr_ints(a, 2);
  m.clip = ir::IndexMode(ir::attr_int(a, 6)) == ir::IndexMode::Clip;
  return m;
}

// Whether a gather reads nothing (an empty operand, or a window with no extent along a collapsed dim): then
// every element of its result is the fill value.
inline bool gather_reads_nothing(const ir::Shape& operand, const WindowMap& w) {
  if (ir::num_elements(operand) == 0) return true;
  for (size_t dim = 0; dim < operand.size(); ++dim)
    if (w.from[dim] == WindowMap::From::Zero && w.sizes[dim] == 0) return true;
  return false;
}

// scatter(operand, indices, updates) attrs: update_window_dims, inserted_window_dims,
// scatter_dims_to_operand_dims, operand_batching_dims, scatter_indices_batching_dims, mode.
inline WindowMap scatter_windows(const ir::Body& body, const ir::Op& op) {
  const ir::Attrs& a = op.attrs;
  const ir::Shape& updates = body.type(op.operands[2]).shape;
  const std::vector<int64_t>& window_dims = ir::attr_ints(a, 0);
  WindowMap m = windows_detail::make(updates.size(), window_dims, ir::attr_ints(a, 1), ir::attr_ints(a, 3),
                                     ir::attr_ints(a, 4), size_t(body.type(op.operands[0]).rank()));
  for (size_t dim = 0; dim < m.from.size(); ++dim)
    if (m.from[dim] == WindowMap::From::Window) m.sizes[dim] = updates[size_t(window_dims[m.which[dim]])];
  m.index_map = ir::attr_ints(a, 2);
  m.clip = ir::IndexMode(ir::attr_int(a, 5)) == ir::IndexMode::Clip;
  return m;
}

}  // namespace ember::lowering
