#include "lowering/plan/dump.h"

#include <cstdio>
#include <cstdlib>

namespace ember::lowering {

bool dump_enabled(std::string_view stage) {
  const char* env = std::getenv("EMBER_DUMP");
  if (!env) return false;
  std::string_view list(env);
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (list.substr(0, comma) == stage || list.substr(0, comma) == "all") return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

void dump(std::string_view stage, std::string_view function, const std::string& text) {
  std::fprintf(stderr, "// ---- EMBER_DUMP %.*s: %.*s\n%s\n", int(stage.size()), stage.data(),
               int(function.size()), function.data(), text.c_str());
}

StageTimer::StageTimer(std::string function)
    : function_(std::move(function)), last_(std::chrono::steady_clock::now()), enabled_(dump_enabled("time")) {}

StageTimer::~StageTimer() {
  if (enabled_ && !text_.empty()) dump("time", function_, text_);
}

void StageTimer::lap(std::string_view stage) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  char line[96];
  std::snprintf(line, sizeof line, "%-10.*s %8.2f ms\n", int(stage.size()), stage.data(),
                std::chrono::duration<double, std::milli>(now - last_).count());
  text_ += line;
  last_ = now;
}

}  // namespace ember::lowering
