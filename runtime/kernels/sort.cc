// sort and top_k: the support library's ember_sort_slices (runtime/support/sort.cc), the same routine
// compiled code calls, so both backends order elements identically (NumPy's order: NaNs last, -0.0 equal to
// +0.0, complex by real then imaginary part; every sort stable).
#include <vector>

#include "runtime/kernels/elementwise.h"
#include "runtime/sort_kind.h"

namespace ember::runtime::kernels {

namespace {

using ir::Prim;

EmberSortOperand sort_operand(const void* input, void* output, ir::DType d) {
  return {input, output, sort_kind(d), int64_t(ir::dtype_size(d))};
}

// Runs the call over its outer * inner slices, in parallel when there is enough work.
void run_sort(const EmberSortCall& call, int64_t work_per_slice) {
  const int64_t slices = call.outer * call.inner;
  int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, work_per_slice));
  auto run = [&](int64_t begin, int64_t end) { ember_sort_slices(const_cast<EmberSortCall*>(&call), begin, end); };
  if (slices >= 2 * grain)
    parallel_for(slices, grain, run);
  else
    run(0, slices);
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
  if (args.inputs[0].numel() == 0) return;
  int64_t outer = 1, inner = 1, n = shape[size_t(dim)];
  for (int64_t d = 0; d < dim; ++d) outer *= shape[size_t(d)];
  for (size_t d = size_t(dim) + 1; d < shape.size(); ++d) inner *= shape[d];
  std::vector<EmberSortOperand> operands;
  for (size_t i = 0; i < args.inputs.size(); ++i)
    operands.push_back(sort_operand(args.inputs[i].data(), args.outputs[i].data(), args.inputs[i].type.dtype));
  EmberSortCall call{outer, n, inner, int64_t(operands.size()), num_keys, operands.data(), -1};
  run_sort(call, n * int64_t(operands.size()));
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
  EmberSortOperand operands[] = {sort_operand(x.data(), values.data(), x.type.dtype),
                                 sort_operand(nullptr, indices.data(), ir::DType::I32)};
  EmberSortCall call{rows, n, 1, 2, 1, operands, k};
  run_sort(call, n);
}

}  // namespace

void register_sort(KernelTable& t) {
  t.set(Prim::Sort, &sort_kernel);
  t.set(Prim::TopK, &top_k_kernel);
}

}  // namespace ember::runtime::kernels
