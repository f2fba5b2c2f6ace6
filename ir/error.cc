#include "ir/error.h"

namespace ember {

Error::Error(ErrorKind kind, std::string message, std::string op, std::string location)
    : kind_(kind), message_(std::move(message)), op_(std::move(op)), location_(std::move(location)) {
  render();
}

Error& Error::with_op(std::string_view op) {
  if (op_.empty()) {
    op_ = std::string(op);
    render();
  }
  return *this;
}

Error& Error::with_location(std::string_view location) {
  if (location_.empty() && !location.empty()) {
    location_ = std::string(location);
    render();
  }
  return *this;
}

void Error::render() {
  what_.clear();
  if (!op_.empty()) what_ += "[" + op_ + "] ";
  what_ += message_;
  if (!location_.empty()) what_ += " (at " + location_ + ")";
}

}  // namespace ember
