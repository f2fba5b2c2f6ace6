// The launch list of a plan on a CUDA device. Arguments are host arrays today: each call copies them to the
// device, runs the steps on the context's stream and copies the results back (device-resident arrays and
// device_put are not built yet, see docs/cuda_backend.md).
#include "lowering/cuda/backend.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include "ir/error.h"
#include "lowering/cuda/source.h"
#include "lowering/plan/dump.h"
#include "lowering/plan/plan.h"
#include "runtime/compiler.h"
#include "runtime/cuda/cublas.h"
#include "runtime/cuda/driver.h"
#include "runtime/cuda/nvrtc.h"

namespace ember::lowering::cuda {

namespace {

using runtime::cuda::CudaContext;

// Device memory held for one call, returned to the context's pool at the end.
class Scratch {
 public:
  explicit Scratch(CudaContext& ctx) : ctx_(ctx) {}
  ~Scratch() {
    for (auto [p, bytes] : held_) ctx_.release(p, bytes);
  }
  uint64_t get(size_t bytes) {
    uint64_t p = ctx_.allocate(std::max<size_t>(bytes, 1));
    held_.emplace_back(p, std::max<size_t>(bytes, 1));
    return p;
  }

 private:
  CudaContext& ctx_;
  std::vector<std::pair<uint64_t, size_t>> held_;
};

class CudaExecutable final : public runtime::Executable {
 public:
  CudaExecutable(Plan plan, int device) : plan_(std::move(plan)), ctx_(CudaContext::get(device)) {
    for (const Step& step : plan_.steps)
      if (step.kind == Step::Kind::Op)
        throw Error(ErrorKind::NotImplemented, "the cuda backend cannot run it yet (control flow, sort, scatter, "
                                               "callbacks and run-time stacks are not built)",
                    std::string(ir::prim_name(plan_.body().ops[step.op].prim)));
    source_ = emit_module_source(plan_);
    if (dump_enabled("cuda")) dump("cuda", plan_.function.name, source_.code);
    const auto& info = ctx_.info();
    std::string cubin = runtime::cuda::compile_to_cubin(source_.code, plan_.function.name, info.major * 10 + info.minor);
    void* module = ctx_.load_module(cubin);
    for (const KernelSource& k : source_.kernels) functions_.push_back(ctx_.function(module, k.name));
  }

  std::vector<runtime::Array> run(std::span<const runtime::Array> args, const std::vector<bool>&) override {
    const ir::Body& body = plan_.body();
    if (args.size() != body.params.size())
      throw make_error(ErrorKind::Value, "jit", "expected ", body.params.size(), " arguments, got ", args.size());
    Scratch scratch(ctx_);
    std::vector<uint64_t> inputs, outputs;
    for (const runtime::Array& a : args) {
      inputs.push_back(scratch.get(a.nbytes()));
      ctx_.copy_to_device(inputs.back(), a.data(), a.nbytes());
    }
    for (ir::Value r : body.results) outputs.push_back(scratch.get(body.type(r).nbytes()));
    uint64_t workspace = plan_.workspace_bytes ? scratch.get(plan_.workspace_bytes) : 0;
    std::vector<uint64_t> constants(body.ops.size(), 0);
    auto address = [&](ir::Value v) -> uint64_t {
      const Storage& s = plan_.storage[v.id];
      switch (s.kind) {
        case Storage::Kind::Input: return inputs[size_t(s.index)];
        case Storage::Kind::Output: return outputs[size_t(s.index)];
        case Storage::Kind::Workspace: return workspace + uint64_t(s.index);
        case Storage::Kind::Constant: {
          uint64_t& p = constants[size_t(s.index)];
          if (!p) {
            const ir::Literal& lit = ir::attr_literal(body.ops[size_t(s.index)].attrs, 0);
            p = scratch.get(lit.nbytes());
            ctx_.copy_to_device(p, lit.bytes(), lit.nbytes());
          }
          return p;
        }
        default: throw Error(ErrorKind::Runtime, "a value with no storage is read outside its kernel", "cuda");
      }
    };
    size_t next_kernel = 0;
    for (size_t s = 0; s < plan_.steps.size(); ++s) {
      const Step& step = plan_.steps[s];
      switch (step.kind) {
        case Step::Kind::Kernel: {
          const KernelSource& k = source_.kernels[next_kernel];
          void* fn = functions_[next_kernel++];
          if (k.launch.elements == 0) break;
          std::vector<uint64_t> pointers;
          for (ir::Value v : k.buffers) pointers.push_back(address(v));
          std::vector<void*> params;
          for (uint64_t& p : pointers) params.push_back(&p);
          ctx_.launch(fn, grid_size(k.launch), kBlockThreads, params.data());
          break;
        }
        case Step::Kind::Gemm: {
          const ir::Op& op = body.ops[step.op];
          auto g = gemm_layout(body, op);
          if (!g) throw Error(ErrorKind::Runtime, "operands not in a BLAS layout", "dot_general");
          uint64_t c = address(op.results[0]);
          if (g->batch * g->m * g->n == 0) break;
          if (g->k == 0) {
            ctx_.fill_zero(c, body.type(op.results[0]).nbytes());
            break;
          }
          runtime::cuda::gemm(ctx_, body.type(op.results[0]).dtype == ir::DType::F64, g->batch, g->m, g->n, g->k,
                              g->transpose_lhs, g->transpose_rhs, address(op.operands[0]), address(op.operands[1]), c);
          break;
        }
        case Step::Kind::Copy:
          ctx_.copy_on_device(outputs[size_t(step.output)], address(step.value), body.type(step.value).nbytes());
          break;
        case Step::Kind::Op: break;  // refused at compile time
      }
    }
    std::vector<runtime::Array> results;
    for (size_t j = 0; j < body.results.size(); ++j) {
      results.push_back(runtime::Array::allocate(body.type(body.results[j])));
      ctx_.copy_to_host(results.back().data(), outputs[j], results.back().nbytes());
    }
    return results;
  }

 private:
  // Grid-stride loops cover any size: enough blocks to fill the device several times over, no more.
  unsigned grid_size(const LaunchShape& launch) const {
    int64_t wanted = launch.per_row ? launch.rows : (launch.elements + kBlockThreads - 1) / kBlockThreads;
    int64_t cap = int64_t(ctx_.multiprocessors()) * 32;
    return unsigned(std::clamp<int64_t>(wanted, 1, cap));
  }

  Plan plan_;
  CudaContext& ctx_;
  ModuleSource source_;
  std::vector<void*> functions_;
};

class CudaCompiler final : public runtime::Compiler {
 public:
  std::shared_ptr<runtime::Executable> compile(const ir::Function& f, const runtime::CompileOptions& options) override {
    Plan plan = make_plan(f);
    if (dump_enabled("plan")) dump("plan", f.name, plan.to_string());
    int device = options.device.kind == runtime::Device::Kind::Cuda ? options.device.index : 0;
    return std::make_shared<CudaExecutable>(std::move(plan), device);
  }
};

}  // namespace

void register_cuda_backend() {
  static std::once_flag once;
  std::call_once(once, [] { runtime::register_compiler("cuda", std::make_shared<CudaCompiler>()); });
}

}  // namespace ember::lowering::cuda
