// The IR parser: reads the text form that ir/printer.cc writes (see the comment there for the format).
//
// Value names are any identifier after `%` (`%x`, `%0`, `%arg.1`), scoped to their body (regions are
// isolated, so each region has its own names). The parser renumbers values into a fresh body in definition
// order: parameters first, then each op's results. After each op it runs the primitive's schema check and
// shape rule and rejects result types that disagree with them, so parsed text is valid IR.
//
// Every problem throws ember::Error (ErrorKind::Value) naming the line and column and what was expected:
//   expected ':' at 3:17, got '{'
// The parser lexes on demand with one token of lookahead, never reads past the text, and limits region
// nesting, so no input makes it crash or overflow the stack.
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/error.h"
#include "ir/numeric.h"
#include "ir/printer.h"

namespace ember::ir {

namespace detail {
// Parses without the primitive table's schema check and shape rule, taking attributes in text order. Lets
// tests print and parse ops the table does not allow yet (regions, float and string attributes). Declared
// by the tests that use it; not part of the IR's interface.
Function parse_function_unchecked(std::string_view text);
}  // namespace detail

namespace {

constexpr int kMaxRegionDepth = 64;

// ---- Lexer ---------------------------------------------------------------------------------------------

enum class Tok { End, Ident, ValueName, FuncName, Number, String, Punct, Arrow };

struct Token {
  Tok kind = Tok::End;
  std::string_view text;  // the token as written (value and function names without their sigil)
  std::string str;        // decoded contents of a string token (and of a quoted function name)
  int line = 1, col = 1;

  bool is(char punct) const { return kind == Tok::Punct && text.size() == 1 && text[0] == punct; }
  bool is_ident(std::string_view word) const { return kind == Tok::Ident && text == word; }
};

std::string at(int line, int col) { return std::to_string(line) + ":" + std::to_string(col); }

std::string describe(const Token& t) {
  if (t.kind == Tok::End) return "end of input";
  std::string_view text = t.text;
  std::string prefix = t.kind == Tok::ValueName ? "%" : t.kind == Tok::FuncName ? "@" : "";
  if (t.kind == Tok::String) return "a string";
  if (text.size() > 24) return "'" + prefix + std::string(text.substr(0, 24)) + "...'";
  return "'" + prefix + std::string(text) + "'";
}

[[noreturn]] void fail(const std::string& message) { throw Error(ErrorKind::Value, message); }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) { advance(); }

  const Token& peek() const { return tok_; }
  Token next() {
    Token t = std::move(tok_);
    advance();
    return t;
  }

 private:
  char cur() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  char ahead(size_t n) const { return pos_ + n < text_.size() ? text_[pos_ + n] : '\0'; }
  bool done() const { return pos_ >= text_.size(); }
  void bump() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  void skip_space_and_comments() {
    while (!done()) {
      char c = cur();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        bump();
      } else if (c == '/' && ahead(1) == '/') {
        while (!done() && cur() != '\n') bump();
      } else {
        break;
      }
    }
  }

  [[noreturn]] void error(const std::string& what) { fail(what + " at " + at(line_, col_)); }

  std::string_view take_name_chars() {
    size_t start = pos_;
    while (!done() && is_name_char(cur())) bump();
    return text_.substr(start, pos_ - start);
  }

  void advance() {
    skip_space_and_comments();
    tok_ = Token{};
    tok_.line = line_;
    tok_.col = col_;
    if (done()) return;
    size_t start = pos_;
    char c = cur();
    if (c == '%' || c == '@') {
      bump();
      tok_.kind = c == '%' ? Tok::ValueName : Tok::FuncName;
      if (c == '@' && cur() == '"') {
        tok_.str = lex_string();
        tok_.text = text_.substr(start, pos_ - start);  // a view of the source: tokens are moved around
        return;
      }
      tok_.text = take_name_chars();
      if (tok_.text.empty())
        fail(std::string("expected a name after '") + c + "' at " + at(tok_.line, tok_.col));
      if (c == '@') tok_.str = std::string(tok_.text);
      return;
    }
    if (is_letter(c)) {
      tok_.kind = Tok::Ident;
      tok_.text = take_name_chars();
      return;
    }
    if (c == '-' && ahead(1) == '>') {
      bump();
      bump();
      tok_.kind = Tok::Arrow;
      tok_.text = text_.substr(start, 2);
      return;
    }
    if (is_digit(c) || ((c == '-' || c == '+') && (is_digit(ahead(1)) || is_letter(ahead(1))))) {
      lex_number();
      tok_.text = text_.substr(start, pos_ - start);
      return;
    }
    if (c == '"') {
      tok_.kind = Tok::String;
      tok_.str = lex_string();
      tok_.text = text_.substr(start, pos_ - start);
      return;
    }
    if (c != '\0' && std::strchr("()[]{},:=<>~", c)) {
      bump();
      tok_.kind = Tok::Punct;
      tok_.text = text_.substr(start, 1);
      return;
    }
    error("unexpected character '" + printable(c) + "'");
  }

  static std::string printable(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string(1, c);
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
  }

  // Numbers as the printer writes them: integers, decimal floats with exponents, -inf, -nan, 0x bits.
  // The token is validated where its meaning is known.
  void lex_number() {
    tok_.kind = Tok::Number;
    if (cur() == '-' || cur() == '+') bump();
    while (!done()) {
      char c = cur();
      if (is_name_char(c)) {
        bump();
        if ((c == 'e' || c == 'E') && (cur() == '+' || cur() == '-') && is_digit(ahead(1))) bump();
      } else {
        break;
      }
    }
  }

  std::string lex_string() {
    int line = line_, col = col_;
    bump();  // opening quote
    std::string out;
    while (true) {
      if (done()) fail("unterminated string starting at " + at(line, col));
      char c = cur();
      if (c == '"') {
        bump();
        return out;
      }
      if (c == '\n') fail("unterminated string starting at " + at(line, col));
      if (c != '\\') {
        out += c;
        bump();
        continue;
      }
      bump();
      char e = cur();
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'x': {
          int hi = hex_digit(ahead(1)), lo = hex_digit(ahead(2));
          if (hi < 0 || lo < 0) error("expected two hex digits after '\\x'");
          out += char(hi * 16 + lo);
          bump();
          bump();
          break;
        }
        default:
          error("unknown escape '\\" + printable(e) + "' in string");
      }
      bump();
    }
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1, col_ = 1;
  Token tok_;
};

// ---- Numbers -------------------------------------------------------------------------------------------

template <typename T>
bool parse_whole(std::string_view s, T& out, int base = 10) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

template <typename T>
bool parse_float(std::string_view s, T& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || !(is_digit(s[0]) || (s[0] == '-' && s.size() > 1 && is_digit(s[1])))) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, std::chars_format::general);
  return ec == std::errc() && end == s.data() + s.size();
}

void store_bits(DType d, unsigned char* dst, uint64_t bits) {
  switch (dtype_size(d)) {
    case 2: {
      uint16_t b = uint16_t(bits);
      std::memcpy(dst, &b, 2);
      return;
    }
    case 4: {
      uint32_t b = uint32_t(bits);
      std::memcpy(dst, &b, 4);
      return;
    }
    default:
      std::memcpy(dst, &bits, 8);
      return;
  }
}

// ---- Parser --------------------------------------------------------------------------------------------

using Scope = std::unordered_map<std::string_view, Value>;

class Parser {
 public:
  Parser(std::string_view text, bool check) : lex_(text), check_(check) {}

  // "f32[2], ~i32[]" (empty text: no types).
  std::vector<Type> parse_type_list() {
    std::vector<Type> out;
    if (lex_.peek().kind != Tok::End) {
      do out.push_back(parse_type());
      while (accept_punct(','));
    }
    if (lex_.peek().kind != Tok::End) error("end of the type list");
    return out;
  }

  Function parse() {
    Function f;
    expect_keyword("func");
    Token name = lex_.peek();
    if (name.kind != Tok::FuncName) error("a function name '@name'");
    f.name = lex_.next().str;
    Scope scope;
    std::vector<Type> result_types = parse_signature(f.body, scope);
    parse_block(f.body, scope, result_types, 0);
    if (lex_.peek().kind != Tok::End) error("end of input after the function");
    return f;
  }

 private:
  // ---- Token helpers

  [[noreturn]] void error(const std::string& expected) { error_at(lex_.peek(), expected); }
  [[noreturn]] static void error_at(const Token& t, const std::string& expected) {
    fail("expected " + expected + " at " + at(t.line, t.col) + ", got " + describe(t));
  }
  [[noreturn]] static void problem_at(const Token& t, const std::string& message) {
    fail(message + " at " + at(t.line, t.col));
  }

  void expect_punct(char c) {
    if (!lex_.peek().is(c)) error(std::string("'") + c + "'");
    lex_.next();
  }
  bool accept_punct(char c) {
    if (!lex_.peek().is(c)) return false;
    lex_.next();
    return true;
  }
  void expect_keyword(std::string_view word) {
    if (!lex_.peek().is_ident(word)) error("'" + std::string(word) + "'");
    lex_.next();
  }
  bool accept_keyword(std::string_view word) {
    if (!lex_.peek().is_ident(word)) return false;
    lex_.next();
    return true;
  }

  int64_t parse_int(const std::string& what) {
    const Token& t = lex_.peek();
    int64_t v = 0;
    if (t.kind != Tok::Number || !parse_whole(t.text, v)) error(what);
    lex_.next();
    return v;
  }

  // ---- Types

  Type parse_type() {
    const Token& t = lex_.peek();
    Type type;
    if (t.is('~')) {
      type.weak = true;
      lex_.next();
    }
    const Token& d = lex_.peek();
    if (d.kind != Tok::Ident) error("a type such as 'f32[2,3]'");
    std::optional<DType> dtype = parse_dtype(d.text);
    if (!dtype) problem_at(d, "unknown dtype '" + std::string(d.text) + "'");
    type.dtype = *dtype;
    lex_.next();
    expect_punct('[');
    int64_t numel = 1;
    if (!lex_.peek().is(']')) {
      do {
        Token dim = lex_.peek();
        int64_t n = parse_int("a dimension size");
        if (n < 0) problem_at(dim, "expected a non-negative dimension size, got " + std::to_string(n));
        // Element counts must fit int64 so that sizes computed from the type never overflow.
        if (__builtin_mul_overflow(numel, n, &numel))
          problem_at(dim, "expected a shape with fewer than 2^63 elements");
        type.shape.push_back(n);
      } while (accept_punct(','));
    }
    expect_punct(']');
    return type;
  }

  // "(%a: t, ...) -> (t, ...)": defines the parameters in `body` and returns the declared result types.
  std::vector<Type> parse_signature(Body& body, Scope& scope) {
    expect_punct('(');
    if (!lex_.peek().is(')')) {
      do {
        Token name = lex_.peek();
        if (name.kind != Tok::ValueName) error("a parameter name '%name'");
        lex_.next();
        expect_punct(':');
        Value v = body.add_param(parse_type());
        define(scope, name, v);
      } while (accept_punct(','));
    }
    expect_punct(')');
    if (lex_.peek().kind != Tok::Arrow) error("'->'");
    lex_.next();
    expect_punct('(');
    std::vector<Type> results;
    if (!lex_.peek().is(')')) {
      do results.push_back(parse_type());
      while (accept_punct(','));
    }
    expect_punct(')');
    return results;
  }

  // ---- Values

  void define(Scope& scope, const Token& name, Value v) {
    auto [it, fresh] = scope.emplace(name.text, v);
    if (!fresh) problem_at(name, "value %" + std::string(name.text) + " is defined twice");
  }

  Value use(const Scope& scope, const Token& name) {
    auto it = scope.find(name.text);
    if (it == scope.end()) problem_at(name, "value %" + std::string(name.text) + " is not defined");
    return it->second;
  }

  // ---- Bodies

  // "{ ops... return %a, ... }"
  void parse_block(Body& body, Scope& scope, const std::vector<Type>& result_types, int depth) {
    expect_punct('{');
    while (true) {
      const Token& t = lex_.peek();
      if (t.is_ident("return")) break;
      if (t.kind != Tok::ValueName && t.kind != Tok::Ident) error("an op or 'return'");
      parse_op(body, scope, depth);
    }
    Token ret = lex_.next();
    if (lex_.peek().kind == Tok::ValueName) {
      do {
        Token name = lex_.peek();
        if (name.kind != Tok::ValueName) error("a value name '%name'");
        lex_.next();
        body.results.push_back(use(scope, name));
      } while (accept_punct(','));
    }
    std::vector<Type> returned = body.result_types();
    if (returned != result_types)
      problem_at(ret, "returned types (" + types_text(returned) + ") do not match the declared (" +
                          types_text(result_types) + ")");
    expect_punct('}');
  }

  static std::string types_text(const std::vector<Type>& types) {
    std::string s;
    for (size_t i = 0; i < types.size(); ++i) s += (i ? ", " : "") + to_string(types[i]);
    return s;
  }

  // "%a, %b = prim %x, %y {attrs} : t1, t2 [regions {...}] [loc("file":line)]"
  void parse_op(Body& body, Scope& scope, int depth) {
    std::vector<Token> result_names;
    if (lex_.peek().kind == Tok::ValueName) {
      do {
        if (lex_.peek().kind != Tok::ValueName) error("a result name '%name'");
        result_names.push_back(lex_.next());
      } while (accept_punct(','));
      expect_punct('=');
    }
    Token prim_token = lex_.peek();
    if (prim_token.kind != Tok::Ident) error("a primitive name");
    std::optional<Prim> prim = prim_from_name(prim_token.text);
    if (!prim) problem_at(prim_token, "unknown primitive '" + std::string(prim_token.text) + "'");
    lex_.next();

    Op op;
    op.prim = *prim;
    if (lex_.peek().kind == Tok::ValueName) {
      do {
        Token name = lex_.peek();
        if (name.kind != Tok::ValueName) error("an operand name '%name'");
        lex_.next();
        op.operands.push_back(use(scope, name));
      } while (accept_punct(','));
    }
    if (lex_.peek().is('{'))
      op.attrs = parse_attrs(op.prim);
    else if (check_)
      check_missing_attrs(op.prim, {}, lex_.peek());

    expect_punct(':');
    std::vector<Type> types;
    if (accept_punct('(')) {
      expect_punct(')');
    } else {
      do types.push_back(parse_type());
      while (accept_punct(','));
    }
    if (types.size() != result_names.size())
      problem_at(prim_token, "expected " + std::to_string(result_names.size()) + " result types for " +
                                 std::to_string(result_names.size()) + " results, got " +
                                 std::to_string(types.size()));
    if (accept_keyword("regions")) parse_regions(op, depth);
    if (lex_.peek().is_ident("loc")) op.loc = parse_location();
    if (check_) check_result_types(body, op, types, prim_token);

    for (size_t i = 0; i < types.size(); ++i) {
      Value v = body.add_value(std::move(types[i]));
      define(scope, result_names[i], v);
      op.results.push_back(v);
    }
    body.ops.push_back(std::move(op));
  }

  // Runs the schema check and shape rule; the text's result types must be what they give.
  void check_result_types(const Body& body, const Op& op, const std::vector<Type>& declared,
                          const Token& at_tok) {
    std::vector<Type> operand_types;
    operand_types.reserve(op.operands.size());
    for (Value v : op.operands) operand_types.push_back(body.type(v));
    std::vector<Type> inferred;
    try {
      inferred = infer_result_types(op.prim, operand_types, op.attrs, op.regions);
    } catch (const Error& e) {
      std::string name = e.op().empty() ? std::string(prim_name(op.prim)) : e.op();
      throw Error(ErrorKind::Value, e.message() + " at " + at(at_tok.line, at_tok.col), name);
    }
    if (inferred != declared)
      throw Error(ErrorKind::Value,
                  "declared result types (" + types_text(declared) + ") do not match the inferred (" +
                      types_text(inferred) + ") at " + at(at_tok.line, at_tok.col),
                  std::string(prim_name(op.prim)));
  }

  void parse_regions(Op& op, int depth) {
    if (depth + 1 > kMaxRegionDepth)
      problem_at(lex_.peek(), "regions nested deeper than " + std::to_string(kMaxRegionDepth));
    expect_punct('{');
    while (!lex_.peek().is('}')) {
      Body region;
      Scope scope;
      std::vector<Type> result_types = parse_signature(region, scope);
      parse_block(region, scope, result_types, depth + 1);
      op.regions.push_back(std::move(region));
    }
    expect_punct('}');
  }

  // loc("file.py":12)
  const Location* parse_location() {
    expect_keyword("loc");
    expect_punct('(');
    if (lex_.peek().kind != Tok::String) error("a quoted file name");
    std::string file = lex_.next().str;
    expect_punct(':');
    Token line_token = lex_.peek();
    int64_t line = parse_int("a line number");
    if (line < 0 || line > std::numeric_limits<int>::max())
      problem_at(line_token, "line number out of range");
    expect_punct(')');
    return intern_location(file, int(line));
  }

  // ---- Attributes

  // "{name=value, ...}". Checked: by declared name, in any order, each exactly once, and of its declared
  // kind (an integer is accepted for a float). Unchecked: in text order, kinds as written.
  Attrs parse_attrs(Prim prim) {
    const auto& specs = prim_info(prim).attrs;
    Attrs attrs;
    std::vector<bool> seen(specs.size(), false);
    if (check_) attrs.resize(specs.size());
    expect_punct('{');
    if (!lex_.peek().is('}')) {
      do {
        Token name = lex_.peek();
        if (name.kind != Tok::Ident) error("an attribute name");
        lex_.next();
        expect_punct('=');
        Token value_token = lex_.peek();
        Attr value = parse_attr_value();
        if (!check_) {
          attrs.push_back(std::move(value));
          continue;
        }
        int index = attr_index(prim, name.text);
        if (index < 0)
          problem_at(name,
                     "unknown attribute '" + std::string(name.text) + "' of " + std::string(prim_name(prim)));
        if (seen[size_t(index)]) problem_at(name, "attribute '" + std::string(name.text) + "' given twice");
        seen[size_t(index)] = true;
        AttrKind want = specs[size_t(index)].kind;
        if (want == AttrKind::Float && attr_kind(value) == AttrKind::Int)
          value = double(std::get<int64_t>(value));
        if (attr_kind(value) != want)
          error_at(value_token,
                   std::string(attr_kind_name(want)) + " for attribute '" + std::string(name.text) + "'");
        attrs[size_t(index)] = std::move(value);
      } while (accept_punct(','));
    }
    if (check_) check_missing_attrs(prim, seen, lex_.peek());
    expect_punct('}');
    return attrs;
  }

  void check_missing_attrs(Prim prim, const std::vector<bool>& seen, const Token& where) {
    const auto& specs = prim_info(prim).attrs;
    for (size_t i = 0; i < specs.size(); ++i)
      if (i >= seen.size() || !seen[i])
        problem_at(where, "missing attribute '" + std::string(specs[i].name) + "' of " +
                              std::string(prim_name(prim)));
  }

  // The kind of a value shows in its text: [..] ints, "..." string, dense<..> literal, true/false bool,
  // a dtype name, a number with '.', 'e', nan or inf a float, other numbers int.
  Attr parse_attr_value() {
    const Token& t = lex_.peek();
    if (t.is('[')) {
      lex_.next();
      std::vector<int64_t> v;
      if (!lex_.peek().is(']')) {
        do v.push_back(parse_int("an integer"));
        while (accept_punct(','));
      }
      expect_punct(']');
      return v;
    }
    if (t.kind == Tok::String) return lex_.next().str;
    if (t.is_ident("dense")) return parse_literal();
    if (t.is_ident("true") || t.is_ident("false"))
      return Attr(std::in_place_type<bool>, lex_.next().text == "true");
    if (t.kind == Tok::Number || t.is_ident("nan") || t.is_ident("inf")) {
      int64_t i;
      if (t.kind == Tok::Number && parse_whole(t.text, i)) {
        lex_.next();
        return i;
      }
      double d;
      parse_real(DType::F64, reinterpret_cast<unsigned char*>(&d), "a number");
      return d;
    }
    if (t.kind == Tok::Ident) {
      if (std::optional<DType> d = parse_dtype(t.text)) {
        lex_.next();
        return *d;
      }
    }
    error("an attribute value");
  }

  // dense<f32[2,2]: 1, 2, 3, 4>   (no colon for an empty literal: dense<f32[0]>)
  Literal parse_literal() {
    expect_keyword("dense");
    expect_punct('<');
    Token type_token = lex_.peek();
    Type type = parse_type();
    if (type.weak) problem_at(type_token, "expected a literal type without '~' (the op carries weakness)");
    int64_t n = type.numel();
    size_t size = dtype_size(type.dtype);
    std::vector<unsigned char> bytes;
    if (n > 0) {
      expect_punct(':');
      // Grows with the elements actually present, so a huge declared shape cannot exhaust memory.
      for (int64_t i = 0; i < n; ++i) {
        if (i) expect_punct(',');
        bytes.resize(bytes.size() + size);
        parse_element(type.dtype, bytes.data() + bytes.size() - size);
      }
    }
    if (!lex_.peek().is('>'))
      error(n > 0 ? "'>' after " + std::to_string(n) + " elements" : std::string("'>' for an empty literal"));
    lex_.next();
    return Literal::copy_of(type, bytes.data());
  }

  void parse_element(DType d, unsigned char* dst) {
    const Token& t = lex_.peek();
    if (is_bool(d)) {
      if (!t.is_ident("true") && !t.is_ident("false")) error("true or false");
      *dst = lex_.next().text == "true";
    } else if (is_int(d)) {
      parse_integer_element(d, dst);
    } else if (is_complex(d)) {
      DType part = real_dtype(d);
      expect_punct('(');
      parse_real(part, dst, "a real part");
      expect_punct(',');
      parse_real(part, dst + dtype_size(part), "an imaginary part");
      expect_punct(')');
    } else {
      parse_real(d, dst, "a number");
    }
  }

  void parse_integer_element(DType d, unsigned char* dst) {
    const Token& t = lex_.peek();
    std::string what = "an integer in the range of " + std::string(dtype_name(d));
    if (t.kind != Tok::Number) error(what);
    bool ok = visit_dtype(d, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        T v;
        if (!parse_whole(t.text, v)) return false;
        std::memcpy(dst, &v, sizeof v);
        return true;
      }
      return false;
    });
    if (!ok) error(what);
    lex_.next();
  }

  // One element of a real float dtype: a decimal, inf, -inf, nan (the default quiet NaN), -nan, or
  // nan(0xBITS) for any other NaN. f16/bf16/f32 read as float (the printer writes the shortest float
  // text), so the conversion to the element type is exact.
  void parse_real(DType d, unsigned char* dst, const std::string& what) {
    Token t = lex_.peek();
    if (t.kind != Tok::Number && t.kind != Tok::Ident) error(what);
    std::string_view text = t.text;
    bool negative = !text.empty() && text[0] == '-';
    std::string_view word = negative || (!text.empty() && text[0] == '+') ? text.substr(1) : text;
    if (word == "inf") {
      lex_.next();
      double inf = std::numeric_limits<double>::infinity();
      store_element_from_double(d, dst, negative ? -inf : inf);
      return;
    }
    if (word == "nan") {
      lex_.next();
      if (!negative && text[0] != '+' && lex_.peek().is('(')) return parse_nan_bits(d, dst);
      store_element_from_double(d, dst, std::numeric_limits<double>::quiet_NaN());
      if (negative) dst[dtype_size(d) - 1] |= 0x80;  // little-endian: the sign is the top byte's top bit
      return;
    }
    if (t.kind != Tok::Number) error(what);
    if (d == DType::F64) {
      double v;
      if (!parse_float(text, v)) error_at(t, what + " in the range of f64");
      std::memcpy(dst, &v, sizeof v);
    } else {
      float v;
      if (!parse_float(text, v)) error_at(t, what + " in the range of f32");
      store_element_from_double(d, dst, double(v));
    }
    lex_.next();
  }

  void parse_nan_bits(DType d, unsigned char* dst) {
    expect_punct('(');
    Token t = lex_.peek();
    uint64_t bits = 0;
    int width = int(dtype_size(d)) * 8;
    std::string what = "NaN bits of " + std::string(dtype_name(d)) + " such as 0x7fc00001";
    if (t.kind != Tok::Number || t.text.size() < 3 || t.text.substr(0, 2) != "0x" ||
        !parse_whole(t.text.substr(2), bits, 16) || (width < 64 && (bits >> width) != 0))
      error(what);
    store_bits(d, dst, bits);
    if (!std::isnan(load_element_as_double(d, dst))) error(what);
    lex_.next();
    expect_punct(')');
  }

  Lexer lex_;
  bool check_;
};

}  // namespace

Function parse_function(std::string_view text) { return Parser(text, true).parse(); }

std::vector<Type> parse_types(std::string_view text) { return Parser(text, true).parse_type_list(); }

namespace detail {
Function parse_function_unchecked(std::string_view text) { return Parser(text, false).parse(); }
}  // namespace detail

}  // namespace ember::ir
