#include "ir/attr.h"

#include <complex>
#include <cstring>
#include <functional>

#include "ir/error.h"
#include "ir/numeric.h"

namespace ember::ir {

std::string_view attr_kind_name(AttrKind kind) {
  switch (kind) {
    case AttrKind::Int: return "int";
    case AttrKind::Float: return "float";
    case AttrKind::Bool: return "bool";
    case AttrKind::DType: return "dtype";
    case AttrKind::String: return "string";
    case AttrKind::Ints: return "int list";
    case AttrKind::Literal: return "literal";
  }
  return "?";
}

Literal Literal::copy_of(Type type, const void* src) {
  type.weak = false;
  size_t n = type.nbytes();
  std::shared_ptr<char[]> storage(new char[n ? n : 1]);
  if (n) std::memcpy(storage.get(), src, n);
  return Literal{std::move(type), std::shared_ptr<const void>(storage, storage.get())};
}

Literal Literal::scalar(DType dtype, double value) {
  if (is_complex(dtype)) return scalar_complex(dtype, value, 0.0);
  alignas(16) unsigned char bytes[16];
  store_element_from_double(dtype, bytes, value);
  return copy_of(Type{dtype, {}, false}, bytes);
}

Literal Literal::scalar_complex(DType dtype, double re, double im) {
  alignas(16) unsigned char bytes[16];
  if (dtype == DType::C64) {
    std::complex<float> v{float(re), float(im)};
    std::memcpy(bytes, &v, sizeof v);
  } else if (dtype == DType::C128) {
    std::complex<double> v{re, im};
    std::memcpy(bytes, &v, sizeof v);
  } else {
    return scalar(dtype, re);
  }
  return copy_of(Type{dtype, {}, false}, bytes);
}

Literal Literal::scalar_int(DType dtype, int64_t value) {
  if (!is_int(dtype) && !is_bool(dtype)) return scalar(dtype, double(value));
  alignas(16) unsigned char bytes[16];
  store_element_from_int(dtype, bytes, value);
  return copy_of(Type{dtype, {}, false}, bytes);
}

double literal_element_as_double(const Literal& lit, int64_t i) {
  const auto* base = static_cast<const unsigned char*>(lit.bytes()) + i * dtype_size(lit.type.dtype);
  return load_element_as_double(lit.type.dtype, base);
}

bool operator==(const Literal& a, const Literal& b) {
  if (!(a.type == b.type)) return false;
  if (a.data == b.data) return true;
  return std::memcmp(a.bytes(), b.bytes(), a.nbytes()) == 0;
}

namespace {

size_t literal_hash(const Literal& lit) {
  size_t h = hash_value(lit.type);
  return hash_combine(h, std::hash<std::string_view>()(
                             std::string_view(static_cast<const char*>(lit.bytes()), lit.nbytes())));
}
}  // namespace

bool attr_equal(const Attr& a, const Attr& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    double y = std::get<double>(b);
    return std::memcmp(x, &y, sizeof y) == 0;  // bitwise: -0.0 != 0.0, NaN == NaN
  }
    return a == b;  // Literal and double are handled above
}

size_t attr_hash(const Attr& a) {
  size_t h = a.index();
  switch (attr_kind(a)) {
    case AttrKind::Int: return hash_combine(h, std::hash<int64_t>()(std::get<int64_t>(a)));
    case AttrKind::Float: {
      uint64_t bits;
      double d = std::get<double>(a);
      std::memcpy(&bits, &d, sizeof bits);
      return hash_combine(h, std::hash<uint64_t>()(bits));
    }
    case AttrKind::Bool: return hash_combine(h, std::get<bool>(a));
    case AttrKind::DType: return hash_combine(h, size_t(std::get<DType>(a)));
    case AttrKind::String: return hash_combine(h, std::hash<std::string>()(std::get<std::string>(a)));
    case AttrKind::Ints:
      for (int64_t v : std::get<std::vector<int64_t>>(a)) h = hash_combine(h, std::hash<int64_t>()(v));
      return h;
    case AttrKind::Literal: return hash_combine(h, literal_hash(std::get<Literal>(a)));
  }
  return h;
}

}  // namespace ember::ir
