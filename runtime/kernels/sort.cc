// sort and top_k.
//
// Every key element is first encoded as unsigned 64-bit words whose lexicographic order is NumPy's order
// of the values: integers offset so that unsigned comparison is signed order; floats widened to double and
// mapped to their order-preserving bit pattern, with -0.0 read as +0.0 and every NaN as the largest word
// (NaNs equal, last); complex values as (class, word, word) with class 0 for no NaN part (ordered by real,
// then imaginary part), 1 for a NaN imaginary part (by real part), 2 for a NaN real part (by imaginary
// part), 3 for both NaN, which is where np.sort puts them. Sorting then compares integers only, and ties
// are broken by the original position, which makes every sort stable (and so deterministic) whatever
// is_stable says.
#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>
#include <utility>
#include <vector>

#include "runtime/kernels/elementwise.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

constexpr uint64_t kNaNWord = ~uint64_t(0);

inline uint64_t float_word(double v) {
  if (v != v) return kNaNWord;
  if (v == 0) v = 0;  // -0.0 sorts equal to +0.0
  uint64_t u = std::bit_cast<uint64_t>(v);
  return (u >> 63) ? ~u : u | (uint64_t(1) << 63);
}

// Number of words per element of a key dtype.
int key_words(ir::DType d) { return ir::is_complex(d) ? 3 : 1; }

// Writes the words of x[0], x[stride], ..., x[(n-1) stride] to out[i * out_stride + offset ...].
template <typename T>
void encode_keys(const T* x, int64_t n, int64_t stride, uint64_t* out, int64_t out_stride) {
  for (int64_t i = 0; i < n; ++i) {
    T v = x[i * stride];
    uint64_t* w = out + i * out_stride;
    if constexpr (std::is_same_v<T, bool>) {
      w[0] = v ? 1 : 0;
    } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
      w[0] = uint64_t(v);
    } else if constexpr (std::is_integral_v<T>) {
      w[0] = uint64_t(int64_t(v)) ^ (uint64_t(1) << 63);
    } else if constexpr (is_complex_v<T>) {
      double re = double(v.real()), im = double(v.imag());
      bool re_nan = re != re, im_nan = im != im;
      if (!re_nan && !im_nan) {
        w[0] = 0, w[1] = float_word(re), w[2] = float_word(im);
      } else if (!re_nan) {
        w[0] = 1, w[1] = float_word(re), w[2] = 0;
      } else if (!im_nan) {
        w[0] = 2, w[1] = float_word(im), w[2] = 0;
      } else {
        w[0] = 3, w[1] = 0, w[2] = 0;
      }
    } else {
      w[0] = float_word(double(load(v)));
    }
  }
}

void encode(const Array& a, int64_t base, int64_t n, int64_t stride, uint64_t* out, int64_t out_stride) {
  visit_dtype(a.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    encode_keys(a.data_as<const T>() + base, n, stride, out, out_stride);
  });
}

// Calls fn(type_identity<E>) with an element type of the given byte size, for moving elements.
struct Bytes16 {
  unsigned char b[16];
};
template <typename Fn>
void with_element_size(size_t size, Fn&& fn) {
  switch (size) {
    case 1:
      return fn(std::type_identity<uint8_t>{});
    case 2:
      return fn(std::type_identity<uint16_t>{});
    case 4:
      return fn(std::type_identity<uint32_t>{});
    case 8:
      return fn(std::type_identity<uint64_t>{});
    default:
      return fn(std::type_identity<Bytes16>{});
  }
}

// dst[k * stride] = src[perm[k] * stride] for one slice of an operand.
void permute_slice(const Array& src, Array& dst, int64_t base, int64_t stride, const int64_t* perm,
                   int64_t n) {
  with_element_size(ir::dtype_size(src.type.dtype), [&](auto tag) {
    using E = typename decltype(tag)::type;
    const E* s = static_cast<const E*>(src.data()) + base;
    E* d = static_cast<E*>(dst.data()) + base;
    for (int64_t k = 0; k < n; ++k) d[k * stride] = s[perm[k] * stride];
  });
}

void sort_kernel(const KernelArgs& args) {
  constexpr Prim P = Prim::Sort;
  const int64_t dim = ir::attr_int(args.attrs, 0), num_keys = ir::attr_int(args.attrs, 2);
  const ir::Shape& shape = args.inputs[0].type.shape;
  expect(args.outputs.size() == args.inputs.size(), P, "one result per operand expected");
  for (size_t i = 0; i < args.inputs.size(); ++i)
    expect(args.inputs[i].type.shape == shape && args.outputs[i].type.shape == shape &&
               args.outputs[i].type.dtype == args.inputs[i].type.dtype,
           P, "operands and results differ in type");
  expect(num_keys >= 1 && num_keys <= int64_t(args.inputs.size()), P, "num_keys out of range");
  int64_t outer = 1, inner = 1, n = shape[size_t(dim)];
  for (int64_t d = 0; d < dim; ++d) outer *= shape[size_t(d)];
  for (size_t d = size_t(dim) + 1; d < shape.size(); ++d) inner *= shape[d];
  if (args.inputs[0].numel() == 0) return;

  int64_t words = 0;
  for (int64_t k = 0; k < num_keys; ++k) words += key_words(args.inputs[size_t(k)].type.dtype);
  const int64_t slices = outer * inner;
  auto run = [&](int64_t begin, int64_t end) {
    std::vector<uint64_t> keys(size_t(n * words));
    std::vector<std::pair<uint64_t, int64_t>> pairs;
    std::vector<int64_t> perm(static_cast<size_t>(n));
    for (int64_t s = begin; s < end; ++s) {
      int64_t base = (s / inner) * n * inner + s % inner;
      if (words == 1) {
        // One one-word key: sort (key, position) pairs, whose order is the stable order.
        encode(args.inputs[0], base, n, inner, keys.data(), 1);
        pairs.resize(size_t(n));
        for (int64_t k = 0; k < n; ++k) pairs[size_t(k)] = {keys[size_t(k)], k};
        std::sort(pairs.begin(), pairs.end());
        for (int64_t k = 0; k < n; ++k) perm[size_t(k)] = pairs[size_t(k)].second;
      } else {
        int64_t offset = 0;
        for (int64_t k = 0; k < num_keys; ++k) {
          const Array& key = args.inputs[size_t(k)];
          encode(key, base, n, inner, keys.data() + offset, words);
          offset += key_words(key.type.dtype);
        }
        std::iota(perm.begin(), perm.end(), int64_t(0));
        const uint64_t* kw = keys.data();
        std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
          const uint64_t *wa = kw + a * words, *wb = kw + b * words;
          for (int64_t w = 0; w < words; ++w)
            if (wa[w] != wb[w]) return wa[w] < wb[w];
          return a < b;
        });
      }
      for (size_t i = 0; i < args.inputs.size(); ++i)
        permute_slice(args.inputs[i], args.outputs[i], base, inner, perm.data(), n);
    }
  };
  int64_t grain = std::max<int64_t>(1, kParallelGrain / (n * words * int64_t(args.inputs.size())));
  if (slices >= 2 * grain)
    parallel_for(slices, grain, run);
  else
    run(0, slices);
}

void top_k_kernel(const KernelArgs& args) {
  constexpr Prim P = Prim::TopK;
  const Array& x = args.inputs[0];
  Array &values = args.outputs[0], &indices = args.outputs[1];
  const int64_t k = ir::attr_int(args.attrs, 0);
  expect(x.type.rank() >= 1 && values.type.dtype == x.type.dtype && indices.type.dtype == ir::DType::I32, P,
         "unexpected result types");
  const int64_t n = x.type.shape.back(), rows = n == 0 ? 0 : x.numel() / n;
  expect(k >= 0 && k <= n && values.numel() == rows * k && indices.numel() == rows * k, P,
         "results do not hold k entries per row");
  if (!ir::in_class(x.type.dtype, ir::kOrderedClass)) unsupported_dtype(P, x.type.dtype);
  if (k == 0 || rows == 0) return;
  auto run = [&](int64_t begin, int64_t end) {
    std::vector<uint64_t> keys(static_cast<size_t>(n));
    std::vector<std::pair<uint64_t, int64_t>> pairs(static_cast<size_t>(n));
    std::vector<int64_t> perm(static_cast<size_t>(k));
    for (int64_t r = begin; r < end; ++r) {
      encode(x, r * n, n, 1, keys.data(), 1);
      // Descending keys (NaN first, being the largest), ties by ascending position: ascending (~key, i).
      for (int64_t i = 0; i < n; ++i) pairs[size_t(i)] = {~keys[size_t(i)], i};
      std::partial_sort(pairs.begin(), pairs.begin() + k, pairs.end());
      int32_t* out_index = indices.data_as<int32_t>() + r * k;
      for (int64_t i = 0; i < k; ++i) {
        perm[size_t(i)] = pairs[size_t(i)].second;
        out_index[i] = int32_t(pairs[size_t(i)].second);
      }
      with_element_size(ir::dtype_size(x.type.dtype), [&](auto tag) {
        using E = typename decltype(tag)::type;
        const E* src = x.data_as<const E>() + r * n;
        E* dst = values.data_as<E>() + r * k;
        for (int64_t i = 0; i < k; ++i) dst[i] = src[perm[size_t(i)]];
      });
    }
  };
  int64_t grain = std::max<int64_t>(1, kParallelGrain / n);
  if (rows >= 2 * grain)
    parallel_for(rows, grain, run);
  else
    run(0, rows);
}

}  // namespace

void register_sort(KernelTable& t) {
  t.set(Prim::Sort, &sort_kernel);
  t.set(Prim::TopK, &top_k_kernel);
}

}  // namespace ember::runtime::kernels
