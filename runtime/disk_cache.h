// The on-disk cache of compiled code (DESIGN §7): one file per entry, named by the SHA-256 of its key, in a
// directory per kind of code ("cpu" objects; the CUDA backend's cubins beside them).
//
// Integrity: an entry is written to a temporary file and renamed into place, so readers (other threads or
// processes sharing the directory) see a whole entry or none. It carries its key's digest, its length and
// a checksum; an entry that fails any check (truncated, corrupted, or another key's file) is deleted and
// reported as a miss, so the caller recompiles. The directory is kept under a size bound by deleting the
// least recently used entries.
//
// Environment: EMBER_CACHE_DIR (default $XDG_CACHE_HOME/ember or ~/.cache/ember), EMBER_DISK_CACHE=0 turns
// the cache off, EMBER_CACHE_MAX_MB bounds its size (default 2048).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ember::runtime {

struct DiskCacheStats {
  std::atomic<uint64_t> hits{0}, misses{0}, stores{0}, rejected{0}, evicted{0};
};

class DiskCache {
 public:
  // The cache for code of `kind` under the directory the environment names (read on first use).
  static DiskCache& get(const std::string& kind);

  bool enabled() const { return !directory_.empty(); }
  const std::string& directory() const { return directory_; }
  // The payload stored under `digest` (sha256_hex of the key), or nothing.
  std::optional<std::string> load(const std::string& digest);
  // Stores `payload` under `digest`; failures (a read-only directory, a full disk) are silent: the cache is
  // an optimisation.
  void store(const std::string& digest, std::string_view payload);
  static DiskCacheStats& stats();

 private:
  explicit DiskCache(std::string directory);
  std::string path_of(const std::string& digest) const;
  // Deletes least recently used entries while the directory is over the bound; returns its size after.
  uint64_t evict();

  static constexpr uint64_t kUnknown = ~uint64_t(0);
  std::string directory_;
  uint64_t max_bytes_;
  std::mutex size_mutex_;
  uint64_t approximate_bytes_ = kUnknown;  // of the directory, as this process last saw it plus its stores
};

// Identifies the ember build whose code is running (the path, size and modification time of the binary
// holding this function): part of every cache key, so a rebuilt ember never loads code a previous build
// generated.
const std::string& build_fingerprint();

}  // namespace ember::runtime
