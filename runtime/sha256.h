// SHA-256 (FIPS 180-4), for cache keys: a digest that names compiled code by everything it depends on.
#pragma once

#include <string>
#include <string_view>

namespace ember::runtime {

// The digest of `data` as 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);

}  // namespace ember::runtime
