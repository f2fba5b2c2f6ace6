// Opening the CUDA libraries with dlopen (driver, NVRTC, cuBLAS): the first of several names that loads, and
// its entry points by name, with what went wrong as text for the error that asks for them.
#pragma once

#include <dlfcn.h>

#include <string>
#include <type_traits>
#include <vector>

namespace ember::runtime::cuda {

// EMBER_NAME_OF(cuMemAlloc) is "cuMemAlloc_v2": the versioned name the CUDA headers' macros give a call.
#define EMBER_NAME_OF(fn) EMBER_NAME_OF_(fn)
#define EMBER_NAME_OF_(fn) #fn

class SharedLibrary {
 public:
  // Tries `names` in order; when none loads, why() lists them.
  explicit SharedLibrary(const std::vector<std::string>& names) {
    std::string tried;
    for (const std::string& name : names) {
      handle_ = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle_) {
        name_ = name;
        return;
      }
      tried += (tried.empty() ? "" : ", ") + name;
    }
    why_ = "tried " + tried;
  }
  bool loaded() const { return handle_ != nullptr; }
  // The name that loaded.
  const std::string& name() const { return name_; }
  const std::string& why() const { return why_; }
  // Resolves `fn` (a function pointer of the call's type); a missing symbol is remembered in why().
  template <typename Fn>
  void resolve(Fn& fn, const char* name) {
    fn = reinterpret_cast<Fn>(dlsym(handle_, name));
    if (!fn && why_.empty()) why_ = std::string("it has no symbol ") + name;
  }

 private:
  void* handle_ = nullptr;  // never closed: the entry points stay valid for the process
  std::string name_;
  std::string why_;
};

}  // namespace ember::runtime::cuda
