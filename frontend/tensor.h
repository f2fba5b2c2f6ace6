// A value of the user's program, as the op library sees it: concrete (an array in memory, eager mode) or
// traced (an ir::Value in the trace being built). Every op-library function takes and returns Tensors, and
// binds primitives through bind() (trace.h), which either runs them or records them.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "ir/function.h"
#include "runtime/buffer.h"

namespace ember::frontend {

class TraceState;

class Tensor {
 public:
  Tensor() = default;
  // A concrete tensor.
  explicit Tensor(runtime::Array a) : type_(std::move(a.type)), buffer_(std::move(a.buffer)), has_data_(true) {}
  // A traced tensor: value `v` of `trace`. Outside jit, transformations trace with the concrete values
  // attached (`data`), so Python control flow on them works as in JAX.
  static Tensor traced(std::shared_ptr<TraceState> trace, ir::Value v, ir::Type type,
                       std::optional<runtime::Buffer> data = std::nullopt);

  const ir::Type& type() const { return type_; }
  ir::DType dtype() const { return type_.dtype; }
  const ir::Shape& shape() const { return type_.shape; }
  int rank() const { return type_.rank(); }
  int64_t numel() const { return type_.numel(); }
  bool weak() const { return type_.weak; }
  bool defined() const { return trace_ != nullptr || has_data_; }

  bool is_concrete() const { return trace_ == nullptr; }
  bool is_traced() const { return trace_ != nullptr; }
  // The concrete array on the host (a copy when it lives on a device); throws ConcretizationError for a
  // traced tensor, naming `what` needed it ("__array__", "jit argument", ...) and the value.
  runtime::Array array(std::string_view what = "concrete value") const;
  // The concrete array where it lives (a device array stays there).
  runtime::Array stored_array(std::string_view what = "concrete value") const;
  // The device its data is on (the CPU for traced tensors without data).
  const runtime::Device& device() const { return buffer_.device(); }
  // The value for Python control flow and scalar conversion (bool, int, float, index): the concrete array, or
  // the value attached to a traced tensor; ConcretizationError when there is none (under jit).
  runtime::Array value_for(std::string_view what) const;
  // Whether data is at hand: a concrete tensor, or a traced one with its value attached.
  bool has_data() const { return has_data_; }
  const runtime::Buffer& buffer() const {
    if (donated_) throw_donated();
    return buffer_;
  }

  // Gives the data up to a jitted function that may write its result over it (donate_argnums): the tensor
  // keeps its type, and reading its data afterwards raises an error that says why.
  void mark_donated();
  bool is_donated() const { return donated_; }

  TraceState* trace() const { return trace_.get(); }
  const std::shared_ptr<TraceState>& trace_ptr() const { return trace_; }
  ir::Value value() const { return value_; }

  // The same data with its weak flag changed (no computation).
  Tensor with_weak(bool weak) const;

 private:
  ir::Type type_;
  runtime::Buffer buffer_;             // the data: of a concrete tensor, or attached to a traced one
  std::shared_ptr<TraceState> trace_;  // null for a concrete tensor
  ir::Value value_;
  bool has_data_ = false;
  bool donated_ = false;

  [[noreturn]] void throw_donated() const;
};

// Where tensors live together: the device of those on a device (the CPU when none is; host data goes
// anywhere), the position of the first of them, and of the first on another device (npos when they agree).
struct Placement {
  static constexpr size_t npos = size_t(-1);
  runtime::Device device;
  size_t first = npos, conflict = npos;
};
Placement placement(std::span<const Tensor> tensors);

// A concrete scalar tensor. Python scalars are weak: they take the dtype of the arrays they meet.
Tensor scalar_tensor(ir::DType dtype, double value, bool weak = false);
Tensor scalar_tensor_int(ir::DType dtype, int64_t value, bool weak = false);
Tensor scalar_tensor_complex(ir::DType dtype, double re, double im, bool weak = false);
// A concrete tensor holding a copy of `data` (row-major bytes of type.nbytes()).
Tensor tensor_from_bytes(const ir::Type& type, const void* data);

}  // namespace ember::frontend
