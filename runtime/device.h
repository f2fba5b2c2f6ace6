// Devices arrays live on. The CPU is always there; CUDA devices arrive with the CUDA backend.
#pragma once

#include <string>

namespace ember::runtime {

struct Device {
  enum class Kind : uint8_t { Cpu, Cuda };
  Kind kind = Kind::Cpu;
  int index = 0;

  std::string to_string() const { return (kind == Kind::Cpu ? "cpu:" : "cuda:") + std::to_string(index); }
  friend bool operator==(const Device& a, const Device& b) { return a.kind == b.kind && a.index == b.index; }
};

inline Device cpu_device() { return Device{}; }

}  // namespace ember::runtime
