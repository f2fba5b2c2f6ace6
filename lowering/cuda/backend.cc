// The launch list of a plan on a CUDA device. Arguments on the device are read where they are (host ones are
// copied in first), results are left on the device, and nothing waits for the device: reading a result on
// the host does (runtime/device_copies.h).
#include "lowering/cuda/backend.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include "ir/error.h"
#include "lowering/cuda/source.h"
#include "lowering/plan/dump.h"
#include "lowering/plan/plan.h"
#include "runtime/compiler.h"
#include "runtime/cuda/cublas.h"
#include "runtime/cuda/device_buffer.h"
#include "runtime/cuda/driver.h"
#include "runtime/cuda/nvrtc.h"
#include "runtime/device_copies.h"
#include "runtime/executor.h"

namespace ember::lowering::cuda {

namespace {

using runtime::cuda::CudaContext;

class CudaExecutable final : public runtime::Executable {
 public:
  CudaExecutable(Plan plan, int device, bool allow_tf32)
      : plan_(std::move(plan)), ctx_(CudaContext::get(device)), allow_tf32_(allow_tf32) {
    for (size_t s = 0; s < plan_.steps.size(); ++s)
      if (plan_.steps[s].kind == Step::Kind::Op) prepare_op_step(s);
    source_ = emit_module_source(plan_);
    if (dump_enabled("cuda")) dump("cuda", plan_.function.name, source_.code);
    const auto& info = ctx_.info();
    std::string cubin =
        runtime::cuda::cached_cubin(source_.code, plan_.function.name, info.major * 10 + info.minor);
    void* module = ctx_.load_module(cubin);
    for (const KernelSource& k : source_.kernels) functions_.push_back(ctx_.function(module, k.name));
    // Constants go to the device once, here, not on every call.
    const ir::Body& body = plan_.body();
    for (const Storage& storage : plan_.storage)
      if (storage.kind == Storage::Kind::Constant) {
        size_t op = size_t(storage.index);
        if (constants_.count(op)) continue;
        const ir::Literal& lit = ir::attr_literal(body.ops[op].attrs, 0);
        runtime::Buffer b = runtime::cuda::device_buffer(ctx_, lit.nbytes());
        ctx_.copy_to_device(reinterpret_cast<uint64_t>(b.data()), lit.bytes(), lit.nbytes());
        constants_.emplace(op, std::move(b));
      }
  }

  using runtime::Executable::run;
  runtime::Device device() const override { return {runtime::Device::Kind::Cuda, ctx_.info().index}; }

  std::vector<runtime::Array> run(std::span<const runtime::Array> args, const std::vector<bool>&) override {
    const ir::Body& body = plan_.body();
    if (args.size() != body.params.size())
      throw make_error(ErrorKind::Value, "jit", "expected ", body.params.size(), " arguments, got ",
                       args.size());
    // Host arguments are copied in; the copies go back to the pool at the end of the call, which is safe
    // before the device has read them because every later use of the pool's blocks is on the same stream.
    std::vector<runtime::Array> on_device;
    std::vector<uint64_t> inputs, outputs;
    for (size_t i = 0; i < args.size(); ++i) {
      const runtime::Array& a = args[i];
      if (!a.buffer.on_host() && !(a.buffer.device() == device()))
        throw make_error(ErrorKind::Value, "jit", "argument ", i, " is on ", a.buffer.device().to_string(),
                         " but the function runs on ", device().to_string(),
                         " (move it with ember.device_put)");
      on_device.push_back(runtime::to_device(a, device()));
      inputs.push_back(reinterpret_cast<uint64_t>(on_device.back().data()));
    }
    std::vector<runtime::Array> results;
    for (ir::Value r : body.results) {
      results.push_back(
          runtime::Array{body.type(r), runtime::cuda::device_buffer(ctx_, body.type(r).nbytes())});
      outputs.push_back(reinterpret_cast<uint64_t>(results.back().data()));
    }
    runtime::Buffer workspace_buffer;
    if (plan_.workspace_bytes) workspace_buffer = runtime::cuda::device_buffer(ctx_, plan_.workspace_bytes);
    uint64_t workspace = reinterpret_cast<uint64_t>(workspace_buffer.data());
    auto address = [&](ir::Value v) -> uint64_t {
      const Storage& s = plan_.storage[v.id];
      switch (s.kind) {
        case Storage::Kind::Input:
          return inputs[size_t(s.index)];
        case Storage::Kind::Output:
          return outputs[size_t(s.index)];
        case Storage::Kind::Workspace:
          return workspace + uint64_t(s.index);
        case Storage::Kind::Constant:
          return reinterpret_cast<uint64_t>(constants_.at(size_t(s.index)).data());
        default:
          throw Error(ErrorKind::Runtime, "a value with no storage is read outside its kernel", "cuda");
      }
    };
    size_t next_kernel = 0;
    for (size_t s = 0; s < plan_.steps.size(); ++s) {
      const Step& step = plan_.steps[s];
      bool scatter = is_scatter_step(plan_, step);
      if (scatter) {  // the operand copied into the result, then the updates applied by the kernel below
        const ir::Op& op = body.ops[step.op];
        ctx_.copy_on_device(address(op.results[0]), address(op.operands[0]),
                            body.type(op.results[0]).nbytes());
      }
      switch (is_kernel_op_step(plan_, step) ? Step::Kind::Kernel : step.kind) {
        case Step::Kind::Kernel: {
          const KernelSource& k = source_.kernels[next_kernel];
          void* fn = functions_[next_kernel++];
          if (k.launch.elements == 0) break;
          std::vector<uint64_t> pointers;
          for (ir::Value v : k.buffers) pointers.push_back(address(v));
          if (k.scratch) pointers.push_back(workspace + step.scratch);
          std::vector<void*> params;
          for (uint64_t& p : pointers) params.push_back(&p);
          ctx_.launch(fn, grid_size(k.launch), unsigned(threads_per_block(k.launch)), params.data());
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
          runtime::cuda::gemm(ctx_, body.type(op.results[0]).dtype, g->batch, g->m, g->n, g->k,
                              g->transpose_lhs, g->transpose_rhs, address(op.operands[0]),
                              address(op.operands[1]), c, allow_tf32_);
          break;
        }
        case Step::Kind::Copy:
          ctx_.copy_on_device(outputs[size_t(step.output)], address(step.value),
                              body.type(step.value).nbytes());
          break;
        case Step::Kind::Op:
          run_op_step(s, address);
          break;
      }
    }
    return results;
  }

 private:
  // Control flow runs its regions' plans as executables of their own, from a loop on the host that reads
  // only predicates and branch indices back (runs_regions_from_host). Scatter, sort and top_k are kernels
  // (is_kernel_op_step). Other op steps (callbacks) run on the host with the reference executor, their
  // operands copied out and their results copied in.
  void prepare_op_step(size_t s) {
    const Step& step = plan_.steps[s];
    const ir::Op& op = plan_.body().ops[step.op];
    ir::Prim p = op.prim;
    if (p == ir::Prim::StackNew || p == ir::Prim::StackPush || p == ir::Prim::StackLoop)
      throw Error(
          ErrorKind::NotImplemented,
          "the cuda backend has no run-time stacks yet (reverse mode through while_loop without max_steps)",
          std::string(ir::prim_name(p)));
    if (!runs_regions_from_host(op)) return;
    std::vector<std::unique_ptr<CudaExecutable>>& regions = regions_[s];
    for (size_t r : executed_regions(op))
      regions.push_back(std::make_unique<CudaExecutable>(step.regions[r], ctx_.info().index, allow_tf32_));
  }

  // A device array over memory the call owns elsewhere (a value's storage, a row of one).
  runtime::Array view(const ir::Type& type, uint64_t address) const {
    auto* p = reinterpret_cast<void*>(address);
    return runtime::Array{
        type, runtime::Buffer::wrap_device(device(), std::shared_ptr<const void>(p, [](const void*) {}), p,
                                           type.nbytes())};
  }

  template <typename Address>
  void run_op_step(size_t s, const Address& address) {
    const ir::Body& body = plan_.body();
    const ir::Op& op = body.ops[plan_.steps[s].op];
    std::vector<runtime::Array> operands;
    for (ir::Value v : op.operands) operands.push_back(view(body.type(v), address(v)));
    std::vector<runtime::Array> results;
    if (runs_regions_from_host(op)) {
      results = run_regions(s, op, operands);
    } else {
      for (runtime::Array& a : operands) a = runtime::to_host(a);
      results = runtime::execute_op(op.prim, operands, op.attrs, op.regions);
    }
    for (size_t j = 0; j < results.size(); ++j) {
      uint64_t dst = address(op.results[j]);
      if (results[j].buffer.on_host())
        ctx_.copy_to_device(dst, results[j].data(), results[j].nbytes());
      else
        ctx_.copy_on_device(dst, reinterpret_cast<uint64_t>(results[j].data()), results[j].nbytes());
    }
  }

  // Reads a scalar of a device array on the host (waits for the work that computes it).
  template <typename T>
  T read_scalar(const runtime::Array& a) const {
    T value;
    ctx_.copy_to_host(&value, reinterpret_cast<uint64_t>(a.data()), sizeof(T));
    return value;
  }

  // The semantics are the reference executor's (runtime/kernels/control.cc).
  std::vector<runtime::Array> run_regions(size_t s, const ir::Op& op, std::vector<runtime::Array>& in) {
    std::vector<std::unique_ptr<CudaExecutable>>& regions = regions_.at(s);
    std::span<const runtime::Array> all(in);
    switch (op.prim) {
      case ir::Prim::Cond: {
        int64_t index = std::clamp<int64_t>(read_scalar<int32_t>(in[0]), 0, int64_t(regions.size()) - 1);
        return regions[size_t(index)]->run(all.subspan(1));
      }
      case ir::Prim::While: {
        size_t cond_consts = size_t(ir::attr_int(op.attrs, 0)),
               body_consts = size_t(ir::attr_int(op.attrs, 1));
        int64_t max_steps = ir::attr_int(op.attrs, 2);
        std::vector<runtime::Array> carry(in.begin() + ptrdiff_t(cond_consts + body_consts), in.end());
        std::vector<runtime::Array> args;
        for (int64_t step = 0;; ++step) {
          args.assign(in.begin(), in.begin() + ptrdiff_t(cond_consts));
          args.insert(args.end(), carry.begin(), carry.end());
          if (!read_scalar<bool>(regions[0]->run(args)[0])) break;
          if (max_steps >= 0 && step == max_steps)
            throw Error(ErrorKind::Runtime,
                        "expected at most max_steps=" + std::to_string(max_steps) + " iterations, got more",
                        "while");
          args.assign(in.begin() + ptrdiff_t(cond_consts), in.begin() + ptrdiff_t(cond_consts + body_consts));
          args.insert(args.end(), carry.begin(), carry.end());
          carry = regions[1]->run(args);
        }
        return carry;
      }
      case ir::Prim::Scan: {
        size_t consts = size_t(ir::attr_int(op.attrs, 0)), num_carry = size_t(ir::attr_int(op.attrs, 1));
        int64_t length = ir::attr_int(op.attrs, 2);
        bool reverse = ir::attr_bool(op.attrs, 3);
        const ir::Body& body = plan_.body();
        std::vector<runtime::Array> out(in.begin() + ptrdiff_t(consts),
                                        in.begin() + ptrdiff_t(consts + num_carry));
        for (size_t y = num_carry; y < op.results.size(); ++y) {  // the stacked per-step results
          const ir::Type& t = body.type(op.results[y]);
          out.push_back(runtime::Array{t, runtime::cuda::device_buffer(ctx_, t.nbytes())});
        }
        std::vector<runtime::Array> args;
        for (int64_t step = 0; step < length; ++step) {
          int64_t i = reverse ? length - 1 - step : step;
          args.assign(in.begin(), in.begin() + ptrdiff_t(consts));
          args.insert(args.end(), out.begin(), out.begin() + ptrdiff_t(num_carry));
          for (size_t x = consts + num_carry; x < in.size(); ++x) {  // row i of each scanned array
            ir::Type row{in[x].type.dtype, ir::Shape(in[x].type.shape.begin() + 1, in[x].type.shape.end())};
            args.push_back(view(row, reinterpret_cast<uint64_t>(in[x].data()) + uint64_t(i) * row.nbytes()));
          }
          std::vector<runtime::Array> step_out = regions[0]->run(args);
          std::copy(step_out.begin(), step_out.begin() + ptrdiff_t(num_carry), out.begin());
          for (size_t y = num_carry; y < step_out.size(); ++y) {
            size_t row = step_out[y].nbytes();
            ctx_.copy_on_device(reinterpret_cast<uint64_t>(out[y].data()) + uint64_t(i) * row,
                                reinterpret_cast<uint64_t>(step_out[y].data()), row);
          }
        }
        return out;
      }
      default:
        return regions[0]->run(all);  // custom-rule calls and checkpoint run their function
    }
  }

  unsigned grid_size(const LaunchShape& launch) const {
    int64_t cap = int64_t(ctx_.multiprocessors()) * kBlocksPerMultiprocessor;
    return unsigned(std::clamp<int64_t>(blocks_wanted(launch), 1, cap));
  }

  Plan plan_;
  CudaContext& ctx_;
  bool allow_tf32_;
  ModuleSource source_;
  std::vector<void*> functions_;
  std::map<size_t, runtime::Buffer> constants_;                             // on the device, by constant op
  std::map<size_t, std::vector<std::unique_ptr<CudaExecutable>>> regions_;  // by op step: its regions' code
};

class CudaCompiler final : public runtime::Compiler {
 public:
  std::shared_ptr<runtime::Executable> compile(const ir::Function& f,
                                               const runtime::CompileOptions& options) override {
    Plan plan = make_plan(f, cuda_plan_options());
    if (dump_enabled("plan")) dump("plan", f.name, plan.to_string());
    int device = options.device.kind == runtime::Device::Kind::Cuda ? options.device.index : 0;
    return std::make_shared<CudaExecutable>(std::move(plan), device, options.allow_tf32);
  }
};

}  // namespace

void register_cuda_backend() {
  static std::once_flag once;
  std::call_once(once, [] {
    runtime::register_compiler("cuda", std::make_shared<CudaCompiler>());
    runtime::cuda::register_cuda_copies();
  });
}

}  // namespace ember::lowering::cuda
