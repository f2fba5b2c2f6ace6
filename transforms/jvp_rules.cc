// JVP rules, one per primitive, grouped by family. Each returns tangents linear in the operand tangents.
#include <cmath>
#include <numbers>

#include "ir/error.h"
#include "transforms/control_rules.h"
#include "transforms/jvp.h"

namespace ember::transforms {

namespace {

Value c(Emitter& e, Value like, double v) { return e.scalar_like(like, v); }
Value zeros_if_zero(Emitter& e, Value t, Value like) { return t.valid() ? t : e.zeros_like(like); }

// The op applied again with some operands replaced (the tangent computation of ops linear in them).
std::vector<Value> reapply(JvpArgs& a, std::span<const Value> operands) {
  ir::Values r = a.e.builder().add(a.op.prim, operands, a.op.attrs, a.op.regions);
  return std::vector<Value>(r.begin(), r.end());
}

// Linear in operand 0 only (structural ops, reductions, gathers): the same op on the tangent.
std::vector<Value> linear_in_first(JvpArgs& a) {
  if (!a.t[0].valid()) return {Value{}};
  std::vector<Value> ops(a.x.begin(), a.x.end());
  ops[0] = a.t[0];
  return {reapply(a, ops)[0]};
}

// Linear in every operand listed in `which` jointly (pad: array and padding value; concatenate: all):
// missing tangents become zeros.
std::vector<Value> linear_in_all(JvpArgs& a) {
  std::vector<Value> ops;
  for (size_t i = 0; i < a.x.size(); ++i) ops.push_back(zeros_if_zero(a.e, a.t[i], a.x[i]));
  return {reapply(a, ops)[0]};
}

std::vector<Value> zero(JvpArgs& a) { return std::vector<Value>(a.y.size()); }

// f'(x) * t for unary f, with f' given from x and y = f(x).
using Derivative = Value (*)(Emitter&, Value x, Value y);
template <Derivative D>
std::vector<Value> scaled(JvpArgs& a) {
  return {scale_tangent(a.e, a.t[0], D(a.e, a.x[0], a.y[0]))};
}

Value sq(Emitter& e, Value x) { return e.mul(x, x); }
Value one_minus(Emitter& e, Value x) { return e.sub(c(e, x, 1.0), x); }
Value inv_sqrt(Emitter& e, Value x) { return e.op(Prim::Rsqrt, {x}); }

Value d_exp(Emitter&, Value, Value y) { return y; }
Value d_exp2(Emitter& e, Value, Value y) { return e.mul(y, c(e, y, std::numbers::ln2)); }
Value d_expm1(Emitter& e, Value, Value y) { return e.add(y, c(e, y, 1.0)); }
Value d_log(Emitter& e, Value x, Value) { return e.div(c(e, x, 1.0), x); }
Value d_log1p(Emitter& e, Value x, Value) { return e.div(c(e, x, 1.0), e.add(x, c(e, x, 1.0))); }
Value d_sqrt(Emitter& e, Value, Value y) { return e.div(c(e, y, 0.5), y); }
Value d_rsqrt(Emitter& e, Value x, Value y) { return e.mul(c(e, y, -0.5), e.div(y, x)); }
Value d_cbrt(Emitter& e, Value, Value y) { return e.div(c(e, y, 1.0 / 3.0), sq(e, y)); }
Value d_sin(Emitter& e, Value x, Value) { return e.op(Prim::Cos, {x}); }
Value d_cos(Emitter& e, Value x, Value) { return e.neg(e.op(Prim::Sin, {x})); }
Value d_tan(Emitter& e, Value, Value y) { return e.add(c(e, y, 1.0), sq(e, y)); }
Value d_asin(Emitter& e, Value x, Value) { return inv_sqrt(e, one_minus(e, sq(e, x))); }
Value d_acos(Emitter& e, Value x, Value) { return e.neg(inv_sqrt(e, one_minus(e, sq(e, x)))); }
Value d_atan(Emitter& e, Value x, Value) { return e.div(c(e, x, 1.0), e.add(c(e, x, 1.0), sq(e, x))); }
Value d_sinh(Emitter& e, Value x, Value) { return e.op(Prim::Cosh, {x}); }
Value d_cosh(Emitter& e, Value x, Value) { return e.op(Prim::Sinh, {x}); }
Value d_tanh(Emitter& e, Value, Value y) { return one_minus(e, sq(e, y)); }
Value d_asinh(Emitter& e, Value x, Value) { return inv_sqrt(e, e.add(sq(e, x), c(e, x, 1.0))); }
// 1 / sqrt((x - 1)(x + 1)): no cancellation in x^2 - 1 near 1.
Value d_acosh(Emitter& e, Value x, Value) {
  return inv_sqrt(e, e.mul(e.sub(x, c(e, x, 1.0)), e.add(x, c(e, x, 1.0))));
}
Value d_atanh(Emitter& e, Value x, Value) { return e.div(c(e, x, 1.0), one_minus(e, sq(e, x))); }
Value d_logistic(Emitter& e, Value, Value y) { return e.mul(y, one_minus(e, y)); }
Value d_erf(Emitter& e, Value x, Value) {
  return e.mul(c(e, x, 2.0 / std::sqrt(std::numbers::pi)), e.op(Prim::Exp, {e.neg(sq(e, x))}));
}
Value d_erfc(Emitter& e, Value x, Value y) { return e.neg(d_erf(e, x, y)); }
Value d_erf_inv(Emitter& e, Value, Value y) {
  return e.mul(c(e, y, std::sqrt(std::numbers::pi) / 2.0), e.op(Prim::Exp, {sq(e, y)}));
}
Value d_lgamma(Emitter& e, Value x, Value) { return e.op(Prim::Digamma, {x}); }
Value d_digamma(Emitter& e, Value x, Value) { return e.op(Prim::Polygamma, {c(e, x, 1.0), x}); }
// d/dx i0e(x) = i1e(x) - sign(x) i0e(x)
Value d_i0e(Emitter& e, Value x, Value y) {
  return e.sub(e.op(Prim::BesselI1e, {x}), e.mul(e.op(Prim::Sign, {x}), y));
}
// d/dx i1e(x) = i0e(x) - i1e(x) (sign(x) + 1/x), which tends to 1/2 at 0.
Value d_i1e(Emitter& e, Value x, Value y) {
  Value zero_x = e.op(Prim::Eq, {x, c(e, x, 0.0)});
  Value safe_x = e.select(zero_x, c(e, x, 1.0), x);
  Value d = e.sub(e.op(Prim::BesselI0e, {x}),
                  e.mul(y, e.add(e.op(Prim::Sign, {x}), e.div(c(e, x, 1.0), safe_x))));
  return e.select(zero_x, c(e, x, 0.5), d);
}

std::vector<Value> abs_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value x = a.x[0], t = a.t[0];
  if (!ir::is_complex(e.dtype(x))) return {e.mul(t, e.op(Prim::Sign, {x}))};
  // d|z| = Re(conj(z) dz) / |z|, and 0 at z = 0.
  Value y = a.y[0];
  Value zero = e.op(Prim::Eq, {y, c(e, y, 0.0)});
  Value safe = e.select(zero, c(e, y, 1.0), y);
  Value unit = e.div(e.conj(x), e.complex(safe, e.zeros_like(safe)));
  Value d = e.real(e.mul(unit, t));
  return {e.select(zero, e.zeros_like(d), d)};
}

std::vector<Value> integer_pow_rule(JvpArgs& a) {
  Emitter& e = a.e;
  int64_t n = ir::attr_int(a.op.attrs, 0);
  if (n == 0) return {Value{}};
  if (n == 1) return {a.t[0]};
  Value d = n == 2 ? a.x[0] : e.op(Prim::IntegerPow, {a.x[0]}, {int64_t(n - 1)});
  return {e.mul(a.t[0], e.mul(c(e, a.x[0], double(n)), d))};
}

std::vector<Value> real_imag_conj_rule(JvpArgs& a) {
  if (!a.t[0].valid()) return {Value{}};
  return {a.e.op(a.op.prim, {a.t[0]})};
}

// ---- binary ----

std::vector<Value> add_rule(JvpArgs& a) { return {add_tangents(a.e, a.t[0], a.t[1])}; }

std::vector<Value> sub_rule(JvpArgs& a) {
  if (!a.t[1].valid()) return {a.t[0]};
  Value nt = a.e.neg(a.t[1]);
  return {add_tangents(a.e, a.t[0], nt)};
}

std::vector<Value> mul_rule(JvpArgs& a) {
  return {add_tangents(a.e, scale_tangent(a.e, a.t[0], a.x[1]), scale_tangent(a.e, a.t[1], a.x[0]))};
}

std::vector<Value> div_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value ta = a.t[0].valid() ? e.div(a.t[0], a.x[1]) : Value{};
  Value tb = scale_tangent(e, a.t[1], e.neg(e.div(a.y[0], a.x[1])));
  return {add_tangents(e, ta, tb)};
}

std::vector<Value> pow_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value x = a.x[0], p = a.x[1], y = a.y[0];
  Value tx, tp;
  if (a.t[0].valid()) {
    // p * x^(p-1), and 0 where p == 0 (x^0 is constant, also at x = 0).
    Value d = e.mul(p, e.op(Prim::Pow, {x, e.sub(p, c(e, p, 1.0))}));
    d = e.select(e.op(Prim::Eq, {p, c(e, p, 0.0)}), e.zeros_like(d), d);
    tx = e.mul(a.t[0], d);
  }
  if (a.t[1].valid()) {
    // log(x) * y, with log replaced by 0 at x = 0.
    Value safe = e.select(e.op(Prim::Eq, {x, c(e, x, 0.0)}), c(e, x, 1.0), x);
    tp = e.mul(a.t[1], e.mul(e.op(Prim::Log, {safe}), y));
  }
  return {add_tangents(e, tx, tp)};
}

// max/min: the tangent of the larger (smaller) operand; half of each where they tie, as JAX.
std::vector<Value> minmax_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value x = a.x[0], z = a.x[1];
  Value ta = zeros_if_zero(e, a.t[0], x), tb = zeros_if_zero(e, a.t[1], z);
  Prim picks_a = a.op.prim == Prim::Max ? Prim::Gt : Prim::Lt;
  Value a_wins, tie = e.op(Prim::Eq, {x, z});
  if (ir::is_complex(e.dtype(x))) {
    // Complex max/min order lexicographically: by real part, then imaginary part.
    Value xr = e.real(x), zr = e.real(z);
    a_wins = e.op(Prim::Or, {e.op(picks_a, {xr, zr}),
                             e.op(Prim::And, {e.op(Prim::Eq, {xr, zr}), e.op(picks_a, {e.imag(x), e.imag(z)})})});
  } else {
    a_wins = e.op(picks_a, {x, z});
  }
  Value half = e.mul(e.add(ta, tb), c(e, x, 0.5));
  return {e.select(a_wins, ta, e.select(tie, half, tb))};
}

std::vector<Value> atan2_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value x = a.x[0], z = a.x[1];
  Value denom = e.add(sq(e, x), sq(e, z));
  Value tx = a.t[0].valid() ? e.mul(a.t[0], e.div(z, denom)) : Value{};
  Value tz = a.t[1].valid() ? e.mul(a.t[1], e.neg(e.div(x, denom))) : Value{};
  return {add_tangents(e, tx, tz)};
}

// rem(x, y) = x - y * trunc(x / y)
std::vector<Value> rem_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value tz;
  if (a.t[1].valid()) {
    Value q = e.div(a.x[0], a.x[1]);
    Value trunc = e.select(e.op(Prim::Lt, {q, c(e, q, 0.0)}), e.op(Prim::Ceil, {q}), e.op(Prim::Floor, {q}));
    tz = e.mul(a.t[1], e.neg(trunc));
  }
  return {add_tangents(e, a.t[0], tz)};
}

std::vector<Value> complex_rule(JvpArgs& a) {
  return {a.e.complex(zeros_if_zero(a.e, a.t[0], a.x[0]), zeros_if_zero(a.e, a.t[1], a.x[1]))};
}

std::vector<Value> polygamma_rule(JvpArgs& a) {
  Emitter& e = a.e;
  if (a.t[0].valid())
    throw Error(ErrorKind::NotImplemented, "expected no derivative with respect to the order m", "polygamma");
  Value next = e.op(Prim::Polygamma, {e.add(a.x[0], c(e, a.x[0], 1.0)), a.x[1]});
  return {scale_tangent(e, a.t[1], next)};
}

// ---- other elementwise ----

std::vector<Value> select_rule(JvpArgs& a) {
  if (!a.t[1].valid() && !a.t[2].valid()) return {Value{}};
  Emitter& e = a.e;
  return {e.select(a.x[0], zeros_if_zero(e, a.t[1], a.x[1]), zeros_if_zero(e, a.t[2], a.x[2]))};
}

// clamp(lo, x, hi): x's tangent inside [lo, hi], the bound's tangent where the bound is taken.
std::vector<Value> clamp_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value lo = a.x[0], x = a.x[1], hi = a.x[2];
  const ir::Shape& shape = e.shape(x);
  auto full = [&](Value v, Value tv) {
    Value t = zeros_if_zero(e, tv, v);
    return e.broadcast_to(t, shape, {});
  };
  Value lo_b = e.broadcast_to(lo, shape, {}), hi_b = e.broadcast_to(hi, shape, {});
  Value below = e.op(Prim::Lt, {x, lo_b}), above = e.op(Prim::Gt, {x, hi_b});
  Value t = e.select(below, full(lo, a.t[0]), e.select(above, full(hi, a.t[2]), zeros_if_zero(e, a.t[1], x)));
  return {t};
}

std::vector<Value> convert_rule(JvpArgs& a) {
  if (!a.t[0].valid() || !ir::is_inexact(a.e.dtype(a.x[0]))) return {Value{}};
  return {a.e.op(Prim::ConvertElementType, {a.t[0]}, {ir::attr_dtype(a.op.attrs, 0), false})};
}

// ---- structure ----

std::vector<Value> dynamic_update_slice_rule(JvpArgs& a) {
  if (!a.t[0].valid() && !a.t[1].valid()) return {Value{}};
  std::vector<Value> ops(a.x.begin(), a.x.end());
  ops[0] = zeros_if_zero(a.e, a.t[0], a.x[0]);
  ops[1] = zeros_if_zero(a.e, a.t[1], a.x[1]);
  return {reapply(a, ops)[0]};
}

std::vector<Value> dot_general_rule(JvpArgs& a) {
  Value ta, tb;
  if (a.t[0].valid()) ta = reapply(a, std::vector<Value>{a.t[0], a.x[1]})[0];
  if (a.t[1].valid()) tb = reapply(a, std::vector<Value>{a.x[0], a.t[1]})[0];
  return {add_tangents(a.e, ta, tb)};
}

// reduce_max/min: the tangent at the extreme positions, averaged over ties.
std::vector<Value> reduce_extreme_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value x = a.x[0], y = a.y[0];
  const Ints& axes = ir::attr_ints(a.op.attrs, 0);
  Ints kept;
  for (int64_t i = 0; i < int64_t(e.shape(x).size()); ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) kept.push_back(i);
  Value yb = e.broadcast_to(y, e.shape(x), kept);
  Value at = e.convert(e.op(Prim::Eq, {x, yb}), e.dtype(x));
  Value count = e.reduce_sum(at, axes);
  return {e.div(e.reduce_sum(e.mul(a.t[0], at), axes), count)};
}

// reduce_prod: sum over the reduced elements of t_i times the product of the others, computed with
// exclusive prefix and suffix products so zeros in x are handled exactly.
std::vector<Value> reduce_prod_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value x = a.x[0];
  const Ints& axes = ir::attr_ints(a.op.attrs, 0);
  int rank = int(e.shape(x).size());
  Ints kept, perm;
  for (int i = 0; i < rank; ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) kept.push_back(i);
  perm = kept;
  perm.insert(perm.end(), axes.begin(), axes.end());
  Ints flat_shape;
  int64_t n = 1;
  for (int64_t k : kept) flat_shape.push_back(e.shape(x)[size_t(k)]);
  for (int64_t ax : axes) n *= e.shape(x)[size_t(ax)];
  flat_shape.push_back(n);
  auto flatten = [&](Value v) { return e.reshape(e.transpose(v, perm), flat_shape); };
  Value xf = flatten(x), tf = flatten(a.t[0]);
  int64_t last = int64_t(flat_shape.size()) - 1;
  Value one = e.full(e.dtype(x), {}, 1.0);
  auto exclusive = [&](bool reverse) {
    Value inclusive = e.op(Prim::Cumprod, {xf}, {last, reverse});
    Ints lo(flat_shape.size(), 0), hi(flat_shape.size(), 0), interior(flat_shape.size(), 0);
    if (reverse) {
      lo[size_t(last)] = -1;
      hi[size_t(last)] = 1;
    } else {
      lo[size_t(last)] = 1;
      hi[size_t(last)] = -1;
    }
    return e.op(Prim::Pad, {inclusive, one}, {lo, hi, interior});
  };
  Value others = e.mul(exclusive(false), exclusive(true));
  return {e.reduce_sum(e.mul(tf, others), {last})};
}

// take_along_axis(v, idx, axis) as a gather: out[..., i, ...] = v[..., idx[..., i, ...], ...].
Value take_along_axis(Emitter& e, Value v, Value idx, int64_t axis) {
  ir::Shape shape = e.shape(idx);
  int64_t rank = int64_t(shape.size());
  Ints batch;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis) batch.push_back(d);
  Ints idx_shape = to_ints(shape);
  idx_shape.push_back(1);
  Value indices = e.reshape(idx, idx_shape);
  ir::Attrs attrs = {Ints{}, Ints{axis}, Ints{axis}, batch, batch, Ints(size_t(rank), 1),
                     int64_t(ir::IndexMode::Clip)};
  return e.op(Prim::Gather, {v, indices}, attrs);
}

// sort: the permutation comes from sorting an iota along; every tangent is gathered with it.
std::vector<Value> sort_rule(JvpArgs& a) {
  Emitter& e = a.e;
  int64_t dim = ir::attr_int(a.op.attrs, 0);
  ir::Shape shape = e.shape(a.x[0]);
  Value iota = e.op(Prim::Iota, {}, {DType::I32, to_ints(shape), dim});
  std::vector<Value> operands(a.x.begin(), a.x.end());
  operands.push_back(iota);
  ir::Values sorted = e.builder().add(Prim::Sort, operands, a.op.attrs);
  Value perm = sorted.back();
  std::vector<Value> out;
  for (size_t i = 0; i < a.x.size(); ++i)
    out.push_back(a.t[i].valid() ? take_along_axis(e, a.t[i], perm, dim) : Value{});
  return out;
}

std::vector<Value> top_k_rule(JvpArgs& a) {
  int64_t last = int64_t(a.e.shape(a.x[0]).size()) - 1;
  return {take_along_axis(a.e, a.t[0], a.y[1], last), Value{}};
}

// Inclusive scans of (value, tangent) pairs along an axis, Hillis-Steele style: log2(n) rounds, each
// combining every element with the one `offset` before it. The tangent half is linear in the tangents.
using PairCombine = std::pair<Value, Value> (*)(Emitter&, Value a1, Value t1, Value a2, Value t2);

std::pair<Value, Value> pair_scan(Emitter& e, Value a, Value t, int64_t axis, bool reverse, PairCombine combine) {
  if (reverse) {
    a = e.op(Prim::Rev, {a}, {Ints{axis}});
    t = e.op(Prim::Rev, {t}, {Ints{axis}});
  }
  ir::Shape shape = e.shape(a);
  int64_t n = shape[size_t(axis)];
  int64_t rank = int64_t(shape.size());
  Value position = e.op(Prim::Iota, {}, {DType::I64, to_ints(shape), axis});
  auto shift = [&](Value v, int64_t offset) {
    Ints lo(size_t(rank), 0), hi(size_t(rank), 0), interior(size_t(rank), 0);
    lo[size_t(axis)] = offset;
    hi[size_t(axis)] = -offset;
    return e.op(Prim::Pad, {v, e.full(e.dtype(v), {}, 0.0)}, {lo, hi, interior});
  };
  for (int64_t offset = 1; offset < n; offset *= 2) {
    Value has_prev = e.op(Prim::Ge, {position, e.full(DType::I64, shape, double(offset))});
    auto [ca, ct] = combine(e, shift(a, offset), shift(t, offset), a, t);
    a = e.select(has_prev, ca, a);
    t = e.select(has_prev, ct, t);
  }
  if (reverse) {
    a = e.op(Prim::Rev, {a}, {Ints{axis}});
    t = e.op(Prim::Rev, {t}, {Ints{axis}});
  }
  return {a, t};
}

std::pair<Value, Value> combine_prod(Emitter& e, Value a1, Value t1, Value a2, Value t2) {
  return {e.mul(a1, a2), e.add(e.mul(t1, a2), e.mul(a1, t2))};
}

// The later element wins ties, so the tangent of the latest running extreme is taken.
template <Prim Cmp>
std::pair<Value, Value> combine_extreme(Emitter& e, Value a1, Value t1, Value a2, Value t2) {
  Value first_wins = e.op(Cmp, {a1, a2});
  return {e.select(first_wins, a1, a2), e.select(first_wins, t1, t2)};
}

std::pair<Value, Value> combine_logaddexp(Emitter& e, Value a1, Value t1, Value a2, Value t2) {
  Value m = e.op(Prim::Max, {a1, a2});
  // A running value of -inf contributes nothing (and must not produce inf - inf).
  Value finite_m = e.select(e.op(Prim::IsFinite, {m}), m, e.zeros_like(m));
  Value w1 = e.op(Prim::Exp, {e.sub(a1, finite_m)}), w2 = e.op(Prim::Exp, {e.sub(a2, finite_m)});
  Value total = e.add(w1, w2);
  Value r = e.add(finite_m, e.op(Prim::Log, {total}));
  r = e.select(e.op(Prim::IsFinite, {m}), r, m);
  Value safe = e.select(e.op(Prim::Eq, {total, e.zeros_like(total)}), e.ones_like(total), total);
  return {r, e.div(e.add(e.mul(t1, w1), e.mul(t2, w2)), safe)};
}

template <PairCombine Combine>
std::vector<Value> cumulative_rule(JvpArgs& a) {
  int64_t axis = ir::attr_int(a.op.attrs, 0);
  bool reverse = ir::attr_bool(a.op.attrs, 1);
  return {pair_scan(a.e, a.x[0], a.t[0], axis, reverse, Combine).second};
}

// The scatter's dimension numbers as the gather that reads back what each update element wrote.
ir::Attrs gather_of_scatter(Emitter& e, const ir::Attrs& s, Value operand, Value updates) {
  const Ints &window = ir::attr_ints(s, 0), &inserted = ir::attr_ints(s, 1), &batching = ir::attr_ints(s, 3);
  ir::Shape operand_shape = e.shape(operand), update_shape = e.shape(updates);
  Ints slice_sizes;
  size_t next = 0;
  for (int64_t d = 0; d < int64_t(operand_shape.size()); ++d) {
    bool dropped = std::find(inserted.begin(), inserted.end(), d) != inserted.end() ||
                   std::find(batching.begin(), batching.end(), d) != batching.end();
    slice_sizes.push_back(dropped ? 1 : update_shape[size_t(window[next++])]);
  }
  return {s[0], s[1], s[2], s[3], s[4], slice_sizes, s[5]};
}

// scatter (last write wins, deterministically): the same scatter on the tangents.
std::vector<Value> scatter_rule(JvpArgs& a) {
  Emitter& e = a.e;
  std::vector<Value> ops = {zeros_if_zero(e, a.t[0], a.x[0]), a.x[1], zeros_if_zero(e, a.t[2], a.x[2])};
  return {reapply(a, ops)[0]};
}

std::vector<Value> scatter_add_rule(JvpArgs& a) { return scatter_rule(a); }

// scatter_mul: x * P with P the product of the updates landing on each position; dP = P * sum(t_u / u)
// there (updates equal to zero give NaN tangents, as the quotient does).
std::vector<Value> scatter_mul_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value tx = a.t[0].valid() ? reapply(a, std::vector<Value>{a.t[0], a.x[1], a.x[2]})[0] : Value{};
  Value tu;
  if (a.t[2].valid()) {
    Value ratio = e.div(a.t[2], a.x[2]);
    ir::Attrs attrs = a.op.attrs;
    Value summed = e.op(Prim::ScatterAdd, {e.zeros_like(a.x[0]), a.x[1], ratio}, attrs);
    tu = e.mul(a.y[0], summed);
  }
  return {add_tangents(e, tx, tu)};
}

// scatter_min/max: the tangent of whichever of the operand and the updates landing on a position is the
// result there, averaged over ties.
std::vector<Value> scatter_extreme_rule(JvpArgs& a) {
  Emitter& e = a.e;
  Value y = a.y[0];
  Value zeros = e.zeros_like(a.x[0]);
  Value x_wins = e.convert(e.op(Prim::Eq, {a.x[0], y}), e.dtype(y));
  Value y_at_updates = e.op(Prim::Gather, {y, a.x[1]}, gather_of_scatter(e, a.op.attrs, a.x[0], a.x[2]));
  Value u_wins = e.convert(e.op(Prim::Eq, {a.x[2], y_at_updates}), e.dtype(y));
  ir::Attrs add_attrs = a.op.attrs;
  Value count = e.add(x_wins, e.op(Prim::ScatterAdd, {zeros, a.x[1], u_wins}, add_attrs));
  Value tx = a.t[0].valid() ? e.mul(a.t[0], x_wins) : Value{};
  Value tu = a.t[2].valid() ? e.op(Prim::ScatterAdd, {zeros, a.x[1], e.mul(a.t[2], u_wins)}, add_attrs) : Value{};
  Value total = add_tangents(e, tx, tu);
  if (!total.valid()) return {Value{}};
  return {e.div(total, count)};
}

}  // namespace

const ir::PrimTable<JvpRule>& jvp_rules() {
  static const ir::PrimTable<JvpRule> table = [] {
    ir::PrimTable<JvpRule> t("differentiation (jvp)");
    const std::string integer_output = "its outputs are integers or booleans (zero tangents)";
    for (Prim p : {Prim::IsFinite, Prim::Not, Prim::And, Prim::Or, Prim::Xor, Prim::ShiftLeft,
                   Prim::ShiftRightLogical, Prim::ShiftRightArithmetic, Prim::Eq, Prim::Ne, Prim::Lt, Prim::Le,
                   Prim::Gt, Prim::Ge, Prim::ReduceAnd, Prim::ReduceOr, Prim::Argmax, Prim::Argmin,
                   Prim::PopulationCount})
      t.set_unsupported(p, integer_output);
    // Piecewise constant (or constant) functions, and stop_gradient by definition: zero tangents.
    for (Prim p : {Prim::StopGradient, Prim::Sign, Prim::Floor, Prim::Ceil, Prim::Round, Prim::Nextafter, Prim::BitcastConvertType,
                   Prim::Iota, Prim::Constant})
      t.set(p, zero);
    register_control_jvp(t);
    t.set(Prim::Neg, linear_in_first);
    t.set(Prim::Abs, abs_rule);
    t.set(Prim::Exp, scaled<d_exp>);
    t.set(Prim::Exp2, scaled<d_exp2>);
    t.set(Prim::Expm1, scaled<d_expm1>);
    t.set(Prim::Log, scaled<d_log>);
    t.set(Prim::Log1p, scaled<d_log1p>);
    t.set(Prim::Sqrt, scaled<d_sqrt>);
    t.set(Prim::Rsqrt, scaled<d_rsqrt>);
    t.set(Prim::Cbrt, scaled<d_cbrt>);
    t.set(Prim::Sin, scaled<d_sin>);
    t.set(Prim::Cos, scaled<d_cos>);
    t.set(Prim::Tan, scaled<d_tan>);
    t.set(Prim::Asin, scaled<d_asin>);
    t.set(Prim::Acos, scaled<d_acos>);
    t.set(Prim::Atan, scaled<d_atan>);
    t.set(Prim::Sinh, scaled<d_sinh>);
    t.set(Prim::Cosh, scaled<d_cosh>);
    t.set(Prim::Tanh, scaled<d_tanh>);
    t.set(Prim::Asinh, scaled<d_asinh>);
    t.set(Prim::Acosh, scaled<d_acosh>);
    t.set(Prim::Atanh, scaled<d_atanh>);
    t.set(Prim::Logistic, scaled<d_logistic>);
    t.set(Prim::Erf, scaled<d_erf>);
    t.set(Prim::Erfc, scaled<d_erfc>);
    t.set(Prim::ErfInv, scaled<d_erf_inv>);
    t.set(Prim::Lgamma, scaled<d_lgamma>);
    t.set(Prim::Digamma, scaled<d_digamma>);
    t.set(Prim::BesselI0e, scaled<d_i0e>);
    t.set(Prim::BesselI1e, scaled<d_i1e>);
    t.set(Prim::Real, real_imag_conj_rule);
    t.set(Prim::Imag, real_imag_conj_rule);
    t.set(Prim::Conj, real_imag_conj_rule);
    t.set(Prim::IntegerPow, integer_pow_rule);

    t.set(Prim::Add, add_rule);
    t.set(Prim::Sub, sub_rule);
    t.set(Prim::Mul, mul_rule);
    t.set(Prim::Div, div_rule);
    t.set(Prim::Rem, rem_rule);
    t.set(Prim::Pow, pow_rule);
    t.set(Prim::Max, minmax_rule);
    t.set(Prim::Min, minmax_rule);
    t.set(Prim::Atan2, atan2_rule);
    t.set(Prim::Complex, complex_rule);
    t.set(Prim::Polygamma, polygamma_rule);

    t.set(Prim::Select, select_rule);
    t.set(Prim::Clamp, clamp_rule);
    t.set(Prim::ConvertElementType, convert_rule);
    for (Prim p : {Prim::BroadcastInDim, Prim::Reshape, Prim::Transpose, Prim::Slice, Prim::Rev, Prim::ReduceSum,
                   Prim::DynamicSlice, Prim::Gather, Prim::Cumsum})
      t.set(p, linear_in_first);
    t.set(Prim::Pad, linear_in_all);
    t.set(Prim::Concatenate, linear_in_all);
    t.set(Prim::DynamicUpdateSlice, dynamic_update_slice_rule);
    t.set(Prim::ReduceMax, reduce_extreme_rule);
    t.set(Prim::ReduceMin, reduce_extreme_rule);
    t.set(Prim::ReduceProd, reduce_prod_rule);
    t.set(Prim::DotGeneral, dot_general_rule);
    t.set(Prim::Sort, sort_rule);
    t.set(Prim::TopK, top_k_rule);
    t.set(Prim::Cumprod, cumulative_rule<combine_prod>);
    t.set(Prim::Cummax, cumulative_rule<combine_extreme<Prim::Gt>>);
    t.set(Prim::Cummin, cumulative_rule<combine_extreme<Prim::Lt>>);
    t.set(Prim::Cumlogsumexp, cumulative_rule<combine_logaddexp>);
    t.set(Prim::Scatter, scatter_rule);
    t.set(Prim::ScatterAdd, scatter_add_rule);
    t.set(Prim::ScatterMul, scatter_mul_rule);
    t.set(Prim::ScatterMin, scatter_extreme_rule);
    t.set(Prim::ScatterMax, scatter_extreme_rule);
    return t;
  }();
  return table;
}

}  // namespace ember::transforms
