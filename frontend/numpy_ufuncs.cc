// NumPy's remaining ufuncs on numbers (copysign, hypot, logaddexp, frexp/ldexp, gcd/lcm, ...) and the
// elementwise helpers around them (sinc, i0, nan_to_num, isclose), as compositions of primitives.
#include <cmath>
#include <limits>
#include <numbers>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

Tensor bin(Prim p, const Tensor& a, const Tensor& b) { return lax::binary(p, a, b); }
Tensor un(Prim p, const Tensor& a) { return lax::unary(p, a); }

void require_real(const Tensor& x, std::string_view op) {
  if (ir::is_complex(x.dtype()))
    throw make_error(ErrorKind::Type, op, "expected a real operand, got ", ir::to_string(x.type()));
}

void require_integer(const Tensor& x, std::string_view op) {
  if (!ir::is_int(x.dtype()))
    throw make_error(ErrorKind::Type, op, "expected integer operands, got ", ir::to_string(x.type()));
}

// Real floating operands of a binary function with an inexact result.
std::pair<Tensor, Tensor> real_inexact_operands(const Tensor& a, const Tensor& b, std::string_view op) {
  auto [x, y] = inexact_operands(a, b, op);
  require_real(x, op);
  return {x, y};
}

Tensor real_inexact(const Tensor& x, std::string_view op) {
  require_real(x, op);
  return to_inexact(x);
}

// |x| of an integer as the unsigned integer of its width (|INT_MIN| is representable there).
Tensor unsigned_abs(const Tensor& x) {
  DType u = unsigned_of_width(x.dtype());
  if (ir::is_unsigned_int(x.dtype())) return x;
  Tensor neg = lax::select(bin(Prim::Lt, x, scalar_like(x, 0)), un(Prim::Neg, x), x);
  return lax::bitcast_convert_type(neg, u);
}

uint64_t sign_mask(DType d) { return uint64_t(1) << (ir::dtype_size(d) * 8 - 1); }

Tensor bits_constant(DType u, uint64_t v, const ir::Shape& shape) {
  return int_constant(u, int64_t(v), shape);
}

// An exact power of two 2^n of floating dtype d for integer n in [emin - mantissa, emax] (normal or
// subnormal), built from its bits.
Tensor exact_pow2(const Tensor& n, DType d) {
  DType u = unsigned_of_width(d), si = n.dtype();
  int mant = mantissa_bits(d), bias = exponent_bias(d);
  int64_t emin = 1 - bias, lowest = emin - mant;
  Tensor normal_n = lax::clamp(scalar_tensor_int(si, emin), n, scalar_tensor_int(si, bias));
  Tensor normal_bits =
      bin(Prim::ShiftLeft, lax::convert_element_type(bin(Prim::Add, normal_n, scalar_like(n, bias)), u),
          bits_constant(u, uint64_t(mant), n.shape()));
  Tensor sub_n = lax::clamp(scalar_tensor_int(si, lowest), n, scalar_tensor_int(si, emin - 1));
  Tensor sub_bits = bin(Prim::ShiftLeft, bits_constant(u, 1, n.shape()),
                        lax::convert_element_type(bin(Prim::Sub, sub_n, scalar_like(n, double(lowest))), u));
  Tensor bits = lax::select(bin(Prim::Lt, n, scalar_like(n, double(emin))), sub_bits, normal_bits);
  return lax::bitcast_convert_type(bits, d);
}

// frexp in a float32/float64 dtype.
std::pair<Tensor, Tensor> frexp_wide(const Tensor& x) {
  DType d = x.dtype(), u = unsigned_of_width(d);
  int mant = mantissa_bits(d), bias = exponent_bias(d);
  int ebits = int(ir::dtype_size(d) * 8) - 1 - mant;
  double tiny = std::ldexp(1.0, 1 - bias);
  Tensor ax = un(Prim::Abs, x);
  // Subnormals are scaled into the normal range first.
  Tensor sub = bin(Prim::And, bin(Prim::Lt, ax, scalar_like(x, tiny)), bin(Prim::Ne, x, scalar_like(x, 0)));
  Tensor xs = lax::select(sub, bin(Prim::Mul, x, scalar_like(x, std::ldexp(1.0, mant + 1))), x);
  Tensor bits = lax::bitcast_convert_type(xs, u);
  Tensor field =
      bin(Prim::And, bin(Prim::ShiftRightLogical, bits, bits_constant(u, uint64_t(mant), x.shape())),
          bits_constant(u, (uint64_t(1) << ebits) - 1, x.shape()));
  Tensor e = bin(Prim::Sub, lax::convert_element_type(field, DType::I32),
                 int_constant(DType::I32, bias - 1, x.shape()));
  e = lax::select(sub, bin(Prim::Sub, e, int_constant(DType::I32, mant + 1, x.shape())), e);
  uint64_t exp_mask = ((uint64_t(1) << ebits) - 1) << mant;
  Tensor mbits = bin(Prim::Or, bin(Prim::And, bits, bits_constant(u, ~exp_mask, x.shape())),
                     bits_constant(u, uint64_t(bias - 1) << mant, x.shape()));
  Tensor m = lax::bitcast_convert_type(mbits, d);
  Tensor special = bin(Prim::Or, bin(Prim::Eq, x, scalar_like(x, 0)), un(Prim::Not, un(Prim::IsFinite, x)));
  return {lax::select(special, x, m), lax::select(special, int_constant(DType::I32, 0, x.shape()), e)};
}

// Euclid's algorithm on unsigned integers with the fixed number of steps that suffices for the width
// (consecutive Fibonacci numbers are the worst case: F(n) > 2^bits after about 1.44 * bits steps).
Tensor gcd_unsigned(Tensor a, Tensor b) {
  int steps = int(std::ceil(1.45 * double(ir::dtype_size(a.dtype()) * 8))) + 2;
  Tensor zero = scalar_like(a, 0);
  for (int i = 0; i < steps; ++i) {
    Tensor b_zero = bin(Prim::Eq, b, zero);
    Tensor r = bin(Prim::Rem, a, b);  // 0 where b == 0 (integer remainder by zero is 0)
    a = lax::select(b_zero, a, b);
    b = r;
  }
  return a;
}

}  // namespace

Tensor fabs(const Tensor& x) {
  require_real(x, "fabs");
  return un(Prim::Abs, to_inexact(x));
}

Tensor signbit(const Tensor& x0) {
  Tensor x = canonical(x0);
  require_real(x, "signbit");
  if (ir::is_float(x.dtype()))
    return bin(Prim::Lt, lax::bitcast_convert_type(x, signed_of_width(x.dtype())),
               int_constant(signed_of_width(x.dtype()), 0, x.shape()));
  if (ir::is_signed_int(x.dtype())) return bin(Prim::Lt, x, scalar_like(x, 0));
  return constant(DType::Bool, 0, x.shape());
}

Tensor copysign(const Tensor& a, const Tensor& b) {
  auto [x, y] = real_inexact_operands(a, b, "copysign");
  DType u = unsigned_of_width(x.dtype());
  uint64_t mask = sign_mask(x.dtype());
  Tensor magnitude = bin(Prim::And, lax::bitcast_convert_type(x, u), bits_constant(u, ~mask, x.shape()));
  Tensor sign = bin(Prim::And, lax::bitcast_convert_type(y, u), bits_constant(u, mask, x.shape()));
  return lax::convert_element_type(lax::bitcast_convert_type(bin(Prim::Or, magnitude, sign), x.dtype()),
                                   x.dtype(), x.weak());
}

Tensor heaviside(const Tensor& a, const Tensor& b) {
  auto [x, h0] = real_inexact_operands(a, b, "heaviside");
  Tensor zero = scalar_like(x, 0), one = scalar_like(x, 1);
  Tensor r = lax::select(bin(Prim::Lt, x, zero), zero, lax::select(bin(Prim::Gt, x, zero), one, h0));
  return lax::select(bin(Prim::Ne, x, x), x, r);
}

Tensor hypot(const Tensor& a, const Tensor& b) {
  auto [x0, y0] = real_inexact_operands(a, b, "hypot");
  Tensor y = y0;
  return in_f32(x0, [&](const Tensor& x) {
    Tensor yc = lax::convert_element_type(y, x.dtype(), x.weak());
    Tensor ax = un(Prim::Abs, x), ay = un(Prim::Abs, yc);
    // Scaled by the larger magnitude, so neither squares overflow nor tiny values underflow.
    Tensor big = bin(Prim::Max, ax, ay), small = bin(Prim::Min, ax, ay);
    Tensor ratio = bin(Prim::Div, small, big);
    Tensor r =
        bin(Prim::Mul, big, un(Prim::Sqrt, bin(Prim::Add, scalar_like(x, 1), bin(Prim::Mul, ratio, ratio))));
    Tensor zero = scalar_like(x, 0), inf = scalar_like(x, INFINITY);
    r = lax::select(bin(Prim::Eq, big, zero), zero, r);
    // hypot(inf, nan) is inf (C99).
    return lax::select(bin(Prim::Or, bin(Prim::Eq, ax, inf), bin(Prim::Eq, ay, inf)), inf, r);
  });
}

static Tensor logaddexp_impl(const Tensor& a, const Tensor& b, bool base2, std::string_view op) {
  auto [x0, y0] = real_inexact_operands(a, b, op);
  Tensor y = y0;
  return in_f32(x0, [&](const Tensor& x) {
    Tensor yc = lax::convert_element_type(y, x.dtype(), x.weak());
    Tensor big = bin(Prim::Max, x, yc);
    Tensor d = un(Prim::Neg, un(Prim::Abs, bin(Prim::Sub, x, yc)));
    Tensor tail = base2
                      ? bin(Prim::Div, un(Prim::Log1p, un(Prim::Exp2, d)), scalar_like(x, std::numbers::ln2))
                      : un(Prim::Log1p, un(Prim::Exp, d));
    // Equal operands (±inf included, where x - y is NaN) add log(2) / 1 exactly.
    Tensor same = bin(Prim::Add, x, scalar_like(x, base2 ? 1.0 : std::numbers::ln2));
    return lax::select(bin(Prim::Eq, x, yc), same, bin(Prim::Add, big, tail));
  });
}

Tensor logaddexp(const Tensor& a, const Tensor& b) { return logaddexp_impl(a, b, false, "logaddexp"); }
Tensor logaddexp2(const Tensor& a, const Tensor& b) { return logaddexp_impl(a, b, true, "logaddexp2"); }

Tensor deg2rad(const Tensor& x0) {
  Tensor x = real_inexact(x0, "deg2rad");
  return bin(Prim::Mul, x, scalar_like(x, std::numbers::pi / 180.0));
}

Tensor rad2deg(const Tensor& x0) {
  Tensor x = real_inexact(x0, "rad2deg");
  return bin(Prim::Mul, x, scalar_like(x, 180.0 / std::numbers::pi));
}

Tensor fmod(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "fmod");
  require_real(x, "fmod");
  if (x.dtype() == DType::Bool) {
    x = lax::convert_element_type(x, DType::I8);
    y = lax::convert_element_type(y, DType::I8);
  }
  return bin(Prim::Rem, x, y);
}

std::pair<Tensor, Tensor> divmod(const Tensor& a, const Tensor& b) {
  return {floor_divide(a, b), remainder(a, b)};
}

std::pair<Tensor, Tensor> modf(const Tensor& x0) {
  Tensor x = real_inexact(x0, "modf");
  Tensor whole = trunc(x);
  // x - trunc(x) is exact; the fraction keeps x's sign (-0.0 for -2.0 and -inf, as C's modf).
  Tensor frac = lax::select(un(Prim::IsFinite, x), bin(Prim::Sub, x, whole), scalar_like(x, 0));
  frac = lax::select(bin(Prim::Ne, x, x), x, frac);
  return {copysign(frac, x), whole};
}

std::pair<Tensor, Tensor> frexp(const Tensor& x0) {
  Tensor x = real_inexact(x0, "frexp");
  DType c = compute_dtype(x.dtype());
  if (c == x.dtype()) return frexp_wide(x);
  auto [m, e] = frexp_wide(lax::convert_element_type(x, c));  // half-precision values are exact in float32
  return {lax::convert_element_type(m, x.dtype(), x.weak()), e};
}

Tensor ldexp(const Tensor& x0, const Tensor& e0) {
  Tensor x = real_inexact(x0, "ldexp");
  Tensor e = canonical(e0);
  if (!ir::is_int(e.dtype()))
    throw make_error(ErrorKind::Type, "ldexp", "expected an integer exponent, got ", ir::to_string(e.type()));
  ir::Shape shape = broadcast_shapes(x.shape(), e.shape(), "ldexp");
  x = broadcast_to(x, shape, "ldexp");
  DType out = x.dtype();
  DType d = compute_dtype(out);
  Tensor xc = lax::convert_element_type(x, d);
  int mant = mantissa_bits(d), bias = exponent_bias(d);
  int64_t limit = 2 * (bias + mant) + 8;
  // Exponents beyond +-limit saturate the result either way; clamping first keeps the sum in range.
  Tensor ec = lax::convert_element_type(e, DType::I64);
  if (ir::is_unsigned_int(e.dtype()) && e.dtype() == DType::U64)
    ec = lax::select(bin(Prim::Gt, e, scalar_like(e, double(limit))), scalar_like(ec, double(limit)), ec);
  ec = broadcast_to(
      lax::clamp(scalar_tensor_int(DType::I64, -limit), ec, scalar_tensor_int(DType::I64, limit)), shape,
      "ldexp");
  // x = m * 2^ex with m in [0.5, 1): one multiplication by an exact power of two rounds once.
  auto [m, ex] = frexp_wide(xc);
  Tensor n = bin(Prim::Add, lax::convert_element_type(ex, DType::I64), ec);
  int64_t emax = bias, lowest = 1 - bias - mant;
  Tensor in_range = bin(Prim::Mul, m, exact_pow2(n, d));
  Tensor top = bin(Prim::Mul, bin(Prim::Add, m, m), exact_pow2(int_constant(DType::I64, emax, shape), d));
  Tensor r = lax::select(bin(Prim::Eq, n, int_constant(DType::I64, emax + 1, shape)), top, in_range);
  r = lax::select(bin(Prim::Gt, n, int_constant(DType::I64, emax + 1, shape)),
                  copysign(constant(d, INFINITY, shape), xc), r);
  r = lax::select(bin(Prim::Lt, n, int_constant(DType::I64, lowest, shape)),
                  copysign(constant(d, 0.0, shape), xc), r);
  Tensor special =
      bin(Prim::Or, bin(Prim::Eq, xc, scalar_like(xc, 0)), un(Prim::Not, un(Prim::IsFinite, xc)));
  r = lax::select(special, xc, r);
  return lax::convert_element_type(r, out, x.weak());
}

Tensor spacing(const Tensor& x0) {
  Tensor x = real_inexact(x0, "spacing");
  Tensor toward = copysign(scalar_like(x, INFINITY), x);
  // The distance to the next value away from zero (exact: neighbours differ by a power of two); NumPy
  // gives the smallest subnormal for both zeros.
  Tensor r = bin(Prim::Sub, bin(Prim::Nextafter, x, toward), x);
  Tensor tiny = bin(Prim::Nextafter, scalar_like(x, 0), scalar_like(x, 1));
  return lax::select(bin(Prim::Eq, x, scalar_like(x, 0)), tiny, r);
}

Tensor float_power(const Tensor& a, const Tensor& b) {
  ir::Type types[2] = {a.type(), b.type()};
  PromotedType pt = result_type(std::span<const ir::Type>(types, 2));
  DType d = ir::is_complex(pt.dtype) ? DType::C128 : DType::F64;
  auto [x, y] = binary_operands(a, b, "float_power", d);
  return bin(Prim::Pow, x, y);
}

Tensor gcd(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "gcd");
  require_integer(x, "gcd");
  Tensor g = gcd_unsigned(unsigned_abs(x), unsigned_abs(y));
  return ir::is_signed_int(x.dtype()) ? lax::bitcast_convert_type(g, x.dtype()) : g;
}

Tensor lcm(const Tensor& a, const Tensor& b) {
  auto [x, y] = binary_operands(a, b, "lcm");
  require_integer(x, "lcm");
  Tensor ua = unsigned_abs(x), ub = unsigned_abs(y);
  Tensor g = gcd_unsigned(ua, ub);
  // |a| / gcd * |b|, wrapping as NumPy's integer arithmetic; 0 when either is 0 (0 / 0 is 0 here).
  Tensor l = bin(Prim::Mul, bin(Prim::Div, ua, g), ub);
  return ir::is_signed_int(x.dtype()) ? lax::bitcast_convert_type(l, x.dtype()) : l;
}

Tensor bitwise_count(const Tensor& x0) {
  Tensor x = canonical(x0);
  if (x.dtype() == DType::Bool) return lax::convert_element_type(x, DType::U8);
  require_integer(x, "bitwise_count");
  return lax::convert_element_type(un(Prim::PopulationCount, unsigned_abs(x)), DType::U8);
}

Tensor sinc(const Tensor& x0) {
  Tensor x = to_inexact(x0);
  return in_f32(x, [](const Tensor& v) {
    // As NumPy: pi * x with x == 0 replaced by a tiny value, so sin(y) / y is 1 there without a branch.
    Tensor safe = lax::select(bin(Prim::Eq, v, scalar_like(v, 0)), scalar_like(v, 1e-20), v);
    Tensor y = bin(Prim::Mul, safe, scalar_like(v, std::numbers::pi));
    return bin(Prim::Div, un(Prim::Sin, y), y);
  });
}

Tensor i0(const Tensor& x0) {
  Tensor x = real_inexact(x0, "i0");
  return in_f32(x, [](const Tensor& v) {
    return bin(Prim::Mul, un(Prim::BesselI0e, v), un(Prim::Exp, un(Prim::Abs, v)));
  });
}

Tensor isneginf(const Tensor& x0) {
  Tensor x = canonical(x0);
  require_real(x, "isneginf");
  if (!ir::is_float(x.dtype())) return constant(DType::Bool, 0, x.shape());
  return bin(Prim::Eq, x, scalar_like(x, -INFINITY));
}

Tensor isposinf(const Tensor& x0) {
  Tensor x = canonical(x0);
  require_real(x, "isposinf");
  if (!ir::is_float(x.dtype())) return constant(DType::Bool, 0, x.shape());
  return bin(Prim::Eq, x, scalar_like(x, INFINITY));
}

Tensor nan_to_num(const Tensor& x0, double nan, std::optional<double> posinf, std::optional<double> neginf) {
  Tensor x = canonical(x0);
  if (ir::is_complex(x.dtype()))
    return lax::binary(Prim::Complex, nan_to_num(un(Prim::Real, x), nan, posinf, neginf),
                       nan_to_num(un(Prim::Imag, x), nan, posinf, neginf));
  if (!ir::is_float(x.dtype())) return x;
  // The largest finite value of the dtype: the value just below infinity.
  Tensor big = bin(Prim::Nextafter, scalar_like(x, INFINITY), scalar_like(x, 0));
  Tensor hi = posinf ? scalar_like(x, *posinf) : big;
  Tensor lo = neginf ? scalar_like(x, *neginf) : un(Prim::Neg, big);
  Tensor r = lax::select(bin(Prim::Eq, x, scalar_like(x, INFINITY)), hi, x);
  r = lax::select(bin(Prim::Eq, x, scalar_like(x, -INFINITY)), lo, r);
  return lax::select(bin(Prim::Ne, x, x), scalar_like(x, nan), r);
}

Tensor angle(const Tensor& z0, bool deg) {
  Tensor z = to_inexact(z0);
  Tensor re = real(z), im = ir::is_complex(z.dtype()) ? un(Prim::Imag, z) : scalar_like(z, 0);
  Tensor a = bin(Prim::Atan2, im, re);
  return deg ? bin(Prim::Mul, a, scalar_like(a, 180.0 / std::numbers::pi)) : a;
}

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  auto [x, y] = inexact_operands(a, b, "isclose");
  Tensor ax = absolute(bin(Prim::Sub, x, y)), ay = absolute(y);
  Tensor bound = bin(Prim::Add, scalar_like(ay, atol), bin(Prim::Mul, scalar_like(ay, rtol), ay));
  // Infinities are close only to themselves (the difference is NaN or inf there).
  Tensor close = bin(Prim::And, bin(Prim::Le, ax, bound), isfinite(y));
  close = bin(Prim::Or, close, bin(Prim::Eq, x, y));
  if (equal_nan) close = bin(Prim::Or, close, bin(Prim::And, isnan(x), isnan(y)));
  return close;
}

Tensor allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return all(isclose(a, b, rtol, atol, equal_nan));
}

Tensor array_equal(const Tensor& a, const Tensor& b, bool equal_nan) {
  if (!(a.shape() == b.shape())) return scalar_tensor(DType::Bool, 0);
  Tensor eq = equal(a, b);
  if (equal_nan) eq = bin(Prim::Or, eq, bin(Prim::And, isnan(a), isnan(b)));
  return all(eq);
}

Tensor array_equiv(const Tensor& a, const Tensor& b) {
  try {
    broadcast_shapes(a.shape(), b.shape(), "array_equiv");
  } catch (Error&) {
    return scalar_tensor(DType::Bool, 0);
  }
  return all(equal(a, b));
}

Tensor iscomplex(const Tensor& x) {
  if (!ir::is_complex(x.dtype())) return constant(DType::Bool, 0, x.shape());
  return bin(Prim::Ne, un(Prim::Imag, x), scalar_like(un(Prim::Imag, x), 0));
}

Tensor isreal(const Tensor& x) {
  if (!ir::is_complex(x.dtype())) return constant(DType::Bool, 1, x.shape());
  return bin(Prim::Eq, un(Prim::Imag, x), scalar_like(un(Prim::Imag, x), 0));
}

}  // namespace ember::frontend::np
