#include "runtime/executor.h"

#include <array>
#include <string>

#include "ir/error.h"
#include "runtime/kernels/kernels.h"

namespace ember::runtime {

const ir::PrimTable<Kernel>& kernel_table() {
  static const ir::PrimTable<Kernel> table = [] {
    ir::PrimTable<Kernel> t("the reference executor");
    kernels::register_elementwise(t);
    kernels::register_layout(t);
    kernels::register_reductions(t);
    kernels::register_dot(t);
    kernels::register_gather_scatter(t);
    kernels::register_sort(t);
    kernels::register_cumulative(t);
    kernels::register_special(t);
    kernels::register_control(t);
    return t;
  }();
  return table;
}

std::vector<Array> execute_op_typed(ir::Prim p, std::span<const Array> operands, const ir::Attrs& attrs,
                                    std::span<const ir::Body> regions, std::span<const ir::Type> result_types) {
  const Kernel& kernel = kernel_table().get(p);
  std::vector<Array> results;
  results.reserve(result_types.size());
  for (const ir::Type& t : result_types) results.push_back(Array::allocate(t));
  kernel(KernelArgs{operands, results, attrs, regions});
  return results;
}

namespace {

// The result types of an op from its operands' types (the primitive's rule, which also validates them).
// Operand types of the common small ops stay on the stack: eager dispatch of a tiny op is dominated by
// such allocations, not by the kernel.
std::vector<ir::Type> result_types_of(ir::Prim p, std::span<const Array> operands, const ir::Attrs& attrs,
                                      std::span<const ir::Body> regions) {
  constexpr size_t kInline = 4;
  if (operands.size() <= kInline) {
    std::array<ir::Type, kInline> types;
    for (size_t i = 0; i < operands.size(); ++i) types[i] = operands[i].type;
    return ir::infer_result_types(p, std::span<const ir::Type>(types.data(), operands.size()), attrs,
                                  regions);
  }
  std::vector<ir::Type> types;
  types.reserve(operands.size());
  for (const Array& a : operands) types.push_back(a.type);
  return ir::infer_result_types(p, types, attrs, regions);
}

}  // namespace

std::vector<Array> execute_op(ir::Prim p, std::span<const Array> operands, const ir::Attrs& attrs,
                              std::span<const ir::Body> regions) {
  std::vector<ir::Type> result_types = result_types_of(p, operands, attrs, regions);
  return execute_op_typed(p, operands, attrs, regions, result_types);
}

Array execute_op1(ir::Prim p, std::span<const Array> operands, const ir::Attrs& attrs) {
  std::vector<ir::Type> result_types = result_types_of(p, operands, attrs, {});
  if (result_types.size() != 1) {
    if (result_types.empty())
      throw Error(ErrorKind::Value, "expected an op with results, got none", std::string(ir::prim_name(p)));
    return std::move(execute_op_typed(p, operands, attrs, {}, result_types)[0]);
  }
  const Kernel& kernel = kernel_table().get(p);
  Array result = Array::allocate(result_types[0]);
  kernel(KernelArgs{operands, std::span<Array>(&result, 1), attrs, {}});
  return result;
}

std::vector<Array> execute_body(const ir::Body& body, std::span<const Array> args) {
  if (args.size() != body.params.size())
    throw Error(ErrorKind::Value, "expected " + std::to_string(body.params.size()) + " arguments, got " +
                                      std::to_string(args.size()), "execute");
  // Last op that reads each value, so intermediates are freed as soon as they are dead.
  constexpr size_t kKeep = size_t(-1);
  std::vector<size_t> last_use(body.types.size(), 0);
  for (size_t i = 0; i < body.ops.size(); ++i)
    for (ir::Value v : body.ops[i].operands) last_use[v.id] = i;
  for (ir::Value v : body.results) last_use[v.id] = kKeep;

  std::vector<Array> values(body.types.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const ir::Type& expected = body.type(body.params[i]);
    if (args[i].type.dtype != expected.dtype || !(args[i].type.shape == expected.shape))
      throw Error(ErrorKind::Type, "expected argument " + std::to_string(i) + " of type " +
                                       ir::to_string(expected) + ", got " + ir::to_string(args[i].type),
                  "execute");
    values[body.params[i].id] = args[i];
  }
  std::vector<Array> operands;
  std::vector<ir::Type> result_types;
  for (size_t i = 0; i < body.ops.size(); ++i) {
    const ir::Op& op = body.ops[i];
    operands.clear();
    for (ir::Value v : op.operands) operands.push_back(values[v.id]);
    result_types.clear();
    for (ir::Value v : op.results) result_types.push_back(body.type(v));
    std::vector<Array> results;
    try {
      results = execute_op_typed(op.prim, operands, op.attrs, op.regions, result_types);
    } catch (Error& e) {
      e.with_op(ir::prim_name(op.prim));
      if (op.loc) e.with_location(op.loc->to_string());
      throw;
    }
    for (size_t r = 0; r < results.size(); ++r) values[op.results[r].id] = std::move(results[r]);
    for (ir::Value v : op.operands)
      if (last_use[v.id] == i) values[v.id] = Array{};
  }
  std::vector<Array> out;
  out.reserve(body.results.size());
  for (ir::Value v : body.results) out.push_back(values[v.id]);
  return out;
}

}  // namespace ember::runtime
