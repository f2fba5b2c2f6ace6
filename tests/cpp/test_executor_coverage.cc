// The reference executor runs every primitive in every dtype its shape rule accepts. A missing kernel
// (NotImplemented) is a gap; the test lists all gaps at once ("reduce_sum x bf16"), so the list is the
// to-do list of the kernel files.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/executor.h"
#include "sample_ops.h"

using namespace ember;
using namespace ember::ir;

namespace {

// Start indices of dynamic_slice / dynamic_update_slice are 0; every other argument is all ones, valid
// for every primitive (log, acosh, division and integer_pow included).
std::vector<runtime::Array> sample_args(const Function& f) {
  Prim p = testing::sample_prim(f);
  size_t first_index = p == Prim::DynamicSlice ? 1 : p == Prim::DynamicUpdateSlice ? 2 : f.body.params.size();
  std::vector<runtime::Array> args;
  for (size_t i = 0; i < f.body.params.size(); ++i) {
    const Type& t = f.body.type(f.body.params[i]);
    runtime::Array a = runtime::Array::allocate(t);
    int64_t fill = i >= first_index ? 0 : 1;
    auto* bytes = static_cast<unsigned char*>(a.data());
    for (int64_t e = 0; e < t.numel(); ++e)
      store_element_from_int(t.dtype, bytes + e * dtype_size(t.dtype), fill);
    args.push_back(std::move(a));
  }
  return args;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
  return s;
}

}  // namespace

TEST_CASE("reference executor: every primitive runs in every dtype it accepts") {
  std::vector<std::string> gaps, failures;
  int ran = 0;
  for (int pi = 0; pi < kNumPrims; ++pi) {
    for (DType d : kAllDTypes) {
      Prim p = Prim(pi);
      std::optional<Function> f = testing::sample_function(p, d);
      if (!f) continue;
      std::string what = std::string(prim_name(p)) + " x " + std::string(dtype_name(d));
      // custom_lin is defined only through its transpose; stack_push/stack_loop need a handle from stack_new
      // (tests/cpp/test_stack.cc), not sample data: running them is a clear error.
      if (p == Prim::CustomLin || p == Prim::StackPush || p == Prim::StackLoop) {
        CHECK_THROWS_AS(runtime::execute(*f, sample_args(*f)), Error);
        continue;
      }
      try {
        std::vector<runtime::Array> out = runtime::execute(*f, sample_args(*f));
        std::vector<Type> expected = f->body.result_types();
        bool ok = out.size() == expected.size();
        for (size_t i = 0; ok && i < out.size(); ++i)
          ok = out[i].type.dtype == expected[i].dtype && out[i].type.shape == expected[i].shape;
        if (!ok) failures.push_back(what + ": results do not have the result types");
        ++ran;
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::NotImplemented)
          gaps.push_back(what);
        else
          failures.push_back(what + ": " + e.what());
      }
    }
  }
  CHECK(ran + gaps.size() + failures.size() > size_t(kNumPrims));
  CHECK_MESSAGE(gaps.empty(), gaps.size()
                                  << " primitive x dtype pairs have no kernel:\n  " << join(gaps, "\n  "));
  CHECK_MESSAGE(failures.empty(), failures.size()
                                      << " primitive x dtype pairs failed:\n  " << join(failures, "\n  "));
}
