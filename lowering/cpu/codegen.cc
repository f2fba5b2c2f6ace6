// From a plan to native code: the emitters (kernel_emitter.cc, entry_emitter.cc) build MLIR with the C++
// builders; here it is lowered to the LLVM dialect, translated to LLVM IR and handed to the JIT.

#include "lowering/cpu/emitters.h"
#include "lowering/cpu/native_jit.h"
#include "lowering/plan/dump.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

namespace ember::lowering::cpu {

void unsupported(const ir::Op& op, const std::string& why) {
  Error e(ErrorKind::NotImplemented, "the cpu backend cannot compile it: " + why, std::string(ir::prim_name(op.prim)));
  if (op.loc) e.with_location(op.loc->to_string());
  throw e;
}

LLVM::LLVMFuncOp ModuleEmitter::declare(const std::string& name, mlir::Type result, std::vector<mlir::Type> args) {
  auto it = declared_.find(name);
  if (it != declared_.end()) return it->second;
  OpBuilder::InsertionGuard guard(b_);
  b_.setInsertionPointToEnd(module_.getBody());
  auto fn = b_.create<LLVM::LLVMFuncOp>(loc_, name, LLVM::LLVMFunctionType::get(result, args));
  declared_[name] = fn;
  return fn;
}

mlir::Value ModuleEmitter::literal_address(OpBuilder& b, const ir::Literal& lit) {
  auto it = literals_.find(lit.bytes());
  if (it == literals_.end()) {
    OpBuilder::InsertionGuard guard(b_);
    b_.setInsertionPointToStart(module_.getBody());
    std::string bytes(static_cast<const char*>(lit.bytes()), lit.nbytes());
    if (bytes.empty()) bytes.push_back(0);  // LLVM has no empty globals
    auto type = LLVM::LLVMArrayType::get(b_.getI8Type(), bytes.size());
    auto global = b_.create<LLVM::GlobalOp>(loc_, type, /*isConstant=*/true, LLVM::Linkage::Private,
                                            "literal" + std::to_string(literals_.size()), b_.getStringAttr(bytes),
                                            /*alignment=*/64);
    it = literals_.emplace(lit.bytes(), global).first;
  }
  return b.create<LLVM::AddressOfOp>(loc_, it->second);
}

namespace {

LogicalResult lower_to_llvm_dialect(MLIRContext& ctx, ModuleOp module) {
  {
    RewritePatternSet patterns(&ctx);
    populateMathPolynomialApproximationPatterns(patterns);
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(module, std::move(patterns)))) return failure();
  }
  {
    RewritePatternSet patterns(&ctx);
    populateSCFToControlFlowConversionPatterns(patterns);
    ConversionTarget target(ctx);
    target.addIllegalDialect<scf::SCFDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation*) { return true; });
    if (failed(applyPartialConversion(module, target, std::move(patterns)))) return failure();
  }
  LLVMConversionTarget target(ctx);
  target.addLegalOp<ModuleOp>();
  LLVMTypeConverter converter(&ctx);
  RewritePatternSet patterns(&ctx);
  arith::populateArithToLLVMConversionPatterns(converter, patterns);
  populateMathToLLVMConversionPatterns(converter, patterns);
  cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
  populateFuncToLLVMConversionPatterns(converter, patterns);
  return applyFullConversion(module, target, std::move(patterns));
}

std::string print(Operation* op) {
  std::string text;
  llvm::raw_string_ostream out(text);
  op->print(out);
  return text;
}

}  // namespace

ObjectCode compile_plan_to_object(const Plan& plan, const CpuOptions& options) {
  StageTimer timer(plan.function.name);
  MLIRContext ctx;
  ctx.loadDialect<arith::ArithDialect, math::MathDialect, scf::SCFDialect, cf::ControlFlowDialect,
                  func::FuncDialect, LLVM::LLVMDialect>();
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic& d) {
    diagnostics += d.str() + "\n";
    return success();
  });
  ModuleEmitter emitter(ctx, plan, kEntrySymbol);
  ModuleOp module = emitter.module();
  OwningOpRef<ModuleOp> owner(module);  // frees the module also when emission throws
  ObjectCode out;
  emitter.emit_entry(out.host_call_sites);
  timer.lap("emit mlir");
  auto fail = [&](const std::string& what) {
    throw Error(ErrorKind::Runtime, what + " for " + plan.function.name + ": " + diagnostics, "cpu backend");
  };
  if (dump_enabled("mlir")) dump("mlir", plan.function.name, print(module));
  if (failed(verify(module))) fail("generated MLIR does not verify");
  if (failed(lower_to_llvm_dialect(ctx, module))) fail("lowering MLIR to the LLVM dialect failed");
  timer.lap("lower");
  registerBuiltinDialectTranslation(ctx);
  registerLLVMDialectTranslation(ctx);
  llvm::LLVMContext llvm_context;
  std::unique_ptr<llvm::Module> llvm_module = translateModuleToLLVMIR(module, llvm_context, plan.function.name);
  if (!llvm_module) fail("translating MLIR to LLVM IR failed");
  timer.lap("translate");
  out.object = emit_object(*llvm_module, options, timer);
  return out;
}

CompiledFunction compile_plan(const Plan& plan, const CpuOptions& options) {
  ObjectCode object = compile_plan_to_object(plan, options);
  CompiledFunction out = load_object(object.object);
  out.host_call_sites = std::move(object.host_call_sites);
  return out;
}

}  // namespace ember::lowering::cpu
