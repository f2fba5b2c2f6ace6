// ember's NumPy-compatible op library (the C++ side of `ember.numpy`): compositions of primitives with
// NumPy's names, type promotion (weak Python scalars as JAX), broadcasting and argument conventions.
// C++ users get the same functions. Every function works on concrete and traced tensors alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontend/lax.h"
#include "frontend/promotion.h"

namespace ember::frontend::np {

using Ints = std::vector<int64_t>;
using Axes = std::optional<Ints>;  // nullopt: every axis (NumPy's axis=None)
using OptDType = std::optional<ir::DType>;

// ---- conversion and broadcasting ----
// Converts to dtype; a concrete weak Python integer that does not fit raises OverflowError (as NumPy 2).
Tensor astype(const Tensor& x, ir::DType dtype, std::string_view op = "astype");
ir::Shape broadcast_shapes(const ir::Shape& a, const ir::Shape& b, std::string_view op = "broadcast_shapes");
Tensor broadcast_to(const Tensor& x, const ir::Shape& shape, std::string_view op = "broadcast_to");
// Promotes to a common dtype and broadcasts to a common shape.
std::vector<Tensor> promote_and_broadcast(std::span<const Tensor> xs, std::string_view op);
// Normalises a possibly negative axis; AxisError (ValueError) otherwise.
int64_t normalize_axis(int64_t axis, int rank, std::string_view op);
Ints normalize_axes(const Axes& axes, int rank, std::string_view op);

// ---- elementwise, one argument ----
Tensor negative(const Tensor& x);
Tensor positive(const Tensor& x);
Tensor absolute(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor trunc(const Tensor& x);
Tensor rint(const Tensor& x);
Tensor round(const Tensor& x, int64_t decimals = 0);
Tensor exp(const Tensor& x);
Tensor exp2(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log2(const Tensor& x);
Tensor log10(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor cbrt(const Tensor& x);
Tensor square(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor tan(const Tensor& x);
Tensor arcsin(const Tensor& x);
Tensor arccos(const Tensor& x);
Tensor arctan(const Tensor& x);
Tensor sinh(const Tensor& x);
Tensor cosh(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor arcsinh(const Tensor& x);
Tensor arccosh(const Tensor& x);
Tensor arctanh(const Tensor& x);
Tensor isfinite(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor isnan(const Tensor& x);
Tensor logical_not(const Tensor& x);
Tensor invert(const Tensor& x);
Tensor real(const Tensor& x);
Tensor imag(const Tensor& x);
Tensor conjugate(const Tensor& x);

// ---- elementwise, two arguments (broadcasting) ----
Tensor add(const Tensor& a, const Tensor& b);
Tensor subtract(const Tensor& a, const Tensor& b);
Tensor multiply(const Tensor& a, const Tensor& b);
Tensor true_divide(const Tensor& a, const Tensor& b);
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);
Tensor power(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor fmax(const Tensor& a, const Tensor& b);
Tensor fmin(const Tensor& a, const Tensor& b);
Tensor arctan2(const Tensor& a, const Tensor& b);
Tensor nextafter(const Tensor& a, const Tensor& b);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor bitwise_and(const Tensor& a, const Tensor& b);
Tensor bitwise_or(const Tensor& a, const Tensor& b);
Tensor bitwise_xor(const Tensor& a, const Tensor& b);
Tensor left_shift(const Tensor& a, const Tensor& b);
Tensor right_shift(const Tensor& a, const Tensor& b);
Tensor equal(const Tensor& a, const Tensor& b);
Tensor not_equal(const Tensor& a, const Tensor& b);
Tensor less(const Tensor& a, const Tensor& b);
Tensor less_equal(const Tensor& a, const Tensor& b);
Tensor greater(const Tensor& a, const Tensor& b);
Tensor greater_equal(const Tensor& a, const Tensor& b);

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y);
Tensor clip(const Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi);

// ---- reductions ----
Tensor sum(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor prod(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor mean(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor var(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, int64_t ddof = 0,
           bool keepdims = false);
Tensor std(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, int64_t ddof = 0,
           bool keepdims = false);
Tensor max(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor min(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor any(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor all(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor argmax(const Tensor& x, std::optional<int64_t> axis = {}, bool keepdims = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> axis = {}, bool keepdims = false);

// ---- shapes ----
Tensor reshape(const Tensor& x, const Ints& shape);  // one entry may be -1
Tensor ravel(const Tensor& x);
Tensor transpose(const Tensor& x, const std::optional<Ints>& axes = {});
Tensor swapaxes(const Tensor& x, int64_t a, int64_t b);
Tensor moveaxis(const Tensor& x, const Ints& source, const Ints& destination);
Tensor expand_dims(const Tensor& x, const Ints& axis);
Tensor squeeze(const Tensor& x, const Axes& axis = {});
Tensor concatenate(std::span<const Tensor> xs, std::optional<int64_t> axis = 0);
Tensor stack(std::span<const Tensor> xs, int64_t axis = 0);

// ---- products ----
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor dot(const Tensor& a, const Tensor& b);

// ---- creation ----
Tensor full(const Ints& shape, const Tensor& fill_value, OptDType dtype = {});
Tensor zeros(const Ints& shape, ir::DType dtype = kDefaultFloat);
Tensor ones(const Ints& shape, ir::DType dtype = kDefaultFloat);
Tensor arange(double start, double stop, double step, OptDType dtype, bool integer_args);
Tensor linspace(double start, double stop, int64_t num, bool endpoint, OptDType dtype);
Tensor eye(int64_t n, std::optional<int64_t> m, int64_t k, ir::DType dtype);

// ======================================================================================================
// The rest of NumPy's API (and the Python Array API standard's names), grouped as in NumPy's reference.
// ======================================================================================================

// ---- more elementwise functions (every NumPy ufunc on numbers) ----
Tensor fabs(const Tensor& x);                         // absolute value of real input as a float
Tensor signbit(const Tensor& x);                      // sign bit set (-0.0 and -NaN included)
Tensor copysign(const Tensor& a, const Tensor& b);    // |a| with b's sign bit
Tensor heaviside(const Tensor& x, const Tensor& h0);  // 0, h0 or 1 by the sign of x
Tensor hypot(const Tensor& a, const Tensor& b);
Tensor logaddexp(const Tensor& a, const Tensor& b);
Tensor logaddexp2(const Tensor& a, const Tensor& b);
Tensor deg2rad(const Tensor& x);
Tensor rad2deg(const Tensor& x);
Tensor fmod(const Tensor& a, const Tensor& b);  // C's fmod: the dividend's sign
std::pair<Tensor, Tensor> divmod(const Tensor& a, const Tensor& b);
std::pair<Tensor, Tensor> modf(const Tensor& x);   // {fractional part, integral part}
std::pair<Tensor, Tensor> frexp(const Tensor& x);  // {mantissa in [0.5, 1), int32 exponent}
Tensor ldexp(const Tensor& x, const Tensor& exponent);
Tensor spacing(const Tensor& x);
Tensor float_power(const Tensor& a, const Tensor& b);  // power in float64/complex128
Tensor gcd(const Tensor& a, const Tensor& b);
Tensor lcm(const Tensor& a, const Tensor& b);
Tensor bitwise_count(const Tensor& x);  // set bits of |x|, uint8
Tensor sinc(const Tensor& x);
Tensor i0(const Tensor& x);  // modified Bessel function of the first kind, order 0
Tensor isneginf(const Tensor& x);
Tensor isposinf(const Tensor& x);
Tensor nan_to_num(const Tensor& x, double nan = 0.0, std::optional<double> posinf = {},
                  std::optional<double> neginf = {});
Tensor angle(const Tensor& z, bool deg = false);
Tensor isclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
               bool equal_nan = false);
Tensor allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
                bool equal_nan = false);
Tensor array_equal(const Tensor& a, const Tensor& b, bool equal_nan = false);  // false for other shapes
Tensor array_equiv(const Tensor& a, const Tensor& b);                          // equal after broadcasting
Tensor iscomplex(const Tensor& x);                                             // imaginary part != 0
Tensor isreal(const Tensor& x);

// ---- more reductions ----
Tensor ptp(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor count_nonzero(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
// Weighted mean; weights broadcast against x (or are 1-d along a single axis, as NumPy). Returns {average,
// sum of weights}.
std::pair<Tensor, Tensor> average(const Tensor& x, const Axes& axis, const std::optional<Tensor>& weights,
                                  bool keepdims = false);
Tensor cumsum(const Tensor& x, std::optional<int64_t> axis = {}, OptDType dtype = {});
Tensor cumprod(const Tensor& x, std::optional<int64_t> axis = {}, OptDType dtype = {});
// Array API: axis may be omitted for 1-d input only; include_initial prepends the identity.
Tensor cumulative_sum(const Tensor& x, std::optional<int64_t> axis = {}, OptDType dtype = {},
                      bool include_initial = false);
Tensor cumulative_prod(const Tensor& x, std::optional<int64_t> axis = {}, OptDType dtype = {},
                       bool include_initial = false);

// The 13 methods of numpy.quantile (H&F 1-9 and NumPy's discontinuous extras).
enum class QuantileMethod {
  InvertedCdf,
  AveragedInvertedCdf,
  ClosestObservation,
  InterpolatedInvertedCdf,
  Hazen,
  Weibull,
  Linear,
  MedianUnbiased,
  NormalUnbiased,
  Lower,
  Higher,
  Midpoint,
  Nearest
};
QuantileMethod quantile_method(std::string_view name);  // ValueError for unknown names
// q in [0, 1] (a scalar or an array: its dimensions come first in the result, as NumPy).
Tensor quantile(const Tensor& x, const Tensor& q, const Axes& axis = {},
                QuantileMethod method = QuantileMethod::Linear, bool keepdims = false);
Tensor percentile(const Tensor& x, const Tensor& q, const Axes& axis = {},
                  QuantileMethod method = QuantileMethod::Linear, bool keepdims = false);
Tensor median(const Tensor& x, const Axes& axis = {}, bool keepdims = false);

// NaN-ignoring reductions: NaNs count as missing. An all-NaN slice gives NaN (nanmax, nanmin, nanmean, ...)
// or raises ValueError for concrete input and gives -1 under a trace (nanargmax, nanargmin).
Tensor nansum(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor nanprod(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor nanmean(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, bool keepdims = false);
Tensor nanvar(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, int64_t ddof = 0,
              bool keepdims = false);
Tensor nanstd(const Tensor& x, const Axes& axis = {}, OptDType dtype = {}, int64_t ddof = 0,
              bool keepdims = false);
Tensor nanmax(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor nanmin(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor nanargmax(const Tensor& x, std::optional<int64_t> axis = {}, bool keepdims = false);
Tensor nanargmin(const Tensor& x, std::optional<int64_t> axis = {}, bool keepdims = false);
Tensor nancumsum(const Tensor& x, std::optional<int64_t> axis = {}, OptDType dtype = {});
Tensor nancumprod(const Tensor& x, std::optional<int64_t> axis = {}, OptDType dtype = {});
Tensor nanmedian(const Tensor& x, const Axes& axis = {}, bool keepdims = false);
Tensor nanquantile(const Tensor& x, const Tensor& q, const Axes& axis = {},
                   QuantileMethod method = QuantileMethod::Linear, bool keepdims = false);
Tensor nanpercentile(const Tensor& x, const Tensor& q, const Axes& axis = {},
                     QuantileMethod method = QuantileMethod::Linear, bool keepdims = false);

// ---- statistics and signal processing ----
Tensor diff(const Tensor& x, int64_t n = 1, int64_t axis = -1, const std::optional<Tensor>& prepend = {},
            const std::optional<Tensor>& append = {});
Tensor ediff1d(const Tensor& x, const std::optional<Tensor>& to_end = {},
               const std::optional<Tensor>& to_begin = {});
// Spacing per axis: a scalar (uniform) or coordinates (1-d, the axis's length). One result per axis.
std::vector<Tensor> gradient(const Tensor& f, const std::vector<Tensor>& spacing, const Axes& axis,
                             int64_t edge_order = 1);
Tensor trapezoid(const Tensor& y, const std::optional<Tensor>& x = {}, double dx = 1.0, int64_t axis = -1);
Tensor unwrap(const Tensor& p, std::optional<double> discont = {}, int64_t axis = -1,
              double period = 6.283185307179586);
// mode: "full", "same" or "valid".
Tensor convolve(const Tensor& a, const Tensor& v, std::string_view mode = "full");
Tensor correlate(const Tensor& a, const Tensor& v, std::string_view mode = "valid");
Tensor cov(const Tensor& m, const std::optional<Tensor>& y = {}, bool rowvar = true, bool bias = false,
           std::optional<int64_t> ddof = {}, const std::optional<Tensor>& fweights = {},
           const std::optional<Tensor>& aweights = {}, OptDType dtype = {});
Tensor corrcoef(const Tensor& x, const std::optional<Tensor>& y = {}, bool rowvar = true,
                OptDType dtype = {});
Tensor interp(const Tensor& x, const Tensor& xp, const Tensor& fp, const std::optional<Tensor>& left = {},
              const std::optional<Tensor>& right = {}, std::optional<double> period = {});
// bins: edges (1-d, increasing). right: intervals closed on the right.
Tensor digitize(const Tensor& x, const Tensor& bins, bool right = false);
// length: the number of bins (static); concrete input may leave it to max(x) + 1 (and minlength).
Tensor bincount(const Tensor& x, const std::optional<Tensor>& weights = {}, int64_t minlength = 0,
                std::optional<int64_t> length = {});
// Equal-width bins over `range` (default: the data's min and max; concrete input only).
Tensor histogram_bin_edges(const Tensor& a, int64_t bins,
                           std::optional<std::pair<double, double>> range = {});
// {counts (or densities), edges}; `edges` given explicitly or computed as histogram_bin_edges.
std::pair<Tensor, Tensor> histogram(const Tensor& a, const Tensor& edges,
                                    const std::optional<Tensor>& weights = {}, bool density = false);
// sample: (N, D); one edge array per dimension. {counts, edges...}.
Tensor histogramdd(const Tensor& sample, const std::vector<Tensor>& edges,
                   const std::optional<Tensor>& weights = {}, bool density = false);
Tensor vander(const Tensor& x, std::optional<int64_t> n = {}, bool increasing = false);
// Window functions of length m (float32 by default, as ember's default float).
Tensor bartlett(int64_t m);
Tensor blackman(int64_t m);
Tensor hamming(int64_t m);
Tensor hanning(int64_t m);
Tensor kaiser(int64_t m, double beta);

// ---- polynomials (coefficients, highest power first) ----
Tensor poly(const Tensor& roots);
Tensor polyval(const Tensor& p, const Tensor& x);
Tensor polyadd(const Tensor& a, const Tensor& b);
Tensor polysub(const Tensor& a, const Tensor& b);
// NumPy trims each factor's leading zeros first (poly1d); by default concrete input only, as polydiv.
Tensor polymul(const Tensor& a, const Tensor& b, std::optional<bool> trim_leading_zeros = {});
Tensor polyder(const Tensor& p, int64_t m = 1);
Tensor polyint(const Tensor& p, int64_t m = 1, const std::optional<Tensor>& k = {});
// trim_leading_zeros: drop the remainder's leading near-zeros (|r| <= 1e-8, as NumPy); that length depends
// on the values, so the default (nullopt) trims concrete input only.
std::pair<Tensor, Tensor> polydiv(const Tensor& u, const Tensor& v,
                                  std::optional<bool> trim_leading_zeros = {});
// Least squares by Householder QR of the (weighted, column-scaled) Vandermonde matrix.
Tensor polyfit(const Tensor& x, const Tensor& y, int64_t deg, const std::optional<Tensor>& w = {});

// ---- more creation ----
Tensor logspace(double start, double stop, int64_t num, bool endpoint, double base, OptDType dtype);
Tensor geomspace(double start, double stop, int64_t num, bool endpoint, OptDType dtype);
// Array-valued start/stop (broadcast together; samples along `axis`).
Tensor linspace_array(const Tensor& start, const Tensor& stop, int64_t num, bool endpoint, OptDType dtype,
                      int64_t axis);
Tensor tri(int64_t n, std::optional<int64_t> m, int64_t k, ir::DType dtype);
Tensor tril(const Tensor& x, int64_t k = 0);
Tensor triu(const Tensor& x, int64_t k = 0);
// indexing: "xy" (Cartesian) or "ij" (matrix).
std::vector<Tensor> meshgrid(std::span<const Tensor> xs, bool sparse = false,
                             std::string_view indexing = "xy");
Tensor diag(const Tensor& v, int64_t k = 0);
Tensor diagflat(const Tensor& v, int64_t k = 0);
Tensor diagonal(const Tensor& x, int64_t offset = 0, int64_t axis1 = 0, int64_t axis2 = 1);
Tensor trace(const Tensor& x, int64_t offset = 0, int64_t axis1 = 0, int64_t axis2 = 1, OptDType dtype = {});
// The grid of indices of an array of `shape`: shape (len(shape), *shape) (dense).
Tensor indices(const Ints& shape, ir::DType dtype = kDefaultInt);

// ---- more manipulation ----
std::vector<Tensor> broadcast_arrays(std::span<const Tensor> xs);
Tensor matrix_transpose(const Tensor& x);
Tensor rollaxis(const Tensor& x, int64_t axis, int64_t start = 0);
Tensor atleast_nd(const Tensor& x, int n);  // atleast_1d/2d/3d
Tensor hstack(std::span<const Tensor> xs);
Tensor vstack(std::span<const Tensor> xs);
Tensor dstack(std::span<const Tensor> xs);
Tensor column_stack(std::span<const Tensor> xs);
std::vector<Tensor> unstack(const Tensor& x, int64_t axis = 0);
// Split at the given indices along axis (numpy.split with a list of indices).
std::vector<Tensor> split_at(const Tensor& x, const Ints& indices, int64_t axis = 0);
// numpy.array_split with a number of sections (equal parts first get one extra element).
std::vector<Tensor> array_split(const Tensor& x, int64_t sections, int64_t axis = 0);
// numpy.split with a number of sections: ValueError when they are not equal.
std::vector<Tensor> split(const Tensor& x, int64_t sections, int64_t axis = 0);
Tensor tile(const Tensor& x, const Ints& reps);
// Static repeats: one count, or one per element along axis (axis None: the flattened array).
Tensor repeat(const Tensor& x, const Ints& repeats, std::optional<int64_t> axis = {});
Tensor flip(const Tensor& x, const Axes& axis = {});
Tensor roll(const Tensor& x, const Ints& shift, const Axes& axis = {});
Tensor rot90(const Tensor& x, int64_t k = 1, std::pair<int64_t, int64_t> axes = {0, 1});
// numpy.pad's modes. pad_width: (before, after) per axis. `constant_values`/`end_values`: (before, after) per
// axis (mode "constant" / "linear_ramp"); stat_length: per axis (0: the whole axis) for maximum, minimum,
// mean and median; reflect_type: "even" or "odd".
struct PadOptions {
  std::string mode = "constant";
  std::vector<std::pair<Tensor, Tensor>> constant_values;  // empty: zeros
  std::vector<std::pair<Tensor, Tensor>> end_values;       // empty: zeros
  std::vector<std::pair<int64_t, int64_t>> stat_length;    // empty: the whole axis
  std::string reflect_type = "even";
};
Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& pad_width,
           const PadOptions& options = {});
Tensor append(const Tensor& x, const Tensor& values, std::optional<int64_t> axis = {});
// Static indices (before which `values` are inserted / which are deleted); axis None: the flattened array.
Tensor insert(const Tensor& x, const Ints& index, const Tensor& values, std::optional<int64_t> axis = {},
              bool scalar_index = false);
Tensor delete_(const Tensor& x, const Ints& index, std::optional<int64_t> axis = {});
Tensor resize(const Tensor& x, const Ints& shape);
// trim: "f", "b" or "fb"; concrete input only (the result's shape depends on the values).
Tensor trim_zeros(const Tensor& x, std::string_view trim = "fb");
Tensor select(std::span<const Tensor> condlist, std::span<const Tensor> choicelist,
              const Tensor& default_value);
// numpy.choose; mode: "raise", "wrap" or "clip".
Tensor choose(const Tensor& a, std::span<const Tensor> choices, std::string_view mode = "raise");
Tensor copy(const Tensor& x);

// ---- indexing functions ----
// How take/take_along_axis/choose treat out-of-bounds indices: None (NumPy's "raise": IndexError for
// concrete indices, "clip" under a trace, DESIGN §3), Clip, Wrap or Fill (NaN / the dtype's fill value).
enum class TakeMode { Default, Raise, Clip, Wrap, Fill };
TakeMode take_mode(std::string_view name);
Tensor take(const Tensor& x, const Tensor& indices, std::optional<int64_t> axis = {},
            TakeMode mode = TakeMode::Default, std::optional<double> fill_value = {});
Tensor take_along_axis(const Tensor& x, const Tensor& indices, std::optional<int64_t> axis,
                       TakeMode mode = TakeMode::Default);
// Indices of non-zero elements, one array per dimension. size: the static number of results (padded with
// fill_value, default 0, or cut); without it the input must be concrete.
std::vector<Tensor> nonzero(const Tensor& x, std::optional<int64_t> size = {}, int64_t fill_value = 0);
Tensor flatnonzero(const Tensor& x, std::optional<int64_t> size = {}, int64_t fill_value = 0);
Tensor argwhere(const Tensor& x, std::optional<int64_t> size = {}, int64_t fill_value = 0);
Tensor extract(const Tensor& condition, const Tensor& x, std::optional<int64_t> size = {},
               double fill_value = 0);
Tensor compress(const Tensor& condition, const Tensor& x, std::optional<int64_t> axis = {},
                std::optional<int64_t> size = {}, double fill_value = 0);
std::vector<Tensor> unravel_index(const Tensor& indices, const Ints& shape);
// mode per dimension: "raise", "wrap" or "clip".
Tensor ravel_multi_index(std::span<const Tensor> multi_index, const Ints& shape,
                         const std::vector<std::string>& modes);

// ---- sorting, searching, counting, sets ----
Tensor sort(const Tensor& x, std::optional<int64_t> axis = -1, bool stable = true, bool descending = false);
Tensor argsort(const Tensor& x, std::optional<int64_t> axis = -1, bool stable = true,
               bool descending = false);
Tensor lexsort(std::span<const Tensor> keys, int64_t axis = -1);
Tensor sort_complex(const Tensor& x);
// A full sort is a valid partition; every kth element is in its sorted place.
Tensor partition(const Tensor& x, const Ints& kth, std::optional<int64_t> axis = -1);
Tensor argpartition(const Tensor& x, const Ints& kth, std::optional<int64_t> axis = -1);
// side: "left" or "right"; method: "auto", "scan" (binary search, log2(n) gathers) or "compare_all"
// (counts comparisons, O(n*m) work without gathers).
Tensor searchsorted(const Tensor& a, const Tensor& v, std::string_view side = "left",
                    const std::optional<Tensor>& sorter = {}, std::string_view method = "auto");
struct UniqueResult {
  Tensor values, indices, inverse, counts;
};
// NumPy's unique (sorted values); size: static result length (padded with fill_value, default the smallest
// value); without it the input must be concrete. axis: unique slices along axis.
UniqueResult unique(const Tensor& x, std::optional<int64_t> axis = {}, bool equal_nan = true,
                    std::optional<int64_t> size = {}, const std::optional<Tensor>& fill_value = {});
Tensor isin(const Tensor& element, const Tensor& test_elements, bool invert = false);
Tensor intersect1d(const Tensor& a, const Tensor& b, bool assume_unique = false,
                   std::optional<int64_t> size = {});
Tensor union1d(const Tensor& a, const Tensor& b, std::optional<int64_t> size = {});
Tensor setdiff1d(const Tensor& a, const Tensor& b, bool assume_unique = false,
                 std::optional<int64_t> size = {});
Tensor setxor1d(const Tensor& a, const Tensor& b, bool assume_unique = false,
                std::optional<int64_t> size = {});
// The bits of uint8/bool data packed into uint8 (bitorder "big" or "little") and back.
Tensor packbits(const Tensor& x, std::optional<int64_t> axis = {}, std::string_view bitorder = "big");
Tensor unpackbits(const Tensor& x, std::optional<int64_t> axis = {}, std::optional<int64_t> count = {},
                  std::string_view bitorder = "big");

// ---- more products ----
Tensor vdot(const Tensor& a, const Tensor& b);  // conj(a) . b over the flattened arrays
Tensor inner(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);
Tensor tensordot(const Tensor& a, const Tensor& b, const Ints& a_axes, const Ints& b_axes);
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t n_axes);
Tensor kron(const Tensor& a, const Tensor& b);
Tensor cross(const Tensor& a, const Tensor& b, int64_t axisa = -1, int64_t axisb = -1, int64_t axisc = -1);
Tensor vecdot(const Tensor& a, const Tensor& b, int64_t axis = -1);  // sum(conj(a) * b, axis)
Tensor matvec(const Tensor& m, const Tensor& v);
Tensor vecmat(const Tensor& v, const Tensor& m);
// einsum with NumPy's subscripts (implicit or explicit output, "..." broadcasting, repeated indices for
// traces and diagonals). The pairwise contraction order is chosen on the static shapes: "greedy" (as
// opt_einsum's greedy), "optimal" (dynamic programming over subsets, up to 12 operands) or "none" (left to
// right).
Tensor einsum(std::string_view subscripts, std::span<const Tensor> operands,
              std::string_view optimize = "greedy", OptDType preferred_element_type = {});
struct EinsumPath {
  std::vector<std::pair<int, int>> contractions;  // operand positions in the shrinking list, as NumPy
  double naive_flops = 0, optimized_flops = 0;
  std::string report;
};
EinsumPath einsum_path(std::string_view subscripts, std::span<const ir::Shape> shapes,
                       std::string_view optimize = "greedy");

}  // namespace ember::frontend::np
