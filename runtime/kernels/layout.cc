// Layout kernels that read one operand through a strided view (broadcast_in_dim, transpose, slice, rev),
// the aliasing ones (reshape, constant), iota, and the registration of the whole family.
#include <algorithm>
#include <complex>

#include "ir/numeric.h"
#include "runtime/kernels/kernels.h"
#include "runtime/kernels/layout_kernels.h"
#include "runtime/kernels/strided_copy.h"

namespace ember::runtime::kernels {

namespace {

// Fills outputs[0] (dense) from inputs[0] read at `offset + i . src_strides`. When the view is input 0
// itself, element for element, the output aliases its buffer instead (arrays are immutable).
void copy_view(const KernelArgs& a, std::span<const int64_t> src_strides, int64_t offset) {
  const Array& x = a.inputs[0];
  Array& out = a.outputs[0];
  if (out.numel() == 0) return;
  const ir::Shape& shape = out.type.shape;
  Dims dense = row_major_strides(shape);
  bool same = offset == 0 && out.numel() == x.numel();
  for (size_t i = 0; same && i < shape.size(); ++i) same = shape[i] == 1 || src_strides[i] == dense[i];
  if (same) {
    out.buffer = x.buffer;
    return;
  }
  size_t esize = ir::dtype_size(x.type.dtype);
  strided_copy(esize, shape, out.data(), dense, static_cast<const char*>(x.data()) + offset * int64_t(esize),
               src_strides);
}

}  // namespace

void broadcast_in_dim_kernel(const KernelArgs& a) {
  const Array& x = a.inputs[0];
  const auto& dims = ir::attr_ints(a.attrs, 1);
  Dims xs = row_major_strides(x.type.shape);
  Dims src(a.outputs[0].type.shape.size(), 0);
  for (size_t i = 0; i < dims.size(); ++i)
    if (x.type.shape[i] != 1) src[size_t(dims[i])] = xs[i];
  copy_view(a, src, 0);
}

// reshape and stop_gradient: the result shares the operand's buffer (buffers are immutable).
void alias_kernel(const KernelArgs& a) { a.outputs[0].buffer = a.inputs[0].buffer; }

void transpose_kernel(const KernelArgs& a) {
  const auto& perm = ir::attr_ints(a.attrs, 0);
  Dims xs = row_major_strides(a.inputs[0].type.shape);
  Dims src;
  for (int64_t p : perm) src.push_back(xs[size_t(p)]);
  copy_view(a, src, 0);
}

void slice_kernel(const KernelArgs& a) {
  const auto &start = ir::attr_ints(a.attrs, 0), &strides = ir::attr_ints(a.attrs, 2);
  Dims xs = row_major_strides(a.inputs[0].type.shape);
  Dims src;
  int64_t offset = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    offset += start[i] * xs[i];
    src.push_back(xs[i] * strides[i]);
  }
  copy_view(a, src, offset);
}

void rev_kernel(const KernelArgs& a) {
  const ir::Shape& shape = a.inputs[0].type.shape;
  Dims src = row_major_strides(shape);
  int64_t offset = 0;
  for (int64_t d : ir::attr_ints(a.attrs, 0)) {
    if (shape[size_t(d)] == 0) return;  // empty output
    offset += (shape[size_t(d)] - 1) * src[size_t(d)];
    src[size_t(d)] = -src[size_t(d)];
  }
  copy_view(a, src, offset);
}

void constant_kernel(const KernelArgs& a) {
  a.outputs[0].buffer = Array::from_literal(ir::attr_literal(a.attrs, 0)).buffer;
}

void iota_kernel(const KernelArgs& a) {
  Array& out = a.outputs[0];
  const ir::Shape& shape = out.type.shape;
  int64_t dim = ir::attr_int(a.attrs, 2);
  if (out.numel() == 0) return;
  int64_t outer = 1, inner = 1, n = shape[size_t(dim)];
  for (int64_t d = 0; d < dim; ++d) outer *= shape[size_t(d)];
  for (size_t d = size_t(dim) + 1; d < shape.size(); ++d) inner *= shape[d];
  visit_dtype(out.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = out.data_as<T>();
    int64_t period = n * inner;
    // One period of the pattern (n values, each repeated `inner` times), then copies of it.
    for (int64_t k = 0; k < n; ++k) {
      T v;
      if constexpr (is_complex_v<T>)
        v = T(typename T::value_type(k), 0);
      else if constexpr (is_half_v<T>)
        v = T(float(k));
      else
        v = static_cast<T>(k);  // integers wrap, as a conversion of the index would
      std::fill_n(o + k * inner, inner, v);
    }
    if (outer > 1) {
      int64_t shape2[] = {outer - 1, period}, dst_strides[] = {period, 1}, src_strides[] = {0, 1};
      strided_copy(sizeof(T), shape2, o + period, dst_strides, o, src_strides);
    }
  });
}

void register_layout(KernelTable& t) {
  using ir::Prim;
  t.set(Prim::BroadcastInDim, broadcast_in_dim_kernel);
  t.set(Prim::Reshape, alias_kernel);
  t.set(Prim::StopGradient, alias_kernel);
  t.set(Prim::Transpose, transpose_kernel);
  t.set(Prim::Slice, slice_kernel);
  t.set(Prim::DynamicSlice, dynamic_slice_kernel);
  t.set(Prim::DynamicUpdateSlice, dynamic_update_slice_kernel);
  t.set(Prim::Concatenate, concatenate_kernel);
  t.set(Prim::Pad, pad_kernel);
  t.set(Prim::Rev, rev_kernel);
  t.set(Prim::Iota, iota_kernel);
  t.set(Prim::Constant, constant_kernel);
}

}  // namespace ember::runtime::kernels
