// Shape manipulation and basic indexing of the NumPy op library.
#include "frontend/numpy.h"

namespace ember::frontend::np {

using ir::DType;
using ir::Prim;

Tensor reshape(const Tensor& x, const Ints& shape) {
  Ints out = shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0)
        throw make_error(ErrorKind::Value, "reshape", "expected at most one -1 in the new shape, got ",
                         ir::shape_to_string(ir::Shape(out.begin(), out.end())));
      infer = int64_t(i);
    } else if (out[i] < 0) {
      throw make_error(ErrorKind::Value, "reshape", "expected non-negative sizes, got ",
                       ir::shape_to_string(ir::Shape(out.begin(), out.end())));
    } else {
      known *= out[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0)
      throw make_error(ErrorKind::Value, "reshape", "cannot reshape ", ir::to_string(x.type()),
                       " into shape ", ir::shape_to_string(ir::Shape(shape.begin(), shape.end())));
    out[size_t(infer)] = x.numel() / known;
  } else if (known != x.numel()) {
    throw make_error(ErrorKind::Value, "reshape", "cannot reshape ", ir::to_string(x.type()), " into shape ",
                     ir::shape_to_string(ir::Shape(shape.begin(), shape.end())));
  }
  return lax::reshape(x, out);
}

Tensor ravel(const Tensor& x) { return lax::reshape(x, {x.numel()}); }

Tensor transpose(const Tensor& x, const std::optional<Ints>& axes) {
  Ints perm;
  if (!axes) {
    for (int i = x.rank() - 1; i >= 0; --i) perm.push_back(i);
  } else {
    if (int(axes->size()) != x.rank())
      throw make_error(ErrorKind::Value, "transpose", "expected ", x.rank(), " axes for ",
                       ir::to_string(x.type()), ", got ", axes->size());
    perm = normalize_axes(*axes, x.rank(), "transpose");  // validates; sorted, so re-read the order below
    perm.clear();
    for (int64_t a : *axes) perm.push_back(normalize_axis(a, x.rank(), "transpose"));
  }
  return lax::transpose(x, perm);
}

Tensor swapaxes(const Tensor& x, int64_t a, int64_t b) {
  int64_t i = normalize_axis(a, x.rank(), "swapaxes"), j = normalize_axis(b, x.rank(), "swapaxes");
  Ints perm;
  for (int k = 0; k < x.rank(); ++k) perm.push_back(k);
  std::swap(perm[size_t(i)], perm[size_t(j)]);
  return lax::transpose(x, perm);
}

Tensor moveaxis(const Tensor& x, const Ints& source, const Ints& destination) {
  if (source.size() != destination.size())
    throw make_error(ErrorKind::Value, "moveaxis", "expected as many destination axes as source axes, got ",
                     source.size(), " and ", destination.size());
  Ints src, dst;
  for (int64_t a : source) src.push_back(normalize_axis(a, x.rank(), "moveaxis"));
  for (int64_t a : destination) dst.push_back(normalize_axis(a, x.rank(), "moveaxis"));
  normalize_axes(src, x.rank(), "moveaxis");  // distinctness
  normalize_axes(dst, x.rank(), "moveaxis");
  Ints rest;
  for (int k = 0; k < x.rank(); ++k)
    if (std::find(src.begin(), src.end(), k) == src.end()) rest.push_back(k);
  // Place the moved axes at their destinations, then fill the remaining slots in order.
  std::vector<std::pair<int64_t, int64_t>> moves;
  for (size_t i = 0; i < src.size(); ++i) moves.emplace_back(dst[i], src[i]);
  std::sort(moves.begin(), moves.end());
  Ints perm(size_t(x.rank()), -1);
  for (auto [d, s] : moves) perm[size_t(d)] = s;
  size_t r = 0;
  for (auto& p : perm)
    if (p < 0) p = rest[r++];
  return lax::transpose(x, perm);
}

Tensor expand_dims(const Tensor& x, const Ints& axis) {
  int out_rank = x.rank() + int(axis.size());
  Ints axes = normalize_axes(axis, out_rank, "expand_dims");
  Ints shape;
  size_t src = 0;
  for (int i = 0; i < out_rank; ++i) {
    if (std::find(axes.begin(), axes.end(), i) != axes.end())
      shape.push_back(1);
    else
      shape.push_back(x.shape()[src++]);
  }
  return lax::reshape(x, shape);
}

Tensor squeeze(const Tensor& x, const Axes& axis) {
  Ints axes;
  if (!axis) {
    for (int i = 0; i < x.rank(); ++i)
      if (x.shape()[i] == 1) axes.push_back(i);
  } else {
    axes = normalize_axes(axis, x.rank(), "squeeze");
    for (int64_t a : axes)
      if (x.shape()[size_t(a)] != 1)
        throw make_error(ErrorKind::Value, "squeeze", "expected axes of size 1, got axis ", a, " of ",
                         ir::to_string(x.type()));
  }
  Ints shape;
  for (int i = 0; i < x.rank(); ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) shape.push_back(x.shape()[i]);
  return lax::reshape(x, shape);
}

Tensor concatenate(std::span<const Tensor> xs, std::optional<int64_t> axis) {
  if (xs.empty()) throw make_error(ErrorKind::Value, "concatenate", "expected at least one array, got none");
  std::vector<Tensor> parts;
  if (!axis) {
    for (const Tensor& x : xs) parts.push_back(ravel(x));
  } else {
    parts.assign(xs.begin(), xs.end());
  }
  int rank = parts[0].rank();
  if (rank == 0)
    throw make_error(ErrorKind::Value, "concatenate", "expected arrays of rank >= 1, got ",
                     ir::to_string(parts[0].type()));
  int64_t a = normalize_axis(axis.value_or(0), rank, "concatenate");
  PromotedType pt = result_type(std::span<const Tensor>(parts));
  for (Tensor& p : parts) {
    if (p.rank() != rank)
      throw make_error(ErrorKind::Value, "concatenate", "expected arrays of equal rank, got ",
                       ir::to_string(parts[0].type()), " and ", ir::to_string(p.type()));
    p = lax::convert_element_type(p, pt.dtype, pt.weak);
  }
  try {
    return lax::concatenate(parts, a);
  } catch (Error& e) {
    throw Error(e.kind(), e.message(), "concatenate", e.location());
  }
}

Tensor stack(std::span<const Tensor> xs, int64_t axis) {
  if (xs.empty()) throw make_error(ErrorKind::Value, "stack", "expected at least one array, got none");
  int64_t a = normalize_axis(axis, xs[0].rank() + 1, "stack");
  std::vector<Tensor> parts;
  for (const Tensor& x : xs) {
    if (!(x.shape() == xs[0].shape()))
      throw make_error(ErrorKind::Value, "stack", "expected arrays of the same shape, got ",
                       ir::to_string(xs[0].type()), " and ", ir::to_string(x.type()));
    parts.push_back(expand_dims(x, {a}));
  }
  return concatenate(parts, a);
}

}  // namespace ember::frontend::np
