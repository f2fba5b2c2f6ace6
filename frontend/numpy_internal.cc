// Helpers shared by the op library's source files (numpy_internal.h).
#include "frontend/numpy_internal.h"

#include <limits>

#include "ir/numeric.h"

namespace ember::frontend::np::detail {

namespace {

// A concrete weak Python integer must fit the integer dtype it meets (NumPy 2 and JAX raise too).
void check_python_int_fits(const Tensor& x, DType to, std::string_view op) {
  if (!x.is_concrete() || !x.weak() || !ir::is_int(x.dtype()) || !ir::is_int(to) || x.rank() != 0) return;
  int64_t v = load_element_as_int(x.dtype(), x.array().data());
  bool fits = visit_dtype(to, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if constexpr (std::is_unsigned_v<T>) {
        return v >= 0 && uint64_t(v) <= uint64_t(std::numeric_limits<T>::max());
      } else {
        return v >= int64_t(std::numeric_limits<T>::min()) && v <= int64_t(std::numeric_limits<T>::max());
      }
    }
    return true;
  });
  if (!fits)
    throw make_error(ErrorKind::Overflow, op, "expected a Python integer in the range of ",
                     ir::dtype_numpy_name(to), ", got ", v);
}

}  // namespace

Tensor convert(const Tensor& x, DType dtype, bool weak, std::string_view op) {
  check_python_int_fits(x, dtype, op);
  return lax::convert_element_type(x, dtype, weak);
}

Tensor canonical(const Tensor& x) {
  if (!x.weak()) return x;
  return lax::convert_element_type(x, canonical_weak_dtype(x.dtype()), true);
}

Tensor to_inexact(const Tensor& x) {
  Tensor c = canonical(x);
  if (ir::is_inexact(c.dtype())) return c;
  return lax::convert_element_type(c, kDefaultFloat, c.weak());
}

Tensor scalar_like(const Tensor& x, double v) {
  return lax::broadcast_scalar(lax::full_like_scalar(x, v), x.shape());
}

Tensor constant(DType dtype, double v, const ir::Shape& shape) {
  return lax::broadcast_scalar(scalar_tensor(dtype, v), shape);
}

Tensor int_constant(DType dtype, int64_t v, const ir::Shape& shape) {
  return lax::broadcast_scalar(scalar_tensor_int(dtype, v), shape);
}

Tensor to_bool(const Tensor& x) {
  if (x.dtype() == DType::Bool) return x;
  return lax::binary(Prim::Ne, x, scalar_like(x, 0.0));
}

std::pair<Tensor, Tensor> binary_operands(const Tensor& a, const Tensor& b, std::string_view op,
                                          std::optional<DType> force) {
  // Operands of one type (the common case) need no promotion or broadcasting.
  if (a.type() == b.type() && (!force || *force == a.dtype())) return {a, b};
  ir::Type types[2] = {a.type(), b.type()};
  PromotedType pt = result_type(std::span<const ir::Type>(types, 2));
  DType dtype = force ? *force : pt.dtype;
  ir::Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  return {broadcast_to(convert(a, dtype, pt.weak, op), shape, op),
          broadcast_to(convert(b, dtype, pt.weak, op), shape, op)};
}

std::pair<Tensor, Tensor> inexact_operands(const Tensor& a, const Tensor& b, std::string_view op) {
  ir::Type types[2] = {a.type(), b.type()};
  PromotedType pt = result_type(std::span<const ir::Type>(types, 2));
  return binary_operands(a, b, op, ir::is_inexact(pt.dtype) ? pt.dtype : kDefaultFloat);
}

DType compute_dtype(DType d) { return d == DType::F16 || d == DType::BF16 ? DType::F32 : d; }

Tensor in_f32(const Tensor& x, const std::function<Tensor(const Tensor&)>& f) {
  DType c = compute_dtype(x.dtype());
  if (c == x.dtype()) return f(x);
  return lax::convert_element_type(f(lax::convert_element_type(x, c, x.weak())), x.dtype(), x.weak());
}

DType unsigned_of_width(DType d) {
  switch (ir::dtype_size(d)) {
    case 1:
      return DType::U8;
    case 2:
      return DType::U16;
    case 4:
      return DType::U32;
    default:
      return DType::U64;
  }
}

DType signed_of_width(DType d) {
  switch (ir::dtype_size(d)) {
    case 1:
      return DType::I8;
    case 2:
      return DType::I16;
    case 4:
      return DType::I32;
    default:
      return DType::I64;
  }
}

int mantissa_bits(DType d) {
  switch (d) {
    case DType::F16:
      return 10;
    case DType::BF16:
      return 7;
    case DType::F32:
      return 23;
    default:
      return 52;
  }
}

int exponent_bias(DType d) {
  switch (d) {
    case DType::F16:
      return 15;
    case DType::BF16:
    case DType::F32:
      return 127;
    default:
      return 1023;
  }
}

Tensor keep_dims(const Tensor& reduced, const ir::Shape& in_shape, const Ints& axes) {
  Ints shape;
  for (size_t i = 0; i < in_shape.size(); ++i)
    shape.push_back(std::find(axes.begin(), axes.end(), int64_t(i)) != axes.end() ? 1 : in_shape[i]);
  return lax::reshape(reduced, shape);
}

int64_t count_along(const ir::Shape& shape, const Ints& axes) {
  int64_t n = 1;
  for (int64_t a : axes) n *= shape[size_t(a)];
  return n;
}

Ints iota_ints(int64_t n, int64_t start) {
  Ints out;
  for (int64_t i = 0; i < n; ++i) out.push_back(start + i);
  return out;
}

Tensor move_to_end(const Tensor& x, int64_t axis) {
  Ints perm;
  for (int i = 0; i < x.rank(); ++i)
    if (i != axis) perm.push_back(i);
  perm.push_back(axis);
  return lax::transpose(x, perm);
}

Tensor move_from_end(const Tensor& x, int64_t axis) {
  Ints perm;
  int last = x.rank() - 1;
  for (int i = 0, src = 0; i < x.rank(); ++i) perm.push_back(i == axis ? last : src++);
  return lax::transpose(x, perm);
}

Tensor sort_less(const Tensor& a, const Tensor& b) {
  if (ir::is_complex(a.dtype())) {
    Tensor ar = lax::unary(Prim::Real, a), ai = lax::unary(Prim::Imag, a);
    Tensor br = lax::unary(Prim::Real, b), bi = lax::unary(Prim::Imag, b);
    // NumPy's complex order: by real part, then imaginary part, NaNs last in each.
    Tensor real_less = sort_less(ar, br);
    Tensor real_equal =
        lax::binary(Prim::Or, lax::binary(Prim::Eq, ar, br),
                    lax::binary(Prim::And, lax::binary(Prim::Ne, ar, ar), lax::binary(Prim::Ne, br, br)));
    return lax::binary(Prim::Or, real_less, lax::binary(Prim::And, real_equal, sort_less(ai, bi)));
  }
  Tensor lt = lax::binary(Prim::Lt, a, b);
  if (!ir::is_float(a.dtype())) return lt;
  // A number is below NaN.
  Tensor b_nan = lax::binary(Prim::Ne, b, b), a_num = lax::binary(Prim::Eq, a, a);
  return lax::binary(Prim::Or, lt, lax::binary(Prim::And, b_nan, a_num));
}

DType sum_dtype(DType d) {
  if (ir::is_bool(d) || ir::is_signed_int(d)) return DType::I64;
  if (ir::is_unsigned_int(d)) return DType::U64;
  return d;
}

std::vector<int64_t> concrete_ints(const Tensor& t, std::string_view op) {
  runtime::Array a = t.array(op);
  std::vector<int64_t> out;
  size_t size = ir::dtype_size(a.type.dtype);
  const auto* p = static_cast<const unsigned char*>(a.data());
  for (int64_t i = 0; i < a.numel(); ++i)
    out.push_back(load_element_as_int(a.type.dtype, p + size_t(i) * size));
  return out;
}

std::vector<bool> concrete_nonzero(const Tensor& t, std::string_view op) {
  runtime::Array a = t.array(op);
  std::vector<bool> out;
  size_t size = ir::dtype_size(a.type.dtype);
  const auto* p = static_cast<const unsigned char*>(a.data());
  for (int64_t i = 0; i < a.numel(); ++i) {
    const void* e = p + size_t(i) * size;
    out.push_back(ir::is_complex(a.type.dtype)
                      ? load_element_as_complex(a.type.dtype, e) != std::complex<double>(0, 0)
                      : load_element_as_double(a.type.dtype, e) != 0.0);
  }
  return out;
}

int64_t concrete_int(const Tensor& t, std::string_view op) {
  runtime::Array a = t.array(op);
  return load_element_as_int(a.type.dtype, a.data());
}

double concrete_double(const Tensor& t, std::string_view op) {
  runtime::Array a = t.array(op);
  return load_element_as_double(a.type.dtype, a.data());
}

Tensor slice_axis(const Tensor& x, int64_t axis, int64_t start, int64_t stop, int64_t step) {
  Ints lo(size_t(x.rank()), 0), hi = dims(x), st(size_t(x.rank()), 1);
  lo[size_t(axis)] = start;
  hi[size_t(axis)] = std::max(start, stop);
  st[size_t(axis)] = step;
  return lax::slice(x, lo, hi, st);
}

}  // namespace ember::frontend::np::detail
