// The IR verifier. Each body is checked with one loop over its ops; an op's regions are checked (by
// recursion, one level per nesting level, never per op) before the op's shape rule runs, because rules
// for region-carrying primitives read their regions' types. Regions are isolated, so each is checked as a
// body of its own: its operands must be its own parameters or values it defines.
//
// Errors name the innermost op's primitive and the path to it:
//   [tanh] op 3: operand %7 is not defined before its use
//   [sin] op 2, region 0, op 1: result %4 is already defined
// Value ids are the raw Value::id (the printer's ids match for bodies built in definition order).
#include "ir/verifier.h"

#include <string>
#include <vector>

#include "ir/error.h"

namespace ember::ir {

namespace {

std::string value_text(Value v) {
  std::string s = "%";
  s += std::to_string(v.id);
  return s;
}

std::string types_text(std::span<const Type> types) {
  std::string s;
  for (size_t i = 0; i < types.size(); ++i) s += (i ? ", " : "") + to_string(types[i]);
  return s;
}

class BodyVerifier {
 public:
  BodyVerifier(const Body& body, std::string path) : body_(body), path_(std::move(path)) {
    defined_.assign(body.types.size(), false);
  }

  void run() {
    for (size_t i = 0; i < body_.params.size(); ++i) check_param(i);
    for (size_t i = 0; i < body_.ops.size(); ++i) check_op(i);
    for (Value v : body_.results)
      if (!is_defined(v)) fail(nullptr, path_, "returned value " + value_text(v) + " is not defined");
  }

 private:
  [[noreturn]] static void fail(const Op* op, const std::string& where, const std::string& what) {
    std::string name = op ? std::string(prim_name(op->prim)) : std::string();
    std::string loc = op && op->loc ? op->loc->to_string() : std::string();
    throw Error(ErrorKind::Value, where + what, name, loc);
  }

  bool has_type(Value v) const { return v.id < body_.types.size(); }
  bool is_defined(Value v) const { return has_type(v) && defined_[v.id]; }

  // Marks `v` defined; `what` names it in errors ("parameter", "result").
  void define(Value v, const Op* op, const std::string& where, const std::string& what) {
    if (!has_type(v))
      fail(op, where,
           what + " " + value_text(v) + " has no entry in the type table (" +
               std::to_string(body_.types.size()) + " entries)");
    if (defined_[v.id]) fail(op, where, what + " " + value_text(v) + " is already defined");
    defined_[v.id] = true;
  }

  void check_param(size_t i) {
    Value v = body_.params[i];
    define(v, nullptr, path_, "parameter");
    for (int64_t d : body_.type(v).shape)
      if (d < 0)
        fail(nullptr, path_,
             "parameter " + value_text(v) + " has a negative dimension: " + to_string(body_.type(v)));
  }

  void check_op(size_t index) {
    const Op& op = body_.ops[index];
    std::string where = path_ + "op " + std::to_string(index) + ": ";
    std::vector<Type> operand_types;
    operand_types.reserve(op.operands.size());
    for (Value v : op.operands) {
      if (!has_type(v))
        fail(&op, where,
             "operand " + value_text(v) + " has no entry in the type table (" +
                 std::to_string(body_.types.size()) + " entries)");
      if (!is_defined(v)) fail(&op, where, "operand " + value_text(v) + " is not defined before its use");
      operand_types.push_back(body_.type(v));
    }
    for (size_t r = 0; r < op.regions.size(); ++r)
      BodyVerifier(op.regions[r],
                   path_ + "op " + std::to_string(index) + ", region " + std::to_string(r) + ", ")
          .run();

    std::vector<Type> inferred;
    try {
      inferred = infer_result_types(op.prim, operand_types, op.attrs, op.regions);
    } catch (const Error& e) {
      fail(&op, where, e.message());
    }
    if (inferred.size() != op.results.size())
      fail(&op, where,
           "expected " + std::to_string(inferred.size()) + " results, got " +
               std::to_string(op.results.size()));
    for (size_t r = 0; r < op.results.size(); ++r) {
      Value v = op.results[r];
      define(v, &op, where, "result");
      if (!(body_.type(v) == inferred[r]))
        fail(&op, where,
             "result " + value_text(v) + " has type " + to_string(body_.type(v)) +
                 ", but the shape rule gives " + to_string(inferred[r]) + " for operands (" +
                 types_text(operand_types) + ")");
    }
  }

  const Body& body_;
  std::string path_;
  std::vector<bool> defined_;
};

}  // namespace

void verify_body(const Body& body) { BodyVerifier(body, "").run(); }

void verify(const Function& f) { verify_body(f.body); }

}  // namespace ember::ir
