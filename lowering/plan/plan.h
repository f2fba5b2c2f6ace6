// The fusion plan (DESIGN §7), shared by the CPU and CUDA backends: a function's top-level ops partitioned
// into steps — fused loop kernels, library calls, copies — and a storage place for every value that is
// written to memory. Values computed inside a kernel and used only there have no storage at all.
//
// A kernel computes one root value over its iteration domain (the root's shape) and evaluates the ops it
// fused per element, reading operands from memory only where they come from outside the kernel. Reductions
// and small contractions fuse into the kernel that consumes them when each of their results is computed
// once per kernel (a row reduction feeding the same rows), so softmax over rows is a single kernel; where a
// result would be recomputed for many elements of the domain (a column mean feeding every row), it is
// materialised by its own kernel instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/function.h"

namespace ember::lowering {

struct Kernel {
  ir::Value root;
  std::vector<uint32_t> ops;  // indices into the body's ops, in program order; the root's op is last
};

struct Plan;

struct Step {
  enum class Kind : uint8_t {
    Kernel,  // a fused loop kernel
    Gemm,    // a dot_general op done by the BLAS library (operands in [batch, free, contract] order or with
             // free and contracting groups swapped; see gemm_layout)
    Op,      // one op the backend compiles on its own (control flow, sort, scatter, callbacks, ...): its operands
             // and results are materialised
    Copy,    // copies `value` into function result `output` (a result that is a parameter, a constant, or
             // another result)
  };
  Kind kind = Kind::Kernel;
  Kernel kernel;       // Kind::Kernel
  uint32_t op = 0;     // Kind::Gemm, Kind::Op
  ir::Value value;     // Kind::Copy
  int output = -1;     // Kind::Copy
  // Kind::Op with regions the code runs (cond's branches, while's cond and body, scan's and stack_loop's
  // body, the function region of custom-rule calls and checkpoint): each region planned on its own, by
  // region index (a region the code never runs, such as a custom_jvp_call's rule, has an empty plan).
  std::vector<Plan> regions;
  // Workspace the op needs only while it runs, at `scratch` bytes into the workspace: first a buffer for
  // each loop-carried value (while, scan and stack_loop write their body's results there before copying
  // them into the carry), then a 64-byte slot for while's condition or stack_loop's index, then the
  // regions' workspaces (one region runs at a time, so they share it). See control_scratch(). For sort and
  // top_k with PlanOptions::sort_scratch: sort_scratch_bytes for the order of each slice.
  size_t scratch = 0;
};

// Where a materialised value lives.
struct Storage {
  enum class Kind : uint8_t {
    None,       // not written to memory (computed inside one kernel)
    Input,      // function parameter `index`
    Output,     // function result `index`
    Workspace,  // `index` bytes into the workspace
    Constant,   // the literal of the constant op `index`
  };
  Kind kind = Kind::None;
  int64_t index = 0;
};

// A dot_general done as (batched) GEMM: C[b] = op(A[b]) * op(B[b]) with row-major matrices.
struct GemmLayout {
  int64_t batch = 1, m = 1, n = 1, k = 1;
  bool transpose_lhs = false;  // lhs is stored [batch, k, m] instead of [batch, m, k]
  bool transpose_rhs = false;  // rhs is stored [batch, n, k] instead of [batch, k, n]
};

// "input", "output", "workspace", "constant" or "none": how plans are printed and shown to Python.
std::string_view storage_kind_name(Storage::Kind kind);

struct PlanOptions {
  // dot_general with fewer multiply-adds per batch item than this is generated as loops in a kernel.
  int64_t gemm_min_work = 32 * 32 * 32;
  // Whether the library also takes float16 and bfloat16 products (cuBLAS does; OpenBLAS has none).
  bool gemm_half_floats = false;
  // Whether it also takes complex64 and complex128 products (cuBLAS does; the CPU backend's BLAS calls don't).
  bool gemm_complex = false;
  // Whether sort and top_k steps get scratch (sort_scratch_bytes) for the CUDA backend's sort kernels.
  bool sort_scratch = false;
};

struct Plan {
  ir::Function function;  // the planned function (dot_general operands may have been transposed for BLAS)
  std::vector<Step> steps;
  std::vector<Storage> storage;  // by value id
  size_t workspace_bytes = 0;
  // By function result: the parameter whose buffer the result may be written into when the caller donates
  // that parameter (jit's donate_argnums), or -1. A result qualifies when it has the parameter's type and is
  // the root of the last step reading the parameter, through elementwise ops only: each element of the
  // parameter is then read only to compute the result's element at the same index, before it is written.
  // Each parameter serves at most one result.
  std::vector<int> reusable_input;

  const ir::Body& body() const { return function.body; }
  // Readable form, printed by EMBER_DUMP=plan.
  std::string to_string() const;
};

// The layout of an op step's scratch area (offsets relative to Step::scratch).
struct ControlScratch {
  std::vector<size_t> carry;  // one buffer per loop-carried value
  size_t flag = 0;            // while's condition (a bool) or stack_loop's index (an int32)
  size_t regions = 0;         // where the regions' workspaces start
  size_t bytes = 0;           // the whole area
};
ControlScratch control_scratch(const ir::Body& body, const ir::Op& op, const std::vector<Plan>& regions);
// The scratch of a sort or top_k step on the CUDA backend: two int32 positions per element (each slice's
// order, merged back and forth).
inline size_t sort_scratch_bytes(const ir::Body& body, const ir::Op& op) {
  return 2 * sizeof(int32_t) * size_t(body.type(op.operands[0]).numel());
}
// The regions an op's code runs, by index: every branch of cond, both regions of while, the body of scan and
// stack_loop, and only the function of custom-rule calls and checkpoint.
std::vector<size_t> executed_regions(const ir::Op& op);
// The values a loop op carries from one iteration to the next: their indices into the op's operands.
std::vector<size_t> carried_operands(const ir::Op& op);
// Bytes a value occupies in the workspace (rounded up to 64, a cache line).
size_t workspace_size(const ir::Type& t);

// Partitions `f`. Every primitive is accepted; a backend rejects what it cannot compile.
Plan make_plan(const ir::Function& f, const PlanOptions& options = {});

// The GEMM form of a dot_general whose operands are in BLAS order, or nothing when they are not.
std::optional<GemmLayout> gemm_layout(const ir::Body& body, const ir::Op& dot);

// Ops a kernel evaluates per element of its domain (elementwise, layout and constant ops).
bool is_pointwise(ir::Prim p);
// Ops a kernel evaluates with an inner loop (reductions, arg-reductions, dot_general as loops).
bool is_loop_reduction(ir::Prim p);
// A reduction over dims other than its operand's last (a bias gradient: x.sum(0)) whose last dim is long: it
// roots a kernel of its own, which accumulates whole rows of the operand into its result (contiguous,
// vectorised) instead of reducing each result element with strided reads.
bool is_column_reduction(const ir::Body& body, const ir::Op& op);
// Elementwise ops that cost many instructions (a polynomial or a library call) per element.
bool is_costly(ir::Prim p);

}  // namespace ember::lowering
