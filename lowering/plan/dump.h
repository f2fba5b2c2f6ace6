// EMBER_DUMP=ir,plan,mlir,llvm,time: which stages of compilation are printed to stderr (DESIGN §1).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace ember::lowering {

bool dump_enabled(std::string_view stage);
// Prints `text` under a header naming the stage and the function.
void dump(std::string_view stage, std::string_view function, const std::string& text);

// The time each stage of one compilation takes, printed under EMBER_DUMP=time when it goes out of scope:
// lap(stage) charges the time since the previous lap (or the start) to `stage`.
class StageTimer {
 public:
  explicit StageTimer(std::string function);
  ~StageTimer();
  void lap(std::string_view stage);

 private:
  std::string function_, text_;
  std::chrono::steady_clock::time_point last_;
  bool enabled_;
};

}  // namespace ember::lowering
