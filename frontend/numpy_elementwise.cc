// Elementwise functions of the NumPy op library: promotion, broadcasting and NumPy's integer/bool rules
// on top of the elementwise primitives.
#include <cmath>
#include <limits>

#include "frontend/numpy_internal.h"
#include "ir/numeric.h"

namespace ember::frontend::np {

using ir::DType;
using ir::Prim;

using namespace detail;

namespace {
Tensor binary(Prim p, const Tensor& a, const Tensor& b, std::string_view op) {
  auto [x, y] = binary_operands(a, b, op);
  // The primitive's dtype error ("[and] expected a bool or integer operands, got f32[3]") is reported under
  // the NumPy name the user called.
  return renamed(op, [&] { return lax::binary(p, x, y); });
}
Tensor unary_inexact(Prim p, const Tensor& x) { return lax::unary(p, to_inexact(x)); }
}  // namespace

Tensor astype(const Tensor& x, DType dtype, std::string_view op) { return convert(x, dtype, false, op); }

ir::Shape broadcast_shapes(const ir::Shape& a, const ir::Shape& b, std::string_view op) {
  if (a == b) return a;
  size_t rank = std::max(a.size(), b.size());
  ir::Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      throw make_error(ErrorKind::Value, op, "expected broadcastable shapes, got ", ir::shape_to_string(a),
                       " and ", ir::shape_to_string(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor broadcast_to(const Tensor& x, const ir::Shape& shape, std::string_view op) {
  if (x.shape() == shape) return x;
  size_t rank = shape.size();
  if (size_t(x.rank()) > rank)
    throw make_error(ErrorKind::Value, op, "expected a shape of rank >= ", x.rank(), " to broadcast ",
                     ir::to_string(x.type()), " to, got ", ir::shape_to_string(shape));
  lax::Ints dims;
  for (int i = 0; i < x.rank(); ++i) {
    int64_t d = int64_t(rank - x.rank() + i);
    if (x.shape()[i] != 1 && x.shape()[i] != shape[size_t(d)])
      throw make_error(ErrorKind::Value, op, "expected a shape that ", ir::to_string(x.type()),
                       " broadcasts to, got ", ir::shape_to_string(shape));
    dims.push_back(d);
  }
  return lax::broadcast_in_dim(x, lax::to_ints(shape), dims);
}

std::vector<Tensor> promote_and_broadcast(std::span<const Tensor> xs, std::string_view op) {
  PromotedType pt = result_type(xs);
  ir::Shape shape;
  for (const Tensor& x : xs) shape = broadcast_shapes(shape, x.shape(), op);
  std::vector<Tensor> out;
  for (const Tensor& x : xs) out.push_back(broadcast_to(convert(x, pt.dtype, pt.weak, op), shape, op));
  return out;
}

int64_t normalize_axis(int64_t axis, int rank, std::string_view op) {
  if (axis < -rank || axis >= rank)
    throw make_error(ErrorKind::Value, op, "expected axis in [", -rank, ", ", rank, "), got ", axis);
  return axis < 0 ? axis + rank : axis;
}

Ints normalize_axes(const Axes& axes, int rank, std::string_view op) {
  Ints out;
  if (!axes) {
    for (int i = 0; i < rank; ++i) out.push_back(i);
    return out;
  }
  for (int64_t a : *axes) {
    int64_t n = normalize_axis(a, rank, op);
    if (std::find(out.begin(), out.end(), n) != out.end())
      throw make_error(ErrorKind::Value, op, "expected distinct axes, got repeated axis ", a);
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---- one argument ----

Tensor negative(const Tensor& x) {
  if (x.dtype() == DType::Bool)
    throw make_error(ErrorKind::Type, "negative", "expected a numeric operand, got ", ir::to_string(x.type()),
                     " (use logical_not for bool)");
  return lax::unary(Prim::Neg, canonical(x));
}
Tensor positive(const Tensor& x) { return canonical(x); }
Tensor absolute(const Tensor& x) {
  if (x.dtype() == DType::Bool) return x;
  return lax::unary(Prim::Abs, canonical(x));
}
Tensor sign(const Tensor& x) {
  if (x.dtype() == DType::Bool) return x;
  return lax::unary(Prim::Sign, canonical(x));
}
Tensor floor(const Tensor& x) {
  return ir::is_float(x.dtype()) ? lax::unary(Prim::Floor, canonical(x)) : canonical(x);
}
Tensor ceil(const Tensor& x) {
  return ir::is_float(x.dtype()) ? lax::unary(Prim::Ceil, canonical(x)) : canonical(x);
}
Tensor trunc(const Tensor& x) {
  if (!ir::is_float(x.dtype())) return canonical(x);
  Tensor c = canonical(x);
  return lax::select(lax::binary(Prim::Lt, c, scalar_like(c, 0.0)), lax::unary(Prim::Ceil, c),
                     lax::unary(Prim::Floor, c));
}
Tensor rint(const Tensor& x) {
  Tensor c = to_inexact(x);
  if (ir::is_complex(c.dtype()))
    return lax::binary(Prim::Complex, lax::round(lax::unary(Prim::Real, c), 1),
                       lax::round(lax::unary(Prim::Imag, c), 1));
  return lax::round(c, 1);
}
Tensor round(const Tensor& x, int64_t decimals) {
  if (!ir::is_inexact(x.dtype())) {
    Tensor c = canonical(x);
    if (decimals >= 0 || c.dtype() == DType::Bool) return c;
    // Integers to tens, hundreds, ...: exact integer arithmetic in 64 bits, halves to even, then wrapping
    // back to the input dtype, as NumPy does (int8 -128 to tens gives 126).
    DType wide = ir::is_signed_int(c.dtype()) ? DType::I64 : DType::U64;
    Tensor w = lax::convert_element_type(c, wide);
    if (decimals < -18) return astype(scalar_like(w, 0.0), c.dtype(), "round");
    int64_t p = 1;
    for (int64_t i = 0; i < -decimals; ++i) p *= 10;
    Tensor pt = lax::broadcast_scalar(scalar_tensor_int(wide, p), w.shape());
    Tensor q = floor_divide(w, pt);
    Tensor r = lax::binary(Prim::Sub, w, lax::binary(Prim::Mul, q, pt));
    Tensor twice = lax::binary(Prim::Add, r, r);
    Tensor one = scalar_like(w, 1.0);
    Tensor odd = lax::binary(Prim::Eq, lax::binary(Prim::And, q, one), one);
    Tensor up = lax::binary(Prim::Or, lax::binary(Prim::Gt, twice, pt),
                            lax::binary(Prim::And, lax::binary(Prim::Eq, twice, pt), odd));
    q = lax::select(up, lax::binary(Prim::Add, q, one), q);
    return lax::convert_element_type(lax::binary(Prim::Mul, q, pt), c.dtype());
  }
  if (decimals == 0) return rint(x);
  Tensor c = canonical(x);
  Tensor scale = lax::full_like_scalar(c, std::pow(10.0, double(std::abs(decimals))));
  scale = lax::broadcast_scalar(scale, c.shape());
  if (decimals > 0) return lax::binary(Prim::Div, rint(lax::binary(Prim::Mul, c, scale)), scale);
  return lax::binary(Prim::Mul, rint(lax::binary(Prim::Div, c, scale)), scale);
}
Tensor exp(const Tensor& x) { return unary_inexact(Prim::Exp, x); }
Tensor exp2(const Tensor& x) { return unary_inexact(Prim::Exp2, x); }
Tensor expm1(const Tensor& x) { return unary_inexact(Prim::Expm1, x); }
Tensor log(const Tensor& x) { return unary_inexact(Prim::Log, x); }
// log(x) / log(base); a complex logarithm is divided part by part (a complex division by the real
// constant would turn an infinite real part into NaN).
static Tensor log_base(const Tensor& x, double base) {
  Tensor l = log(x);
  if (ir::is_complex(l.dtype())) {
    Tensor re = lax::unary(Prim::Real, l), im = lax::unary(Prim::Imag, l);
    return lax::binary(Prim::Complex, lax::binary(Prim::Div, re, scalar_like(re, std::log(base))),
                       lax::binary(Prim::Div, im, scalar_like(im, std::log(base))));
  }
  return lax::binary(Prim::Div, l, scalar_like(l, std::log(base)));
}
Tensor log2(const Tensor& x) { return log_base(x, 2.0); }
Tensor log10(const Tensor& x) { return log_base(x, 10.0); }
Tensor log1p(const Tensor& x) { return unary_inexact(Prim::Log1p, x); }
Tensor sqrt(const Tensor& x) { return unary_inexact(Prim::Sqrt, x); }
Tensor cbrt(const Tensor& x) { return unary_inexact(Prim::Cbrt, x); }
Tensor square(const Tensor& x) {
  Tensor c = x.dtype() == DType::Bool ? lax::convert_element_type(x, DType::I8) : canonical(x);
  return lax::integer_pow(c, 2);
}
Tensor reciprocal(const Tensor& x) {
  Tensor c = canonical(x);
  return lax::binary(Prim::Div, scalar_like(c, 1.0), c);
}
Tensor sin(const Tensor& x) { return unary_inexact(Prim::Sin, x); }
Tensor cos(const Tensor& x) { return unary_inexact(Prim::Cos, x); }
Tensor tan(const Tensor& x) { return unary_inexact(Prim::Tan, x); }
Tensor arcsin(const Tensor& x) { return unary_inexact(Prim::Asin, x); }
Tensor arccos(const Tensor& x) { return unary_inexact(Prim::Acos, x); }
Tensor arctan(const Tensor& x) { return unary_inexact(Prim::Atan, x); }
Tensor sinh(const Tensor& x) { return unary_inexact(Prim::Sinh, x); }
Tensor cosh(const Tensor& x) { return unary_inexact(Prim::Cosh, x); }
Tensor tanh(const Tensor& x) { return unary_inexact(Prim::Tanh, x); }
Tensor arcsinh(const Tensor& x) { return unary_inexact(Prim::Asinh, x); }
Tensor arccosh(const Tensor& x) { return unary_inexact(Prim::Acosh, x); }
Tensor arctanh(const Tensor& x) { return unary_inexact(Prim::Atanh, x); }

Tensor isfinite(const Tensor& x) {
  if (ir::is_float(x.dtype())) return lax::unary(Prim::IsFinite, x);
  if (ir::is_complex(x.dtype()))
    return lax::binary(Prim::And, lax::unary(Prim::IsFinite, lax::unary(Prim::Real, x)),
                       lax::unary(Prim::IsFinite, lax::unary(Prim::Imag, x)));
  return lax::broadcast_scalar(scalar_tensor(DType::Bool, 1.0), x.shape());
}
Tensor isinf(const Tensor& x) {
  if (ir::is_float(x.dtype()))
    return lax::binary(Prim::Eq, lax::unary(Prim::Abs, x), scalar_like(x, INFINITY));
  if (ir::is_complex(x.dtype()))
    return lax::binary(Prim::Or, isinf(lax::unary(Prim::Real, x)), isinf(lax::unary(Prim::Imag, x)));
  return lax::broadcast_scalar(scalar_tensor(DType::Bool, 0.0), x.shape());
}
Tensor isnan(const Tensor& x) {
  if (ir::is_inexact(x.dtype())) return lax::binary(Prim::Ne, x, x);
  return lax::broadcast_scalar(scalar_tensor(DType::Bool, 0.0), x.shape());
}
Tensor logical_not(const Tensor& x) { return lax::unary(Prim::Not, to_bool(x)); }
Tensor invert(const Tensor& x) {
  try {
    return lax::unary(Prim::Not, canonical(x));
  } catch (Error& e) {
    throw Error(e.kind(), e.message(), "invert", e.location());
  }
}
Tensor real(const Tensor& x) { return ir::is_complex(x.dtype()) ? lax::unary(Prim::Real, x) : x; }
Tensor imag(const Tensor& x) {
  return ir::is_complex(x.dtype()) ? lax::unary(Prim::Imag, x) : scalar_like(canonical(x), 0.0);
}
Tensor conjugate(const Tensor& x) { return ir::is_complex(x.dtype()) ? lax::unary(Prim::Conj, x) : x; }

// ---- two arguments ----

Tensor add(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "add");
  return lax::binary(x.dtype() == DType::Bool ? Prim::Or : Prim::Add, x, y);
}
Tensor subtract(const Tensor& a, const Tensor& b) { return binary(Prim::Sub, a, b, "subtract"); }
Tensor multiply(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "multiply");
  return lax::binary(x.dtype() == DType::Bool ? Prim::And : Prim::Mul, x, y);
}
Tensor true_divide(const Tensor& a, const Tensor& b) {
  auto [x, y] = inexact_operands(a, b, "true_divide");
  return lax::binary(Prim::Div, x, y);
}

Tensor floor_divide(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "floor_divide");
  if (x.dtype() == DType::Bool) return lax::binary(Prim::And, x, y);
  Tensor zero = scalar_like(x, 0.0);
  if (ir::is_int(x.dtype())) {
    // Truncating division, then one less where the remainder is non-zero and the signs differ.
    Tensor q = lax::binary(Prim::Div, x, y);
    if (ir::is_unsigned_int(x.dtype())) return q;
    Tensor r = lax::binary(Prim::Rem, x, y);
    Tensor adjust =
        lax::binary(Prim::And, lax::binary(Prim::Ne, r, zero),
                    lax::binary(Prim::Ne, lax::binary(Prim::Lt, r, zero), lax::binary(Prim::Lt, y, zero)));
    return lax::select(adjust, lax::binary(Prim::Sub, q, scalar_like(q, 1.0)), q);
  }
  if (ir::is_complex(x.dtype()))
    throw make_error(ErrorKind::Type, "floor_divide", "expected real operands, got ",
                     ir::to_string(x.type()));
  // NumPy's float floor division: (x - fmod(x, y)) / y, corrected by one where fmod's sign differs from y's,
  // then rounded to the nearest integer; y == 0 gives x / y.
  Tensor mod = lax::binary(Prim::Rem, x, y);
  Tensor div = lax::binary(Prim::Div, lax::binary(Prim::Sub, x, mod), y);
  Tensor fix =
      lax::binary(Prim::And, lax::binary(Prim::Ne, mod, zero),
                  lax::binary(Prim::Ne, lax::binary(Prim::Lt, y, zero), lax::binary(Prim::Lt, mod, zero)));
  div = lax::select(fix, lax::binary(Prim::Sub, div, scalar_like(div, 1.0)), div);
  Tensor floordiv = lax::unary(Prim::Floor, div);
  Tensor up = lax::binary(Prim::Gt, lax::binary(Prim::Sub, div, floordiv), scalar_like(div, 0.5));
  floordiv = lax::select(up, lax::binary(Prim::Add, floordiv, scalar_like(div, 1.0)), floordiv);
  Tensor nonzero_div = lax::select(
      lax::binary(Prim::Eq, div, zero),
      lax::select(lax::binary(Prim::Lt, lax::binary(Prim::Div, x, y), zero), scalar_like(div, -0.0), zero),
      floordiv);
  return lax::select(lax::binary(Prim::Eq, y, zero), lax::binary(Prim::Div, x, y), nonzero_div);
}

Tensor remainder(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "remainder");
  if (x.dtype() == DType::Bool || ir::is_complex(x.dtype()))
    throw make_error(ErrorKind::Type, "remainder", "expected integer or floating operands, got ",
                     ir::to_string(x.type()));
  Tensor zero = scalar_like(x, 0.0);
  Tensor r = lax::binary(Prim::Rem, x, y);
  if (ir::is_unsigned_int(x.dtype())) return r;
  // The result takes the divisor's sign, as Python's %.
  Tensor fix =
      lax::binary(Prim::And, lax::binary(Prim::Ne, r, zero),
                  lax::binary(Prim::Ne, lax::binary(Prim::Lt, r, zero), lax::binary(Prim::Lt, y, zero)));
  Tensor fixed = lax::select(fix, lax::binary(Prim::Add, r, y), r);
  if (ir::is_int(x.dtype())) return fixed;
  // A zero remainder takes the divisor's sign: copysign(0, y).
  Tensor signed_zero = lax::select(lax::binary(Prim::Lt, y, zero), scalar_like(x, -0.0), zero);
  return lax::select(lax::binary(Prim::Eq, r, zero), signed_zero, fixed);
}

Tensor power(const Tensor& a, const Tensor& b) {
  // A Python integer exponent is static: x ** 2 becomes integer_pow, exact and cheap (as JAX).
  if (b.is_concrete() && b.weak() && b.rank() == 0 && ir::is_int(b.dtype()) && !a.weak()) {
    int64_t y = load_element_as_int(b.dtype(), b.array().data());
    Tensor x = a.dtype() == DType::Bool ? lax::convert_element_type(a, DType::I8) : a;
    if (y >= 0 || ir::is_inexact(x.dtype())) return lax::integer_pow(x, y);
  }
  auto [x, y] = binary_operands(a, b, "power");
  if (x.dtype() == DType::Bool) {
    x = lax::convert_element_type(x, DType::I8);
    y = lax::convert_element_type(y, DType::I8);
  }
  return lax::binary(Prim::Pow, x, y);
}

Tensor maximum(const Tensor& a, const Tensor& b) { return binary(Prim::Max, a, b, "maximum"); }
Tensor minimum(const Tensor& a, const Tensor& b) { return binary(Prim::Min, a, b, "minimum"); }

Tensor fmax(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "fmax");
  Tensor m = lax::binary(Prim::Max, x, y);
  if (!ir::is_inexact(x.dtype())) return m;
  return lax::select(isnan(y), x, lax::select(isnan(x), y, m));
}
Tensor fmin(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "fmin");
  Tensor m = lax::binary(Prim::Min, x, y);
  if (!ir::is_inexact(x.dtype())) return m;
  return lax::select(isnan(y), x, lax::select(isnan(x), y, m));
}
Tensor arctan2(const Tensor& a, const Tensor& b) {
  auto [x, y] = inexact_operands(a, b, "arctan2");
  return lax::binary(Prim::Atan2, x, y);
}
Tensor nextafter(const Tensor& a, const Tensor& b) {
  auto [x, y] = inexact_operands(a, b, "nextafter");
  return lax::binary(Prim::Nextafter, x, y);
}

Tensor logical_and(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(to_bool(a), to_bool(b), "logical_and");
  return lax::binary(Prim::And, x, y);
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(to_bool(a), to_bool(b), "logical_or");
  return lax::binary(Prim::Or, x, y);
}
Tensor logical_xor(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(to_bool(a), to_bool(b), "logical_xor");
  return lax::binary(Prim::Xor, x, y);
}
Tensor bitwise_and(const Tensor& a, const Tensor& b) { return binary(Prim::And, a, b, "bitwise_and"); }
Tensor bitwise_or(const Tensor& a, const Tensor& b) { return binary(Prim::Or, a, b, "bitwise_or"); }
Tensor bitwise_xor(const Tensor& a, const Tensor& b) { return binary(Prim::Xor, a, b, "bitwise_xor"); }
Tensor left_shift(const Tensor& a, const Tensor& b) { return binary(Prim::ShiftLeft, a, b, "left_shift"); }
Tensor right_shift(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "right_shift");
  Prim p = ir::is_signed_int(x.dtype()) ? Prim::ShiftRightArithmetic : Prim::ShiftRightLogical;
  try {
    return lax::binary(p, x, y);
  } catch (Error& e) {
    throw Error(e.kind(), e.message(), "right_shift", e.location());
  }
}
Tensor equal(const Tensor& a, const Tensor& b) { return binary(Prim::Eq, a, b, "equal"); }
Tensor not_equal(const Tensor& a, const Tensor& b) { return binary(Prim::Ne, a, b, "not_equal"); }
Tensor less(const Tensor& a, const Tensor& b) { return binary(Prim::Lt, a, b, "less"); }
Tensor less_equal(const Tensor& a, const Tensor& b) { return binary(Prim::Le, a, b, "less_equal"); }
Tensor greater(const Tensor& a, const Tensor& b) { return binary(Prim::Gt, a, b, "greater"); }
Tensor greater_equal(const Tensor& a, const Tensor& b) { return binary(Prim::Ge, a, b, "greater_equal"); }

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y) {
  auto [tx, ty] = binary_operands(x, y, "where");
  Tensor c = to_bool(cond);
  ir::Shape shape = broadcast_shapes(c.shape(), tx.shape(), "where");
  return lax::select(broadcast_to(c, shape, "where"), broadcast_to(tx, shape, "where"),
                     broadcast_to(ty, shape, "where"));
}

Tensor clip(const Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi) {
  Tensor out = x;
  if (lo) out = maximum(out, *lo);
  if (hi) out = minimum(out, *hi);
  return out;
}

}  // namespace ember::frontend::np
