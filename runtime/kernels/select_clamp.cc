// select (pred ? on_true : on_false) and clamp (min(max(x, lo), hi)). The predicate of select and the
// bounds of clamp are either shaped like the data or rank-0 scalars broadcast over it.
#include <cstring>

#include "runtime/kernels/elementwise.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

// select moves bits, so it dispatches on the element size only, and blends with a mask (both branches are
// read), which vectorises where a conditional load would not.
template <typename E>
void select_loop(const bool* __restrict p, const E* __restrict t, const E* __restrict f, E* __restrict y,
                 int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    E mask = E(E(0) - E(p[i]));
    y[i] = E((t[i] & mask) | (f[i] & ~mask));
  }
}

// 16-byte elements (complex128) as two 8-byte halves.
struct Bytes16 {
  uint64_t lo, hi;
};
void select_loop(const bool* __restrict p, const Bytes16* __restrict t, const Bytes16* __restrict f,
                 Bytes16* __restrict y, int64_t n) {
  const uint64_t* __restrict tt = reinterpret_cast<const uint64_t*>(t);
  const uint64_t* __restrict ff = reinterpret_cast<const uint64_t*>(f);
  uint64_t* __restrict yy = reinterpret_cast<uint64_t*>(y);
  for (int64_t i = 0; i < n; ++i) {
    uint64_t mask = uint64_t(0) - uint64_t(p[i]);
    yy[2 * i] = (tt[2 * i] & mask) | (ff[2 * i] & ~mask);
    yy[2 * i + 1] = (tt[2 * i + 1] & mask) | (ff[2 * i + 1] & ~mask);
  }
}

template <size_t N>
using bits_t = std::conditional_t<
    N == 1, uint8_t,
    std::conditional_t<N == 2, uint16_t,
                       std::conditional_t<N == 4, uint32_t, std::conditional_t<N == 8, uint64_t, Bytes16>>>>;

template <typename E>
void select_typed(const Array& pred, const Array& on_true, const Array& on_false, Array& out) {
  const E *t = on_true.data_as<const E>(), *f = on_false.data_as<const E>();
  E* y = out.data_as<E>();
  int64_t n = out.numel();
  if (pred.type.rank() == 0 && n > 0) {
    const E* src = *pred.data_as<const bool>() ? t : f;
    for_chunks(n, [=](int64_t b, int64_t e) { std::memcpy(y + b, src + b, size_t(e - b) * sizeof(E)); });
    return;
  }
  const bool* p = pred.data_as<const bool>();
  for_chunks(n, [=](int64_t b, int64_t e) { select_loop(p + b, t + b, f + b, y + b, e - b); });
}

void select_kernel(const KernelArgs& args) {
  const Array &pred = args.inputs[0], &on_true = args.inputs[1], &on_false = args.inputs[2];
  Array& y = args.outputs[0];
  constexpr Prim P = Prim::Select;
  expect(pred.type.dtype == ir::DType::Bool, P, "the predicate is not bool");
  expect(on_true.type.dtype == y.type.dtype && on_false.type.dtype == y.type.dtype, P,
         "operand dtypes differ");
  expect(on_true.numel() == y.numel() && on_false.numel() == y.numel() &&
             (pred.type.rank() == 0 || pred.numel() == y.numel()),
         P, "operand and result sizes differ");
  switch (ir::dtype_size(y.type.dtype)) {
    case 1:
      return select_typed<bits_t<1>>(pred, on_true, on_false, y);
    case 2:
      return select_typed<bits_t<2>>(pred, on_true, on_false, y);
    case 4:
      return select_typed<bits_t<4>>(pred, on_true, on_false, y);
    case 8:
      return select_typed<bits_t<8>>(pred, on_true, on_false, y);
    default:
      return select_typed<bits_t<16>>(pred, on_true, on_false, y);
  }
}

// min(max(x, lo), hi) with NaN-propagating max and min (XLA's clamp); LoStride/HiStride are 0 for a scalar
// bound, as template parameters so that both loops vectorise.
template <int LoStride, int HiStride, typename T>
void clamp_loop(const T* __restrict lo, const T* __restrict x, const T* __restrict hi, T* __restrict y,
                int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = store<T>(MinOp{}(MaxOp{}(load(x[i]), load(lo[i * LoStride])), load(hi[i * HiStride])));
}

template <int LoStride, int HiStride, typename T>
void clamp_typed(const T* lo, const T* x, const T* hi, T* y, int64_t n) {
  for_chunks(n, [=](int64_t b, int64_t e) {
    clamp_loop<LoStride, HiStride>(lo + b * LoStride, x + b, hi + b * HiStride, y + b, e - b);
  });
}

void clamp_kernel(const KernelArgs& args) {
  const Array &lo = args.inputs[0], &x = args.inputs[1], &hi = args.inputs[2];
  Array& y = args.outputs[0];
  constexpr Prim P = Prim::Clamp;
  expect(lo.type.dtype == x.type.dtype && hi.type.dtype == x.type.dtype && y.type.dtype == x.type.dtype, P,
         "operand dtypes differ");
  bool lo_scalar = lo.type.rank() == 0, hi_scalar = hi.type.rank() == 0;
  expect(x.numel() == y.numel() && (lo_scalar || lo.numel() == x.numel()) &&
             (hi_scalar || hi.numel() == x.numel()),
         P, "operand and result sizes differ");
  visit_dtype(x.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(ir::kOrderedClass)) {
      const T *plo = lo.data_as<const T>(), *px = x.data_as<const T>(), *phi = hi.data_as<const T>();
      T* py = y.data_as<T>();
      int64_t n = x.numel();
      if (lo_scalar && hi_scalar)
        clamp_typed<0, 0>(plo, px, phi, py, n);
      else if (lo_scalar)
        clamp_typed<0, 1>(plo, px, phi, py, n);
      else if (hi_scalar)
        clamp_typed<1, 0>(plo, px, phi, py, n);
      else
        clamp_typed<1, 1>(plo, px, phi, py, n);
    } else {
      unsupported_dtype(P, x.type.dtype);
    }
  });
}

}  // namespace

void register_select_clamp(KernelTable& t) {
  t.set(Prim::Select, &select_kernel);
  t.set(Prim::Clamp, &clamp_kernel);
}

}  // namespace ember::runtime::kernels
