#include "ir/function.h"

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "ir/error.h"

namespace ember::ir {

Body::Body() = default;
Body::Body(const Body&) = default;
Body::Body(Body&&) noexcept = default;
Body& Body::operator=(const Body&) = default;
Body& Body::operator=(Body&&) noexcept = default;
Body::~Body() = default;

std::vector<Type> Body::param_types() const {
  std::vector<Type> out;
  for (Value v : params) out.push_back(type(v));
  return out;
}

std::vector<Type> Body::result_types() const {
  std::vector<Type> out;
  for (Value v : results) out.push_back(type(v));
  return out;
}

const Location* intern_location(std::string_view file, int line) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::unique_ptr<Location>> table;
  std::string key = std::string(file) + ":" + std::to_string(line);
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = table[key];
  if (!slot) slot = std::make_unique<Location>(Location{std::string(file), line});
  return slot.get();
}

namespace {
bool attrs_equal(const Attrs& a, const Attrs& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!attr_equal(a[i], b[i])) return false;
  return true;
}
}  // namespace

bool ops_equivalent(const Op& a, const Op& b) {
  if (a.prim != b.prim || !(a.operands == b.operands) || a.results.size() != b.results.size() ||
      !attrs_equal(a.attrs, b.attrs) || a.regions.size() != b.regions.size())
    return false;
  for (size_t i = 0; i < a.regions.size(); ++i)
    if (!bodies_equal(a.regions[i], b.regions[i])) return false;
  return true;
}

size_t op_hash(const Op& op) {
  size_t h = size_t(op.prim);
  for (Value v : op.operands) h = hash_combine(h, v.id);
  for (const Attr& a : op.attrs) h = hash_combine(h, attr_hash(a));
  for (const Body& r : op.regions) h = hash_combine(h, body_hash(r));
  return h;
}

bool bodies_equal(const Body& a, const Body& b) {
  if (a.types != b.types || a.params != b.params || a.results != b.results || a.ops.size() != b.ops.size())
    return false;
  for (size_t i = 0; i < a.ops.size(); ++i)
    if (!ops_equivalent(a.ops[i], b.ops[i]) || !(a.ops[i].results == b.ops[i].results)) return false;
  return true;
}

size_t body_hash(const Body& b) {
  size_t h = b.ops.size();
  for (const Type& t : b.types) h = hash_combine(h, hash_value(t));
  for (Value v : b.params) h = hash_combine(h, v.id);
  for (Value v : b.results) h = hash_combine(h, v.id);
  for (const Op& op : b.ops) h = hash_combine(h, op_hash(op));
  return h;
}

Values Builder::add(Prim p, std::span<const Value> operands, Attrs attrs,
                                    std::vector<Body> regions) {
  std::vector<Type> operand_types;
  operand_types.reserve(operands.size());
  for (Value v : operands) {
    if (!v.valid() || v.id >= body_->types.size())
      throw Error(ErrorKind::Value, "operand is not a value of this body", std::string(prim_name(p)),
                  loc_ ? loc_->to_string() : "");
    operand_types.push_back(body_->type(v));
  }
  std::vector<Type> result_types;
  try {
    result_types = infer_result_types(p, operand_types, attrs, regions);
  } catch (Error& e) {
    if (loc_) e.with_location(loc_->to_string());
    throw;
  }
  return add_typed(p, operands, std::move(attrs), std::move(regions), result_types);
}

Value Builder::add1(Prim p, std::span<const Value> operands, Attrs attrs, std::vector<Body> regions) {
  auto results = add(p, operands, std::move(attrs), std::move(regions));
  if (results.size() != 1)
    throw Error(ErrorKind::Runtime, "expected one result", std::string(prim_name(p)));
  return results[0];
}

Values Builder::add_typed(Prim p, std::span<const Value> operands, Attrs attrs,
                                          std::vector<Body> regions, std::span<const Type> result_types) {
  Op op;
  op.prim = p;
  op.loc = loc_;
  op.operands.assign(operands.begin(), operands.end());
  op.attrs = std::move(attrs);
  op.regions = std::move(regions);
  for (const Type& t : result_types) op.results.push_back(body_->add_value(t));
  body_->ops.push_back(std::move(op));
  const Op& added = body_->ops.back();
  return Values(added.results.begin(), added.results.end());
}

bool has_side_effects(const Op& op) {
  if (has_flag(op.prim, kSideEffect)) return true;
  for (const Body& r : op.regions)
    for (const Op& inner : r.ops)
      if (has_side_effects(inner)) return true;
  return false;
}

bool is_stateful(const Op& op) {
  if (has_flag(op.prim, kSideEffect) || has_flag(op.prim, kStateful)) return true;
  for (const Body& r : op.regions)
    for (const Op& inner : r.ops)
      if (is_stateful(inner)) return true;
  return false;
}

Function with_param_layout(const Function& f, std::span<const ParamSlot> layout) {
  Function g = f;
  std::vector<Value> params;
  std::vector<bool> used(f.body.params.size(), false);
  for (const ParamSlot& slot : layout) {
    if (const Type* t = std::get_if<Type>(&slot)) {
      params.push_back(g.body.add_value(*t));
      continue;
    }
    size_t i = std::get<size_t>(slot);
    if (i >= used.size() || used[i])
      throw make_error(ErrorKind::Value, "region", "expected each parameter once in the layout, got ", i, " again");
    used[i] = true;
    params.push_back(f.body.params[i]);
  }
  for (size_t i = 0; i < used.size(); ++i)
    if (!used[i]) throw make_error(ErrorKind::Value, "region", "expected parameter ", i, " in the layout");
  g.body.params = params;
  return g;
}

}  // namespace ember::ir
