#include "ir/numeric.h"

namespace ember {

namespace {
template <typename T>
T read(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
void write(void* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// Converts a double to element type T with ember's conversion semantics.
template <typename T>
T from_double(double v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v != 0.0;  // NaN -> true, as NumPy's bool(nan)
  } else if constexpr (std::is_integral_v<T>) {
    return saturate_cast<T>(v);
  } else if constexpr (is_complex_v<T>) {
    return T(typename T::value_type(v), 0);
  } else {
    return T(v);
  }
}
}  // namespace

double load_element_as_double(ir::DType d, const void* p) {
  return visit_dtype(d, [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    if constexpr (is_complex_v<T>) {
      return double(read<T>(p).real());
    } else {
      return double(compute_t<T>(read<T>(p)));
    }
  });
}

int64_t load_element_as_int(ir::DType d, const void* p) {
  return visit_dtype(d, [&](auto tag) -> int64_t {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T>) {
      return int64_t(read<T>(p));
    } else if constexpr (is_complex_v<T>) {
      return saturate_cast<int64_t>(double(read<T>(p).real()));
    } else {
      return saturate_cast<int64_t>(double(compute_t<T>(read<T>(p))));
    }
  });
}

std::complex<double> load_element_as_complex(ir::DType d, const void* p) {
  if (d == ir::DType::C64) return std::complex<double>(read<complex64>(p));
  if (d == ir::DType::C128) return read<complex128>(p);
  return {load_element_as_double(d, p), 0.0};
}

void store_element_from_double(ir::DType d, void* p, double v) {
  visit_dtype(d, [&](auto tag) {
    using T = typename decltype(tag)::type;
    write<T>(p, from_double<T>(v));
  });
}

void store_element_from_int(ir::DType d, void* p, int64_t v) {
  visit_dtype(d, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      write<T>(p, v != 0);
    } else if constexpr (std::is_integral_v<T>) {
      write<T>(p, T(v));  // wraps, as integer conversion does
    } else if constexpr (is_complex_v<T>) {
      write<T>(p, T(typename T::value_type(v), 0));
    } else {
      write<T>(p, T(double(v)));
    }
  });
}

void store_element_from_complex(ir::DType d, void* p, std::complex<double> v) {
  if (d == ir::DType::C64) return write<complex64>(p, complex64(v));
  if (d == ir::DType::C128) return write<complex128>(p, v);
  store_element_from_double(d, p, v.real());
}

}  // namespace ember
