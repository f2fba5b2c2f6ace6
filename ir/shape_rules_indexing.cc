// Shape rules of gather, scatter, sort, top_k and the cumulative reductions.
#include <algorithm>
#include <string>

#include "ir/shape_rules.h"

namespace ember::ir::rules {

namespace {

bool contains(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

void check_sorted_axes(const std::vector<int64_t>& axes, int rank, std::string_view what) {
  check_axes(axes, rank, what);
  if (!std::is_sorted(axes.begin(), axes.end()))
    fail(ErrorKind::Value, "expected sorted " + std::string(what) + ", got " + ints_to_string(axes));
}

void check_mode(const Attrs& attrs, size_t index) {
  int64_t m = attr_int(attrs, index);
  if (m != int64_t(IndexMode::Clip) && m != int64_t(IndexMode::FillOrDrop))
    fail(ErrorKind::Value, "expected mode 0 (clip) or 1 (fill or drop), got " + std::to_string(m));
}

// Checks the batching dimensions shared by gather and scatter: operand_batching_dims of the operand pair
// up with indices_batching_dims of the indices (not the index vector dimension) and have equal sizes.
void check_batching(const Type& operand, const Type& indices, const std::vector<int64_t>& operand_batching,
                    const std::vector<int64_t>& indices_batching, std::string_view indices_name) {
  check_sorted_axes(operand_batching, operand.rank(), "operand_batching_dims");
  check_axes(indices_batching, indices.rank() - 1, std::string(indices_name) + "_batching_dims");
  if (operand_batching.size() != indices_batching.size())
    fail(ErrorKind::Value, "expected as many operand batching dimensions as " + std::string(indices_name) +
                               " batching dimensions, got " + ints_to_string(operand_batching) + " and " +
                               ints_to_string(indices_batching));
  for (size_t i = 0; i < operand_batching.size(); ++i)
    if (operand.shape[size_t(operand_batching[i])] != indices.shape[size_t(indices_batching[i])])
      fail(ErrorKind::Value, "expected batching dimensions of equal size, got " + str(operand) + " and " +
                                 str(indices));
}

void check_indices(const Type& indices, size_t index_vector_size, std::string_view map_name) {
  if (!is_int(indices.dtype) || indices.rank() < 1)
    fail(ErrorKind::Type, "expected integer indices of rank >= 1, got " + str(indices));
  if (indices.shape.back() != int64_t(index_vector_size))
    fail(ErrorKind::Value, "expected the last dimension of the indices " + str(indices) + " to have one entry per " +
                               std::string(map_name) + " entry (" + std::to_string(index_vector_size) + ")");
}

}  // namespace

std::vector<Type> gather(const OpSignature& s) {
  const Type &operand = s.operands[0], &indices = s.operands[1];
  const auto &offset_dims = attr_ints(s.attrs, 0), &collapsed = attr_ints(s.attrs, 1);
  const auto &start_index_map = attr_ints(s.attrs, 2), &operand_batching = attr_ints(s.attrs, 3);
  const auto &indices_batching = attr_ints(s.attrs, 4), &slice_sizes = attr_ints(s.attrs, 5);
  check_mode(s.attrs, 6);
  int rank = operand.rank();
  check_indices(indices, start_index_map.size(), "start_index_map");
  check_rank(slice_sizes, rank, "slice_sizes", operand);
  for (int d = 0; d < rank; ++d)
    if (slice_sizes[size_t(d)] < 0 || slice_sizes[size_t(d)] > operand.shape[size_t(d)])
      fail(ErrorKind::Value, "expected slice_sizes within " + str(operand) + ", got " + ints_to_string(slice_sizes));
  check_sorted_axes(collapsed, rank, "collapsed_slice_dims");
  check_axes(start_index_map, rank, "start_index_map");
  check_batching(operand, indices, operand_batching, indices_batching, "start_indices");
  for (int64_t d : collapsed) {
    if (slice_sizes[size_t(d)] > 1)
      fail(ErrorKind::Value, "expected collapsed_slice_dims with slice size <= 1, got dimension " +
                                 std::to_string(d) + " of size " + std::to_string(slice_sizes[size_t(d)]));
    if (contains(operand_batching, d))
      fail(ErrorKind::Value, "expected collapsed_slice_dims disjoint from operand_batching_dims");
  }
  for (int64_t d : operand_batching)
    if (slice_sizes[size_t(d)] != 1) fail(ErrorKind::Value, "expected slice size 1 in operand batching dimensions");
  for (int64_t d : start_index_map)
    if (contains(operand_batching, d))
      fail(ErrorKind::Value, "expected start_index_map disjoint from operand_batching_dims");
  // Output: indices' batch dimensions, with the kept slice dimensions at offset_dims.
  std::vector<int64_t> kept;
  for (int d = 0; d < rank; ++d)
    if (!contains(collapsed, d) && !contains(operand_batching, d)) kept.push_back(slice_sizes[size_t(d)]);
  int out_rank = indices.rank() - 1 + int(kept.size());
  if (offset_dims.size() != kept.size())
    fail(ErrorKind::Value, "expected " + std::to_string(kept.size()) + " offset_dims, got " +
                               ints_to_string(offset_dims));
  check_sorted_axes(offset_dims, out_rank, "offset_dims");
  Shape shape;
  size_t next_offset = 0, next_batch = 0;
  for (int i = 0; i < out_rank; ++i) {
    if (contains(offset_dims, i))
      shape.push_back(kept[next_offset++]);
    else
      shape.push_back(indices.shape[next_batch++]);
  }
  return {Type{operand.dtype, shape, operand.weak}};
}

std::vector<Type> scatter(const OpSignature& s) {
  const Type &operand = s.operands[0], &indices = s.operands[1], &updates = s.operands[2];
  const auto &window_dims = attr_ints(s.attrs, 0), &inserted = attr_ints(s.attrs, 1);
  const auto &to_operand = attr_ints(s.attrs, 2), &operand_batching = attr_ints(s.attrs, 3);
  const auto& indices_batching = attr_ints(s.attrs, 4);
  check_mode(s.attrs, 5);
  check_dtype_class(s, operand);
  if (updates.dtype != operand.dtype)
    fail(ErrorKind::Type, "expected updates of the operand's dtype, got " + str(operand) + " and " + str(updates));
  int rank = operand.rank();
  check_indices(indices, to_operand.size(), "scatter_dims_to_operand_dims");
  check_sorted_axes(inserted, rank, "inserted_window_dims");
  check_axes(to_operand, rank, "scatter_dims_to_operand_dims");
  check_batching(operand, indices, operand_batching, indices_batching, "scatter_indices");
  for (int64_t d : inserted)
    if (contains(operand_batching, d))
      fail(ErrorKind::Value, "expected inserted_window_dims disjoint from operand_batching_dims");
  for (int64_t d : to_operand)
    if (contains(operand_batching, d))
      fail(ErrorKind::Value, "expected scatter_dims_to_operand_dims disjoint from operand_batching_dims");
  check_sorted_axes(window_dims, updates.rank(), "update_window_dims");
  std::vector<int64_t> window_operand_dims;
  for (int d = 0; d < rank; ++d)
    if (!contains(inserted, d) && !contains(operand_batching, d)) window_operand_dims.push_back(d);
  if (window_dims.size() != window_operand_dims.size())
    fail(ErrorKind::Value, "expected " + std::to_string(window_operand_dims.size()) + " update_window_dims for " +
                               str(operand) + ", got " + ints_to_string(window_dims));
  if (updates.rank() != int(window_dims.size()) + indices.rank() - 1)
    fail(ErrorKind::Value, "expected updates of rank " + std::to_string(window_dims.size() + indices.rank() - 1) +
                               ", got " + str(updates));
  size_t next_window = 0, next_scatter = 0;
  for (int i = 0; i < updates.rank(); ++i) {
    int64_t size = updates.shape[size_t(i)];
    if (contains(window_dims, i)) {
      int64_t d = window_operand_dims[next_window++];
      if (size > operand.shape[size_t(d)])
        fail(ErrorKind::Value, "expected update windows that fit in " + str(operand) + ", got " + str(updates));
    } else if (size != indices.shape[next_scatter++]) {
      fail(ErrorKind::Value, "expected the scatter dimensions of the updates " + str(updates) +
                                 " to match the indices " + str(indices));
    }
  }
  return {Type{operand.dtype, operand.shape, operand.weak && updates.weak}};
}

std::vector<Type> sort(const OpSignature& s) {
  const Type& first = s.operands[0];
  int64_t dim = attr_int(s.attrs, 0), num_keys = attr_int(s.attrs, 2);
  if (first.rank() == 0) fail(ErrorKind::Value, "expected operands of rank >= 1, got " + str(first));
  if (dim < 0 || dim >= first.rank())
    fail(ErrorKind::Value, "expected dimension in [0, " + std::to_string(first.rank()) + "), got " +
                               std::to_string(dim));
  if (num_keys < 1 || num_keys > int64_t(s.operands.size()))
    fail(ErrorKind::Value, "expected num_keys in [1, " + std::to_string(s.operands.size()) + "], got " +
                               std::to_string(num_keys));
  std::vector<Type> out;
  for (const Type& t : s.operands) {
    if (!(t.shape == first.shape))
      fail(ErrorKind::Value, "expected operands of one shape, got " + types_to_string(s.operands));
    out.push_back(t);
  }
  return out;
}

std::vector<Type> top_k(const OpSignature& s) {
  const Type& x = s.operands[0];
  int64_t k = attr_int(s.attrs, 0);
  check_dtype_class(s, x);
  if (x.rank() == 0) fail(ErrorKind::Value, "expected an operand of rank >= 1, got " + str(x));
  if (k < 0 || k > x.shape.back())
    fail(ErrorKind::Value, "expected k in [0, " + std::to_string(x.shape.back()) + "], got " + std::to_string(k));
  Shape shape = x.shape;
  shape.back() = k;
  return {Type{x.dtype, shape, x.weak}, Type{DType::I32, shape, false}};
}

std::vector<Type> cumulative(const OpSignature& s) {
  const Type& x = s.operands[0];
  int64_t axis = attr_int(s.attrs, 0);
  check_dtype_class(s, x);
  if (axis < 0 || axis >= x.rank())
    fail(ErrorKind::Value, "expected axis in [0, " + std::to_string(x.rank()) + "), got " + std::to_string(axis));
  return {x};
}

}  // namespace ember::ir::rules
