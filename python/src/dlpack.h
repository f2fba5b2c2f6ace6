// The DLPack C ABI, written from the DLPack specification, version 1.1 (https://dmlc.github.io/dlpack/latest/
// and the Python specification at https://dmlc.github.io/dlpack/latest/python_spec.html). Only what ember's
// import and export use is declared: the tensor description, the legacy DLManagedTensor (capsule name
// "dltensor") and DLManagedTensorVersioned (capsule name "dltensor_versioned", DLPack >= 1.0) with its flags.
// The layouts must match the specification exactly: other libraries read these structs.
#pragma once

#include <cstdint>

namespace ember::python::dlpack {

// The version ember produces (and the newest it reads; any 1.x reads alike).
inline constexpr uint32_t kMajorVersion = 1;
inline constexpr uint32_t kMinorVersion = 1;

// DLDeviceType: only the values ember names; the enum is an int-sized C enum in the specification.
enum DeviceType : int32_t {
  kDLCPU = 1,
  kDLCUDA = 2,
  kDLCUDAHost = 3,  // pinned host memory: readable from the CPU
  kDLCUDAManaged = 13,
};

struct Device {
  int32_t device_type;  // DeviceType
  int32_t device_id;
};

// DLDataTypeCode.
enum DataTypeCode : uint8_t {
  kDLInt = 0,
  kDLUInt = 1,
  kDLFloat = 2,
  kDLOpaqueHandle = 3,
  kDLBfloat = 4,
  kDLComplex = 5,
  kDLBool = 6,
};

struct DataType {
  uint8_t code;    // DataTypeCode
  uint8_t bits;    // bits per lane: complex64 is 64, bool is 8
  uint16_t lanes;  // 1 for scalar element types
};

struct Tensor {
  void* data;
  Device device;
  int32_t ndim;
  DataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; NULL means compact row-major
  uint64_t byte_offset;
};

// The legacy managed tensor (DLPack < 1.0): no version, no flags.
struct ManagedTensor {
  Tensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(ManagedTensor* self);
};

struct PackVersion {
  uint32_t major;
  uint32_t minor;
};

// DLManagedTensorVersioned flags.
inline constexpr uint64_t kFlagReadOnly = uint64_t(1) << 0;  // the consumer must not write through `data`
inline constexpr uint64_t kFlagIsCopied = uint64_t(1) << 1;  // the producer copied the data for this export
inline constexpr uint64_t kFlagIsSubbytePadded = uint64_t(1) << 2;

struct ManagedTensorVersioned {
  PackVersion version;
  void* manager_ctx;
  void (*deleter)(ManagedTensorVersioned* self);
  uint64_t flags;
  Tensor dl_tensor;
};

// Python capsule names (the consumer renames a capsule it consumed to the "used_" name).
inline constexpr const char* kCapsuleName = "dltensor";
inline constexpr const char* kUsedCapsuleName = "used_dltensor";
inline constexpr const char* kVersionedCapsuleName = "dltensor_versioned";
inline constexpr const char* kUsedVersionedCapsuleName = "used_dltensor_versioned";

}  // namespace ember::python::dlpack
