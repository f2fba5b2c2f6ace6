// quantile/percentile/median and their NaN-ignoring forms, with NumPy's 13 methods: the reduced axes are
// flattened to the last one and sorted (NaNs last); each q gives one or two positions and an interpolation
// weight computed exactly as numpy.quantile does (in float64). Concrete positions become static slices;
// traced ones (traced q, or nanquantile's per-row counts) become gathers.
#include <cmath>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

Tensor f64(double v) { return scalar_tensor(DType::F64, v, true); }

bool is_take_method(QuantileMethod m) {
  return m == QuantileMethod::Lower || m == QuantileMethod::Higher || m == QuantileMethod::Nearest ||
         m == QuantileMethod::InvertedCdf || m == QuantileMethod::ClosestObservation;
}

struct Positions {
  Tensor prev, next;  // int64, in [0, n - 1]
  Tensor gamma;       // float64 weight of `next` (take methods: unused)
};

Tensor clip_index(const Tensor& i, const Tensor& n) {
  Tensor last = subtract(n, f64(1));
  return astype(maximum(minimum(i, last), f64(0)), DType::I64);
}

// numpy.lib._function_base_impl's virtual indexes and gammas, for n values (a float64 tensor that
// broadcasts against q).
Positions positions(QuantileMethod m, const Tensor& n, const Tensor& q) {
  auto discrete = [&](const Tensor& index, bool closest) {
    Tensor prev = floor(index);
    Tensor gamma = subtract(index, prev);
    Tensor cond = equal(gamma, f64(0));
    if (closest) cond = logical_and(cond, equal(remainder(prev, f64(2)), f64(1)));
    Tensor res = where(cond, prev, add(prev, f64(1)));
    Tensor i = clip_index(res, n);
    return Positions{i, i, {}};
  };
  Tensor nm1q = multiply(subtract(n, f64(1)), q);
  switch (m) {
    case QuantileMethod::Lower: {
      Tensor i = clip_index(floor(nm1q), n);
      return {i, i, {}};
    }
    case QuantileMethod::Higher: {
      Tensor i = clip_index(ceil(nm1q), n);
      return {i, i, {}};
    }
    case QuantileMethod::Nearest: {
      Tensor i = clip_index(rint(nm1q), n);
      return {i, i, {}};
    }
    case QuantileMethod::InvertedCdf:
      return discrete(subtract(multiply(n, q), f64(1)), false);
    case QuantileMethod::ClosestObservation:
      return discrete(subtract(multiply(n, q), f64(1.5)), true);
    default:
      break;
  }
  Tensor vi;
  auto continuous = [&](double alpha, double beta) {
    return subtract(add(multiply(n, q), add(f64(alpha), multiply(q, f64(1 - alpha - beta)))), f64(1));
  };
  switch (m) {
    case QuantileMethod::Linear:
      vi = nm1q;
      break;
    case QuantileMethod::Midpoint:
      vi = multiply(f64(0.5), add(floor(nm1q), ceil(nm1q)));
      break;
    case QuantileMethod::AveragedInvertedCdf:
      vi = subtract(multiply(n, q), f64(1));
      break;
    case QuantileMethod::InterpolatedInvertedCdf:
      vi = continuous(0, 1);
      break;
    case QuantileMethod::Hazen:
      vi = continuous(0.5, 0.5);
      break;
    case QuantileMethod::Weibull:
      vi = continuous(0, 0);
      break;
    case QuantileMethod::MedianUnbiased:
      vi = continuous(1.0 / 3, 1.0 / 3);
      break;
    case QuantileMethod::NormalUnbiased:
      vi = continuous(3.0 / 8, 3.0 / 8);
      break;
    default:
      break;
  }
  // _get_indexes: beyond the last value both positions are the last (-1 in NumPy, which also enters the
  // gamma), below the first both are 0; NaN indexes count as beyond.
  Tensor last = subtract(n, f64(1));
  Tensor above = logical_or(greater_equal(vi, last), isnan(vi));
  Tensor below = less(vi, f64(0));
  Tensor fl = floor(vi);
  Tensor gprev = where(above, f64(-1), where(below, f64(0), fl));
  Tensor gamma = subtract(vi, gprev);
  if (m == QuantileMethod::Midpoint) gamma = where(equal(remainder(vi, f64(1)), f64(0)), f64(0), f64(0.5));
  if (m == QuantileMethod::AveragedInvertedCdf) gamma = where(equal(gamma, f64(0)), f64(0.5), f64(1));
  Tensor prev = where(above, last, where(below, f64(0), fl));
  Tensor next = where(above, last, where(below, f64(0), add(fl, f64(1))));
  return {clip_index(prev, n), clip_index(next, n), gamma};
}

// NumPy's _lerp: a + (b - a) t, or b - (b - a)(1 - t) for t >= 0.5 (exact at both ends). As NumPy, b - a is
// taken in the data's dtype for floats; the rest in the result's dtype (integers are converted first).
Tensor lerp(const Tensor& a0, const Tensor& b0, const Tensor& gamma, DType out) {
  DType c = compute_dtype(out);
  Tensor diff =
      ir::is_inexact(a0.dtype()) ? astype(subtract(b0, a0), c) : subtract(astype(b0, c), astype(a0, c));
  Tensor a = astype(a0, c), b = astype(b0, c);
  Tensor t = astype(gamma, c), one_minus_t = astype(subtract(f64(1), gamma), c);
  Tensor lo = add(a, multiply(diff, t));
  Tensor hi = subtract(b, multiply(diff, one_minus_t));
  return astype(where(greater_equal(gamma, f64(0.5)), hi, lo), out);
}

Tensor last_slice(const Tensor& s, int64_t i) {
  Ints lo(size_t(s.rank()), 0), hi = dims(s), st(size_t(s.rank()), 1);
  lo.back() = i;
  hi.back() = i + 1;
  Ints shape(s.shape().begin(), s.shape().end() - 1);
  return lax::reshape(lax::slice(s, lo, hi, st), shape);
}

// Values of `sorted` (B..., n) at positions idx (Q...), as (Q..., B...).
Tensor pick(const Tensor& sorted, const Tensor& idx) {
  int qr = idx.rank();
  if (idx.is_concrete()) {
    std::vector<int64_t> is = concrete_ints(idx, "quantile");
    std::vector<Tensor> parts;
    for (int64_t i : is) parts.push_back(last_slice(sorted, i));
    Ints bshape(sorted.shape().begin(), sorted.shape().end() - 1);
    if (parts.empty()) {
      Ints s = dims(idx);
      s.insert(s.end(), bshape.begin(), bshape.end());
      return lax::broadcast_scalar(
          lax::convert_element_type(lax::full_like_scalar(sorted, 0), sorted.dtype(), false), to_shape(s));
    }
    Tensor st = stack(parts, 0);
    Ints s = dims(idx);
    s.insert(s.end(), bshape.begin(), bshape.end());
    return lax::reshape(st, s);
  }
  Tensor g = take(sorted, ravel(idx), sorted.rank() - 1, TakeMode::Clip);  // (B..., Qn)
  g = moveaxis(g, {g.rank() - 1}, {0});
  Ints s = dims(idx);
  s.insert(s.end(), g.shape().begin() + 1, g.shape().end());
  (void)qr;
  return lax::reshape(g, s);
}

// Values of `sorted` (B..., n) at per-row positions idx (Q..., B...), as (Q..., B...).
Tensor pick_rows(const Tensor& sorted, const Tensor& idx, int qr) {
  int br = sorted.rank() - 1;
  Ints perm;
  for (int i = 0; i < br; ++i) perm.push_back(qr + i);
  for (int i = 0; i < qr; ++i) perm.push_back(i);
  Tensor t = lax::transpose(idx, perm);  // (B..., Q...)
  Ints flat(t.shape().begin(), t.shape().begin() + br);
  int64_t qn = 1;
  for (int i = br; i < t.rank(); ++i) qn *= t.shape()[size_t(i)];
  flat.push_back(qn);
  Tensor g = take_along_axis(sorted, lax::reshape(t, flat), sorted.rank() - 1, TakeMode::Clip);
  g = lax::reshape(g, dims(t));
  Ints back;
  for (int i = 0; i < qr; ++i) back.push_back(br + i);
  for (int i = 0; i < br; ++i) back.push_back(i);
  return lax::transpose(g, back);
}

// q0: the quantiles in [0, 1]; q_type: the type the user's q had (for the result's promotion).
Tensor quantile_impl(const Tensor& x0, const Tensor& q0, const ir::Type& q_type, const Axes& axis,
                     QuantileMethod method, bool keepdims, bool ignore_nan, std::string_view op) {
  Tensor x = canonical(x0);
  if (ir::is_complex(x.dtype()))
    throw make_error(ErrorKind::Type, op, "expected a real array, got ", ir::to_string(x.type()));
  Tensor q = astype(q0, DType::F64, op);  // a Python float keeps its float64 value
  if (q.is_concrete()) {
    runtime::Array qa = q.array();
    for (int64_t i = 0; i < qa.numel(); ++i) {
      double v = qa.data_as<double>()[i];
      if (!(v >= 0 && v <= 1))
        throw make_error(ErrorKind::Value, op, "expected quantiles in [0, 1], got ", v);
    }
  }
  bool take_method = is_take_method(method);
  // Interpolated quantiles promote with q (a Python float stays weak), as NumPy and JAX.
  ir::Type xq[2] = {
      ir::Type{default_float_for(x.dtype() == DType::Bool ? kDefaultFloat : x.dtype()), {}, false},
      q_type.with_shape({})};
  DType out =
      take_method ? x.dtype() : default_float_for(result_type(std::span<const ir::Type>(xq, 2)).dtype);
  Ints axes = normalize_axes(axis, x.rank(), op);
  Ints perm, bshape;
  for (int i = 0; i < x.rank(); ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) {
      perm.push_back(i);
      bshape.push_back(x.shape()[size_t(i)]);
    }
  perm.insert(perm.end(), axes.begin(), axes.end());
  int64_t n = count_along(x.shape(), axes);
  Ints flat = bshape;
  flat.push_back(n);
  Tensor xm = lax::reshape(lax::transpose(x, perm), flat);
  int qr = q.rank();
  Ints result_shape = dims(q);
  result_shape.insert(result_shape.end(), bshape.begin(), bshape.end());
  Tensor result;
  if (n == 0) {
    result = lax::broadcast_scalar(astype(scalar_tensor(DType::F64, NAN), out, op), to_shape(result_shape));
  } else {
    // Floats are sorted in their own dtype (differences are taken there, as NumPy); integers after the
    // conversion to the result's float dtype (ordering is preserved).
    Tensor sorted = sort(ir::is_inexact(x.dtype()) || take_method ? xm : astype(xm, out, op), -1);
    std::optional<Tensor> nan_rows;  // slices whose quantile is NaN
    Positions p;
    if (!ignore_nan || !ir::is_inexact(out)) {
      p = positions(method, f64(double(n)), q);
      Tensor a = pick(sorted, p.prev);
      result = a;
      if (!take_method) {
        Tensor b = pick(sorted, p.next);
        Ints bd = iota_ints(qr);
        result = lerp(a, b, lax::broadcast_in_dim(p.gamma, dims(a), bd), out);
      }
      // A slice with a NaN has a NaN quantile (sorted last).
      if (ir::is_inexact(out)) nan_rows = isnan(last_slice(sorted, n - 1));
    } else {
      Tensor count = sum(lax::unary(Prim::Not, isnan(xm)), Ints{xm.rank() - 1}, DType::I64);  // (B...)
      Ints qb = dims(q);
      qb.insert(qb.end(), bshape.size(), 1);
      Tensor qx = lax::reshape(q, qb);
      p = positions(method, astype(count, DType::F64), qx);
      Tensor pv = broadcast_to(p.prev, to_shape(result_shape)),
             nx = broadcast_to(p.next, to_shape(result_shape));
      Tensor a = pick_rows(sorted, pv, qr);
      result = a;
      if (!take_method) {
        Tensor b = pick_rows(sorted, nx, qr);
        result = lerp(a, b, broadcast_to(p.gamma, to_shape(result_shape)), out);
      }
      nan_rows = equal(count, scalar_tensor_int(DType::I64, 0, true));
    }
    if (nan_rows) {
      Ints bd = iota_ints(int64_t(bshape.size()), qr);
      Tensor m = lax::broadcast_in_dim(*nan_rows, result_shape, bd);
      result = lax::select(
          m, lax::broadcast_scalar(astype(scalar_tensor(DType::F64, NAN), out, op), result.shape()), result);
    }
  }
  if (keepdims) {
    Ints s = dims(q);
    for (int i = 0; i < x.rank(); ++i)
      s.push_back(std::find(axes.begin(), axes.end(), i) != axes.end() ? 1 : x.shape()[size_t(i)]);
    result = lax::reshape(result, s);
  }
  return result;
}

Tensor percent(const Tensor& q) { return true_divide(astype(q, DType::F64), f64(100)); }

}  // namespace

QuantileMethod quantile_method(std::string_view name) {
  static const std::pair<std::string_view, QuantileMethod> kNames[] = {
      {"inverted_cdf", QuantileMethod::InvertedCdf},
      {"averaged_inverted_cdf", QuantileMethod::AveragedInvertedCdf},
      {"closest_observation", QuantileMethod::ClosestObservation},
      {"interpolated_inverted_cdf", QuantileMethod::InterpolatedInvertedCdf},
      {"hazen", QuantileMethod::Hazen},
      {"weibull", QuantileMethod::Weibull},
      {"linear", QuantileMethod::Linear},
      {"median_unbiased", QuantileMethod::MedianUnbiased},
      {"normal_unbiased", QuantileMethod::NormalUnbiased},
      {"lower", QuantileMethod::Lower},
      {"higher", QuantileMethod::Higher},
      {"midpoint", QuantileMethod::Midpoint},
      {"nearest", QuantileMethod::Nearest}};
  for (auto [n, m] : kNames)
    if (n == name) return m;
  throw make_error(ErrorKind::Value, "quantile", "expected one of numpy.quantile's methods, got '", name,
                   "'");
}

Tensor quantile(const Tensor& x, const Tensor& q, const Axes& axis, QuantileMethod method, bool keepdims) {
  return quantile_impl(x, q, q.type(), axis, method, keepdims, false, "quantile");
}
Tensor percentile(const Tensor& x, const Tensor& q, const Axes& axis, QuantileMethod method, bool keepdims) {
  return quantile_impl(x, percent(q), q.type(), axis, method, keepdims, false, "percentile");
}
Tensor median(const Tensor& x, const Axes& axis, bool keepdims) {
  return quantile_impl(x, f64(0.5), f64(0.5).type(), axis, QuantileMethod::Linear, keepdims, false, "median");
}
Tensor nanquantile(const Tensor& x, const Tensor& q, const Axes& axis, QuantileMethod method, bool keepdims) {
  return quantile_impl(x, q, q.type(), axis, method, keepdims, true, "nanquantile");
}
Tensor nanpercentile(const Tensor& x, const Tensor& q, const Axes& axis, QuantileMethod method,
                     bool keepdims) {
  return quantile_impl(x, percent(q), q.type(), axis, method, keepdims, true, "nanpercentile");
}
Tensor nanmedian(const Tensor& x, const Axes& axis, bool keepdims) {
  return quantile_impl(x, f64(0.5), f64(0.5).type(), axis, QuantileMethod::Linear, keepdims, true,
                       "nanmedian");
}

}  // namespace ember::frontend::np
