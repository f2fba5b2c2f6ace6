#include "frontend/promotion.h"

#include <array>
#include <bitset>

#include "ir/error.h"

namespace ember::frontend {

using ir::DType;

namespace {

// Lattice nodes: the 15 dtypes, then the weak kinds i*, f*, c* (a weak bool is just bool).
constexpr int kWeakInt = ir::kNumDTypes, kWeakFloat = ir::kNumDTypes + 1, kWeakComplex = ir::kNumDTypes + 2;
constexpr int kNodes = ir::kNumDTypes + 3;

int node(DType d) { return int(d); }

struct Lattice {
  std::array<std::bitset<kNodes>, kNodes> upper;  // upper[n]: every node >= n (n included)
  std::array<std::array<int, kNodes>, kNodes> join;

  Lattice() {
    std::array<std::vector<int>, kNodes> succ;
    auto edge = [&](int a, int b) { succ[a].push_back(b); };
    // JAX's type promotion lattice (jax._src.dtypes), without the float8 types.
    edge(node(DType::Bool), kWeakInt);
    edge(kWeakInt, node(DType::U8));
    edge(kWeakInt, node(DType::I8));
    edge(node(DType::U8), node(DType::I16));
    edge(node(DType::U8), node(DType::U16));
    edge(node(DType::U16), node(DType::I32));
    edge(node(DType::U16), node(DType::U32));
    edge(node(DType::U32), node(DType::I64));
    edge(node(DType::U32), node(DType::U64));
    edge(node(DType::U64), kWeakFloat);
    edge(node(DType::I8), node(DType::I16));
    edge(node(DType::I16), node(DType::I32));
    edge(node(DType::I32), node(DType::I64));
    edge(node(DType::I64), kWeakFloat);
    edge(kWeakFloat, kWeakComplex);
    edge(kWeakFloat, node(DType::F16));
    edge(kWeakFloat, node(DType::BF16));
    edge(node(DType::F16), node(DType::F32));
    edge(node(DType::BF16), node(DType::F32));
    edge(node(DType::F32), node(DType::F64));
    edge(node(DType::F32), node(DType::C64));
    edge(node(DType::F64), node(DType::C128));
    edge(kWeakComplex, node(DType::C64));
    edge(node(DType::C64), node(DType::C128));
    for (int n = 0; n < kNodes; ++n) {
      std::vector<int> stack = {n};
      while (!stack.empty()) {
        int m = stack.back();
        stack.pop_back();
        if (upper[n][m]) continue;
        upper[n][m] = true;
        for (int s : succ[m]) stack.push_back(s);
      }
    }
    for (int a = 0; a < kNodes; ++a)
      for (int b = 0; b < kNodes; ++b) {
        std::bitset<kNodes> common = upper[a] & upper[b];
        join[a][b] = -1;
        // The least upper bound: the common upper bound below every other common upper bound.
        for (int c = 0; c < kNodes; ++c)
          if (common[c] && (common & ~upper[c]).none()) join[a][b] = c;
      }
  }
};

const Lattice& lattice() {
  static const Lattice l;
  return l;
}

int weak_node(DType d) {
  if (ir::is_bool(d)) return node(DType::Bool);
  if (ir::is_int(d)) return kWeakInt;
  if (ir::is_float(d)) return kWeakFloat;
  return kWeakComplex;
}

PromotedType resolve(int n, bool any_strong_int) {
  if (n == kWeakInt) return {kDefaultInt, true};
  // Two strong integers that meet at f* (uint64 with a signed integer) keep their precision in float64,
  // as NumPy; a weak float meeting integers gives the default float.
  if (n == kWeakFloat) return {any_strong_int ? DType::F64 : kDefaultFloat, !any_strong_int};
  if (n == kWeakComplex) return {kDefaultComplex, true};
  return {DType(n), false};
}

}  // namespace

ir::DType promote_types(ir::DType a, ir::DType b) {
  int j = lattice().join[node(a)][node(b)];
  return resolve(j, ir::is_int(a) && ir::is_int(b)).dtype;
}

PromotedType result_type(std::span<const ir::Type> types) {
  if (types.empty()) return {kDefaultFloat, true};
  int acc = -1;
  int strong_ints = 0;
  for (const ir::Type& t : types) {
    int n = t.weak ? weak_node(t.dtype) : node(t.dtype);
    if (!t.weak && ir::is_int(t.dtype)) ++strong_ints;
    acc = acc < 0 ? n : lattice().join[acc][n];
  }
  return resolve(acc, strong_ints >= 2);
}

PromotedType result_type(std::span<const Tensor> tensors) {
  std::vector<ir::Type> many;
  for (const Tensor& t : tensors) many.push_back(t.type());
  return result_type(std::span<const ir::Type>(many));
}

ir::DType canonical_weak_dtype(ir::DType d) {
  if (ir::is_bool(d)) return d;
  if (ir::is_int(d)) return kDefaultInt;
  if (ir::is_float(d)) return kDefaultFloat;
  return kDefaultComplex;
}

ir::DType default_float_for(ir::DType d) { return ir::is_inexact(d) ? d : kDefaultFloat; }

}  // namespace ember::frontend
