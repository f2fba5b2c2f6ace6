// NumPy indexing (x[index]) and functional updates (x.at[index].op(values)) as compositions of primitives.
//
// Both start from a normalised plan of the index: one entry per operand dimension (integer, slice or integer
// array; boolean masks become integer arrays, boolean scalars a new size-1 operand dimension indexed by
// arange(0 or 1)) plus the new axes. Then:
// - getitem without arrays is slice + rev + reshape; with arrays, the slices are applied first (so the
//   gather reads a smaller operand and needs no iota indices) and one gather indexes the array dimensions.
// - index_update is one scatter, JAX's construction: unit-step slices become update windows (with a start
//   index where they do not cover the dimension), strided slices and arrays become scatter dimensions.
#include "frontend/indexing.h"

#include <algorithm>
#include <limits>
#include <string>
#include <type_traits>

#include "frontend/lax.h"
#include "frontend/numpy.h"
#include "frontend/promotion.h"
#include "frontend/trace.h"
#include "ir/error.h"
#include "ir/numeric.h"

namespace ember::frontend {

using ir::DType;
using ir::Prim;
using Ints = std::vector<int64_t>;

IndexItem IndexItem::integer_index(int64_t i) {
  IndexItem it;
  it.kind = Kind::Integer;
  it.integer = i;
  return it;
}

IndexItem IndexItem::slice(std::optional<int64_t> start, std::optional<int64_t> stop,
                           std::optional<int64_t> step) {
  IndexItem it;
  it.kind = Kind::Slice;
  it.start = start;
  it.stop = stop;
  it.step = step;
  return it;
}

IndexItem IndexItem::ellipsis() {
  IndexItem it;
  it.kind = Kind::Ellipsis;
  return it;
}

IndexItem IndexItem::newaxis() {
  IndexItem it;
  it.kind = Kind::NewAxis;
  return it;
}

IndexItem IndexItem::array_index(Tensor t) {
  IndexItem it;
  it.kind = Kind::Array;
  it.array = std::move(t);
  return it;
}

GatherScatterMode parse_gather_scatter_mode(std::string_view name) {
  if (name == "clip") return GatherScatterMode::Clip;
  if (name == "fill" || name == "drop" || name == "fill_or_drop") return GatherScatterMode::FillOrDrop;
  if (name == "promise_in_bounds") return GatherScatterMode::PromiseInBounds;
  throw make_error(ErrorKind::Value, "mode", "expected 'clip', 'fill', 'drop' or 'promise_in_bounds', got '",
                   name, "'");
}

namespace {

constexpr std::string_view kGetOp = "getitem";
constexpr std::string_view kUpdateOp = "index_update";

int64_t product(const Ints& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

Ints to_ints(const ir::Shape& s) { return Ints(s.begin(), s.end()); }
ir::Shape to_shape(const Ints& s) { return ir::Shape(s.begin(), s.end()); }

// ---- concrete index values ----

// The values of a concrete integer tensor as int64; uint64 values beyond int64 saturate (they are out of
// bounds either way).
Ints host_ints(const Tensor& t) {
  runtime::Array a = t.array("index");
  Ints out(size_t(a.numel()));
  visit_dtype(a.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      const T* p = a.data_as<const T>();
      for (size_t i = 0; i < out.size(); ++i) {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8)
          out[i] = p[i] > uint64_t(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                        : int64_t(p[i]);
        else
          out[i] = int64_t(p[i]);
      }
    }
  });
  return out;
}

// A concrete index tensor of `dtype` (int32 or int64). Values beyond int32 saturate, which keeps them out of
// bounds.
Tensor host_index_tensor(const Ints& values, const Ints& shape, DType dtype) {
  if (dtype == DType::I64)
    return tensor_from_bytes(ir::Type{DType::I64, to_shape(shape), false}, values.data());
  std::vector<int32_t> narrow(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    narrow[i] = int32_t(std::clamp<int64_t>(values[i], std::numeric_limits<int32_t>::min(),
                                            std::numeric_limits<int32_t>::max()));
  return tensor_from_bytes(ir::Type{DType::I32, to_shape(shape), false}, narrow.data());
}

Tensor broadcast_scalar(const Tensor& s, const Ints& shape) { return lax::broadcast_in_dim(s, shape, {}); }

// Negative indices count from the end; without an explicit mode, out-of-bounds indices raise IndexError
// (NumPy's message, in ember's format). Out-of-bounds values are kept for the mode to handle.
void normalize_host(Ints& values, int64_t n, int64_t axis, bool check, std::string_view op) {
  for (int64_t& v : values) {
    int64_t w = v < 0 ? v + n : v;
    if (check && (w < 0 || w >= n))
      throw make_error(ErrorKind::Index, op, "expected an index in [", -n, ", ", n, "), got ", v, ": index ",
                       v, " is out of bounds for axis ", axis, " with size ", n);
    v = w;
  }
}

// Traced indices: converted to the index dtype, with `n` added where they are negative (as JAX does).
// Unsigned values that the index dtype cannot hold saturate first, so they stay out of bounds instead of
// wrapping to negative numbers.
Tensor normalize_traced(const Tensor& idx, int64_t n, DType index_dtype) {
  Tensor t = idx;
  DType d = t.dtype();
  if (ir::is_unsigned_int(d) && ir::dtype_size(d) >= ir::dtype_size(index_dtype)) {
    int64_t top =
        index_dtype == DType::I32 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
    t = lax::binary(Prim::Min, t, broadcast_scalar(scalar_tensor_int(d, top), to_ints(t.shape())));
  }
  t = lax::convert_element_type(t, index_dtype, false);
  if (ir::is_signed_int(d)) {
    Ints shape = to_ints(t.shape());
    Tensor zero = broadcast_scalar(scalar_tensor_int(index_dtype, 0), shape);
    Tensor size = broadcast_scalar(scalar_tensor_int(index_dtype, n), shape);
    t = lax::select(lax::binary(Prim::Lt, t, zero), lax::binary(Prim::Add, t, size), t);
  }
  return t;
}

// ---- the normalised index ----

struct Entry {
  enum class Kind { Int, Slice, NewAxis, Array };
  Kind kind = Kind::Slice;
  int64_t dim = -1;   // the operand dimension it indexes (of the plan's shape); -1 for a new axis
  int64_t axis = -1;  // the user's axis, for messages
  int64_t value = 0;  // Int
  int64_t start = 0, step = 1, length = 0;  // Slice: first element read, step, number of elements
  Tensor array;                             // Array: integer indices, concrete or traced
};

struct Plan {
  std::vector<Entry> entries;
  ir::Shape shape;        // the operand's shape with a size-1 dimension for each boolean scalar
  bool expanded = false;  // whether `shape` differs from the operand's
  bool has_array = false;
  // Per item of the user's index: 0 basic (slice, Ellipsis, None), 1 integer, 2 array (NumPy's adjacency
  // rule looks at the index as written: an Ellipsis that expands to nothing still separates arrays).
  std::vector<int> item_kinds;
};

// Whether the advanced indices (arrays, and integers when `ints_advanced`) are adjacent in the index: then
// their result dimensions replace them in place; otherwise they go to the front.
bool advanced_adjacent(const Plan& p, bool ints_advanced) {
  auto advanced = [&](int k) { return k == 2 || (k == 1 && ints_advanced); };
  int first = -1, last = -1;
  for (int i = 0; i < int(p.item_kinds.size()); ++i)
    if (advanced(p.item_kinds[size_t(i)])) {
      if (first < 0) first = i;
      last = i;
    }
  for (int i = first + 1; i < last; ++i)
    if (!advanced(p.item_kinds[size_t(i)])) return false;
  return true;
}

Error mask_error(const Tensor& mask, std::string_view op) {
  std::string origin = mask.trace() ? mask.trace()->describe(mask.value()) : std::string();
  return Error(
      ErrorKind::Concretization,
      "expected a concrete boolean mask, got the traced value %" + std::to_string(mask.value().id) + " (" +
          ir::to_string(mask.type()) + (origin.empty() ? "" : ", " + origin) +
          "). The shape of x[mask] depends on the mask's values, which are unknown while tracing: use "
          "ember.numpy.where(mask, x, y) to select elementwise, or integer indices of a static size "
          "(ember.numpy.nonzero(mask, size=n), as in JAX)",
      std::string(op));
}

// Python's slice.indices(n), as (first element, step, length).
Entry resolve_slice(const IndexItem& it, int64_t n, std::string_view op) {
  int64_t step = it.step.value_or(1);
  if (step == 0) throw make_error(ErrorKind::Value, op, "expected a non-zero slice step, got 0");
  auto clamp_index = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t i = *v < 0 ? *v + n : *v;
    return step > 0 ? std::clamp<int64_t>(i, 0, n) : std::clamp<int64_t>(i, -1, n - 1);
  };
  int64_t lo = clamp_index(it.start, step > 0 ? 0 : n - 1);
  int64_t hi = clamp_index(it.stop, step > 0 ? n : -1);
  // |step| as unsigned: well defined for INT64_MIN too.
  uint64_t abs_step = step > 0 ? uint64_t(step) : uint64_t(0) - uint64_t(step);
  int64_t span = step > 0 ? hi - lo : lo - hi;
  Entry e;
  e.kind = Entry::Kind::Slice;
  e.start = lo;
  e.step = step;
  e.length = span > 0 ? int64_t(uint64_t(span - 1) / abs_step) + 1 : 0;
  return e;
}

// Coordinates of the true elements of a concrete mask, one vector per mask dimension (NumPy's nonzero).
std::vector<Ints> host_nonzero(const Tensor& mask) {
  runtime::Array a = mask.array("boolean index");
  const bool* p = a.data_as<const bool>();
  int rank = mask.rank();
  std::vector<Ints> coords(static_cast<size_t>(rank));
  Ints pos(size_t(rank), 0);
  for (int64_t i = 0; i < a.numel(); ++i) {
    if (p[i])
      for (int k = 0; k < rank; ++k) coords[size_t(k)].push_back(pos[size_t(k)]);
    for (int k = rank - 1; k >= 0; --k) {
      if (++pos[size_t(k)] < mask.shape()[size_t(k)]) break;
      pos[size_t(k)] = 0;
    }
  }
  return coords;
}

Plan normalize(const ir::Shape& shape, const Index& index, std::string_view op) {
  using Kind = IndexItem::Kind;
  int rank = int(shape.size());
  int consumed = 0, ellipses = 0;
  for (const IndexItem& it : index) {
    if (it.kind == Kind::Integer || it.kind == Kind::Slice) ++consumed;
    if (it.kind == Kind::Ellipsis) ++ellipses;
    if (it.kind == Kind::Array) {
      DType d = it.array.dtype();
      if (d == DType::Bool)
        consumed += it.array.rank();
      else if (ir::is_int(d))
        ++consumed;
      else
        throw make_error(
            ErrorKind::Index, op, "expected integer or boolean index arrays, got ",
            ir::to_string(it.array.type()),
            " (only integers, slices, Ellipsis, None and integer or boolean arrays are valid indices)");
    }
  }
  if (ellipses > 1)
    throw make_error(ErrorKind::Index, op, "expected at most one Ellipsis in an index, got ", ellipses);
  if (consumed > rank)
    throw make_error(ErrorKind::Index, op, "expected at most ", rank, " indices for an array of shape ",
                     ir::shape_to_string(shape), ", got ", consumed, " (too many indices for array)");

  Plan p;
  p.shape = shape;
  int64_t d = 0;         // the next dimension of the operand
  int64_t inserted = 0;  // size-1 dimensions inserted for boolean scalars so far
  auto full_slices = [&](int64_t count) {
    for (int64_t k = 0; k < count; ++k, ++d) {
      Entry e;
      e.kind = Entry::Kind::Slice;
      e.dim = d + inserted;
      e.axis = d;
      e.length = shape[size_t(d)];
      p.entries.push_back(e);
    }
  };
  for (const IndexItem& it : index) {
    int item_kind = 0;
    switch (it.kind) {
      case Kind::Integer: {
        Entry e;
        e.kind = Entry::Kind::Int;
        e.dim = d + inserted;
        e.axis = d;
        e.value = it.integer;
        p.entries.push_back(e);
        ++d;
        item_kind = 1;
        break;
      }
      case Kind::Slice: {
        Entry e = resolve_slice(it, shape[size_t(d)], op);
        e.dim = d + inserted;
        e.axis = d;
        p.entries.push_back(e);
        ++d;
        break;
      }
      case Kind::Ellipsis:
        full_slices(rank - consumed);
        break;
      case Kind::NewAxis: {
        Entry e;
        e.kind = Entry::Kind::NewAxis;
        p.entries.push_back(e);
        break;
      }
      case Kind::Array: {
        const Tensor& a = it.array;
        item_kind = 2;
        p.has_array = true;
        if (a.dtype() != DType::Bool) {
          Entry e;
          e.kind = Entry::Kind::Array;
          e.dim = d + inserted;
          e.axis = d;
          e.array = a;
          p.entries.push_back(e);
          ++d;
          break;
        }
        if (a.is_traced()) throw mask_error(a, op);
        if (a.rank() == 0) {
          // NumPy: a boolean scalar adds a dimension of size 1, indexed by arange(1) (true) or arange(0).
          bool value = *a.array("boolean index").data_as<const bool>();
          p.shape.insert(size_t(d + inserted), 1);
          p.expanded = true;
          Entry e;
          e.kind = Entry::Kind::Array;
          e.dim = d + inserted;
          e.array = host_index_tensor(Ints(value ? 1 : 0, 0), {value ? 1 : 0}, DType::I64);
          p.entries.push_back(e);
          ++inserted;
          break;
        }
        for (int k = 0; k < a.rank(); ++k)
          if (a.shape()[size_t(k)] != shape[size_t(d + k)])
            throw make_error(ErrorKind::Index, op, "expected a boolean index of size ", shape[size_t(d + k)],
                             " along axis ", d + k, " (the indexed array's size), got ",
                             ir::to_string(a.type()),
                             " (boolean index did not match indexed array along axis ", d + k, ")");
        std::vector<Ints> coords = host_nonzero(a);
        for (int k = 0; k < a.rank(); ++k) {
          Entry e;
          e.kind = Entry::Kind::Array;
          e.dim = d + inserted;
          e.axis = d;
          int64_t count = int64_t(coords[size_t(k)].size());
          e.array = host_index_tensor(coords[size_t(k)], {count}, DType::I64);
          p.entries.push_back(e);
          ++d;
        }
        break;
      }
    }
    p.item_kinds.push_back(item_kind);
  }
  full_slices(rank - d);
  return p;
}

// int32 indices where every indexed dimension and every traced index fits (half the index bytes, and no
// conversion of the common int32 index arrays); int64 otherwise.
DType choose_index_dtype(const Plan& p) {
  for (int64_t n : p.shape)
    if (n > std::numeric_limits<int32_t>::max()) return DType::I64;
  for (const Entry& e : p.entries)
    if (e.kind == Entry::Kind::Array && e.array.is_traced()) {
      DType d = e.array.dtype();
      if (ir::dtype_size(d) > 4 || d == DType::U32) return DType::I64;
    }
  return DType::I32;
}

// ---- index vectors of gathers and scatters ----

// One component of the index vector: the start index along operand dimension `dim` at every position of the
// batch shape. Its values (concrete or traced) have `shape`, whose dimension i lies along batch axis
// `axes[i]` (size 1 there: broadcast). A scalar has no axes.
struct Component {
  int64_t dim = 0;
  Ints axes, shape;
  Ints host;      // concrete values (row-major over `shape`)
  Tensor traced;  // or traced values of the index dtype
};

Component scalar_component(int64_t dim, int64_t value) {
  Component c;
  c.dim = dim;
  c.host = {value};
  return c;
}

// The index array of a gather/scatter: batch_shape + [number of components]. Built on the host when every
// component is concrete (one constant instead of a chain of ops).
Tensor build_indices(const std::vector<Component>& comps, const Ints& batch_shape, DType index_dtype) {
  size_t k = comps.size();
  Ints out_shape = batch_shape;
  out_shape.push_back(int64_t(k));
  bool all_host =
      std::all_of(comps.begin(), comps.end(), [](const Component& c) { return !c.traced.is_traced(); });
  if (all_host) {
    int64_t count = product(batch_shape);
    size_t rank = batch_shape.size();
    // Per component, the step of its value offset along each batch axis (0 where it broadcasts).
    std::vector<Ints> steps(k, Ints(rank, 0));
    for (size_t j = 0; j < k; ++j) {
      const Component& c = comps[j];
      int64_t stride = 1;
      for (size_t i = c.shape.size(); i-- > 0;) {
        if (c.shape[i] != 1) steps[j][size_t(c.axes[i])] = stride;
        stride *= c.shape[i];
      }
    }
    Ints values(size_t(count) * k);
    Ints pos(rank, 0), offset(k, 0);
    for (int64_t b = 0; b < count; ++b) {
      for (size_t j = 0; j < k; ++j) values[size_t(b) * k + j] = comps[j].host[size_t(offset[j])];
      for (size_t i = rank; i-- > 0;) {
        for (size_t j = 0; j < k; ++j) offset[j] += steps[j][i];
        if (++pos[i] < batch_shape[i]) break;
        for (size_t j = 0; j < k; ++j) offset[j] -= steps[j][i] * pos[i];
        pos[i] = 0;
      }
    }
    return host_index_tensor(values, out_shape, index_dtype);
  }
  std::vector<Tensor> parts;
  Ints column = batch_shape;
  column.push_back(1);
  for (const Component& c : comps) {
    Tensor t = c.traced.is_traced() ? c.traced : host_index_tensor(c.host, c.shape, index_dtype);
    parts.push_back(lax::broadcast_in_dim(t, column, c.axes));
  }
  return lax::concatenate(parts, int64_t(batch_shape.size()));
}

// The component of an integer-array entry whose values broadcast into the batch axes starting at
// `first_axis` (right-aligned, as NumPy broadcasts index arrays).
Component array_component(const Entry& e, int64_t n, int64_t first_axis, int64_t block_rank, bool check,
                          DType index_dtype, std::string_view op) {
  Component c;
  c.dim = e.dim;
  c.shape = to_ints(e.array.shape());
  for (int i = 0; i < e.array.rank(); ++i) c.axes.push_back(first_axis + block_rank - e.array.rank() + i);
  if (e.array.is_concrete()) {
    c.host = host_ints(e.array);
    normalize_host(c.host, n, e.axis, check, op);
  } else {
    c.traced = normalize_traced(e.array, n, index_dtype);
  }
  return c;
}

// The broadcast shape of the integer-array entries (IndexError when they do not broadcast, as NumPy).
Ints array_block_shape(const Plan& p, std::string_view op) {
  Ints block;
  std::string shapes;
  for (const Entry& e : p.entries) {
    if (e.kind != Entry::Kind::Array) continue;
    shapes += (shapes.empty() ? "" : " ") + ir::shape_to_string(e.array.shape());
    Ints s = to_ints(e.array.shape());
    size_t rank = std::max(block.size(), s.size());
    Ints out(rank, 1);
    for (size_t i = 0; i < rank; ++i) {
      int64_t a = i < rank - block.size() ? 1 : block[i - (rank - block.size())];
      int64_t b = i < rank - s.size() ? 1 : s[i - (rank - s.size())];
      if (a != b && a != 1 && b != 1)
        throw make_error(ErrorKind::Index, op, "expected index arrays that broadcast together, got shapes ",
                         shapes, " (shape mismatch)");
      out[i] = a == 1 ? b : a;
    }
    block = out;
  }
  return block;
}

// ---- getitem ----

// Applies the slices of the plan (slice + rev) and inserts its new axes. Integer entries drop their
// dimension; array entries keep theirs whole.
Tensor apply_basic(const Tensor& y, const Plan& p, std::string_view op) {
  int rank = y.rank();
  Ints start(size_t(rank), 0), limit = to_ints(y.shape()), strides(size_t(rank), 1), reversed, out_shape;
  for (const Entry& e : p.entries) {
    switch (e.kind) {
      case Entry::Kind::NewAxis:
        out_shape.push_back(1);
        break;
      case Entry::Kind::Int: {
        Ints v = {e.value};
        normalize_host(v, y.shape()[size_t(e.dim)], e.axis, true, op);
        start[size_t(e.dim)] = v[0];
        limit[size_t(e.dim)] = v[0] + 1;
        break;
      }
      case Entry::Kind::Array:
        out_shape.push_back(y.shape()[size_t(e.dim)]);
        break;
      case Entry::Kind::Slice: {
        size_t d = size_t(e.dim);
        if (e.length == 0) {
          limit[d] = 0;
        } else if (e.step > 0) {
          start[d] = e.start;
          limit[d] = e.start + (e.length - 1) * e.step + 1;
          strides[d] = e.step;
        } else {
          // A negative step reads the range backwards: a positive stride from its lowest element, reversed.
          start[d] = e.start + (e.length - 1) * e.step;
          limit[d] = e.start + 1;
          strides[d] = -e.step;
          if (e.length > 1) reversed.push_back(e.dim);
        }
        out_shape.push_back(e.length);
        break;
      }
    }
  }
  bool whole = true;
  for (int d = 0; d < rank; ++d)
    whole =
        whole && start[size_t(d)] == 0 && limit[size_t(d)] == y.shape()[size_t(d)] && strides[size_t(d)] == 1;
  Tensor r = whole ? y : lax::slice(y, start, limit, strides);
  r = lax::rev(r, reversed);
  return lax::reshape(r, out_shape);
}

// x1[arrays at their entries, whole dimensions elsewhere], where x1 has one dimension per entry.
Tensor gather_arrays(const Tensor& x1, const Plan& p, std::optional<GatherScatterMode> mode,
                     const std::optional<Tensor>& fill_value, std::string_view op) {
  Ints block = array_block_shape(p, op);
  int64_t block_rank = int64_t(block.size());
  DType index_dtype = choose_index_dtype(p);
  bool check = !mode;
  Ints positions;
  std::vector<Component> comps;
  for (size_t i = 0; i < p.entries.size(); ++i) {
    const Entry& e = p.entries[i];
    if (e.kind != Entry::Kind::Array) continue;
    positions.push_back(int64_t(i));
    comps.push_back(array_component(e, x1.shape()[i], 0, block_rank, check, index_dtype, op));
    comps.back().dim = int64_t(i);
  }
  bool adjacent = advanced_adjacent(p, true);
  int64_t insert = adjacent ? positions.front() : 0;
  int64_t out_rank = block_rank + x1.rank() - int64_t(positions.size());
  Ints slice_sizes = to_ints(x1.shape()), out_shape;
  bool empty_block = product(block) == 0;
  for (int64_t d : positions) {
    if (x1.shape()[size_t(d)] == 0 && !empty_block)
      throw make_error(ErrorKind::Index, op, "expected a non-empty axis to index with an array, got axis ",
                       p.entries[size_t(d)].axis, " of size 0 (index out of bounds)");
    slice_sizes[size_t(d)] = std::min<int64_t>(1, x1.shape()[size_t(d)]);
  }
  Ints offset_dims;
  for (int64_t i = 0; i < out_rank; ++i)
    if (i < insert || i >= insert + block_rank) offset_dims.push_back(i);
  bool fill = mode == GatherScatterMode::FillOrDrop;

  // Scalar indices only (x[i] with a traced i): a dynamic_slice, whose start clamping is the clip mode.
  if (block.empty() && !fill && !empty_block &&
      std::all_of(positions.begin(), positions.end(), [&](int64_t d) { return x1.shape()[size_t(d)] > 0; })) {
    std::vector<Tensor> starts;
    size_t next = 0;
    for (int64_t d = 0; d < x1.rank(); ++d) {
      if (next < positions.size() && positions[next] == d) {
        const Component& c = comps[next++];
        starts.push_back(c.traced.is_traced() ? c.traced : host_index_tensor(c.host, {}, index_dtype));
      } else {
        starts.push_back(scalar_tensor_int(index_dtype, 0));
      }
    }
    Ints kept;
    for (int64_t d = 0; d < x1.rank(); ++d)
      if (std::find(positions.begin(), positions.end(), d) == positions.end())
        kept.push_back(x1.shape()[size_t(d)]);
    return lax::reshape(lax::dynamic_slice(x1, starts, slice_sizes), kept);
  }

  Tensor indices = build_indices(comps, block, index_dtype);
  lax::GatherDims dims{offset_dims, positions, positions, {}, {}};
  Tensor out =
      lax::gather(x1, indices, dims, slice_sizes, fill ? ir::IndexMode::FillOrDrop : ir::IndexMode::Clip);
  if (!fill_value) return out;

  // A custom fill value: select it where any index component is out of bounds.
  Ints bounds;
  for (int64_t d : positions) bounds.push_back(x1.shape()[size_t(d)]);
  Ints ishape = to_ints(indices.shape());
  Tensor lo_ok = lax::binary(Prim::Ge, indices, broadcast_scalar(scalar_tensor_int(index_dtype, 0), ishape));
  Tensor hi_ok =
      lax::binary(Prim::Lt, indices,
                  lax::broadcast_in_dim(host_index_tensor(bounds, {int64_t(bounds.size())}, index_dtype),
                                        ishape, {block_rank}));
  Tensor in_bounds = lax::reduce(Prim::ReduceAnd, lax::binary(Prim::And, lo_ok, hi_ok), {block_rank});
  Ints block_dims;
  for (int64_t i = 0; i < block_rank; ++i) block_dims.push_back(insert + i);
  Ints result_shape = to_ints(out.shape());
  Tensor mask = lax::broadcast_in_dim(in_bounds, result_shape, block_dims);
  Tensor filler = np::astype(*fill_value, out.dtype(), op);
  filler = np::broadcast_to(filler, out.shape(), op);
  return lax::select(mask, out, filler);
}

// ---- index_update ----

Prim scatter_prim(UpdateOp op, DType dtype) {
  bool is_bool = dtype == DType::Bool;
  switch (op) {
    case UpdateOp::Set:
      return Prim::Scatter;
    case UpdateOp::Add:
    case UpdateOp::Subtract:
      return is_bool ? Prim::ScatterMax : Prim::ScatterAdd;  // bool: logical or
    case UpdateOp::Multiply:
      return is_bool ? Prim::ScatterMin : Prim::ScatterMul;  // bool: logical and
    case UpdateOp::Min:
      return Prim::ScatterMin;
    case UpdateOp::Max:
      return Prim::ScatterMax;
    case UpdateOp::Divide:
    case UpdateOp::Power:
      break;
  }
  throw make_error(ErrorKind::Runtime, kUpdateOp, "expected a scatter update, got divide or power");
}

// The elementwise counterpart of a combining scatter, for updates of whole arrays.
Prim elementwise_prim(Prim scatter) {
  switch (scatter) {
    case Prim::ScatterAdd:
      return Prim::Add;
    case Prim::ScatterMul:
      return Prim::Mul;
    case Prim::ScatterMin:
      return Prim::Min;
    default:
      return Prim::Max;
  }
}

}  // namespace

Tensor getitem(const Tensor& x, const Index& index, std::optional<GatherScatterMode> mode,
               const std::optional<Tensor>& fill_value) {
  if (fill_value && mode && *mode != GatherScatterMode::FillOrDrop)
    throw make_error(ErrorKind::Value, kGetOp, "expected mode 'fill' with a fill_value, got another mode");
  if (fill_value) mode = GatherScatterMode::FillOrDrop;
  Plan p = normalize(x.shape(), index, kGetOp);
  Tensor y = p.expanded ? lax::reshape(x, to_ints(p.shape)) : x;
  // Integers join the gather when arrays are present (NumPy makes them advanced indices then), and under an
  // explicit mode when one is out of bounds (the mode decides what it reads).
  bool ints_in_gather = p.has_array;
  if (!ints_in_gather && mode)
    for (const Entry& e : p.entries) {
      int64_t n = p.shape[size_t(e.dim)];
      if (e.kind == Entry::Kind::Int && (e.value < -n || e.value >= n)) ints_in_gather = true;
    }
  if (!ints_in_gather) return apply_basic(y, p, kGetOp);
  for (Entry& e : p.entries)
    if (e.kind == Entry::Kind::Int) {
      e.kind = Entry::Kind::Array;
      e.array = scalar_tensor_int(DType::I64, e.value);
    }
  return gather_arrays(apply_basic(y, p, kGetOp), p, mode, fill_value, kGetOp);
}

Tensor index_update(const Tensor& x, const Index& index, const Tensor& values, UpdateOp op,
                    std::optional<GatherScatterMode> mode) {
  if (op == UpdateOp::Divide || op == UpdateOp::Power) {
    // As JAX: the combined factor of every update at each element, then one elementwise operation, so
    // repeated indices divide (raise) by the product of their values.
    Tensor ones = lax::broadcast_scalar(lax::full_like_scalar(x, 1.0), x.shape());
    Tensor factors = index_update(ones, index, values, UpdateOp::Multiply, mode);
    return op == UpdateOp::Divide ? np::true_divide(x, factors) : np::power(x, factors);
  }
  if (op == UpdateOp::Subtract && x.dtype() == DType::Bool)
    throw make_error(ErrorKind::Type, kUpdateOp, "expected a numeric array to subtract from, got ",
                     ir::to_string(x.type()), " (boolean subtract is not supported; use logical operations)");
  Plan p = normalize(x.shape(), index, kUpdateOp);
  bool check = !mode;
  DType index_dtype = choose_index_dtype(p);
  Ints block = p.has_array ? array_block_shape(p, kUpdateOp) : Ints{};
  int64_t block_rank = int64_t(block.size());
  bool adjacent = advanced_adjacent(p, true);

  // The indexed shape (x[index].shape) and how each of its dimensions reaches the scatter: dropped (new
  // axes), an update window, or a scatter (batch) dimension.
  Ints result_shape, y_shape, window_dims, batch_shape, reversed, inserted;
  std::vector<Component> comps;
  int64_t block_axis = -1;
  auto emit_block = [&] {
    block_axis = int64_t(batch_shape.size());
    for (int64_t s : block) {
      result_shape.push_back(s);
      y_shape.push_back(s);
      batch_shape.push_back(s);
    }
  };
  if (p.has_array && !adjacent) emit_block();
  for (const Entry& e : p.entries) {
    if (e.kind == Entry::Kind::NewAxis) {
      result_shape.push_back(1);
      continue;
    }
    int64_t n = p.shape[size_t(e.dim)];
    if (e.kind == Entry::Kind::Int || e.kind == Entry::Kind::Array) {
      if (p.has_array && block_axis < 0) emit_block();
      inserted.push_back(e.dim);
      if (e.kind == Entry::Kind::Int) {
        Ints v = {e.value};
        normalize_host(v, n, e.axis, check, kUpdateOp);
        comps.push_back(scalar_component(e.dim, v[0]));
      } else {
        comps.push_back(array_component(e, n, block_axis, block_rank, check, index_dtype, kUpdateOp));
      }
      continue;
    }
    // A slice: unit steps (and single elements) are windows, with a start index unless they cover the
    // dimension; other steps are scatter dimensions with the indices they read.
    int64_t len = e.length;
    result_shape.push_back(len);
    if (e.step == 1 || e.step == -1 || len <= 1) {
      int64_t lowest = e.step > 0 ? e.start : e.start + (len - 1) * e.step;
      if (len > 1 && e.step < 0) reversed.push_back(int64_t(y_shape.size()));
      if (len > 0 && !(lowest == 0 && len == n)) comps.push_back(scalar_component(e.dim, lowest));
      window_dims.push_back(int64_t(y_shape.size()));
      y_shape.push_back(len);
    } else {
      Component c;
      c.dim = e.dim;
      c.axes = {int64_t(batch_shape.size())};
      c.shape = {len};
      for (int64_t k = 0; k < len; ++k) c.host.push_back(e.start + k * e.step);
      comps.push_back(std::move(c));
      inserted.push_back(e.dim);
      y_shape.push_back(len);
      batch_shape.push_back(len);
    }
  }

  // The update, broadcast to the indexed shape. `set` casts the values to x's dtype; the combining updates
  // run in the promoted dtype of x and values and convert back, as JAX (x_int.at[i].add(0.5) twice adds
  // 1). A weak Python scalar takes x's dtype; one that does not fit raises OverflowError.
  std::vector<Tensor> operands = {x, values};
  DType dtype = op == UpdateOp::Set ? x.dtype() : result_type(std::span<const Tensor>(operands)).dtype;
  Tensor y = np::astype(values, dtype, kUpdateOp);
  // NumPy's assignment also accepts values with extra leading dimensions of size 1 (a[:] = b[None]).
  int64_t extra = y.rank() - int64_t(result_shape.size());
  if (extra > 0 &&
      std::all_of(y.shape().begin(), y.shape().begin() + extra, [](int64_t s) { return s == 1; }))
    y = lax::reshape(y, Ints(y.shape().begin() + extra, y.shape().end()));
  y = np::broadcast_to(y, to_shape(result_shape), kUpdateOp);
  if (product(result_shape) == 0) return x;
  Tensor xp = x.dtype() == dtype ? x : lax::convert_element_type(x, dtype, false);
  y = lax::rev(lax::reshape(y, y_shape), reversed);
  Prim prim = scatter_prim(op, dtype);
  if (op == UpdateOp::Subtract) y = lax::unary(Prim::Neg, y);

  if (comps.empty()) {
    // Every index is a whole-dimension slice: the update covers x elementwise.
    Tensor out = prim == Prim::Scatter ? y : lax::binary(elementwise_prim(prim), xp, y);
    return lax::convert_element_type(out, x.dtype(), x.weak());
  }
  Ints expanded_shape = to_ints(p.shape);
  if (p.expanded) xp = lax::reshape(xp, expanded_shape);
  std::sort(inserted.begin(), inserted.end());
  Ints to_operand;
  for (const Component& c : comps) to_operand.push_back(c.dim);
  Tensor indices = build_indices(comps, batch_shape, index_dtype);
  lax::ScatterDims dims{window_dims, inserted, to_operand, {}, {}};
  ir::IndexMode im = mode == GatherScatterMode::Clip ? ir::IndexMode::Clip : ir::IndexMode::FillOrDrop;
  Tensor out = lax::scatter(prim, xp, indices, y, dims, im);
  if (dtype != x.dtype()) {
    // Only the updated elements pass through the promoted dtype; the others keep their exact values (an
    // int64 beyond 2^24 does not survive a round trip through float32).
    Tensor none = broadcast_scalar(scalar_tensor_int(DType::Bool, 0), expanded_shape);
    Tensor all = broadcast_scalar(scalar_tensor_int(DType::Bool, 1), to_ints(y.shape()));
    Tensor touched = lax::scatter(Prim::Scatter, none, indices, all, dims, im);
    Tensor original = p.expanded ? lax::reshape(x, expanded_shape) : x;
    out = lax::select(touched, lax::convert_element_type(out, x.dtype(), false), original);
  }
  if (p.expanded) out = lax::reshape(out, to_ints(x.shape()));
  return lax::convert_element_type(out, x.dtype(), x.weak());
}

}  // namespace ember::frontend
