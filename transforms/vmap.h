// Vectorising map as an IR-to-IR pass (DESIGN §5): every primitive has a batching rule; values that do not
// depend on a batched input stay unbatched.
#pragma once

#include <optional>
#include <vector>

#include "ir/function.h"
#include "ir/prim_table.h"
#include "transforms/emit.h"

namespace ember::transforms {

// in_axes[i]: the batch axis of parameter i in the new function (nullopt: not batched; negative counts from
// the end of the batched parameter); axis_size: the batch size; out_axes[j]: where output j's batch axis goes
// (nullopt: output j must not depend on the batch).
ir::Function vmap(const ir::Function& f, const std::vector<std::optional<int64_t>>& in_axes, int64_t axis_size,
                  const std::vector<std::optional<int64_t>>& out_axes);

inline constexpr int64_t kNotBatched = -1;

// A batching rule sees the op, its operands in the new function with their batch axes (kNotBatched when
// unbatched; at least one is batched) and the batch size; it returns the results and their batch axes.
struct BatchArgs {
  Emitter& e;
  const ir::Op& op;
  std::span<const Value> x;
  std::span<const int64_t> bdim;
  int64_t size;
};
struct Batched {
  std::vector<Value> values;
  std::vector<int64_t> bdims;
};
using BatchRule = Batched (*)(BatchArgs&);
const ir::PrimTable<BatchRule>& batch_rules();

// `v` with its batch axis moved to the front; an unbatched value is broadcast to have one of `size`.
Value batch_at_front(Emitter& e, Value v, int64_t bdim, int64_t size);

}  // namespace ember::transforms
