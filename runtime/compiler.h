// The registry where backends register their compilers (DESIGN §2: backends plug in from below; the
// front end asks for one by name). The reference executor registers itself as "interpreter".
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/function.h"
#include "runtime/buffer.h"

namespace ember::runtime {

struct CompileOptions {
  Device device;
  // Tiered compilation: the first build is a quick one while the optimised build runs in the background and
  // replaces it (backends without tiers ignore this).
  bool tiered = true;
  // float32 products may round their inputs to TF32 (CUDA tensor cores; jit's matmul_precision).
  bool allow_tf32 = false;
};

class Executable {
 public:
  virtual ~Executable() = default;
  // `donated` is empty or has a flag per argument: arguments the caller gives up (jit's donate_argnums).
  // The executable may write a result into a donated argument's buffer when `args` holds the only
  // reference to it; otherwise donation changes nothing.
  virtual std::vector<Array> run(std::span<const Array> args, const std::vector<bool>& donated) = 0;
  std::vector<Array> run(std::span<const Array> args) { return run(args, {}); }
  // Where its arguments are read and its results live: the host, unless a backend says otherwise.
  virtual Device device() const { return cpu_device(); }
};

class Compiler {
 public:
  virtual ~Compiler() = default;
  virtual std::shared_ptr<Executable> compile(const ir::Function& f, const CompileOptions& options) = 0;
};

void register_compiler(const std::string& backend, std::shared_ptr<Compiler> compiler);
// Throws ember::Error (ValueError) naming the registered backends when `backend` is unknown.
Compiler& get_compiler(const std::string& backend);
std::vector<std::string> registered_backends();

}  // namespace ember::runtime
