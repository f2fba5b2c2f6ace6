// Statistics and signal processing of the NumPy op library: differences, gradients, integration,
// convolution, covariance, interpolation, binning and histograms, Vandermonde matrices and windows.
#include <cmath>
#include <functional>
#include <numbers>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

Tensor f64(double v) { return scalar_tensor(DType::F64, v, true); }

// A 1-d array along `axis` of an array of rank `rank` (size-1 elsewhere), for broadcasting.
Tensor along(const Tensor& v, int64_t axis, int rank) {
  Ints shape(size_t(rank), 1);
  shape[size_t(axis)] = v.numel();
  return lax::reshape(v, shape);
}

// Scatter-adds `updates` (n,) at integer positions (n,) into `length` bins; out-of-range positions are
// dropped.
Tensor bin_add(const Tensor& pos, const Tensor& updates, int64_t length) {
  Tensor zeros = lax::broadcast_scalar(
      lax::convert_element_type(lax::full_like_scalar(updates, 0), updates.dtype(), false), {length});
  if (pos.numel() == 0) return zeros;
  lax::ScatterDims d;
  d.inserted_window_dims = {0};
  d.scatter_dims_to_operand_dims = {0};
  return lax::scatter(Prim::ScatterAdd, zeros, lax::reshape(pos, {pos.numel(), 1}), updates, d,
                      ir::IndexMode::FillOrDrop);
}

void require_1d(const Tensor& x, std::string_view op, std::string_view what) {
  if (x.rank() != 1)
    throw make_error(ErrorKind::Value, op, "expected a 1-d ", what, ", got ", ir::to_string(x.type()));
}

}  // namespace

Tensor diff(const Tensor& x0, int64_t n, int64_t axis, const std::optional<Tensor>& prepend,
            const std::optional<Tensor>& append) {
  if (n < 0) throw make_error(ErrorKind::Value, "diff", "expected a non-negative order n, got ", n);
  Tensor x = canonical(x0);
  if (x.rank() == 0)
    throw make_error(ErrorKind::Value, "diff", "expected an array of rank >= 1, got ",
                     ir::to_string(x.type()));
  int64_t a = normalize_axis(axis, x.rank(), "diff");
  if (n == 0) return x;
  auto edge = [&](const Tensor& v0) {
    Tensor v = canonical(v0);
    if (v.rank() == 0) {
      Ints s = dims(x);
      s[size_t(a)] = 1;
      return broadcast_to(v, to_shape(s), "diff");
    }
    return v;
  };
  if (prepend || append) {
    std::vector<Tensor> parts;
    if (prepend) parts.push_back(edge(*prepend));
    parts.push_back(x);
    if (append) parts.push_back(edge(*append));
    x = concatenate(parts, a);
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t len = x.shape()[size_t(a)];
    Tensor hi = slice_axis(x, a, std::min<int64_t>(1, len), len),
           lo = slice_axis(x, a, 0, std::max<int64_t>(len - 1, 0));
    x = x.dtype() == DType::Bool ? not_equal(hi, lo) : subtract(hi, lo);
  }
  return x;
}

Tensor ediff1d(const Tensor& x0, const std::optional<Tensor>& to_end, const std::optional<Tensor>& to_begin) {
  Tensor x = ravel(canonical(x0));
  Tensor d = diff(x);
  std::vector<Tensor> parts;
  if (to_begin) parts.push_back(ravel(astype(*to_begin, x.dtype(), "ediff1d")));
  parts.push_back(d);
  if (to_end) parts.push_back(ravel(astype(*to_end, x.dtype(), "ediff1d")));
  return concatenate(parts, 0);
}

std::vector<Tensor> gradient(const Tensor& f0, const std::vector<Tensor>& spacing, const Axes& axis,
                             int64_t edge_order) {
  Tensor f = to_inexact(f0);
  if (edge_order != 1 && edge_order != 2)
    throw make_error(ErrorKind::Value, "gradient", "expected edge_order 1 or 2, got ", edge_order);
  Ints axes;
  if (!axis) {
    axes = iota_ints(f.rank());
  } else {
    for (int64_t a : *axis) axes.push_back(normalize_axis(a, f.rank(), "gradient"));
  }
  if (!spacing.empty() && spacing.size() != 1 && spacing.size() != axes.size())
    throw make_error(ErrorKind::Value, "gradient", "expected 0, 1 or ", axes.size(), " spacings, got ",
                     spacing.size());
  std::vector<Tensor> out;
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t a = axes[k];
    int64_t n = f.shape()[size_t(a)];
    if (n < edge_order + 1)
      throw make_error(ErrorKind::Value, "gradient", "expected at least ", edge_order + 1,
                       " values along each axis, got ", n, " along axis ", a);
    Tensor h = spacing.empty() ? f64(1.0) : spacing[spacing.size() == 1 ? 0 : k];
    auto s = [&](int64_t lo, int64_t hi) {
      return slice_axis(f, a, lo < 0 ? lo + n : lo, hi <= 0 ? hi + n : hi);
    };
    Tensor first, interior, last;
    if (h.rank() == 0) {
      Tensor hd = astype(h, f.dtype(), "gradient");
      if (h.weak()) hd = hd.with_weak(true);
      interior = true_divide(subtract(s(2, n), s(0, -2)), multiply(hd, scalar_tensor(DType::F64, 2.0, true)));
      if (edge_order == 1) {
        first = true_divide(subtract(s(1, 2), s(0, 1)), hd);
        last = true_divide(subtract(s(-1, n), s(-2, -1)), hd);
      } else {
        auto c = [&](double v) { return true_divide(scalar_tensor(DType::F64, v, true), hd); };
        first = add(add(multiply(c(-1.5), s(0, 1)), multiply(c(2.0), s(1, 2))), multiply(c(-0.5), s(2, 3)));
        last =
            add(add(multiply(c(0.5), s(-3, -2)), multiply(c(-2.0), s(-2, -1))), multiply(c(1.5), s(-1, n)));
      }
    } else {
      require_1d(h, "gradient", "coordinate array");
      if (h.numel() != n)
        throw make_error(ErrorKind::Value, "gradient", "expected coordinates of length ", n, ", got ",
                         h.numel());
      Tensor hx = astype(h, f.dtype(), "gradient");
      Tensor dx = diff(hx);
      auto d = [&](int64_t lo, int64_t hi) {
        return slice_axis(dx, 0, lo < 0 ? lo + n - 1 : lo, hi <= 0 ? hi + n - 1 : hi);
      };
      int r = f.rank();
      Tensor dx1 = along(d(0, -1), a, r), dx2 = along(d(1, n - 1), a, r);
      Tensor ca = negative(true_divide(dx2, multiply(dx1, add(dx1, dx2))));
      Tensor cb = true_divide(subtract(dx2, dx1), multiply(dx1, dx2));
      Tensor cc = true_divide(dx1, multiply(dx2, add(dx1, dx2)));
      interior = add(add(multiply(ca, s(0, -2)), multiply(cb, s(1, -1))), multiply(cc, s(2, n)));
      if (edge_order == 1) {
        first = true_divide(subtract(s(1, 2), s(0, 1)), along(d(0, 1), a, r));
        last = true_divide(subtract(s(-1, n), s(-2, -1)), along(d(-1, n - 1), a, r));
      } else {
        Tensor e1 = along(d(0, 1), a, r), e2 = along(d(1, 2), a, r);
        Tensor fa = negative(true_divide(add(add(e1, e1), e2), multiply(e1, add(e1, e2))));
        Tensor fb = true_divide(add(e1, e2), multiply(e1, e2));
        Tensor fc = negative(true_divide(e1, multiply(e2, add(e1, e2))));
        first = add(add(multiply(fa, s(0, 1)), multiply(fb, s(1, 2))), multiply(fc, s(2, 3)));
        Tensor l1 = along(d(-2, -1), a, r), l2 = along(d(-1, n - 1), a, r);
        Tensor la = true_divide(l2, multiply(l1, add(l1, l2)));
        Tensor lb = negative(true_divide(add(l2, l1), multiply(l1, l2)));
        Tensor lc = true_divide(add(add(l2, l2), l1), multiply(l2, add(l1, l2)));
        last = add(add(multiply(la, s(-3, -2)), multiply(lb, s(-2, -1))), multiply(lc, s(-1, n)));
      }
    }
    std::vector<Tensor> parts = {astype(first, f.dtype()), astype(interior, f.dtype()),
                                 astype(last, f.dtype())};
    out.push_back(concatenate(parts, a));
  }
  return out;
}

Tensor trapezoid(const Tensor& y0, const std::optional<Tensor>& x, double dx, int64_t axis) {
  Tensor y = to_inexact(y0);
  if (y.rank() == 0)
    throw make_error(ErrorKind::Value, "trapezoid", "expected an array of rank >= 1, got ",
                     ir::to_string(y.type()));
  int64_t a = normalize_axis(axis, y.rank(), "trapezoid");
  int64_t n = y.shape()[size_t(a)];
  Tensor d = scalar_tensor(DType::F64, dx, true);
  if (x) {
    Tensor xc = canonical(*x);
    d = xc.rank() == 1 ? along(diff(xc), a, y.rank()) : diff(xc, 1, axis);
  }
  Tensor mid = true_divide(add(slice_axis(y, a, 1, n), slice_axis(y, a, 0, std::max<int64_t>(n - 1, 0))),
                           scalar_tensor(DType::F64, 2.0, true));
  return sum(multiply(d, mid), Ints{a});
}

Tensor unwrap(const Tensor& p0, std::optional<double> discont, int64_t axis, double period) {
  // Half precision is unwrapped in float32 and rounded once (the jump decisions see exact differences).
  Tensor p1 = to_inexact(p0);
  if (compute_dtype(p1.dtype()) != p1.dtype())
    return astype(unwrap(astype(p1, compute_dtype(p1.dtype())), discont, axis, period), p1.dtype());
  Tensor p = p1;
  if (p.rank() == 0)
    throw make_error(ErrorKind::Value, "unwrap", "expected an array of rank >= 1, got ",
                     ir::to_string(p.type()));
  int64_t a = normalize_axis(axis, p.rank(), "unwrap");
  int64_t n = p.shape()[size_t(a)];
  if (n < 2) return p;
  double high = period / 2, low = -high;
  double disc = discont.value_or(high);
  if (disc < high) disc = high;
  // NumPy's algorithm: each difference is mapped into [-period/2, period/2) (boundary ambiguity resolved
  // toward the difference's sign), and the accumulated corrections are added back.
  Tensor dd = diff(p, 1, a);
  auto c = [](double v) { return scalar_tensor(DType::F64, v, true); };
  Tensor ddmod = add(remainder(subtract(dd, c(low)), c(period)), c(low));
  ddmod = where(logical_and(equal(ddmod, c(low)), greater(dd, c(0))), c(high), ddmod);
  Tensor correct = subtract(ddmod, dd);
  correct = where(less(absolute(dd), c(disc)), c(0), correct);
  Tensor acc = cumsum(correct, a);
  Tensor tail = add(slice_axis(p, a, 1, n), acc);
  return concatenate(std::vector<Tensor>{slice_axis(p, a, 0, 1), tail}, a);
}

Tensor convolve(const Tensor& a0, const Tensor& v0, std::string_view mode) {
  Tensor pair[2] = {a0, v0};
  PromotedType pt = result_type(std::span<const Tensor>(pair, 2));
  DType d = pt.dtype == DType::Bool ? DType::Bool : pt.dtype;
  Tensor a = ravel(astype(a0, d, "convolve")), v = ravel(astype(v0, d, "convolve"));
  if (a0.rank() > 1 || v0.rank() > 1)
    throw make_error(ErrorKind::Value, "convolve", "expected 1-d arrays, got ", ir::to_string(a0.type()),
                     " and ", ir::to_string(v0.type()));
  int64_t n = a.numel(), m = v.numel();
  if (n == 0 || m == 0)
    throw make_error(ErrorKind::Value, "convolve", "expected non-empty arrays, got ", n, " and ", m,
                     " elements");
  if (mode != "full" && mode != "same" && mode != "valid")
    throw make_error(ErrorKind::Value, "convolve", "expected mode 'full', 'same' or 'valid', got '", mode,
                     "'");
  if (m > n) {
    std::swap(a, v);
    std::swap(n, m);
  }
  int64_t len = n + m - 1;
  // Row j of the (m, len) Toeplitz matrix is a shifted right by j: tile [a, 0...0] (length len + 1) m
  // times, cut the flat result to m * len and reshape (each row starts one position further back).
  Tensor zero = lax::convert_element_type(lax::full_like_scalar(a, 0), a.dtype(), false);
  Tensor z = lax::pad(a, zero, {0}, {m}, {0});
  Tensor flat = lax::reshape(lax::broadcast_in_dim(z, {m, len + 1}, {1}), {m * (len + 1)});
  Tensor toeplitz = lax::reshape(lax::slice(flat, {0}, {m * len}, {1}), {m, len});
  Tensor full = d == DType::Bool
                    ? any(logical_and(lax::broadcast_in_dim(v, {m, len}, {0}), toeplitz), Ints{0})
                    : lax::dot_general(v, toeplitz, {0}, {0}, {}, {}, d);
  if (mode == "full") return full;
  if (mode == "same") {
    int64_t start = (m - 1) / 2;
    return lax::slice(full, {start}, {start + n}, {1});
  }
  return lax::slice(full, {m - 1}, {n}, {1});
}

Tensor correlate(const Tensor& a, const Tensor& v, std::string_view mode) {
  // c[k] = sum_n a[n + k] conj(v[n]): a convolution with the reversed conjugate.
  Tensor vc = ravel(conjugate(canonical(v)));
  Tensor r = convolve(a, lax::rev(vc, {0}), mode);
  return r;
}

Tensor cov(const Tensor& m0, const std::optional<Tensor>& y0, bool rowvar, bool bias,
           std::optional<int64_t> ddof, const std::optional<Tensor>& fweights,
           const std::optional<Tensor>& aweights, OptDType dtype) {
  // NumPy computes in float64 at least; ember in its default float32 at least.
  auto at_least_f32 = [](DType d) { return promote_types(default_float_for(d), kDefaultFloat); };
  auto prep = [&](const Tensor& t) {
    Tensor c = canonical(t);
    DType d = dtype.value_or(at_least_f32(c.dtype()));
    c = astype(c, d, "cov");
    if (c.rank() > 2)
      throw make_error(ErrorKind::Value, "cov", "expected a 1-d or 2-d array, got ", ir::to_string(c.type()));
    c = atleast_nd(c, 2);
    if (!rowvar && c.shape()[0] != 1) c = transpose(c);
    return c;
  };
  Tensor x = prep(m0);
  if (y0) {
    Tensor y = prep(*y0);
    std::vector<Tensor> parts = {x, y};
    x = concatenate(parts, 0);
  }
  int64_t dd = ddof.value_or(bias ? 0 : 1);
  std::optional<Tensor> w;
  if (fweights) w = astype(*fweights, DType::F64, "cov");
  if (aweights)
    w = w ? multiply(*w, astype(*aweights, DType::F64, "cov")) : astype(*aweights, DType::F64, "cov");
  if (w) w = astype(*w, ir::real_dtype(x.dtype()), "cov");
  auto [avg, wsum_all] =
      average(x, Ints{1}, w ? std::optional<Tensor>(lax::broadcast_in_dim(*w, dims(x), {1})) : std::nullopt);
  Tensor fact;
  int64_t obs = x.shape()[1];
  if (!w) {
    fact = scalar_tensor(DType::F64, double(obs - dd), true);
  } else {
    Tensor wsum = sum(*w);
    if (dd == 0) {
      fact = wsum;
    } else if (!aweights) {
      fact = subtract(wsum, scalar_tensor(DType::F64, double(dd), true));
    } else {
      Tensor aw = astype(*aweights, ir::real_dtype(x.dtype()), "cov");
      fact = subtract(
          wsum,
          true_divide(multiply(scalar_tensor(DType::F64, double(dd), true), sum(multiply(*w, aw))), wsum));
    }
  }
  fact =
      where(less_equal(fact, scalar_tensor(DType::F64, 0, true)), scalar_tensor(DType::F64, 0, true), fact);
  Tensor xc = subtract(x, expand_dims(avg, {1}));
  Tensor xt = w ? multiply(xc, lax::broadcast_in_dim(astype(*w, xc.dtype()), dims(xc), {1})) : xc;
  Tensor c = lax::dot_general(xc, conjugate(xt), {1}, {1}, {}, {}, xc.dtype());
  c = multiply(c, true_divide(scalar_tensor(DType::F64, 1, true), astype(fact, ir::real_dtype(c.dtype()))));
  return squeeze(c);
}

Tensor corrcoef(const Tensor& x, const std::optional<Tensor>& y, bool rowvar, OptDType dtype) {
  Tensor c = cov(x, y, rowvar, false, {}, {}, {}, dtype);
  if (c.rank() == 0) return true_divide(c, c);
  Tensor d = diagonal(c);
  Tensor sd = sqrt(real(d));
  c = true_divide(c, expand_dims(sd, {1}));
  c = true_divide(c, expand_dims(sd, {0}));
  // Rounding can push entries slightly past +-1.
  Tensor one = scalar_tensor(DType::F64, 1, true), mone = scalar_tensor(DType::F64, -1, true);
  if (ir::is_complex(c.dtype()))
    return lax::binary(Prim::Complex, clip(real(c), mone, one), clip(imag(c), mone, one));
  return clip(c, mone, one);
}

Tensor interp(const Tensor& x0, const Tensor& xp0, const Tensor& fp0, const std::optional<Tensor>& left,
              const std::optional<Tensor>& right, std::optional<double> period) {
  Tensor xp = to_inexact(xp0), fp = to_inexact(fp0), x = to_inexact(x0);
  require_1d(xp, "interp", "xp");
  require_1d(fp, "interp", "fp");
  if (xp.numel() != fp.numel() || xp.numel() == 0)
    throw make_error(ErrorKind::Value, "interp", "expected non-empty xp and fp of one length, got ",
                     xp.numel(), " and ", fp.numel());
  // NumPy interpolates in float64; ember in float32 at least (float64 if an input is).
  DType rd = promote_types(
      ir::real_dtype(
          result_type(std::vector<Tensor>{x, xp, ir::is_complex(fp.dtype()) ? real(fp) : fp}).dtype),
      kDefaultFloat);
  x = astype(x, rd, "interp");
  xp = astype(xp, rd, "interp");
  DType fd = ir::is_complex(fp.dtype()) ? ir::complex_dtype(rd) : rd;
  fp = astype(fp, fd, "interp");
  std::optional<Tensor> lv = left, rv = right;
  if (period) {
    if (*period == 0) throw make_error(ErrorKind::Value, "interp", "expected a non-zero period, got 0");
    Tensor per = scalar_tensor(DType::F64, std::abs(*period), true);
    x = remainder(x, per);
    xp = remainder(xp, per);
    Tensor order = argsort(xp, 0);
    xp = take(xp, order, 0);
    fp = take(fp, order, 0);
    int64_t k = xp.numel();
    xp = concatenate(std::vector<Tensor>{subtract(lax::slice(xp, {k - 1}, {k}, {1}), per), xp,
                                         add(lax::slice(xp, {0}, {1}, {1}), per)},
                     0);
    fp = concatenate(
        std::vector<Tensor>{lax::slice(fp, {k - 1}, {k}, {1}), fp, lax::slice(fp, {0}, {1}, {1})}, 0);
    lv.reset();
    rv.reset();
  }
  int64_t n = xp.numel();
  Tensor first_f = lax::reshape(lax::slice(fp, {0}, {1}, {1}), {}),
         last_f = lax::reshape(lax::slice(fp, {n - 1}, {n}, {1}), {});
  Tensor first_x = lax::reshape(lax::slice(xp, {0}, {1}, {1}), {}),
         last_x = lax::reshape(lax::slice(xp, {n - 1}, {n}, {1}), {});
  Tensor lo_val = lv ? astype(*lv, fd, "interp") : first_f, hi_val = rv ? astype(*rv, fd, "interp") : last_f;
  Tensor r;
  if (n == 1) {
    r = broadcast_to(first_f, x.shape());
  } else {
    // The interval [xp[j], xp[j+1]) holding x, then NumPy's slope form (with its NaN fallbacks).
    Tensor j = clip(subtract(searchsorted(xp, x, "right"), scalar_tensor_int(DType::I64, 1, true)),
                    scalar_tensor_int(DType::I64, 0, true), scalar_tensor_int(DType::I64, n - 2, true));
    Tensor j1 = add(j, scalar_tensor_int(DType::I64, 1, true));
    Tensor x0v = take(xp, j, 0, TakeMode::Clip), x1v = take(xp, j1, 0, TakeMode::Clip);
    Tensor f0 = take(fp, j, 0, TakeMode::Clip), f1 = take(fp, j1, 0, TakeMode::Clip);
    Tensor slope = true_divide(subtract(f1, f0), astype(subtract(x1v, x0v), fd));
    r = add(multiply(slope, astype(subtract(x, x0v), fd)), f0);
    Tensor alt = add(multiply(slope, astype(subtract(x, x1v), fd)), f1);
    r = where(isnan(r), alt, r);
    r = where(logical_and(isnan(r), equal(f0, f1)), f0, r);
    r = where(equal(x, last_x), broadcast_to(last_f, x.shape()), r);
  }
  r = where(less(x, first_x), broadcast_to(lo_val, x.shape()), r);
  r = where(greater(x, last_x), broadcast_to(hi_val, x.shape()), r);
  // NaN x stays NaN (comparisons are false).
  return where(isnan(x), astype(x, fd), r);
}

Tensor digitize(const Tensor& x0, const Tensor& bins0, bool right) {
  Tensor x = canonical(x0), bins = canonical(bins0);
  if (ir::is_complex(x.dtype()))
    throw make_error(ErrorKind::Type, "digitize", "expected real x, got ", ir::to_string(x.type()));
  require_1d(bins, "digitize", "array of bins");
  int64_t n = bins.numel();
  std::string_view side = right ? "left" : "right";
  Tensor inc = searchsorted(bins, x, side);
  Tensor dec = subtract(scalar_tensor_int(DType::I64, n, true), searchsorted(lax::rev(bins, {0}), x, side));
  if (n == 0) return inc;
  Tensor increasing = greater_equal(lax::reshape(lax::slice(bins, {n - 1}, {n}, {1}), {}),
                                    lax::reshape(lax::slice(bins, {0}, {1}, {1}), {}));
  if (bins.is_concrete()) {
    Tensor d = diff(astype(bins, DType::F64));
    bool up = concrete_int(all(greater_equal(d, scalar_tensor(DType::F64, 0, true))), "digitize") != 0;
    bool down = concrete_int(all(less_equal(d, scalar_tensor(DType::F64, 0, true))), "digitize") != 0;
    if (!up && !down)
      throw make_error(ErrorKind::Value, "digitize",
                       "expected monotonically increasing or decreasing bins, got neither");
    return up ? inc : dec;
  }
  return where(increasing, inc, dec);
}

Tensor bincount(const Tensor& x0, const std::optional<Tensor>& weights, int64_t minlength,
                std::optional<int64_t> length) {
  Tensor x = canonical(x0);
  if (!ir::is_int(x.dtype()) && x.dtype() != DType::Bool)
    throw make_error(ErrorKind::Type, "bincount", "expected non-negative integers, got ",
                     ir::to_string(x.type()));
  require_1d(x, "bincount", "array");
  if (minlength < 0)
    throw make_error(ErrorKind::Value, "bincount", "expected a non-negative minlength, got ", minlength);
  x = astype(x, DType::I64);
  int64_t len;
  if (length) {
    len = *length;
  } else {
    if (!x.is_concrete()) throw concretization_error(x, "bincount without a static length=");
    int64_t top = -1;
    for (int64_t v : concrete_ints(x, "bincount")) {
      if (v < 0) throw make_error(ErrorKind::Value, "bincount", "expected non-negative integers, got ", v);
      top = std::max(top, v);
    }
    len = std::max(top + 1, minlength);
  }
  Tensor updates;
  if (weights) {
    Tensor w = canonical(*weights);
    if (!(w.shape() == x.shape()))
      throw make_error(ErrorKind::Value, "bincount", "expected weights of the shape of x, got ",
                       ir::to_string(w.type()));
    updates = astype(
        w, w.dtype() == DType::F64 ? DType::F64 : (ir::is_complex(w.dtype()) ? w.dtype() : kDefaultFloat));
  } else {
    updates = int_constant(DType::I64, 1, x.shape());
  }
  return bin_add(x, updates, len);
}

Tensor histogram_bin_edges(const Tensor& a0, int64_t bins, std::optional<std::pair<double, double>> range) {
  Tensor a = ravel(canonical(a0));
  if (bins <= 0)
    throw make_error(ErrorKind::Value, "histogram_bin_edges", "expected a positive number of bins, got ",
                     bins);
  DType d = default_float_for(a.dtype());
  Tensor first, last;
  if (range) {
    if (!(range->first <= range->second) || !std::isfinite(range->first) || !std::isfinite(range->second))
      throw make_error(ErrorKind::Value, "histogram_bin_edges",
                       "expected a finite range with min <= max, got (", range->first, ", ", range->second,
                       ")");
    first = scalar_tensor(DType::F64, range->first);
    last = scalar_tensor(DType::F64, range->second);
  } else if (a.numel() == 0) {
    first = scalar_tensor(DType::F64, 0);
    last = scalar_tensor(DType::F64, 1);
  } else {
    first = astype(min(a), DType::F64);
    last = astype(max(a), DType::F64);
    if (first.is_concrete() && last.is_concrete() &&
        (!std::isfinite(concrete_double(first, "histogram")) ||
         !std::isfinite(concrete_double(last, "histogram"))))
      throw make_error(ErrorKind::Value, "histogram_bin_edges", "expected a finite data range, got [",
                       concrete_double(first, "histogram"), ", ", concrete_double(last, "histogram"), "]");
  }
  Tensor same = equal(first, last);
  first = where(same, subtract(first, f64(0.5)), first);
  last = where(same, add(last, f64(0.5)), last);
  // NumPy's linspace(first, last, bins + 1): in the data's float dtype when the range comes from the data
  // (its min and max are scalars of that dtype), in float64 otherwise; i * step + first, the last edge exact.
  DType c = range || !ir::is_float(a.dtype()) ? DType::F64 : a.dtype();
  first = astype(first, c);
  last = astype(last, c);
  int64_t n = bins + 1;
  Tensor step = true_divide(subtract(last, first), scalar_tensor(c, double(bins)));
  Tensor v = add(multiply(lax::iota(c, {n}, 0), step), first);
  v = where(equal(lax::iota(DType::I64, {n}, 0), scalar_tensor_int(DType::I64, bins, true)), last, v);
  return astype(v, d);
}

std::pair<Tensor, Tensor> histogram(const Tensor& a0, const Tensor& edges0,
                                    const std::optional<Tensor>& weights, bool density) {
  Tensor a = ravel(canonical(a0)), edges = canonical(edges0);
  require_1d(edges, "histogram", "array of bin edges");
  int64_t nb = edges.numel() - 1;
  if (nb < 1)
    throw make_error(ErrorKind::Value, "histogram", "expected at least two bin edges, got ", edges.numel());
  if (edges.is_concrete() &&
      !concrete_int(all(greater_equal(diff(astype(edges, DType::F64)), scalar_tensor(DType::F64, 0, true))),
                    "histogram"))
    throw make_error(ErrorKind::Value, "histogram", "expected monotonically increasing bin edges");
  Tensor e0 = lax::reshape(lax::slice(edges, {0}, {1}, {1}), {}),
         e1 = lax::reshape(lax::slice(edges, {nb}, {nb + 1}, {1}), {});
  // Bin i holds [e_i, e_{i+1}); the last bin also holds its right edge; other values are dropped.
  Tensor idx = subtract(searchsorted(edges, a, "right"), scalar_tensor_int(DType::I64, 1, true));
  idx = where(equal(a, e1), scalar_tensor_int(DType::I64, nb - 1, true), idx);
  Tensor valid = logical_and(greater_equal(a, e0), less_equal(a, e1));
  idx = where(valid, idx, scalar_tensor_int(DType::I64, nb, true));
  Tensor updates;
  if (weights) {
    Tensor w = ravel(canonical(*weights));
    if (w.numel() != a.numel())
      throw make_error(ErrorKind::Value, "histogram", "expected weights of the shape of a, got ",
                       ir::to_string(w.type()));
    updates = w.dtype() == DType::Bool ? astype(w, DType::I64) : w;
  } else {
    updates = int_constant(DType::I64, 1, idx.shape());
  }
  Tensor counts = bin_add(idx, updates, nb);
  if (density) {
    Tensor c = astype(counts, edges.dtype() == DType::F64 ? DType::F64 : kDefaultFloat);
    Tensor db = astype(diff(edges), c.dtype());
    counts = true_divide(true_divide(c, db), sum(c));
  }
  return {counts, edges};
}

Tensor histogramdd(const Tensor& sample0, const std::vector<Tensor>& edges,
                   const std::optional<Tensor>& weights, bool density) {
  Tensor sample = canonical(sample0);
  if (sample.rank() == 1) sample = lax::reshape(sample, {sample.numel(), 1});
  if (sample.rank() != 2)
    throw make_error(ErrorKind::Value, "histogramdd", "expected an (N, D) sample, got ",
                     ir::to_string(sample.type()));
  int64_t npts = sample.shape()[0], ndim = sample.shape()[1];
  if (int64_t(edges.size()) != ndim)
    throw make_error(ErrorKind::Value, "histogramdd", "expected ", ndim, " arrays of bin edges, got ",
                     edges.size());
  Tensor flat = int_constant(DType::I64, 0, {npts});
  Tensor valid = constant(DType::Bool, 1, {npts});
  Ints nbs;
  for (int64_t k = 0; k < ndim; ++k) {
    Tensor e = canonical(edges[size_t(k)]);
    int64_t nb = e.numel() - 1;
    nbs.push_back(nb);
    Tensor col = lax::reshape(lax::slice(sample, {0, k}, {npts, k + 1}, {1, 1}), {npts});
    Tensor e0 = lax::reshape(lax::slice(e, {0}, {1}, {1}), {}),
           e1 = lax::reshape(lax::slice(e, {nb}, {nb + 1}, {1}), {});
    Tensor idx = subtract(searchsorted(e, col, "right"), scalar_tensor_int(DType::I64, 1, true));
    idx = where(equal(col, e1), scalar_tensor_int(DType::I64, nb - 1, true), idx);
    valid = logical_and(valid, logical_and(greater_equal(col, e0), less_equal(col, e1)));
    idx = clip(idx, scalar_tensor_int(DType::I64, 0, true),
               scalar_tensor_int(DType::I64, std::max<int64_t>(nb - 1, 0), true));
    flat = add(multiply(flat, scalar_tensor_int(DType::I64, nb, true)), idx);
  }
  int64_t total = 1;
  for (int64_t nb : nbs) total *= nb;
  flat = where(valid, flat, scalar_tensor_int(DType::I64, total, true));
  // Counts are float64 in NumPy: float64 here for float64 samples or weights, ember's default float else.
  DType cd = sample.dtype() == DType::F64 ? DType::F64 : kDefaultFloat;
  Tensor updates = constant(cd, 1, {npts});
  if (weights) {
    Tensor w = ravel(canonical(*weights));
    updates = astype(w, w.dtype() == DType::F64 ? DType::F64 : cd);
  }
  Tensor h = lax::reshape(bin_add(flat, updates, total), nbs);
  if (density) {
    h = true_divide(h, sum(h));
    for (int64_t k = 0; k < ndim; ++k) {
      Tensor db = astype(diff(canonical(edges[size_t(k)])), h.dtype());
      h = true_divide(h, along(db, k, h.rank()));
    }
  }
  return h;
}

Tensor vander(const Tensor& x0, std::optional<int64_t> n, bool increasing) {
  Tensor x = canonical(x0);
  require_1d(x, "vander", "array");
  int64_t cols = n.value_or(x.numel());
  if (cols < 0) throw make_error(ErrorKind::Value, "vander", "expected a non-negative N, got ", cols);
  int64_t rows = x.numel();
  // NumPy: promote_types(x, int): integers become int64 and floats float64 (float32 at least here).
  DType d = ir::is_inexact(x.dtype()) ? promote_types(x.dtype(), kDefaultFloat) : DType::I64;
  Tensor e = lax::iota(d, {rows, cols}, 1);
  if (!increasing) e = lax::binary(Prim::Sub, int_constant(d, cols - 1, e.shape()), e);
  Tensor base = lax::broadcast_in_dim(astype(x, d), {rows, cols}, {0});
  return lax::binary(Prim::Pow, base, e);
}

namespace {
Tensor window(int64_t m, const std::function<Tensor(const Tensor&)>& f) {
  if (m < 1) return lax::iota(kDefaultFloat, {0}, 0);
  if (m == 1) return constant(kDefaultFloat, 1, {1});
  // n = 1 - M, 3 - M, ..., M - 1 over (M - 1): the symmetric window's abscissae in [-1, 1].
  Tensor n = lax::binary(Prim::Add,
                         lax::binary(Prim::Mul, lax::iota(DType::F64, {m}, 0), constant(DType::F64, 2, {m})),
                         constant(DType::F64, double(1 - m), {m}));
  Tensor t = lax::binary(Prim::Div, n, constant(DType::F64, double(m - 1), {m}));
  return astype(f(t), kDefaultFloat);
}
Tensor cosine_sum(const Tensor& t, std::initializer_list<double> coeffs) {
  Tensor r = scalar_like(t, 0);
  int k = 0;
  for (double c : coeffs) {
    Tensor term = k == 0 ? scalar_like(t, c)
                         : multiply(scalar_tensor(DType::F64, c, true),
                                    cos(multiply(t, scalar_tensor(DType::F64, k * std::numbers::pi, true))));
    r = add(r, term);
    ++k;
  }
  return r;
}
}  // namespace

Tensor bartlett(int64_t m) {
  return window(m, [](const Tensor& t) {
    Tensor one = scalar_like(t, 1);
    return where(less_equal(t, scalar_like(t, 0)), add(one, t), subtract(one, t));
  });
}
Tensor blackman(int64_t m) {
  return window(m, [](const Tensor& t) { return cosine_sum(t, {0.42, 0.5, 0.08}); });
}
Tensor hamming(int64_t m) {
  return window(m, [](const Tensor& t) { return cosine_sum(t, {0.54, 0.46}); });
}
Tensor hanning(int64_t m) {
  return window(m, [](const Tensor& t) { return cosine_sum(t, {0.5, 0.5}); });
}
Tensor kaiser(int64_t m, double beta) {
  if (m < 1) return lax::iota(kDefaultFloat, {0}, 0);
  if (m == 1) return constant(kDefaultFloat, 1, {1});
  double alpha = double(m - 1) / 2.0;
  Tensor n = lax::iota(DType::F64, {m}, 0);
  Tensor r = true_divide(subtract(n, f64(alpha)), f64(alpha));
  Tensor arg = multiply(f64(beta), sqrt(subtract(f64(1), multiply(r, r))));
  return astype(true_divide(i0(arg), i0(scalar_tensor(DType::F64, beta))), kDefaultFloat);
}

}  // namespace ember::frontend::np
