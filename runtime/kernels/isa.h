// Instruction-set variants of the hot loops (internal to runtime/kernels; exposed for tests).
//
// ember is built for baseline x86-64 so that one build runs on every x86-64 machine. The loops that are
// compute-bound (transcendental functions, reductions over cached data) are also compiled for AVX2 and
// AVX-512 through GCC's `target` attribute, and picked at run time from what the CPU supports. Only the
// loop function carries the attribute: what it inlines is compiled for its target, everything it calls
// stays baseline code, so no AVX instruction can leak into code that runs on an older CPU (the ODR hazard
// of compiling whole files with -mavx2). The elementwise files are compiled with -ffp-contract=off, so no
// variant fuses a multiply-add that another does not: every variant gives the same bits (tested).
#pragma once

#include <cstdint>
#include <string_view>

namespace ember::runtime::kernels {

enum class Isa : uint8_t { Baseline = 0, Avx2 = 1, Avx512 = 2 };

#if defined(__x86_64__) && defined(__GNUC__)
#define EMBER_ISA_VARIANTS 1
#define EMBER_TARGET_AVX2 __attribute__((target("arch=x86-64-v3")))
#define EMBER_TARGET_AVX512 __attribute__((target("arch=x86-64-v4,prefer-vector-width=512")))
#else
#define EMBER_ISA_VARIANTS 0
#endif

// The best variant this CPU runs.
Isa detected_isa();
// The variant kernels use: detected_isa(), or lower when the environment variable EMBER_ISA
// (baseline / avx2 / avx512) or set_active_isa asks for it.
Isa active_isa();
// Clamped to detected_isa(); returns the variant now active. For tests and benchmarks: not thread-safe with
// respect to kernels running at the same time (they may use either variant).
Isa set_active_isa(Isa isa);
std::string_view isa_name(Isa isa);

}  // namespace ember::runtime::kernels
