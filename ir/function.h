// The IR's data structures: values, ops, bodies (a function body or an op's nested region) and functions.
//
// Values are indices into their body's type table, so an op is a small record (primitive, operand and
// result indices, attributes) and graph walks are loops over vectors, never recursion over pointers:
// a 100,000-op function is built, walked and destroyed without deep stacks.
//
// Regions are isolated from above, as JAX's sub-jaxprs are: a region sees only its own parameters and the
// values it defines, and its op passes everything it needs as operands. Each region therefore numbers its
// values on its own, and every transform can treat a region like a function.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "ir/attr.h"
#include "ir/prim.h"
#include "ir/small_vec.h"
#include "ir/type.h"

namespace ember::ir {

struct Value {
  uint32_t id = std::numeric_limits<uint32_t>::max();
  bool valid() const { return id != std::numeric_limits<uint32_t>::max(); }
  friend bool operator==(Value a, Value b) { return a.id == b.id; }
};

// A user source location ("model.py:12"), interned: ops hold a pointer that lives as long as the process.
struct Location {
  std::string file;
  int line = 0;
  std::string to_string() const { return file + ":" + std::to_string(line); }
};
const Location* intern_location(std::string_view file, int line);

using Values = SmallVec<Value, 4>;

struct Op;

struct Body {
  std::vector<Type> types;  // type of each value, by Value::id
  std::vector<Value> params;
  std::vector<Op> ops;
  std::vector<Value> results;

  Body();
  Body(const Body&);
  Body(Body&&) noexcept;
  Body& operator=(const Body&);
  Body& operator=(Body&&) noexcept;
  ~Body();

  Value add_value(Type t) {
    types.push_back(std::move(t));
    return Value{uint32_t(types.size() - 1)};
  }
  Value add_param(Type t) {
    Value v = add_value(std::move(t));
    params.push_back(v);
    return v;
  }
  const Type& type(Value v) const { return types[v.id]; }
  std::vector<Type> param_types() const;
  std::vector<Type> result_types() const;
};

struct Op {
  Prim prim = Prim::Constant;
  const Location* loc = nullptr;
  SmallVec<Value, 3> operands;
  SmallVec<Value, 1> results;
  Attrs attrs;
  std::vector<Body> regions;
};

struct Function {
  std::string name = "f";
  Body body;
};

// Structural equality of bodies: same types, same ops (primitive, operands, attributes, regions) in the
// same order, same parameters and results. Locations are ignored.
bool bodies_equal(const Body& a, const Body& b);
size_t body_hash(const Body& b);
// An op's identity for CSE: primitive, operands, attributes and regions (not results or location).
bool ops_equivalent(const Op& a, const Op& b);
// `f` with its parameters rearranged (for use as a region): slot k is either the index of one of f's
// parameters or a type (a new parameter the body does not read). Each parameter of f must appear once.
using ParamSlot = std::variant<size_t, Type>;
Function with_param_layout(const Function& f, std::span<const ParamSlot> layout);
// Whether running the op has an effect beyond its results (a kSideEffect primitive, or one in a region).
bool has_side_effects(const Op& op);
// Whether the op must not be merged with an equal one or folded (a side effect or run-time state, also in
// its regions).
bool is_stateful(const Op& op);
size_t op_hash(const Op& op);

// Appends ops to a body, running each primitive's shape rule as the op is built (DESIGN §3: a bad shape is
// reported while tracing, naming the primitive, the shapes and the user's source line).
class Builder {
 public:
  explicit Builder(Body& body) : body_(&body) {}

  Body& body() { return *body_; }
  void set_location(const Location* loc) { loc_ = loc; }
  const Location* location() const { return loc_; }

  Value param(Type t) { return body_->add_param(std::move(t)); }
  // Builds an op and returns its results. Throws ember::Error (with the op name and location) when the
  // operands or attributes are invalid; the body is unchanged then.
  Values add(Prim p, std::span<const Value> operands, Attrs attrs = {},
                             std::vector<Body> regions = {});
  // For single-result primitives.
  Value add1(Prim p, std::span<const Value> operands, Attrs attrs = {}, std::vector<Body> regions = {});
  Value add1(Prim p, std::initializer_list<Value> operands, Attrs attrs = {}) {
    return add1(p, std::span<const Value>(operands.begin(), operands.size()), std::move(attrs));
  }
  // Appends an op whose result types are already known (transforms copying ops); checked by the verifier.
  Values add_typed(Prim p, std::span<const Value> operands, Attrs attrs,
                                   std::vector<Body> regions, std::span<const Type> result_types);
  void set_results(std::span<const Value> results) { body_->results.assign(results.begin(), results.end()); }

 private:
  Body* body_;
  const Location* loc_ = nullptr;
};

}  // namespace ember::ir
