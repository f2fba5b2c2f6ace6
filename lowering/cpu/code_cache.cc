#include "lowering/cpu/code_cache.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <unordered_map>

#include "ir/error.h"
#include "ir/printer.h"
#include "runtime/disk_cache.h"
#include "runtime/sha256.h"

namespace ember::lowering::cpu {

namespace {

struct Counters {
  std::atomic<uint64_t> compiles{0}, quick_compiles{0}, memory_hits{0};
};
Counters& counters() {
  static Counters c;
  return c;
}

bool has_host_callbacks(const ir::Body& body) {
  for (const ir::Op& op : body.ops) {
    if (ir::has_flag(op.prim, ir::kHostCallback)) return true;
    for (const ir::Body& region : op.regions)
      if (has_host_callbacks(region)) return true;
  }
  return false;
}

// Optimised code loaded in this process, by key digest, while some executable uses it.
class MemoryCache {
 public:
  std::shared_ptr<const CompiledFunction> find(const std::string& digest) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(digest);
    if (it == entries_.end()) return nullptr;
    auto code = it->second.lock();
    if (!code) entries_.erase(it);
    return code;
  }
  void put(const std::string& digest, const std::shared_ptr<const CompiledFunction>& code) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(entries_, [](const auto& e) { return e.second.expired(); });
    entries_[digest] = code;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<const CompiledFunction>> entries_;
};

MemoryCache& memory_cache() {
  static MemoryCache c;
  return c;
}

// One thread building optimised code behind quick builds, first come first served.
class BackgroundBuilder {
 public:
  BackgroundBuilder() {
    target_description({});  // LLVM's singletons first, so that they outlive this thread at exit
    thread_ = std::thread([this] { loop(); });
  }
  ~BackgroundBuilder() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      jobs_.clear();  // at exit nobody waits for better code
    }
    wake_.notify_all();
    thread_.join();
  }
  void submit(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    wake_.notify_all();
  }
  void wait_idle() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return jobs_.empty() && !busy_; });
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
      lock.unlock();
      job();  // never throws (see obtain_code)
      lock.lock();
      busy_ = false;
      idle_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::function<void()>> jobs_;
  bool busy_ = false, stopping_ = false;
  std::thread thread_;
};

BackgroundBuilder& background() {
  static BackgroundBuilder b;
  return b;
}

// Links the object; the code takes the callback sites it points at (`object` keeps its bytes).
std::shared_ptr<const CompiledFunction> load(ObjectCode& object) {
  auto code = std::make_shared<CompiledFunction>(load_object(object.object));
  code->host_call_sites = std::move(object.host_call_sites);
  return code;
}

// The optimised build: compiled, stored on disk, and registered in memory (unless `cacheable` is false).
std::shared_ptr<const CompiledFunction> build_optimised(const Plan& plan, const std::string& digest, bool cacheable) {
  ObjectCode object = compile_plan_to_object(plan, CpuOptions{});
  ++counters().compiles;
  auto code = load(object);
  if (cacheable) {
    runtime::DiskCache::get("cpu").store(digest, object.object);
    memory_cache().put(digest, code);
  }
  return code;
}

}  // namespace

std::shared_ptr<TieredCode> obtain_code(std::shared_ptr<const Plan> plan, const std::string& plan_key, bool tiered) {
  bool cacheable = !has_host_callbacks(plan->body());
  CpuOptions optimised;
  std::string digest = runtime::sha256_hex("ember cpu object 1\n" + runtime::build_fingerprint() + "\n" +
                                           target_description(optimised) + "\nopt 3\n" + plan_key + "\n" +
                                           ir::print(plan->function));
  if (cacheable) {
    if (auto code = memory_cache().find(digest)) {
      ++counters().memory_hits;
      return std::make_shared<TieredCode>(std::move(code));
    }
    runtime::DiskCache& disk = runtime::DiskCache::get("cpu");
    if (auto object = disk.load(digest)) {
      try {
        ObjectCode cached{std::move(*object), {}};
        auto code = load(cached);
        memory_cache().put(digest, code);
        return std::make_shared<TieredCode>(std::move(code));
      } catch (const Error&) {
        // An entry that passed the checks but does not link (another LLVM's object): rebuilt below.
      }
    }
  }
  if (!tiered) return std::make_shared<TieredCode>(build_optimised(*plan, digest, cacheable));

  CpuOptions quick;
  quick.opt_level = 1;
  ObjectCode object = compile_plan_to_object(*plan, quick);
  ++counters().quick_compiles;
  auto code = load(object);
  auto tiers = std::make_shared<TieredCode>(std::move(code));
  background().submit([weak = std::weak_ptr<TieredCode>(tiers), plan, digest, cacheable] {
    if (weak.expired()) return;  // the executable is gone
    try {
      auto code = build_optimised(*plan, digest, cacheable);
      if (auto tiers = weak.lock()) tiers->replace(std::move(code));
    } catch (...) {
      // The quick build compiled this plan, so the optimised one should too; if not, the quick code stays.
    }
  });
  return tiers;
}

void wait_for_background_builds() { background().wait_idle(); }

std::map<std::string, uint64_t> compile_stats() {
  auto& disk = runtime::DiskCache::stats();
  return {{"compiles", counters().compiles},       {"quick_compiles", counters().quick_compiles},
          {"memory_hits", counters().memory_hits}, {"disk_hits", disk.hits},
          {"disk_misses", disk.misses},            {"disk_stores", disk.stores},
          {"disk_rejected", disk.rejected},        {"disk_evicted", disk.evicted}};
}

}  // namespace ember::lowering::cpu
