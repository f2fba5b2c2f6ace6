// The IR printer (DESIGN §3). The text form, which ir/parser.cc reads back:
//
//   func @f(%0: f32[8,4], %1: f32[4,2]) -> (f32[8,2]) {
//     %2 = dot_general %0, %1 {lhs_contracting_dimensions=[1], ...} : f32[8,2]
//     %3 = tanh %2 : f32[8,2]
//     return %3
//   }
//
// Values are renumbered densely in definition order, separately in each body: parameters first, then the
// results of each op in order. The parser assigns ids in that same order, so parsing printed text gives
// back the same ids, and bodies_equal(parse(print(f)).body, f.body) holds whenever f's own ids are dense in
// definition order (as the Builder makes them). A value that is used but never defined (invalid IR, printed
// while debugging) prints as `%?<raw id>`, which the parser rejects.
//
// Attributes print in the primitive's declared order. Floats print as the shortest text that reads back to
// the same bits; NaNs other than the default quiet NaN print their bits (`nan(0x7fc00001)`) so that every
// literal round-trips bit for bit. Ops with regions print them after the result types:
//
//   %4 = cond %0, %1 : f32[] regions {
//     (%0: f32[]) -> (f32[]) {
//       return %0
//     }
//   } loc("model.py":3)
//
// Nested regions are walked with an explicit stack, so deep nesting never deepens the C++ stack.
#include "ir/printer.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "ir/numeric.h"

namespace ember::ir {

namespace {

constexpr uint32_t kUndefined = std::numeric_limits<uint32_t>::max();

template <typename T>
void append_number(std::string& out, T v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Dense ids of one body's values in definition order (see the file comment).
class Numbering {
 public:
  explicit Numbering(const Body& body) : ids_(body.types.size(), kUndefined) {
    for (Value v : body.params) define(v);
    for (const Op& op : body.ops)
      for (Value v : op.results) define(v);
  }

  void append(std::string& out, Value v) const {
    out += '%';
    if (v.id < ids_.size() && ids_[v.id] != kUndefined) {
      append_number(out, ids_[v.id]);
    } else {
      out += '?';
      append_number(out, v.id);
    }
  }

 private:
  void define(Value v) {
    if (v.id < ids_.size() && ids_[v.id] == kUndefined) ids_[v.id] = next_++;
  }
  std::vector<uint32_t> ids_;
  uint32_t next_ = 0;
};

void append_type_of(std::string& out, const Body& body, Value v) {
  if (v.id < body.types.size())
    out += to_string(body.type(v));
  else
    out += "<no type>";
}

// ---- Scalars -------------------------------------------------------------------------------------------

// The default quiet NaN of a float dtype prints as `nan`; any other NaN (sign, payload) as its raw bits.
bool is_default_nan(DType d, const void* p) {
  unsigned char canonical[8];
  store_element_from_double(d, canonical, std::numeric_limits<double>::quiet_NaN());
  return std::memcmp(canonical, p, dtype_size(d)) == 0;
}

uint64_t element_bits(DType d, const void* p) {
  switch (dtype_size(d)) {
    case 2: {
      uint16_t b;
      std::memcpy(&b, p, 2);
      return b;
    }
    case 4: {
      uint32_t b;
      std::memcpy(&b, p, 4);
      return b;
    }
    default: {
      uint64_t b;
      std::memcpy(&b, p, 8);
      return b;
    }
  }
}

void append_nan(std::string& out, DType d, const void* p) {
  if (is_default_nan(d, p)) {
    out += "nan";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, element_bits(d, p), 16);
  out += "nan(0x";
  out.append(buf, end);
  out += ')';
}

// The shortest text that the parser's path for 16-bit floats (text -> float -> f16/bf16) maps back to the
// same bits: f16 0.1 prints as `0.1`, not as the float it widens to, 0.099975586.
void append_half(std::string& out, DType d, const unsigned char* p, float value) {
  char buf[64];
  for (int precision = 1; precision < 9; ++precision) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, precision);
    float back = 0;
    std::from_chars(buf, end, back, std::chars_format::general);
    unsigned char bits[2];
    store_element_from_double(d, bits, double(back));
    if (std::memcmp(bits, p, 2) == 0) {
      out.append(buf, end);
      return;
    }
  }
  append_number(out, value);  // the shortest float text always reads back exactly
}

// One element of a real float dtype: the shortest text that reads back to the same bits.
void append_real_element(std::string& out, DType d, const unsigned char* p) {
  double value = load_element_as_double(d, p);
  if (std::isnan(value)) return append_nan(out, d, p);
  if (std::isinf(value) || d == DType::F64) return append_number(out, value);
  if (d == DType::F32) return append_number(out, float(value));
  append_half(out, d, p, float(value));
}

void append_element(std::string& out, DType d, const unsigned char* p) {
  if (is_bool(d)) {
    out += *p ? "true" : "false";
  } else if (is_int(d)) {
    visit_dtype(d, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        T v;
        std::memcpy(&v, p, sizeof v);
        append_number(out, v);
      }
    });
  } else if (is_complex(d)) {
    DType part = real_dtype(d);
    out += '(';
    append_real_element(out, part, p);
    out += ',';
    append_real_element(out, part, p + dtype_size(part));
    out += ')';
  } else {
    append_real_element(out, d, p);
  }
}

void append_literal(std::string& out, const Literal& lit) {
  out += "dense<";
  out += to_string(lit.type.strong());
  int64_t n = lit.type.numel();
  if (n > 0 && !lit.bytes()) {
    out += ": <no data>>";  // invalid IR; printed for debugging, rejected by the parser
    return;
  }
  if (n > 0) out += ": ";
  const auto* bytes = static_cast<const unsigned char*>(lit.bytes());
  size_t size = dtype_size(lit.type.dtype);
  for (int64_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    append_element(out, lit.type.dtype, bytes + size_t(i) * size);
  }
  out += '>';
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) return append_nan(out, DType::F64, &v);
  size_t start = out.size();
  append_number(out, v);
  // Keep the text a float (`3.0`, `-0.0`) so it reads as one wherever the kind is not known.
  if (out.find_first_of(".eni", start) == std::string::npos) out += ".0";
}

// Strings (attributes, locations, odd function names); the parser undoes exactly these escapes.
void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\x";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_attr(std::string& out, const Attr& a) {
  switch (attr_kind(a)) {
    case AttrKind::Int:
      return append_number(out, std::get<int64_t>(a));
    case AttrKind::Float:
      return append_double(out, std::get<double>(a));
    case AttrKind::Bool:
      out += std::get<bool>(a) ? "true" : "false";
      return;
    case AttrKind::DType:
      out += dtype_name(std::get<DType>(a));
      return;
    case AttrKind::String:
      return append_quoted(out, std::get<std::string>(a));
    case AttrKind::Ints: {
      out += '[';
      const auto& v = std::get<std::vector<int64_t>>(a);
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        append_number(out, v[i]);
      }
      out += ']';
      return;
    }
    case AttrKind::Literal:
      return append_literal(out, std::get<Literal>(a));
  }
}

bool is_plain_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$')) return false;
  return true;
}

class Printer {
 public:
  explicit Printer(const PrintOptions& options) : options_(options) {}

  std::string run(const Function& f) {
    out_ += "func @";
    if (is_plain_name(f.name))
      out_ += f.name;
    else
      append_quoted(out_, f.name);
    stack_.push_back(Frame{&f.body, Numbering(f.body), 0, 2, nullptr, 0});
    append_signature(stack_.back());
    out_ += " {\n";
    walk();
    return std::move(out_);
  }

 private:
  // One body being printed: the function body or one region of `owner`.
  struct Frame {
    const Body* body;
    Numbering numbering;
    size_t next_op;
    int indent;  // of the body's ops; its header and closing brace sit two columns left
    const Op* owner;
    size_t region;
  };

  void walk() {
    while (!stack_.empty()) {
      Frame& frame = stack_.back();
      if (frame.next_op < frame.body->ops.size()) {
        const Op& op = frame.body->ops[frame.next_op++];
        int indent = frame.indent;
        append_op_head(op, frame);
        if (op.regions.empty()) {
          end_op(op);
        } else {
          out_ += " regions {\n";
          open_region(op, 0, indent + 4);  // invalidates `frame`
        }
        continue;
      }
      append_return(frame);
      const Op* owner = frame.owner;
      size_t region = frame.region;
      int indent = frame.indent;
      stack_.pop_back();
      if (!owner) continue;
      if (region + 1 < owner->regions.size()) {
        open_region(*owner, region + 1, indent);
      } else {
        out_.append(size_t(indent - 4), ' ');
        out_ += '}';
        end_op(*owner);
      }
    }
  }

  void open_region(const Op& owner, size_t region, int indent) {
    const Body& body = owner.regions[region];
    stack_.push_back(Frame{&body, Numbering(body), 0, indent, &owner, region});
    out_.append(size_t(indent - 2), ' ');
    append_signature(stack_.back());
    out_ += " {\n";
  }

  // "(%0: f32[8,4], %1: f32[4,2]) -> (f32[8,2])"
  void append_signature(const Frame& frame) {
    const Body& body = *frame.body;
    out_ += '(';
    for (size_t i = 0; i < body.params.size(); ++i) {
      if (i) out_ += ", ";
      frame.numbering.append(out_, body.params[i]);
      out_ += ": ";
      append_type_of(out_, body, body.params[i]);
    }
    out_ += ") -> (";
    for (size_t i = 0; i < body.results.size(); ++i) {
      if (i) out_ += ", ";
      append_type_of(out_, body, body.results[i]);
    }
    out_ += ')';
  }

  // "%2 = dot_general %0, %1 {attrs} : f32[8,2]" (zero results: "prim ... : ()")
  void append_op_head(const Op& op, const Frame& frame) {
    out_.append(size_t(frame.indent), ' ');
    for (size_t i = 0; i < op.results.size(); ++i) {
      if (i) out_ += ", ";
      frame.numbering.append(out_, op.results[i]);
    }
    if (!op.results.empty()) out_ += " = ";
    out_ += prim_name(op.prim);
    for (size_t i = 0; i < op.operands.size(); ++i) {
      out_ += i ? ", " : " ";
      frame.numbering.append(out_, op.operands[i]);
    }
    append_attrs(op);
    out_ += " : ";
    if (op.results.empty()) out_ += "()";
    for (size_t i = 0; i < op.results.size(); ++i) {
      if (i) out_ += ", ";
      append_type_of(out_, *frame.body, op.results[i]);
    }
  }

  void append_attrs(const Op& op) {
    if (op.attrs.empty()) return;
    const auto& specs = prim_info(op.prim).attrs;
    out_ += " {";
    for (size_t i = 0; i < op.attrs.size(); ++i) {
      if (i) out_ += ", ";
      // An op that does not match its schema (invalid IR) still prints, with made-up names.
      if (i < specs.size())
        out_ += specs[i].name;
      else
        out_ += "attr" + std::to_string(i);
      out_ += '=';
      append_attr(out_, op.attrs[i]);
    }
    out_ += '}';
  }

  void end_op(const Op& op) {
    if (options_.locations && op.loc) {
      out_ += " loc(";
      append_quoted(out_, op.loc->file);
      out_ += ':';
      append_number(out_, op.loc->line);
      out_ += ')';
    }
    out_ += '\n';
  }

  void append_return(const Frame& frame) {
    out_.append(size_t(frame.indent), ' ');
    out_ += "return";
    for (size_t i = 0; i < frame.body->results.size(); ++i) {
      out_ += i ? ", " : " ";
      frame.numbering.append(out_, frame.body->results[i]);
    }
    out_ += '\n';
    out_.append(size_t(frame.indent - 2), ' ');
    out_ += "}\n";
  }

  const PrintOptions& options_;
  std::string out_;
  std::vector<Frame> stack_;
};

}  // namespace

std::string print(const Function& f, const PrintOptions& options) { return Printer(options).run(f); }

}  // namespace ember::ir
