// numpy.pad with every mode of NumPy's: the axes are padded one after the other (so corners come from the
// later axes, as in NumPy), each side built from slices, reversals and broadcasts of the current array.
#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

Tensor with_axis_size(const Tensor& piece, int64_t axis, int64_t size) {
  Ints shape = dims(piece);
  shape[size_t(axis)] = size;
  return broadcast_to(piece, to_shape(shape), "pad");
}

Tensor cat3(const Tensor& a, const Tensor& x, const Tensor& b, int64_t axis) {
  std::vector<Tensor> parts;
  if (a.shape()[size_t(axis)] > 0) parts.push_back(a);
  parts.push_back(x);
  if (b.shape()[size_t(axis)] > 0) parts.push_back(b);
  return lax::concatenate(parts, axis);
}

Tensor fill_value(const Tensor& v, const Tensor& like) { return astype(v, like.dtype(), "pad"); }

// A slice along `axis` re-assembled from the static source indices `idx` (runs of consecutive indices
// become one slice each).
Tensor gather_runs(const Tensor& x, int64_t axis, const Ints& idx) {
  std::vector<Tensor> parts;
  for (size_t i = 0; i < idx.size();) {
    size_t j = i + 1;
    while (j < idx.size() && idx[j] == idx[j - 1] + 1) ++j;
    parts.push_back(slice_axis(x, axis, idx[i], idx[j - 1] + 1));
    i = j;
  }
  if (parts.empty()) return slice_axis(x, axis, 0, 0);
  return lax::concatenate(parts, axis);
}

Tensor pad_reflect(Tensor cur, int64_t axis, int64_t left, int64_t right, bool symmetric, bool odd) {
  int64_t period = cur.shape()[size_t(axis)];
  int64_t eo = symmetric ? 1 : 0;
  auto edge = [&](const Tensor& t, int64_t i) { return slice_axis(t, axis, i, i + 1); };
  auto oddify = [&](const Tensor& chunk, const Tensor& e) {
    if (!odd) return chunk;
    Tensor e2 = broadcast_to(e, chunk.shape(), "pad");
    return lax::binary(Prim::Sub, lax::binary(Prim::Add, e2, e2), chunk);
  };
  // NumPy's _set_reflect_both: chunks no longer than the reflected period, left side first.
  while (left > 0 || right > 0) {
    int64_t len = cur.shape()[size_t(axis)];
    int64_t old = symmetric ? len / period * period : (len - 1) / (period - 1) * (period - 1);
    if (left > 0) {
      int64_t chunk = std::min(old, left);
      Tensor c = lax::rev(slice_axis(cur, axis, 1 - eo, chunk - eo + 1), {axis});
      c = oddify(c, edge(cur, 0));
      cur = lax::concatenate(std::vector<Tensor>{c, cur}, axis);
      left -= chunk;
    }
    if (right > 0) {
      int64_t l2 = cur.shape()[size_t(axis)];
      int64_t chunk = std::min(old, right);
      Tensor c = lax::rev(slice_axis(cur, axis, l2 - 1 + eo - chunk, l2 - 1 + eo), {axis});
      c = oddify(c, edge(cur, l2 - 1));
      cur = lax::concatenate(std::vector<Tensor>{cur, c}, axis);
      right -= chunk;
    }
  }
  return cur;
}

Tensor stat(const Tensor& part, int64_t axis, const std::string& mode, DType dtype) {
  if (mode == "maximum") return max(part, Ints{axis}, true);
  if (mode == "minimum") return min(part, Ints{axis}, true);
  bool integer = !ir::is_inexact(dtype);
  // Integer arrays get the rounded statistic (as NumPy), computed in float64.
  Tensor v = mode == "mean" ? mean(part, Ints{axis}, integer ? OptDType(DType::F64) : OptDType(), true)
                            : median(integer ? astype(part, DType::F64) : part, Ints{axis}, true);
  if (integer) v = rint(v);
  return astype(v, dtype, "pad");
}

}  // namespace

Tensor pad(const Tensor& x0, const std::vector<std::pair<int64_t, int64_t>>& pad_width, const PadOptions& o) {
  Tensor x = canonical(x0);
  int r = x.rank();
  if (int(pad_width.size()) != r)
    throw make_error(ErrorKind::Value, "pad", "expected one (before, after) pair per axis (", r, "), got ",
                     pad_width.size());
  for (auto [b, a] : pad_width)
    if (b < 0 || a < 0)
      throw make_error(ErrorKind::Value, "pad", "expected non-negative pad widths, got ", b, " and ", a);
  const std::string& mode = o.mode;
  static const char* kModes[] = {"constant", "edge",    "reflect", "symmetric", "wrap", "linear_ramp",
                                 "maximum",  "minimum", "mean",    "median",    "empty"};
  if (std::find(std::begin(kModes), std::end(kModes), mode) == std::end(kModes))
    throw make_error(ErrorKind::Value, "pad", "expected a mode of numpy.pad, got '", mode, "'");
  if (o.reflect_type != "even" && o.reflect_type != "odd")
    throw make_error(ErrorKind::Value, "pad", "expected reflect_type 'even' or 'odd', got '", o.reflect_type,
                     "'");
  for (int axis = 0; axis < r; ++axis) {
    auto [before, after] = pad_width[size_t(axis)];
    if (before == 0 && after == 0) continue;
    int64_t n = x.shape()[size_t(axis)];
    if (mode == "constant" || mode == "empty") {
      Tensor lo = lax::convert_element_type(lax::full_like_scalar(x, 0), x.dtype(), false), hi = lo;
      if (mode == "constant" && !o.constant_values.empty()) {
        const auto& cv = o.constant_values[o.constant_values.size() == 1 ? 0 : size_t(axis)];
        lo = fill_value(cv.first, x);
        hi = fill_value(cv.second, x);
      }
      Ints low(size_t(r), 0), high(size_t(r), 0), interior(size_t(r), 0);
      low[size_t(axis)] = before;
      x = lax::pad(x, lo, low, high, interior);
      low[size_t(axis)] = 0;
      high[size_t(axis)] = after;
      x = lax::pad(x, hi, low, high, interior);
      continue;
    }
    if (n == 0)
      throw make_error(ErrorKind::Value, "pad", "expected a non-empty axis to pad in mode '", mode,
                       "', got axis ", axis, " of ", ir::to_string(x.type()));
    if (mode == "edge" || ((mode == "reflect" || mode == "symmetric") && n == 1)) {
      x = cat3(with_axis_size(slice_axis(x, axis, 0, 1), axis, before), x,
               with_axis_size(slice_axis(x, axis, n - 1, n), axis, after), axis);
    } else if (mode == "reflect" || mode == "symmetric") {
      x = pad_reflect(x, axis, before, after, mode == "symmetric", o.reflect_type == "odd");
    } else if (mode == "wrap") {
      Ints idx;
      for (int64_t p = -before; p < n + after; ++p) idx.push_back(((p % n) + n) % n);
      x = gather_runs(x, axis, idx);
    } else if (mode == "linear_ramp") {
      Tensor e0 = lax::convert_element_type(lax::full_like_scalar(x, 0), x.dtype(), false), e1 = e0;
      if (!o.end_values.empty()) {
        const auto& ev = o.end_values[o.end_values.size() == 1 ? 0 : size_t(axis)];
        e0 = ev.first;
        e1 = ev.second;
      }
      Ints sq = dims(x);
      sq.erase(sq.begin() + axis);
      Tensor first = lax::reshape(slice_axis(x, axis, 0, 1), sq),
             last = lax::reshape(slice_axis(x, axis, n - 1, n), sq);
      Tensor left =
          linspace_array(broadcast_to(e0, to_shape(sq), "pad"), first, before, false, x.dtype(), axis);
      Tensor right = lax::rev(
          linspace_array(broadcast_to(e1, to_shape(sq), "pad"), last, after, false, x.dtype(), axis), {axis});
      x = cat3(left, x, right, axis);
    } else {
      // maximum, minimum, mean, median over stat_length values next to each edge.
      int64_t lb = n, la = n;
      if (!o.stat_length.empty()) {
        const auto& sl = o.stat_length[o.stat_length.size() == 1 ? 0 : size_t(axis)];
        lb = sl.first <= 0 ? (sl.first == 0 ? 0 : n) : std::min(sl.first, n);
        la = sl.second <= 0 ? (sl.second == 0 ? 0 : n) : std::min(sl.second, n);
      }
      if ((before > 0 && lb == 0) || (after > 0 && la == 0))
        throw make_error(ErrorKind::Value, "pad", "expected a positive stat_length, got 0");
      Tensor left = stat(slice_axis(x, axis, 0, lb), axis, mode, x.dtype());
      Tensor right = stat(slice_axis(x, axis, n - la, n), axis, mode, x.dtype());
      x = cat3(with_axis_size(left, axis, before), x, with_axis_size(right, axis, after), axis);
    }
  }
  return x;
}

}  // namespace ember::frontend::np
