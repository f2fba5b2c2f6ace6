#include "lowering/cpu/native_jit.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>

#include "ir/error.h"
#include "lowering/plan/dump.h"
#include "runtime/support/sort.h"
#include "runtime/support/complex_functions.h"
#include "runtime/support/special_functions.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#ifdef EMBER_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace ember::lowering::cpu {

namespace {

[[noreturn]] void fail(const std::string& what, llvm::Error err) {
  throw Error(ErrorKind::Runtime, what + ": " + llvm::toString(std::move(err)), "cpu backend");
}

// Functions generated code calls by name. Python loads extension modules with RTLD_LOCAL, so libraries
// such as OpenBLAS are not in the process's global symbol scope: their addresses are given explicitly.
llvm::orc::SymbolMap runtime_symbols(llvm::orc::MangleAndInterner& mangle) {
  llvm::orc::SymbolMap map;
  auto add = [&](const char* name, void* address) {
    map[mangle(name)] = {llvm::orc::ExecutorAddr::fromPtr(address), llvm::JITSymbolFlags::Exported};
  };
#ifdef EMBER_HAVE_OPENBLAS
  add("cblas_sgemm", reinterpret_cast<void*>(&cblas_sgemm));
  add("cblas_dgemm", reinterpret_cast<void*>(&cblas_dgemm));
#endif
  add("memcpy", reinterpret_cast<void*>(&std::memcpy));
  add("ember_sort_slices", reinterpret_cast<void*>(&ember_sort_slices));
  add("ember_complex_function", reinterpret_cast<void*>(&ember_complex_function));
  add("ember_erf_inv", reinterpret_cast<void*>(&ember_erf_inv));
  add("ember_lgamma", reinterpret_cast<void*>(&ember_lgamma));
  add("ember_digamma", reinterpret_cast<void*>(&ember_digamma));
  add("ember_polygamma", reinterpret_cast<void*>(&ember_polygamma));
  add("ember_bessel_i0e", reinterpret_cast<void*>(&ember_bessel_i0e));
  add("ember_bessel_i1e", reinterpret_cast<void*>(&ember_bessel_i1e));
  return map;
}

struct Jit {
  std::mutex mutex;
  std::unique_ptr<llvm::orc::LLJIT> lljit;
  std::atomic<uint64_t> counter{0};

  Jit() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!builder) fail("cannot target the host CPU", builder.takeError());
    auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*builder)).create();
    if (!jit) fail("cannot create the LLVM JIT", jit.takeError());
    lljit = std::move(*jit);
    auto& jd = lljit->getMainJITDylib();
    auto search = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
        lljit->getDataLayout().getGlobalPrefix());
    if (!search) fail("cannot search the process for symbols", search.takeError());
    jd.addGenerator(std::move(*search));
    llvm::orc::MangleAndInterner mangle(lljit->getExecutionSession(), lljit->getDataLayout());
    if (auto err = jd.define(llvm::orc::absoluteSymbols(runtime_symbols(mangle))))
      fail("cannot define runtime symbols", std::move(err));
  }
};

Jit& jit() {
  static Jit j;
  return j;
}

std::unique_ptr<llvm::TargetMachine> target_machine(const CpuOptions& options) {
  jit();  // targets initialised
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) fail("cannot target the host CPU", builder.takeError());
  if (!options.target_cpu.empty()) {
    builder->setCPU(options.target_cpu);
    builder->getFeatures() = llvm::SubtargetFeatures();
  }
  builder->setCodeGenOptLevel(options.opt_level >= 3 ? llvm::CodeGenOptLevel::Aggressive : llvm::CodeGenOptLevel::None);
  builder->setRelocationModel(llvm::Reloc::PIC_);  // the JIT places code anywhere; AOT links it into a .so
  auto tm = builder->createTargetMachine();
  if (!tm) fail("cannot create a target machine", tm.takeError());
  return std::move(*tm);
}

void optimise(llvm::Module& module, llvm::TargetMachine& tm, int opt_level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = opt_level >= 3;
  tuning.SLPVectorization = opt_level >= 3;

  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(opt_level >= 3 ? llvm::OptimizationLevel::O3
                                                                                : llvm::OptimizationLevel::O1);
  mpm.run(module, mam);
}

}  // namespace

std::string emit_object(llvm::Module& module, const CpuOptions& options, StageTimer& timer) {
  auto tm = target_machine(options);
  timer.lap("target");
  module.setDataLayout(tm->createDataLayout());
  module.setTargetTriple(tm->getTargetTriple().str());
  // Every function gets the target's CPU and features, so the vectorisers use its full vector width.
  for (llvm::Function& fn : module) {
    if (fn.isDeclaration()) continue;
    fn.addFnAttr("target-cpu", tm->getTargetCPU());
    fn.addFnAttr("target-features", tm->getTargetFeatureString());
  }
  optimise(module, *tm, options.opt_level);
  timer.lap("optimise");
  if (dump_enabled("llvm")) {
    std::string text;
    llvm::raw_string_ostream out(text);
    module.print(out, nullptr);
    dump("llvm", module.getName().str(), text);
  }
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream out(object);
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, out, nullptr, llvm::CodeGenFileType::ObjectFile))
    throw Error(ErrorKind::Runtime, "the target cannot emit object files", "cpu backend");
  codegen.run(module);
  timer.lap("codegen");
  return std::string(object.begin(), object.end());
}

std::string target_description(const CpuOptions& options) {
  auto tm = target_machine(options);
  return "llvm " LLVM_VERSION_STRING " " + tm->getTargetTriple().str() + " " + tm->getTargetCPU().str() + " " +
         tm->getTargetFeatureString().str();
}

std::vector<std::string> required_cpu_features(const CpuOptions& options) {
  auto tm = target_machine(options);
  const llvm::MCSubtargetInfo* info = tm->getMCSubtargetInfo();
  std::vector<std::string> out;
  for (const char* feature : {"sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "bmi", "bmi2",
                              "f16c", "movbe", "lzcnt", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl",
                              "avx512vnni", "avx512bf16", "avx512vbmi", "avx512vbmi2", "avx512ifma", "avx512bitalg",
                              "avx512vpopcntdq", "gfni", "vaes", "vpclmulqdq"})
    if (info->checkFeatures(std::string("+") + feature)) out.push_back(feature);
  return out;
}

CompiledFunction load_object(const std::string& object) {
  Jit& j = jit();
  std::lock_guard<std::mutex> lock(j.mutex);
  // Each object gets its own JITDylib, so every object can export the same entry symbol (and a cached
  // object needs no renaming); the runtime symbols come from the main one.
  auto dylib = j.lljit->createJITDylib("ember_code_" + std::to_string(j.counter++));
  if (!dylib) fail("cannot create a JITDylib", dylib.takeError());
  llvm::orc::JITDylib* jd = &*dylib;
  jd->addToLinkOrder(j.lljit->getMainJITDylib());
  auto release = [jd] { llvm::consumeError(jit().lljit->getExecutionSession().removeJITDylib(*jd)); };
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(object, jd->getName());
  if (auto err = j.lljit->addObjectFile(*jd, std::move(buffer))) {
    release();
    fail("cannot add the object file to the JIT", std::move(err));
  }
  auto symbol = j.lljit->lookup(*jd, kEntrySymbol);
  if (!symbol) {
    release();
    fail("cannot link the object file", symbol.takeError());
  }
  CompiledFunction out;
  out.entry = symbol->toPtr<EntryPoint>();
  out.code = std::shared_ptr<void>(nullptr, [release](void*) {
    std::lock_guard<std::mutex> lock(jit().mutex);
    release();
  });
  return out;
}

}  // namespace ember::lowering::cpu
