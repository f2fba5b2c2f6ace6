// A per-primitive rule table for one transform or backend. Every slot is either a rule or an explicit
// "unsupported: reason" that users see; a completeness test walks every table and fails on an empty slot.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ir/error.h"
#include "ir/prim.h"

namespace ember::ir {

template <typename Rule>
class PrimTable {
 public:
  explicit PrimTable(std::string_view what) : what_(what) {}

  void set(Prim p, Rule rule) {
    Slot& s = slots_[size_t(p)];
    s.rule = rule;
    s.state = State::HasRule;
  }
  void set_unsupported(Prim p, std::string reason) {
    Slot& s = slots_[size_t(p)];
    s.reason = std::move(reason);
    s.state = State::Unsupported;
  }

  // The rule, or throws NotImplemented naming the primitive and this table.
  const Rule& get(Prim p) const {
    const Slot& s = slots_[size_t(p)];
    if (s.state == State::HasRule) return s.rule;
    std::string why = s.state == State::Unsupported ? s.reason : std::string("no rule");
    throw Error(ErrorKind::NotImplemented, std::string(what_) + " is not supported: " + why,
                std::string(prim_name(p)));
  }
  const Rule* find(Prim p) const {
    const Slot& s = slots_[size_t(p)];
    return s.state == State::HasRule ? &s.rule : nullptr;
  }
  bool has_rule(Prim p) const { return slots_[size_t(p)].state == State::HasRule; }
  bool is_unsupported(Prim p) const { return slots_[size_t(p)].state == State::Unsupported; }
  const std::string& unsupported_reason(Prim p) const { return slots_[size_t(p)].reason; }

  // Primitives with neither a rule nor a reason: what the completeness test reports.
  std::vector<Prim> missing() const {
    std::vector<Prim> out;
    for (int i = 0; i < kNumPrims; ++i)
      if (slots_[i].state == State::Empty) out.push_back(Prim(i));
    return out;
  }
  std::string_view what() const { return what_; }

 private:
  enum class State : uint8_t { Empty, HasRule, Unsupported };
  struct Slot {
    Rule rule{};
    std::string reason;
    State state = State::Empty;
  };
  std::string_view what_;
  std::array<Slot, kNumPrims> slots_{};
};

}  // namespace ember::ir
