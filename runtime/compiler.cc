#include "runtime/compiler.h"

#include <map>
#include <mutex>

#include "ir/error.h"
#include "runtime/executor.h"

namespace ember::runtime {

namespace {

// The reference executor as a backend: "compiling" keeps the IR, running interprets it.
class InterpreterExecutable final : public Executable {
 public:
  explicit InterpreterExecutable(ir::Function f) : f_(std::move(f)) {}
  // The oracle allocates every result: donation never changes what it computes.
  std::vector<Array> run(std::span<const Array> args, const std::vector<bool>&) override { return execute(f_, args); }

 private:
  ir::Function f_;
};

class InterpreterCompiler final : public Compiler {
 public:
  std::shared_ptr<Executable> compile(const ir::Function& f, const CompileOptions&) override {
    return std::make_shared<InterpreterExecutable>(f);
  }
};

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Compiler>> compilers;
  Registry() { compilers["interpreter"] = std::make_shared<InterpreterCompiler>(); }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_compiler(const std::string& backend, std::shared_ptr<Compiler> compiler) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.compilers[backend] = std::move(compiler);
}

Compiler& get_compiler(const std::string& backend) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.compilers.find(backend);
  if (it == r.compilers.end()) {
    std::string known;
    for (auto& [name, c] : r.compilers) known += (known.empty() ? "" : ", ") + name;
    throw Error(ErrorKind::Value, "expected a backend among [" + known + "], got '" + backend + "'", "jit");
  }
  return *it->second;
}

std::vector<std::string> registered_backends() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> out;
  for (auto& [name, c] : r.compilers) out.push_back(name);
  return out;
}

}  // namespace ember::runtime
