// CUDA C for a fusion plan (DESIGN §7): each kernel step of the plan becomes one __global__ function in a
// single translation unit that NVRTC compiles for the device. Plain C++ (no CUDA headers): the source can be
// generated, printed and compile-checked on a machine without a GPU.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lowering/plan/plan.h"

namespace ember::lowering::cuda {

// How a kernel is launched.
struct LaunchShape {
  // false: a grid-stride loop over `elements`, one thread per element (kernels without row reductions).
  // true: blocks take `rows` rows in a grid-stride loop; a block's threads stride over the `row_length`
  // elements of its row and cooperate in each reduction the row needs (softmax, layernorm, sums).
  bool per_row = false;
  // A scatter: one thread applies the `elements` updates in order (the backend first copies the operand into
  // the result).
  bool serial = false;
  int64_t elements = 0;
  int64_t rows = 0;
  int64_t row_length = 0;
};

struct KernelSource {
  std::string name;                // the extern "C" __global__ function
  size_t step = 0;                 // the plan step it computes
  std::vector<ir::Value> buffers;  // its pointer parameters in order: the values it reads, then the root
  bool scratch = false;            // one more parameter after them: the step's scratch (sort kernels)
  LaunchShape launch;
};

struct ModuleSource {
  std::string code;  // one translation unit
  std::vector<KernelSource> kernels;
};

// Threads per block of every kernel (a multiple of the warp size: block reductions assume it).
inline constexpr int kBlockThreads = 256;
// Grid-stride loops cover any size: a launch asks for one block per row or per kBlockThreads elements, and
// gets at most kBlocksPerMultiprocessor blocks per multiprocessor (enough to fill the device, no more).
inline constexpr int kBlocksPerMultiprocessor = 32;
inline int64_t blocks_wanted(const LaunchShape& launch) {
  if (launch.serial) return 1;
  return launch.per_row ? launch.rows : (launch.elements + kBlockThreads - 1) / kBlockThreads;
}
inline int threads_per_block(const LaunchShape& launch) { return launch.serial ? 1 : kBlockThreads; }
// Whether `op` is control flow the cuda backend runs from the host, each of its executed_regions a plan of
// its own on the device: everything with regions except stack_loop (run-time stacks are not built).
inline bool runs_regions_from_host(const ir::Op& op) {
  return op.prim != ir::Prim::StackLoop && !executed_regions(op).empty();
}
// Whether the plan's op step `step` is a scatter, which the generator writes as a (serial) kernel.
inline bool is_scatter_step(const Plan& plan, const Step& step) {
  return step.kind == Step::Kind::Op && ir::has_flag(plan.body().ops[step.op].prim, ir::kScatter);
}
// Whether it is a sort or top_k, which the generator writes as a kernel of one block per slice, using the
// step's scratch (PlanOptions::sort_scratch).
inline bool is_sort_step(const Plan& plan, const Step& step) {
  if (step.kind != Step::Kind::Op) return false;
  ir::Prim p = plan.body().ops[step.op].prim;
  return p == ir::Prim::Sort || p == ir::Prim::TopK;
}
// The op steps the generator writes kernels for.
inline bool is_kernel_op_step(const Plan& plan, const Step& step) {
  return is_scatter_step(plan, step) || is_sort_step(plan, step);
}

// The plan options of the cuda backend: cuBLAS also takes float16, bfloat16 and complex products.
inline PlanOptions cuda_plan_options() {
  PlanOptions options;
  options.gemm_half_floats = true;
  options.gemm_complex = true;
  options.sort_scratch = true;
  return options;
}

// The CUDA C of every kernel step of `plan`. Throws NotImplementedError naming the op and its types for an op
// the CUDA code generator does not handle yet.
ModuleSource emit_module_source(const Plan& plan);

}  // namespace ember::lowering::cuda
