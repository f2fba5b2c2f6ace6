// Indexing functions of the NumPy op library: take, take_along_axis, nonzero and its relatives,
// compress/extract and index arithmetic. Gathers follow DESIGN §3: out-of-bounds concrete indices raise
// IndexError; traced ones are clipped (or filled, with mode="fill").
#include <cmath>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

Tensor i64(const Tensor& t) { return lax::convert_element_type(canonical(t), DType::I64); }

Tensor index_tensor(const Tensor& idx, std::string_view op) {
  Tensor c = canonical(idx);
  if (!ir::is_int(c.dtype()))
    throw make_error(ErrorKind::Type, op, "expected integer indices, got ", ir::to_string(c.type()));
  return i64(c);
}

// Normalises indices for an axis of size n by mode; returns the indices to gather with (in [0, n) unless
// they are to be filled) and, for Fill, the mask of out-of-bounds ones.
std::pair<Tensor, std::optional<Tensor>> prepare_indices(const Tensor& idx, int64_t n, TakeMode mode,
                                                         int64_t axis, std::string_view op) {
  Tensor nn = int_constant(DType::I64, n, idx.shape()), zero = int_constant(DType::I64, 0, idx.shape());
  switch (mode) {
    case TakeMode::Wrap:
      if (n == 0 && idx.numel() > 0)
        throw make_error(ErrorKind::Index, op, "expected a non-empty axis to take from, got axis ", axis,
                         " of size 0");
      return {remainder(idx, nn), std::nullopt};
    case TakeMode::Clip:
      return {idx, std::nullopt};
    case TakeMode::Fill: {
      Tensor norm = lax::select(lax::binary(Prim::Lt, idx, zero), lax::binary(Prim::Add, idx, nn), idx);
      Tensor oob = lax::binary(Prim::Or, lax::binary(Prim::Lt, norm, zero), lax::binary(Prim::Ge, norm, nn));
      return {norm, oob};
    }
    case TakeMode::Default:
    case TakeMode::Raise:
      if (idx.is_concrete())
        for (int64_t v : concrete_ints(idx, op))
          if (v < -n || v >= n)
            throw make_error(ErrorKind::Index, op, "expected indices in [", -n, ", ", n, ") for axis ", axis,
                             ", got ", v);
      return {lax::select(lax::binary(Prim::Lt, idx, zero), lax::binary(Prim::Add, idx, nn), idx),
              std::nullopt};
  }
  return {idx, std::nullopt};
}

// x gathered along `axis` at integer indices of any shape: x.shape[:axis] + idx.shape + x.shape[axis+1:].
Tensor gather_axis(const Tensor& x, const Tensor& idx, int64_t axis, ir::IndexMode mode) {
  int r = x.rank(), q = idx.rank();
  Ints ishape = dims(idx);
  ishape.push_back(1);
  lax::GatherDims g;
  for (int i = 0; i < axis; ++i) g.offset_dims.push_back(i);
  for (int i = int(axis) + 1; i < r; ++i) g.offset_dims.push_back(i - 1 + q);
  g.collapsed_slice_dims = {axis};
  g.start_index_map = {axis};
  Ints sizes = dims(x);
  sizes[size_t(axis)] = 1;
  return lax::gather(x, lax::reshape(idx, ishape), g, sizes, mode);
}

Tensor fill_scalar(const Tensor& like, std::optional<double> v) {
  return lax::convert_element_type(lax::full_like_scalar(like, v.value_or(0.0)), like.dtype(), false);
}

// Flat positions of the true entries of a 1-d bool mask, as a static number `size` of them (padded with
// `fill`); the second result is the number of true entries. A stable sort of the negated mask brings the
// true positions first, in order.
std::pair<Tensor, Tensor> true_positions(const Tensor& mask, int64_t size, int64_t fill) {
  int64_t n = mask.numel();
  Tensor count = sum(mask, {}, DType::I64);
  Tensor pos;
  if (n == 0) {
    pos = int_constant(DType::I64, fill, {size});
  } else {
    Tensor keys = lax::unary(Prim::Not, mask);
    std::vector<Tensor> ops = {keys, lax::iota(DType::I64, {n}, 0)};
    Tensor perm = lax::sort(ops, 0, true, 1)[1];
    if (size <= n) {
      pos = lax::slice(perm, {0}, {size}, {1});
    } else {
      pos = lax::pad(perm, scalar_tensor_int(DType::I64, fill), {0}, {size - n}, {0});
    }
  }
  Tensor valid =
      lax::binary(Prim::Lt, lax::iota(DType::I64, {size}, 0), lax::broadcast_scalar(count, {size}));
  return {lax::select(valid, pos, int_constant(DType::I64, fill, {size})), count};
}

// The gather primitive's fill value for out-of-bounds slices (ir/prim.h): NaN for inexact dtypes, the
// minimum of signed and the maximum of unsigned integers, true for bool.
Tensor gather_fill(DType d) {
  switch (d) {
    case DType::Bool:
      return scalar_tensor(d, 1);
    case DType::I8:
      return scalar_tensor_int(d, INT8_MIN);
    case DType::I16:
      return scalar_tensor_int(d, INT16_MIN);
    case DType::I32:
      return scalar_tensor_int(d, INT32_MIN);
    case DType::I64:
      return scalar_tensor_int(d, INT64_MIN);
    case DType::U8:
    case DType::U16:
    case DType::U32:
    case DType::U64:
      return scalar_tensor_int(d, -1);  // wraps to the maximum
    default:
      return ir::is_complex(d) ? scalar_tensor_complex(d, NAN, NAN) : scalar_tensor(d, NAN);
  }
}

}  // namespace

TakeMode take_mode(std::string_view name) {
  if (name.empty()) return TakeMode::Default;
  if (name == "raise") return TakeMode::Raise;
  if (name == "clip") return TakeMode::Clip;
  if (name == "wrap") return TakeMode::Wrap;
  if (name == "fill") return TakeMode::Fill;
  throw make_error(ErrorKind::Value, "take", "expected mode 'raise', 'clip', 'wrap' or 'fill', got '", name,
                   "'");
}

Tensor take(const Tensor& x0, const Tensor& indices, std::optional<int64_t> axis, TakeMode mode,
            std::optional<double> fill_value) {
  Tensor x = canonical(x0);
  if (!axis) x = ravel(x);
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, "take", "expected an array of rank >= 1, got ",
                     ir::to_string(x.type()));
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), "take");
  int64_t n = x.shape()[size_t(a)];
  Tensor idx = index_tensor(indices, "take");
  if (n == 0 && idx.numel() > 0 && mode != TakeMode::Fill)
    throw make_error(ErrorKind::Index, "take", "expected a non-empty axis to take from, got axis ", a,
                     " of size 0");
  auto [norm, oob] = prepare_indices(idx, n, mode, a, "take");
  if (n == 0) {
    // Every index is out of bounds: the result is all fill values.
    Ints shape = dims(x);
    shape.erase(shape.begin() + a);
    shape.insert(shape.begin() + a, idx.shape().begin(), idx.shape().end());
    Tensor f = fill_value ? fill_scalar(x, fill_value) : gather_fill(x.dtype());
    return lax::broadcast_scalar(f, to_shape(shape));
  }
  Tensor g = gather_axis(x, norm, a, oob ? ir::IndexMode::FillOrDrop : ir::IndexMode::Clip);
  if (oob && fill_value) {
    Ints bd = iota_ints(idx.rank(), a);
    Tensor m = lax::broadcast_in_dim(*oob, dims(g), bd);
    g = lax::select(m, lax::broadcast_scalar(fill_scalar(x, fill_value), g.shape()), g);
  }
  return g;
}

Tensor take_along_axis(const Tensor& x0, const Tensor& indices, std::optional<int64_t> axis, TakeMode mode) {
  Tensor x = canonical(x0);
  Tensor idx = index_tensor(indices, "take_along_axis");
  if (!axis) {
    if (idx.rank() != 1)
      throw make_error(ErrorKind::Value, "take_along_axis", "expected 1-d indices without an axis, got ",
                       ir::to_string(idx.type()));
    return take(x, idx, {}, mode);
  }
  if (idx.rank() != x.rank())
    throw make_error(ErrorKind::Value, "take_along_axis", "expected indices of the array's rank ", x.rank(),
                     ", got ", ir::to_string(idx.type()));
  int64_t a = normalize_axis(*axis, x.rank(), "take_along_axis");
  int64_t n = x.shape()[size_t(a)], k = idx.shape()[size_t(a)];
  // The other dimensions broadcast against each other.
  Ints xs = dims(x), is = dims(idx);
  for (int d = 0; d < x.rank(); ++d) {
    if (d == a) continue;
    int64_t s = xs[size_t(d)] == 1 ? is[size_t(d)] : xs[size_t(d)];
    if (is[size_t(d)] != 1 && is[size_t(d)] != s)
      throw make_error(ErrorKind::Value, "take_along_axis", "expected indices that broadcast against ",
                       ir::to_string(x.type()), ", got ", ir::to_string(idx.type()));
    xs[size_t(d)] = is[size_t(d)] = s;
  }
  x = broadcast_to(x, to_shape(xs), "take_along_axis");
  idx = broadcast_to(idx, to_shape(is), "take_along_axis");
  if (n == 0 && idx.numel() > 0 && mode != TakeMode::Fill)
    throw make_error(ErrorKind::Index, "take_along_axis", "expected a non-empty axis to take from, got axis ",
                     a, " of size 0");
  auto [norm, oob] = prepare_indices(idx, n, mode, a, "take_along_axis");
  // One flat gather: row b's index i becomes b * n + i (clipped within the row first).
  Tensor xm = move_to_end(x, a), im = move_to_end(norm, a);
  Ints batch(im.shape().begin(), im.shape().end() - 1);
  int64_t rows = 1;
  for (int64_t b : batch) rows *= b;
  Tensor clipped = lax::clamp(scalar_tensor_int(DType::I64, 0), im,
                              scalar_tensor_int(DType::I64, std::max<int64_t>(n - 1, 0)));
  Ints rk = batch;
  rk.push_back(k);
  Tensor row = lax::reshape(lax::iota(DType::I64, {rows, k}, 0), rk);
  Tensor lin =
      lax::binary(Prim::Add, lax::binary(Prim::Mul, row, int_constant(DType::I64, n, row.shape())), clipped);
  Tensor flat = lax::reshape(xm, {xm.numel()});
  Tensor g = n == 0 ? lax::broadcast_scalar(gather_fill(x.dtype()), row.shape())
                    : lax::reshape(gather_axis(flat, ravel(lin), 0, ir::IndexMode::Clip), rk);
  if (oob) {
    Tensor f = gather_fill(x.dtype());
    g = lax::select(move_to_end(*oob, a), lax::broadcast_scalar(f, g.shape()), g);
  }
  return move_from_end(g, a);
}

std::vector<Tensor> nonzero(const Tensor& x0, std::optional<int64_t> size, int64_t fill_value) {
  Tensor x = canonical(x0);
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, "nonzero", "expected an array of rank >= 1 (use atleast_1d), got ",
                     ir::to_string(x.type()));
  int64_t n = x.numel();
  Ints shape = dims(x);
  std::vector<Tensor> out;
  if (x.is_concrete()) {
    // The positions are computed directly from the data (also for a constant inside a trace).
    std::vector<bool> m = concrete_nonzero(x, "nonzero");
    Ints flat;
    for (int64_t i = 0; i < n; ++i)
      if (m[size_t(i)]) flat.push_back(i);
    int64_t k = size.value_or(int64_t(flat.size()));
    for (int d = 0; d < x.rank(); ++d) {
      int64_t stride = 1;
      for (int e = d + 1; e < x.rank(); ++e) stride *= shape[size_t(e)];
      Ints coords;
      for (int64_t j = 0; j < k; ++j)
        coords.push_back(j < int64_t(flat.size()) ? (flat[size_t(j)] / stride) % shape[size_t(d)]
                                                  : fill_value);
      out.push_back(tensor_from_bytes(ir::Type{DType::I64, {k}, false}, coords.data()));
    }
    return out;
  }
  if (!size) throw concretization_error(x, "nonzero without a static size=");
  Tensor mask = ravel(to_bool(x));
  auto [pos, count] = true_positions(mask, *size, 0);
  Tensor valid =
      lax::binary(Prim::Lt, lax::iota(DType::I64, {*size}, 0), lax::broadcast_scalar(count, {*size}));
  for (int d = 0; d < x.rank(); ++d) {
    int64_t stride = 1;
    for (int e = d + 1; e < x.rank(); ++e) stride *= shape[size_t(e)];
    Tensor c =
        lax::binary(Prim::Rem, lax::binary(Prim::Div, pos, int_constant(DType::I64, stride, pos.shape())),
                    int_constant(DType::I64, std::max<int64_t>(shape[size_t(d)], 1), pos.shape()));
    out.push_back(lax::select(valid, c, int_constant(DType::I64, fill_value, pos.shape())));
  }
  return out;
}

Tensor flatnonzero(const Tensor& x, std::optional<int64_t> size, int64_t fill_value) {
  return nonzero(ravel(canonical(x)), size, fill_value)[0];
}

Tensor argwhere(const Tensor& x0, std::optional<int64_t> size, int64_t fill_value) {
  Tensor x = canonical(x0);
  if (x.rank() == 0) {
    int64_t k = size ? *size : (concrete_nonzero(x, "argwhere")[0] ? 1 : 0);
    return lax::broadcast_scalar(scalar_tensor_int(DType::I64, 0), {k, 0});
  }
  std::vector<Tensor> cols = nonzero(x, size, fill_value);
  return stack(cols, 1);
}

Tensor extract(const Tensor& condition, const Tensor& x, std::optional<int64_t> size, double fill_value) {
  Tensor flat_idx = flatnonzero(condition, size, -1);
  Tensor flat = ravel(canonical(x));
  Tensor valid = lax::binary(Prim::Ge, flat_idx, scalar_like(flat_idx, 0));
  Tensor safe = lax::select(valid, flat_idx, scalar_like(flat_idx, 0));
  if (flat.numel() == 0) return lax::broadcast_scalar(fill_scalar(flat, fill_value), flat_idx.shape());
  Tensor g = take(flat, safe, 0, flat_idx.is_concrete() ? TakeMode::Default : TakeMode::Clip);
  if (!size) return g;
  return lax::select(valid, g, lax::broadcast_scalar(fill_scalar(flat, fill_value), g.shape()));
}

Tensor compress(const Tensor& condition, const Tensor& x0, std::optional<int64_t> axis,
                std::optional<int64_t> size, double fill_value) {
  Tensor cond = ravel(to_bool(canonical(condition)));
  Tensor x = canonical(x0);
  if (!axis) x = ravel(x);
  int64_t a = normalize_axis(axis.value_or(0), x.rank(), "compress");
  Tensor idx = flatnonzero(cond, size, -1);
  Tensor valid = lax::binary(Prim::Ge, idx, scalar_like(idx, 0));
  Tensor safe = lax::select(valid, idx, scalar_like(idx, 0));
  Tensor g = take(x, safe, a, idx.is_concrete() ? TakeMode::Default : TakeMode::Clip);
  if (!size) return g;
  Tensor m = lax::broadcast_in_dim(valid, dims(g), {a});
  return lax::select(m, g, lax::broadcast_scalar(fill_scalar(x, fill_value), g.shape()));
}

std::vector<Tensor> unravel_index(const Tensor& indices, const Ints& shape) {
  Tensor idx = index_tensor(indices, "unravel_index");
  int64_t total = 1;
  for (int64_t d : shape) total *= d;
  if (idx.is_concrete()) {
    for (int64_t v : concrete_ints(idx, "unravel_index"))
      if (v < 0 || v >= total)
        throw make_error(ErrorKind::Value, "unravel_index", "expected indices in [0, ", total, "), got ", v);
  } else {
    // Traced indices: negative ones count from the end, the rest are clipped (as JAX).
    Tensor t = int_constant(DType::I64, total, idx.shape());
    idx = lax::select(lax::binary(Prim::Lt, idx, scalar_like(idx, 0)), lax::binary(Prim::Add, idx, t), idx);
    idx = lax::clamp(scalar_tensor_int(DType::I64, 0), idx,
                     scalar_tensor_int(DType::I64, std::max<int64_t>(total - 1, 0)));
  }
  std::vector<Tensor> out(shape.size());
  Tensor rest = idx;
  for (size_t d = shape.size(); d-- > 0;) {
    Tensor s = int_constant(DType::I64, std::max<int64_t>(shape[d], 1), idx.shape());
    out[d] = lax::binary(Prim::Rem, rest, s);
    rest = lax::binary(Prim::Div, rest, s);
  }
  return out;
}

Tensor ravel_multi_index(std::span<const Tensor> multi_index, const Ints& shape,
                         const std::vector<std::string>& modes) {
  if (multi_index.size() != shape.size())
    throw make_error(ErrorKind::Value, "ravel_multi_index", "expected ", shape.size(), " index arrays, got ",
                     multi_index.size());
  std::vector<Tensor> idx;
  for (const Tensor& t : multi_index) idx.push_back(index_tensor(t, "ravel_multi_index"));
  idx = broadcast_arrays(idx);
  Tensor out = int_constant(DType::I64, 0, idx.empty() ? ir::Shape{} : idx[0].shape());
  int64_t stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    const std::string& mode = modes.size() == 1 ? modes[0] : modes.at(d);
    Tensor i = idx[d];
    int64_t s = shape[d];
    if (mode == "wrap") {
      i = remainder(i, int_constant(DType::I64, s, i.shape()));
    } else if (mode == "clip") {
      i = lax::clamp(scalar_tensor_int(DType::I64, 0), i,
                     scalar_tensor_int(DType::I64, std::max<int64_t>(s - 1, 0)));
    } else if (mode == "raise") {
      if (i.is_concrete()) {
        for (int64_t v : concrete_ints(i, "ravel_multi_index"))
          if (v < 0 || v >= s)
            throw make_error(ErrorKind::Value, "ravel_multi_index", "expected indices in [0, ", s,
                             ") for dimension ", d, ", got ", v);
      } else {
        i = lax::clamp(scalar_tensor_int(DType::I64, 0), i,
                       scalar_tensor_int(DType::I64, std::max<int64_t>(s - 1, 0)));
      }
    } else {
      throw make_error(ErrorKind::Value, "ravel_multi_index",
                       "expected mode 'raise', 'wrap' or 'clip', got '", mode, "'");
    }
    out = lax::binary(Prim::Add, out, lax::binary(Prim::Mul, i, int_constant(DType::I64, stride, i.shape())));
    stride *= s;
  }
  return out;
}

}  // namespace ember::frontend::np
