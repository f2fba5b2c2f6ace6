// The one error type of ember. Every layer throws ember::Error; the Python binding maps its kind to the
// exception NumPy would raise. The message format is fixed:
//   [primitive] expected X, got Y (at file.py:LINE)
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace ember {

enum class ErrorKind {
  Type,            // TypeError: wrong dtype, wrong kind of argument
  Value,           // ValueError: wrong shape, bad attribute value, malformed IR
  Index,           // IndexError: out-of-bounds concrete index
  NotImplemented,  // NotImplementedError: a rule or backend that does not support the case
  Runtime,         // RuntimeError: everything else (allocation failure, backend failure)
  Concretization,  // ember.ConcretizationError: a traced value used where a concrete one is needed
  Overflow,        // OverflowError: a Python integer out of the range of the dtype it meets
};

class Error : public std::exception {
 public:
  Error(ErrorKind kind, std::string message, std::string op = {}, std::string location = {});

  ErrorKind kind() const { return kind_; }
  const std::string& op() const { return op_; }
  const std::string& message() const { return message_; }
  const std::string& location() const { return location_; }
  // Adds the op name / source location if the error does not carry one yet (an error raised deep in a
  // shape rule learns its location from the builder that called the rule).
  Error& with_op(std::string_view op);
  Error& with_location(std::string_view location);

  const char* what() const noexcept override { return what_.c_str(); }

 private:
  void render();
  ErrorKind kind_;
  std::string message_, op_, location_, what_;
};

// Convenience constructors: error(ErrorKind::Value, "expected ", a, ", got ", b).
template <typename... Parts>
Error make_error(ErrorKind kind, std::string_view op, const Parts&... parts);

}  // namespace ember

#include <sstream>

namespace ember {
template <typename... Parts>
Error make_error(ErrorKind kind, std::string_view op, const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return Error(kind, out.str(), std::string(op));
}
}  // namespace ember
