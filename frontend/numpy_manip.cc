// Array manipulation of the NumPy op library beyond reshape/transpose: joining, splitting, tiling,
// repeating, flipping, rolling, inserting and deleting (static indices), all as slices, concatenations,
// broadcasts and reshapes.
#include <numeric>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

// Concatenation that tolerates a single part and promotes (the parts have one rank).
Tensor join(std::vector<Tensor> parts, int64_t axis, std::string_view op) {
  return renamed(op, [&] { return concatenate(parts, axis); });
}

}  // namespace

std::vector<Tensor> broadcast_arrays(std::span<const Tensor> xs) {
  ir::Shape shape;
  for (const Tensor& x : xs) shape = broadcast_shapes(shape, x.shape(), "broadcast_arrays");
  std::vector<Tensor> out;
  for (const Tensor& x : xs) out.push_back(broadcast_to(canonical(x), shape, "broadcast_arrays"));
  return out;
}

Tensor matrix_transpose(const Tensor& x) {
  if (x.rank() < 2)
    throw make_error(ErrorKind::Value, "matrix_transpose", "expected an array of rank >= 2, got ",
                     ir::to_string(x.type()));
  return swapaxes(x, -1, -2);
}

Tensor rollaxis(const Tensor& x, int64_t axis, int64_t start) {
  int n = x.rank();
  int64_t a = normalize_axis(axis, n, "rollaxis");
  if (start < -n || start > n)
    throw make_error(ErrorKind::Value, "rollaxis", "expected start in [", -n, ", ", n, "], got ", start);
  int64_t s = start < 0 ? start + n : start;
  // NumPy's rule: the axis ends up before the axis that was at `start`.
  if (a < s) --s;
  if (a == s) return x;
  return moveaxis(x, {a}, {s});
}

Tensor atleast_nd(const Tensor& x0, int n) {
  Tensor x = canonical(x0);
  if (x.rank() >= n) return x;
  Ints shape = dims(x);
  if (n == 1) return lax::reshape(x, {1});
  if (n == 2) return lax::reshape(x, x.rank() == 0 ? Ints{1, 1} : Ints{1, shape[0]});
  // atleast_3d: (N,) -> (1, N, 1), (M, N) -> (M, N, 1).
  if (x.rank() == 0) return lax::reshape(x, {1, 1, 1});
  if (x.rank() == 1) return lax::reshape(x, {1, shape[0], 1});
  shape.push_back(1);
  return lax::reshape(x, shape);
}

Tensor hstack(std::span<const Tensor> xs) {
  std::vector<Tensor> parts;
  for (const Tensor& x : xs) parts.push_back(atleast_nd(x, 1));
  if (parts.empty()) throw make_error(ErrorKind::Value, "hstack", "expected at least one array, got none");
  return join(parts, parts[0].rank() == 1 ? 0 : 1, "hstack");
}

Tensor vstack(std::span<const Tensor> xs) {
  std::vector<Tensor> parts;
  for (const Tensor& x : xs) parts.push_back(atleast_nd(x, 2));
  return join(parts, 0, "vstack");
}

Tensor dstack(std::span<const Tensor> xs) {
  std::vector<Tensor> parts;
  for (const Tensor& x : xs) parts.push_back(atleast_nd(x, 3));
  return join(parts, 2, "dstack");
}

Tensor column_stack(std::span<const Tensor> xs) {
  std::vector<Tensor> parts;
  for (const Tensor& x0 : xs) {
    Tensor x = canonical(x0);
    parts.push_back(x.rank() < 2 ? lax::reshape(x, {x.numel(), 1}) : x);
  }
  return join(parts, 1, "column_stack");
}

std::vector<Tensor> unstack(const Tensor& x, int64_t axis) {
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, "unstack", "expected an array of rank >= 1, got ",
                     ir::to_string(x.type()));
  int64_t a = normalize_axis(axis, x.rank(), "unstack");
  std::vector<Tensor> out;
  Ints shape = dims(x);
  shape.erase(shape.begin() + a);
  for (int64_t i = 0; i < x.shape()[size_t(a)]; ++i)
    out.push_back(lax::reshape(slice_axis(x, a, i, i + 1), shape));
  return out;
}

std::vector<Tensor> split_at(const Tensor& x, const Ints& indices, int64_t axis) {
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, "split", "expected an array of rank >= 1, got ",
                     ir::to_string(x.type()));
  int64_t a = normalize_axis(axis, x.rank(), "split");
  int64_t n = x.shape()[size_t(a)];
  std::vector<Tensor> out;
  int64_t prev = 0;
  // Python slice semantics: indices are clamped to [0, n] (negative ones count from the end).
  auto clampi = [n](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n); };
  for (int64_t i : indices) {
    int64_t c = clampi(i);
    out.push_back(slice_axis(x, a, std::min(prev, n), std::max(c, std::min(prev, n))));
    prev = std::max(prev, c);
  }
  out.push_back(slice_axis(x, a, std::min(prev, n), n));
  return out;
}

std::vector<Tensor> array_split(const Tensor& x, int64_t sections, int64_t axis) {
  if (sections <= 0)
    throw make_error(ErrorKind::Value, "array_split", "expected a positive number of sections, got ",
                     sections);
  int64_t a = normalize_axis(axis, std::max(x.rank(), 1), "array_split");
  int64_t n = x.rank() == 0 ? 1 : x.shape()[size_t(a)];
  int64_t each = n / sections, extra = n % sections;
  Ints cuts;
  int64_t pos = 0;
  for (int64_t i = 0; i + 1 < sections; ++i) {
    pos += each + (i < extra ? 1 : 0);
    cuts.push_back(pos);
  }
  return split_at(x, cuts, a);
}

std::vector<Tensor> split(const Tensor& x, int64_t sections, int64_t axis) {
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, "split", "expected an array of rank >= 1, got ",
                     ir::to_string(x.type()));
  int64_t a = normalize_axis(axis, x.rank(), "split");
  if (sections <= 0 || x.shape()[size_t(a)] % sections != 0)
    throw make_error(ErrorKind::Value, "split", "expected a number of sections that divides axis ", a, " of ",
                     ir::to_string(x.type()), " equally, got ", sections);
  return array_split(x, sections, a);
}

Tensor tile(const Tensor& x0, const Ints& reps) {
  Tensor x = canonical(x0);
  for (int64_t r : reps)
    if (r < 0) throw make_error(ErrorKind::Value, "tile", "expected non-negative repetitions, got ", r);
  size_t d = std::max<size_t>(size_t(x.rank()), reps.size());
  Ints shape(d - size_t(x.rank()), 1), r(d - reps.size(), 1);
  for (int64_t s : x.shape()) shape.push_back(s);
  r.insert(r.end(), reps.begin(), reps.end());
  // Broadcast to (r0, s0, r1, s1, ...) and merge each pair.
  Ints wide, bdims, out;
  for (size_t i = 0; i < d; ++i) {
    wide.push_back(r[i]);
    wide.push_back(shape[i]);
    bdims.push_back(int64_t(2 * i + 1));
    out.push_back(r[i] * shape[i]);
  }
  Tensor b = lax::broadcast_in_dim(lax::reshape(x, shape), wide, bdims);
  return lax::reshape(b, out);
}

Tensor repeat(const Tensor& x0, const Ints& repeats, std::optional<int64_t> axis) {
  Tensor x = canonical(x0);
  if (!axis) x = ravel(x);
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), "repeat");
  int64_t n = x.shape()[size_t(a)];
  for (int64_t r : repeats)
    if (r < 0) throw make_error(ErrorKind::Value, "repeat", "expected non-negative repeats, got ", r);
  if (repeats.size() == 1) {
    // Insert a new axis after `a`, broadcast it to the count and merge.
    int64_t r = repeats[0];
    Ints shape = dims(x), wide, bdims, out = dims(x);
    for (int i = 0; i < x.rank(); ++i) {
      wide.push_back(shape[size_t(i)]);
      bdims.push_back(int64_t(wide.size()) - 1);
      if (i == a) wide.push_back(r);
    }
    out[size_t(a)] = n * r;
    return lax::reshape(lax::broadcast_in_dim(x, wide, bdims), out);
  }
  if (int64_t(repeats.size()) != n)
    throw make_error(ErrorKind::Value, "repeat", "expected one repeat count or ", n, " of them, got ",
                     repeats.size());
  // Per-element counts: the static indices 0,0,1,2,2,2,... along the axis.
  Ints idx;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < repeats[size_t(i)]; ++k) idx.push_back(i);
  Tensor idx_t = tensor_from_bytes(ir::Type{DType::I64, {int64_t(idx.size())}, false}, idx.data());
  return take(x, idx_t, a, TakeMode::Clip);
}

Tensor flip(const Tensor& x, const Axes& axis) { return lax::rev(x, normalize_axes(axis, x.rank(), "flip")); }

Tensor roll(const Tensor& x0, const Ints& shift, const Axes& axis) {
  Tensor x = canonical(x0);
  if (!axis) {
    if (shift.size() != 1)
      throw make_error(ErrorKind::Value, "roll", "expected one shift without an axis, got ", shift.size());
    return lax::reshape(roll(ravel(x), shift, Ints{0}), dims(x));
  }
  if (shift.size() != axis->size() && shift.size() != 1 && axis->size() != 1)
    throw make_error(ErrorKind::Value, "roll", "expected as many shifts as axes, got ", shift.size(), " and ",
                     axis->size());
  size_t k = std::max(shift.size(), axis->size());
  // Shifts on one axis add up (NumPy broadcasts shift against axis).
  Ints total(size_t(x.rank()), 0);
  for (size_t i = 0; i < k; ++i) {
    int64_t a = normalize_axis((*axis)[axis->size() == 1 ? 0 : i], x.rank(), "roll");
    total[size_t(a)] += shift[shift.size() == 1 ? 0 : i];
  }
  for (int a = 0; a < x.rank(); ++a) {
    int64_t n = x.shape()[size_t(a)];
    if (n == 0) continue;
    int64_t s = ((total[size_t(a)] % n) + n) % n;
    if (s == 0) continue;
    x = join({slice_axis(x, a, n - s, n), slice_axis(x, a, 0, n - s)}, a, "roll");
  }
  return x;
}

Tensor rot90(const Tensor& x, int64_t k, std::pair<int64_t, int64_t> axes) {
  if (x.rank() < 2)
    throw make_error(ErrorKind::Value, "rot90", "expected an array of rank >= 2, got ",
                     ir::to_string(x.type()));
  int64_t a0 = normalize_axis(axes.first, x.rank(), "rot90"),
          a1 = normalize_axis(axes.second, x.rank(), "rot90");
  if (a0 == a1)
    throw make_error(ErrorKind::Value, "rot90", "expected two different axes, got ", a0, " twice");
  k = ((k % 4) + 4) % 4;
  if (k == 0) return x;
  if (k == 2) return lax::rev(x, normalize_axes(Ints{a0, a1}, x.rank(), "rot90"));
  Ints perm = iota_ints(x.rank());
  std::swap(perm[size_t(a0)], perm[size_t(a1)]);
  if (k == 1) return lax::transpose(lax::rev(x, {a1}), perm);
  return lax::rev(lax::transpose(x, perm), {a1});
}

Tensor append(const Tensor& x, const Tensor& values, std::optional<int64_t> axis) {
  if (!axis) return join({ravel(canonical(x)), ravel(canonical(values))}, 0, "append");
  return join({canonical(x), canonical(values)}, *axis, "append");
}

Tensor insert(const Tensor& x0, const Ints& index, const Tensor& values0, std::optional<int64_t> axis,
              bool scalar_index) {
  Tensor x = canonical(x0);
  if (!axis) x = ravel(x);
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), "insert");
  int64_t n = x.shape()[size_t(a)];
  Tensor values = astype(values0, x.dtype(), "insert");
  // values gain leading size-1 dimensions up to x's rank (NumPy's ndmin).
  if (values.rank() < x.rank()) {
    Ints s(size_t(x.rank() - values.rank()), 1);
    for (int64_t d : values.shape()) s.push_back(d);
    values = lax::reshape(values, s);
  }
  auto norm = [&](int64_t i) {
    if (i < -n || i > n)
      throw make_error(ErrorKind::Index, "insert", "index ", i, " is out of bounds for axis ", a,
                       " with size ", n);
    return i < 0 ? i + n : i;
  };
  Ints block_shape = dims(x);
  if (scalar_index) {
    // A scalar index inserts all values as one block; NumPy moves values' first axis to `axis`.
    int64_t at = norm(index.at(0));
    if (values.rank() > 0) values = moveaxis(values, {0}, {a});
    block_shape[size_t(a)] = values.rank() > a ? values.shape()[size_t(a)] : 1;
    Tensor block = broadcast_to(values, to_shape(block_shape), "insert");
    return join({slice_axis(x, a, 0, at), block, slice_axis(x, a, at, n)}, a, "insert");
  }
  int64_t k = int64_t(index.size());
  block_shape[size_t(a)] = k;
  Tensor block = broadcast_to(values, to_shape(block_shape), "insert");
  // Value j goes before original position index[j]; ties keep the given order (a stable sort).
  std::vector<std::pair<int64_t, int64_t>> order;
  for (int64_t j = 0; j < k; ++j) order.emplace_back(norm(index[size_t(j)]), j);
  std::stable_sort(order.begin(), order.end(), [](auto& l, auto& r) { return l.first < r.first; });
  std::vector<Tensor> parts;
  int64_t prev = 0;
  for (auto [at, j] : order) {
    if (at > prev) parts.push_back(slice_axis(x, a, prev, at));
    parts.push_back(slice_axis(block, a, j, j + 1));
    prev = at;
  }
  parts.push_back(slice_axis(x, a, prev, n));
  return join(parts, a, "insert");
}

Tensor delete_(const Tensor& x0, const Ints& index, std::optional<int64_t> axis) {
  Tensor x = canonical(x0);
  if (!axis) x = ravel(x);
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), "delete");
  int64_t n = x.shape()[size_t(a)];
  std::vector<bool> keep(size_t(n), true);
  for (int64_t i : index) {
    if (i < -n || i >= n)
      throw make_error(ErrorKind::Index, "delete", "index ", i, " is out of bounds for axis ", a,
                       " with size ", n);
    keep[size_t(i < 0 ? i + n : i)] = false;
  }
  // The kept runs, concatenated.
  std::vector<Tensor> parts;
  for (int64_t i = 0; i < n;) {
    if (!keep[size_t(i)]) {
      ++i;
      continue;
    }
    int64_t j = i;
    while (j < n && keep[size_t(j)]) ++j;
    parts.push_back(slice_axis(x, a, i, j));
    i = j;
  }
  if (parts.empty()) return slice_axis(x, a, 0, 0);
  return join(parts, a, "delete");
}

Tensor resize(const Tensor& x0, const Ints& shape) {
  Tensor x = canonical(x0);
  int64_t total = 1;
  for (int64_t d : shape) {
    if (d < 0) throw make_error(ErrorKind::Value, "resize", "expected non-negative dimensions, got ", d);
    total *= d;
  }
  Tensor flat = ravel(x);
  int64_t n = flat.numel();
  if (n == 0)
    return full(shape, lax::convert_element_type(lax::full_like_scalar(x, 0), x.dtype()), x.dtype());
  // The flattened data repeated as often as needed, cut to size.
  Tensor rep = tile(flat, {(total + n - 1) / n});
  return lax::reshape(slice_axis(rep, 0, 0, total), shape);
}

Tensor trim_zeros(const Tensor& x0, std::string_view trim) {
  Tensor x = canonical(x0);
  if (x.rank() != 1)
    throw make_error(ErrorKind::Value, "trim_zeros", "expected a 1-d array, got ", ir::to_string(x.type()));
  bool front = trim.find_first_of("fF") != std::string_view::npos;
  bool back = trim.find_first_of("bB") != std::string_view::npos;
  std::vector<bool> nz = concrete_nonzero(x, "trim_zeros");
  int64_t n = int64_t(nz.size()), lo = 0, hi = n;
  if (front)
    while (lo < n && !nz[size_t(lo)]) ++lo;
  if (back)
    while (hi > lo && !nz[size_t(hi - 1)]) --hi;
  return slice_axis(x, 0, lo, std::max(lo, hi));
}

Tensor select(std::span<const Tensor> condlist, std::span<const Tensor> choicelist,
              const Tensor& default_value) {
  if (condlist.size() != choicelist.size())
    throw make_error(ErrorKind::Value, "select", "expected as many conditions as choices, got ",
                     condlist.size(), " and ", choicelist.size());
  std::vector<Tensor> all_values(choicelist.begin(), choicelist.end());
  all_values.push_back(default_value);
  PromotedType pt = result_type(std::span<const Tensor>(all_values));
  Tensor out = convert(default_value, pt.dtype, pt.weak, "select");
  // The first true condition wins: apply them from the last to the first.
  for (size_t i = condlist.size(); i-- > 0;) {
    if (condlist[i].dtype() != DType::Bool)
      throw make_error(ErrorKind::Type, "select", "expected boolean conditions, got ",
                       ir::to_string(condlist[i].type()));
    out = where(condlist[i], convert(choicelist[i], pt.dtype, pt.weak, "select"), out);
  }
  return out;
}

Tensor choose(const Tensor& a0, std::span<const Tensor> choices, std::string_view mode) {
  Tensor a = canonical(a0);
  if (!ir::is_int(a.dtype()))
    throw make_error(ErrorKind::Type, "choose", "expected integer indices, got ", ir::to_string(a.type()));
  if (choices.empty()) throw make_error(ErrorKind::Value, "choose", "expected at least one choice, got none");
  int64_t n = int64_t(choices.size());
  if (mode == "wrap") {
    a = remainder(a, scalar_tensor_int(a.dtype(), n, true));
  } else if (mode == "clip") {
    a = clip(a, scalar_tensor_int(a.dtype(), 0, true), scalar_tensor_int(a.dtype(), n - 1, true));
  } else if (mode == "raise") {
    if (a.is_concrete())
      for (int64_t v : concrete_ints(a, "choose"))
        if (v < 0 || v >= n)
          throw make_error(ErrorKind::Index, "choose", "expected indices in [0, ", n, "), got ", v);
    // Traced indices are clipped (DESIGN §3).
    a = clip(a, scalar_tensor_int(a.dtype(), 0, true), scalar_tensor_int(a.dtype(), n - 1, true));
  } else {
    throw make_error(ErrorKind::Value, "choose", "expected mode 'raise', 'wrap' or 'clip', got '", mode, "'");
  }
  std::vector<Tensor> all_values(choices.begin(), choices.end());
  all_values.push_back(a);
  std::vector<Tensor> b = broadcast_arrays(all_values);
  Tensor idx = b.back();
  b.pop_back();
  std::vector<Tensor> promoted = promote_and_broadcast(b, "choose");
  // One select per choice (the number of choices is small and static).
  Tensor out = promoted[0];
  for (int64_t i = 1; i < n; ++i)
    out = lax::select(lax::binary(Prim::Eq, idx, scalar_like(idx, double(i))), promoted[size_t(i)], out);
  return out;
}

Tensor copy(const Tensor& x) { return canonical(x); }

}  // namespace ember::frontend::np
