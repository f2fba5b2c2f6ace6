#include "lowering/cuda/sort_source.h"

#include <cstdint>
#include <vector>

#include "ir/prim.h"
#include "lowering/cuda/c_types.h"

namespace ember::lowering::cuda {

using ir::DType;
using ir::Prim;

// The words a sort compares for the element `raw` (a storage-type expression) of dtype d, appended to
// `words`: one word, or for complex values (class, word, word) with the class putting NaN parts last.
namespace {

void sort_words(DType d, const std::string& raw, std::vector<std::string>& words) {
  auto as_word = [](const std::string& x) { return "ember_sort_word((double)" + x + ")"; };
  if (ir::is_complex(d)) {
    std::string re = "(double)(" + raw + ").re", im = "(double)(" + raw + ").im";
    std::string re_nan = re + " != " + re, im_nan = im + " != " + im;
    words.push_back("(unsigned long long)((" + re_nan + ") * 2 + (" + im_nan + "))");
    words.push_back("(" + re_nan + ") ? " + as_word(im) + " : " + as_word(re));
    words.push_back("(" + re_nan + " || " + im_nan + ") ? 0ull : " + as_word(im));
    return;
  }
  switch (d) {
    case DType::Bool: words.push_back("(unsigned long long)(" + raw + " != 0)"); return;
    case DType::F16: words.push_back(as_word("ember_from_f16(" + raw + ")")); return;
    case DType::BF16: words.push_back(as_word("ember_from_bf16(" + raw + ")")); return;
    case DType::F32: case DType::F64: words.push_back(as_word(raw)); return;
    default:
      if (ir::is_unsigned_int(d)) words.push_back("(unsigned long long)" + raw);
      else words.push_back("((unsigned long long)(long long)" + raw + " ^ (1ull << 63))");
  }
}

}  // namespace

// sort (every operand along `dimension`, by the first num_keys lexicographically, ties by position) and
// top_k (the k largest of each last-axis row, descending, NaN largest, ties by lower position). One block
// per slice merge-sorts the slice's positions in the step's scratch: each pass merges runs pairwise, every
// thread placing one element by a binary search in the other run. The order is total (ties go to the lower
// position), so any correct sort gives the reference executor's result.
KernelSource write_sort_kernel(const Plan& plan, const ir::Op& op, const std::string& name, size_t step,
                               std::ostringstream& out) {
  const ir::Body& body = plan.body();
  bool top_k = op.prim == Prim::TopK;
  const ir::Shape& shape = body.type(op.operands[0]).shape;
  size_t dim = top_k ? shape.size() - 1 : size_t(ir::attr_int(op.attrs, 0));
  int64_t n = shape[dim], inner = 1, numel = ir::num_elements(shape);
  for (size_t d = dim + 1; d < shape.size(); ++d) inner *= shape[d];
  if (n > INT32_MAX) unsupported(body, op, "slices of 2**31 elements or more");
  size_t keys = top_k ? 1 : size_t(ir::attr_int(op.attrs, 2));
  KernelSource k;
  k.name = name;
  k.step = step;
  k.scratch = true;
  k.launch.per_row = true;
  k.launch.elements = numel;
  k.launch.rows = n == 0 ? 0 : numel / n;
  k.launch.row_length = n;
  for (ir::Value v : op.operands) k.buffers.push_back(v);
  for (ir::Value v : op.results) k.buffers.push_back(v);
  const std::string N = std::to_string(n) + "ll", INNER = std::to_string(inner) + "ll";
  out << "extern \"C\" __global__ void __launch_bounds__(" << kBlockThreads << ") " << name << "(";
  for (size_t i = 0; i < k.buffers.size(); ++i) {
    bool written = i >= op.operands.size();
    out << (i ? ", " : "") << (written ? "" : "const ") << mem_type(body.type(k.buffers[i]).dtype)
        << "* __restrict__ b" << i;
  }
  out << ", int* __restrict__ ember_order) {\n"
      << "  for (long long slice = blockIdx.x; slice < " << k.launch.rows << "ll; slice += gridDim.x) {\n"
      << "    const long long base = (slice / " << INNER << ") * " << N << " * " << INNER << " + slice % " << INNER
      << ";\n"
      << "    int* from = ember_order + slice * 2 * " << N << ";\n"
      << "    int* to = from + " << N << ";\n"
      << "    auto less = [&](int x, int y) -> bool {\n"
      << "      unsigned long long wx, wy;\n";
  for (size_t key = 0; key < keys; ++key) {
    DType d = body.type(op.operands[key]).dtype;
    std::string b = "b" + std::to_string(key);
    std::vector<std::string> wx, wy;
    sort_words(d, "__ldg(" + b + " + base + (long long)x * " + INNER + ")", wx);
    sort_words(d, "__ldg(" + b + " + base + (long long)y * " + INNER + ")", wy);
    for (size_t w = 0; w < wx.size(); ++w)
      out << "      wx = " << wx[w] << ";\n      wy = " << wy[w] << ";\n"
          << "      if (wx != wy) return wx " << (top_k ? ">" : "<") << " wy;\n";
  }
  out << "      return x < y;\n    };\n"
      << "    for (long long i = threadIdx.x; i < " << N << "; i += blockDim.x) from[i] = (int)i;\n"
      << "    __syncthreads();\n"
      << "    for (long long width = 1; width < " << N << "; width *= 2) {\n"
      << "      for (long long i = threadIdx.x; i < " << N << "; i += blockDim.x) {\n"
      << "        const long long start = i / (2 * width) * (2 * width), mid = min(start + width, " << N
      << "), end = min(start + 2 * width, " << N << ");\n"
      << "        const int e = from[i];\n"
      << "        const bool left = i < mid;\n"
      << "        long long lo = left ? mid : start, hi = left ? end : mid;  // the other run\n"
      << "        const long long other = lo;\n"
      << "        while (lo < hi) {\n"
      << "          const long long m = (lo + hi) / 2;\n"
      << "          if (less(from[m], e)) lo = m + 1; else hi = m;\n"
      << "        }\n"
      << "        to[start + (left ? i - start : i - mid) + (lo - other)] = e;\n"
      << "      }\n"
      << "      __syncthreads();\n"
      << "      int* t = from; from = to; to = t;\n"
      << "    }\n";
  if (top_k) {
    std::string kk = std::to_string(ir::attr_int(op.attrs, 0)) + "ll";
    out << "    for (long long i = threadIdx.x; i < " << kk << "; i += blockDim.x) {\n"
        << "      b1[slice * " << kk << " + i] = b0[base + from[i]];\n"
        << "      b2[slice * " << kk << " + i] = from[i];\n"
        << "    }\n";
  } else {
    out << "    for (long long i = threadIdx.x; i < " << N << "; i += blockDim.x) {\n"
        << "      const long long src = base + (long long)from[i] * " << INNER << ", dst = base + i * " << INNER
        << ";\n";
    for (size_t o = 0; o < op.operands.size(); ++o)
      out << "      b" << op.operands.size() + o << "[dst] = b" << o << "[src];\n";
    out << "    }\n";
  }
  out << "    __syncthreads();\n  }\n}\n\n";
  return k;
}

}  // namespace ember::lowering::cuda
