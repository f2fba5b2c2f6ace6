// The reference executor: runs every primitive eagerly on host arrays. It is ember's eager mode and the
// oracle every backend is tested against. Kernels dispatch on dtype once per call and then run tight
// loops the compiler vectorises.
#pragma once

#include <span>
#include <vector>

#include "ir/function.h"
#include "ir/prim_table.h"
#include "runtime/buffer.h"

namespace ember::runtime {

struct KernelArgs {
  std::span<const Array> inputs;
  std::span<Array> outputs;  // allocated with the result types; the kernel fills them
  const ir::Attrs& attrs;
  std::span<const ir::Body> regions;
};
using Kernel = void (*)(const KernelArgs&);

// One kernel per primitive (or an explicit "unsupported: reason").
const ir::PrimTable<Kernel>& kernel_table();

// Runs one primitive: checks the operands against the primitive's rule, allocates the results, runs the
// kernel. Throws ember::Error for invalid operands and for out-of-bounds concrete indices (IndexError).
std::vector<Array> execute_op(ir::Prim p, std::span<const Array> operands, const ir::Attrs& attrs,
                              std::span<const ir::Body> regions = {});
// The first result of the op, without the vectors when it has only one (every elementwise primitive,
// reductions, dot_general): the eager fast path of bind1.
Array execute_op1(ir::Prim p, std::span<const Array> operands, const ir::Attrs& attrs);
// Same with the result types already known (skips the shape rule).
std::vector<Array> execute_op_typed(ir::Prim p, std::span<const Array> operands, const ir::Attrs& attrs,
                                    std::span<const ir::Body> regions, std::span<const ir::Type> result_types);
// Runs a body op by op, releasing each intermediate after its last use.
std::vector<Array> execute_body(const ir::Body& body, std::span<const Array> args);
inline std::vector<Array> execute(const ir::Function& f, std::span<const Array> args) {
  return execute_body(f.body, args);
}

}  // namespace ember::runtime
