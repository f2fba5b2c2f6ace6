// The entry point, `int entry(inputs, outputs, workspace, services)` (runtime/services.h): it runs the plan's
// steps in order — parallel kernels, BLAS calls, copies — and compiles control flow as loops and branches
// around the steps of each region's own plan. Everything it needs from its host (threads, run-time stacks,
// host callbacks) goes through the services struct, so the same code works in an ahead-of-time shared
// object.
//
// Errors inside loops (a while_loop past its max_steps, a bad stack count, a failed callback) cannot return
// from the middle of a structured loop: they are recorded in a status slot, every loop iteration runs only
// while the status is OK, and the top level returns the status after each control-flow step.
#include <atomic>
#include <functional>

#include "lowering/cpu/emitters.h"
#include "runtime/sort_kind.h"
#include "runtime/thread_pool.h"

namespace ember::lowering::cpu {

namespace {

// The fields of EmberServices, by position (all are pointers).
enum ServiceSlot { kParallelFor = 0, kHost, kStackNew, kStackPush, kStackSize, kStackEntry, kHostCallback };

}  // namespace

class EntryEmitter {
 public:
  EntryEmitter(ModuleEmitter& m, std::vector<std::unique_ptr<HostCallSite>>& sites)
      : m_(m), b_(m.b_), loc_(m.loc_), sites_(sites) {}
  void emit();

 private:
  // -- small pieces of LLVM-dialect code
  mlir::Type ptr() { return LLVM::LLVMPointerType::get(&m_.ctx_); }
  mlir::Type i64() { return b_.getI64Type(); }
  mlir::Type i32() { return b_.getI32Type(); }
  mlir::Value c64(int64_t v) { return b_.create<LLVM::ConstantOp>(loc_, i64(), b_.getI64IntegerAttr(v)); }
  mlir::Value c32(int64_t v) {
    return b_.create<LLVM::ConstantOp>(loc_, i32(), b_.getI32IntegerAttr(int32_t(v)));
  }
  mlir::Value load(mlir::Type t, mlir::Value address) { return b_.create<LLVM::LoadOp>(loc_, t, address); }
  void store(mlir::Value v, mlir::Value address) { b_.create<LLVM::StoreOp>(loc_, v, address); }
  mlir::Value slot(mlir::Value array, int64_t i) {
    mlir::Value addr = b_.create<LLVM::GEPOp>(loc_, ptr(), ptr(), array, ArrayRef<LLVM::GEPArg>{int32_t(i)});
    return load(ptr(), addr);
  }
  mlir::Value offset(mlir::Value base, mlir::Value bytes) {
    return b_.create<LLVM::GEPOp>(loc_, ptr(), b_.getI8Type(), base, ValueRange{bytes});
  }
  mlir::Value offset(mlir::Value base, int64_t bytes) { return bytes == 0 ? base : offset(base, c64(bytes)); }
  // Stack memory allocated once in the entry block, so that loops reusing it do not grow the stack.
  mlir::Value entry_alloca(mlir::Type element, int64_t count);
  mlir::Value pointer_array(const std::vector<mlir::Value>& pointers);
  void copy(mlir::Value dst, mlir::Value src, size_t nbytes);
  mlir::Value service(ServiceSlot s) { return slot(services_, s); }
  mlir::Value call(ServiceSlot s, mlir::Type result, std::vector<mlir::Type> arg_types, std::vector<mlir::Value> args);
  void set_status(mlir::Value code) { store(code, status_); }
  mlir::Value status_is_ok();
  // Emits `body` inside an scf.if on `cond`; the insertion point is after the if afterwards.
  template <typename F>
  void when(mlir::Value cond, F&& body);

  // -- the plan
  void emit_plan(const Plan& plan, const Env& env, int depth);
  mlir::Value address_of(const Plan& plan, const Env& env, ir::Value v);
  void emit_kernel(const Plan& plan, const Env& env, const Kernel& kernel, bool serial = false);
  void emit_gemm(const Plan& plan, const Env& env, const ir::Op& op);
  void emit_op(const Plan& plan, const Env& env, const Step& step, int depth);
  std::vector<mlir::Value> addresses(const Plan& plan, const Env& env, std::span<const ir::Value> values);
  mlir::Value region_workspace(const Plan& plan, const Env& env, const Step& step);
  void emit_cond(const Plan& plan, const Env& env, const Step& step, int depth);
  void emit_while(const Plan& plan, const Env& env, const Step& step, int depth);
  void emit_scan(const Plan& plan, const Env& env, const Step& step, int depth);
  void emit_stack_loop(const Plan& plan, const Env& env, const Step& step, int depth);
  void emit_stack_op(const Plan& plan, const Env& env, const ir::Op& op);
  void emit_host_callback(const Plan& plan, const Env& env, const ir::Op& op);
  void emit_sort(const Plan& plan, const Env& env, const ir::Op& op);

  ModuleEmitter& m_;
  OpBuilder& b_;
  Location loc_;
  std::vector<std::unique_ptr<HostCallSite>>& sites_;
  LLVM::LLVMFuncOp entry_;
  Block* entry_block_ = nullptr;
  mlir::Value services_, status_;
  std::string prefix_;
  int kernels_ = 0;
};

mlir::Value EntryEmitter::entry_alloca(mlir::Type element, int64_t count) {
  OpBuilder::InsertionGuard guard(b_);
  b_.setInsertionPointToStart(entry_block_);
  return b_.create<LLVM::AllocaOp>(loc_, ptr(), element, c64(count));
}

mlir::Value EntryEmitter::pointer_array(const std::vector<mlir::Value>& pointers) {
  mlir::Value array = entry_alloca(ptr(), int64_t(std::max<size_t>(pointers.size(), 1)));
  for (size_t i = 0; i < pointers.size(); ++i)
    store(pointers[i], b_.create<LLVM::GEPOp>(loc_, ptr(), ptr(), array, ArrayRef<LLVM::GEPArg>{int32_t(i)}));
  return array;
}

void EntryEmitter::copy(mlir::Value dst, mlir::Value src, size_t nbytes) {
  if (nbytes == 0) return;
  auto memcpy = m_.declare("memcpy", ptr(), {ptr(), ptr(), i64()});
  b_.create<LLVM::CallOp>(loc_, memcpy, ValueRange{dst, src, c64(int64_t(nbytes))});
}

mlir::Value EntryEmitter::call(ServiceSlot s, mlir::Type result, std::vector<mlir::Type> arg_types,
                               std::vector<mlir::Value> args) {
  // Every service takes the host state first.
  arg_types.insert(arg_types.begin(), ptr());
  args.insert(args.begin(), service(kHost));
  args.insert(args.begin(), service(s));
  auto type = LLVM::LLVMFunctionType::get(result, arg_types);
  auto op = b_.create<LLVM::CallOp>(loc_, type, args);
  return op.getNumResults() ? op.getResult() : mlir::Value();
}

mlir::Value EntryEmitter::status_is_ok() {
  return b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::eq, load(i32(), status_), c32(EMBER_OK));
}

template <typename F>
void EntryEmitter::when(mlir::Value cond, F&& body) {
  auto branch = b_.create<scf::IfOp>(loc_, cond, /*withElseRegion=*/false);
  b_.setInsertionPoint(branch.thenBlock()->getTerminator());
  body();
  b_.setInsertionPointAfter(branch);
}

void EntryEmitter::emit() {
  static std::atomic<uint64_t> counter{0};
  prefix_ = "ember" + std::to_string(counter++) + "_";
  const Plan& plan = m_.plan_;
  const ir::Body& body = plan.body();
  b_.setInsertionPointToEnd(m_.module_.getBody());
  entry_ = b_.create<LLVM::LLVMFuncOp>(loc_, m_.name_, LLVM::LLVMFunctionType::get(i32(), {ptr(), ptr(), ptr(), ptr()}));
  entry_block_ = entry_.addEntryBlock(b_);
  Block* fail = entry_.addBlock();
  Block* run = entry_.addBlock();

  // Null pointers where the function needs them are an error code, never a crash.
  b_.setInsertionPointToEnd(fail);
  b_.create<LLVM::ReturnOp>(loc_, ValueRange{c32(EMBER_ERROR_NULL_ARGUMENT)});
  b_.setInsertionPointToEnd(entry_block_);
  mlir::Value null = b_.create<LLVM::ZeroOp>(loc_, ptr());
  mlir::Value bad = b_.create<LLVM::ConstantOp>(loc_, b_.getI1Type(), b_.getBoolAttr(false));
  auto check = [&](mlir::Value p, bool needed) {
    if (!needed) return;
    mlir::Value is_null = b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::eq, p, null);
    bad = b_.create<LLVM::OrOp>(loc_, bad, is_null);
  };
  check(entry_.getArgument(0), !body.params.empty());
  check(entry_.getArgument(1), !body.results.empty());
  check(entry_.getArgument(2), plan.workspace_bytes > 0);
  check(entry_.getArgument(3), true);
  b_.create<LLVM::CondBrOp>(loc_, bad, fail, run);

  b_.setInsertionPointToEnd(run);
  services_ = entry_.getArgument(3);
  status_ = entry_alloca(i32(), 1);
  set_status(c32(EMBER_OK));
  Env env;
  for (size_t i = 0; i < body.params.size(); ++i) env.params.push_back(slot(entry_.getArgument(0), int64_t(i)));
  for (size_t i = 0; i < body.results.size(); ++i) env.results.push_back(slot(entry_.getArgument(1), int64_t(i)));
  env.workspace = entry_.getArgument(2);
  emit_plan(plan, env, 0);
  b_.create<LLVM::ReturnOp>(loc_, ValueRange{load(i32(), status_)});
}

mlir::Value EntryEmitter::address_of(const Plan& plan, const Env& env, ir::Value v) {
  const Storage& s = plan.storage[v.id];
  switch (s.kind) {
    case Storage::Kind::Input: return env.params[size_t(s.index)];
    case Storage::Kind::Output: return env.results[size_t(s.index)];
    case Storage::Kind::Workspace: return offset(env.workspace, s.index);
    case Storage::Kind::Constant:
      return m_.literal_address(b_, ir::attr_literal(plan.body().ops[size_t(s.index)].attrs, 0));
    case Storage::Kind::None: break;
  }
  throw Error(ErrorKind::Runtime, "plan has no storage for %" + std::to_string(v.id), "cpu backend");
}

std::vector<mlir::Value> EntryEmitter::addresses(const Plan& plan, const Env& env, std::span<const ir::Value> values) {
  std::vector<mlir::Value> out;
  for (ir::Value v : values) out.push_back(address_of(plan, env, v));
  return out;
}

void EntryEmitter::emit_plan(const Plan& plan, const Env& env, int depth) {
  const ir::Body& body = plan.body();
  for (const Step& step : plan.steps) {
    switch (step.kind) {
      case Step::Kind::Kernel: emit_kernel(plan, env, step.kernel); break;
      case Step::Kind::Gemm: emit_gemm(plan, env, body.ops[step.op]); break;
      case Step::Kind::Copy:
        copy(env.results[size_t(step.output)], address_of(plan, env, step.value), body.type(step.value).nbytes());
        break;
      case Step::Kind::Op: {
        emit_op(plan, env, step, depth);
        if (depth > 0) break;
        // At the top level an error stops the function right away.
        mlir::Value status = load(i32(), status_);
        mlir::Value failed = b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::ne, status, c32(EMBER_OK));
        Block* stop = entry_.addBlock();
        Block* go_on = entry_.addBlock();
        b_.create<LLVM::CondBrOp>(loc_, failed, stop, go_on);
        b_.setInsertionPointToEnd(stop);
        b_.create<LLVM::ReturnOp>(loc_, ValueRange{status});
        b_.setInsertionPointToEnd(go_on);
        break;
      }
    }
  }
}

void EntryEmitter::emit_kernel(const Plan& plan, const Env& env, const Kernel& kernel, bool serial) {
  std::vector<int64_t> loops = outer_loops(plan.body(), kernel);
  int64_t elements = 1;
  for (int64_t e : loops) elements *= e;
  if (elements == 0) return;
  LLVM::LLVMFuncOp fn;
  std::vector<ir::Value> buffers;
  {
    OpBuilder::InsertionGuard guard(b_);
    b_.setInsertionPointToEnd(m_.module_.getBody());
    fn = b_.create<LLVM::LLVMFuncOp>(loc_, prefix_ + "k" + std::to_string(kernels_++),
                                     LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(&m_.ctx_), {ptr(), i64(), i64()}));
    KernelEmitter(m_, plan, kernel, fn, buffers).emit();
  }
  std::vector<mlir::Value> buffer_addresses;
  for (ir::Value v : buffers) buffer_addresses.push_back(address_of(plan, env, v));
  mlir::Value ctx = pointer_array(buffer_addresses);
  int64_t n = loops.empty() ? 1 : loops[0];
  if (serial) {
    b_.create<LLVM::CallOp>(loc_, fn, ValueRange{ctx, c64(0), c64(n)});
    return;
  }
  // The work of one iteration of the split loop: the elements below it, times the longest reduction a kernel
  // element runs (a row sum's root has few elements, each costing a whole row).
  int64_t per_element = 1;
  for (uint32_t o : kernel.ops) {
    const ir::Op& op = plan.body().ops[o];
    if (!is_loop_reduction(op.prim)) continue;
    int64_t in = ir::num_elements(plan.body().type(op.operands[0]).shape);
    int64_t out = ir::num_elements(plan.body().type(op.results[0]).shape);
    if (op.prim == Prim::DotGeneral) {
      in = 1;
      for (int64_t c : ir::attr_ints(op.attrs, 0)) in *= plan.body().type(op.operands[0]).shape[size_t(c)];
      out = 1;
    }
    per_element = std::max(per_element, in / std::max<int64_t>(1, out));
  }
  int64_t work = std::max<int64_t>(1, elements / n * per_element);
  int64_t grain = std::max<int64_t>(1, runtime::kParallelGrain / work);
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(&m_.ctx_), {ptr(), ptr(), i64(), i64()});
  mlir::Value fn_addr = b_.create<LLVM::AddressOfOp>(loc_, fn);
  b_.create<LLVM::CallOp>(loc_, type, ValueRange{service(kParallelFor), fn_addr, ctx, c64(n), c64(grain)});
}

void EntryEmitter::emit_gemm(const Plan& plan, const Env& env, const ir::Op& op) {
  const ir::Body& body = plan.body();
  auto layout = gemm_layout(body, op);
  if (!layout) unsupported(op, "operands not in a BLAS layout");
  const GemmLayout& g = *layout;
  if (g.batch * g.m * g.n == 0) return;
  bool f32 = body.type(op.results[0]).dtype == DType::F32;
  mlir::Type ft = f32 ? mlir::Type(b_.getF32Type()) : mlir::Type(b_.getF64Type());
  int64_t esize = f32 ? 4 : 8;
  mlir::Value a = address_of(plan, env, op.operands[0]), bm = address_of(plan, env, op.operands[1]);
  mlir::Value c = address_of(plan, env, op.results[0]);
  if (g.k == 0) {
    auto memset = m_.declare("memset", ptr(), {ptr(), i32(), i64()});
    b_.create<LLVM::CallOp>(loc_, memset, ValueRange{c, c32(0), c64(g.batch * g.m * g.n * esize)});
    return;
  }
  auto gemm = m_.declare(f32 ? "cblas_sgemm" : "cblas_dgemm", LLVM::LLVMVoidType::get(&m_.ctx_),
                         {i32(), i32(), i32(), i32(), i32(), i32(), ft, ptr(), i32(), ptr(), i32(), ft, ptr(), i32()});
  mlir::Value one = b_.create<LLVM::ConstantOp>(loc_, ft, b_.getFloatAttr(ft, 1.0));
  mlir::Value zero = b_.create<LLVM::ConstantOp>(loc_, ft, b_.getFloatAttr(ft, 0.0));
  constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
  int64_t lda = g.transpose_lhs ? g.m : g.k, ldb = g.transpose_rhs ? g.k : g.n;
  // One call per batch item, in a loop when there are several.
  mlir::Value item_index;
  scf::ForOp loop;
  if (g.batch > 1) {
    loop = b_.create<scf::ForOp>(loc_, c64(0), c64(g.batch), c64(1));
    b_.setInsertionPoint(loop.getBody()->getTerminator());
    item_index = loop.getInductionVar();
  }
  auto item = [&](mlir::Value base, int64_t elements) {
    if (!item_index) return base;
    return offset(base, b_.create<LLVM::MulOp>(loc_, item_index, c64(elements * esize)).getResult());
  };
  b_.create<LLVM::CallOp>(
      loc_, gemm,
      ValueRange{c32(kRowMajor), c32(g.transpose_lhs ? kTrans : kNoTrans), c32(g.transpose_rhs ? kTrans : kNoTrans),
                 c32(g.m), c32(g.n), c32(g.k), one, item(a, g.m * g.k), c32(std::max<int64_t>(lda, 1)),
                 item(bm, g.k * g.n), c32(std::max<int64_t>(ldb, 1)), zero, item(c, g.m * g.n),
                 c32(std::max<int64_t>(g.n, 1))});
  if (loop) b_.setInsertionPointAfter(loop);
}

void EntryEmitter::emit_op(const Plan& plan, const Env& env, const Step& step, int depth) {
  const ir::Op& op = plan.body().ops[step.op];
  switch (op.prim) {
    case Prim::Cond: emit_cond(plan, env, step, depth); return;
    case Prim::While: emit_while(plan, env, step, depth); return;
    case Prim::Scan: emit_scan(plan, env, step, depth); return;
    case Prim::StackLoop: emit_stack_loop(plan, env, step, depth); return;
    case Prim::CustomJvpCall: case Prim::CustomVjpCall: case Prim::Checkpoint: {
      // The function region, on the operands (the derivative rules matter only to transforms).
      Env inner{addresses(plan, env, op.operands), addresses(plan, env, op.results),
                region_workspace(plan, env, step)};
      emit_plan(step.regions[0], inner, depth + 1);
      return;
    }
    case Prim::StackNew: case Prim::StackPush: emit_stack_op(plan, env, op); return;
    case Prim::Scatter: case Prim::ScatterAdd: case Prim::ScatterMul: case Prim::ScatterMin: case Prim::ScatterMax:
      // The operand copied into the result, then the updates applied in order on one thread.
      copy(address_of(plan, env, op.results[0]), address_of(plan, env, op.operands[0]),
           plan.body().type(op.results[0]).nbytes());
      if (plan.body().type(op.results[0]).numel() > 0)
        emit_kernel(plan, env, Kernel{op.results[0], {step.op}}, /*serial=*/true);
      return;
    case Prim::PureCallback: case Prim::DebugCallback: emit_host_callback(plan, env, op); return;
    case Prim::Sort: case Prim::TopK: emit_sort(plan, env, op); return;
    case Prim::BitcastConvertType:
      // A bitcast to another element size: the bytes as they are, row-major in both.
      copy(address_of(plan, env, op.results[0]), address_of(plan, env, op.operands[0]),
           plan.body().type(op.results[0]).nbytes());
      return;
    case Prim::CustomLin:
      unsupported(op, "forward-mode differentiation (jvp, jacfwd, linearize's linear function) of a custom_vjp "
                      "function is not defined: it has only a reverse-mode rule (use grad, vjp or jacrev)");
    default: unsupported(op, "not yet implemented");
  }
}

mlir::Value EntryEmitter::region_workspace(const Plan& plan, const Env& env, const Step& step) {
  ControlScratch scratch = control_scratch(plan.body(), plan.body().ops[step.op], step.regions);
  return offset(env.workspace, int64_t(step.scratch + scratch.regions));
}

void EntryEmitter::emit_cond(const Plan& plan, const Env& env, const Step& step, int depth) {
  const ir::Op& op = plan.body().ops[step.op];
  std::span<const ir::Value> args(op.operands.begin() + 1, op.operands.end());
  Env inner{addresses(plan, env, args), addresses(plan, env, op.results), region_workspace(plan, env, step)};
  // Branch r runs when index <= r (the last one otherwise): out-of-range indices are clamped, as lax.switch.
  mlir::Value index = load(i32(), address_of(plan, env, op.operands[0]));
  std::function<void(size_t)> branch_from = [&](size_t r) {
    if (r + 1 == step.regions.size()) return emit_plan(step.regions[r], inner, depth + 1);
    mlir::Value here = b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::sle, index, c32(int64_t(r)));
    auto branch = b_.create<scf::IfOp>(loc_, here, /*withElseRegion=*/true);
    b_.setInsertionPoint(branch.thenBlock()->getTerminator());
    emit_plan(step.regions[r], inner, depth + 1);
    b_.setInsertionPoint(branch.elseBlock()->getTerminator());
    branch_from(r + 1);
    b_.setInsertionPointAfter(branch);
  };
  branch_from(0);
}

void EntryEmitter::emit_while(const Plan& plan, const Env& env, const Step& step, int depth) {
  const ir::Body& body = plan.body();
  const ir::Op& op = body.ops[step.op];
  size_t cond_consts = size_t(ir::attr_int(op.attrs, 0)), body_consts = size_t(ir::attr_int(op.attrs, 1));
  int64_t max_steps = ir::attr_int(op.attrs, 2);
  ControlScratch scratch = control_scratch(body, op, step.regions);
  mlir::Value region_ws = offset(env.workspace, int64_t(step.scratch + scratch.regions));
  mlir::Value flag = offset(env.workspace, int64_t(step.scratch + scratch.flag));
  // The carry lives in the op's results; the body writes the next carry to scratch buffers first.
  std::vector<mlir::Value> carry = addresses(plan, env, op.results), next;
  std::vector<size_t> carried = carried_operands(op);
  for (size_t i = 0; i < carried.size(); ++i) {
    copy(carry[i], address_of(plan, env, op.operands[carried[i]]), body.type(op.results[i]).nbytes());
    next.push_back(offset(env.workspace, int64_t(step.scratch + scratch.carry[i])));
  }
  Env cond_env{addresses(plan, env, std::span(op.operands.begin(), cond_consts)), {flag}, region_ws};
  cond_env.params.insert(cond_env.params.end(), carry.begin(), carry.end());
  Env body_env{addresses(plan, env, std::span(op.operands.begin() + cond_consts, body_consts)), next, region_ws};
  body_env.params.insert(body_env.params.end(), carry.begin(), carry.end());

  auto loop = b_.create<scf::WhileOp>(loc_, TypeRange{i64()}, ValueRange{c64(0)});
  Block* before = b_.createBlock(&loop.getBefore(), loop.getBefore().end(), {i64()}, {loc_});
  mlir::Value count = before->getArgument(0);
  emit_plan(step.regions[0], cond_env, depth + 1);
  mlir::Value go = b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::ne, load(b_.getI8Type(), flag),
                                           b_.create<LLVM::ConstantOp>(loc_, b_.getI8Type(), b_.getI8IntegerAttr(0)));
  go = b_.create<LLVM::AndOp>(loc_, go, status_is_ok());
  if (max_steps >= 0) {
    mlir::Value over = b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::sge, count, c64(max_steps));
    mlir::Value overrun = b_.create<LLVM::AndOp>(loc_, go, over);
    when(overrun, [&] { set_status(c32(EMBER_ERROR_MAX_STEPS)); });
    mlir::Value within = b_.create<LLVM::XOrOp>(loc_, over, b_.create<LLVM::ConstantOp>(loc_, b_.getI1Type(), b_.getBoolAttr(true)));
    go = b_.create<LLVM::AndOp>(loc_, go, within);
  }
  b_.create<scf::ConditionOp>(loc_, go, ValueRange{count});
  Block* after = b_.createBlock(&loop.getAfter(), loop.getAfter().end(), {i64()}, {loc_});
  emit_plan(step.regions[1], body_env, depth + 1);
  for (size_t i = 0; i < carried.size(); ++i) copy(carry[i], next[i], body.type(op.results[i]).nbytes());
  mlir::Value incremented = b_.create<LLVM::AddOp>(loc_, after->getArgument(0), c64(1));
  b_.create<scf::YieldOp>(loc_, ValueRange{incremented});
  b_.setInsertionPointAfter(loop);
}

void EntryEmitter::emit_scan(const Plan& plan, const Env& env, const Step& step, int depth) {
  const ir::Body& body = plan.body();
  const ir::Op& op = body.ops[step.op];
  size_t num_consts = size_t(ir::attr_int(op.attrs, 0)), num_carry = size_t(ir::attr_int(op.attrs, 1));
  int64_t length = ir::attr_int(op.attrs, 2);
  bool reverse = ir::attr_bool(op.attrs, 3);
  ControlScratch scratch = control_scratch(body, op, step.regions);
  std::vector<mlir::Value> carry, next;
  for (size_t i = 0; i < num_carry; ++i) {
    carry.push_back(address_of(plan, env, op.results[i]));
    copy(carry[i], address_of(plan, env, op.operands[num_consts + i]), body.type(op.results[i]).nbytes());
    next.push_back(offset(env.workspace, int64_t(step.scratch + scratch.carry[i])));
  }
  if (length == 0) return;
  std::vector<mlir::Value> consts = addresses(plan, env, std::span(op.operands.begin(), num_consts));
  std::vector<mlir::Value> xs = addresses(plan, env, std::span(op.operands.begin() + num_consts + num_carry, op.operands.end()));
  std::vector<mlir::Value> ys = addresses(plan, env, std::span(op.results.begin() + num_carry, op.results.end()));
  mlir::Value region_ws = offset(env.workspace, int64_t(step.scratch + scratch.regions));

  auto loop = b_.create<scf::ForOp>(loc_, c64(0), c64(length), c64(1));
  b_.setInsertionPoint(loop.getBody()->getTerminator());
  mlir::Value i = loop.getInductionVar();
  if (reverse) i = b_.create<LLVM::SubOp>(loc_, c64(length - 1), i);
  when(status_is_ok(), [&] {
    auto row = [&](mlir::Value base, ir::Value whole) {
      int64_t row_bytes = int64_t(body.type(whole).nbytes()) / length;
      return offset(base, b_.create<LLVM::MulOp>(loc_, i, c64(row_bytes)));
    };
    Env inner{consts, next, region_ws};
    inner.params.insert(inner.params.end(), carry.begin(), carry.end());
    for (size_t k = 0; k < xs.size(); ++k) inner.params.push_back(row(xs[k], op.operands[num_consts + num_carry + k]));
    for (size_t k = 0; k < ys.size(); ++k) inner.results.push_back(row(ys[k], op.results[num_carry + k]));
    emit_plan(step.regions[0], inner, depth + 1);
    for (size_t c = 0; c < num_carry; ++c) copy(carry[c], next[c], body.type(op.results[c]).nbytes());
  });
  b_.setInsertionPointAfter(loop);
}

void EntryEmitter::emit_stack_loop(const Plan& plan, const Env& env, const Step& step, int depth) {
  const ir::Body& body = plan.body();
  const ir::Op& op = body.ops[step.op];
  size_t num_consts = size_t(ir::attr_int(op.attrs, 0));
  bool reverse = ir::attr_bool(op.attrs, 1);
  ControlScratch scratch = control_scratch(body, op, step.regions);
  const Plan& region = step.regions[0];
  size_t carried = op.results.size();
  size_t entries = region.body().params.size() - 1 - num_consts - carried;

  mlir::Value handle = load(i64(), address_of(plan, env, op.operands[0]));
  mlir::Value n = b_.create<LLVM::SExtOp>(loc_, i64(), load(i32(), address_of(plan, env, op.operands[1])));
  mlir::Value size = call(kStackSize, i64(), {i64()}, {handle});
  mlir::Value bad = b_.create<LLVM::OrOp>(loc_, b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::slt, n, c64(0)),
                                          b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::sgt, n, size));
  when(bad, [&] { set_status(c32(EMBER_ERROR_STACK)); });
  mlir::Value count = b_.create<LLVM::SelectOp>(loc_, bad, c64(0), n);

  std::vector<mlir::Value> carry = addresses(plan, env, op.results), next;
  for (size_t i = 0; i < carried; ++i) {
    copy(carry[i], address_of(plan, env, op.operands[2 + num_consts + i]), body.type(op.results[i]).nbytes());
    next.push_back(offset(env.workspace, int64_t(step.scratch + scratch.carry[i])));
  }
  std::vector<mlir::Value> consts = addresses(plan, env, std::span(op.operands.begin() + 2, num_consts));
  mlir::Value index_slot = offset(env.workspace, int64_t(step.scratch + scratch.flag));
  mlir::Value region_ws = offset(env.workspace, int64_t(step.scratch + scratch.regions));

  auto loop = b_.create<scf::ForOp>(loc_, c64(0), count, c64(1));
  b_.setInsertionPoint(loop.getBody()->getTerminator());
  mlir::Value i = loop.getInductionVar();
  if (reverse) i = b_.create<LLVM::SubOp>(loc_, b_.create<LLVM::SubOp>(loc_, count, c64(1)), i);
  when(status_is_ok(), [&] {
    store(b_.create<LLVM::TruncOp>(loc_, i32(), i), index_slot);
    Env inner{{index_slot}, next, region_ws};
    for (size_t e = 0; e < entries; ++e)
      inner.params.push_back(call(kStackEntry, ptr(), {i64(), i64(), i64()}, {handle, i, c64(int64_t(e))}));
    inner.params.insert(inner.params.end(), consts.begin(), consts.end());
    inner.params.insert(inner.params.end(), carry.begin(), carry.end());
    emit_plan(region, inner, depth + 1);
    for (size_t c = 0; c < carried; ++c) copy(carry[c], next[c], body.type(op.results[c]).nbytes());
  });
  b_.setInsertionPointAfter(loop);
}

void EntryEmitter::emit_stack_op(const Plan& plan, const Env& env, const ir::Op& op) {
  const ir::Body& body = plan.body();
  mlir::Value result = address_of(plan, env, op.results[0]);
  if (op.prim == Prim::StackNew) {
    mlir::Value handle = call(kStackNew, i64(), {}, {});
    when(b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::eq, handle, c64(0)),
         [&] { set_status(c32(EMBER_ERROR_STACK)); });
    store(handle, result);
    return;
  }
  mlir::Value handle = load(i64(), address_of(plan, env, op.operands[0]));
  std::span<const ir::Value> values(op.operands.begin() + 1, op.operands.end());
  mlir::Value sizes = entry_alloca(i64(), int64_t(std::max<size_t>(values.size(), 1)));
  for (size_t i = 0; i < values.size(); ++i)
    store(c64(int64_t(body.type(values[i]).nbytes())),
          b_.create<LLVM::GEPOp>(loc_, ptr(), i64(), sizes, ArrayRef<LLVM::GEPArg>{int32_t(i)}));
  mlir::Value rc = call(kStackPush, i32(), {i64(), i64(), ptr(), ptr()},
                        {handle, c64(int64_t(values.size())), pointer_array(addresses(plan, env, values)), sizes});
  when(b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::ne, rc, c32(EMBER_OK)), [&] { set_status(rc); });
  store(handle, result);
}

void EntryEmitter::emit_host_callback(const Plan& plan, const Env& env, const ir::Op& op) {
  const ir::Body& body = plan.body();
  auto site = std::make_unique<HostCallSite>();
  site->callback = ir::attr_int(op.attrs, 0);
  site->debug = op.prim == Prim::DebugCallback;
  for (ir::Value v : op.operands) site->inputs.push_back(body.type(v));
  for (ir::Value v : op.results) site->outputs.push_back(body.type(v));
  mlir::Value site_address =
      b_.create<LLVM::IntToPtrOp>(loc_, ptr(), c64(int64_t(reinterpret_cast<uintptr_t>(site.get()))));
  sites_.push_back(std::move(site));
  mlir::Value rc = call(kHostCallback, i32(), {ptr(), ptr(), ptr()},
                        {site_address, pointer_array(addresses(plan, env, op.operands)),
                         pointer_array(addresses(plan, env, op.results))});
  when(b_.create<LLVM::ICmpOp>(loc_, LLVM::ICmpPredicate::ne, rc, c32(EMBER_OK)), [&] { set_status(rc); });
}

// sort and top_k call the support library's ember_sort_slices (runtime/support/sort.h) through parallel_for,
// with an EmberSortCall built on the stack.
void EntryEmitter::emit_sort(const Plan& plan, const Env& env, const ir::Op& op) {
  const ir::Body& body = plan.body();
  const ir::Shape& shape = body.type(op.operands[0]).shape;
  bool top_k = op.prim == Prim::TopK;
  int64_t dim = top_k ? int64_t(shape.size()) - 1 : ir::attr_int(op.attrs, 0);
  int64_t outer = 1, inner = 1, n = shape[size_t(dim)];
  for (int64_t d = 0; d < dim; ++d) outer *= shape[size_t(d)];
  for (size_t d = size_t(dim) + 1; d < shape.size(); ++d) inner *= shape[d];
  int64_t k = top_k ? ir::attr_int(op.attrs, 0) : -1;
  if (outer * n * inner == 0 || k == 0) return;
  // EmberSortOperand and EmberSortCall are made of 8-byte fields, written here as words.
  auto word = [&](mlir::Value array, int64_t i) {
    return b_.create<LLVM::GEPOp>(loc_, ptr(), i64(), array, ArrayRef<LLVM::GEPArg>{int32_t(i)}).getResult();
  };
  size_t count = top_k ? 2 : op.operands.size();
  mlir::Value operands = entry_alloca(i64(), int64_t(4 * count));
  for (size_t i = 0; i < count; ++i) {
    ir::Value in = top_k ? op.operands[0] : op.operands[i];
    DType d = top_k && i == 1 ? DType::I32 : body.type(in).dtype;
    store(top_k && i == 1 ? mlir::Value(b_.create<LLVM::ZeroOp>(loc_, ptr())) : address_of(plan, env, in),
          word(operands, int64_t(4 * i)));
    store(address_of(plan, env, op.results[i]), word(operands, int64_t(4 * i + 1)));
    store(c64(runtime::sort_kind(d)), word(operands, int64_t(4 * i + 2)));
    store(c64(int64_t(ir::dtype_size(d))), word(operands, int64_t(4 * i + 3)));
  }
  int64_t num_keys = top_k ? 1 : ir::attr_int(op.attrs, 2);
  mlir::Value call = entry_alloca(i64(), 7);
  std::vector<int64_t> fields = {outer, n, inner, int64_t(count), num_keys};
  for (size_t i = 0; i < fields.size(); ++i) store(c64(fields[i]), word(call, int64_t(i)));
  store(operands, word(call, 5));
  store(c64(k), word(call, 6));
  auto sort = m_.declare("ember_sort_slices", LLVM::LLVMVoidType::get(&m_.ctx_), {ptr(), i64(), i64()});
  int64_t grain = std::max<int64_t>(1, runtime::kParallelGrain / std::max<int64_t>(1, n * int64_t(count)));
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(&m_.ctx_), {ptr(), ptr(), i64(), i64()});
  b_.create<LLVM::CallOp>(loc_, type, ValueRange{service(kParallelFor), b_.create<LLVM::AddressOfOp>(loc_, sort), call,
                                                 c64(outer * inner), c64(grain)});
}

void ModuleEmitter::emit_entry(std::vector<std::unique_ptr<HostCallSite>>& sites) { EntryEmitter(*this, sites).emit(); }

}  // namespace ember::lowering::cpu
