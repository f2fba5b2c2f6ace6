// einsum: NumPy's subscripts, reduced to diagonals, sums and pairwise dot_generals in an order chosen on
// the static shapes (greedy as opt_einsum's default, or optimal by dynamic programming over subsets).
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "frontend/numpy_internal.h"

namespace ember::frontend::np {

using namespace detail;

namespace {

using Labels = std::vector<int>;  // one label per dimension; letters are their char codes, "..." dims 1000+

constexpr int kEllipsisBase = 1000;

struct Spec {
  std::vector<Labels> inputs;
  Labels output;
  std::map<int, int64_t> sizes;
};

std::string label_name(int l) {
  if (l < kEllipsisBase) return std::string(1, char(l));
  return "..." + std::to_string(l - kEllipsisBase);
}

// Parses one term ("ij", "...k", "i...") for an operand of rank `rank` (or the output when rank < 0, with
// `ell` ellipsis dimensions).
Labels parse_term(std::string_view term, int rank, int ell, std::string_view subscripts) {
  Labels out;
  int letters = 0;
  bool has_ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    char c = term[i];
    if (c == '.') {
      if (term.substr(i, 3) != "..." || has_ellipsis)
        throw make_error(ErrorKind::Value, "einsum", "expected at most one '...' per term, got '", subscripts,
                         "'");
      has_ellipsis = true;
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      ++letters;
    } else if (c != ' ') {
      throw make_error(ErrorKind::Value, "einsum",
                       "expected letters, '...', ',' and '->' in the subscripts, got '", subscripts, "'");
    }
  }
  int n_ell = rank >= 0 ? rank - letters : ell;
  if (rank >= 0 && (n_ell < 0 || (!has_ellipsis && n_ell != 0)))
    throw make_error(ErrorKind::Value, "einsum", "expected ", letters, " dimensions for term '", term,
                     "', got an operand of rank ", rank);
  for (size_t i = 0; i < term.size(); ++i) {
    char c = term[i];
    if (c == '.') {
      // Ellipsis dimensions align from the right across operands (broadcasting).
      for (int k = 0; k < n_ell; ++k) out.push_back(kEllipsisBase + (ell - n_ell) + k);
      i += 2;
    } else if (c != ' ') {
      out.push_back(int(c));
    }
  }
  return out;
}

Spec parse(std::string_view subscripts, std::span<const ir::Shape> shapes) {
  Spec spec;
  std::string_view lhs = subscripts, rhs;
  size_t arrow = subscripts.find("->");
  bool explicit_output = arrow != std::string_view::npos;
  if (explicit_output) {
    lhs = subscripts.substr(0, arrow);
    rhs = subscripts.substr(arrow + 2);
  }
  std::vector<std::string_view> terms;
  size_t start = 0;
  while (true) {
    size_t comma = lhs.find(',', start);
    terms.push_back(
        lhs.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (terms.size() != shapes.size())
    throw make_error(ErrorKind::Value, "einsum", "expected ", terms.size(), " operands for '", subscripts,
                     "', got ", shapes.size());
  int ell = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    int letters = 0;
    for (char c : terms[i]) letters += std::isalpha(static_cast<unsigned char>(c)) ? 1 : 0;
    if (terms[i].find("...") != std::string_view::npos) ell = std::max(ell, int(shapes[i].size()) - letters);
  }
  for (size_t i = 0; i < terms.size(); ++i) {
    spec.inputs.push_back(parse_term(terms[i], int(shapes[i].size()), ell, subscripts));
    const Labels& ls = spec.inputs.back();
    for (size_t d = 0; d < ls.size(); ++d) {
      int64_t s = shapes[i][d];
      auto [it, fresh] = spec.sizes.emplace(ls[d], s);
      if (fresh) continue;
      // Size-1 dimensions broadcast, as in NumPy.
      if (it->second == 1) {
        it->second = s;
      } else if (s != 1 && s != it->second) {
        throw make_error(ErrorKind::Value, "einsum", "expected label '", label_name(ls[d]),
                         "' to have one size, got ", it->second, " and ", s);
      }
    }
  }
  if (explicit_output) {
    spec.output = parse_term(rhs, -1, ell, subscripts);
    std::set<int> seen;
    for (int l : spec.output) {
      if (!seen.insert(l).second)
        throw make_error(ErrorKind::Value, "einsum", "expected output labels to appear once, got '",
                         label_name(l), "' twice");
      if (!spec.sizes.count(l))
        throw make_error(ErrorKind::Value, "einsum",
                         "expected output labels that appear in the inputs, got '", label_name(l), "'");
    }
  } else {
    // Implicit output: the ellipsis dimensions, then the letters that appear once, in alphabetical order.
    std::map<int, int> counts;
    for (const Labels& ls : spec.inputs)
      for (int l : ls) ++counts[l];
    for (int k = 0; k < ell; ++k) spec.output.push_back(kEllipsisBase + k);
    for (auto [l, c] : counts)
      if (l < kEllipsisBase && c == 1) spec.output.push_back(l);
  }
  return spec;
}

double label_product(const std::set<int>& labels, const std::map<int, int64_t>& sizes) {
  double p = 1;
  for (int l : labels) p *= double(sizes.at(l));
  return p;
}

// The labels a contraction of `a` and `b` keeps: those needed by the output or by other operands.
std::set<int> kept_labels(const std::set<int>& a, const std::set<int>& b,
                          const std::set<int>& needed_elsewhere) {
  std::set<int> out;
  for (int l : a)
    if (needed_elsewhere.count(l)) out.insert(l);
  for (int l : b)
    if (needed_elsewhere.count(l)) out.insert(l);
  return out;
}

struct PathPlan {
  std::vector<std::pair<int, int>> steps;  // positions in the shrinking operand list (result appended last)
  double flops = 0;
};

std::set<int> needed_outside(const std::vector<std::set<int>>& ops, size_t i, size_t j,
                             const Labels& output) {
  std::set<int> need(output.begin(), output.end());
  for (size_t k = 0; k < ops.size(); ++k)
    if (k != i && k != j) need.insert(ops[k].begin(), ops[k].end());
  return need;
}

PathPlan plan_greedy(std::vector<std::set<int>> ops, const Labels& output,
                     const std::map<int, int64_t>& sizes, bool left_to_right) {
  PathPlan plan;
  while (ops.size() > 1) {
    size_t bi = 0, bj = 1;
    if (!left_to_right) {
      // opt_einsum's greedy: the pair whose result removes the most memory (size(out) - size(a) - size(b)),
      // ties broken by fewer flops; pairs without shared labels (outer products) only if nothing else.
      double best_cost = std::numeric_limits<double>::infinity(), best_flops = best_cost;
      bool best_shared = false;
      for (size_t i = 0; i < ops.size(); ++i)
        for (size_t j = i + 1; j < ops.size(); ++j) {
          std::set<int> uni = ops[i];
          uni.insert(ops[j].begin(), ops[j].end());
          bool shared = uni.size() < ops[i].size() + ops[j].size();
          std::set<int> out = kept_labels(ops[i], ops[j], needed_outside(ops, i, j, output));
          double cost =
              label_product(out, sizes) - label_product(ops[i], sizes) - label_product(ops[j], sizes);
          double flops = label_product(uni, sizes);
          bool better =
              (shared && !best_shared) ||
              (shared == best_shared && (cost < best_cost || (cost == best_cost && flops < best_flops)));
          if (better) {
            bi = i;
            bj = j;
            best_cost = cost;
            best_flops = flops;
            best_shared = shared;
          }
        }
    }
    std::set<int> uni = ops[bi];
    uni.insert(ops[bj].begin(), ops[bj].end());
    plan.flops += label_product(uni, sizes);
    std::set<int> out = kept_labels(ops[bi], ops[bj], needed_outside(ops, bi, bj, output));
    plan.steps.emplace_back(int(bi), int(bj));
    ops.erase(ops.begin() + long(bj));
    ops.erase(ops.begin() + long(bi));
    ops.push_back(out);
  }
  return plan;
}

// Dynamic programming over subsets of operands (the flop count of the best contraction tree of each
// subset), then the tree unrolled into NumPy's path format.
PathPlan plan_optimal(const std::vector<std::set<int>>& ops, const Labels& output,
                      const std::map<int, int64_t>& sizes) {
  size_t n = ops.size();
  size_t full = (size_t(1) << n) - 1;
  std::vector<std::set<int>> result(full + 1);
  std::vector<double> cost(full + 1, std::numeric_limits<double>::infinity());
  std::vector<size_t> split(full + 1, 0);
  auto needed = [&](size_t mask) {
    std::set<int> need(output.begin(), output.end());
    for (size_t k = 0; k < n; ++k)
      if (!(mask >> k & 1)) need.insert(ops[k].begin(), ops[k].end());
    return need;
  };
  for (size_t k = 0; k < n; ++k) {
    result[size_t(1) << k] = ops[k];
    cost[size_t(1) << k] = 0;
  }
  for (size_t mask = 1; mask <= full; ++mask) {
    if (!(mask & (mask - 1))) continue;
    std::set<int> need = needed(mask);
    for (size_t sub = (mask - 1) & mask; sub > 0; sub = (sub - 1) & mask) {
      size_t other = mask ^ sub;
      if (sub < other) continue;  // each split once
      std::set<int> uni = result[sub];
      uni.insert(result[other].begin(), result[other].end());
      double c = cost[sub] + cost[other] + label_product(uni, sizes);
      if (c < cost[mask]) {
        cost[mask] = c;
        split[mask] = sub;
        std::set<int> out;
        for (int l : uni)
          if (need.count(l)) out.insert(l);
        result[mask] = out;
      }
    }
  }
  // Post-order over the tree; `live` tracks which subset each list position holds.
  PathPlan plan;
  plan.flops = cost[full];
  std::vector<size_t> live;
  for (size_t k = 0; k < n; ++k) live.push_back(size_t(1) << k);
  std::vector<std::pair<size_t, bool>> stack = {{full, false}};
  while (!stack.empty()) {
    auto [mask, expanded] = stack.back();
    stack.pop_back();
    if (!(mask & (mask - 1))) continue;
    size_t a = split[mask], b = mask ^ split[mask];
    if (!expanded) {
      stack.push_back({mask, true});
      stack.push_back({b, false});
      stack.push_back({a, false});
      continue;
    }
    int ia = int(std::find(live.begin(), live.end(), a) - live.begin());
    int ib = int(std::find(live.begin(), live.end(), b) - live.begin());
    int i = std::min(ia, ib), j = std::max(ia, ib);
    plan.steps.emplace_back(i, j);
    live.erase(live.begin() + j);
    live.erase(live.begin() + i);
    live.push_back(mask);
  }
  return plan;
}

std::vector<std::set<int>> label_sets(const Spec& spec) {
  std::vector<std::set<int>> ops;
  for (const Labels& ls : spec.inputs) ops.emplace_back(ls.begin(), ls.end());
  return ops;
}

PathPlan plan(const Spec& spec, std::string_view optimize) {
  std::vector<std::set<int>> ops = label_sets(spec);
  if (optimize == "none" || optimize == "false") return plan_greedy(ops, spec.output, spec.sizes, true);
  if (optimize == "greedy" || optimize == "true" || (optimize == "optimal" && ops.size() > 12))
    return plan_greedy(ops, spec.output, spec.sizes, false);
  if (optimize == "optimal" || optimize == "dp") {
    if (ops.size() <= 1) return {};
    return plan_optimal(ops, spec.output, spec.sizes);
  }
  throw make_error(ErrorKind::Value, "einsum", "expected optimize 'greedy', 'optimal' or 'none', got '",
                   optimize, "'");
}

struct Operand {
  Tensor t;
  Labels labels;
};

// Takes repeated labels' diagonals, drops broadcast size-1 dimensions and sums labels needed nowhere else.
Operand prepare(Tensor t, Labels ls, const std::set<int>& needed, const std::map<int, int64_t>& sizes) {
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < ls.size() && !again; ++i)
      for (size_t j = i + 1; j < ls.size() && !again; ++j)
        if (ls[i] == ls[j]) {
          t = diagonal(t, 0, int64_t(i), int64_t(j));  // the diagonal becomes the last dimension
          int l = ls[i];
          ls.erase(ls.begin() + long(j));
          ls.erase(ls.begin() + long(i));
          ls.push_back(l);
          again = true;
        }
  }
  Ints keep_shape;
  Labels kept;
  for (size_t d = 0; d < ls.size(); ++d) {
    if (t.shape()[d] == 1 && sizes.at(ls[d]) != 1) continue;  // broadcast: constant along that label
    keep_shape.push_back(t.shape()[d]);
    kept.push_back(ls[d]);
  }
  if (kept.size() != ls.size()) t = lax::reshape(t, keep_shape);
  Ints sum_axes;
  Labels rest;
  for (size_t d = 0; d < kept.size(); ++d) {
    if (needed.count(kept[d]))
      rest.push_back(kept[d]);
    else
      sum_axes.push_back(int64_t(d));
  }
  if (!sum_axes.empty()) {
    t = t.dtype() == DType::Bool ? any(t, sum_axes) : lax::reduce(Prim::ReduceSum, t, sum_axes);
  }
  return {t, rest};
}

Tensor contract_pair(const Operand& a, const Operand& b, const std::set<int>& needed, Labels& out_labels) {
  Ints ca, cb, ba, bb;
  Labels batch, free_a, free_b;
  for (size_t i = 0; i < a.labels.size(); ++i) {
    auto it = std::find(b.labels.begin(), b.labels.end(), a.labels[i]);
    if (it == b.labels.end()) {
      free_a.push_back(a.labels[i]);
      continue;
    }
    int64_t j = it - b.labels.begin();
    if (needed.count(a.labels[i])) {
      ba.push_back(int64_t(i));
      bb.push_back(j);
      batch.push_back(a.labels[i]);
    } else {
      ca.push_back(int64_t(i));
      cb.push_back(j);
    }
  }
  for (int l : b.labels)
    if (std::find(a.labels.begin(), a.labels.end(), l) == a.labels.end()) free_b.push_back(l);
  out_labels = batch;
  out_labels.insert(out_labels.end(), free_a.begin(), free_a.end());
  out_labels.insert(out_labels.end(), free_b.begin(), free_b.end());
  if (a.t.dtype() == DType::Bool) {
    Tensor r = lax::dot_general(lax::convert_element_type(a.t, DType::I32),
                                lax::convert_element_type(b.t, DType::I32), ca, cb, ba, bb, DType::I32);
    return lax::binary(Prim::Ne, r, scalar_like(r, 0));
  }
  return lax::dot_general(a.t, b.t, ca, cb, ba, bb, a.t.dtype());
}

}  // namespace

Tensor einsum(std::string_view subscripts, std::span<const Tensor> operands0, std::string_view optimize,
              OptDType preferred_element_type) {
  if (operands0.empty())
    throw make_error(ErrorKind::Value, "einsum", "expected at least one operand, got none");
  PromotedType pt = result_type(operands0);
  DType dtype = preferred_element_type.value_or(pt.dtype);
  std::vector<ir::Shape> shapes;
  std::vector<Tensor> operands;
  for (const Tensor& t : operands0) {
    operands.push_back(convert(t, dtype, false, "einsum"));
    shapes.push_back(t.shape());
  }
  Spec spec = parse(subscripts, shapes);
  PathPlan p = plan(spec, optimize);
  std::vector<Operand> ops;
  for (size_t i = 0; i < operands.size(); ++i) {
    std::set<int> need(spec.output.begin(), spec.output.end());
    for (size_t k = 0; k < operands.size(); ++k)
      if (k != i) need.insert(spec.inputs[k].begin(), spec.inputs[k].end());
    ops.push_back(prepare(operands[i], spec.inputs[i], need, spec.sizes));
  }
  for (auto [i, j] : p.steps) {
    std::set<int> need(spec.output.begin(), spec.output.end());
    for (size_t k = 0; k < ops.size(); ++k)
      if (int(k) != i && int(k) != j) need.insert(ops[k].labels.begin(), ops[k].labels.end());
    // Labels of one side that the other lacks and nobody needs are summed first.
    Operand a = prepare(
        ops[size_t(i)].t, ops[size_t(i)].labels,
        [&] {
          std::set<int> s = need;
          s.insert(ops[size_t(j)].labels.begin(), ops[size_t(j)].labels.end());
          return s;
        }(),
        spec.sizes);
    Operand b = prepare(
        ops[size_t(j)].t, ops[size_t(j)].labels,
        [&] {
          std::set<int> s = need;
          s.insert(a.labels.begin(), a.labels.end());
          return s;
        }(),
        spec.sizes);
    Labels out_labels;
    Tensor r = contract_pair(a, b, need, out_labels);
    ops.erase(ops.begin() + j);
    ops.erase(ops.begin() + i);
    ops.push_back({r, out_labels});
  }
  Operand last =
      prepare(ops[0].t, ops[0].labels, std::set<int>(spec.output.begin(), spec.output.end()), spec.sizes);
  // Transpose to the output order; labels that were only ever broadcast size-1 dimensions are restored.
  Ints perm, out_shape, bdims;
  for (int l : spec.output) {
    auto it = std::find(last.labels.begin(), last.labels.end(), l);
    out_shape.push_back(spec.sizes.at(l));
    if (it != last.labels.end()) perm.push_back(it - last.labels.begin());
  }
  Tensor r = lax::transpose(last.t, perm);
  if (int64_t(perm.size()) != int64_t(spec.output.size())) {
    Labels present;
    for (int64_t k : perm) present.push_back(last.labels[size_t(k)]);
    for (size_t o = 0, k = 0; o < spec.output.size(); ++o)
      if (k < present.size() && spec.output[o] == present[k]) {
        bdims.push_back(int64_t(o));
        ++k;
      }
    r = lax::broadcast_in_dim(r, out_shape, bdims);
  }
  return r;
}

EinsumPath einsum_path(std::string_view subscripts, std::span<const ir::Shape> shapes,
                       std::string_view optimize) {
  Spec spec = parse(subscripts, shapes);
  PathPlan p = plan(spec, optimize);
  EinsumPath out;
  out.contractions = p.steps;
  out.optimized_flops = p.flops;
  std::set<int> all;
  for (auto& [l, s] : spec.sizes) all.insert(l);
  out.naive_flops = label_product(all, spec.sizes) * double(std::max<size_t>(shapes.size() - 1, 1));
  std::ostringstream r;
  r << "  Complete contraction:  " << subscripts << "\n"
    << "         Naive FLOP count:  " << out.naive_flops << "\n"
    << "     Optimized FLOP count:  " << out.optimized_flops << "\n";
  for (auto [i, j] : p.steps) r << "  contract (" << i << ", " << j << ")\n";
  out.report = r.str();
  return out;
}

}  // namespace ember::frontend::np
