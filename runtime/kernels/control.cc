// Ops with regions and run-time state in the reference executor: cond, while, scan, the custom-rule calls
// and checkpoint run their regions with execute_body; the host callbacks; the run-time stack of reverse
// mode through while loops.
#include <algorithm>
#include <cstring>

#include "ir/printer.h"
#include "runtime/host_callback.h"
#include "runtime/kernels/kernels.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

// Row `i` of an array along its leading axis, sharing the array's memory (buffers are immutable).
Array row_view(const Array& a, int64_t i) {
  ir::Type t{a.type.dtype, ir::Shape(a.type.shape.begin() + 1, a.type.shape.end()), a.type.weak};
  size_t row = t.nbytes();
  auto* base = static_cast<const char*>(a.data());
  return Array{t, Buffer::wrap_host(a.buffer.owner(), base + size_t(i) * row, row)};
}

void cond_kernel(const KernelArgs& a) {
  int64_t n = int64_t(a.regions.size());
  // Out-of-range indices are clamped, as lax.switch does.
  int64_t index = std::clamp<int64_t>(*a.inputs[0].data_as<const int32_t>(), 0, n - 1);
  std::vector<Array> results = execute_body(a.regions[size_t(index)], a.inputs.subspan(1));
  for (size_t i = 0; i < results.size(); ++i) a.outputs[i].buffer = results[i].buffer;
}

void while_kernel(const KernelArgs& a) {
  size_t cond_consts = size_t(ir::attr_int(a.attrs, 0)), body_consts = size_t(ir::attr_int(a.attrs, 1));
  int64_t max_steps = ir::attr_int(a.attrs, 2);
  std::vector<Array> cond_args(a.inputs.begin(), a.inputs.begin() + cond_consts);
  std::vector<Array> body_args(a.inputs.begin() + cond_consts, a.inputs.begin() + cond_consts + body_consts);
  std::vector<Array> carry(a.inputs.begin() + cond_consts + body_consts, a.inputs.end());
  for (int64_t step = 0;; ++step) {
    cond_args.resize(cond_consts);
    cond_args.insert(cond_args.end(), carry.begin(), carry.end());
    if (!*execute_body(a.regions[0], cond_args)[0].data_as<const bool>()) break;
    if (max_steps >= 0 && step == max_steps)
      throw Error(ErrorKind::Runtime,
                  "expected at most max_steps=" + std::to_string(max_steps) + " iterations, got more", "while");
    body_args.resize(body_consts);
    body_args.insert(body_args.end(), carry.begin(), carry.end());
    carry = execute_body(a.regions[1], body_args);
  }
  for (size_t i = 0; i < carry.size(); ++i) a.outputs[i].buffer = carry[i].buffer;
}

void scan_kernel(const KernelArgs& a) {
  size_t num_consts = size_t(ir::attr_int(a.attrs, 0)), num_carry = size_t(ir::attr_int(a.attrs, 1));
  int64_t length = ir::attr_int(a.attrs, 2);
  bool reverse = ir::attr_bool(a.attrs, 3);
  std::span<const Array> xs = a.inputs.subspan(num_consts + num_carry);
  std::vector<Array> carry(a.inputs.begin() + num_consts, a.inputs.begin() + num_consts + num_carry);
  std::vector<Array> args;
  for (int64_t step = 0; step < length; ++step) {
    int64_t i = reverse ? length - 1 - step : step;
    args.assign(a.inputs.begin(), a.inputs.begin() + num_consts);
    args.insert(args.end(), carry.begin(), carry.end());
    for (const Array& x : xs) args.push_back(row_view(x, i));
    std::vector<Array> out = execute_body(a.regions[0], args);
    carry.assign(out.begin(), out.begin() + num_carry);
    for (size_t y = num_carry; y < out.size(); ++y) {
      const Array& dst = a.outputs[y];
      size_t row = out[y].nbytes();
      std::memcpy(static_cast<char*>(dst.data()) + size_t(i) * row, out[y].data(), row);
    }
  }
  for (size_t i = 0; i < num_carry; ++i) a.outputs[i].buffer = carry[i].buffer;
}

// custom_jvp_call, custom_vjp_call and checkpoint run the function (region 0); the rest matters only to
// transforms.
void custom_call_kernel(const KernelArgs& a) {
  std::vector<Array> results = execute_body(a.regions[0], a.inputs);
  for (size_t i = 0; i < results.size(); ++i) a.outputs[i].buffer = results[i].buffer;
}

void pure_callback_kernel(const KernelArgs& a) {
  std::vector<Array> results = host_callback(ir::attr_int(a.attrs, 0), "pure_callback")(a.inputs);
  if (results.size() != a.outputs.size())
    throw Error(ErrorKind::Value,
                "expected the callback to return " + std::to_string(a.outputs.size()) + " arrays, got " +
                    std::to_string(results.size()),
                "pure_callback");
  for (size_t i = 0; i < results.size(); ++i) {
    const ir::Type &want = a.outputs[i].type, &got = results[i].type;
    if (want.dtype != got.dtype || !(want.shape == got.shape))
      throw Error(ErrorKind::Type,
                  "expected the callback's result " + std::to_string(i) + " to be " + ir::to_string(want) +
                      " (as declared), got " + ir::to_string(got),
                  "pure_callback");
    a.outputs[i].buffer = results[i].buffer;
  }
}

// A stack's storage: the buffer of its u64[] handle points here and owns it, so the storage lives exactly as
// long as some value refers to the handle. The magic number catches a u64 that is not a handle.
struct Stack {
  static constexpr uint64_t kMagic = 0x656d6265722d7374;  // "ember-st"
  uint64_t magic = kMagic;
  std::vector<std::vector<Array>> entries;
};

Stack& stack_of(const Array& handle, std::string_view op) {
  auto* s = static_cast<Stack*>(handle.data());
  if (!s || handle.buffer.nbytes() != sizeof(uint64_t) || s->magic != Stack::kMagic)
    throw Error(ErrorKind::Value, "expected a stack handle made by stack_new", std::string(op));
  return *s;
}

void stack_new_kernel(const KernelArgs& a) {
  auto s = std::make_shared<Stack>();
  Stack* raw = s.get();
  a.outputs[0].buffer = Buffer::wrap_host(std::move(s), raw, sizeof(uint64_t));
}

void stack_push_kernel(const KernelArgs& a) {
  // Arrays are immutable and shared: an entry keeps references, not copies.
  stack_of(a.inputs[0], "stack_push").entries.emplace_back(a.inputs.begin() + 1, a.inputs.end());
  a.outputs[0].buffer = a.inputs[0].buffer;
}

void stack_loop_kernel(const KernelArgs& a) {
  const Stack& s = stack_of(a.inputs[0], "stack_loop");
  int64_t n = *a.inputs[1].data_as<const int32_t>();
  size_t k = size_t(ir::attr_int(a.attrs, 0));
  bool reverse = ir::attr_bool(a.attrs, 1);
  if (n < 0 || size_t(n) > s.entries.size())
    throw Error(ErrorKind::Runtime,
                "expected a count within the stack's " + std::to_string(s.entries.size()) + " entries, got " +
                    std::to_string(n),
                "stack_loop");
  std::vector<Array> carry(a.inputs.begin() + 2 + ptrdiff_t(k), a.inputs.end());
  std::vector<Array> args;
  for (int64_t step = 0; step < n; ++step) {
    int64_t i = reverse ? n - 1 - step : step;
    Array index = Array::allocate(ir::Type{ir::DType::I32, {}});
    *index.data_as<int32_t>() = int32_t(i);
    args.assign({index});
    const std::vector<Array>& entry = s.entries[size_t(i)];
    args.insert(args.end(), entry.begin(), entry.end());
    args.insert(args.end(), a.inputs.begin() + 2, a.inputs.begin() + 2 + ptrdiff_t(k));
    args.insert(args.end(), carry.begin(), carry.end());
    carry = execute_body(a.regions[0], args);
  }
  for (size_t i = 0; i < carry.size(); ++i) a.outputs[i].buffer = carry[i].buffer;
}

void debug_callback_kernel(const KernelArgs& a) { host_callback(ir::attr_int(a.attrs, 0), "debug_callback")(a.inputs); }

}  // namespace

void register_control(KernelTable& t) {
  t.set(Prim::PureCallback, pure_callback_kernel);
  t.set(Prim::DebugCallback, debug_callback_kernel);
  t.set(Prim::StackNew, stack_new_kernel);
  t.set(Prim::StackPush, stack_push_kernel);
  t.set(Prim::StackLoop, stack_loop_kernel);
  t.set(Prim::CustomJvpCall, custom_call_kernel);
  t.set(Prim::CustomVjpCall, custom_call_kernel);
  t.set(Prim::Checkpoint, custom_call_kernel);
  t.set_unsupported(Prim::CustomLin,
                    "forward-mode differentiation (jvp, jacfwd, linearize's linear function) of a custom_vjp "
                    "function is not defined: it has only a reverse-mode rule (use grad, vjp or jacrev)");
  t.set(Prim::Cond, cond_kernel);
  t.set(Prim::While, while_kernel);
  t.set(Prim::Scan, scan_kernel);
}

}  // namespace ember::runtime::kernels
