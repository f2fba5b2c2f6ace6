// The CPU code generator's internals, shared by its translation units (kernel_emitter.cc, entry_emitter.cc,
// codegen.cc), which are the only ones in ember that include MLIR headers: each costs 30-45 s to compile,
// so keep them few and keep MLIR out of every other file.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/error.h"
#include "ir/prim.h"
#include "lowering/cpu/compile.h"
#include "lowering/plan/windows.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace ember::lowering::cpu {

using namespace mlir;
using ir::DType;
using ir::Prim;
using ir::is_complex;
using ir::is_float;

// Throws NotImplementedError "[op] the cpu backend cannot compile it: why (at file:line)".
[[noreturn]] void unsupported(const ir::Op& op, const std::string& why);
inline bool is_unsigned(DType d) { return ir::is_unsigned_int(d) || d == DType::Bool; }

// A scalar in registers, with the loop level it is defined at. A complex scalar is a pair of floats: `v` is
// its real part and `im` its imaginary part (null for every other dtype).
struct Scalar {
  mlir::Value v;
  int level = 0;
  mlir::Value im;

  Scalar() = default;
  Scalar(mlir::Value v, int level, mlir::Value im = {}) : v(v), level(level), im(im) {}
};
using Index = std::vector<Scalar>;

// An insertion point: ops are added before `before`, or at the end of `block` when it is null.
struct Level {
  Block* block = nullptr;
  Operation* before = nullptr;
  uint64_t id = 0;
};

// Where a plan's values live while its steps run: addresses computed by the entry point.
struct Env {
  std::vector<mlir::Value> params;   // the plan's parameters
  std::vector<mlir::Value> results;  // the plan's results
  mlir::Value workspace;             // the start of the plan's workspace
};

// The loops of a kernel outside its inner loops, outermost first: the root's shape, without the scanned axis
// for a cumulative root, the updates' shape for a scatter. parallel_for splits the first one.
std::vector<int64_t> outer_loops(const ir::Body& body, const Kernel& kernel);

// Builds the module: one entry point plus a function per fused kernel.
class ModuleEmitter {
 public:
  ModuleEmitter(MLIRContext& ctx, const Plan& plan, std::string name)
      : ctx_(ctx), plan_(plan), b_(&ctx), loc_(UnknownLoc::get(&ctx)), name_(std::move(name)) {
    module_ = ModuleOp::create(loc_);
  }
  ModuleOp module() { return module_; }
  LLVM::LLVMFuncOp declare(const std::string& name, mlir::Type result, std::vector<mlir::Type> args);
  // The address of a literal's bytes, emitted at the builder's insertion point. The bytes are a constant
  // global of the module (one per literal), so the code holds no address of this process and can be cached
  // on disk or written to a shared object.
  mlir::Value literal_address(OpBuilder& b, const ir::Literal& lit);
  // Emits the entry point (entry_emitter.cc); host callback sites it refers to go to `sites`.
  void emit_entry(std::vector<std::unique_ptr<HostCallSite>>& sites);

 private:
  friend class KernelEmitter;
  friend class EntryEmitter;
  MLIRContext& ctx_;
  const Plan& plan_;
  OpBuilder b_;
  Location loc_;
  std::string name_;
  ModuleOp module_;
  std::map<std::string, LLVM::LLVMFuncOp> declared_;
  std::map<const void*, LLVM::GlobalOp> literals_;  // by the literal's bytes
};

class KernelEmitter {
 public:
  KernelEmitter(ModuleEmitter& m, const Plan& plan, const Kernel& kernel, LLVM::LLVMFuncOp fn,
                std::vector<ir::Value>& buffers);
  void emit();

 private:
  // -- places
  void at(int level);
  int level_of(std::initializer_list<Scalar> xs) const {
    int l = 0;
    for (const Scalar& x : xs) l = std::max(l, x.level);
    return l;
  }
  template <typename OpT, typename... Args>
  Scalar make(int level, Args&&... args) {
    at(level);
    return {b_.create<OpT>(loc_, std::forward<Args>(args)...).getResult(), level};
  }
  // -- integers for indices
  Scalar i64(int64_t c) { return make<arith::ConstantIntOp>(0, c, 64); }
  Scalar add(Scalar a, Scalar c) { return make<arith::AddIOp>(level_of({a, c}), a.v, c.v); }
  Scalar mul(Scalar a, Scalar c) { return make<arith::MulIOp>(level_of({a, c}), a.v, c.v); }
  Scalar sub(Scalar a, Scalar c) { return make<arith::SubIOp>(level_of({a, c}), a.v, c.v); }
  Scalar add_const(Scalar a, int64_t c) { return c == 0 ? a : add(a, i64(c)); }
  Scalar sub_from(int64_t c, Scalar a) { return sub(i64(c), a); }
  Scalar mul_const(Scalar a, int64_t c) { return c == 1 ? a : mul(a, i64(c)); }
  Scalar linear(const Index& idx, const ir::Shape& shape);
  Index delinearize(Scalar linear, const ir::Shape& shape);
  // The index into a reshape's operand (shape `in`) of the result's element at `idx` (shape `out`).
  Index reshape_index(const Index& idx, const ir::Shape& out, const ir::Shape& in);

  // -- values
  mlir::Type reg_type(DType d, const ir::Op* op = nullptr);
  mlir::Type mem_type(DType d);
  Scalar constant(DType d, double value);
  Scalar constant_bits(DType d, uint64_t bits);
  Scalar buffer_ptr(ir::Value v);
  Scalar load(ir::Value v, const Index& idx, int min_level = 0);  // placed no shallower than min_level
  Scalar load_at(Scalar base, Scalar lin, DType d, int level);
  Scalar load_literal(const ir::Literal& lit, DType d, const Index& idx);
  Scalar from_memory(Scalar raw, DType d);
  mlir::Value to_memory(mlir::Value x, DType d);
  Scalar round_to(Scalar x, DType d);  // a float result rounded to the precision of a 16-bit dtype

  Scalar value(ir::Value v, const Index& idx);
  // -- a costly value kept in the root's buffer between a row reduction's loop and the root's loop
  void find_values_read_at_root_index();
  // Whether the kernel computes `v` with an op for which `is` holds, looking through pointwise ops (memoised).
  bool computed_with(ir::Value v, bool (*is)(Prim), std::vector<signed char>& memo);
  void keep_in_root_buffer(const ir::Op& reduction, ir::Value x, const Index& at_index, Scalar element);
  bool kept_in_root_buffer(ir::Value v, const Index& idx) const;
  Scalar pointwise(const ir::Op& op, const Index& idx);
  Scalar reduction(const ir::Op& op, const Index& idx);
  Scalar reduction_identity(Prim p, DType d);
  Scalar window_start(ir::Value indices, const Index& batch, size_t c, int64_t upper, bool clip, Scalar& inside);
  Scalar gather(const ir::Op& op, const Index& idx);
  Index window_position(const WindowMap& w, const Index& idx, Index& batch);
  Scalar log_add_exp(const ir::Op& op, DType d, Scalar a, Scalar b);
  // -- loop nests and the root kinds
  Index open_loops(const std::vector<int64_t>& extents);
  void store(ir::Value v, const Index& idx, Scalar x);
  void emit_cumulative(const ir::Op& op, Index idx);
  void emit_column_reduction(const ir::Op& op, const Index& prefix);
  Scalar accumulate(Prim p, DType d, Scalar acc, Scalar e, int level);
  void emit_scatter(const ir::Op& op, const Index& idx);
  Scalar gather_fill(DType d);
  Scalar index_i64(Scalar v, DType d);  // an integer index as i64 (uint64 beyond int64 saturates)
  Scalar unary(const ir::Op& op, DType d, Scalar x);
  Scalar binary(const ir::Op& op, DType d, Scalar x, Scalar y);
  Scalar convert(const ir::Op& op, DType from, DType to, Scalar x);
  Scalar compare(Prim p, DType d, Scalar x, Scalar y);
  Scalar extreme(bool is_max, DType d, Scalar x, Scalar y);
  Scalar to_f32_round_odd(Scalar d);
  Scalar int_to_f64_sticky(Scalar x, DType from);
  Scalar integer_power(DType d, Scalar x, Scalar y);
  Scalar call_special(const ir::Op& op, const char* name, DType d, std::initializer_list<Scalar> args);
  Scalar next_after(DType d, Scalar x, Scalar y);
  Scalar call_libm(const ir::Op& op, const char* name, DType d, std::initializer_list<Scalar> args);
  Scalar select(Scalar pred, Scalar t, Scalar f) {
    int l = level_of({pred, t, f});
    Scalar r = make<arith::SelectOp>(l, pred.v, t.v, f.v);
    if (t.im) r.im = make<arith::SelectOp>(l, pred.v, t.im, f.im).v;
    return r;
  }
  // -- complex numbers (pairs of floats of the part dtype)
  Scalar complex_of(Scalar re, Scalar im) { return {re.v, level_of({re, im}), im.v}; }
  Scalar real_part(Scalar z) { return {z.v, z.level}; }
  Scalar imag_part(Scalar z) { return {z.im, z.level}; }
  Scalar complex_arith(Prim p, DType part, Scalar x, Scalar y);
  Scalar complex_function(const ir::Op& op, DType d, Scalar x, Scalar y);

  ModuleEmitter& m_;
  const Plan& plan_;
  const ir::Body& body_;
  const Kernel& kernel_;
  LLVM::LLVMFuncOp fn_;
  OpBuilder b_;
  Location loc_;
  std::vector<Level> levels_;
  uint64_t next_level_id_ = 1;
  std::vector<int> defining_op_;    // by value id
  std::vector<char> in_kernel_;     // by op index
  std::vector<ir::Value>& buffers_;  // ctx slots: values read from memory, then the root
  std::map<uint32_t, Scalar> buffer_ptrs_;
  struct MemoEntry {
    Scalar s;
    uint64_t level_id;
  };
  std::map<std::pair<uint32_t, std::vector<void*>>, MemoEntry> memo_;
  Index root_index_;                  // the root loops' induction variables (empty for cumulative and scatter roots)
  std::vector<char> read_at_root_index_;  // by value id: the root reads its element at the root's own index
  std::vector<signed char> costly_;       // by value id: -1 unknown, else computed_with(v, is_costly)
  std::vector<signed char> reduced_;      // by value id: -1 unknown, else computed_with(v, is_loop_reduction)
  std::vector<char> kept_;                // by value id: its elements at the root's index are in the root's buffer
};


}  // namespace ember::lowering::cpu
