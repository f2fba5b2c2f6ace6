// A fused kernel as a function `void kN(ptr ctx, i64 begin, i64 end)`: a loop nest over the kernel's domain
// (the outermost loop split across threads by the services' parallel_for), whose body evaluates the root
// element by element. Evaluation is recursive over the fused ops with per-index memoisation, and every
// scalar is placed at the shallowest loop level its inputs allow: a row reduction that a softmax reads at
// every column is computed once per row, before the column loop, by construction.
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "ir/numeric.h"
#include "lowering/cpu/emitters.h"
#include "runtime/support/complex_functions.h"

namespace ember::lowering::cpu {

KernelEmitter::KernelEmitter(ModuleEmitter& m, const Plan& plan, const Kernel& kernel, LLVM::LLVMFuncOp fn,
                             std::vector<ir::Value>& buffers)
    : m_(m), plan_(plan), body_(plan.body()), kernel_(kernel), fn_(fn), b_(&m.ctx_), loc_(m.loc_),
      buffers_(buffers) {
  defining_op_.assign(body_.types.size(), -1);
  for (size_t o = 0; o < body_.ops.size(); ++o)
    for (ir::Value r : body_.ops[o].results) defining_op_[r.id] = int(o);
  in_kernel_.assign(body_.ops.size(), 0);
  for (uint32_t o : kernel_.ops) in_kernel_[o] = 1;
}

void KernelEmitter::at(int level) {
  const Level& l = levels_[size_t(level)];
  if (l.before) b_.setInsertionPoint(l.before);
  else b_.setInsertionPointToEnd(l.block);
}

Scalar KernelEmitter::linear(const Index& idx, const ir::Shape& shape) {
  Scalar acc = i64(0);
  int64_t stride = 1;
  bool first = true;
  for (int d = int(shape.size()) - 1; d >= 0; --d) {
    if (shape[size_t(d)] == 1) continue;
    Scalar term = mul_const(idx[size_t(d)], stride);
    acc = first ? term : add(acc, term);
    first = false;
    stride *= shape[size_t(d)];
  }
  return acc;
}

Index KernelEmitter::delinearize(Scalar lin, const ir::Shape& shape) {
  Index out(shape.size());
  for (int d = int(shape.size()) - 1; d >= 0; --d) {
    int64_t n = shape[size_t(d)];
    if (n == 1) {
      out[size_t(d)] = i64(0);
      continue;
    }
    Scalar nn = i64(n);
    out[size_t(d)] = d == 0 ? lin : make<arith::RemUIOp>(level_of({lin}), lin.v, nn.v);
    if (d > 0) lin = make<arith::DivUIOp>(level_of({lin}), lin.v, nn.v);
  }
  return out;
}

Index KernelEmitter::reshape_index(const Index& idx, const ir::Shape& out, const ir::Shape& in) {
  if (ir::num_elements(out) == 0) return delinearize(linear(idx, out), in);
  // Dims of size 1 have index 0; the others are matched in groups of equal size products. A group of one dim
  // on each side keeps its index as it is, so a reshape that only adds or drops unit dims (or splits and merges
  // inner dims) leaves the outer indices, and what is hoisted on them, alone.
  std::vector<size_t> od, id;
  for (size_t d = 0; d < out.size(); ++d)
    if (out[d] != 1) od.push_back(d);
  for (size_t d = 0; d < in.size(); ++d)
    if (in[d] != 1) id.push_back(d);
  Index sub(in.size());
  for (size_t d = 0; d < in.size(); ++d)
    if (in[d] == 1) sub[d] = i64(0);
  size_t a = 0, c = 0;
  while (a < od.size() && c < id.size()) {
    size_t a_end = a + 1, c_end = c + 1;
    int64_t po = out[od[a]], pi = in[id[c]];
    while (po != pi) {
      if (po < pi) po *= out[od[a_end++]];
      else pi *= in[id[c_end++]];
    }
    if (a_end - a == 1 && c_end - c == 1) {
      sub[id[c]] = idx[od[a]];
    } else {
      ir::Shape out_group, in_group;
      Index group_idx;
      for (size_t k = a; k < a_end; ++k) out_group.push_back(out[od[k]]), group_idx.push_back(idx[od[k]]);
      for (size_t k = c; k < c_end; ++k) in_group.push_back(in[id[k]]);
      Index parts = delinearize(linear(group_idx, out_group), in_group);
      for (size_t k = c; k < c_end; ++k) sub[id[k]] = parts[k - c];
    }
    a = a_end, c = c_end;
  }
  return sub;
}

mlir::Type KernelEmitter::reg_type(DType d, const ir::Op* op) {
  switch (d) {
    case DType::Bool: return b_.getI1Type();
    case DType::I8: case DType::U8: return b_.getI8Type();
    case DType::I16: case DType::U16: return b_.getI16Type();
    case DType::I32: case DType::U32: return b_.getI32Type();
    case DType::I64: case DType::U64: return b_.getI64Type();
    case DType::F16: case DType::BF16: case DType::F32: return b_.getF32Type();
    case DType::F64: return b_.getF64Type();
    case DType::C64: return b_.getF32Type();  // each part of a complex
    default: return b_.getF64Type();
  }
}

mlir::Type KernelEmitter::mem_type(DType d) {
  if (d == DType::Bool) return b_.getI8Type();
  if (d == DType::F16 || d == DType::BF16) return b_.getI16Type();
  return reg_type(d);
}

Scalar KernelEmitter::constant(DType d, double value) {
  if (is_complex(d)) return complex_of(constant(ir::real_dtype(d), value), constant(ir::real_dtype(d), 0));
  mlir::Type t = reg_type(d);
  at(0);
  if (auto ft = dyn_cast<FloatType>(t)) {
    llvm::APFloat f(value);
    bool lost;
    f.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
    return {b_.create<arith::ConstantFloatOp>(loc_, f, ft).getResult(), 0};
  }
  return {b_.create<arith::ConstantIntOp>(loc_, int64_t(value), t).getResult(), 0};
}

// A constant given by the bits of its storage type.
Scalar KernelEmitter::constant_bits(DType d, uint64_t bits) {
  at(0);
  mlir::Type mt = mem_type(d);
  unsigned width = mt.getIntOrFloatBitWidth();
  mlir::Value raw;
  if (isa<FloatType>(mt))
    raw = b_.create<arith::ConstantOp>(loc_, mt, b_.getFloatAttr(mt, llvm::APFloat(cast<FloatType>(mt).getFloatSemantics(), llvm::APInt(width, bits)))).getResult();
  else
    raw = b_.create<arith::ConstantIntOp>(loc_, int64_t(bits), mt).getResult();
  return from_memory({raw, 0}, d);
}

Scalar KernelEmitter::from_memory(Scalar raw, DType d) {
  switch (d) {
    case DType::Bool: {
      Scalar zero = make<arith::ConstantIntOp>(0, 0, 8);
      return make<arith::CmpIOp>(raw.level, arith::CmpIPredicate::ne, raw.v, zero.v);
    }
    case DType::F16: {
      Scalar h = make<arith::BitcastOp>(raw.level, b_.getF16Type(), raw.v);
      return make<arith::ExtFOp>(raw.level, b_.getF32Type(), h.v);
    }
    case DType::BF16: {
      Scalar h = make<arith::BitcastOp>(raw.level, b_.getBF16Type(), raw.v);
      return make<arith::ExtFOp>(raw.level, b_.getF32Type(), h.v);
    }
    default: return raw;
  }
}

mlir::Value KernelEmitter::to_memory(mlir::Value x, DType d) {
  switch (d) {
    case DType::Bool: return b_.create<arith::ExtUIOp>(loc_, b_.getI8Type(), x);
    case DType::F16: case DType::BF16: {
      mlir::Type h = d == DType::F16 ? mlir::Type(b_.getF16Type()) : mlir::Type(b_.getBF16Type());
      mlir::Value t = b_.create<arith::TruncFOp>(loc_, h, x);
      return b_.create<arith::BitcastOp>(loc_, b_.getI16Type(), t);
    }
    default: return x;
  }
}

Scalar KernelEmitter::round_to(Scalar x, DType d) {
  if (d != DType::F16 && d != DType::BF16) return x;
  mlir::Type h = d == DType::F16 ? mlir::Type(b_.getF16Type()) : mlir::Type(b_.getBF16Type());
  Scalar t = make<arith::TruncFOp>(x.level, h, x.v);
  return make<arith::ExtFOp>(x.level, b_.getF32Type(), t.v);
}

Scalar KernelEmitter::buffer_ptr(ir::Value v) {
  auto it = buffer_ptrs_.find(v.id);
  if (it == buffer_ptrs_.end()) {
    // The buffer's address: slot k of the context array, loaded once at the kernel's top.
    size_t slot = buffers_.size();
    buffers_.push_back(v);
    at(0);
    auto ptr = LLVM::LLVMPointerType::get(&m_.ctx_);
    mlir::Value ctx = fn_.getArgument(0);
    mlir::Value addr = b_.create<LLVM::GEPOp>(loc_, ptr, ptr, ctx, ArrayRef<LLVM::GEPArg>{int32_t(slot)});
    Scalar p{b_.create<LLVM::LoadOp>(loc_, ptr, addr).getResult(), 0};
    it = buffer_ptrs_.emplace(v.id, p).first;
  }
  return it->second;
}

Scalar KernelEmitter::load(ir::Value v, const Index& idx, int min_level) {
  Scalar base = buffer_ptr(v);
  DType d = body_.type(v).dtype;
  Scalar lin = linear(idx, body_.type(v).shape);
  int level = std::max(level_of({lin, base}), min_level);
  return load_at(base, lin, d, level);
}

// The element at linear index `lin` of the array at `base`, loaded at `level` (a complex element is two
// floats).
Scalar KernelEmitter::load_at(Scalar base, Scalar lin, DType d, int level) {
  at(level);
  auto ptr = LLVM::LLVMPointerType::get(&m_.ctx_);
  if (is_complex(d)) {
    mlir::Type part = reg_type(d);
    mlir::Value two = b_.create<arith::ConstantIntOp>(loc_, 2, 64);
    mlir::Value re_at = b_.create<arith::MulIOp>(loc_, lin.v, two);
    mlir::Value re_addr = b_.create<LLVM::GEPOp>(loc_, ptr, part, base.v, ValueRange{re_at});
    mlir::Value im_addr = b_.create<LLVM::GEPOp>(loc_, ptr, part, re_addr, ArrayRef<LLVM::GEPArg>{1});
    return {b_.create<LLVM::LoadOp>(loc_, part, re_addr).getResult(), level,
            b_.create<LLVM::LoadOp>(loc_, part, im_addr).getResult()};
  }
  mlir::Value addr = b_.create<LLVM::GEPOp>(loc_, ptr, mem_type(d), base.v, ValueRange{lin.v});
  Scalar raw{b_.create<LLVM::LoadOp>(loc_, mem_type(d), addr).getResult(), level};
  return from_memory(raw, d);
}

Scalar KernelEmitter::load_literal(const ir::Literal& lit, DType d, const Index& idx) {
  if (lit.type.numel() == 1 && is_complex(d)) {
    double re, im;
    if (d == DType::C64) {
      float parts[2];
      std::memcpy(parts, lit.bytes(), sizeof(parts));
      re = parts[0], im = parts[1];
    } else {
      double parts[2];
      std::memcpy(parts, lit.bytes(), sizeof(parts));
      re = parts[0], im = parts[1];
    }
    return complex_of(constant(ir::real_dtype(d), re), constant(ir::real_dtype(d), im));
  }
  if (lit.type.numel() == 1) {
    uint64_t bits = 0;
    std::memcpy(&bits, lit.bytes(), ir::dtype_size(d));
    return constant_bits(d, bits);
  }
  at(0);
  Scalar base{m_.literal_address(b_, lit), 0};
  Scalar lin = linear(idx, lit.type.shape);
  return load_at(base, lin, d, lin.level);
}

Scalar KernelEmitter::value(ir::Value v, const Index& idx) {
  std::vector<void*> key;
  key.reserve(idx.size());
  for (const Scalar& s : idx) key.push_back(s.v.getAsOpaquePointer());
  auto mk = std::make_pair(v.id, key);
  auto hit = memo_.find(mk);
  if (hit != memo_.end() && size_t(hit->second.s.level) < levels_.size() &&
      levels_[size_t(hit->second.s.level)].id == hit->second.level_id)
    return hit->second.s;
  Scalar out;
  int o = defining_op_[v.id];
  if (kept_in_root_buffer(v, idx)) {
    out = load(kernel_.root, idx);
  } else if (o >= 0 && body_.ops[size_t(o)].prim == Prim::Constant) {
    out = load_literal(ir::attr_literal(body_.ops[size_t(o)].attrs, 0), body_.type(v).dtype, idx);
  } else if (o >= 0 && in_kernel_[size_t(o)]) {
    const ir::Op& op = body_.ops[size_t(o)];
    out = is_loop_reduction(op.prim) ? reduction(op, idx) : pointwise(op, idx);
  } else {
    out = load(v, idx);
  }
  memo_[mk] = MemoEntry{out, levels_[size_t(out.level)].id};
  return out;
}

// Softmax reads exp(x - max) twice: in the row sum's loop and in the loop that writes the output. Instead of
// evaluating the exponential again, the sum's loop writes each element into the output row, where the output
// loop reads it back (from L1: a row is read just after it was written) before overwriting it with the
// result. This holds for any costly value that a row reduction reads and the root reads at its own index:
// the output element at that index is written by the same thread, after the read, and by nothing else.
void KernelEmitter::find_values_read_at_root_index() {
  read_at_root_index_.assign(body_.types.size(), 0);
  kept_.assign(body_.types.size(), 0);
  std::vector<ir::Value> stack = {kernel_.root};
  const ir::Shape& domain = body_.type(kernel_.root).shape;
  while (!stack.empty()) {
    ir::Value v = stack.back();
    stack.pop_back();
    if (read_at_root_index_[v.id]) continue;
    read_at_root_index_[v.id] = 1;
    int o = defining_op_[v.id];
    if (o < 0 || !in_kernel_[size_t(o)]) continue;
    const ir::Op& op = body_.ops[size_t(o)];
    if (!ir::has_flag(op.prim, ir::kElementwise) || op.prim == Prim::BitcastConvertType) continue;
    for (ir::Value x : op.operands)
      if (body_.type(x).shape == domain) stack.push_back(x);
  }
}

bool KernelEmitter::computed_with(ir::Value v, bool (*is)(Prim), std::vector<signed char>& memo) {
  if (memo.empty()) memo.assign(body_.types.size(), -1);
  if (memo[v.id] >= 0) return memo[v.id];
  int o = defining_op_[v.id];
  bool found = false;
  if (o >= 0 && in_kernel_[size_t(o)]) {
    const ir::Op& op = body_.ops[size_t(o)];
    found = is(op.prim);
    if (is_pointwise(op.prim))
      for (ir::Value x : op.operands) found = found || computed_with(x, is, memo);
  }
  memo[v.id] = found;
  return found;
}

void KernelEmitter::keep_in_root_buffer(const ir::Op& reduction, ir::Value x, const Index& at_index, Scalar element) {
  if (root_index_.empty() || kept_[x.id] || !read_at_root_index_[x.id]) return;
  const ir::Type& t = body_.type(x);
  const ir::Type& root = body_.type(kernel_.root);
  // The root's buffer holds the element exactly, and no parameter shares it (a donated one could be read later).
  if (!(t.shape == root.shape) || t.dtype != root.dtype || (t.dtype != DType::F32 && t.dtype != DType::F64)) return;
  const Storage& place = plan_.storage[kernel_.root.id];
  if (place.kind == Storage::Kind::Output && plan_.reusable_input[size_t(place.index)] >= 0) return;
  // The reduced dims are the trailing ones and the row is the root's own: the outer loops, split across
  // threads, then give the whole row to the thread that writes the output row.
  const std::vector<int64_t>& reduced = ir::attr_ints(reduction.attrs, 0);
  size_t kept_dims = t.shape.size() - reduced.size();
  if (kept_dims == 0) return;
  for (size_t r = 0; r < reduced.size(); ++r)
    if (reduced[r] != int64_t(kept_dims + r)) return;
  for (size_t d = 0; d < kept_dims; ++d)
    if (at_index[d].v != root_index_[d].v) return;
  if (!computed_with(x, is_costly, costly_)) return;
  store(kernel_.root, at_index, element);
  kept_[x.id] = 1;
}

bool KernelEmitter::kept_in_root_buffer(ir::Value v, const Index& idx) const {
  if (kept_.empty() || !kept_[v.id]) return false;
  for (size_t d = 0; d < idx.size(); ++d)
    if (idx[d].v != root_index_[d].v) return false;
  return true;
}

Scalar KernelEmitter::call_libm(const ir::Op& op, const char* name, DType d, std::initializer_list<Scalar> args) {
  mlir::Type t = reg_type(d);
  std::string fname = std::string(name) + (t.isF32() ? "f" : "");
  std::vector<mlir::Type> arg_types(args.size(), t);
  auto fn = m_.declare(fname, t, arg_types);
  std::vector<mlir::Value> vals;
  for (const Scalar& a : args) vals.push_back(a.v);
  int level = 0;
  for (const Scalar& a : args) level = std::max(level, a.level);
  at(level);
  return {b_.create<LLVM::CallOp>(loc_, fn, vals).getResult(), level};
}

// The support library's special functions (runtime/support/special_functions.h) work in double: float32 and
// the 16-bit floats are widened and the result rounded once, as in the interpreter.
Scalar KernelEmitter::call_special(const ir::Op& op, const char* name, DType d, std::initializer_list<Scalar> args) {
  if (!is_float(d)) unsupported(op, "dtype " + std::string(ir::dtype_name(d)));
  mlir::Type f64 = b_.getF64Type();
  auto fn = m_.declare(name, f64, std::vector<mlir::Type>(args.size(), f64));
  std::vector<mlir::Value> wide;
  int level = 0;
  for (const Scalar& a : args) level = std::max(level, a.level);
  for (const Scalar& a : args) wide.push_back(d == DType::F64 ? a.v : make<arith::ExtFOp>(level, f64, a.v).v);
  at(level);
  Scalar r{b_.create<LLVM::CallOp>(loc_, fn, wide).getResult(), level};
  return d == DType::F64 ? r : make<arith::TruncFOp>(level, b_.getF32Type(), r.v);
}

// nextafter steps in the dtype's own ulps: libm for float32/float64; for the 16-bit floats a step on their
// bit pattern (as the interpreter: stepping float32 and rounding back would return x). NaN if either is NaN,
// y when x == y.
Scalar KernelEmitter::next_after(DType d, Scalar x, Scalar y) {
  int l = level_of({x, y});
  if (d == DType::F32 || d == DType::F64) {
    mlir::Type t = reg_type(d);
    auto fn = m_.declare(d == DType::F32 ? "nextafterf" : "nextafter", t, {t, t});
    at(l);
    return {b_.create<LLVM::CallOp>(loc_, fn, ValueRange{x.v, y.v}).getResult(), l};
  }
  mlir::Type half = d == DType::F16 ? mlir::Type(b_.getF16Type()) : mlir::Type(b_.getBF16Type());
  auto bits_of = [&](Scalar v) {
    Scalar h = make<arith::TruncFOp>(l, half, v.v);
    return make<arith::BitcastOp>(l, b_.getI16Type(), h.v);
  };
  auto i16 = [&](int64_t c) { return make<arith::ConstantIntOp>(0, c, 16); };
  Scalar xb = bits_of(x), yb = bits_of(y);
  Scalar zero = constant(d, 0);
  Scalar x_zero = compare(Prim::Eq, d, x, zero);
  Scalar away = make<arith::CmpIOp>(l, arith::CmpIPredicate::eq, compare(Prim::Lt, d, x, y).v,
                                    compare(Prim::Gt, d, x, zero).v);
  Scalar stepped = select(away, make<arith::AddIOp>(l, xb.v, i16(1).v), make<arith::SubIOp>(l, xb.v, i16(1).v));
  Scalar smallest = make<arith::OrIOp>(l, make<arith::AndIOp>(l, yb.v, i16(0x8000).v).v, i16(1).v);
  Scalar bits = select(x_zero, smallest, stepped);
  Scalar r = make<arith::ExtFOp>(l, b_.getF32Type(), make<arith::BitcastOp>(l, half, bits.v).v);
  Scalar nan = make<arith::CmpFOp>(l, arith::CmpFPredicate::UNO, x.v, y.v);
  return select(nan, constant(d, NAN), select(compare(Prim::Eq, d, x, y), y, r));
}

Scalar KernelEmitter::compare(Prim p, DType d, Scalar x, Scalar y) {
  int level = level_of({x, y});
  if (is_float(d)) {
    arith::CmpFPredicate pred;
    switch (p) {
      case Prim::Eq: pred = arith::CmpFPredicate::OEQ; break;
      case Prim::Ne: pred = arith::CmpFPredicate::UNE; break;
      case Prim::Lt: pred = arith::CmpFPredicate::OLT; break;
      case Prim::Le: pred = arith::CmpFPredicate::OLE; break;
      case Prim::Gt: pred = arith::CmpFPredicate::OGT; break;
      default: pred = arith::CmpFPredicate::OGE; break;
    }
    return make<arith::CmpFOp>(level, pred, x.v, y.v);
  }
  bool u = is_unsigned(d);
  arith::CmpIPredicate pred;
  switch (p) {
    case Prim::Eq: pred = arith::CmpIPredicate::eq; break;
    case Prim::Ne: pred = arith::CmpIPredicate::ne; break;
    case Prim::Lt: pred = u ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt; break;
    case Prim::Le: pred = u ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle; break;
    case Prim::Gt: pred = u ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt; break;
    default: pred = u ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge; break;
  }
  return make<arith::CmpIOp>(level, pred, x.v, y.v);
}

// The interpreter's reduction step for max/min: y replaces x when it is strictly greater (smaller) or NaN,
// so NaN propagates and ties (-0 and +0) keep x.
Scalar KernelEmitter::extreme(bool is_max, DType d, Scalar x, Scalar y) {
  Scalar better = compare(is_max ? Prim::Gt : Prim::Lt, d, y, x);
  if (is_float(d)) {
    Scalar nan = make<arith::CmpFOp>(y.level, arith::CmpFPredicate::UNO, y.v, y.v);
    better = make<arith::OrIOp>(level_of({better, nan}), better.v, nan.v);
  }
  return select(better, y, x);
}

Scalar KernelEmitter::unary(const ir::Op& op, DType d, Scalar x) {
  if (is_complex(d)) return complex_function(op, d, x, {});
  int l = x.level;
  bool f = is_float(d);
  bool f32 = f && d != DType::F64;
  auto need_float = [&] {
    if (!f) unsupported(op, "dtype " + std::string(ir::dtype_name(d)));
  };
  // f32 functions whose MLIR polynomial approximation (vectorisable) matches the reference within the
  // op-table tolerances, edge values included; log, sin, cos, cbrt, asin and atan2 call libm, because MLIR
  // 19's approximations of them miss the tolerances at some inputs of the sweep.
  auto math_or_libm = [&](auto tag, const char* libm) -> Scalar {
    need_float();
    using OpT = decltype(tag);
    if (f32) return make<OpT>(l, x.v);
    return call_libm(op, libm, d, {x});
  };
  switch (op.prim) {
    case Prim::StopGradient: return x;
    case Prim::Neg:
      if (f) return make<arith::NegFOp>(l, x.v);
      return make<arith::SubIOp>(l, constant(d, 0).v, x.v);
    case Prim::Abs:
      if (f) return make<math::AbsFOp>(l, x.v);
      if (is_unsigned(d)) return x;
      return make<math::AbsIOp>(l, x.v);
    case Prim::Sign: {
      if (d == DType::Bool) return x;
      Scalar zero = constant(d, 0), one = constant(d, 1);
      if (is_unsigned(d)) return select(compare(Prim::Ne, d, x, zero), one, zero);
      Scalar minus = constant(d, -1);
      Scalar pos = compare(Prim::Gt, d, x, zero), neg = compare(Prim::Lt, d, x, zero);
      Scalar rest = f ? select(compare(Prim::Eq, d, x, zero), zero, x) : zero;  // ±0 -> +0, NaN stays
      return select(pos, one, select(neg, minus, rest));
    }
    case Prim::Floor: need_float(); return make<math::FloorOp>(l, x.v);
    case Prim::Ceil: need_float(); return make<math::CeilOp>(l, x.v);
    case Prim::Round:
      need_float();
      if (ir::attr_int(op.attrs, 0) == 0) return make<math::RoundOp>(l, x.v);
      return make<math::RoundEvenOp>(l, x.v);
    case Prim::Exp: return math_or_libm(math::ExpOp{}, "exp");
    case Prim::Exp2: need_float(); return call_libm(op, "exp2", d, {x});
    case Prim::Expm1: return math_or_libm(math::ExpM1Op{}, "expm1");
    case Prim::Log: need_float(); return call_libm(op, "log", d, {x});
    case Prim::Log1p: return math_or_libm(math::Log1pOp{}, "log1p");
    case Prim::Sqrt: need_float(); return make<math::SqrtOp>(l, x.v);
    case Prim::Rsqrt: {
      need_float();
      Scalar s = make<math::SqrtOp>(l, x.v);
      return make<arith::DivFOp>(l, constant(d, 1).v, s.v);
    }
    case Prim::Cbrt: need_float(); return call_libm(op, "cbrt", d, {x});
    case Prim::Sin: need_float(); return call_libm(op, "sin", d, {x});
    case Prim::Cos: need_float(); return call_libm(op, "cos", d, {x});
    case Prim::Tan: need_float(); return call_libm(op, "tan", d, {x});
    case Prim::Asin: need_float(); return call_libm(op, "asin", d, {x});
    case Prim::Acos: return math_or_libm(math::AcosOp{}, "acos");
    case Prim::Atan: return math_or_libm(math::AtanOp{}, "atan");
    case Prim::Sinh: need_float(); return call_libm(op, "sinh", d, {x});
    case Prim::Cosh: need_float(); return call_libm(op, "cosh", d, {x});
    case Prim::Tanh: return math_or_libm(math::TanhOp{}, "tanh");
    case Prim::Asinh: need_float(); return call_libm(op, "asinh", d, {x});
    case Prim::Acosh: need_float(); return call_libm(op, "acosh", d, {x});
    case Prim::Atanh: need_float(); return call_libm(op, "atanh", d, {x});
    case Prim::Erf: return math_or_libm(math::ErfOp{}, "erf");
    case Prim::Erfc: need_float(); return call_libm(op, "erfc", d, {x});
    case Prim::Logistic: {
      // e = exp(-|x|) in (0, 1]: 1/(1+e) for x >= 0 and e/(1+e) below, accurate in both tails.
      need_float();
      Scalar a = make<math::AbsFOp>(l, x.v);
      Scalar na = make<arith::NegFOp>(l, a.v);
      Scalar e = f32 ? make<math::ExpOp>(l, na.v) : call_libm(op, "exp", d, {na});
      Scalar one = constant(d, 1);
      Scalar r = make<arith::DivFOp>(l, one.v, make<arith::AddFOp>(l, one.v, e.v).v);
      Scalar er = make<arith::MulFOp>(l, e.v, r.v);
      return select(compare(Prim::Ge, d, x, constant(d, 0)), r, er);
    }
    case Prim::IsFinite: {
      if (!f) return make<arith::ConstantIntOp>(0, 1, 1);  // integers are finite
      Scalar a = make<math::AbsFOp>(l, x.v);
      return make<arith::CmpFOp>(l, arith::CmpFPredicate::OLT, a.v, constant(d, INFINITY).v);
    }
    case Prim::Not: {
      Scalar ones = d == DType::Bool ? constant(d, 1) : constant(d, -1);
      return make<arith::XOrIOp>(l, x.v, ones.v);
    }
    case Prim::PopulationCount: return make<math::CtPopOp>(l, x.v);
    case Prim::ErfInv: need_float(); return call_special(op, "ember_erf_inv", d, {x});
    case Prim::Lgamma: need_float(); return call_special(op, "ember_lgamma", d, {x});
    case Prim::Digamma: need_float(); return call_special(op, "ember_digamma", d, {x});
    case Prim::BesselI0e: need_float(); return call_special(op, "ember_bessel_i0e", d, {x});
    case Prim::BesselI1e: need_float(); return call_special(op, "ember_bessel_i1e", d, {x});
    case Prim::IntegerPow: {
      // The interpreter's order of multiplications (binary powering), so results agree bit for bit.
      int64_t y = ir::attr_int(op.attrs, 0);
      uint64_t e = y < 0 ? uint64_t(0) - uint64_t(y) : uint64_t(y);
      if (e == 0) return constant(d, 1);
      Scalar acc = power_by_squaring<Scalar>(x, e, [&](Scalar a, Scalar c) {
        return round_to(f ? make<arith::MulFOp>(l, a.v, c.v) : make<arith::MulIOp>(l, a.v, c.v), d);
      });
      if (y < 0) acc = make<arith::DivFOp>(l, constant(d, 1).v, acc.v);
      return acc;
    }
    default: unsupported(op, "not yet implemented for dtype " + std::string(ir::dtype_name(d)));
  }
}

Scalar KernelEmitter::binary(const ir::Op& op, DType d, Scalar x, Scalar y) {
  if (op.prim == Prim::Complex) return complex_of(x, y);
  if (is_complex(d)) return complex_function(op, d, x, y);
  int l = level_of({x, y});
  bool f = is_float(d), u = is_unsigned(d);
  switch (op.prim) {
    case Prim::Add:
      if (d == DType::Bool) return make<arith::OrIOp>(l, x.v, y.v);
      return f ? make<arith::AddFOp>(l, x.v, y.v) : make<arith::AddIOp>(l, x.v, y.v);
    case Prim::Sub: return f ? make<arith::SubFOp>(l, x.v, y.v) : make<arith::SubIOp>(l, x.v, y.v);
    case Prim::Mul:
      if (d == DType::Bool) return make<arith::AndIOp>(l, x.v, y.v);
      return f ? make<arith::MulFOp>(l, x.v, y.v) : make<arith::MulIOp>(l, x.v, y.v);
    case Prim::Div:
    case Prim::Rem: {
      bool div = op.prim == Prim::Div;
      if (f) return div ? make<arith::DivFOp>(l, x.v, y.v) : make<arith::RemFOp>(l, x.v, y.v);
      // x / 0 and x % 0 are 0; INT_MIN / -1 wraps and INT_MIN % -1 is 0 (DESIGN §3): a divisor of -1 is
      // replaced by 1 and the result negated (division) or zeroed (remainder), so nothing traps.
      Scalar zero = constant(d, 0), one = constant(d, 1);
      Scalar y_zero = compare(Prim::Eq, d, y, zero);
      Scalar safe = select(y_zero, one, y);
      Scalar minus_one;
      if (!u) {
        minus_one = compare(Prim::Eq, d, y, constant(d, -1));
        safe = select(minus_one, one, safe);
      }
      Scalar r = div ? (u ? make<arith::DivUIOp>(l, x.v, safe.v) : make<arith::DivSIOp>(l, x.v, safe.v))
                     : (u ? make<arith::RemUIOp>(l, x.v, safe.v) : make<arith::RemSIOp>(l, x.v, safe.v));
      if (!u) r = select(minus_one, div ? make<arith::SubIOp>(l, zero.v, x.v) : zero, r);
      return select(y_zero, zero, r);
    }
    case Prim::Pow:
      if (!f) return integer_power(d, x, y);
      return call_libm(op, "pow", d, {x, y});
    case Prim::Max: case Prim::Min: {
      if (d == DType::Bool)
        return op.prim == Prim::Max ? make<arith::OrIOp>(l, x.v, y.v) : make<arith::AndIOp>(l, x.v, y.v);
      // The interpreter's elementwise max(x, y) keeps x when x is greater or NaN and takes y otherwise
      // (ties: y), which is extreme() with the operands swapped.
      return extreme(op.prim == Prim::Max, d, y, x);
    }
    case Prim::Atan2:
      return call_libm(op, "atan2", d, {x, y});
    case Prim::Polygamma: return call_special(op, "ember_polygamma", d, {x, y});
    case Prim::Nextafter: return next_after(d, x, y);
    case Prim::And: return make<arith::AndIOp>(l, x.v, y.v);
    case Prim::Or: return make<arith::OrIOp>(l, x.v, y.v);
    case Prim::Xor: return make<arith::XOrIOp>(l, x.v, y.v);
    case Prim::ShiftLeft: case Prim::ShiftRightLogical: case Prim::ShiftRightArithmetic: {
      // Counts are unsigned; a count >= the bit width shifts everything out (sign-fill for arithmetic).
      unsigned bits = reg_type(d).getIntOrFloatBitWidth();
      Scalar width = constant(d, double(bits));
      Scalar too_big = make<arith::CmpIOp>(l, arith::CmpIPredicate::uge, y.v, width.v);
      Scalar safe = select(too_big, constant(d, 0), y);
      if (op.prim == Prim::ShiftLeft)
        return select(too_big, constant(d, 0), make<arith::ShLIOp>(l, x.v, safe.v));
      if (op.prim == Prim::ShiftRightLogical)
        return select(too_big, constant(d, 0), make<arith::ShRUIOp>(l, x.v, safe.v));
      Scalar fill = make<arith::ShRSIOp>(l, x.v, constant(d, double(bits - 1)).v);
      return select(too_big, fill, make<arith::ShRSIOp>(l, x.v, safe.v));
    }
    case Prim::Eq: case Prim::Ne: case Prim::Lt: case Prim::Le: case Prim::Gt: case Prim::Ge:
      return compare(op.prim, d, x, y);
    default: unsupported(op, "not yet implemented for dtype " + std::string(ir::dtype_name(d)));
  }
}

Scalar KernelEmitter::convert(const ir::Op& op, DType from, DType to, Scalar x) {
  int l = x.level;
  if (from == to) return x;
  if (is_complex(from) && is_complex(to))
    return complex_of(convert(op, ir::real_dtype(from), ir::real_dtype(to), real_part(x)),
                      convert(op, ir::real_dtype(from), ir::real_dtype(to), imag_part(x)));
  if (is_complex(from)) {
    DType part = ir::real_dtype(from);
    if (to != DType::Bool) return convert(op, part, to, real_part(x));  // the real part, as NumPy
    Scalar zero = constant(part, 0);
    return make<arith::OrIOp>(l, compare(Prim::Ne, part, real_part(x), zero).v, compare(Prim::Ne, part, imag_part(x), zero).v);
  }
  if (is_complex(to)) return complex_of(convert(op, from, ir::real_dtype(to), x), constant(ir::real_dtype(to), 0));
  mlir::Type rt = reg_type(to, &op);
  reg_type(from, &op);
  if (to == DType::Bool) {
    if (is_float(from)) return make<arith::CmpFOp>(l, arith::CmpFPredicate::UNE, x.v, constant(from, 0).v);
    return make<arith::CmpIOp>(l, arith::CmpIPredicate::ne, x.v, constant(from, 0).v);
  }
  if (from == DType::Bool) {
    if (is_float(to)) return make<arith::UIToFPOp>(l, rt, x.v);
    return make<arith::ExtUIOp>(l, rt, x.v);
  }
  bool ff = is_float(from), tf = is_float(to);
  if (ff && tf) {
    // 16-bit floats are float32 in registers; the one rounding to their precision happens here.
    bool half_to = to == DType::F16 || to == DType::BF16;
    if (half_to && from == DType::F64) return round_to(to_f32_round_odd(x), to);
    if (from == DType::F64) return make<arith::TruncFOp>(l, rt, x.v);
    if (to == DType::F64) return make<arith::ExtFOp>(l, rt, x.v);
    return round_to(x, to);
  }
  if (!ff && !tf) {
    unsigned fw = reg_type(from).getIntOrFloatBitWidth(), tw = rt.getIntOrFloatBitWidth();
    if (fw == tw) return x;
    if (fw > tw) return make<arith::TruncIOp>(l, rt, x.v);
    return is_unsigned(from) ? make<arith::ExtUIOp>(l, rt, x.v) : make<arith::ExtSIOp>(l, rt, x.v);
  }
  if (!ff) {  // integer -> float
    if ((to == DType::F16 || to == DType::BF16) && ir::dtype_size(from) >= 4)
      return round_to(to_f32_round_odd(int_to_f64_sticky(x, from)), to);
    Scalar r = is_unsigned(from) ? make<arith::UIToFPOp>(l, rt, x.v) : make<arith::SIToFPOp>(l, rt, x.v);
    return round_to(r, to);
  }
  // float -> integer: saturating, NaN -> 0. The bounds are powers of two, exact in every float type; the
  // input is clamped before the conversion so that it never produces poison.
  unsigned bits = rt.getIntOrFloatBitWidth();
  bool u = is_unsigned(to);
  double hi = std::ldexp(1.0, int(u ? bits : bits - 1)), lo = u ? 0.0 : -hi;
  Scalar too_high = make<arith::CmpFOp>(l, arith::CmpFPredicate::OGE, x.v, constant(from, hi).v);
  Scalar too_low = make<arith::CmpFOp>(l, u ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT, x.v,
                                       constant(from, lo).v);
  Scalar nan = make<arith::CmpFOp>(l, arith::CmpFPredicate::UNO, x.v, x.v);
  Scalar bad = make<arith::OrIOp>(l, make<arith::OrIOp>(l, too_high.v, too_low.v).v, nan.v);
  Scalar safe = select(bad, constant(from, 0), x);
  Scalar r = u ? make<arith::FPToUIOp>(l, rt, safe.v) : make<arith::FPToSIOp>(l, rt, safe.v);
  at(l);
  int64_t max = u ? int64_t(bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1)
                  : int64_t((uint64_t(1) << (bits - 1)) - 1);
  int64_t min = u ? 0 : int64_t(uint64_t(1) << (bits - 1));
  Scalar vmax{b_.create<arith::ConstantIntOp>(loc_, max, rt).getResult(), l};
  Scalar vmin{b_.create<arith::ConstantIntOp>(loc_, min, rt).getResult(), l};
  r = select(too_high, vmax, r);
  r = select(too_low, u ? constant(to, 0) : vmin, r);
  return select(nan, constant(to, 0), r);
}

// A float64 rounded to float32 to odd (toward zero, the last bit set when inexact): rounding that to a
// 16-bit float then gives the correctly rounded result, with no double rounding (as the interpreter).
Scalar KernelEmitter::to_f32_round_odd(Scalar d) {
  int l = d.level;
  Scalar f = make<arith::TruncFOp>(l, b_.getF32Type(), d.v);
  Scalar back = make<arith::ExtFOp>(l, b_.getF64Type(), f.v);
  Scalar exact = make<arith::CmpFOp>(l, arith::CmpFPredicate::UEQ, back.v, d.v);  // NaN counts as exact
  Scalar bits = make<arith::BitcastOp>(l, b_.getI32Type(), f.v);
  Scalar away = make<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, make<math::AbsFOp>(l, back.v).v,
                                    make<math::AbsFOp>(l, d.v).v);
  Scalar one = make<arith::ConstantIntOp>(0, 1, 32);
  bits = select(away, make<arith::SubIOp>(l, bits.v, one.v), bits);  // rounded away from zero: step back
  Scalar odd = make<arith::BitcastOp>(l, b_.getF32Type(), make<arith::OrIOp>(l, bits.v, one.v).v);
  return select(exact, f, odd);
}

// A 32- or 64-bit integer as a float64 that rounds to float32 as the integer itself would: magnitudes
// beyond 53 bits keep their top bits and a sticky bit for the rest (exact below).
Scalar KernelEmitter::int_to_f64_sticky(Scalar x, DType from) {
  int l = x.level;
  mlir::Type f64 = b_.getF64Type();
  if (ir::dtype_size(from) == 4)
    return is_unsigned(from) ? make<arith::UIToFPOp>(l, f64, x.v) : make<arith::SIToFPOp>(l, f64, x.v);
  Scalar zero = i64(0);
  Scalar negative = is_unsigned(from) ? make<arith::ConstantIntOp>(0, 0, 1)
                                      : make<arith::CmpIOp>(l, arith::CmpIPredicate::slt, x.v, zero.v);
  Scalar m = select(negative, make<arith::SubIOp>(l, zero.v, x.v), x);  // the magnitude, as unsigned
  Scalar eleven = i64(11), low_mask = i64(0x7ff);
  Scalar kept = make<arith::ShRUIOp>(l, m.v, eleven.v);
  Scalar lost = make<arith::CmpIOp>(l, arith::CmpIPredicate::ne, make<arith::AndIOp>(l, m.v, low_mask.v).v, zero.v);
  Scalar jammed = make<arith::OrIOp>(l, kept.v, make<arith::ExtUIOp>(l, b_.getI64Type(), lost.v).v);
  jammed = make<arith::ShLIOp>(l, jammed.v, eleven.v);
  Scalar wide = make<arith::CmpIOp>(l, arith::CmpIPredicate::uge, m.v, i64(int64_t(1) << 53).v);
  Scalar magnitude = make<arith::UIToFPOp>(l, f64, select(wide, jammed, m).v);
  return select(negative, make<arith::NegFOp>(l, magnitude.v), magnitude);
}

// Integer x ** y by binary powering over every bit of y (a fixed trip count), wrapping as the interpreter;
// a negative exponent gives 1 for x == 1, +-1 for x == -1 and 0 otherwise.
Scalar KernelEmitter::integer_power(DType d, Scalar x, Scalar y) {
  int l = level_of({x, y});
  mlir::Type t = reg_type(d);
  unsigned bits = t.getIntOrFloatBitWidth();
  Scalar lb = i64(0), ub = i64(bits), step = i64(1), one = constant(d, 1), zero = constant(d, 0);
  at(l);
  auto loop = b_.create<scf::ForOp>(loc_, lb.v, ub.v, step.v, ValueRange{one.v, x.v});
  {
    OpBuilder::InsertionGuard guard(b_);
    b_.setInsertionPointToStart(loop.getBody());
    mlir::Value i = loop.getInductionVar(), acc = loop.getRegionIterArgs()[0], base = loop.getRegionIterArgs()[1];
    mlir::Value shift = bits == 64 ? i : b_.create<arith::TruncIOp>(loc_, t, i).getResult();
    mlir::Value bit = b_.create<arith::AndIOp>(loc_, b_.create<arith::ShRUIOp>(loc_, y.v, shift), one.v);
    mlir::Value set = b_.create<arith::CmpIOp>(loc_, arith::CmpIPredicate::ne, bit, zero.v);
    mlir::Value next = b_.create<arith::SelectOp>(loc_, set, b_.create<arith::MulIOp>(loc_, acc, base), acc);
    b_.create<scf::YieldOp>(loc_, ValueRange{next, b_.create<arith::MulIOp>(loc_, base, base)});
  }
  Scalar r{loop.getResult(0), l};
  if (is_unsigned(d)) return r;
  Scalar minus_one = constant(d, -1);
  Scalar odd = compare(Prim::Ne, d, make<arith::AndIOp>(l, y.v, one.v), zero);
  Scalar of_minus_one = select(odd, minus_one, one);
  Scalar negative_power = select(compare(Prim::Eq, d, x, one), one,
                                 select(compare(Prim::Eq, d, x, minus_one), of_minus_one, zero));
  return select(compare(Prim::Lt, d, y, zero), negative_power, r);
}

// Complex +, -, * and / in the part dtype, as the interpreter (complex_math.h): the textbook product and
// Smith's quotient.
Scalar KernelEmitter::complex_arith(Prim p, DType part, Scalar x, Scalar y) {
  int l = level_of({x, y});
  auto add = [&](mlir::Value a, mlir::Value b) { return make<arith::AddFOp>(l, a, b).v; };
  auto sub = [&](mlir::Value a, mlir::Value b) { return make<arith::SubFOp>(l, a, b).v; };
  auto mul = [&](mlir::Value a, mlir::Value b) { return make<arith::MulFOp>(l, a, b).v; };
  auto div = [&](mlir::Value a, mlir::Value b) { return make<arith::DivFOp>(l, a, b).v; };
  mlir::Value ar = x.v, ai = x.im, br = y.v, bi = y.im;
  switch (p) {
    case Prim::Add: return {add(ar, br), l, add(ai, bi)};
    case Prim::Sub: return {sub(ar, br), l, sub(ai, bi)};
    case Prim::Mul: return {sub(mul(ar, br), mul(ai, bi)), l, add(mul(ar, bi), mul(ai, br))};
    default: {
      Scalar one = constant(part, 1), zero = constant(part, 0);
      mlir::Value abs_br = make<math::AbsFOp>(l, br).v, abs_bi = make<math::AbsFOp>(l, bi).v;
      Scalar real_larger = make<arith::CmpFOp>(l, arith::CmpFPredicate::OGE, abs_br, abs_bi);
      // |br| >= |bi|
      mlir::Value rat1 = div(bi, br), scl1 = div(one.v, add(br, mul(bi, rat1)));
      Scalar q1{mul(add(ar, mul(ai, rat1)), scl1), l, mul(sub(ai, mul(ar, rat1)), scl1)};
      Scalar both_zero = make<arith::AndIOp>(l, make<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, abs_br, zero.v).v,
                                             make<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, abs_bi, zero.v).v);
      Scalar inf_or_nan{div(ar, abs_br), l, div(ai, abs_br)};  // as NumPy
      // |br| < |bi| (or NaN)
      mlir::Value rat2 = div(br, bi), scl2 = div(one.v, add(bi, mul(br, rat2)));
      Scalar q2{mul(add(mul(ar, rat2), ai), scl2), l, mul(sub(mul(ai, rat2), ar), scl2)};
      return select(real_larger, select(both_zero, inf_or_nan, q1), q2);
    }
  }
}

// Complex ops: arithmetic and comparisons inline, the transcendental functions through the support
// library's ember_complex_function (runtime/support/complex_functions.h), evaluated as in the interpreter.
Scalar KernelEmitter::complex_function(const ir::Op& op, DType d, Scalar x, Scalar y) {
  DType part = ir::real_dtype(d);
  int l = y.v ? level_of({x, y}) : x.level;
  int64_t fn = -1;
  switch (op.prim) {
    case Prim::StopGradient: return x;
    case Prim::Neg: return {make<arith::NegFOp>(l, x.v).v, l, make<arith::NegFOp>(l, x.im).v};
    case Prim::Conj: return {x.v, l, make<arith::NegFOp>(l, x.im).v};
    case Prim::Real: return real_part(x);
    case Prim::Imag: return imag_part(x);
    case Prim::Abs: return call_libm(op, "hypot", part, {real_part(x), imag_part(x)});
    case Prim::Add: case Prim::Sub: case Prim::Mul: case Prim::Div: return complex_arith(op.prim, part, x, y);
    case Prim::Eq: case Prim::Ne: {
      bool eq = op.prim == Prim::Eq;
      Scalar re = compare(op.prim, part, real_part(x), real_part(y)), im = compare(op.prim, part, imag_part(x), imag_part(y));
      return eq ? make<arith::AndIOp>(l, re.v, im.v) : make<arith::OrIOp>(l, re.v, im.v);
    }
    case Prim::Exp: fn = EMBER_CX_EXP; break;
    case Prim::Exp2: fn = EMBER_CX_EXP2; break;
    case Prim::Expm1: fn = EMBER_CX_EXPM1; break;
    case Prim::Log: fn = EMBER_CX_LOG; break;
    case Prim::Log1p: fn = EMBER_CX_LOG1P; break;
    case Prim::Sqrt: fn = EMBER_CX_SQRT; break;
    case Prim::Rsqrt: fn = EMBER_CX_RSQRT; break;
    case Prim::Sin: fn = EMBER_CX_SIN; break;
    case Prim::Cos: fn = EMBER_CX_COS; break;
    case Prim::Tan: fn = EMBER_CX_TAN; break;
    case Prim::Asin: fn = EMBER_CX_ASIN; break;
    case Prim::Acos: fn = EMBER_CX_ACOS; break;
    case Prim::Atan: fn = EMBER_CX_ATAN; break;
    case Prim::Sinh: fn = EMBER_CX_SINH; break;
    case Prim::Cosh: fn = EMBER_CX_COSH; break;
    case Prim::Tanh: fn = EMBER_CX_TANH; break;
    case Prim::Asinh: fn = EMBER_CX_ASINH; break;
    case Prim::Acosh: fn = EMBER_CX_ACOSH; break;
    case Prim::Atanh: fn = EMBER_CX_ATANH; break;
    case Prim::Logistic: fn = EMBER_CX_LOGISTIC; break;
    case Prim::Sign: fn = EMBER_CX_SIGN; break;
    case Prim::Pow: fn = EMBER_CX_POW; break;
    case Prim::IntegerPow: {
      // The interpreter's binary powering with the complex product; a negative power is 1 / x ** |y|.
      int64_t y_pow = ir::attr_int(op.attrs, 0);
      uint64_t e = y_pow < 0 ? uint64_t(0) - uint64_t(y_pow) : uint64_t(y_pow);
      if (e == 0) return constant(d, 1);
      Scalar acc = power_by_squaring<Scalar>(x, e, [&](Scalar a, Scalar b) { return complex_arith(Prim::Mul, part, a, b); });
      return y_pow < 0 ? complex_arith(Prim::Div, part, constant(d, 1), acc) : acc;
    }
    default: unsupported(op, "not implemented for complex dtypes yet");
  }
  mlir::Type f64 = b_.getF64Type();
  auto pair = LLVM::LLVMStructType::getLiteral(&m_.ctx_, {f64, f64});
  auto callee = m_.declare("ember_complex_function", pair, {b_.getI64Type(), b_.getI64Type(), f64, f64, f64, f64});
  auto wide = [&](mlir::Value v) { return part == DType::F64 ? v : make<arith::ExtFOp>(l, f64, v).v; };
  Scalar zero = constant(DType::F64, 0);
  Scalar code = i64(fn), single = i64(part == DType::F32 ? 1 : 0);
  std::vector<mlir::Value> args = {code.v, single.v, wide(x.v), wide(x.im), y.v ? wide(y.v) : zero.v,
                                   y.v ? wide(y.im) : zero.v};
  at(l);
  mlir::Value r = b_.create<LLVM::CallOp>(loc_, callee, args).getResult();
  mlir::Value re = b_.create<LLVM::ExtractValueOp>(loc_, r, ArrayRef<int64_t>{0});
  mlir::Value im = b_.create<LLVM::ExtractValueOp>(loc_, r, ArrayRef<int64_t>{1});
  if (part == DType::F64) return {re, l, im};
  return {make<arith::TruncFOp>(l, b_.getF32Type(), re).v, l, make<arith::TruncFOp>(l, b_.getF32Type(), im).v};
}

Scalar KernelEmitter::pointwise(const ir::Op& op, const Index& idx) {
  const ir::Type& rt = body_.type(op.results[0]);
  DType d = rt.dtype;
  auto operand_at = [&](size_t i, const Index& at_idx) { return value(op.operands[i], at_idx); };
  auto same_or_scalar = [&](size_t i) {
    return body_.type(op.operands[i]).rank() == 0 ? value(op.operands[i], {}) : value(op.operands[i], idx);
  };
  const ir::Attrs& a = op.attrs;
  switch (op.prim) {
    case Prim::BroadcastInDim: {
      const auto& bd = ir::attr_ints(a, 1);
      const ir::Shape& in = body_.type(op.operands[0]).shape;
      Index sub(in.size());
      for (size_t i = 0; i < in.size(); ++i)
        sub[i] = in[i] == 1 ? i64(0) : idx[size_t(bd[i])];
      return operand_at(0, sub);
    }
    case Prim::Reshape:
      return operand_at(0, reshape_index(idx, rt.shape, body_.type(op.operands[0]).shape));
    case Prim::Transpose: {
      const auto& perm = ir::attr_ints(a, 0);
      Index sub(perm.size());
      for (size_t i = 0; i < perm.size(); ++i) sub[size_t(perm[i])] = idx[i];
      return operand_at(0, sub);
    }
    case Prim::Slice: {
      const auto& start = ir::attr_ints(a, 0);
      const auto& strides = ir::attr_ints(a, 2);
      Index sub(idx.size());
      for (size_t i = 0; i < idx.size(); ++i)
        sub[i] = add_const(mul_const(idx[i], strides.empty() ? 1 : strides[i]), start[i]);
      return operand_at(0, sub);
    }
    case Prim::Rev: {
      const auto& dims = ir::attr_ints(a, 0);
      Index sub = idx;
      for (int64_t dd : dims) sub[size_t(dd)] = sub_from(rt.shape[size_t(dd)] - 1, idx[size_t(dd)]);
      return operand_at(0, sub);
    }
    case Prim::Pad: {
      const auto& low = ir::attr_ints(a, 0);
      const auto& interior = ir::attr_ints(a, 2);
      const ir::Shape& in = body_.type(op.operands[0]).shape;
      Scalar pad = value(op.operands[1], {});
      if (ir::num_elements(in) == 0) return pad;
      Index sub(idx.size());
      Scalar inside = make<arith::ConstantIntOp>(0, 1, 1);
      for (size_t i = 0; i < idx.size(); ++i) {
        Scalar j = add_const(idx[i], -low[i]);
        int64_t step = interior[i] + 1;
        Scalar q = j, ok = make<arith::CmpIOp>(j.level, arith::CmpIPredicate::sge, j.v, i64(0).v);
        if (step != 1) {
          Scalar s = i64(step);
          Scalar r = make<arith::RemSIOp>(j.level, j.v, s.v);
          ok = make<arith::AndIOp>(j.level, ok.v, make<arith::CmpIOp>(j.level, arith::CmpIPredicate::eq, r.v, i64(0).v).v);
          q = make<arith::DivSIOp>(j.level, j.v, s.v);
        }
        ok = make<arith::AndIOp>(level_of({ok, q}), ok.v,
                                 make<arith::CmpIOp>(q.level, arith::CmpIPredicate::slt, q.v, i64(in[i]).v).v);
        // A clamped index keeps the (unselected) load in bounds.
        Scalar clamped = make<arith::MaxSIOp>(q.level, q.v, i64(0).v);
        clamped = make<arith::MinSIOp>(q.level, clamped.v, i64(in[i] - 1).v);
        sub[i] = clamped;
        inside = make<arith::AndIOp>(level_of({inside, ok}), inside.v, ok.v);
      }
      return select(inside, operand_at(0, sub), pad);
    }
    case Prim::DynamicSlice: case Prim::DynamicUpdateSlice: {
      // Starts are clamped so that the window stays inside the operand (as JAX does).
      bool update = op.prim == Prim::DynamicUpdateSlice;
      const ir::Shape& in = body_.type(op.operands[0]).shape;
      const ir::Shape& window = update ? body_.type(op.operands[1]).shape : rt.shape;
      size_t first_start = update ? 2 : 1;
      Index sub(idx.size());
      Scalar inside = make<arith::ConstantIntOp>(0, 1, 1);
      for (size_t i = 0; i < idx.size(); ++i) {
        ir::Value sv = op.operands[first_start + i];
        Scalar st = index_i64(value(sv, {}), body_.type(sv).dtype);
        st = make<arith::MaxSIOp>(st.level, st.v, i64(0).v);
        st = make<arith::MinSIOp>(st.level, st.v, i64(in[i] - window[i]).v);
        if (!update) {
          sub[i] = add(idx[i], st);
          continue;
        }
        Scalar j = sub_from(0, st);
        j = add(idx[i], j);  // the index into the update
        int l = j.level;
        Scalar ok = make<arith::CmpIOp>(l, arith::CmpIPredicate::sge, j.v, i64(0).v);
        ok = make<arith::AndIOp>(l, ok.v, make<arith::CmpIOp>(l, arith::CmpIPredicate::slt, j.v, i64(window[i]).v).v);
        inside = make<arith::AndIOp>(level_of({inside, ok}), inside.v, ok.v);
        Scalar clamped = make<arith::MaxSIOp>(l, j.v, i64(0).v);
        sub[i] = make<arith::MinSIOp>(l, clamped.v, i64(std::max<int64_t>(window[i] - 1, 0)).v);
      }
      if (!update) return operand_at(0, sub);
      if (ir::num_elements(window) == 0) return operand_at(0, idx);
      return select(inside, operand_at(1, sub), operand_at(0, idx));
    }
    case Prim::Gather: return gather(op, idx);
    case Prim::Concatenate: {
      size_t dim = size_t(ir::attr_int(a, 0));
      Scalar out;
      bool have = false;
      int64_t offset = 0;
      for (size_t i = 0; i < op.operands.size(); ++i) {
        int64_t n = body_.type(op.operands[i]).shape[dim];
        if (n == 0) continue;
        Index sub = idx;
        Scalar j = add_const(idx[dim], -offset);
        Scalar clamped = make<arith::MaxSIOp>(j.level, j.v, i64(0).v);
        sub[dim] = make<arith::MinSIOp>(j.level, clamped.v, i64(n - 1).v);
        Scalar piece = operand_at(i, sub);
        if (!have) {
          out = piece;
          have = true;
        } else {
          Scalar here = make<arith::CmpIOp>(idx[dim].level, arith::CmpIPredicate::sge, idx[dim].v, i64(offset).v);
          out = select(here, piece, out);
        }
        offset += n;
      }
      return out;
    }
    case Prim::Iota: {
      Scalar i = idx[size_t(ir::attr_int(a, 2))];
      if (is_complex(d)) {
        DType part = ir::real_dtype(d);
        return complex_of(make<arith::SIToFPOp>(i.level, reg_type(part), i.v), constant(part, 0));
      }
      if (is_float(d)) return round_to(make<arith::SIToFPOp>(i.level, reg_type(d), i.v), d);
      if (d == DType::Bool) return make<arith::TruncIOp>(i.level, b_.getI1Type(), i.v);
      unsigned w = reg_type(d).getIntOrFloatBitWidth();
      return w == 64 ? i : make<arith::TruncIOp>(i.level, reg_type(d), i.v);
    }
    case Prim::ConvertElementType:
      return convert(op, body_.type(op.operands[0]).dtype, d, operand_at(0, idx));
    case Prim::BitcastConvertType: {
      // Same-size integer and float types (the plan makes the others byte copies), through the memory
      // representation, since 16-bit floats are float32 in registers.
      DType from = body_.type(op.operands[0]).dtype;
      Scalar x = operand_at(0, idx);
      mlir::Type from_mem = mem_type(from), to_mem = mem_type(d);
      auto half_type = [&](DType h) { return h == DType::F16 ? mlir::Type(b_.getF16Type()) : mlir::Type(b_.getBF16Type()); };
      int l = x.level;
      Scalar raw = x;
      if (from == DType::F16 || from == DType::BF16)
        raw = make<arith::BitcastOp>(l, from_mem, make<arith::TruncFOp>(l, half_type(from), x.v).v);
      if (from_mem != to_mem) raw = make<arith::BitcastOp>(l, to_mem, raw.v);
      return from_memory(raw, d);
    }
    case Prim::Select: {
      Scalar pred = same_or_scalar(0);
      return select(pred, same_or_scalar(1), same_or_scalar(2));
    }
    case Prim::Clamp: {
      Scalar lo = same_or_scalar(0), x = same_or_scalar(1), hi = same_or_scalar(2);
      return extreme(false, d, hi, extreme(true, d, lo, x));  // min(max(x, lo), hi), as binary max/min
    }
    default: break;
  }
  // Unary and binary ops are evaluated in their operand dtype (is_finite and comparisons return bool).
  if (op.operands.size() == 1) return round_to(unary(op, body_.type(op.operands[0]).dtype, operand_at(0, idx)), d);
  if (op.operands.size() == 2) {
    DType od = body_.type(op.operands[0]).dtype;
    // When the second operand needs a reduction loop (softmax's row sum) and the first is costly (its exp), the
    // second is emitted first, so that the first can be read from where the loop kept it (keep_in_root_buffer).
    bool reduction_first = computed_with(op.operands[1], is_loop_reduction, reduced_) &&
                           computed_with(op.operands[0], is_costly, costly_);
    Scalar y = reduction_first ? same_or_scalar(1) : Scalar{};
    Scalar x = same_or_scalar(0);
    if (!reduction_first) y = same_or_scalar(1);
    Scalar r = binary(op, od, x, y);
    return ir::has_flag(op.prim, ir::kComparison) ? r : round_to(r, d);
  }
  unsupported(op, "not yet implemented");
}

Scalar KernelEmitter::index_i64(Scalar v, DType d) {
  unsigned bits = reg_type(d).getIntOrFloatBitWidth();
  if (bits < 64)
    return is_unsigned(d) ? make<arith::ExtUIOp>(v.level, b_.getI64Type(), v.v) : make<arith::ExtSIOp>(v.level, b_.getI64Type(), v.v);
  if (!is_unsigned(d)) return v;
  // uint64 values beyond int64 saturate: out of bounds like any index that is too large.
  Scalar negative = make<arith::CmpIOp>(v.level, arith::CmpIPredicate::slt, v.v, i64(0).v);
  return select(negative, i64(std::numeric_limits<int64_t>::max()), v);
}

// JAX's fill for out-of-bounds gathers: NaN, the minimum of signed and the maximum of unsigned integers,
// true for bool.
Scalar KernelEmitter::gather_fill(DType d) {
  if (is_complex(d)) return complex_of(constant(ir::real_dtype(d), NAN), constant(ir::real_dtype(d), 0));
  if (is_float(d)) return constant(d, NAN);
  if (d == DType::Bool) return constant(d, 1);
  unsigned bits = reg_type(d).getIntOrFloatBitWidth();
  uint64_t v = is_unsigned(d) ? (bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1) : uint64_t(1) << (bits - 1);
  at(0);
  return {b_.create<arith::ConstantIntOp>(loc_, int64_t(v), reg_type(d)).getResult(), 0};
}

// The operand position of iteration index `idx` inside its window (before the window's start is added), and
// in `batch` the index-vector position.
Index KernelEmitter::window_position(const WindowMap& w, const Index& idx, Index& batch) {
  Index window;
  for (size_t j = 0; j < idx.size(); ++j) (w.is_window[j] ? window : batch).push_back(idx[j]);
  Index at(w.from.size());
  for (size_t dim = 0; dim < w.from.size(); ++dim)
    at[dim] = w.from[dim] == WindowMap::From::Zero     ? i64(0)
              : w.from[dim] == WindowMap::From::Window ? window[w.which[dim]]
                                                       : batch[w.which[dim]];
  return at;
}

// Component c of the index vector at `batch` of gather's or scatter's indices, as the i64 start of a window
// along an operand dimension whose largest in-bounds start is `upper`: clamped into [0, upper] in clip mode.
// `inside` is and-ed with whether the start is in bounds (never, when the window cannot fit: upper < 0).
Scalar KernelEmitter::window_start(ir::Value indices, const Index& batch, size_t c, int64_t upper, bool clip,
                                   Scalar& inside) {
  Index at_indices = batch;
  at_indices.push_back(i64(int64_t(c)));
  Scalar v = index_i64(value(indices, at_indices), body_.type(indices).dtype);
  int l = v.level;
  if (clip && upper >= 0) {
    v = make<arith::MaxSIOp>(l, v.v, i64(0).v);
    v = make<arith::MinSIOp>(l, v.v, i64(upper).v);
  }
  Scalar ok = make<arith::CmpIOp>(l, arith::CmpIPredicate::sge, v.v, i64(0).v);
  ok = make<arith::AndIOp>(l, ok.v, make<arith::CmpIOp>(l, arith::CmpIPredicate::sle, v.v, i64(upper).v).v);
  inside = make<arith::AndIOp>(level_of({inside, ok}), inside.v, ok.v);
  return v;
}

// XLA's gather with JAX's dimension numbers, per element of the result: the result's batch dimensions pick
// an index vector, its offset dimensions the position inside the slice. The slice start is clamped (mode
// clip) or checked (fill); a slice that does not fit is the fill value in both modes, as in the interpreter.
Scalar KernelEmitter::gather(const ir::Op& op, const Index& idx) {
  WindowMap w = gather_windows(body_, op);
  ir::Value operand = op.operands[0], indices = op.operands[1];
  const ir::Shape& os = body_.type(operand).shape;
  DType d = body_.type(op.results[0]).dtype;
  if (gather_reads_nothing(os, w)) return gather_fill(d);
  Index batch, at_operand = window_position(w, idx, batch);
  Scalar inside = make<arith::ConstantIntOp>(0, 1, 1);
  for (size_t c = 0; c < w.index_map.size(); ++c) {
    size_t dim = size_t(w.index_map[c]);
    int64_t upper = os[dim] - w.sizes[dim];
    Scalar v = window_start(indices, batch, c, upper, w.clip, inside);
    int l = v.level;
    // A start clamped into range keeps the (unselected) load of an out-of-bounds slice in bounds.
    Scalar safe = make<arith::MaxSIOp>(l, v.v, i64(0).v);
    safe = make<arith::MinSIOp>(l, safe.v, i64(std::max<int64_t>(upper, 0)).v);
    Scalar element = add(at_operand[dim], safe);
    at_operand[dim] = make<arith::MinSIOp>(element.level, element.v, i64(os[dim] - 1).v);
  }
  return select(inside, value(operand, at_operand), gather_fill(d));
}

Scalar KernelEmitter::reduction_identity(Prim p, DType d) {
  switch (p) {
    case Prim::ReduceProd: return constant(d, 1);
    case Prim::ReduceAnd: return constant(d, d == DType::Bool ? 1 : -1);
    case Prim::ReduceMax: case Prim::Argmax: case Prim::ReduceMin: case Prim::Argmin: {
      bool max = p == Prim::ReduceMax || p == Prim::Argmax;
      if (is_float(d)) return constant(d, max ? -INFINITY : INFINITY);
      if (d == DType::Bool) return constant(d, max ? 0 : 1);
      unsigned bits = reg_type(d).getIntOrFloatBitWidth();
      bool u = is_unsigned(d);
      uint64_t lo = u ? 0 : uint64_t(1) << (bits - 1), hi = u ? ~uint64_t(0) : (uint64_t(1) << (bits - 1)) - 1;
      at(0);
      return {b_.create<arith::ConstantIntOp>(loc_, int64_t(max ? lo : hi), reg_type(d)).getResult(), 0};
    }
    default: return constant(d, 0);
  }
}

// One step of a reduction (not an arg-reduction) of real or bool elements: acc combined with e, at `level`.
Scalar KernelEmitter::accumulate(Prim p, DType d, Scalar acc, Scalar e, int level) {
  at(level);
  auto reassoc = arith::FastMathFlagsAttr::get(&m_.ctx_, arith::FastMathFlags::reassoc);
  bool f = is_float(d);
  auto made = [&](mlir::Value v) { return Scalar{v, level}; };
  switch (p) {
    case Prim::ReduceSum:
      if (d == DType::Bool) return made(b_.create<arith::OrIOp>(loc_, acc.v, e.v));
      if (f) return made(b_.create<arith::AddFOp>(loc_, acc.v, e.v, reassoc));
      return made(b_.create<arith::AddIOp>(loc_, acc.v, e.v));
    case Prim::ReduceProd:
      if (d == DType::Bool) return made(b_.create<arith::AndIOp>(loc_, acc.v, e.v));
      if (f) return made(b_.create<arith::MulFOp>(loc_, acc.v, e.v, reassoc));
      return made(b_.create<arith::MulIOp>(loc_, acc.v, e.v));
    case Prim::ReduceAnd: return made(b_.create<arith::AndIOp>(loc_, acc.v, e.v));
    case Prim::ReduceOr: return made(b_.create<arith::OrIOp>(loc_, acc.v, e.v));
    case Prim::ReduceMax: case Prim::ReduceMin: {
      bool max = p == Prim::ReduceMax;
      if (d == DType::Bool)
        return made(max ? b_.create<arith::OrIOp>(loc_, acc.v, e.v).getResult()
                        : b_.create<arith::AndIOp>(loc_, acc.v, e.v).getResult());
      return extreme(max, d, Scalar{acc.v, level}, Scalar{e.v, level});
    }
    default: throw Error(ErrorKind::Runtime, "not a reduction", std::string(ir::prim_name(p)));
  }
}

Scalar KernelEmitter::reduction(const ir::Op& op, const Index& idx) {
  const ir::Type& rt = body_.type(op.results[0]);
  ir::Value x = op.operands[0];
  DType xd = body_.type(x).dtype, d = rt.dtype;
  bool complex = is_complex(d);
  if ((is_complex(xd) || complex) && op.prim != Prim::ReduceSum && op.prim != Prim::ReduceProd &&
      op.prim != Prim::DotGeneral)
    unsupported(op, "not implemented for complex dtypes yet");
  const ir::Shape& in = body_.type(x).shape;
  bool is_dot = op.prim == Prim::DotGeneral;
  bool is_arg = op.prim == Prim::Argmax || op.prim == Prim::Argmin;
  std::vector<int64_t> extents;
  std::vector<int64_t> reduced;  // operand dims the inner loops run over (lhs contracting dims for dots)
  reduced = ir::attr_ints(op.attrs, 0);
  for (int64_t r : reduced) extents.push_back(in[size_t(r)]);

  // The element type the loop accumulates in (16-bit floats in float32, rounded once at the end).
  DType acc_d = is_arg ? xd : d;

  int top = 0;
  for (const Scalar& s : idx) top = std::max(top, s.level);
  std::vector<Level> saved = levels_;
  levels_.resize(size_t(top) + 1);

  Scalar identity = reduction_identity(op.prim, acc_d);
  std::vector<mlir::Value> init = {identity.v};
  if (complex) init.push_back(identity.im);  // a complex accumulator is two loop-carried floats
  if (is_arg) init.push_back(i64(0).v);
  auto reassoc = arith::FastMathFlagsAttr::get(&m_.ctx_, arith::FastMathFlags::reassoc);
  // A float max/min over one long dim runs in lanes (see lane_loop below).
  constexpr int kLanes = 8;
  bool lanes = (op.prim == Prim::ReduceMax || op.prim == Prim::ReduceMin) && is_float(acc_d) && !complex &&
               extents.size() == 1 && extents[0] >= 4 * kLanes;

  // The operand index at the inner loops' induction variables.
  auto operand_index = [&](size_t which, const Index& ivs) {
    const ir::Shape& shape = body_.type(op.operands[which]).shape;
    Index sub(shape.size());
    if (!is_dot) {
      size_t kept = 0, r = 0;
      for (size_t dd = 0; dd < shape.size(); ++dd) {
        bool is_reduced = std::find(reduced.begin(), reduced.end(), int64_t(dd)) != reduced.end();
        sub[dd] = is_reduced ? ivs[r++] : idx[kept++];
      }
      return sub;
    }
    const auto& contract = ir::attr_ints(op.attrs, which == 0 ? 0 : 1);
    const auto& batch = ir::attr_ints(op.attrs, which == 0 ? 2 : 3);
    size_t free_start = batch.size();
    if (which == 1) {
      const ir::Shape& lhs = body_.type(op.operands[0]).shape;
      free_start += lhs.size() - batch.size() - ir::attr_ints(op.attrs, 0).size();
    }
    for (size_t i = 0; i < batch.size(); ++i) sub[size_t(batch[i])] = idx[i];
    for (size_t i = 0; i < contract.size(); ++i) sub[size_t(contract[i])] = ivs[i];
    size_t f = 0;
    for (size_t dd = 0; dd < shape.size(); ++dd) {
      bool special = std::find(contract.begin(), contract.end(), int64_t(dd)) != contract.end() ||
                     std::find(batch.begin(), batch.end(), int64_t(dd)) != batch.end();
      if (!special) sub[dd] = idx[free_start + f++];
    }
    return sub;
  };

  auto combine = [&](std::vector<mlir::Value> accs, const Index& ivs) -> std::vector<mlir::Value> {
    int inner = int(levels_.size()) - 1;
    Scalar acc{accs[0], inner};
    if (complex) {
      acc.im = accs[1];
      DType part = ir::real_dtype(acc_d);
      Scalar e = is_dot ? complex_arith(Prim::Mul, part,
                                        convert(op, body_.type(op.operands[0]).dtype, acc_d,
                                                value(op.operands[0], operand_index(0, ivs))),
                                        convert(op, body_.type(op.operands[1]).dtype, acc_d,
                                                value(op.operands[1], operand_index(1, ivs))))
                        : convert(op, xd, acc_d, value(x, operand_index(0, ivs)));
      Scalar r = complex_arith(op.prim == Prim::ReduceProd ? Prim::Mul : Prim::Add, part, acc, e);
      return {r.v, r.im};
    }
    if (is_dot) {
      Scalar l = convert(op, body_.type(op.operands[0]).dtype, acc_d, value(op.operands[0], operand_index(0, ivs)));
      Scalar r = convert(op, body_.type(op.operands[1]).dtype, acc_d, value(op.operands[1], operand_index(1, ivs)));
      at(inner);
      if (is_float(acc_d)) {
        mlir::Value p = b_.create<arith::MulFOp>(loc_, l.v, r.v, reassoc);
        return {b_.create<arith::AddFOp>(loc_, acc.v, p, reassoc)};
      }
      if (acc_d == DType::Bool) {
        mlir::Value p = b_.create<arith::AndIOp>(loc_, l.v, r.v);
        return {b_.create<arith::OrIOp>(loc_, acc.v, p)};
      }
      mlir::Value p = b_.create<arith::MulIOp>(loc_, l.v, r.v);
      return {b_.create<arith::AddIOp>(loc_, acc.v, p)};
    }
    Index at_index = operand_index(0, ivs);
    Scalar e = value(x, at_index);
    if (!lanes) keep_in_root_buffer(op, x, at_index, e);  // (the lanes' combine sees only the tail)
    if (acc_d != xd) e = convert(op, xd, acc_d, e);
    if (!is_arg) return {accumulate(op.prim, acc_d, acc, e, inner).v};
    // argmax / argmin: the first extreme element, NaN counting as the extreme
    bool max = op.prim == Prim::Argmax;
    Scalar better = compare(max ? Prim::Gt : Prim::Lt, acc_d, e, acc);
    if (is_float(acc_d)) {
      Scalar e_nan = make<arith::CmpFOp>(inner, arith::CmpFPredicate::UNO, e.v, e.v);
      Scalar a_ord = make<arith::CmpFOp>(inner, arith::CmpFPredicate::ORD, acc.v, acc.v);
      better = make<arith::OrIOp>(inner, better.v, make<arith::AndIOp>(inner, e_nan.v, a_ord.v).v);
    }
    Scalar best = select(better, e, acc);
    Scalar best_i = select(better, ivs[0], Scalar{accs[1], inner});
    return {best.v, best_i.v};
  };

  // An scf.for over [lb, ub) carrying `accs`, opened as a new level below the current innermost one (what the
  // body hoists out of it goes before the loop); `body` gets the induction variable and the carried values and
  // returns the next ones. Returns the loop's results.
  using LoopBody = std::function<std::vector<mlir::Value>(Scalar, std::vector<mlir::Value>)>;
  auto carried_loop = [&](int64_t lb, int64_t ub, int64_t step, std::vector<mlir::Value> accs,
                          const LoopBody& body) -> std::vector<mlir::Value> {
    int outer = int(levels_.size()) - 1;
    Scalar lo = i64(lb), hi = i64(ub), st = i64(step);
    at(outer);
    auto loop = b_.create<scf::ForOp>(loc_, lo.v, hi.v, st.v, accs);
    Operation* previous = levels_[size_t(outer)].before;
    levels_[size_t(outer)].before = loop;
    levels_.push_back(Level{loop.getBody(), nullptr, next_level_id_++});
    std::vector<mlir::Value> next =
        body(Scalar{loop.getInductionVar(), int(levels_.size()) - 1},
             std::vector<mlir::Value>(loop.getRegionIterArgs().begin(), loop.getRegionIterArgs().end()));
    b_.setInsertionPointToEnd(loop.getBody());
    b_.create<scf::YieldOp>(loc_, next);
    levels_.pop_back();
    levels_[size_t(outer)].before = previous;
    return std::vector<mlir::Value>(loop.getResults().begin(), loop.getResults().end());
  };

  // Nested loops over the reduced dims, each carrying the accumulators.
  Index ivs;
  std::function<std::vector<mlir::Value>(size_t, std::vector<mlir::Value>)> nest =
      [&](size_t dim, std::vector<mlir::Value> accs) -> std::vector<mlir::Value> {
    if (dim == extents.size()) return combine(accs, ivs);
    if (extents[dim] == 1) {
      // No loop for a dim of size 1 (vmap of a vector product makes many): its index is the constant 0, so
      // what the operand computes from it is still hoisted as far out as the rest of its index allows.
      ivs.push_back(i64(0));
      std::vector<mlir::Value> next = nest(dim + 1, accs);
      ivs.pop_back();
      return next;
    }
    return carried_loop(0, extents[dim], 1, accs, [&](Scalar iv, std::vector<mlir::Value> inner) {
      ivs.push_back(iv);
      std::vector<mlir::Value> next = nest(dim + 1, inner);
      ivs.pop_back();
      return next;
    });
  };
  // A float max/min over one long dim carries a vector of kLanes accumulators through a loop unrolled
  // kLanes times: a single compare-and-select chain neither vectorises nor hides its latency. The lanes meet
  // in a tree (lane l and l + s, s halving), as the interpreter's lanes do, then the tail runs in order.
  auto lane_loop = [&](std::vector<mlir::Value> accs) -> mlir::Value {
    bool is_max = op.prim == Prim::ReduceMax;
    int64_t n = extents[0], main = n / kLanes * kLanes;
    int outer = int(levels_.size()) - 1;
    auto vector_type = VectorType::get({kLanes}, reg_type(acc_d));
    auto lane_index = [&](int l) { return b_.create<LLVM::ConstantOp>(loc_, b_.getI64Type(), int64_t(l)).getResult(); };
    at(outer);
    mlir::Value splat = b_.create<LLVM::UndefOp>(loc_, vector_type);
    for (int l = 0; l < kLanes; ++l) splat = b_.create<LLVM::InsertElementOp>(loc_, splat, accs[0], lane_index(l));
    mlir::Value lanes_result = carried_loop(0, main, kLanes, {splat}, [&](Scalar base, std::vector<mlir::Value> acc) {
      std::vector<Scalar> elements;
      for (int l = 0; l < kLanes; ++l) {
        Scalar e = value(x, operand_index(0, {add_const(base, l)}));
        elements.push_back(acc_d != xd ? convert(op, xd, acc_d, e) : e);
      }
      int inner = base.level;
      at(inner);
      mlir::Value packed = b_.create<LLVM::UndefOp>(loc_, vector_type);
      for (int l = 0; l < kLanes; ++l)
        packed = b_.create<LLVM::InsertElementOp>(loc_, packed, elements[size_t(l)].v, lane_index(l));
      return std::vector<mlir::Value>{extreme(is_max, acc_d, Scalar{acc[0], inner}, Scalar{packed, inner}).v};
    })[0];
    std::vector<Scalar> lane;
    at(outer);
    for (int l = 0; l < kLanes; ++l)
      lane.push_back(Scalar{b_.create<LLVM::ExtractElementOp>(loc_, lanes_result, lane_index(l)).getResult(), outer});
    for (int stride = kLanes / 2; stride > 0; stride /= 2)
      for (int l = 0; l < stride; ++l) lane[size_t(l)] = extreme(is_max, acc_d, lane[size_t(l)], lane[size_t(l + stride)]);
    if (main == n) return lane[0].v;
    // The tail, in order.
    return carried_loop(main, n, 1, {lane[0].v}, [&](Scalar iv, std::vector<mlir::Value> acc) {
      return combine(acc, Index{iv});
    })[0];
  };
  std::vector<mlir::Value> result = lanes ? std::vector<mlir::Value>{lane_loop(init)} : nest(0, init);
  levels_ = std::move(saved);
  if (is_arg) {
    Scalar i{result[1], top};
    unsigned w = reg_type(d).getIntOrFloatBitWidth();
    return w == 64 ? i : make<arith::TruncIOp>(top, reg_type(d), i.v);
  }
  if (complex) return Scalar{result[0], top, result[1]};
  return round_to(Scalar{result[0], top}, d);
}

std::vector<int64_t> outer_loops(const ir::Body& body, const Kernel& kernel) {
  const ir::Op& op = body.ops[kernel.ops.back()];
  if (ir::has_flag(op.prim, ir::kScatter)) {
    const ir::Shape& updates = body.type(op.operands[2]).shape;
    return {updates.begin(), updates.end()};
  }
  const ir::Shape& domain = body.type(kernel.root).shape;
  std::vector<int64_t> loops(domain.begin(), domain.end());
  if (ir::has_flag(op.prim, ir::kCumulative)) loops.erase(loops.begin() + ir::attr_int(op.attrs, 0));
  return loops;
}

// A reduction over dims other than the last (a bias gradient: x.sum(0)) accumulates in the output: for each
// element of the reduced dims, a loop over the last dim adds a contiguous row of the operand into the output
// row. Reducing each output element in a loop of its own instead reads the operand with a stride and does
// not vectorise (10x slower for a (256, 512) column sum). The order of the terms is unchanged: the reduced
// indices in row-major order, for each output element.
void KernelEmitter::emit_column_reduction(const ir::Op& op, const Index& prefix) {
  const ir::Shape& in = body_.type(op.operands[0]).shape;
  const std::vector<int64_t>& reduced = ir::attr_ints(op.attrs, 0);
  DType d = body_.type(kernel_.root).dtype, xd = body_.type(op.operands[0]).dtype;
  // The last dim's loop runs over the chunk parallel_for hands to this call when it is the only one.
  Scalar lb = prefix.empty() ? Scalar{fn_.getArgument(1), 0} : i64(0);
  Scalar ub = prefix.empty() ? Scalar{fn_.getArgument(2), 0} : i64(in.back());

  // A loop over [lo, hi) at the current innermost level, as a new level; `body` gets its induction variable.
  auto loop = [&](Scalar lo, Scalar hi, const std::function<void(Scalar)>& body) {
    int outer = int(levels_.size()) - 1;
    Scalar one = i64(1);
    at(outer);
    auto f = b_.create<scf::ForOp>(loc_, lo.v, hi.v, one.v);
    Operation* previous = levels_[size_t(outer)].before;
    levels_[size_t(outer)].before = f;
    levels_.push_back(Level{f.getBody(), f.getBody()->getTerminator(), next_level_id_++});
    body(Scalar{f.getInductionVar(), int(levels_.size()) - 1});
    levels_.pop_back();
    levels_[size_t(outer)].before = previous;
  };
  auto with_last = [&](Scalar j) {
    Index idx = prefix;
    idx.push_back(j);
    return idx;
  };
  Scalar identity = reduction_identity(op.prim, d);
  loop(lb, ub, [&](Scalar j) { store(kernel_.root, with_last(j), identity); });
  Index ivs;
  std::function<void(size_t)> nest = [&](size_t r) {
    if (r == reduced.size()) {
      loop(lb, ub, [&](Scalar j) {
        Index out_idx = with_last(j), sub(in.size());
        size_t kept = 0, k = 0;
        for (size_t dd = 0; dd < in.size(); ++dd) {
          bool is_reduced = std::find(reduced.begin(), reduced.end(), int64_t(dd)) != reduced.end();
          sub[dd] = is_reduced ? ivs[k++] : out_idx[kept++];
        }
        Scalar e = value(op.operands[0], sub);
        if (xd != d) e = convert(op, xd, d, e);
        int inner = int(levels_.size()) - 1;
        Scalar acc = load(kernel_.root, out_idx, inner);
        store(kernel_.root, out_idx, accumulate(op.prim, d, acc, e, inner));
      });
      return;
    }
    int64_t n = in[size_t(reduced[r])];
    if (n == 1) {
      ivs.push_back(i64(0));
      nest(r + 1);
    } else {
      loop(i64(0), i64(n), [&](Scalar iv) {
        ivs.push_back(iv);
        nest(r + 1);
        ivs.pop_back();
      });
      return;
    }
    ivs.pop_back();
  };
  nest(0);
}

Index KernelEmitter::open_loops(const std::vector<int64_t>& extents) {
  Block* entry = fn_.addEntryBlock(b_);
  b_.setInsertionPointToEnd(entry);
  auto ret = b_.create<LLVM::ReturnOp>(loc_, ValueRange{});
  levels_.push_back(Level{entry, ret, next_level_id_++});
  Index idx;
  for (size_t dim = 0; dim < extents.size(); ++dim) {
    // The outermost loop runs over the chunk [begin, end) that parallel_for hands to this call.
    Scalar lb = dim == 0 ? Scalar{fn_.getArgument(1), 0} : i64(0);
    Scalar ub = dim == 0 ? Scalar{fn_.getArgument(2), 0} : i64(extents[dim]);
    Scalar step = i64(1);  // (constants move the insertion point to level 0: made before at())
    at(int(dim));
    auto loop = b_.create<scf::ForOp>(loc_, lb.v, ub.v, step.v);
    levels_[dim].before = loop;
    levels_.push_back(Level{loop.getBody(), loop.getBody()->getTerminator(), next_level_id_++});
    idx.push_back({loop.getInductionVar(), int(dim) + 1});
  }
  return idx;
}

void KernelEmitter::store(ir::Value v, const Index& idx, Scalar x) {
  Scalar base = buffer_ptr(v);
  Scalar lin = linear(idx, body_.type(v).shape);
  DType d = body_.type(v).dtype;
  at(int(levels_.size()) - 1);
  auto ptr = LLVM::LLVMPointerType::get(&m_.ctx_);
  if (is_complex(d)) {
    mlir::Value two = b_.create<arith::ConstantIntOp>(loc_, 2, 64);
    mlir::Value re_at = b_.create<arith::MulIOp>(loc_, lin.v, two);
    mlir::Value re_addr = b_.create<LLVM::GEPOp>(loc_, ptr, reg_type(d), base.v, ValueRange{re_at});
    mlir::Value im_addr = b_.create<LLVM::GEPOp>(loc_, ptr, reg_type(d), re_addr, ArrayRef<LLVM::GEPArg>{1});
    b_.create<LLVM::StoreOp>(loc_, x.v, re_addr);
    b_.create<LLVM::StoreOp>(loc_, x.im, im_addr);
    return;
  }
  mlir::Value addr = b_.create<LLVM::GEPOp>(loc_, ptr, mem_type(d), base.v, ValueRange{lin.v});
  b_.create<LLVM::StoreOp>(loc_, to_memory(x.v, d), addr);
}

void KernelEmitter::emit() {
  const ir::Op& op = body_.ops[kernel_.ops.back()];
  if (is_column_reduction(body_, op)) {
    std::vector<int64_t> loops = outer_loops(body_, kernel_);
    loops.pop_back();  // the last dim's loop goes inside the reduced loops
    return emit_column_reduction(op, open_loops(loops));
  }
  Index idx = open_loops(outer_loops(body_, kernel_));
  if (ir::has_flag(op.prim, ir::kCumulative)) return emit_cumulative(op, idx);
  if (ir::has_flag(op.prim, ir::kScatter)) return emit_scatter(op, idx);
  root_index_ = idx;
  find_values_read_at_root_index();
  store(kernel_.root, idx, value(kernel_.root, idx));
}

// A running reduction along `axis`, innermost, carrying the accumulator; 16-bit floats accumulate in float
// and round each output once, as the interpreter does.
void KernelEmitter::emit_cumulative(const ir::Op& op, Index idx) {
  size_t axis = size_t(ir::attr_int(op.attrs, 0));
  bool reverse = ir::attr_bool(op.attrs, 1);
  DType d = body_.type(kernel_.root).dtype;
  bool complex = is_complex(d);
  if (complex && op.prim != Prim::Cumsum && op.prim != Prim::Cumprod)
    unsupported(op, "not implemented for complex dtypes yet");
  int64_t n = body_.type(kernel_.root).shape[axis];
  bool f = is_float(d);
  Scalar init;
  switch (op.prim) {
    case Prim::Cumsum: init = f ? constant(d, -0.0) : constant(d, 0); break;  // -0 + x is x, also for -0
    case Prim::Cumprod: init = constant(d, 1); break;
    case Prim::Cumlogsumexp: init = constant(d, -INFINITY); break;
    default: init = reduction_identity(op.prim == Prim::Cummax ? Prim::ReduceMax : Prim::ReduceMin, d); break;
  }
  int outer = int(levels_.size()) - 1;
  Scalar lb = i64(0), ub = i64(n), one = i64(1);
  at(outer);
  std::vector<mlir::Value> carried = {init.v};
  if (complex) carried.push_back(init.im);
  auto loop = b_.create<scf::ForOp>(loc_, lb.v, ub.v, one.v, carried);
  levels_[size_t(outer)].before = loop;
  levels_.push_back(Level{loop.getBody(), nullptr, next_level_id_++});
  int inner = outer + 1;
  Scalar step{loop.getInductionVar(), inner};
  idx.insert(idx.begin() + ptrdiff_t(axis), reverse ? sub_from(n - 1, step) : step);
  Scalar acc{loop.getRegionIterArgs()[0], inner, complex ? loop.getRegionIterArgs()[1] : mlir::Value()};
  Scalar x = value(op.operands[0], idx);
  Scalar next;
  if (complex) next = complex_arith(op.prim == Prim::Cumsum ? Prim::Add : Prim::Mul, ir::real_dtype(d), acc, x);
  else switch (op.prim) {
    case Prim::Cumsum:
      next = f ? make<arith::AddFOp>(inner, acc.v, x.v) : d == DType::Bool ? make<arith::OrIOp>(inner, acc.v, x.v)
                                                                          : make<arith::AddIOp>(inner, acc.v, x.v);
      break;
    case Prim::Cumprod:
      next = f ? make<arith::MulFOp>(inner, acc.v, x.v) : d == DType::Bool ? make<arith::AndIOp>(inner, acc.v, x.v)
                                                                          : make<arith::MulIOp>(inner, acc.v, x.v);
      break;
    case Prim::Cummax: case Prim::Cummin: next = extreme(op.prim == Prim::Cummax, d, acc, x); break;
    default: next = log_add_exp(op, d, acc, x); break;
  }
  store(kernel_.root, idx, round_to(next, d));
  at(inner);
  std::vector<mlir::Value> yielded = {next.v};
  if (complex) yielded.push_back(next.im);
  b_.create<scf::YieldOp>(loc_, yielded);
}

// log(exp(a) + exp(b)) around the larger operand, as np.logaddexp and the interpreter: equal operands
// (infinities included) give a + log 2, NaN propagates.
Scalar KernelEmitter::log_add_exp(const ir::Op& op, DType d, Scalar a, Scalar b) {
  int l = level_of({a, b});
  Scalar diff = make<arith::SubFOp>(l, a.v, b.v);
  Scalar positive = make<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, diff.v, constant(d, 0).v);
  Scalar abs = make<math::AbsFOp>(l, diff.v);
  Scalar neg_abs = make<arith::NegFOp>(l, abs.v);
  Scalar e = d == DType::F64 ? call_libm(op, "exp", d, {neg_abs}) : make<math::ExpOp>(l, neg_abs.v);
  Scalar tail = d == DType::F64 ? call_libm(op, "log1p", d, {e}) : make<math::Log1pOp>(l, e.v);
  Scalar larger = select(positive, a, b);
  Scalar r = make<arith::AddFOp>(l, larger.v, tail.v);
  Scalar same = make<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, a.v, b.v);
  Scalar doubled = make<arith::AddFOp>(l, a.v, constant(d, 0.693147180559945309417232121458176568).v);
  Scalar nan = make<arith::CmpFOp>(l, arith::CmpFPredicate::UNO, diff.v, diff.v);
  return select(same, doubled, select(nan, diff, r));
}

// One scatter update per iteration, in row-major order of the updates (the kernel runs on one thread, so
// where windows overlap the last update wins or the combination happens in that order, as in the
// interpreter). The result already holds a copy of the operand.
void KernelEmitter::emit_scatter(const ir::Op& op, const Index& idx) {
  WindowMap w = scatter_windows(body_, op);
  ir::Value result = kernel_.root, indices = op.operands[1], updates = op.operands[2];
  const ir::Shape& os = body_.type(result).shape;
  DType d = body_.type(result).dtype;
  if (is_complex(d) && (op.prim == Prim::ScatterMin || op.prim == Prim::ScatterMax))
    unsupported(op, "not implemented for complex dtypes yet");
  Index batch, at_operand = window_position(w, idx, batch);
  Scalar inside = make<arith::ConstantIntOp>(0, 1, 1);
  for (size_t c = 0; c < w.index_map.size(); ++c) {
    size_t dim = size_t(w.index_map[c]);
    at_operand[dim] = add(at_operand[dim], window_start(indices, batch, c, os[dim] - w.sizes[dim], w.clip, inside));
  }
  int inner = int(levels_.size()) - 1;
  at(inner);
  auto in_bounds = b_.create<scf::IfOp>(loc_, inside.v, /*withElseRegion=*/false);
  levels_[size_t(inner)].before = in_bounds;  // what the branch hoists to this level goes before it
  levels_.push_back(Level{in_bounds.thenBlock(), in_bounds.thenBlock()->getTerminator(), next_level_id_++});
  int l = inner + 1;
  Scalar u = load(updates, idx);
  Scalar combined = u;
  if (op.prim != Prim::Scatter) {
    Scalar old = load(result, at_operand, l);  // inside the branch: only in-bounds elements are read
    bool f = is_float(d);
    if (is_complex(d)) combined = complex_arith(op.prim == Prim::ScatterAdd ? Prim::Add : Prim::Mul, ir::real_dtype(d), old, u);
    else switch (op.prim) {
      case Prim::ScatterAdd:
        combined = f ? make<arith::AddFOp>(l, old.v, u.v) : make<arith::AddIOp>(l, old.v, u.v);
        break;
      case Prim::ScatterMul:
        combined = f ? make<arith::MulFOp>(l, old.v, u.v) : make<arith::MulIOp>(l, old.v, u.v);
        break;
      default: combined = extreme(op.prim == Prim::ScatterMax, d, old, u); break;
    }
    combined = round_to(combined, d);
  }
  store(result, at_operand, combined);
  levels_.pop_back();
}

}  // namespace ember::lowering::cpu
