// dot_general with general dimension numbers, as a batch of matrix products.
//
// Each operand is used in place when its memory already is a batch of matrices, [batch, M, K] or the
// transposed [batch, K, M] for the lhs, [batch, K, N] or [batch, N, K] for the rhs (unit dimensions may sit
// anywhere); otherwise it is permuted into [batch, free, contracting] order first. The pairing order of the
// contracting dimensions is free, so it is chosen to spare the larger operand a copy. Operands are then
// converted to the arithmetic type of the result dtype (float for float16/bfloat16, which round once at the
// end; the unsigned type of an integer result, which wraps), and the result, laid out [batch, lhs free, rhs
// free], is exactly the row-major [batch, M, N] the gemm writes.
#include <algorithm>
#include <numeric>
#include <type_traits>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "runtime/kernels/gemm.h"
#include "runtime/kernels/kernels.h"
#include "runtime/kernels/strided_copy.h"

namespace ember::runtime::kernels {

namespace {

using Ints = std::vector<int64_t>;

Ints concat(std::initializer_list<const Ints*> parts) {
  Ints out;
  for (const Ints* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

// The dimensions of `shape` not in `used`, in order.
Ints free_dims(const ir::Shape& shape, const Ints& a, const Ints& b) {
  Ints out;
  for (int64_t d = 0; d < int64_t(shape.size()); ++d)
    if (std::find(a.begin(), a.end(), d) == a.end() && std::find(b.begin(), b.end(), d) == b.end())
      out.push_back(d);
  return out;
}

// Whether memory order, which is ascending dimension order, already is `order` once unit dimensions
// (which do not affect addressing) are ignored.
bool in_memory_order(const ir::Shape& shape, const Ints& order) {
  int64_t prev = -1;
  for (int64_t d : order) {
    if (shape[size_t(d)] == 1) continue;
    if (d < prev) return false;
    prev = d;
  }
  return true;
}

int64_t product(const ir::Shape& shape, const Ints& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= shape[size_t(d)];
  return n;
}

// How one operand enters the gemm: as is (possibly transposed), or permuted into `perm` order.
struct OperandLayout {
  bool copy = false;
  bool trans = false;
  Ints perm;
};

// lhs: normal [batch, free, contract], transposed [batch, contract, free]. rhs: normal [batch, contract,
// free], transposed [batch, free, contract]. `first` is what comes after batch in the normal layout.
OperandLayout layout_of(const ir::Shape& shape, const Ints& batch, const Ints& first, const Ints& second) {
  OperandLayout l;
  l.perm = concat({&batch, &first, &second});
  if (in_memory_order(shape, l.perm)) return l;
  if (in_memory_order(shape, concat({&batch, &second, &first}))) {
    l.trans = true;
    return l;
  }
  l.copy = true;
  return l;
}

// Contracting dimension pairs, reordered by the lhs (`by_lhs`) or the rhs dimension.
std::pair<Ints, Ints> sorted_pairs(const Ints& lc, const Ints& rc, bool by_lhs) {
  std::vector<size_t> idx(lc.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(),
            [&](size_t i, size_t j) { return by_lhs ? lc[i] < lc[j] : rc[i] < rc[j]; });
  Ints l, r;
  for (size_t i : idx) {
    l.push_back(lc[i]);
    r.push_back(rc[i]);
  }
  return {l, r};
}

// The operand's bytes in the layout the gemm reads: the array itself, or a permuted copy in `storage`.
const void* arrange(const Array& x, const OperandLayout& l, Buffer& storage) {
  if (!l.copy) return x.data();
  size_t esize = ir::dtype_size(x.type.dtype);
  storage = Buffer::allocate_host(x.nbytes());
  Dims xs = row_major_strides(x.type.shape);
  Dims shape, src;
  for (int64_t d : l.perm) {
    shape.push_back(x.type.shape[size_t(d)]);
    src.push_back(xs[size_t(d)]);
  }
  strided_copy(esize, shape, storage.data(), row_major_strides(shape), x.data(), src);
  return storage.data();
}

// The arithmetic type of a result dtype.
template <typename O>
struct ComputeOf {
  using type = compute_t<O>;
};
template <std::signed_integral O>
struct ComputeOf<O> {
  using type = std::make_unsigned_t<O>;
};

// An operand element in the arithmetic of result type O: float -> integer saturates (DESIGN §3), integer
// -> integer wraps, 16-bit floats widen exactly.
template <typename O, typename In>
typename ComputeOf<O>::type to_compute(In x) {
  using C = typename ComputeOf<O>::type;
  if constexpr (std::is_integral_v<O>) {
    if constexpr (std::is_integral_v<In>)
      return static_cast<C>(static_cast<O>(x));
    else
      return static_cast<C>(saturate_cast<O>(compute_t<In>(x)));
  } else if constexpr (is_complex_v<O>) {
    return C(x);
  } else {
    return C(compute_t<In>(x));
  }
}

template <typename O>
const typename ComputeOf<O>::type* convert_operand(ir::DType in_dtype, const void* src, int64_t n,
                                                   Buffer& storage) {
  using C = typename ComputeOf<O>::type;
  storage = Buffer::allocate_host(size_t(n) * sizeof(C));
  C* dst = static_cast<C*>(storage.data());
  visit_dtype(in_dtype, [&](auto tag) {
    using In = typename decltype(tag)::type;
    if constexpr (std::is_same_v<In, bool> || is_complex_v<In> != is_complex_v<O>) {
      throw Error(ErrorKind::Type, "unsupported operand dtype " + std::string(ir::dtype_name(in_dtype)));
    } else {
      const In* s = static_cast<const In*>(src);
      maybe_parallel(n, kParallelGrain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) dst[i] = to_compute<O>(s[i]);
      });
    }
  });
  return dst;
}

void dot_general_kernel(const KernelArgs& args) {
  const Array &lhs = args.inputs[0], &rhs = args.inputs[1];
  Array& out = args.outputs[0];
  if (out.numel() == 0) return;
  const Ints &lb = ir::attr_ints(args.attrs, 2), &rb = ir::attr_ints(args.attrs, 3);
  const ir::Shape &ls = lhs.type.shape, &rs = rhs.type.shape;
  Ints lf = free_dims(ls, ir::attr_ints(args.attrs, 0), lb);
  Ints rf = free_dims(rs, ir::attr_ints(args.attrs, 1), rb);

  // Pick the contracting pair order that copies the fewest elements.
  OperandLayout best_l, best_r;
  int64_t best_cost = -1;
  for (bool by_lhs : {true, false}) {
    auto [lc, rc] = sorted_pairs(ir::attr_ints(args.attrs, 0), ir::attr_ints(args.attrs, 1), by_lhs);
    OperandLayout l = layout_of(ls, lb, lf, lc), r = layout_of(rs, rb, rc, rf);
    int64_t cost = (l.copy ? lhs.numel() : 0) + (r.copy ? rhs.numel() : 0);
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best_l = l;
      best_r = r;
    }
  }
  Ints lc_used(best_l.perm.begin() + int64_t(lb.size() + lf.size()), best_l.perm.end());
  int64_t batch = product(ls, lb), m = product(ls, lf), n = product(rs, rf), k = product(ls, lc_used);

  Buffer lperm, rperm, lconv, rconv, cbuf;
  const void* a = arrange(lhs, best_l, lperm);
  const void* b = arrange(rhs, best_r, rperm);
  ir::DType in_dtype = lhs.type.dtype, out_dtype = out.type.dtype;
  visit_dtype(out_dtype, [&](auto tag) {
    using O = typename decltype(tag)::type;
    if constexpr (std::is_same_v<O, bool>) {
      throw Error(ErrorKind::Type, "expected a numeric preferred_element_type");
    } else {
      using C = typename ComputeOf<O>::type;
      const C *ca, *cb;
      if (in_dtype == out_dtype && !is_half_v<O>) {  // already in the arithmetic type (signed as unsigned)
        ca = static_cast<const C*>(a);
        cb = static_cast<const C*>(b);
      } else {
        ca = convert_operand<O>(in_dtype, a, lhs.numel(), lconv);
        cb = convert_operand<O>(in_dtype, b, rhs.numel(), rconv);
      }
      C* c = out.data_as<C>();
      if constexpr (is_half_v<O>) {
        cbuf = Buffer::allocate_host(size_t(out.numel()) * sizeof(C));
        c = static_cast<C*>(cbuf.data());
      }
      int64_t lda = best_l.trans ? m : k, ldb = best_r.trans ? k : n;
      gemm_batched<C>(best_l.trans, best_r.trans, batch, m, n, k, ca, lda, m * k, cb, ldb, k * n, c, n,
                      m * n);
      if constexpr (is_half_v<O>) {
        O* o = out.data_as<O>();
        maybe_parallel(out.numel(), kParallelGrain, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) o[i] = O(c[i]);
        });
      }
    }
  });
}

}  // namespace

void register_dot(KernelTable& t) { t.set(ir::Prim::DotGeneral, dot_general_kernel); }

}  // namespace ember::runtime::kernels
