// Special-function kernels (erf_inv, lgamma, digamma, polygamma, bessel_i0e, bessel_i1e) and
// population_count. The float functions are evaluated in double (runtime/support/special_functions.cc)
// and rounded once to the operand's dtype, so float32/float16/bfloat16 results are within an ulp (almost always the correctly
// rounded value: the double result is ~1e-15 accurate).
#include <bit>
#include <type_traits>

#include "runtime/kernels/elementwise.h"
#include "runtime/support/special_functions.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

template <Prim P, double (*F)(double)>
void special_unary_kernel(const KernelArgs& args) {
  const Array& x = args.inputs[0];
  Array& y = args.outputs[0];
  expect(x.numel() == y.numel() && x.type.dtype == y.type.dtype, P, "operand and result types differ");
  visit_dtype(x.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(ir::kFloatClass)) {
      using C = compute_t<T>;
      map_unary(x.data_as<const T>(), y.data_as<T>(), x.numel(), [](C v) { return C(F(double(v))); });
    } else {
      unsupported_dtype(P, x.type.dtype);
    }
  });
}

void polygamma_kernel(const KernelArgs& args) {
  constexpr Prim P = Prim::Polygamma;
  const Array &m = args.inputs[0], &x = args.inputs[1];
  Array& y = args.outputs[0];
  expect(m.type.dtype == x.type.dtype && y.type.dtype == x.type.dtype, P, "operand dtypes differ");
  expect(m.numel() == x.numel() && x.numel() == y.numel(), P, "operand and result sizes differ");
  visit_dtype(x.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(ir::kFloatClass)) {
      using C = compute_t<T>;
      map_binary(m.data_as<const T>(), x.data_as<const T>(), y.data_as<T>(), x.numel(),
                 [](C a, C b) { return C(ember_polygamma(double(a), double(b))); });
    } else {
      unsupported_dtype(P, x.type.dtype);
    }
  });
}

void population_count_kernel(const KernelArgs& args) {
  constexpr Prim P = Prim::PopulationCount;
  const Array& x = args.inputs[0];
  Array& y = args.outputs[0];
  expect(x.numel() == y.numel() && x.type.dtype == y.type.dtype, P, "operand and result types differ");
  visit_dtype(x.type.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (in_classes<T>(ir::kIntClass)) {
      map_unary(x.data_as<const T>(), y.data_as<T>(), x.numel(),
                [](T v) { return T(std::popcount(std::make_unsigned_t<T>(v))); });
    } else {
      unsupported_dtype(P, x.type.dtype);
    }
  });
}

}  // namespace

void register_special(KernelTable& t) {
  t.set(Prim::ErfInv, &special_unary_kernel<Prim::ErfInv, ember_erf_inv>);
  t.set(Prim::Lgamma, &special_unary_kernel<Prim::Lgamma, ember_lgamma>);
  t.set(Prim::Digamma, &special_unary_kernel<Prim::Digamma, ember_digamma>);
  t.set(Prim::BesselI0e, &special_unary_kernel<Prim::BesselI0e, ember_bessel_i0e>);
  t.set(Prim::BesselI1e, &special_unary_kernel<Prim::BesselI1e, ember_bessel_i1e>);
  t.set(Prim::Polygamma, &polygamma_kernel);
  t.set(Prim::PopulationCount, &population_count_kernel);
}

}  // namespace ember::runtime::kernels
