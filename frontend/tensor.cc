#include "frontend/tensor.h"

#include <cstring>

#include "frontend/trace.h"
#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/device_copies.h"

namespace ember::frontend {

Tensor Tensor::traced(std::shared_ptr<TraceState> trace, ir::Value v, ir::Type type,
                      std::optional<runtime::Buffer> data) {
  Tensor t;
  t.type_ = std::move(type);
  t.trace_ = std::move(trace);
  t.value_ = v;
  if (data) {
    t.buffer_ = std::move(*data);
    t.has_data_ = true;
  }
  return t;
}

void Tensor::mark_donated() {
  buffer_ = runtime::Buffer();
  has_data_ = false;
  donated_ = true;
}

void Tensor::throw_donated() const {
  throw make_error(ErrorKind::Runtime, "jit", "this ", ir::to_string(type_),
                   " array was donated to a jitted function (donate_argnums), which may have written its result "
                   "over it; use that result instead");
}

runtime::Array Tensor::array(std::string_view what) const { return runtime::to_host(stored_array(what)); }

runtime::Array Tensor::stored_array(std::string_view what) const {
  if (donated_) throw_donated();
  if (trace_) throw concretization_error(*this, what);
  return runtime::Array{type_, buffer_};
}

runtime::Array Tensor::value_for(std::string_view what) const {
  if (donated_) throw_donated();
  if (!has_data_) throw concretization_error(*this, what);
  return runtime::to_host(runtime::Array{type_, buffer_});
}

Tensor Tensor::with_weak(bool weak) const {
  Tensor t = *this;
  t.type_.weak = weak;
  return t;
}

Placement placement(std::span<const Tensor> tensors) {
  Placement p;
  for (size_t i = 0; i < tensors.size() && p.conflict == Placement::npos; ++i) {
    const runtime::Device& d = tensors[i].device();
    if (d.kind == runtime::Device::Kind::Cpu) continue;
    if (p.first == Placement::npos) {
      p.device = d;
      p.first = i;
    } else if (!(d == p.device)) {
      p.conflict = i;
    }
  }
  return p;
}

Tensor tensor_from_bytes(const ir::Type& type, const void* data) {
  runtime::Array a = runtime::Array::allocate(type);
  if (type.nbytes()) std::memcpy(a.data(), data, type.nbytes());
  return Tensor(std::move(a));
}

Tensor scalar_tensor(ir::DType dtype, double value, bool weak) {
  alignas(16) unsigned char bytes[16] = {};
  store_element_from_double(dtype, bytes, value);
  return tensor_from_bytes(ir::Type{dtype, {}, weak}, bytes);
}

Tensor scalar_tensor_int(ir::DType dtype, int64_t value, bool weak) {
  alignas(16) unsigned char bytes[16] = {};
  store_element_from_int(dtype, bytes, value);
  return tensor_from_bytes(ir::Type{dtype, {}, weak}, bytes);
}

Tensor scalar_tensor_complex(ir::DType dtype, double re, double im, bool weak) {
  alignas(16) unsigned char bytes[16] = {};
  store_element_from_complex(dtype, bytes, {re, im});
  return tensor_from_bytes(ir::Type{dtype, {}, weak}, bytes);
}

}  // namespace ember::frontend
