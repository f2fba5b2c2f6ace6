#include "runtime/host_callback.h"

#include <deque>
#include <mutex>
#include <string>

#include "ir/error.h"

namespace ember::runtime {

namespace {
std::mutex mutex;
std::deque<HostCallback>& callbacks() {
  static std::deque<HostCallback> all;  // a deque: references stay valid as it grows
  return all;
}
}  // namespace

int64_t register_host_callback(HostCallback f) {
  std::lock_guard<std::mutex> lock(mutex);
  callbacks().push_back(std::move(f));
  return int64_t(callbacks().size()) - 1;
}

const HostCallback& host_callback(int64_t id, std::string_view op) {
  std::lock_guard<std::mutex> lock(mutex);
  if (id < 0 || size_t(id) >= callbacks().size())
    throw Error(ErrorKind::Value, "expected a registered host callback, got id " + std::to_string(id), std::string(op));
  return callbacks()[size_t(id)];
}

}  // namespace ember::runtime
