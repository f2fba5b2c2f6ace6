// Batching rules, one per primitive. Most move the batch axis to the front and shift the op's dimension
// attributes by one; elementwise ops share one helper.
#include <algorithm>

#include "ir/error.h"
#include "transforms/control_rules.h"
#include "transforms/vmap.h"

namespace ember::transforms {

namespace {

Batched front(Value v) { return {{v}, {0}}; }
Ints shifted(const Ints& v, int64_t by = 1) {
  Ints out;
  for (int64_t d : v) out.push_back(d + by);
  return out;
}
Ints with_front(int64_t first, const Ints& rest) {
  Ints out = {first};
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}
Value apply(BatchArgs& a, std::span<const Value> operands, ir::Attrs attrs) {
  return a.e.builder().add1(a.op.prim, operands, std::move(attrs), a.op.regions);
}

// Elementwise ops: every operand brought to the batched full shape [size, ...], except scalar operands the
// primitive accepts as scalars (select's predicate, clamp's bounds) while they are unbatched.
Batched elementwise(BatchArgs& a) {
  Emitter& e = a.e;
  // The full (unbatched) shape: the largest-rank operand, unbatched.
  ir::Shape full;
  for (size_t i = 0; i < a.x.size(); ++i) {
    ir::Shape s = e.shape(a.x[i]);
    if (a.bdim[i] != kNotBatched) s.erase(size_t(a.bdim[i]));
    if (s.size() > full.size()) full = s;
  }
  Ints batched_shape = with_front(a.size, to_ints(full));
  bool scalar_ok = a.op.prim == Prim::Select || a.op.prim == Prim::Clamp;
  std::vector<Value> ops;
  for (size_t i = 0; i < a.x.size(); ++i) {
    Value v = a.x[i];
    bool is_scalar_slot = scalar_ok && (a.op.prim == Prim::Select ? i == 0 : i != 1);
    if (a.bdim[i] == kNotBatched) {
      if (is_scalar_slot && e.shape(v).empty()) {
        ops.push_back(v);
        continue;
      }
      ops.push_back(e.broadcast_in_dim(v, batched_shape, iota_ints(int64_t(e.shape(v).size()), 1)));
      continue;
    }
    Value f = batch_at_front(e, v, a.bdim[i], a.size);
    if (e.shape(f).size() != batched_shape.size()) f = e.broadcast_in_dim(f, batched_shape, {0});
    ops.push_back(f);
  }
  return front(apply(a, ops, a.op.attrs));
}

Value front_of(BatchArgs& a, size_t i) { return batch_at_front(a.e, a.x[i], a.bdim[i], a.size); }

Batched broadcast_in_dim(BatchArgs& a) {
  Ints shape = with_front(a.size, ir::attr_ints(a.op.attrs, 0));
  Ints dims = with_front(0, shifted(ir::attr_ints(a.op.attrs, 1)));
  return front(apply(a, std::vector<Value>{front_of(a, 0)}, {shape, dims}));
}

Batched reshape(BatchArgs& a) {
  return front(apply(a, std::vector<Value>{front_of(a, 0)}, {with_front(a.size, ir::attr_ints(a.op.attrs, 0))}));
}

Batched transpose(BatchArgs& a) {
  return front(apply(a, std::vector<Value>{front_of(a, 0)}, {with_front(0, shifted(ir::attr_ints(a.op.attrs, 0)))}));
}

Batched slice(BatchArgs& a) {
  return front(apply(a, std::vector<Value>{front_of(a, 0)},
                     {with_front(0, ir::attr_ints(a.op.attrs, 0)), with_front(a.size, ir::attr_ints(a.op.attrs, 1)),
                      with_front(1, ir::attr_ints(a.op.attrs, 2))}));
}

// Ops whose integer-list attribute 0 names dimensions: rev, reductions, argmax/argmin.
Batched dims_attr_shifted(BatchArgs& a) {
  ir::Attrs attrs = a.op.attrs;
  attrs[0] = shifted(ir::attr_ints(attrs, 0));
  return front(apply(a, std::vector<Value>{front_of(a, 0)}, attrs));
}

// Ops whose integer attribute 0 is a dimension: concatenate, sort, cumulative reductions.
Batched dim_attr_shifted_all_operands(BatchArgs& a) {
  ir::Attrs attrs = a.op.attrs;
  attrs[0] = ir::attr_int(attrs, 0) + 1;
  std::vector<Value> ops;
  for (size_t i = 0; i < a.x.size(); ++i) ops.push_back(front_of(a, i));
  ir::Values rs = a.e.builder().add(a.op.prim, ops, attrs, a.op.regions);
  return {std::vector<Value>(rs.begin(), rs.end()), std::vector<int64_t>(rs.size(), 0)};
}

Batched pad(BatchArgs& a) {
  Emitter& e = a.e;
  Ints lo = with_front(0, ir::attr_ints(a.op.attrs, 0)), hi = with_front(0, ir::attr_ints(a.op.attrs, 1));
  Ints interior = with_front(0, ir::attr_ints(a.op.attrs, 2));
  Value x = front_of(a, 0);
  if (a.bdim[1] == kNotBatched) return front(e.op(Prim::Pad, {x, a.x[1]}, {lo, hi, interior}));
  // A batched padding value: pad with zeros, then put each batch member's value where the padding is.
  Value zero = e.full(e.dtype(x), {}, 0.0);
  Value padded = e.op(Prim::Pad, {x, zero}, {lo, hi, interior});
  Value inside = e.op(Prim::Pad, {e.full(DType::Bool, e.shape(x), 1.0), e.full(DType::Bool, {}, 0.0)},
                      {lo, hi, interior});
  Value values = e.broadcast_in_dim(a.x[1], to_ints(e.shape(padded)), {0});
  return front(e.select(inside, padded, values));
}

Batched dot_general(BatchArgs& a) {
  Emitter& e = a.e;
  const ir::Attrs& s = a.op.attrs;
  Ints lc = ir::attr_ints(s, 0), rc = ir::attr_ints(s, 1), lb = ir::attr_ints(s, 2), rb = ir::attr_ints(s, 3);
  DType out = ir::attr_dtype(s, 4);
  bool lhs_b = a.bdim[0] != kNotBatched, rhs_b = a.bdim[1] != kNotBatched;
  Value lhs = lhs_b ? front_of(a, 0) : a.x[0], rhs = rhs_b ? front_of(a, 1) : a.x[1];
  if (lhs_b && rhs_b) {
    // A new leading batch dimension on both sides: the result's first dimension.
    return front(e.dot_general(lhs, rhs, shifted(lc), shifted(rc), with_front(0, shifted(lb)),
                               with_front(0, shifted(rb)), out));
  }
  if (lhs_b) {
    // The batch axis is lhs's first free dimension: it lands right after the batch dimensions.
    Value r = e.dot_general(lhs, rhs, shifted(lc), rc, shifted(lb), rb, out);
    return {{r}, {int64_t(lb.size())}};
  }
  int64_t lhs_free = int64_t(e.shape(lhs).size() - lc.size() - lb.size());
  Value r = e.dot_general(lhs, rhs, lc, shifted(rc), lb, shifted(rb), out);
  return {{r}, {int64_t(lb.size()) + lhs_free}};
}

// The start indices of dynamic_slice/dynamic_update_slice as a [size, rank] index array (int32).
Value stacked_indices(BatchArgs& a, size_t first, size_t count) {
  Emitter& e = a.e;
  std::vector<Value> columns;
  for (size_t i = first; i < first + count; ++i) {
    Value idx = e.convert(a.x[i], DType::I64);
    Value col = a.bdim[i] == kNotBatched ? e.broadcast_in_dim(idx, {a.size, 1}, {}) : e.reshape(idx, {a.size, 1});
    columns.push_back(col);
  }
  if (columns.empty()) return e.full(DType::I64, {a.size, 0}, 0.0);
  if (columns.size() == 1) return columns[0];
  return e.op(Prim::Concatenate, columns, {int64_t(1)});
}

bool any_index_batched(BatchArgs& a, size_t first) {
  for (size_t i = first; i < a.x.size(); ++i)
    if (a.bdim[i] != kNotBatched) return true;
  return false;
}

Batched dynamic_slice(BatchArgs& a) {
  Emitter& e = a.e;
  const Ints& sizes = ir::attr_ints(a.op.attrs, 0);
  int64_t rank = int64_t(sizes.size());
  if (!any_index_batched(a, 1)) {
    DType index_dtype = a.x.size() > 1 ? e.dtype(a.x[1]) : DType::I32;
    std::vector<Value> ops = {front_of(a, 0), e.full(index_dtype, {}, 0.0)};
    ops.insert(ops.end(), a.x.begin() + 1, a.x.end());
    return front(e.op(Prim::DynamicSlice, ops, {with_front(a.size, sizes)}));
  }
  // Per-member start indices: a gather with the batch as a batching dimension (clipped like dynamic_slice).
  Value indices = stacked_indices(a, 1, size_t(rank));
  bool operand_b = a.bdim[0] != kNotBatched;
  Value operand = operand_b ? front_of(a, 0) : a.x[0];
  ir::Attrs attrs = {
      iota_ints(rank, 1),
      Ints{},
      operand_b ? iota_ints(rank, 1) : iota_ints(rank),
      operand_b ? Ints{0} : Ints{},
      operand_b ? Ints{0} : Ints{},
      operand_b ? with_front(1, sizes) : sizes,
      int64_t(ir::IndexMode::Clip)};
  return front(e.op(Prim::Gather, {operand, indices}, attrs));
}

Batched dynamic_update_slice(BatchArgs& a) {
  Emitter& e = a.e;
  Value operand = front_of(a, 0), update = front_of(a, 1);
  int64_t rank = int64_t(e.shape(a.x[0]).size()) - (a.bdim[0] != kNotBatched ? 1 : 0);
  if (!any_index_batched(a, 2)) {
    DType index_dtype = a.x.size() > 2 ? e.dtype(a.x[2]) : DType::I32;
    std::vector<Value> ops = {operand, update, e.full(index_dtype, {}, 0.0)};
    ops.insert(ops.end(), a.x.begin() + 2, a.x.end());
    return front(e.op(Prim::DynamicUpdateSlice, ops));
  }
  Value indices = stacked_indices(a, 2, size_t(rank));
  ir::Attrs attrs = {iota_ints(rank, 1), Ints{}, iota_ints(rank, 1), Ints{0}, Ints{0}, int64_t(ir::IndexMode::Clip)};
  return front(e.op(Prim::Scatter, {operand, indices, update}, attrs));
}

// gather: batched operand and/or indices become batching dimensions.
Batched gather(BatchArgs& a) {
  Emitter& e = a.e;
  const ir::Attrs& s = a.op.attrs;
  Ints offset = shifted(ir::attr_ints(s, 0));
  Ints collapsed = ir::attr_ints(s, 1), start_map = ir::attr_ints(s, 2), operand_batching = ir::attr_ints(s, 3);
  Ints indices_batching = ir::attr_ints(s, 4), slice_sizes = ir::attr_ints(s, 5);
  Value operand = a.x[0], indices = front_of(a, 1);
  if (a.bdim[0] != kNotBatched) {
    operand = front_of(a, 0);
    collapsed = shifted(collapsed);
    start_map = shifted(start_map);
    operand_batching = with_front(0, shifted(operand_batching));
    indices_batching = with_front(0, shifted(indices_batching));
    slice_sizes = with_front(1, slice_sizes);
  } else {
    indices_batching = shifted(indices_batching);
  }
  ir::Attrs attrs = {offset, collapsed, start_map, operand_batching, indices_batching, slice_sizes, s[6]};
  return front(e.op(Prim::Gather, {operand, indices}, attrs));
}

// scatter and its combining forms: operand, indices and updates all batched, the batch a batching dim.
Batched scatter(BatchArgs& a) {
  const ir::Attrs& s = a.op.attrs;
  Value operand = front_of(a, 0), indices = front_of(a, 1), updates = front_of(a, 2);
  ir::Attrs attrs = {shifted(ir::attr_ints(s, 0)),
                     shifted(ir::attr_ints(s, 1)),
                     shifted(ir::attr_ints(s, 2)),
                     with_front(0, shifted(ir::attr_ints(s, 3))),
                     with_front(0, shifted(ir::attr_ints(s, 4))),
                     s[5]};
  return front(a.e.builder().add1(a.op.prim, std::vector<Value>{operand, indices, updates}, attrs));
}

Batched top_k(BatchArgs& a) {
  ir::Values rs = a.e.builder().add(Prim::TopK, std::vector<Value>{front_of(a, 0)}, a.op.attrs);
  return {{rs[0], rs[1]}, {0, 0}};
}

}  // namespace

const ir::PrimTable<BatchRule>& batch_rules() {
  static const ir::PrimTable<BatchRule> table = [] {
    ir::PrimTable<BatchRule> t("batching (vmap)");
    for (int i = 0; i < ir::kNumPrims; ++i) {
      Prim p = Prim(i);
      if (ir::has_flag(p, ir::kElementwise)) t.set(p, elementwise);
    }
    register_control_batching(t);
    t.set(Prim::BitcastConvertType, elementwise);
    t.set(Prim::BroadcastInDim, broadcast_in_dim);
    t.set(Prim::Reshape, reshape);
    t.set(Prim::Transpose, transpose);
    t.set(Prim::Slice, slice);
    t.set(Prim::Pad, pad);
    for (Prim p : {Prim::Rev, Prim::ReduceSum, Prim::ReduceProd, Prim::ReduceMax, Prim::ReduceMin, Prim::ReduceAnd,
                   Prim::ReduceOr, Prim::Argmax, Prim::Argmin})
      t.set(p, dims_attr_shifted);
    for (Prim p : {Prim::Concatenate, Prim::Sort, Prim::Cumsum, Prim::Cumprod, Prim::Cummax, Prim::Cummin,
                   Prim::Cumlogsumexp})
      t.set(p, dim_attr_shifted_all_operands);
    t.set(Prim::DotGeneral, dot_general);
    t.set(Prim::DynamicSlice, dynamic_slice);
    t.set(Prim::DynamicUpdateSlice, dynamic_update_slice);
    t.set(Prim::Gather, gather);
    for (Prim p : {Prim::Scatter, Prim::ScatterAdd, Prim::ScatterMul, Prim::ScatterMin, Prim::ScatterMax})
      t.set(p, scatter);
    t.set(Prim::TopK, top_k);
    t.set_unsupported(Prim::Iota, "it has no operands, so it is never batched");
    t.set_unsupported(Prim::Constant, "it has no operands, so it is never batched");
    return t;
  }();
  return table;
}

}  // namespace ember::transforms
