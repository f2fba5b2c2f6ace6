#include "lowering/cpu/aot.h"

#include "ir/error.h"
#include "lowering/cpu/compile.h"
#include "lowering/plan/plan.h"

namespace ember::lowering::cpu {

namespace {

// Refuses, with the reason and the user's line, the ops whose code needs the process that compiled it.
void check_standalone(const ir::Body& body) {
  for (const ir::Op& op : body.ops) {
    std::string why;
    if (ir::has_flag(op.prim, ir::kHostCallback))
      why = "host callbacks call Python, which a standalone shared object does not have";
    else if (op.prim == ir::Prim::StackNew || op.prim == ir::Prim::StackPush ||
             op.prim == ir::Prim::StackLoop)
      why =
          "reverse mode through a while_loop without max_steps needs storage that grows at run time; give "
          "the "
          "while_loop a max_steps";
    if (!why.empty())
      throw Error(ErrorKind::Value, "cannot be compiled ahead of time: " + why,
                  std::string(ir::prim_name(op.prim)), op.loc ? op.loc->to_string() : "");
    for (const ir::Body& region : op.regions) check_standalone(region);
  }
}

}  // namespace

AotObject compile_ahead_of_time(const ir::Function& f, const std::string& target) {
  check_standalone(f.body);
  Plan plan = make_plan(f, cpu_plan_options());
  CpuOptions options;
  options.target_cpu = target == "native" ? "" : target;
  AotObject out;
  out.object = compile_plan_to_object(plan, options).object;
  out.workspace_bytes = plan.workspace_bytes;
  for (const Step& s : plan.steps) out.calls_blas = out.calls_blas || s.kind == Step::Kind::Gemm;
  out.cpu_features = required_cpu_features(options);
  out.target = target_description(options);
  return out;
}

}  // namespace ember::lowering::cpu
