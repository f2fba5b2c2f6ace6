#include "runtime/kernels/isa.h"

#include <atomic>
#include <cstdlib>
#include <string>

namespace ember::runtime::kernels {

namespace {

Isa detect() {
#if EMBER_ISA_VARIANTS
  __builtin_cpu_init();
  // x86-64-v4 (AVX-512 F/BW/CD/DQ/VL) and x86-64-v3 (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE), as the target
  // attributes of the variants assume.
  bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
            __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
            __builtin_cpu_supports("f16c") && __builtin_cpu_supports("movbe");
  bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512vl");
  return v4 ? Isa::Avx512 : v3 ? Isa::Avx2 : Isa::Baseline;
#else
  return Isa::Baseline;
#endif
}

Isa initial() {
  Isa best = detected_isa();
  const char* env = std::getenv("EMBER_ISA");
  if (!env) return best;
  std::string want(env);
  Isa asked = want == "baseline" ? Isa::Baseline : want == "avx2" ? Isa::Avx2 : Isa::Avx512;
  return asked < best ? asked : best;
}

// A setting, read by every kernel call: relaxed loads are enough (a kernel may use either variant; they
// agree bit for bit).
std::atomic<Isa>& active() {
  static std::atomic<Isa> isa{initial()};
  return isa;
}

}  // namespace

Isa detected_isa() {
  static const Isa isa = detect();
  return isa;
}

Isa active_isa() { return active().load(std::memory_order_relaxed); }

Isa set_active_isa(Isa isa) {
  Isa best = detected_isa();
  Isa chosen = isa < best ? isa : best;
  active().store(chosen, std::memory_order_relaxed);
  return chosen;
}

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::Baseline:
      return "baseline";
    case Isa::Avx2:
      return "avx2";
    case Isa::Avx512:
      return "avx512";
  }
  return "?";
}

}  // namespace ember::runtime::kernels
