#include "frontend/transform_api.h"

#include "frontend/trace.h"
#include "ir/error.h"
#include "runtime/executor.h"
#include "transforms/simplify.h"

namespace ember::frontend {

std::vector<Tensor> eval_function(const ir::Function& f, std::span<const Tensor> args) {
  const ir::Body& body = f.body;
  if (args.size() != body.params.size())
    throw make_error(ErrorKind::Value, f.name, "expected ", body.params.size(), " arguments, got ", args.size());
  std::vector<Tensor> values(body.types.size());
  for (size_t i = 0; i < args.size(); ++i) values[body.params[i].id] = args[i];
  std::vector<Tensor> operands;
  // Ops keep the location they were traced at; ops that transforms created without one get the caller's.
  const ir::Location* caller = current_location();
  LocationOverride location(caller);
  for (const ir::Op& op : body.ops) {
    location.set(op.loc ? op.loc : caller);
    operands.clear();
    for (ir::Value v : op.operands) operands.push_back(values[v.id]);
    std::vector<Tensor> results = bind(op.prim, operands, op.attrs, op.regions);
    for (size_t i = 0; i < results.size(); ++i) values[op.results[i].id] = std::move(results[i]);
  }
  std::vector<Tensor> out;
  for (ir::Value r : body.results) out.push_back(values[r.id]);
  return out;
}

ir::Function simplify_function(const ir::Function& f) {
  transforms::ConstantEvaluator evaluate = [](const ir::Op& op, std::span<const ir::Literal> operands,
                                              std::span<const ir::Type> types)
      -> std::optional<std::vector<ir::Literal>> {
    std::vector<runtime::Array> arrays;
    for (const ir::Literal& l : operands) arrays.push_back(runtime::Array::from_literal(l));
    try {
      std::vector<runtime::Array> results = runtime::execute_op_typed(op.prim, arrays, op.attrs, op.regions, types);
      std::vector<ir::Literal> out;
      for (const runtime::Array& r : results) out.push_back(r.to_literal());
      return out;
    } catch (const Error&) {
      return std::nullopt;  // left for run time, where the error (if any) is reported with its location
    }
  };
  return transforms::simplify(f, &evaluate);
}

}  // namespace ember::frontend
