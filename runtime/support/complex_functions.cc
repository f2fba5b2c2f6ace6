#include "runtime/support/complex_functions.h"

#include "runtime/support/complex_math.h"

namespace {

template <typename R>
std::complex<R> evaluate(int64_t fn, std::complex<R> x, std::complex<R> y) {
  namespace cm = ember::complex_math;
  switch (fn) {
    case EMBER_CX_EXP: return std::exp(x);
    case EMBER_CX_EXP2: return cm::exp2(x);
    case EMBER_CX_EXPM1: return cm::expm1(x);
    case EMBER_CX_LOG: return std::log(x);
    case EMBER_CX_LOG1P: return cm::log1p(x);
    case EMBER_CX_SQRT: return std::sqrt(x);
    case EMBER_CX_RSQRT: return cm::cdiv(std::complex<R>(1), std::sqrt(x));
    case EMBER_CX_SIN: return std::sin(x);
    case EMBER_CX_COS: return std::cos(x);
    case EMBER_CX_TAN: return std::tan(x);
    case EMBER_CX_ASIN: return std::asin(x);
    case EMBER_CX_ACOS: return std::acos(x);
    case EMBER_CX_ATAN: return std::atan(x);
    case EMBER_CX_SINH: return std::sinh(x);
    case EMBER_CX_COSH: return std::cosh(x);
    case EMBER_CX_TANH: return std::tanh(x);
    case EMBER_CX_ASINH: return std::asinh(x);
    case EMBER_CX_ACOSH: return std::acosh(x);
    case EMBER_CX_ATANH: return std::atanh(x);
    case EMBER_CX_LOGISTIC: return cm::logistic(x);
    case EMBER_CX_SIGN: return cm::sign(x);
    case EMBER_CX_POW: return cm::pow(x, y);
    default: return {R(NAN), R(NAN)};
  }
}

}  // namespace

extern "C" EmberComplex ember_complex_function(int64_t fn, int64_t single, double x_re, double x_im, double y_re,
                                               double y_im) {
  if (single) {
    std::complex<float> r = evaluate<float>(fn, {float(x_re), float(x_im)}, {float(y_re), float(y_im)});
    return {r.real(), r.imag()};
  }
  std::complex<double> r = evaluate<double>(fn, {x_re, x_im}, {y_re, y_im});
  return {r.real(), r.imag()};
}
