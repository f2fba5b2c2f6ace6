#include "ir/shape_rules.h"

#include <algorithm>
#include <string>

#include "ir/error.h"

namespace ember::ir::rules {

std::string types_to_string(std::span<const Type> types) {
  std::string s;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += types.size() == 2 ? " and " : ", ";
    s += to_string(types[i]);
  }
  return s;
}

std::string ints_to_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

void fail(ErrorKind kind, const std::string& message) { throw Error(kind, message); }

std::string str(const Type& t) { return to_string(t); }

void check_dtype_class(const OpSignature& s, const Type& t, std::string_view role) {
  uint32_t cls = prim_info(s.prim).operand_dtypes;
  if (!in_class(t.dtype, cls))
    fail(ErrorKind::Type, "expected a " + std::string(dtype_class_name(cls)) + " " + std::string(role) +
                              ", got " + str(t));
}

void check_scalar_int(const Type& t, std::string_view what) {
  if (t.rank() != 0 || !is_int(t.dtype))
    fail(ErrorKind::Type, "expected a scalar integer " + std::string(what) + ", got " + str(t));
}

void check_rank(const std::vector<int64_t>& v, int rank, std::string_view what, const Type& t) {
  if (int(v.size()) != rank)
    fail(ErrorKind::Value, "expected " + std::string(what) + " with one entry per dimension of " + str(t) +
                               ", got " + ints_to_string(v));
}

namespace {

DType result_dtype_of(ResultDType r, DType in) {
  switch (r) {
    case ResultDType::Same: return in;
    case ResultDType::Bool: return DType::Bool;
    case ResultDType::RealPart: return real_dtype(in);
    case ResultDType::ComplexOf: return complex_dtype(in);
  }
  return in;
}

}  // namespace

void check_axes(const std::vector<int64_t>& axes, int rank, std::string_view what) {
  std::vector<bool> seen(size_t(std::max(rank, 0)), false);
  for (int64_t a : axes) {
    if (a < 0 || a >= rank)
      fail(ErrorKind::Value, "expected " + std::string(what) + " in [0, " + std::to_string(rank) + "), got " +
                                 ints_to_string(axes));
    if (seen[size_t(a)])
      fail(ErrorKind::Value, "expected distinct " + std::string(what) + ", got " + ints_to_string(axes));
    seen[size_t(a)] = true;
  }
}

std::vector<Type> unary_elementwise(const OpSignature& s) {
  const Type& x = s.operands[0];
  check_dtype_class(s, x);
  if (s.prim == Prim::Round) {
    int64_t m = attr_int(s.attrs, 0);
    if (m != 0 && m != 1) fail(ErrorKind::Value, "expected rounding_method 0 or 1, got " + std::to_string(m));
  }
  if (s.prim == Prim::IntegerPow && attr_int(s.attrs, 0) < 0 && !is_inexact(x.dtype))
    fail(ErrorKind::Value, "expected a non-negative exponent for integer " + str(x) + ", got " +
                               std::to_string(attr_int(s.attrs, 0)));
  ResultDType r = prim_info(s.prim).result_dtype;
  return {Type{result_dtype_of(r, x.dtype), x.shape, r != ResultDType::Bool && x.weak}};
}

std::vector<Type> binary_elementwise(const OpSignature& s) {
  const Type &a = s.operands[0], &b = s.operands[1];
  if (a.dtype != b.dtype)
    fail(ErrorKind::Type, "expected operands of the same dtype, got " + types_to_string(s.operands));
  if (!(a.shape == b.shape))
    fail(ErrorKind::Value, "expected operands of the same shape, got " + types_to_string(s.operands));
  check_dtype_class(s, a, "operands");
  ResultDType r = prim_info(s.prim).result_dtype;
  return {Type{result_dtype_of(r, a.dtype), a.shape, r != ResultDType::Bool && a.weak && b.weak}};
}

std::vector<Type> select(const OpSignature& s) {
  const Type &pred = s.operands[0], &t = s.operands[1], &f = s.operands[2];
  if (pred.dtype != DType::Bool) fail(ErrorKind::Type, "expected a bool predicate, got " + str(pred));
  if (t.dtype != f.dtype || !(t.shape == f.shape))
    fail(ErrorKind::Type, "expected branches of the same type, got " + types_to_string(s.operands.subspan(1)));
  if (pred.rank() != 0 && !(pred.shape == t.shape))
    fail(ErrorKind::Value,
         "expected a scalar predicate or one shaped like the branches, got " + types_to_string(s.operands));
  return {Type{t.dtype, t.shape, t.weak && f.weak}};
}

std::vector<Type> clamp(const OpSignature& s) {
  const Type &lo = s.operands[0], &x = s.operands[1], &hi = s.operands[2];
  check_dtype_class(s, x);
  if (lo.dtype != x.dtype || hi.dtype != x.dtype)
    fail(ErrorKind::Type, "expected operands of the same dtype, got " + types_to_string(s.operands));
  for (const Type* bound : {&lo, &hi})
    if (bound->rank() != 0 && !(bound->shape == x.shape))
      fail(ErrorKind::Value, "expected scalar bounds or bounds shaped like the operand, got " +
                                 types_to_string(s.operands));
  return {x};
}

std::vector<Type> convert_element_type(const OpSignature& s) {
  return {Type{attr_dtype(s.attrs, 0), s.operands[0].shape, attr_bool(s.attrs, 1)}};
}

std::vector<Type> bitcast_convert_type(const OpSignature& s) {
  const Type& x = s.operands[0];
  DType to = attr_dtype(s.attrs, 0);
  check_dtype_class(s, x);
  if (!in_class(to, kIntClass | kFloatClass))
    fail(ErrorKind::Type, "expected an integer or floating new_dtype, got " + std::string(dtype_name(to)));
  size_t from_size = dtype_size(x.dtype), to_size = dtype_size(to);
  Shape shape = x.shape;
  if (to_size < from_size) {
    shape.push_back(int64_t(from_size / to_size));
  } else if (to_size > from_size) {
    int64_t ratio = int64_t(to_size / from_size);
    if (x.rank() == 0 || x.shape.back() != ratio)
      fail(ErrorKind::Value, "expected a last dimension of " + std::to_string(ratio) + " to bitcast to " +
                                 std::string(dtype_name(to)) + ", got " + str(x));
    shape.pop_back();
  }
  return {Type{to, shape, false}};
}

std::vector<Type> broadcast_in_dim(const OpSignature& s) {
  const Type& x = s.operands[0];
  const auto& shape = attr_ints(s.attrs, 0);
  const auto& dims = attr_ints(s.attrs, 1);
  check_rank(dims, x.rank(), "broadcast_dimensions", x);
  for (int64_t d : shape)
    if (d < 0) fail(ErrorKind::Value, "expected non-negative shape, got " + ints_to_string(shape));
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = dims[i];
    if (d < 0 || d >= int64_t(shape.size()) || (i > 0 && d <= dims[i - 1]))
      fail(ErrorKind::Value, "expected strictly increasing broadcast_dimensions below " +
                                 std::to_string(shape.size()) + ", got " + ints_to_string(dims));
    if (x.shape[i] != 1 && x.shape[i] != shape[size_t(d)])
      fail(ErrorKind::Value, "expected operand dimension " + std::to_string(i) + " of " + str(x) +
                                 " to be 1 or " + std::to_string(shape[size_t(d)]) + ", got shape " +
                                 ints_to_string(shape) + " with broadcast_dimensions " + ints_to_string(dims));
  }
  return {Type{x.dtype, Shape(shape.begin(), shape.end()), x.weak}};
}

std::vector<Type> reshape(const OpSignature& s) {
  const Type& x = s.operands[0];
  const auto& sizes = attr_ints(s.attrs, 0);
  int64_t n = 1;
  for (int64_t d : sizes) {
    if (d < 0) fail(ErrorKind::Value, "expected non-negative new_sizes, got " + ints_to_string(sizes));
    n *= d;
  }
  if (n != x.numel())
    fail(ErrorKind::Value, "expected new_sizes with " + std::to_string(x.numel()) + " elements for " + str(x) +
                               ", got " + ints_to_string(sizes));
  return {Type{x.dtype, Shape(sizes.begin(), sizes.end()), x.weak}};
}

std::vector<Type> transpose(const OpSignature& s) {
  const Type& x = s.operands[0];
  const auto& perm = attr_ints(s.attrs, 0);
  check_rank(perm, x.rank(), "a permutation", x);
  check_axes(perm, x.rank(), "permutation entries");
  Shape shape;
  for (int64_t p : perm) shape.push_back(x.shape[size_t(p)]);
  return {Type{x.dtype, shape, x.weak}};
}

std::vector<Type> slice(const OpSignature& s) {
  const Type& x = s.operands[0];
  const auto &start = attr_ints(s.attrs, 0), &limit = attr_ints(s.attrs, 1), &strides = attr_ints(s.attrs, 2);
  check_rank(start, x.rank(), "start_indices", x);
  check_rank(limit, x.rank(), "limit_indices", x);
  check_rank(strides, x.rank(), "strides", x);
  Shape shape;
  for (int i = 0; i < x.rank(); ++i) {
    if (start[i] < 0 || start[i] > limit[i] || limit[i] > x.shape[i] || strides[i] < 1)
      fail(ErrorKind::Value, "expected 0 <= start <= limit <= dimension and stride >= 1 for " + str(x) +
                                 ", got start_indices=" + ints_to_string(start) + " limit_indices=" +
                                 ints_to_string(limit) + " strides=" + ints_to_string(strides));
    shape.push_back((limit[i] - start[i] + strides[i] - 1) / strides[i]);
  }
  return {Type{x.dtype, shape, x.weak}};
}

std::vector<Type> dynamic_slice(const OpSignature& s) {
  const Type& x = s.operands[0];
  const auto& sizes = attr_ints(s.attrs, 0);
  if (int(s.operands.size()) - 1 != x.rank())
    fail(ErrorKind::Value, "expected one start index per dimension of " + str(x) + ", got " +
                               std::to_string(s.operands.size() - 1));
  for (size_t i = 1; i < s.operands.size(); ++i) check_scalar_int(s.operands[i], "start index");
  check_rank(sizes, x.rank(), "slice_sizes", x);
  for (int i = 0; i < x.rank(); ++i)
    if (sizes[i] < 0 || sizes[i] > x.shape[i])
      fail(ErrorKind::Value, "expected slice_sizes within " + str(x) + ", got " + ints_to_string(sizes));
  return {Type{x.dtype, Shape(sizes.begin(), sizes.end()), x.weak}};
}

std::vector<Type> dynamic_update_slice(const OpSignature& s) {
  const Type &x = s.operands[0], &update = s.operands[1];
  if (int(s.operands.size()) - 2 != x.rank())
    fail(ErrorKind::Value, "expected one start index per dimension of " + str(x) + ", got " +
                               std::to_string(s.operands.size() - 2));
  for (size_t i = 2; i < s.operands.size(); ++i) check_scalar_int(s.operands[i], "start index");
  if (update.dtype != x.dtype)
    fail(ErrorKind::Type, "expected an update of the operand's dtype, got " + str(x) + " and " + str(update));
  bool fits = update.rank() == x.rank();
  for (int i = 0; fits && i < x.rank(); ++i) fits = update.shape[i] <= x.shape[i];
  if (!fits) fail(ErrorKind::Value, "expected an update that fits in " + str(x) + ", got " + str(update));
  return {x};
}

std::vector<Type> concatenate(const OpSignature& s) {
  const Type& first = s.operands[0];
  int64_t dim = attr_int(s.attrs, 0);
  if (dim < 0 || dim >= first.rank())
    fail(ErrorKind::Value, "expected dimension in [0, " + std::to_string(first.rank()) + "), got " +
                               std::to_string(dim));
  Shape shape = first.shape;
  shape[size_t(dim)] = 0;
  bool weak = true;
  for (const Type& t : s.operands) {
    bool same = t.dtype == first.dtype && t.rank() == first.rank();
    for (int i = 0; same && i < t.rank(); ++i) same = i == dim || t.shape[i] == first.shape[i];
    if (!same)
      fail(ErrorKind::Value, "expected operands that differ only in dimension " + std::to_string(dim) +
                                 ", got " + types_to_string(s.operands));
    shape[size_t(dim)] += t.shape[size_t(dim)];
    weak = weak && t.weak;
  }
  return {Type{first.dtype, shape, weak}};
}

std::vector<Type> pad(const OpSignature& s) {
  const Type &x = s.operands[0], &value = s.operands[1];
  if (value.rank() != 0 || value.dtype != x.dtype)
    fail(ErrorKind::Type, "expected a scalar padding value of the operand's dtype, got " + str(x) + " and " +
                              str(value));
  const auto &lo = attr_ints(s.attrs, 0), &hi = attr_ints(s.attrs, 1), &interior = attr_ints(s.attrs, 2);
  check_rank(lo, x.rank(), "padding_low", x);
  check_rank(hi, x.rank(), "padding_high", x);
  check_rank(interior, x.rank(), "padding_interior", x);
  Shape shape;
  for (int i = 0; i < x.rank(); ++i) {
    if (interior[i] < 0)
      fail(ErrorKind::Value, "expected non-negative padding_interior, got " + ints_to_string(interior));
    int64_t d = x.shape[i];
    int64_t out = lo[i] + hi[i] + d + std::max<int64_t>(d - 1, 0) * interior[i];
    if (out < 0)
      fail(ErrorKind::Value, "expected padding that leaves a non-negative size for " + str(x) + ", got low=" +
                                 ints_to_string(lo) + " high=" + ints_to_string(hi));
    shape.push_back(out);
  }
  return {Type{x.dtype, shape, x.weak && value.weak}};
}

std::vector<Type> rev(const OpSignature& s) {
  check_axes(attr_ints(s.attrs, 0), s.operands[0].rank(), "dimensions");
  return {s.operands[0]};
}

std::vector<Type> iota(const OpSignature& s) {
  DType dtype = attr_dtype(s.attrs, 0);
  const auto& shape = attr_ints(s.attrs, 1);
  int64_t dim = attr_int(s.attrs, 2);
  if (!in_class(dtype, kNumberClass))
    fail(ErrorKind::Type, "expected a numeric dtype, got " + std::string(dtype_name(dtype)));
  for (int64_t d : shape)
    if (d < 0) fail(ErrorKind::Value, "expected non-negative shape, got " + ints_to_string(shape));
  if (dim < 0 || dim >= int64_t(shape.size()))
    fail(ErrorKind::Value, "expected dimension in [0, " + std::to_string(shape.size()) + "), got " +
                               std::to_string(dim));
  return {Type{dtype, Shape(shape.begin(), shape.end()), false}};
}

std::vector<Type> reduction(const OpSignature& s) {
  const Type& x = s.operands[0];
  check_dtype_class(s, x);
  const auto& axes = attr_ints(s.attrs, 0);
  check_axes(axes, x.rank(), "axes");
  Shape shape;
  for (int i = 0; i < x.rank(); ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) shape.push_back(x.shape[i]);
  return {Type{x.dtype, shape, x.weak}};
}

std::vector<Type> arg_reduction(const OpSignature& s) {
  const Type& x = s.operands[0];
  check_dtype_class(s, x);
  const auto& axes = attr_ints(s.attrs, 0);
  DType index = attr_dtype(s.attrs, 1);
  if (axes.size() != 1) fail(ErrorKind::Value, "expected exactly one axis, got " + ints_to_string(axes));
  check_axes(axes, x.rank(), "axes");
  if (x.shape[size_t(axes[0])] == 0)
    fail(ErrorKind::Value, "expected a non-empty reduced dimension, got " + str(x));
  if (!is_int(index))
    fail(ErrorKind::Type, "expected an integer index_dtype, got " + std::string(dtype_name(index)));
  Shape shape;
  for (int i = 0; i < x.rank(); ++i)
    if (i != axes[0]) shape.push_back(x.shape[i]);
  return {Type{index, shape, false}};
}

std::vector<Type> dot_general(const OpSignature& s) {
  const Type &lhs = s.operands[0], &rhs = s.operands[1];
  const auto &lc = attr_ints(s.attrs, 0), &rc = attr_ints(s.attrs, 1);
  const auto &lb = attr_ints(s.attrs, 2), &rb = attr_ints(s.attrs, 3);
  DType out = attr_dtype(s.attrs, 4);
  if (lhs.dtype != rhs.dtype)
    fail(ErrorKind::Type, "expected operands of the same dtype, got " + types_to_string(s.operands));
  check_dtype_class(s, lhs, "operands");
  if (!in_class(out, kNumberClass) || (is_complex(out) != is_complex(lhs.dtype)))
    fail(ErrorKind::Type, "expected a preferred_element_type of the operands' kind, got " +
                              std::string(dtype_name(out)) + " for " + types_to_string(s.operands));
  if (lc.size() != rc.size() || lb.size() != rb.size())
    fail(ErrorKind::Value, "expected matching numbers of contracting and batch dimensions, got lhs " +
                               ints_to_string(lc) + "/" + ints_to_string(lb) + " and rhs " + ints_to_string(rc) +
                               "/" + ints_to_string(rb));
  std::vector<int64_t> lall = lc, rall = rc;
  lall.insert(lall.end(), lb.begin(), lb.end());
  rall.insert(rall.end(), rb.begin(), rb.end());
  check_axes(lall, lhs.rank(), "lhs contracting and batch dimensions");
  check_axes(rall, rhs.rank(), "rhs contracting and batch dimensions");
  for (size_t i = 0; i < lall.size(); ++i)
    if (lhs.shape[size_t(lall[i])] != rhs.shape[size_t(rall[i])])
      fail(ErrorKind::Value, "expected contracting and batch dimensions of equal size, got " +
                                 types_to_string(s.operands) + " with contracting " + ints_to_string(lc) + "/" +
                                 ints_to_string(rc) + " and batch " + ints_to_string(lb) + "/" +
                                 ints_to_string(rb));
  Shape shape;
  for (int64_t d : lb) shape.push_back(lhs.shape[size_t(d)]);
  for (int i = 0; i < lhs.rank(); ++i)
    if (std::find(lall.begin(), lall.end(), i) == lall.end()) shape.push_back(lhs.shape[i]);
  for (int i = 0; i < rhs.rank(); ++i)
    if (std::find(rall.begin(), rall.end(), i) == rall.end()) shape.push_back(rhs.shape[i]);
  return {Type{out, shape, false}};
}

std::vector<Type> constant(const OpSignature& s) {
  const Literal& lit = attr_literal(s.attrs, 0);
  if (!lit.data && lit.nbytes() > 0) fail(ErrorKind::Value, "expected literal data");
  return {Type{lit.type.dtype, lit.type.shape, attr_bool(s.attrs, 1)}};
}

}  // namespace ember::ir::rules
