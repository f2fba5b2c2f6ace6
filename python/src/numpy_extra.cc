// Bindings of the rest of the C++ op library (frontend/numpy.h) into ember._core.np. Arguments arrive
// normalised by ember.numpy's Python wrappers (axes as None or lists, pad widths as pairs, modes as strings);
// results that are several arrays come back as tuples or lists.
#include "frontend/numpy.h"
#include "ir/error.h"
#include "numpy_bindings.h"

namespace ember::python {

namespace np = frontend::np;

namespace {

using Unary = Tensor (*)(const Tensor&);
using Binary = Tensor (*)(const Tensor&, const Tensor&);

template <Unary F>
void def1(py::module_& m, const char* name) {
  m.def(name, [](py::handle x) { return F(to_tensor(x)); });
}

template <Binary F>
void def2(py::module_& m, const char* name) {
  m.def(name, [](py::handle a, py::handle b) { return F(to_tensor(a), to_tensor(b)); });
}

py::list wrap_vec(std::vector<Tensor> ts) { return wrap_all(std::move(ts)); }

std::vector<std::pair<int64_t, int64_t>> int_pairs(py::handle obj) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (py::handle p : py::reinterpret_borrow<py::iterable>(obj)) {
    std::vector<int64_t> v = to_ints(p);
    if (v.size() != 2)
      throw make_error(ErrorKind::Value, "pad", "expected (before, after) pairs, got ", v.size(), " values");
    out.emplace_back(v[0], v[1]);
  }
  return out;
}

std::vector<std::pair<Tensor, Tensor>> tensor_pairs(py::handle obj) {
  std::vector<std::pair<Tensor, Tensor>> out;
  if (obj.is_none()) return out;
  for (py::handle p : py::reinterpret_borrow<py::iterable>(obj)) {
    py::sequence s = py::reinterpret_borrow<py::sequence>(p);
    out.emplace_back(to_tensor(s[0]), to_tensor(s[1]));
  }
  return out;
}

np::QuantileMethod method_of(py::handle m) { return np::quantile_method(m.cast<std::string>()); }

void bind_elementwise(py::module_& m) {
  def1<np::fabs>(m, "fabs");
  def1<np::signbit>(m, "signbit");
  def1<np::spacing>(m, "spacing");
  def1<np::bitwise_count>(m, "bitwise_count");
  def1<np::sinc>(m, "sinc");
  def1<np::i0>(m, "i0");
  def1<np::isneginf>(m, "isneginf");
  def1<np::isposinf>(m, "isposinf");
  def1<np::iscomplex>(m, "iscomplex");
  def1<np::isreal>(m, "isreal");
  def1<np::deg2rad>(m, "deg2rad");
  def1<np::rad2deg>(m, "rad2deg");
  def2<np::copysign>(m, "copysign");
  def2<np::heaviside>(m, "heaviside");
  def2<np::hypot>(m, "hypot");
  def2<np::logaddexp>(m, "logaddexp");
  def2<np::logaddexp2>(m, "logaddexp2");
  def2<np::fmod>(m, "fmod");
  def2<np::float_power>(m, "float_power");
  def2<np::gcd>(m, "gcd");
  def2<np::lcm>(m, "lcm");
  def2<np::ldexp>(m, "ldexp");
  m.def("divmod",
        [](py::handle a, py::handle b) { return pair_tuple(np::divmod(to_tensor(a), to_tensor(b))); });
  m.def("modf", [](py::handle x) { return pair_tuple(np::modf(to_tensor(x))); });
  m.def("frexp", [](py::handle x) { return pair_tuple(np::frexp(to_tensor(x))); });
  m.def("nan_to_num",
        [](py::handle x, double nan, std::optional<double> posinf, std::optional<double> neginf) {
          return np::nan_to_num(to_tensor(x), nan, posinf, neginf);
        });
  m.def("angle", [](py::handle z, bool deg) { return np::angle(to_tensor(z), deg); });
  m.def("isclose", [](py::handle a, py::handle b, double rtol, double atol, bool equal_nan) {
    return np::isclose(to_tensor(a), to_tensor(b), rtol, atol, equal_nan);
  });
  m.def("allclose", [](py::handle a, py::handle b, double rtol, double atol, bool equal_nan) {
    return np::allclose(to_tensor(a), to_tensor(b), rtol, atol, equal_nan);
  });
  m.def("array_equal", [](py::handle a, py::handle b, bool equal_nan) {
    return np::array_equal(to_tensor(a), to_tensor(b), equal_nan);
  });
  def2<np::array_equiv>(m, "array_equiv");
  m.def("_buffer_address", [](py::handle x) {
    const Tensor& t = x.cast<const Tensor&>();
    return reinterpret_cast<uintptr_t>(t.array("shares_memory").data());
  });
}

void bind_reductions(py::module_& m) {
  m.def("ptp", [](py::handle x, py::handle axis, bool keepdims) {
    return np::ptp(to_tensor(x), to_axes(axis), keepdims);
  });
  m.def("count_nonzero", [](py::handle x, py::handle axis, bool keepdims) {
    return np::count_nonzero(to_tensor(x), to_axes(axis), keepdims);
  });
  m.def("average", [](py::handle x, py::handle axis, py::handle w, bool keepdims) {
    return pair_tuple(np::average(to_tensor(x), to_axes(axis), to_optional_tensor(w), keepdims));
  });
  using Cum = Tensor (*)(const Tensor&, std::optional<int64_t>, np::OptDType);
  auto def_cum = [&](const char* name, Cum f) {
    m.def(name, [f, name](py::handle x, py::handle axis, py::handle dtype) {
      return f(to_tensor(x), to_optional_int(axis), to_optional_dtype(dtype, name));
    });
  };
  def_cum("cumsum", np::cumsum);
  def_cum("cumprod", np::cumprod);
  def_cum("nancumsum", np::nancumsum);
  def_cum("nancumprod", np::nancumprod);
  m.def("cumulative_sum", [](py::handle x, py::handle axis, py::handle dtype, bool include_initial) {
    return np::cumulative_sum(to_tensor(x), to_optional_int(axis), to_optional_dtype(dtype, "cumulative_sum"),
                              include_initial);
  });
  m.def("cumulative_prod", [](py::handle x, py::handle axis, py::handle dtype, bool include_initial) {
    return np::cumulative_prod(to_tensor(x), to_optional_int(axis),
                               to_optional_dtype(dtype, "cumulative_prod"), include_initial);
  });
  def_reduce(m, "nansum", np::nansum);
  def_reduce(m, "nanprod", np::nanprod);
  def_reduce(m, "nanmean", np::nanmean);
  def_stat(m, "nanvar", np::nanvar);
  def_stat(m, "nanstd", np::nanstd);
  for (auto [name, f] : {std::pair{"nanmax", &np::nanmax}, {"nanmin", &np::nanmin}, {"median", &np::median},
                         {"nanmedian", &np::nanmedian}})
    def_axes(m, name, f);
  def_arg(m, "nanargmax", np::nanargmax);
  def_arg(m, "nanargmin", np::nanargmin);
  using Quant = Tensor (*)(const Tensor&, const Tensor&, const np::Axes&, np::QuantileMethod, bool);
  auto def_q = [&](const char* name, Quant f) {
    m.def(name, [f](py::handle x, py::handle q, py::handle axis, py::handle method, bool keepdims) {
      return f(to_tensor(x), to_tensor(q), to_axes(axis), method_of(method), keepdims);
    });
  };
  def_q("quantile", np::quantile);
  def_q("percentile", np::percentile);
  def_q("nanquantile", np::nanquantile);
  def_q("nanpercentile", np::nanpercentile);
}

void bind_signal(py::module_& m) {
  m.def("diff", [](py::handle x, int64_t n, int64_t axis, py::handle prepend, py::handle append) {
    return np::diff(to_tensor(x), n, axis, to_optional_tensor(prepend), to_optional_tensor(append));
  });
  m.def("ediff1d", [](py::handle x, py::handle to_end, py::handle to_begin) {
    return np::ediff1d(to_tensor(x), to_optional_tensor(to_end), to_optional_tensor(to_begin));
  });
  m.def("gradient", [](py::handle f, py::handle spacing, py::handle axis, int64_t edge_order) {
    return wrap_vec(np::gradient(to_tensor(f), to_tensors(spacing), to_axes(axis), edge_order));
  });
  m.def("trapezoid", [](py::handle y, py::handle x, double dx, int64_t axis) {
    return np::trapezoid(to_tensor(y), to_optional_tensor(x), dx, axis);
  });
  m.def("unwrap", [](py::handle p, std::optional<double> discont, int64_t axis, double period) {
    return np::unwrap(to_tensor(p), discont, axis, period);
  });
  m.def("convolve", [](py::handle a, py::handle v, std::string mode) {
    return np::convolve(to_tensor(a), to_tensor(v), mode);
  });
  m.def("correlate", [](py::handle a, py::handle v, std::string mode) {
    return np::correlate(to_tensor(a), to_tensor(v), mode);
  });
  m.def("cov", [](py::handle x, py::handle y, bool rowvar, bool bias, py::handle ddof, py::handle fw,
                  py::handle aw, py::handle dtype) {
    return np::cov(to_tensor(x), to_optional_tensor(y), rowvar, bias, to_optional_int(ddof),
                   to_optional_tensor(fw), to_optional_tensor(aw), to_optional_dtype(dtype, "cov"));
  });
  m.def("corrcoef", [](py::handle x, py::handle y, bool rowvar, py::handle dtype) {
    return np::corrcoef(to_tensor(x), to_optional_tensor(y), rowvar, to_optional_dtype(dtype, "corrcoef"));
  });
  m.def("interp", [](py::handle x, py::handle xp, py::handle fp, py::handle left, py::handle right,
                     std::optional<double> period) {
    return np::interp(to_tensor(x), to_tensor(xp), to_tensor(fp), to_optional_tensor(left),
                      to_optional_tensor(right), period);
  });
  m.def("digitize", [](py::handle x, py::handle bins, bool right) {
    return np::digitize(to_tensor(x), to_tensor(bins), right);
  });
  m.def("bincount", [](py::handle x, py::handle w, int64_t minlength, py::handle length) {
    return np::bincount(to_tensor(x), to_optional_tensor(w), minlength, to_optional_int(length));
  });
  m.def("histogram_bin_edges", [](py::handle a, int64_t bins, py::handle range) {
    std::optional<std::pair<double, double>> r;
    if (!range.is_none()) {
      py::sequence s = py::reinterpret_borrow<py::sequence>(range);
      r = std::make_pair(s[0].cast<double>(), s[1].cast<double>());
    }
    return np::histogram_bin_edges(to_tensor(a), bins, r);
  });
  m.def("histogram", [](py::handle a, py::handle edges, py::handle w, bool density) {
    return pair_tuple(np::histogram(to_tensor(a), to_tensor(edges), to_optional_tensor(w), density));
  });
  m.def("histogramdd", [](py::handle sample, py::handle edges, py::handle w, bool density) {
    return np::histogramdd(to_tensor(sample), to_tensors(edges), to_optional_tensor(w), density);
  });
  m.def("vander", [](py::handle x, py::handle n, bool increasing) {
    return np::vander(to_tensor(x), to_optional_int(n), increasing);
  });
  m.def("bartlett", [](int64_t n) { return np::bartlett(n); });
  m.def("blackman", [](int64_t n) { return np::blackman(n); });
  m.def("hamming", [](int64_t n) { return np::hamming(n); });
  m.def("hanning", [](int64_t n) { return np::hanning(n); });
  m.def("kaiser", [](int64_t n, double beta) { return np::kaiser(n, beta); });
  def1<np::poly>(m, "poly");
  def2<np::polyval>(m, "polyval");
  def2<np::polyadd>(m, "polyadd");
  def2<np::polysub>(m, "polysub");
  m.def("polymul", [](py::handle a, py::handle b, std::optional<bool> trim) {
    return np::polymul(to_tensor(a), to_tensor(b), trim);
  });
  m.def("polyder", [](py::handle p, int64_t k) { return np::polyder(to_tensor(p), k); });
  m.def("polyint", [](py::handle p, int64_t k, py::handle c) {
    return np::polyint(to_tensor(p), k, to_optional_tensor(c));
  });
  m.def("polydiv", [](py::handle u, py::handle v, std::optional<bool> trim) {
    return pair_tuple(np::polydiv(to_tensor(u), to_tensor(v), trim));
  });
  m.def("polyfit", [](py::handle x, py::handle y, int64_t deg, py::handle w) {
    return np::polyfit(to_tensor(x), to_tensor(y), deg, to_optional_tensor(w));
  });
}

void bind_creation(py::module_& m) {
  m.def("logspace", [](double start, double stop, int64_t num, bool endpoint, double base, py::handle dtype) {
    return np::logspace(start, stop, num, endpoint, base, to_optional_dtype(dtype, "logspace"));
  });
  m.def("geomspace", [](double start, double stop, int64_t num, bool endpoint, py::handle dtype) {
    return np::geomspace(start, stop, num, endpoint, to_optional_dtype(dtype, "geomspace"));
  });
  m.def("linspace_array",
        [](py::handle start, py::handle stop, int64_t num, bool endpoint, py::handle dtype, int64_t axis) {
          return np::linspace_array(to_tensor(start), to_tensor(stop), num, endpoint,
                                    to_optional_dtype(dtype, "linspace"), axis);
        });
  m.def("tri", [](int64_t n, std::optional<int64_t> cols, int64_t k, py::handle dtype) {
    return np::tri(n, cols, k, to_dtype(dtype, "tri"));
  });
  m.def("tril", [](py::handle x, int64_t k) { return np::tril(to_tensor(x), k); });
  m.def("triu", [](py::handle x, int64_t k) { return np::triu(to_tensor(x), k); });
  m.def("meshgrid", [](py::handle xs, bool sparse, std::string indexing) {
    return wrap_vec(np::meshgrid(to_tensors(xs), sparse, indexing));
  });
  m.def("diag", [](py::handle v, int64_t k) { return np::diag(to_tensor(v), k); });
  m.def("diagflat", [](py::handle v, int64_t k) { return np::diagflat(to_tensor(v), k); });
  m.def("diagonal", [](py::handle x, int64_t offset, int64_t a1, int64_t a2) {
    return np::diagonal(to_tensor(x), offset, a1, a2);
  });
  m.def("trace", [](py::handle x, int64_t offset, int64_t a1, int64_t a2, py::handle dtype) {
    return np::trace(to_tensor(x), offset, a1, a2, to_optional_dtype(dtype, "trace"));
  });
  m.def("indices", [](py::handle shape, py::handle dtype) {
    return np::indices(to_ints(shape), to_dtype(dtype, "indices"));
  });
}

void bind_manipulation(py::module_& m) {
  m.def("broadcast_arrays", [](py::handle xs) { return wrap_vec(np::broadcast_arrays(to_tensors(xs))); });
  def1<np::matrix_transpose>(m, "matrix_transpose");
  def1<np::copy>(m, "copy");
  m.def("rollaxis",
        [](py::handle x, int64_t axis, int64_t start) { return np::rollaxis(to_tensor(x), axis, start); });
  m.def("atleast_nd", [](py::handle x, int n) { return np::atleast_nd(to_tensor(x), n); });
  m.def("hstack", [](py::handle xs) { return np::hstack(to_tensors(xs)); });
  m.def("vstack", [](py::handle xs) { return np::vstack(to_tensors(xs)); });
  m.def("dstack", [](py::handle xs) { return np::dstack(to_tensors(xs)); });
  m.def("column_stack", [](py::handle xs) { return np::column_stack(to_tensors(xs)); });
  m.def("unstack", [](py::handle x, int64_t axis) { return wrap_vec(np::unstack(to_tensor(x), axis)); });
  m.def("split_at", [](py::handle x, py::handle idx, int64_t axis) {
    return wrap_vec(np::split_at(to_tensor(x), to_ints(idx), axis));
  });
  m.def("array_split", [](py::handle x, int64_t n, int64_t axis) {
    return wrap_vec(np::array_split(to_tensor(x), n, axis));
  });
  m.def("split",
        [](py::handle x, int64_t n, int64_t axis) { return wrap_vec(np::split(to_tensor(x), n, axis)); });
  m.def("tile", [](py::handle x, py::handle reps) { return np::tile(to_tensor(x), to_ints(reps)); });
  m.def("repeat", [](py::handle x, py::handle reps, py::handle axis) {
    return np::repeat(to_tensor(x), to_ints(reps), to_optional_int(axis));
  });
  m.def("flip", [](py::handle x, py::handle axis) { return np::flip(to_tensor(x), to_axes(axis)); });
  m.def("roll", [](py::handle x, py::handle shift, py::handle axis) {
    return np::roll(to_tensor(x), to_ints(shift), to_axes(axis));
  });
  m.def("rot90", [](py::handle x, int64_t k, int64_t a0, int64_t a1) {
    return np::rot90(to_tensor(x), k, {a0, a1});
  });
  m.def("pad", [](py::handle x, py::handle width, std::string mode, py::handle cv, py::handle ev,
                  py::handle sl, std::string reflect_type) {
    np::PadOptions o;
    o.mode = mode;
    o.constant_values = tensor_pairs(cv);
    o.end_values = tensor_pairs(ev);
    if (!sl.is_none()) o.stat_length = int_pairs(sl);
    o.reflect_type = reflect_type;
    return np::pad(to_tensor(x), int_pairs(width), o);
  });
  m.def("append", [](py::handle x, py::handle v, py::handle axis) {
    return np::append(to_tensor(x), to_tensor(v), to_optional_int(axis));
  });
  m.def("insert", [](py::handle x, py::handle idx, py::handle v, py::handle axis, bool scalar_index) {
    return np::insert(to_tensor(x), to_ints(idx), to_tensor(v), to_optional_int(axis), scalar_index);
  });
  m.def("delete", [](py::handle x, py::handle idx, py::handle axis) {
    return np::delete_(to_tensor(x), to_ints(idx), to_optional_int(axis));
  });
  m.def("resize", [](py::handle x, py::handle shape) { return np::resize(to_tensor(x), to_ints(shape)); });
  m.def("trim_zeros", [](py::handle x, std::string trim) { return np::trim_zeros(to_tensor(x), trim); });
  m.def("select", [](py::handle conds, py::handle choices, py::handle dflt) {
    return np::select(to_tensors(conds), to_tensors(choices), to_tensor(dflt));
  });
  m.def("choose", [](py::handle a, py::handle choices, std::string mode) {
    return np::choose(to_tensor(a), to_tensors(choices), mode);
  });
}

void bind_indexing(py::module_& m) {
  m.def("take",
        [](py::handle x, py::handle idx, py::handle axis, std::string mode, std::optional<double> fill) {
          return np::take(to_tensor(x), to_tensor(idx), to_optional_int(axis), np::take_mode(mode), fill);
        });
  m.def("take_along_axis", [](py::handle x, py::handle idx, py::handle axis, std::string mode) {
    return np::take_along_axis(to_tensor(x), to_tensor(idx), to_optional_int(axis), np::take_mode(mode));
  });
  m.def("nonzero", [](py::handle x, py::handle size, int64_t fill) {
    return wrap_vec(np::nonzero(to_tensor(x), to_optional_int(size), fill));
  });
  m.def("flatnonzero", [](py::handle x, py::handle size, int64_t fill) {
    return np::flatnonzero(to_tensor(x), to_optional_int(size), fill);
  });
  m.def("argwhere", [](py::handle x, py::handle size, int64_t fill) {
    return np::argwhere(to_tensor(x), to_optional_int(size), fill);
  });
  m.def("extract", [](py::handle c, py::handle x, py::handle size, double fill) {
    return np::extract(to_tensor(c), to_tensor(x), to_optional_int(size), fill);
  });
  m.def("compress", [](py::handle c, py::handle x, py::handle axis, py::handle size, double fill) {
    return np::compress(to_tensor(c), to_tensor(x), to_optional_int(axis), to_optional_int(size), fill);
  });
  m.def("unravel_index", [](py::handle idx, py::handle shape) {
    return wrap_vec(np::unravel_index(to_tensor(idx), to_ints(shape)));
  });
  m.def("ravel_multi_index", [](py::handle idx, py::handle shape, std::vector<std::string> modes) {
    return np::ravel_multi_index(to_tensors(idx), to_ints(shape), modes);
  });
}

void bind_sorting(py::module_& m) {
  m.def("sort", [](py::handle x, py::handle axis, bool stable, bool descending) {
    return np::sort(to_tensor(x), to_optional_int(axis), stable, descending);
  });
  m.def("argsort", [](py::handle x, py::handle axis, bool stable, bool descending) {
    return np::argsort(to_tensor(x), to_optional_int(axis), stable, descending);
  });
  m.def("lexsort", [](py::handle keys, int64_t axis) { return np::lexsort(to_tensors(keys), axis); });
  def1<np::sort_complex>(m, "sort_complex");
  m.def("partition", [](py::handle x, py::handle kth, py::handle axis) {
    return np::partition(to_tensor(x), to_ints(kth), to_optional_int(axis));
  });
  m.def("argpartition", [](py::handle x, py::handle kth, py::handle axis) {
    return np::argpartition(to_tensor(x), to_ints(kth), to_optional_int(axis));
  });
  m.def("searchsorted",
        [](py::handle a, py::handle v, std::string side, py::handle sorter, std::string method) {
          return np::searchsorted(to_tensor(a), to_tensor(v), side, to_optional_tensor(sorter), method);
        });
  m.def("unique", [](py::handle x, py::handle axis, bool equal_nan, py::handle size, py::handle fill) {
    np::UniqueResult r = np::unique(to_tensor(x), to_optional_int(axis), equal_nan, to_optional_int(size),
                                    to_optional_tensor(fill));
    return py::make_tuple(wrap(r.values), wrap(r.indices), wrap(r.inverse), wrap(r.counts));
  });
  m.def("isin",
        [](py::handle e, py::handle t, bool invert) { return np::isin(to_tensor(e), to_tensor(t), invert); });
  m.def("intersect1d", [](py::handle a, py::handle b, bool assume_unique, py::handle size) {
    return np::intersect1d(to_tensor(a), to_tensor(b), assume_unique, to_optional_int(size));
  });
  m.def("union1d", [](py::handle a, py::handle b, py::handle size) {
    return np::union1d(to_tensor(a), to_tensor(b), to_optional_int(size));
  });
  m.def("setdiff1d", [](py::handle a, py::handle b, bool assume_unique, py::handle size) {
    return np::setdiff1d(to_tensor(a), to_tensor(b), assume_unique, to_optional_int(size));
  });
  m.def("setxor1d", [](py::handle a, py::handle b, bool assume_unique, py::handle size) {
    return np::setxor1d(to_tensor(a), to_tensor(b), assume_unique, to_optional_int(size));
  });
  m.def("packbits", [](py::handle x, py::handle axis, std::string order) {
    return np::packbits(to_tensor(x), to_optional_int(axis), order);
  });
  m.def("unpackbits", [](py::handle x, py::handle axis, py::handle count, std::string order) {
    return np::unpackbits(to_tensor(x), to_optional_int(axis), to_optional_int(count), order);
  });
}

void bind_products(py::module_& m) {
  def2<np::vdot>(m, "vdot");
  def2<np::inner>(m, "inner");
  def2<np::outer>(m, "outer");
  def2<np::kron>(m, "kron");
  def2<np::matvec>(m, "matvec");
  def2<np::vecmat>(m, "vecmat");
  m.def("tensordot", [](py::handle a, py::handle b, py::handle axes_a, py::handle axes_b) {
    return np::tensordot(to_tensor(a), to_tensor(b), to_ints(axes_a), to_ints(axes_b));
  });
  m.def("tensordot_n",
        [](py::handle a, py::handle b, int64_t n) { return np::tensordot(to_tensor(a), to_tensor(b), n); });
  m.def("cross", [](py::handle a, py::handle b, int64_t axisa, int64_t axisb, int64_t axisc) {
    return np::cross(to_tensor(a), to_tensor(b), axisa, axisb, axisc);
  });
  m.def("vecdot", [](py::handle a, py::handle b, int64_t axis) {
    return np::vecdot(to_tensor(a), to_tensor(b), axis);
  });
  m.def("einsum", [](std::string subscripts, py::handle operands, std::string optimize, py::handle dtype) {
    return np::einsum(subscripts, to_tensors(operands), optimize, to_optional_dtype(dtype, "einsum"));
  });
  m.def("einsum_path", [](std::string subscripts, py::handle shapes, std::string optimize) {
    std::vector<ir::Shape> ss;
    for (py::handle s : py::reinterpret_borrow<py::iterable>(shapes)) {
      std::vector<int64_t> v = to_ints(s);
      ss.emplace_back(v.begin(), v.end());
    }
    np::EinsumPath p = np::einsum_path(subscripts, ss, optimize);
    py::list steps;
    for (auto [i, j] : p.contractions) steps.append(py::make_tuple(i, j));
    return py::make_tuple(steps, p.naive_flops, p.optimized_flops, p.report);
  });
}

}  // namespace

void init_numpy_extra(py::module_& m) {
  bind_elementwise(m);
  bind_reductions(m);
  bind_signal(m);
  bind_creation(m);
  bind_manipulation(m);
  bind_indexing(m);
  bind_sorting(m);
  bind_products(m);
}

}  // namespace ember::python
