// Sorting, searching and set functions of the NumPy op library, built on the sort primitive (NumPy's
// order: NaNs last) with static result sizes; functions whose result size depends on the data take a
// `size` or need concrete input.
#include <cmath>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

// (x, axis) with axis None meaning the flattened array.
std::pair<Tensor, int64_t> sort_operand(const Tensor& x0, std::optional<int64_t> axis, std::string_view op) {
  Tensor x = canonical(x0);
  if (!axis) return {ravel(x), 0};
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, op, "expected an array of rank >= 1, got ", ir::to_string(x.type()));
  return {x, normalize_axis(*axis, x.rank(), op)};
}

Tensor ascending_argsort(const Tensor& x, int64_t axis, bool stable) {
  std::vector<Tensor> ops = {x, lax::iota(DType::I64, dims(x), axis)};
  return lax::sort(ops, axis, stable, 1)[1];
}

void check_kth(const Ints& kth, int64_t n, std::string_view op) {
  for (int64_t k : kth)
    if (k < -n || k >= n)
      throw make_error(ErrorKind::Value, op, "expected kth in [", -n, ", ", n, "), got ", k);
}

// Entries of a sorted 1-d array that differ from their predecessor (the first is always new).
Tensor first_of_runs(const Tensor& sorted, bool equal_nan) {
  int64_t n = sorted.shape()[0];
  Tensor head = constant(DType::Bool, 1, {std::min<int64_t>(n, 1)});
  if (n <= 1) return head;
  Tensor a = slice_axis(sorted, 0, 1, n), b = slice_axis(sorted, 0, 0, n - 1);
  Tensor differ = lax::binary(Prim::Ne, a, b);
  if (equal_nan && ir::is_inexact(sorted.dtype()))
    differ =
        lax::binary(Prim::And, differ, lax::unary(Prim::Not, lax::binary(Prim::And, isnan(a), isnan(b))));
  return lax::concatenate(std::vector<Tensor>{head, differ}, 0);
}

std::pair<Tensor, Tensor> true_positions(const Tensor& mask, int64_t size) {
  int64_t n = mask.numel();
  Tensor count = sum(mask, {}, DType::I64);
  Tensor pos;
  if (n == 0) return {int_constant(DType::I64, 0, {size}), count};
  std::vector<Tensor> ops = {lax::unary(Prim::Not, mask), lax::iota(DType::I64, {n}, 0)};
  Tensor perm = lax::sort(ops, 0, true, 1)[1];
  pos = size <= n ? slice_axis(perm, 0, 0, size)
                  : lax::pad(perm, scalar_tensor_int(DType::I64, 0), {0}, {size - n}, {0});
  return {pos, count};
}

int64_t static_size(const Tensor& count, std::optional<int64_t> size, const Tensor& x, std::string_view op) {
  if (size) {
    if (*size < 0) throw make_error(ErrorKind::Value, op, "expected a non-negative size, got ", *size);
    return *size;
  }
  if (!count.is_concrete()) throw concretization_error(x, std::string(op) + " without a static size=");
  return concrete_int(count, op);
}

}  // namespace

Tensor sort(const Tensor& x0, std::optional<int64_t> axis, bool stable, bool descending) {
  auto [x, a] = sort_operand(x0, axis, "sort");
  if (descending) return lax::rev(lax::sort(std::vector<Tensor>{lax::rev(x, {a})}, a, stable, 1)[0], {a});
  return lax::sort(std::vector<Tensor>{x}, a, stable, 1)[0];
}

Tensor argsort(const Tensor& x0, std::optional<int64_t> axis, bool stable, bool descending) {
  auto [x, a] = sort_operand(x0, axis, "argsort");
  if (!descending) return ascending_argsort(x, a, stable);
  // Descending and stable: sort the reversed array, reverse the order and map indices back.
  int64_t n = x.shape()[size_t(a)];
  Tensor p = lax::rev(ascending_argsort(lax::rev(x, {a}), a, stable), {a});
  return lax::binary(Prim::Sub, int_constant(DType::I64, n - 1, p.shape()), p);
}

Tensor lexsort(std::span<const Tensor> keys, int64_t axis) {
  if (keys.empty()) throw make_error(ErrorKind::Value, "lexsort", "expected at least one key, got none");
  std::vector<Tensor> ks;
  for (const Tensor& k : keys) ks.push_back(canonical(k));
  std::vector<Tensor> b = broadcast_arrays(ks);
  if (b[0].rank() == 0)
    throw make_error(ErrorKind::Value, "lexsort", "expected keys of rank >= 1, got 0-d keys");
  int64_t a = normalize_axis(axis, b[0].rank(), "lexsort");
  // The last key is the primary one.
  std::vector<Tensor> ops(b.rbegin(), b.rend());
  ops.push_back(lax::iota(DType::I64, dims(b[0]), a));
  return lax::sort(ops, a, true, int64_t(b.size())).back();
}

Tensor sort_complex(const Tensor& x0) {
  Tensor x = canonical(x0);
  DType d = ir::is_complex(x.dtype()) ? x.dtype() : (x.dtype() == DType::F64 ? DType::C128 : DType::C64);
  return astype(sort(x, -1), d, "sort_complex");
}

Tensor partition(const Tensor& x0, const Ints& kth, std::optional<int64_t> axis) {
  auto [x, a] = sort_operand(x0, axis, "partition");
  check_kth(kth, x.shape()[size_t(a)], "partition");
  return sort(x, a);
}

Tensor argpartition(const Tensor& x0, const Ints& kth, std::optional<int64_t> axis) {
  auto [x, a] = sort_operand(x0, axis, "argpartition");
  check_kth(kth, x.shape()[size_t(a)], "argpartition");
  return argsort(x, a);
}

Tensor searchsorted(const Tensor& a0, const Tensor& v0, std::string_view side,
                    const std::optional<Tensor>& sorter, std::string_view method) {
  if (side != "left" && side != "right")
    throw make_error(ErrorKind::Value, "searchsorted", "expected side 'left' or 'right', got '", side, "'");
  Tensor a1 = canonical(a0);
  if (a1.rank() != 1)
    throw make_error(ErrorKind::Value, "searchsorted", "expected a 1-d sorted array, got ",
                     ir::to_string(a1.type()));
  if (sorter) a1 = take(a1, *sorter, 0);
  Tensor pair[2] = {a1, v0};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  Tensor a = convert(a1, pt.dtype, false, "searchsorted"), v = convert(v0, pt.dtype, false, "searchsorted");
  int64_t n = a.shape()[0], m = v.numel();
  bool left = side == "left";
  Ints vshape = dims(v);
  Tensor vf = ravel(v);
  if (method == "auto") method = double(n) * double(m) <= double(1 << 20) ? "compare_all" : "scan";
  if (method == "compare_all") {
    // Position = the number of entries below v (left) or not above v (right).
    Tensor av = lax::broadcast_in_dim(a, {m, n}, {1}), vv = lax::broadcast_in_dim(vf, {m, n}, {0});
    Tensor below = left ? sort_less(av, vv) : lax::unary(Prim::Not, sort_less(vv, av));
    return lax::reshape(sum(below, Ints{1}, DType::I64), vshape);
  }
  if (method != "scan")
    throw make_error(ErrorKind::Value, "searchsorted",
                     "expected method 'auto', 'scan' or 'compare_all', got '", method, "'");
  // Binary search: ceil(log2(n + 1)) halvings of [lo, hi), each a gather of a at the midpoints.
  Tensor lo = int_constant(DType::I64, 0, {m}), hi = int_constant(DType::I64, n, {m});
  int steps = 0;
  while ((int64_t(1) << steps) <= n) ++steps;
  Tensor one = int_constant(DType::I64, 1, {m});
  for (int s = 0; s < steps && n > 0; ++s) {
    Tensor mid = lax::binary(Prim::ShiftRightLogical, lax::binary(Prim::Add, lo, hi), one);
    Tensor am = take(a, mid, 0, TakeMode::Clip);
    Tensor right = left ? sort_less(am, vf) : lax::unary(Prim::Not, sort_less(vf, am));
    Tensor active = lax::binary(Prim::Lt, lo, hi);
    lo = lax::select(lax::binary(Prim::And, active, right), lax::binary(Prim::Add, mid, one), lo);
    hi = lax::select(lax::binary(Prim::And, active, lax::unary(Prim::Not, right)), mid, hi);
  }
  return lax::reshape(lo, vshape);
}

UniqueResult unique(const Tensor& x0, std::optional<int64_t> axis, bool equal_nan,
                    std::optional<int64_t> size, const std::optional<Tensor>& fill_value) {
  Tensor x = canonical(x0);
  Tensor rows;  // (n, R): the entries (axis None, R = 1) or the slices along axis
  int64_t a = 0;
  Ints rest;
  if (!axis) {
    rows = lax::reshape(x, {x.numel(), 1});
  } else {
    if (x.rank() == 0)
      throw make_error(ErrorKind::Value, "unique", "expected an array of rank >= 1 with an axis, got ",
                       ir::to_string(x.type()));
    a = normalize_axis(*axis, x.rank(), "unique");
    Tensor m = moveaxis(x, {a}, {0});
    rest.assign(m.shape().begin() + 1, m.shape().end());
    int64_t r = 1;
    for (int64_t d : rest) r *= d;
    rows = lax::reshape(m, {m.shape()[0], r});
  }
  int64_t n = rows.shape()[0], r = rows.shape()[1];
  std::vector<Tensor> cols;
  for (int64_t j = 0; j < r; ++j) cols.push_back(lax::reshape(slice_axis(rows, 1, j, j + 1), {n}));
  UniqueResult out;
  if (n == 0 || r == 0) {
    // Nothing to compare: every slice equals every other (r == 0) or there are none (n == 0).
    int64_t k = size.value_or(n == 0 ? 0 : 1);
    Ints vshape = {k};
    vshape.insert(vshape.end(), rest.begin(), rest.end());
    Tensor v = lax::broadcast_scalar(
        lax::convert_element_type(fill_value ? astype(*fill_value, x.dtype()) : lax::full_like_scalar(x, 0),
                                  x.dtype(), false),
        to_shape(vshape));
    out.values = axis ? moveaxis(v, {0}, {a}) : v;
    out.indices = int_constant(DType::I64, 0, {k});
    out.inverse = axis ? int_constant(DType::I64, 0, {n}) : int_constant(DType::I64, 0, x.shape());
    out.counts = int_constant(DType::I64, n == 0 ? 0 : n, {k});
    return out;
  }
  // Lexicographic sort of the slices (the first column most significant), stable: the first occurrence of
  // each slice leads its run.
  std::vector<Tensor> ops = cols;
  ops.push_back(lax::iota(DType::I64, {n}, 0));
  std::vector<Tensor> sorted = lax::sort(ops, 0, true, r);
  Tensor perm = sorted.back();
  Tensor mask = first_of_runs(sorted[0], equal_nan);
  for (int64_t j = 1; j < r; ++j)
    mask = lax::binary(Prim::Or, mask, first_of_runs(sorted[size_t(j)], equal_nan));
  Tensor count = sum(mask, {}, DType::I64);
  int64_t k = static_size(count, size, x, "unique");
  auto [pos, cnt] = true_positions(mask, k);
  Tensor valid = lax::binary(Prim::Lt, lax::iota(DType::I64, {k}, 0), lax::broadcast_scalar(count, {k}));
  std::vector<Tensor> sorted_cols(sorted.begin(), sorted.end() - 1);
  Tensor sorted_rows = stack(sorted_cols, 1);               // (n, r)
  Tensor vals = take(sorted_rows, pos, 0, TakeMode::Clip);  // (k, r)
  Tensor fill = fill_value ? astype(*fill_value, x.dtype(), "unique")
                           : lax::reshape(slice_axis(sorted_rows, 0, 0, 1), {1, r});
  vals = lax::select(lax::broadcast_in_dim(valid, {k, r}, {0}), vals,
                     broadcast_to(fill, vals.shape(), "unique"));
  Ints vshape = {k};
  if (axis) vshape.insert(vshape.end(), rest.begin(), rest.end());
  out.values = lax::reshape(vals, vshape);
  if (axis) out.values = moveaxis(out.values, {0}, {a});
  out.indices = lax::select(valid, take(perm, pos, 0, TakeMode::Clip), int_constant(DType::I64, 0, {k}));
  // The run (group) of each sorted entry, sent back to the original positions by the inverse permutation.
  Tensor group = lax::binary(Prim::Sub, cumsum(mask, 0, DType::I64), int_constant(DType::I64, 1, {n}));
  Tensor inv_perm = ascending_argsort(perm, 0, false);
  Tensor inverse = take(group, inv_perm, 0, TakeMode::Clip);
  out.inverse = axis ? inverse : lax::reshape(inverse, dims(x));
  Tensor next =
      lax::concatenate(std::vector<Tensor>{slice_axis(pos, 0, 1, k), int_constant(DType::I64, n, {1})}, 0);
  Tensor last = lax::binary(
      Prim::Ge, lax::binary(Prim::Add, lax::iota(DType::I64, {k}, 0), int_constant(DType::I64, 1, {k})),
      lax::broadcast_scalar(count, {k}));
  next = lax::select(last, int_constant(DType::I64, n, {k}), next);
  out.counts = lax::select(valid, lax::binary(Prim::Sub, next, pos), int_constant(DType::I64, 0, {k}));
  return out;
}

Tensor isin(const Tensor& element, const Tensor& test_elements, bool invert) {
  Tensor e = canonical(element), t = ravel(canonical(test_elements));
  int64_t n = e.numel(), m = t.numel();
  Tensor found;
  if (m == 0) {
    found = constant(DType::Bool, 0, e.shape());
  } else if (double(n) * double(m) <= double(1 << 22)) {
    // Every element against every test element.
    Tensor ef = ravel(e);
    Tensor eq = equal(lax::broadcast_in_dim(ef, {n, m}, {0}), lax::broadcast_in_dim(t, {n, m}, {1}));
    found = lax::reshape(any(eq, Ints{1}), dims(e));
  } else {
    // Large inputs: binary search in the sorted test elements.
    Tensor pair[2] = {e, t};
    PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
    Tensor ts = sort(astype(t, pt.dtype), 0), ec = astype(e, pt.dtype);
    Tensor pos = searchsorted(ts, ec, "left", {}, "scan");
    found = lax::binary(Prim::Eq, take(ts, pos, 0, TakeMode::Clip), ec);
  }
  return invert ? lax::unary(Prim::Not, found) : found;
}

namespace {

// The entries of a 1-d array where mask is true, in order, as a static `size` (or all of them, concrete
// input); padding repeats the first entry.
Tensor masked(const Tensor& values, const Tensor& mask, std::optional<int64_t> size, std::string_view op) {
  Tensor count = sum(mask, {}, DType::I64);
  int64_t k = static_size(count, size, values, op);
  auto [pos, cnt] = true_positions(mask, k);
  Tensor valid = lax::binary(Prim::Lt, lax::iota(DType::I64, {k}, 0), lax::broadcast_scalar(count, {k}));
  if (values.numel() == 0)
    return lax::broadcast_scalar(
        lax::convert_element_type(lax::full_like_scalar(values, 0), values.dtype(), false), {k});
  Tensor v = take(values, pos, 0, TakeMode::Clip);
  Tensor fill = lax::broadcast_scalar(lax::reshape(slice_axis(values, 0, 0, 1), {}), {k});
  return lax::select(valid, v, fill);
}

// A sorted 1-d copy and the mask of its first occurrences (everything when assume_unique).
std::pair<Tensor, Tensor> sorted_firsts(const Tensor& x, bool assume_unique) {
  Tensor s = sort(ravel(canonical(x)), 0);
  int64_t n = s.numel();
  Tensor first = assume_unique || n == 0 ? constant(DType::Bool, 1, {n}) : first_of_runs(s, true);
  return {s, first};
}

std::pair<Tensor, Tensor> promoted(const Tensor& a, const Tensor& b, std::string_view op) {
  Tensor pair[2] = {canonical(a), canonical(b)};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  return {astype(pair[0], pt.dtype, op), astype(pair[1], pt.dtype, op)};
}

}  // namespace

Tensor intersect1d(const Tensor& a0, const Tensor& b0, bool assume_unique, std::optional<int64_t> size) {
  auto [a, b] = promoted(a0, b0, "intersect1d");
  auto [sa, first] = sorted_firsts(a, assume_unique);
  return masked(sa, lax::binary(Prim::And, first, isin(sa, b)), size, "intersect1d");
}

Tensor union1d(const Tensor& a, const Tensor& b, std::optional<int64_t> size) {
  Tensor cat = concatenate(std::vector<Tensor>{ravel(canonical(a)), ravel(canonical(b))}, 0);
  return unique(cat, {}, true, size).values;
}

Tensor setdiff1d(const Tensor& a0, const Tensor& b0, bool assume_unique, std::optional<int64_t> size) {
  auto [a, b] = promoted(a0, b0, "setdiff1d");
  auto [sa, first] = sorted_firsts(a, assume_unique);
  return masked(sa, lax::binary(Prim::And, first, isin(sa, b, true)), size, "setdiff1d");
}

Tensor setxor1d(const Tensor& a0, const Tensor& b0, bool assume_unique, std::optional<int64_t> size) {
  auto [a, b] = promoted(a0, b0, "setxor1d");
  auto [sa, fa] = sorted_firsts(a, assume_unique);
  auto [sb, fb] = sorted_firsts(b, assume_unique);
  // The distinct values of each array that the other lacks, merged in order: a stable sort that brings the
  // kept values first, ascending.
  Tensor ka = lax::binary(Prim::And, fa, isin(sa, b, true)),
         kb = lax::binary(Prim::And, fb, isin(sb, a, true));
  Tensor vals = concatenate(std::vector<Tensor>{sa, sb}, 0),
         keep = concatenate(std::vector<Tensor>{ka, kb}, 0);
  int64_t n = vals.numel();
  Tensor count = sum(keep, {}, DType::I64);
  int64_t k = static_size(count, size, vals, "setxor1d");
  if (n == 0) return masked(vals, keep, k, "setxor1d");
  std::vector<Tensor> ops = {lax::unary(Prim::Not, keep), vals};
  Tensor merged = lax::sort(ops, 0, true, 2)[1];
  Tensor out =
      k <= n ? slice_axis(merged, 0, 0, k)
             : lax::pad(merged,
                        lax::convert_element_type(lax::full_like_scalar(merged, 0), merged.dtype(), false),
                        {0}, {k - n}, {0});
  Tensor valid = lax::binary(Prim::Lt, lax::iota(DType::I64, {k}, 0), lax::broadcast_scalar(count, {k}));
  Tensor fill = lax::broadcast_scalar(lax::reshape(slice_axis(merged, 0, 0, 1), {}), {k});
  return lax::select(valid, out, fill);
}

Tensor packbits(const Tensor& x0, std::optional<int64_t> axis, std::string_view bitorder) {
  Tensor x = canonical(x0);
  if (!ir::is_int(x.dtype()) && x.dtype() != DType::Bool)
    throw make_error(ErrorKind::Type, "packbits", "expected an integer or bool array, got ",
                     ir::to_string(x.type()));
  if (bitorder != "big" && bitorder != "little")
    throw make_error(ErrorKind::Value, "packbits", "expected bitorder 'big' or 'little', got '", bitorder,
                     "'");
  if (!axis) x = ravel(x);
  int64_t a = normalize_axis(axis.value_or(0), std::max(x.rank(), 1), "packbits");
  if (x.rank() == 0) x = lax::reshape(x, {1});
  int64_t n = x.shape()[size_t(a)], packed = (n + 7) / 8;
  Tensor bits = lax::convert_element_type(to_bool(x), DType::U8);
  Ints low(size_t(x.rank()), 0), high(size_t(x.rank()), 0), interior(size_t(x.rank()), 0);
  high[size_t(a)] = packed * 8 - n;
  bits = lax::pad(bits, scalar_tensor_int(DType::U8, 0), low, high, interior);
  Ints shape = dims(bits);
  shape[size_t(a)] = packed;
  shape.insert(shape.begin() + a + 1, 8);
  bits = lax::reshape(bits, shape);
  // Bit k of each group of 8 moves to its place: 7 - k (big) or k (little).
  Tensor k = lax::iota(DType::U8, shape, a + 1);
  if (bitorder == "big") k = lax::binary(Prim::Sub, int_constant(DType::U8, 7, to_shape(shape)), k);
  Tensor placed = lax::binary(Prim::ShiftLeft, bits, k);
  return lax::reduce(Prim::ReduceOr, placed, {a + 1});
}

Tensor unpackbits(const Tensor& x0, std::optional<int64_t> axis, std::optional<int64_t> count,
                  std::string_view bitorder) {
  Tensor x = canonical(x0);
  if (x.dtype() != DType::U8)
    throw make_error(ErrorKind::Type, "unpackbits", "expected a uint8 array, got ", ir::to_string(x.type()));
  if (bitorder != "big" && bitorder != "little")
    throw make_error(ErrorKind::Value, "unpackbits", "expected bitorder 'big' or 'little', got '", bitorder,
                     "'");
  if (!axis) x = ravel(x);
  if (x.rank() == 0) x = lax::reshape(x, {1});
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), "unpackbits");
  Ints shape = dims(x);
  shape.insert(shape.begin() + a + 1, 8);
  Ints bd;
  for (int i = 0; i < x.rank(); ++i) bd.push_back(i <= a ? i : i + 1);
  Tensor wide = lax::broadcast_in_dim(x, shape, bd);
  Tensor k = lax::iota(DType::U8, shape, a + 1);
  if (bitorder == "big") k = lax::binary(Prim::Sub, int_constant(DType::U8, 7, to_shape(shape)), k);
  Tensor bits = lax::binary(Prim::And, lax::binary(Prim::ShiftRightLogical, wide, k),
                            int_constant(DType::U8, 1, to_shape(shape)));
  Ints out = dims(x);
  out[size_t(a)] *= 8;
  bits = lax::reshape(bits, out);
  if (!count) return bits;
  int64_t total = out[size_t(a)];
  int64_t want = *count >= 0 ? *count : std::max<int64_t>(total + *count, 0);
  if (want <= total) return slice_axis(bits, a, 0, want);
  Ints low(size_t(bits.rank()), 0), high(size_t(bits.rank()), 0), interior(size_t(bits.rank()), 0);
  high[size_t(a)] = want - total;
  return lax::pad(bits, scalar_tensor_int(DType::U8, 0), low, high, interior);
}

}  // namespace ember::frontend::np
