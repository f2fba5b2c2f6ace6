#include "transforms/simplify.h"

#include <cstring>
#include <unordered_map>

#include "ir/numeric.h"
#include "transforms/emit.h"

namespace ember::transforms {

namespace {

// Copies a body op by op into a fresh function; each pass decides per op whether to copy it, drop it, or
// map its results to existing values.
class Rebuilder {
 public:
  explicit Rebuilder(const ir::Function& f) : in_(f.body), b_(out_.body), map_(f.body.types.size()) {
    out_.name = f.name;
    for (Value p : in_.params) map_[p.id] = b_.param(in_.type(p));
  }
  ir::Builder& builder() { return b_; }
  const ir::Body& out_body() const { return out_.body; }
  Value mapped(Value v) const { return map_[v.id]; }
  void alias(Value old_value, Value new_value) { map_[old_value.id] = new_value; }
  std::vector<Value> mapped_operands(const ir::Op& op) const {
    std::vector<Value> out;
    for (Value v : op.operands) out.push_back(map_[v.id]);
    return out;
  }
  // Copies `op` with mapped operands; returns the index of the new op.
  size_t copy(const ir::Op& op) { return copy_with(op, mapped_operands(op)); }
  size_t copy_with(const ir::Op& op, std::span<const Value> operands) {
    std::vector<ir::Type> types;
    for (Value r : op.results) types.push_back(in_.type(r));
    b_.set_location(op.loc);
    ir::Values rs = b_.add_typed(op.prim, operands, op.attrs, op.regions, types);
    for (size_t i = 0; i < rs.size(); ++i) map_[op.results[i].id] = rs[i];
    return out_.body.ops.size() - 1;
  }
  ir::Function finish() {
    std::vector<Value> results;
    for (Value r : in_.results) results.push_back(map_[r.id]);
    b_.set_results(results);
    return std::move(out_);
  }

 private:
  const ir::Body& in_;
  ir::Function out_;
  ir::Builder b_;
  std::vector<Value> map_;
};

// The op that defines each value of a body (index), or -1 for parameters.
std::vector<int64_t> definitions(const ir::Body& body) {
  std::vector<int64_t> def(body.types.size(), -1);
  for (size_t i = 0; i < body.ops.size(); ++i)
    for (Value r : body.ops[i].results) def[r.id] = int64_t(i);
  return def;
}

// If v is a constant all of whose elements have the same bits, those bits as a scalar literal.
std::optional<ir::Literal> splat_of(const ir::Body& body, const std::vector<int64_t>& def, Value v) {
  for (int hops = 0; hops < 4; ++hops) {
    int64_t d = def[v.id];
    if (d < 0) return std::nullopt;
    const ir::Op& op = body.ops[size_t(d)];
    if (op.prim == Prim::BroadcastInDim) {
      v = op.operands[0];
      continue;
    }
    if (op.prim != Prim::Constant) return std::nullopt;
    const ir::Literal& lit = ir::attr_literal(op.attrs, 0);
    size_t width = ir::dtype_size(lit.type.dtype);
    int64_t n = lit.type.numel();
    if (n == 0) return std::nullopt;
    const char* bytes = static_cast<const char*>(lit.bytes());
    for (int64_t i = 1; i < n; ++i)
      if (std::memcmp(bytes, bytes + i * int64_t(width), width) != 0) return std::nullopt;
    return ir::Literal::copy_of(ir::Type{lit.type.dtype, {}, false}, bytes);
  }
  return std::nullopt;
}

bool splat_equals(const std::optional<ir::Literal>& s, double value, bool require_negative_zero = false) {
  if (!s) return false;
  ir::DType d = s->type.dtype;
  if (ir::is_complex(d)) {
    auto c = load_element_as_complex(d, s->bytes());
    if (c.imag() != 0.0 || std::signbit(c.imag())) return false;
    return c.real() == value && std::signbit(c.real()) == require_negative_zero;
  }
  double x = load_element_as_double(d, s->bytes());
  if (x != value) return false;
  return !ir::is_float(d) || std::signbit(x) == require_negative_zero;
}

bool is_identity_perm(const Ints& perm) { return perm == iota_ints(int64_t(perm.size())); }

// The operand an op reduces to, if it is an identity; invalid otherwise. `body`/`def` describe the
// rebuilt function so far; `x` are the op's mapped operands.
Value identity_result(const ir::Op& op, std::span<const Value> x, const ir::Body& body,
                      const std::vector<int64_t>& def, const ir::Type& result) {
  auto same_type = [&](Value v) { return body.type(v) == result ? v : Value{}; };
  switch (op.prim) {
    case Prim::Mul:
      if (splat_equals(splat_of(body, def, x[1]), 1.0)) return same_type(x[0]);
      if (splat_equals(splat_of(body, def, x[0]), 1.0)) return same_type(x[1]);
      return {};
    case Prim::Div:
      return splat_equals(splat_of(body, def, x[1]), 1.0) ? same_type(x[0]) : Value{};
    case Prim::Add: {
      // x + (-0.0) == x for every x (and x + 0 for integers, which have no -0).
      bool integer = !ir::is_inexact(result.dtype);
      if (splat_equals(splat_of(body, def, x[1]), 0.0, !integer)) return same_type(x[0]);
      if (splat_equals(splat_of(body, def, x[0]), 0.0, !integer)) return same_type(x[1]);
      return {};
    }
    case Prim::Sub:
      return splat_equals(splat_of(body, def, x[1]), 0.0, false) ? same_type(x[0]) : Value{};
    case Prim::Neg: {
      int64_t d = def[x[0].id];
      if (d >= 0 && body.ops[size_t(d)].prim == Prim::Neg) return same_type(body.ops[size_t(d)].operands[0]);
      return {};
    }
    case Prim::ConvertElementType:
    case Prim::Reshape:
    case Prim::BroadcastInDim:
      return same_type(x[0]);
    case Prim::Transpose:
      return is_identity_perm(ir::attr_ints(op.attrs, 0)) ? same_type(x[0]) : Value{};
    case Prim::Rev:
    case Prim::ReduceSum:
    case Prim::ReduceProd:
    case Prim::ReduceMax:
    case Prim::ReduceMin:
    case Prim::ReduceAnd:
    case Prim::ReduceOr:
      return ir::attr_ints(op.attrs, 0).empty() ? same_type(x[0]) : Value{};
    case Prim::Select: {
      auto p = splat_of(body, def, x[0]);
      if (!p || body.type(x[0]).rank() != 0 && !(body.type(x[0]).shape == result.shape)) return {};
      bool taken = *static_cast<const bool*>(p->bytes());
      return same_type(taken ? x[1] : x[2]);
    }
    default:
      return {};
  }
}

}  // namespace

ir::Function dce(const ir::Function& f) {
  const ir::Body& body = f.body;
  std::vector<bool> live(body.types.size(), false), keep(body.ops.size(), false);
  for (Value r : body.results) live[r.id] = true;
  for (size_t k = body.ops.size(); k-- > 0;) {
    const ir::Op& op = body.ops[k];
    bool any = ir::has_side_effects(op);
    for (Value r : op.results) any = any || live[r.id];
    if (!any) continue;
    keep[k] = true;
    for (Value v : op.operands) live[v.id] = true;
  }
  Rebuilder r(f);
  for (size_t k = 0; k < body.ops.size(); ++k)
    if (keep[k]) r.copy(body.ops[k]);
  return r.finish();
}

ir::Function cse(const ir::Function& f) {
  Rebuilder r(f);
  std::unordered_multimap<size_t, size_t> seen;  // op hash -> index in the rebuilt body
  for (const ir::Op& op : f.body.ops) {
    ir::Op probe;
    probe.prim = op.prim;
    std::vector<Value> operands = r.mapped_operands(op);
    probe.operands.assign(operands.begin(), operands.end());
    probe.attrs = op.attrs;
    probe.regions = op.regions;
    probe.results = op.results;  // only the count matters for equivalence
    if (ir::is_stateful(op)) {  // two prints are two prints, two stacks two stacks
      r.copy_with(op, operands);
      continue;
    }
    size_t h = ir::op_hash(probe);
    bool merged = false;
    auto [first, last] = seen.equal_range(h);
    for (auto it = first; it != last && !merged; ++it) {
      const ir::Op& prev = r.out_body().ops[it->second];
      if (!ir::ops_equivalent(prev, probe)) continue;
      bool same_types = true;
      for (size_t i = 0; i < op.results.size(); ++i)
        same_types = same_types && r.out_body().type(prev.results[i]) == f.body.type(op.results[i]);
      if (!same_types) continue;
      for (size_t i = 0; i < op.results.size(); ++i) r.alias(op.results[i], prev.results[i]);
      merged = true;
    }
    if (!merged) seen.emplace(h, r.copy_with(op, operands));
  }
  return r.finish();
}

ir::Function simplify_identities(const ir::Function& f) {
  Rebuilder r(f);
  std::vector<int64_t> def;  // over the rebuilt body, grown as ops are added
  for (const ir::Op& op : f.body.ops) {
    std::vector<Value> x = r.mapped_operands(op);
    if (op.results.size() == 1 && op.regions.empty()) {
      def.resize(r.out_body().types.size(), -1);
      Value same = identity_result(op, x, r.out_body(), def, f.body.type(op.results[0]));
      if (same.valid()) {
        r.alias(op.results[0], same);
        continue;
      }
    }
    size_t index = r.copy_with(op, x);
    def.resize(r.out_body().types.size(), -1);
    for (Value v : r.out_body().ops[index].results) def[v.id] = int64_t(index);
  }
  return r.finish();
}

ir::Function fold_constants(const ir::Function& f, const ConstantEvaluator& evaluate, int64_t max_elements) {
  Rebuilder r(f);
  std::vector<int64_t> def;
  for (const ir::Op& op : f.body.ops) {
    std::vector<Value> x = r.mapped_operands(op);
    def.resize(r.out_body().types.size(), -1);
    bool foldable = op.prim != Prim::Constant && op.regions.empty() && !op.results.empty() &&
                    !ir::has_flag(op.prim, ir::kHostCallback) && !ir::has_flag(op.prim, ir::kStateful);
    std::vector<ir::Literal> literals;
    for (Value v : x) {
      int64_t d = def[v.id];
      if (!foldable || d < 0 || r.out_body().ops[size_t(d)].prim != Prim::Constant) {
        foldable = false;
        break;
      }
      literals.push_back(ir::attr_literal(r.out_body().ops[size_t(d)].attrs, 0));
    }
    std::vector<ir::Type> types;
    for (Value res : op.results) {
      types.push_back(f.body.type(res));
      foldable = foldable && types.back().numel() <= max_elements;
    }
    if (foldable) {
      if (auto values = evaluate(op, literals, types)) {
        for (size_t i = 0; i < op.results.size(); ++i) {
          r.builder().set_location(op.loc);
          Value c = r.builder().add1(Prim::Constant, {}, {(*values)[i], types[i].weak});
          r.alias(op.results[i], c);
          def.resize(r.out_body().types.size(), -1);
          def[c.id] = int64_t(r.out_body().ops.size() - 1);
        }
        continue;
      }
    }
    size_t index = r.copy_with(op, x);
    def.resize(r.out_body().types.size(), -1);
    for (Value v : r.out_body().ops[index].results) def[v.id] = int64_t(index);
  }
  return r.finish();
}

ir::Function simplify(const ir::Function& f, const ConstantEvaluator* evaluate) {
  ir::Function g = simplify_identities(f);
  if (evaluate) g = fold_constants(g, *evaluate);
  g = cse(g);
  g = simplify_identities(g);
  return dce(g);
}

}  // namespace ember::transforms
