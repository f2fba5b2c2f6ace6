#include "runtime/disk_cache.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace ember::runtime {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'E', 'M', 'B', 'E', 'R', 'C', '0', '1'};
constexpr size_t kDigestSize = 64;

struct Header {
  char magic[8];
  uint64_t payload_bytes;
  uint64_t checksum;
  char digest[kDigestSize];
};

// A fast checksum over 8-byte words: catches truncation and corruption (the key's SHA-256 names the entry).
uint64_t checksum(std::string_view data) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ data.size();
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  for (; i < data.size(); ++i) h = (h ^ uint8_t(data[i])) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

std::string default_directory() {
  if (const char* dir = std::getenv("EMBER_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/ember";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/ember";
  return {};
}

}  // namespace

DiskCacheStats& DiskCache::stats() {
  static DiskCacheStats s;
  return s;
}

DiskCache& DiskCache::get(const std::string& kind) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<DiskCache>> caches;
  std::lock_guard<std::mutex> lock(mutex);
  auto& cache = caches[kind];
  if (!cache) {
    const char* off = std::getenv("EMBER_DISK_CACHE");
    std::string root = off && std::string(off) == "0" ? std::string() : default_directory();
    std::string dir = root.empty() ? root : root + "/" + kind;
    std::error_code ec;
    if (!dir.empty()) fs::create_directories(dir, ec);
    cache.reset(new DiskCache(ec ? std::string() : dir));
  }
  return *cache;
}

DiskCache::DiskCache(std::string directory) : directory_(std::move(directory)) {
  const char* mb = std::getenv("EMBER_CACHE_MAX_MB");
  max_bytes_ = uint64_t(mb && *mb ? std::max(0.0, std::atof(mb)) : 2048.0) * (1u << 20);
}

std::string DiskCache::path_of(const std::string& digest) const { return directory_ + "/" + digest + ".bin"; }

std::optional<std::string> DiskCache::load(const std::string& digest) {
  if (!enabled() || digest.size() != kDigestSize) return std::nullopt;
  std::string path = path_of(digest);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ++stats().misses;
    return std::nullopt;
  }
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Header h{};
  bool ok = file.size() >= sizeof(Header);
  if (ok) std::memcpy(&h, file.data(), sizeof(Header));
  ok = ok && std::memcmp(h.magic, kMagic, sizeof kMagic) == 0 && std::string_view(h.digest, kDigestSize) == digest &&
       h.payload_bytes == file.size() - sizeof(Header);
  std::string_view payload = ok ? std::string_view(file).substr(sizeof(Header)) : std::string_view();
  if (!ok || checksum(payload) != h.checksum) {
    ++stats().rejected;
    std::error_code ec;
    fs::remove(path, ec);  // recompiled and stored again by the caller
    return std::nullopt;
  }
  // Recently used entries survive eviction.
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  ++stats().hits;
  return std::string(payload);
}

void DiskCache::store(const std::string& digest, std::string_view payload) {
  if (!enabled() || digest.size() != kDigestSize) return;
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.payload_bytes = payload.size();
  h.checksum = checksum(payload);
  std::memcpy(h.digest, digest.data(), kDigestSize);
  static std::atomic<uint64_t> counter{0};
  std::string tmp = directory_ + "/.tmp-" + digest.substr(0, 16) + "-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    out.write(payload.data(), std::streamsize(payload.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return;
    }
  }
  // rename() replaces the entry atomically: a concurrent reader sees the old file or the new one.
  if (std::rename(tmp.c_str(), path_of(digest).c_str()) != 0) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return;
  }
  ++stats().stores;
  // The directory is scanned when this process first stores and whenever the running total passes the bound
  // (other processes' stores are seen then), not on every store.
  std::lock_guard<std::mutex> lock(size_mutex_);
  if (approximate_bytes_ == kUnknown) approximate_bytes_ = evict();
  approximate_bytes_ += sizeof(Header) + payload.size();
  if (approximate_bytes_ > max_bytes_) approximate_bytes_ = evict();
}

uint64_t DiskCache::evict() {
  struct Entry {
    fs::path path;
    uint64_t bytes;
    fs::file_time_type used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(directory_, ec)) {
    std::error_code e1, e2;
    uint64_t bytes = e.file_size(e1);
    auto used = e.last_write_time(e2);
    if (e1 || e2 || e.path().extension() != ".bin") continue;
    entries.push_back({e.path(), bytes, used});
    total += bytes;
  }
  if (total <= max_bytes_) return total;
  // Oldest first, down to 80% of the bound so that eviction is not needed on every store.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& e : entries) {
    if (total <= max_bytes_ / 5 * 4) break;
    if (fs::remove(e.path, ec)) {
      total -= e.bytes;
      ++stats().evicted;
    }
  }
  return total;
}

const std::string& build_fingerprint() {
  static const std::string fingerprint = [] {
    Dl_info info{};
    struct stat st{};
    if (::dladdr(reinterpret_cast<const void*>(&build_fingerprint), &info) && info.dli_fname &&
        ::stat(info.dli_fname, &st) == 0)
      return std::string(info.dli_fname) + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_ino) + " " +
             std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    // Without a file to identify the build, every process gets its own key: nothing is shared, nothing stale.
    return "process " + std::to_string(::getpid());
  }();
  return fingerprint;
}

}  // namespace ember::runtime
