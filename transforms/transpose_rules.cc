// Transpose rules of the linear primitives: given the cotangents of an op's results, the cotangents of its
// linear operands. Every other primitive is marked: it has no linear uses.
#include <algorithm>
#include <numeric>

#include "ir/error.h"
#include "transforms/control_rules.h"
#include "transforms/jvp.h"
#include "transforms/vjp.h"

namespace ember::transforms {

namespace {

using Out = std::vector<Value>;

Value zeros_of(Emitter& e, const Type& t) { return e.full(t.strong(), 0.0); }

// Cotangents that are zero stay symbolic: rules see valid ct[0] (the driver skips all-zero ops).
Out neg_rule(TransposeArgs& a) { return {a.e.neg(a.ct[0])}; }
Out add_rule(TransposeArgs& a) { return {a.ct[0], a.ct[0]}; }
Out sub_rule(TransposeArgs& a) { return {a.ct[0], a.linear[1] ? a.e.neg(a.ct[0]) : Value{}}; }

Out mul_rule(TransposeArgs& a) {
  if (a.linear[0] && a.linear[1])
    throw Error(ErrorKind::NotImplemented, "expected a product with one linear operand, got two", "mul");
  if (a.linear[0]) return {a.e.mul(a.ct[0], a.x[1]), Value{}};
  return {Value{}, a.e.mul(a.x[0], a.ct[0])};
}

Out div_rule(TransposeArgs& a) {
  if (a.linear[1]) throw Error(ErrorKind::NotImplemented, "expected a linear numerator only", "div");
  return {a.e.div(a.ct[0], a.x[1]), Value{}};
}

Out convert_rule(TransposeArgs& a) { return {a.e.convert(a.ct[0], a.types[0].dtype)}; }
Out real_rule(TransposeArgs& a) { return {a.e.complex(a.ct[0], a.e.zeros_like(a.ct[0]))}; }
Out imag_rule(TransposeArgs& a) { return {a.e.complex(a.e.zeros_like(a.ct[0]), a.e.neg(a.ct[0]))}; }
Out conj_rule(TransposeArgs& a) { return {a.e.conj(a.ct[0])}; }
Out complex_rule(TransposeArgs& a) { return {a.e.real(a.ct[0]), a.e.neg(a.e.imag(a.ct[0]))}; }

Out select_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  if (a.linear[0]) throw Error(ErrorKind::NotImplemented, "expected a non-linear predicate", "select");
  Value zero = e.zeros_like(a.ct[0]);
  return {Value{}, a.linear[1] ? e.select(a.x[0], a.ct[0], zero) : Value{},
          a.linear[2] ? e.select(a.x[0], zero, a.ct[0]) : Value{}};
}

Out broadcast_rule(TransposeArgs& a) {
  return {a.e.unbroadcast(a.ct[0], a.types[0].shape, ir::attr_ints(a.op.attrs, 1))};
}

Out reshape_rule(TransposeArgs& a) { return {a.e.reshape(a.ct[0], to_ints(a.types[0].shape))}; }

Out transpose_rule(TransposeArgs& a) {
  return {a.e.transpose(a.ct[0], inverse_permutation(ir::attr_ints(a.op.attrs, 0)))};
}

Out rev_rule(TransposeArgs& a) { return {a.e.op(Prim::Rev, {a.ct[0]}, {a.op.attrs[0]})}; }

Out reduce_sum_rule(TransposeArgs& a) {
  const Ints& axes = ir::attr_ints(a.op.attrs, 0);
  Ints kept;
  for (int64_t i = 0; i < a.types[0].rank(); ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) kept.push_back(i);
  return {a.e.broadcast_in_dim(a.ct[0], to_ints(a.types[0].shape), kept)};
}

// slice^T: the cotangent padded back into place (strides become interior padding).
Out slice_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  const Ints &start = ir::attr_ints(a.op.attrs, 0), &strides = ir::attr_ints(a.op.attrs, 2);
  const ir::Shape& in = a.types[0].shape;
  const ir::Shape& out = e.shape(a.ct[0]);
  Ints lo, hi, interior;
  for (size_t d = 0; d < in.size(); ++d) {
    int64_t m = out[d];
    if (m == 0) {
      lo.push_back(in[d]);
      hi.push_back(0);
      interior.push_back(0);
      continue;
    }
    lo.push_back(start[d]);
    interior.push_back(strides[d] - 1);
    hi.push_back(in[d] - (start[d] + (m - 1) * strides[d] + 1));
  }
  Value zero = e.full(a.types[0].dtype, {}, 0.0);
  return {e.op(Prim::Pad, {a.ct[0], zero}, {lo, hi, interior})};
}

// pad^T: undo the edge padding (negated, so cropped parts come back as zeros), then take every
// (interior + 1)-th element; the padding value's cotangent is what is left over.
Out pad_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  const Ints &lo = ir::attr_ints(a.op.attrs, 0), &hi = ir::attr_ints(a.op.attrs, 1);
  const Ints& interior = ir::attr_ints(a.op.attrs, 2);
  const ir::Shape& in = a.types[0].shape;
  Ints neg_lo, neg_hi, zeros(in.size(), 0), start(in.size(), 0), limit, strides;
  for (size_t d = 0; d < in.size(); ++d) {
    neg_lo.push_back(-lo[d]);
    neg_hi.push_back(-hi[d]);
    limit.push_back(in[d] == 0 ? 0 : (in[d] - 1) * (interior[d] + 1) + 1);
    strides.push_back(interior[d] + 1);
  }
  Value zero = e.full(a.types[0].dtype, {}, 0.0);
  Value unpadded = e.op(Prim::Pad, {a.ct[0], zero}, {neg_lo, neg_hi, zeros});
  Value ct_x = e.op(Prim::Slice, {unpadded}, {start, limit, strides});
  Value ct_v;
  if (a.linear[1]) {
    Value total = e.reduce_sum(a.ct[0], iota_ints(e.shape(a.ct[0]).size()));
    Value inner = e.reduce_sum(ct_x, iota_ints(in.size()));
    ct_v = e.sub(total, inner);
  }
  return {a.linear[0] ? ct_x : Value{}, ct_v};
}

Out concatenate_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  int64_t dim = ir::attr_int(a.op.attrs, 0);
  Out out;
  int64_t offset = 0;
  const ir::Shape& full = e.shape(a.ct[0]);
  for (size_t i = 0; i < a.types.size(); ++i) {
    int64_t size = a.types[i].shape[size_t(dim)];
    if (a.linear[i]) {
      Ints start(full.size(), 0), limit = to_ints(full), strides(full.size(), 1);
      start[size_t(dim)] = offset;
      limit[size_t(dim)] = offset + size;
      out.push_back(e.op(Prim::Slice, {a.ct[0]}, {start, limit, strides}));
    } else {
      out.push_back(Value{});
    }
    offset += size;
  }
  return out;
}

Out dynamic_slice_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  std::vector<Value> operands = {zeros_of(e, a.types[0]), a.ct[0]};
  operands.insert(operands.end(), a.x.begin() + 1, a.x.end());
  Out out(a.x.size());
  out[0] = e.op(Prim::DynamicUpdateSlice, operands);
  return out;
}

Out dynamic_update_slice_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  Out out(a.x.size());
  std::span<const Value> starts = a.x.subspan(2);
  if (a.linear[0]) {
    std::vector<Value> operands = {a.ct[0], zeros_of(e, a.types[1])};
    operands.insert(operands.end(), starts.begin(), starts.end());
    out[0] = e.op(Prim::DynamicUpdateSlice, operands);
  }
  if (a.linear[1]) {
    std::vector<Value> operands = {a.ct[0]};
    operands.insert(operands.end(), starts.begin(), starts.end());
    out[1] = e.op(Prim::DynamicSlice, operands, {to_ints(a.types[1].shape)});
  }
  return out;
}

// gather^T: scatter-add the cotangent into zeros with the mirrored dimension numbers.
Out gather_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  const ir::Attrs& g = a.op.attrs;
  ir::Attrs s = {g[0], g[1], g[2], g[3], g[4], g[6]};
  return {e.op(Prim::ScatterAdd, {zeros_of(e, a.types[0]), a.x[1], a.ct[0]}, s), Value{}};
}

// scatter_add^T: the operand's cotangent passes through; the updates' cotangent is the gather of it.
Out scatter_add_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  Out out(3);
  if (a.linear[0]) out[0] = a.ct[0];
  if (a.linear[2]) {
    const ir::Attrs& s = a.op.attrs;
    const Ints &window = ir::attr_ints(s, 0), &inserted = ir::attr_ints(s, 1), &batching = ir::attr_ints(s, 3);
    const ir::Type& operand = a.types[0];
    const ir::Type& updates = a.types[2];
    Ints slice_sizes;
    size_t next_window = 0;
    for (int64_t d = 0; d < operand.rank(); ++d) {
      bool dropped = std::find(inserted.begin(), inserted.end(), d) != inserted.end() ||
                     std::find(batching.begin(), batching.end(), d) != batching.end();
      slice_sizes.push_back(dropped ? 1 : updates.shape[size_t(window[next_window++])]);
    }
    ir::Attrs gattrs = {s[0], s[1], s[2], s[3], s[4], slice_sizes, s[5]};
    out[2] = e.op(Prim::Gather, {a.ct[0], a.x[1]}, gattrs);
  }
  return out;
}

// scatter (last write wins): the operand's cotangent is zero where it was overwritten; each update's
// cotangent is read back only where that update element was the one that won.
Out scatter_rule(TransposeArgs& a) {
  Emitter& e = a.e;
  const ir::Attrs& s = a.op.attrs;
  Out out(3);
  if (a.linear[0]) out[0] = e.op(Prim::Scatter, {a.ct[0], a.x[1], zeros_of(e, a.types[2])}, s);
  if (a.linear[2]) {
    const ir::Type& operand = a.types[0];
    const ir::Type& updates = a.types[2];
    Ints shape = to_ints(updates.shape);
    // A unique id per update element; scatter them, read back, and keep the elements whose id survived.
    Value ids = e.reshape(e.op(Prim::Iota, {}, {DType::I64, Ints{updates.numel()}, int64_t(0)}), shape);
    Value none = e.full(DType::I64, operand.shape, -1.0);
    Value written = e.op(Prim::Scatter, {none, a.x[1], ids}, s);
    const Ints &window = ir::attr_ints(s, 0), &inserted = ir::attr_ints(s, 1), &batching = ir::attr_ints(s, 3);
    Ints slice_sizes;
    size_t next = 0;
    for (int64_t d = 0; d < operand.rank(); ++d) {
      bool dropped = std::find(inserted.begin(), inserted.end(), d) != inserted.end() ||
                     std::find(batching.begin(), batching.end(), d) != batching.end();
      slice_sizes.push_back(dropped ? 1 : updates.shape[size_t(window[next++])]);
    }
    ir::Attrs g = {s[0], s[1], s[2], s[3], s[4], slice_sizes, s[5]};
    Value won = e.op(Prim::Eq, {e.op(Prim::Gather, {written, a.x[1]}, g), ids});
    Value back = e.op(Prim::Gather, {a.ct[0], a.x[1]}, g);
    out[2] = e.select(won, back, e.zeros_like(back));
  }
  return out;
}

// scatter_mul is linear in the operand only (a positionwise scaling), which is its own transpose.
Out scatter_mul_rule(TransposeArgs& a) {
  if (a.linear[2]) throw Error(ErrorKind::NotImplemented, "expected a linear operand only", "scatter_mul");
  return {a.e.op(Prim::ScatterMul, {a.ct[0], a.x[1], a.x[2]}, a.op.attrs), Value{}, Value{}};
}

Out cumsum_rule(TransposeArgs& a) {
  return {a.e.op(Prim::Cumsum, {a.ct[0]}, {a.op.attrs[0], !ir::attr_bool(a.op.attrs, 1)})};
}

// dot_general^T for one linear operand: contract the cotangent with the other operand over the other
// operand's free dimensions, then permute into the linear operand's layout.
Value dot_transpose(Emitter& e, Value ct, Value other, const Type& linear_type, const Ints& lin_contract,
                    const Ints& other_contract, const Ints& lin_batch, const Ints& other_batch, bool linear_is_lhs,
                    int64_t other_rank) {
  int lin_rank = linear_type.rank();
  auto free_dims = [](int rank, const Ints& contract, const Ints& batch) {
    Ints out;
    for (int64_t d = 0; d < rank; ++d)
      if (std::find(contract.begin(), contract.end(), d) == contract.end() &&
          std::find(batch.begin(), batch.end(), d) == batch.end())
        out.push_back(d);
    return out;
  };
  Ints lin_free = free_dims(lin_rank, lin_contract, lin_batch);
  Ints other_free = free_dims(int(other_rank), other_contract, other_batch);
  int64_t nb = int64_t(lin_batch.size());
  // The cotangent's dimensions: batch, lhs free, rhs free.
  int64_t other_free_start = linear_is_lhs ? nb + int64_t(lin_free.size()) : nb;
  Ints ct_contract, ct_batch = iota_ints(nb);
  for (size_t i = 0; i < other_free.size(); ++i) ct_contract.push_back(other_free_start + int64_t(i));
  DType ct_dtype = e.dtype(ct);
  Value o = e.convert(other, ct_dtype);
  Value r = e.dot_general(ct, o, ct_contract, other_free, ct_batch, other_batch, ct_dtype);
  // r's dims: batch, the cotangent's remaining free dims (lin_free, in order), then other's remaining dims
  // (its contracting dims, in increasing order), which pair with the linear operand's contracting dims.
  Ints r_to_lin = lin_batch;
  r_to_lin.insert(r_to_lin.end(), lin_free.begin(), lin_free.end());
  Ints order(other_contract.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return other_contract[x] < other_contract[y]; });
  for (int64_t j : order) r_to_lin.push_back(lin_contract[size_t(j)]);
  Ints perm(static_cast<size_t>(lin_rank));
  for (size_t p = 0; p < r_to_lin.size(); ++p) perm[size_t(r_to_lin[p])] = int64_t(p);
  return e.convert(e.transpose(r, perm), linear_type.dtype);
}

Out dot_general_rule(TransposeArgs& a) {
  if (a.linear[0] && a.linear[1])
    throw Error(ErrorKind::NotImplemented, "expected a product with one linear operand, got two", "dot_general");
  const ir::Attrs& s = a.op.attrs;
  const Ints &lc = ir::attr_ints(s, 0), &rc = ir::attr_ints(s, 1), &lb = ir::attr_ints(s, 2), &rb = ir::attr_ints(s, 3);
  if (a.linear[0])
    return {dot_transpose(a.e, a.ct[0], a.x[1], a.types[0], lc, rc, lb, rb, true, a.types[1].rank()), Value{}};
  return {Value{}, dot_transpose(a.e, a.ct[0], a.x[0], a.types[1], rc, lc, rb, lb, false, a.types[0].rank())};
}

}  // namespace

const ir::PrimTable<TransposeRule>& transpose_rules() {
  static const ir::PrimTable<TransposeRule> table = [] {
    ir::PrimTable<TransposeRule> t("transposition (reverse mode)");
    for (int i = 0; i < ir::kNumPrims; ++i)
      t.set_unsupported(Prim(i), "it is not linear in any operand (its JVP rule never applies it to tangents)");
    register_control_transpose(t);
    t.set(Prim::Neg, neg_rule);
    t.set(Prim::Add, add_rule);
    t.set(Prim::Sub, sub_rule);
    t.set(Prim::Mul, mul_rule);
    t.set(Prim::Div, div_rule);
    t.set(Prim::ConvertElementType, convert_rule);
    t.set(Prim::Real, real_rule);
    t.set(Prim::Imag, imag_rule);
    t.set(Prim::Conj, conj_rule);
    t.set(Prim::Complex, complex_rule);
    t.set(Prim::Select, select_rule);
    t.set(Prim::BroadcastInDim, broadcast_rule);
    t.set(Prim::Reshape, reshape_rule);
    t.set(Prim::Transpose, transpose_rule);
    t.set(Prim::Rev, rev_rule);
    t.set(Prim::ReduceSum, reduce_sum_rule);
    t.set(Prim::Slice, slice_rule);
    t.set(Prim::Pad, pad_rule);
    t.set(Prim::Concatenate, concatenate_rule);
    t.set(Prim::DynamicSlice, dynamic_slice_rule);
    t.set(Prim::DynamicUpdateSlice, dynamic_update_slice_rule);
    t.set(Prim::Gather, gather_rule);
    t.set(Prim::ScatterAdd, scatter_add_rule);
    t.set(Prim::Cumsum, cumsum_rule);
    t.set(Prim::Scatter, scatter_rule);
    t.set(Prim::ScatterMul, scatter_mul_rule);
    t.set(Prim::DotGeneral, dot_general_rule);
    return t;
  }();
  return table;
}

}  // namespace ember::transforms
