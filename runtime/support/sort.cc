// Sorting for compiled code. Every key element is encoded as unsigned 64-bit words whose lexicographic
// order is the order of the values (as runtime/kernels/sort.cc does for the reference executor): integers
// offset so unsigned comparison is signed order; floats widened to double and mapped to their
// order-preserving bit pattern, -0.0 read as +0.0 and every NaN as the largest word; complex values as
// (class, word, word), the class putting NaN parts last as np.sort does. Sorting then compares integers
// only, ties broken by position.
#include "runtime/support/sort.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>
#include <utility>
#include <vector>

namespace {

constexpr uint64_t kNaNWord = ~uint64_t(0);

uint64_t float_word(double v) {
  if (v != v) return kNaNWord;
  if (v == 0) v = 0;  // -0.0 sorts equal to +0.0
  uint64_t u = std::bit_cast<uint64_t>(v);
  return (u >> 63) ? ~u : u | (uint64_t(1) << 63);
}

double half_to_double(uint16_t h) {
  int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double v = exponent == 0    ? std::ldexp(double(mantissa), -24)
             : exponent == 31 ? (mantissa ? NAN : INFINITY)
                              : std::ldexp(double(mantissa | 0x400), exponent - 25);
  return (h >> 15) ? -v : v;
}

// An IEEE float of `bytes` bytes at p, as double.
double read_float(const unsigned char* p, int64_t bytes) {
  switch (bytes) {
    case 2: {
      uint16_t h;
      std::memcpy(&h, p, 2);
      return half_to_double(h);
    }
    case 4: {
      float f;
      std::memcpy(&f, p, 4);
      return f;
    }
    default: {
      double d;
      std::memcpy(&d, p, 8);
      return d;
    }
  }
}

uint64_t read_unsigned(const unsigned char* p, int64_t bytes) {
  uint64_t v = 0;
  std::memcpy(&v, p, size_t(bytes));  // little-endian: the low bytes
  return v;
}

int64_t words_of(const EmberSortOperand& op) { return op.kind == EMBER_SORT_COMPLEX ? 3 : 1; }

void encode(const EmberSortOperand& op, const unsigned char* p, uint64_t* w) {
  switch (op.kind) {
    case EMBER_SORT_BOOL: w[0] = p[0] ? 1 : 0; return;
    case EMBER_SORT_UINT: w[0] = read_unsigned(p, op.bytes); return;
    case EMBER_SORT_INT: {
      int shift = int(64 - 8 * op.bytes);
      int64_t v = int64_t(read_unsigned(p, op.bytes) << shift) >> shift;  // sign-extended
      w[0] = uint64_t(v) ^ (uint64_t(1) << 63);
      return;
    }
    case EMBER_SORT_BFLOAT: {
      uint32_t bits = uint32_t(read_unsigned(p, 2)) << 16;
      w[0] = float_word(double(std::bit_cast<float>(bits)));
      return;
    }
    case EMBER_SORT_COMPLEX: {
      double re = read_float(p, op.bytes / 2), im = read_float(p + op.bytes / 2, op.bytes / 2);
      bool re_nan = re != re, im_nan = im != im;
      if (!re_nan && !im_nan) w[0] = 0, w[1] = float_word(re), w[2] = float_word(im);
      else if (!re_nan) w[0] = 1, w[1] = float_word(re), w[2] = 0;
      else if (!im_nan) w[0] = 2, w[1] = float_word(im), w[2] = 0;
      else w[0] = 3, w[1] = 0, w[2] = 0;
      return;
    }
    default: w[0] = float_word(read_float(p, op.bytes)); return;
  }
}

// dst[k] = src[perm[k]] along one slice (elements `stride` apart).
void permute(const EmberSortOperand& op, int64_t base, int64_t stride, const int64_t* perm, int64_t n) {
  auto* dst = static_cast<unsigned char*>(op.output);
  auto* src = static_cast<const unsigned char*>(op.input);
  size_t b = size_t(op.bytes);
  for (int64_t k = 0; k < n; ++k) std::memcpy(dst + size_t(base + k * stride) * b, src + size_t(base + perm[k] * stride) * b, b);
}

void sort_slices(const EmberSortCall& call, int64_t begin, int64_t end) {
  const int64_t n = call.n, inner = call.inner;
  int64_t words = 0;
  for (int64_t k = 0; k < call.num_keys; ++k) words += words_of(call.operands[k]);
  std::vector<uint64_t> keys(size_t(n * words));
  std::vector<std::pair<uint64_t, int64_t>> pairs;
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t s = begin; s < end; ++s) {
    int64_t base = (s / inner) * n * inner + s % inner;
    int64_t offset = 0;
    for (int64_t k = 0; k < call.num_keys; ++k) {
      const EmberSortOperand& key = call.operands[k];
      auto* p = static_cast<const unsigned char*>(key.input);
      for (int64_t i = 0; i < n; ++i) encode(key, p + size_t(base + i * inner) * size_t(key.bytes), &keys[size_t(i * words + offset)]);
      offset += words_of(key);
    }
    if (words == 1) {  // (key, position) pairs: their order is the stable order
      pairs.resize(size_t(n));
      for (int64_t i = 0; i < n; ++i) pairs[size_t(i)] = {keys[size_t(i)], i};
      std::sort(pairs.begin(), pairs.end());
      for (int64_t i = 0; i < n; ++i) perm[size_t(i)] = pairs[size_t(i)].second;
    } else {
      std::iota(perm.begin(), perm.end(), int64_t(0));
      const uint64_t* kw = keys.data();
      std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
        const uint64_t *wa = kw + a * words, *wb = kw + b * words;
        for (int64_t w = 0; w < words; ++w)
          if (wa[w] != wb[w]) return wa[w] < wb[w];
        return a < b;
      });
    }
    for (int64_t o = 0; o < call.num_operands; ++o) permute(call.operands[o], base, inner, perm.data(), n);
  }
}

void top_k_rows(const EmberSortCall& call, int64_t begin, int64_t end) {
  const int64_t n = call.n, k = call.k;
  const EmberSortOperand& x = call.operands[0];
  auto* src = static_cast<const unsigned char*>(x.input);
  auto* values = static_cast<unsigned char*>(x.output);
  auto* indices = static_cast<int32_t*>(call.operands[1].output);
  size_t b = size_t(x.bytes);
  std::vector<std::pair<uint64_t, int64_t>> pairs(static_cast<size_t>(n));
  for (int64_t r = begin; r < end; ++r) {
    // Descending keys (NaN first, being the largest), ties by ascending position: ascending (~key, i).
    for (int64_t i = 0; i < n; ++i) {
      uint64_t w;
      encode(x, src + size_t(r * n + i) * b, &w);
      pairs[size_t(i)] = {~w, i};
    }
    std::partial_sort(pairs.begin(), pairs.begin() + k, pairs.end());
    for (int64_t i = 0; i < k; ++i) {
      int64_t from = pairs[size_t(i)].second;
      indices[r * k + i] = int32_t(from);
      std::memcpy(values + size_t(r * k + i) * b, src + size_t(r * n + from) * b, b);
    }
  }
}

}  // namespace

extern "C" void ember_sort_slices(void* call, int64_t begin, int64_t end) {
  const auto& c = *static_cast<const EmberSortCall*>(call);
  if (c.k >= 0) top_k_rows(c, begin, end);
  else sort_slices(c, begin, end);
}
