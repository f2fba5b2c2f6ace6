// An IR-level emitter for transformation rules: typed helpers over ir::Builder (constants of a value's
// dtype, broadcasting, the common arithmetic), so a rule reads like math. Transforms see only the IR (DESIGN
// §2), so this is their counterpart of the front end's lax wrappers.
#pragma once

#include <vector>

#include "ir/function.h"

namespace ember::transforms {

using ir::DType;
using ir::Prim;
using ir::Type;
using ir::Value;
using Ints = std::vector<int64_t>;

class Emitter {
 public:
  explicit Emitter(ir::Builder& b) : b_(b) {}

  ir::Builder& builder() { return b_; }
  // By value: emitting an op grows the body's type table, which would leave references dangling.
  Type type(Value v) const { return b_.body().type(v); }
  DType dtype(Value v) const { return b_.body().type(v).dtype; }
  ir::Shape shape(Value v) const { return b_.body().type(v).shape; }

  Value op(Prim p, std::initializer_list<Value> operands, ir::Attrs attrs = {}) {
    return b_.add1(p, operands, std::move(attrs));
  }
  Value op(Prim p, std::span<const Value> operands, ir::Attrs attrs = {}) {
    return b_.add1(p, operands, std::move(attrs));
  }

  // Constants: a scalar of `dtype` broadcast to `shape`.
  Value full(const Type& like, double value);  // `like` must not refer into the body being built
  Value full(DType dtype, ir::Shape shape, double value);
  Value zeros_like(Value v) { return full(type(v), 0.0); }
  Value ones_like(Value v) { return full(type(v), 1.0); }
  Value scalar_like(Value v, double value) { return full(type(v), value); }

  Value add(Value a, Value b) { return op(Prim::Add, {a, b}); }
  Value sub(Value a, Value b) { return op(Prim::Sub, {a, b}); }
  Value mul(Value a, Value b) { return op(Prim::Mul, {a, b}); }
  Value div(Value a, Value b) { return op(Prim::Div, {a, b}); }
  Value neg(Value a) { return op(Prim::Neg, {a}); }
  Value select(Value pred, Value t, Value f) { return op(Prim::Select, {pred, t, f}); }
  Value convert(Value v, DType to);
  Value real(Value v) { return op(Prim::Real, {v}); }
  Value imag(Value v) { return op(Prim::Imag, {v}); }
  Value conj(Value v) { return op(Prim::Conj, {v}); }
  Value complex(Value re, Value im) { return op(Prim::Complex, {re, im}); }
  Value broadcast_in_dim(Value v, const Ints& shape, const Ints& dims);
  // Broadcasts a value whose dimensions are a subset of `shape`'s (dims: where each goes); no-op if equal.
  Value broadcast_to(Value v, const ir::Shape& shape, const Ints& dims);
  Value reshape(Value v, const Ints& shape);
  Value transpose(Value v, const Ints& perm);
  Value reduce_sum(Value v, const Ints& axes);
  // Sums `v` down to `shape` over the axes that broadcast_in_dim(dims) added or expanded: the transpose of
  // broadcast_in_dim.
  Value unbroadcast(Value v, const ir::Shape& shape, const Ints& dims);
  Value dot_general(Value lhs, Value rhs, const Ints& lc, const Ints& rc, const Ints& lb, const Ints& rb,
                    DType out);

 private:
  ir::Builder& b_;
};

inline Ints to_ints(const ir::Shape& s) { return Ints(s.begin(), s.end()); }
Ints iota_ints(int64_t n, int64_t start = 0);
// Inverse of a permutation.
Ints inverse_permutation(const Ints& perm);

}  // namespace ember::transforms
