// What the emulator's parts share: the layout of an emulated "cubin" (a header, then a host shared object).
#pragma once

#include <cstdint>
#include <cstring>

namespace ember_emulator {

constexpr char kCubinMagic[16] = "EMBEREMUCUBIN01";
struct CubinHeader {
  char magic[16];
  uint64_t so_bytes;  // the shared object's size; its bytes follow the header
};
// Each kernel NAME of a module has a launcher `ember_launch_NAME(void** params)` (cuLaunchKernel's params).
constexpr const char* kLauncherPrefix = "ember_launch_";

}  // namespace ember_emulator
