// Host callbacks: functions of the host program (Python) that IR calls through pure_callback and
// debug_callback. The IR holds an id; the function stays registered for the life of the process (compiled
// and cached IR may call it at any time).
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "runtime/buffer.h"

namespace ember::runtime {

// Called with the operands' values; returns the results (none for debug_callback). Errors are ember::Error.
using HostCallback = std::function<std::vector<Array>(std::span<const Array>)>;

int64_t register_host_callback(HostCallback f);
// Throws ember::Error (naming `op`) for an unknown id.
const HostCallback& host_callback(int64_t id, std::string_view op);

}  // namespace ember::runtime
