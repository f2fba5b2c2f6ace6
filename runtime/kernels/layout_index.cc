// Layout kernels with dynamic start indices (dynamic_slice, dynamic_update_slice) or that place operands
// into a larger result (concatenate, pad).
#include <algorithm>
#include <limits>
#include <type_traits>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/kernels/layout_kernels.h"
#include "runtime/kernels/strided_copy.h"

namespace ember::runtime::kernels {

namespace {

// The value of a scalar start index of any integer dtype. uint64 values beyond int64 saturate, so that
// they clamp to the largest start like any other too-large start.
int64_t start_index(const Array& a) {
  return visit_dtype(a.type.dtype, [&](auto tag) -> int64_t {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      T v = *a.data_as<const T>();
      if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8)
        if (v > uint64_t(std::numeric_limits<int64_t>::max())) return std::numeric_limits<int64_t>::max();
      return int64_t(v);
    } else {
      throw Error(ErrorKind::Type, "expected an integer start index, got " + ir::to_string(a.type));
    }
  });
}

// Start indices clamped to [0, dim - size], as JAX and XLA do, so the window always stays in bounds.
Dims clamped_starts(std::span<const Array> starts, const ir::Shape& shape, const ir::Shape& window) {
  Dims out;
  for (size_t i = 0; i < shape.size(); ++i)
    out.push_back(std::clamp<int64_t>(start_index(starts[i]), 0, shape[i] - window[i]));
  return out;
}

char* byte_ptr(const Array& a) { return static_cast<char*>(a.data()); }

}  // namespace

void dynamic_slice_kernel(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  Array& out = a.outputs[0];
  if (out.numel() == 0) return;
  Dims starts = clamped_starts(a.inputs.subspan(1), x.type.shape, out.type.shape);
  Dims xs = row_major_strides(x.type.shape);
  int64_t offset = 0;
  for (size_t i = 0; i < xs.size(); ++i) offset += starts[i] * xs[i];
  if (out.numel() == x.numel()) {  // the whole array
    out.buffer = x.buffer;
    return;
  }
  size_t esize = ir::dtype_size(x.type.dtype);
  strided_copy(esize, out.type.shape, out.data(), row_major_strides(out.type.shape),
               byte_ptr(x) + offset * int64_t(esize), xs);
}

void dynamic_update_slice_kernel(const KernelArgs& a) {
  const Array &x = a.inputs[0], &update = a.inputs[1];
  Array& out = a.outputs[0];
  if (out.numel() == 0) return;
  if (update.numel() == x.numel()) {  // the update replaces every element
    out.buffer = update.buffer;
    return;
  }
  copy_bytes(out.data(), x.data(), x.nbytes());
  if (update.numel() == 0) return;
  Dims starts = clamped_starts(a.inputs.subspan(2), x.type.shape, update.type.shape);
  Dims os = row_major_strides(out.type.shape);
  int64_t offset = 0;
  for (size_t i = 0; i < os.size(); ++i) offset += starts[i] * os[i];
  size_t esize = ir::dtype_size(x.type.dtype);
  strided_copy(esize, update.type.shape, byte_ptr(out) + offset * int64_t(esize), os, update.data(),
               row_major_strides(update.type.shape));
}

void concatenate_kernel(const KernelArgs& a) {
  Array& out = a.outputs[0];
  if (out.numel() == 0) return;
  size_t dim = size_t(ir::attr_int(a.attrs, 0));
  size_t esize = ir::dtype_size(out.type.dtype);
  Dims os = row_major_strides(out.type.shape);
  int64_t at = 0;  // position of the next operand along `dim`
  for (const Array& x : a.inputs) {
    if (x.numel() > 0)
      strided_copy(esize, x.type.shape, byte_ptr(out) + at * os[dim] * int64_t(esize), os, x.data(),
                   row_major_strides(x.type.shape));
    at += x.type.shape[dim];
  }
}

void pad_kernel(const KernelArgs& a) {
  const Array &x = a.inputs[0], &value = a.inputs[1];
  Array& out = a.outputs[0];
  if (out.numel() == 0) return;
  const auto &lo = ir::attr_ints(a.attrs, 0), &interior = ir::attr_ints(a.attrs, 2);
  const ir::Shape &xshape = x.type.shape, &oshape = out.type.shape;
  Dims xs = row_major_strides(xshape), os = row_major_strides(oshape);
  // Operand element k along dimension i lands at lo[i] + k * (interior[i] + 1); negative padding crops the
  // elements that land outside [0, out). Copy the elements that land inside: a strided box.
  Dims count, dst_strides;
  int64_t src_offset = 0, dst_offset = 0;
  bool covers_all = true, any_copied = true;
  for (size_t i = 0; i < xshape.size(); ++i) {
    int64_t step = interior[i] + 1;
    int64_t first = lo[i] >= 0 ? 0 : (-lo[i] + step - 1) / step;
    int64_t last_pos = oshape[i] - 1 - lo[i];  // the largest position an element may take, minus lo
    int64_t end = last_pos < 0 ? 0 : std::min(xshape[i], last_pos / step + 1);
    int64_t n = std::max<int64_t>(0, end - first);
    count.push_back(n);
    dst_strides.push_back(os[i] * step);
    src_offset += first * xs[i];
    dst_offset += (lo[i] + first * step) * os[i];
    covers_all = covers_all && n == oshape[i];
    any_copied = any_copied && n > 0;
  }
  size_t esize = ir::dtype_size(x.type.dtype);
  if (!covers_all) fill_elements(esize, out.data(), out.numel(), value.data());
  if (any_copied)
    strided_copy(esize, count, byte_ptr(out) + dst_offset * int64_t(esize), dst_strides,
                 byte_ptr(x) + src_offset * int64_t(esize), xs);
}

}  // namespace ember::runtime::kernels
