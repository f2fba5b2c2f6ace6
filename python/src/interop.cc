// Zero-copy interop of ember.Array: the buffer protocol (read-only), DLPack export (Array.__dlpack__,
// Array.__dlpack_device__) and DLPack import (ember._core._from_dlpack, behind ember.from_dlpack).
//
// Exports never copy unless asked: ember arrays are immutable, so a versioned (DLPack >= 1.0) export is
// flagged read-only. Imports copy unless the producer flags the tensor read-only or copied for us (then the
// memory cannot change under ember and is aliased, keeping the producer's tensor alive), or the caller
// passes copy=False.
#include <cstring>
#include <memory>
#include <vector>

#include "bindings.h"
#include "dlpack.h"
#include "ir/error.h"

namespace ember::python {

namespace {

namespace dl = dlpack;

// Data pointer for empty arrays, which own no memory: consumers may reject NULL.
alignas(64) char empty_storage[64];

// ---- buffer protocol ----

// PEP 3118 format characters. bfloat16 has none (NumPy refuses to export it too): DLPack or __array__.
const char* buffer_format(ir::DType d) {
  switch (d) {
    case ir::DType::Bool:
      return "?";
    case ir::DType::I8:
      return "b";
    case ir::DType::I16:
      return "h";
    case ir::DType::I32:
      return "i";
    case ir::DType::I64:
      return "q";
    case ir::DType::U8:
      return "B";
    case ir::DType::U16:
      return "H";
    case ir::DType::U32:
      return "I";
    case ir::DType::U64:
      return "Q";
    case ir::DType::F16:
      return "e";
    case ir::DType::F32:
      return "f";
    case ir::DType::F64:
      return "d";
    case ir::DType::C64:
      return "Zf";
    case ir::DType::C128:
      return "Zd";
    case ir::DType::BF16:
      break;
  }
  throw py::buffer_error(
      "[buffer] expected a dtype with a buffer-protocol format, got bfloat16 (use __dlpack__ or np.asarray)");
}

// What a buffer-protocol view holds: its own reference to the memory, so that the view stays valid after the
// array is donated to a jitted function (which then cannot write over memory the view still shows).
struct ExportedView {
  runtime::Buffer buffer;
  std::vector<Py_ssize_t> shape, strides;
};

// bf_getbuffer of ember.Array: a read-only, C-contiguous view.
int get_buffer(PyObject* self, Py_buffer* view, int flags) {
  try {
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE)
      throw py::buffer_error("[buffer] expected a read-only request: ember arrays are immutable");
    runtime::Array a = py::handle(self).cast<const Tensor&>().array("buffer");
    const char* format = buffer_format(a.type.dtype);
    auto exported = std::make_unique<ExportedView>();
    exported->buffer = a.buffer;
    auto itemsize = Py_ssize_t(ir::dtype_size(a.type.dtype));
    exported->shape.assign(a.type.shape.begin(), a.type.shape.end());
    exported->strides.resize(exported->shape.size());
    Py_ssize_t stride = itemsize;
    for (size_t i = exported->shape.size(); i-- > 0;) {
      exported->strides[i] = stride;
      stride *= exported->shape[i];
    }
    view->buf = a.data() ? a.data() : empty_storage;
    view->obj = Py_NewRef(self);
    view->len = Py_ssize_t(a.nbytes());
    view->itemsize = itemsize;
    view->readonly = 1;
    view->ndim = int(exported->shape.size());
    view->format = (flags & PyBUF_FORMAT) ? const_cast<char*>(format) : nullptr;
    view->shape = (flags & PyBUF_ND) ? exported->shape.data() : nullptr;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? exported->strides.data() : nullptr;
    view->suboffsets = nullptr;
    view->internal = exported.release();
    return 0;
  } catch (const std::exception& e) {
    // The protocol's error is BufferError, whatever the cause (a traced array, bfloat16, a donated array).
    view->obj = nullptr;
    PyErr_SetString(PyExc_BufferError, e.what());
    return -1;
  }
}

void release_buffer(PyObject*, Py_buffer* view) { delete static_cast<ExportedView*>(view->internal); }

// ---- DLPack: dtypes ----

dl::DataType to_dl_dtype(ir::DType d) {
  auto bits = uint8_t(ir::dtype_size(d) * 8);
  if (d == ir::DType::Bool) return {dl::kDLBool, 8, 1};
  if (d == ir::DType::BF16) return {dl::kDLBfloat, 16, 1};
  if (ir::is_signed_int(d)) return {dl::kDLInt, bits, 1};
  if (ir::is_unsigned_int(d)) return {dl::kDLUInt, bits, 1};
  if (ir::is_complex(d)) return {dl::kDLComplex, bits, 1};
  return {dl::kDLFloat, bits, 1};
}

std::optional<ir::DType> from_dl_dtype(dl::DataType t) {
  using ir::DType;
  if (t.lanes != 1) return std::nullopt;
  switch (t.code) {
    case dl::kDLBool:
      if (t.bits == 8) return DType::Bool;
      break;
    case dl::kDLInt:
      if (t.bits == 8) return DType::I8;
      if (t.bits == 16) return DType::I16;
      if (t.bits == 32) return DType::I32;
      if (t.bits == 64) return DType::I64;
      break;
    case dl::kDLUInt:
      if (t.bits == 8) return DType::U8;
      if (t.bits == 16) return DType::U16;
      if (t.bits == 32) return DType::U32;
      if (t.bits == 64) return DType::U64;
      break;
    case dl::kDLFloat:
      if (t.bits == 16) return DType::F16;
      if (t.bits == 32) return DType::F32;
      if (t.bits == 64) return DType::F64;
      break;
    case dl::kDLBfloat:
      if (t.bits == 16) return DType::BF16;
      break;
    case dl::kDLComplex:
      if (t.bits == 64) return DType::C64;
      if (t.bits == 128) return DType::C128;
      break;
    default:
      break;
  }
  return std::nullopt;
}

// ---- DLPack: export ----

// Owns what an exported tensor points to: the buffer (shared with the ember array, or a copy), its shape and
// strides, and the managed struct itself. The consumer's call of the deleter frees it all.
template <typename Managed>
struct ExportContext {
  runtime::Buffer buffer;
  std::vector<int64_t> shape, strides;
  Managed managed{};
};

template <typename Managed>
Managed* make_managed(const runtime::Array& a, bool copy) {
  auto* ctx = new ExportContext<Managed>();
  if (copy) {
    ctx->buffer = runtime::Buffer::allocate_host(a.nbytes());
    if (a.nbytes()) std::memcpy(ctx->buffer.data(), a.data(), a.nbytes());
  } else {
    ctx->buffer = a.buffer;
  }
  ctx->shape.assign(a.type.shape.begin(), a.type.shape.end());
  ctx->strides.resize(ctx->shape.size());
  int64_t stride = 1;
  for (size_t i = ctx->shape.size(); i-- > 0;) {
    ctx->strides[i] = stride;
    stride *= ctx->shape[i];
  }
  dl::Tensor& t = ctx->managed.dl_tensor;
  t.data = ctx->buffer.data() ? ctx->buffer.data() : empty_storage;
  t.device = {dl::kDLCPU, 0};
  t.ndim = int32_t(ctx->shape.size());
  t.dtype = to_dl_dtype(a.type.dtype);
  t.shape = ctx->shape.empty() ? nullptr : ctx->shape.data();
  t.strides = ctx->strides.empty() ? nullptr : ctx->strides.data();
  t.byte_offset = 0;
  ctx->managed.manager_ctx = ctx;
  ctx->managed.deleter = [](Managed* self) {
    delete static_cast<ExportContext<Managed>*>(self->manager_ctx);
  };
  return &ctx->managed;
}

// Capsule destructors (DLPack's Python specification): an unconsumed capsule frees its tensor; a consumer
// renames the capsule to "used_..." and calls the deleter itself. The error indicator is preserved because
// a capsule may die while an exception is being raised.
template <typename Managed>
void destroy_capsule(PyObject* capsule, const char* name, const char* used_name) {
  if (PyCapsule_IsValid(capsule, used_name)) return;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  auto* managed = static_cast<Managed*>(PyCapsule_GetPointer(capsule, name));
  if (managed) {
    if (managed->deleter) managed->deleter(managed);
  } else {
    PyErr_WriteUnraisable(capsule);
  }
  PyErr_Restore(type, value, traceback);
}

void destroy_versioned_capsule(PyObject* capsule) {
  destroy_capsule<dl::ManagedTensorVersioned>(capsule, dl::kVersionedCapsuleName,
                                              dl::kUsedVersionedCapsuleName);
}

void destroy_legacy_capsule(PyObject* capsule) {
  destroy_capsule<dl::ManagedTensor>(capsule, dl::kCapsuleName, dl::kUsedCapsuleName);
}

template <typename Managed>
py::capsule wrap_capsule(Managed* managed, const char* name, PyCapsule_Destructor destructor) {
  PyObject* capsule = PyCapsule_New(managed, name, destructor);
  if (!capsule) {
    managed->deleter(managed);
    throw py::error_already_set();
  }
  return py::reinterpret_steal<py::capsule>(capsule);
}

std::pair<int64_t, int64_t> int_pair(py::handle obj, std::string_view what) {
  py::sequence seq;
  try {
    seq = py::reinterpret_borrow<py::sequence>(obj);
    if (py::len(seq) == 2) return {to_int(seq[0]), to_int(seq[1])};
  } catch (py::error_already_set&) {
  }
  throw make_error(ErrorKind::Type, "__dlpack__", "expected ", what, " as a pair of integers, got ",
                   std::string(py::repr(obj)));
}

py::capsule dlpack_export(const Tensor& t, py::handle stream, py::handle max_version, py::handle dl_device,
                          py::handle copy) {
  runtime::Array a = t.array("__dlpack__");
  if (!stream.is_none())
    throw py::buffer_error("[__dlpack__] expected stream=None for an array in CPU memory, got " +
                           std::string(py::repr(stream)));
  if (!dl_device.is_none()) {
    auto [type, id] = int_pair(dl_device, "dl_device");
    if (type != dl::kDLCPU || id != 0)
      throw py::buffer_error(
          "[__dlpack__] expected dl_device (1, 0) (kDLCPU: ember arrays live in CPU memory), got (" +
          std::to_string(type) + ", " + std::to_string(id) + ")");
  }
  bool copied = !copy.is_none() && copy.cast<bool>();  // copy=False never needs a copy
  bool versioned = false;
  uint32_t minor = dl::kMinorVersion;
  if (!max_version.is_none()) {
    auto [major, consumer_minor] = int_pair(max_version, "max_version");
    versioned = major >= 1;
    // Within major version 1 the layout is the same; report no newer minor version than the consumer's.
    if (major == 1) minor = uint32_t(std::min<int64_t>(consumer_minor, dl::kMinorVersion));
  }
  if (!versioned)  // a consumer from before DLPack 1.0: the legacy struct, which cannot say "read-only"
    return wrap_capsule(make_managed<dl::ManagedTensor>(a, copied), dl::kCapsuleName, destroy_legacy_capsule);
  auto* managed = make_managed<dl::ManagedTensorVersioned>(a, copied);
  managed->version = {dl::kMajorVersion, minor};
  // A copy belongs to the consumer alone and may be written; the shared buffer of an immutable array not.
  managed->flags = copied ? dl::kFlagIsCopied : dl::kFlagReadOnly;
  return wrap_capsule(managed, dl::kVersionedCapsuleName, destroy_versioned_capsule);
}

// ---- DLPack: import ----

bool python_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing();
#else
  return _Py_IsFinalizing();
#endif
}

// Calls a producer's deleter with the GIL held (it may release Python objects) from wherever ember drops
// the last reference. At interpreter shutdown the memory is left to the process's end instead.
template <typename Managed>
void release(Managed* managed) {
  if (!managed->deleter || !Py_IsInitialized() || python_finalizing()) return;
  PyGILState_STATE state = PyGILState_Ensure();
  managed->deleter(managed);
  PyGILState_Release(state);
}

// Copies a strided tensor (strides in elements, possibly negative) into dense row-major memory.
void gather_strided(char* dst, const char* src, const std::vector<int64_t>& shape,
                    const std::vector<int64_t>& strides, size_t esize) {
  size_t rank = shape.size();
  if (rank == 0) {
    std::memcpy(dst, src, esize);
    return;
  }
  int64_t inner = shape.back(), inner_stride = strides.back() * int64_t(esize);
  int64_t outer = 1;
  for (size_t i = 0; i + 1 < rank; ++i) outer *= shape[i];
  std::vector<int64_t> pos(rank, 0);
  for (int64_t o = 0; o < outer; ++o) {
    int64_t offset = 0;
    for (size_t i = 0; i + 1 < rank; ++i) offset += pos[i] * strides[i];
    const char* row = src + offset * int64_t(esize);
    if (inner_stride == int64_t(esize)) {
      std::memcpy(dst, row, size_t(inner) * esize);
      dst += inner * int64_t(esize);
    } else {
      for (int64_t j = 0; j < inner; ++j, dst += esize) std::memcpy(dst, row + j * inner_stride, esize);
    }
    for (size_t i = rank - 1; i-- > 0;) {
      if (++pos[i] < shape[i]) break;
      pos[i] = 0;
    }
  }
}

template <typename Managed>
Tensor import_managed(PyObject* capsule, const char* used_name, Managed* managed, uint64_t flags,
                      std::optional<bool> copy) {
  const dl::Tensor& t = managed->dl_tensor;
  int32_t device = t.device.device_type;
  if (device != dl::kDLCPU && device != dl::kDLCUDAHost)
    throw py::buffer_error(
        "[from_dlpack] expected a tensor in CPU memory (DLPack device type 1), got device type " +
        std::to_string(device));
  std::optional<ir::DType> dtype = from_dl_dtype(t.dtype);
  if (!dtype)
    throw make_error(ErrorKind::Type, "from_dlpack", "expected a DLPack dtype ember supports, got code ",
                     int(t.dtype.code), " with ", int(t.dtype.bits), " bits and ", t.dtype.lanes, " lanes");
  if (t.ndim < 0 || (t.ndim > 0 && !t.shape))
    throw make_error(ErrorKind::Value, "from_dlpack", "expected a valid DLPack shape, got ndim ", t.ndim);
  ir::Shape shape;
  std::vector<int64_t> dims, strides(size_t(t.ndim));
  for (int32_t i = 0; i < t.ndim; ++i) {
    if (t.shape[i] < 0)
      throw make_error(ErrorKind::Value, "from_dlpack", "expected non-negative sizes, got ", t.shape[i]);
    shape.push_back(t.shape[i]);
    dims.push_back(t.shape[i]);
  }
  // The capsule is ours now: rename it so its destructor leaves the tensor to us, and release the tensor
  // when the last ember buffer using it goes.
  if (PyCapsule_SetName(capsule, used_name) != 0) throw py::error_already_set();
  std::shared_ptr<const void> owner(
      managed, [](const void* p) { release(static_cast<Managed*>(const_cast<void*>(p))); });

  ir::Type type{*dtype, shape, false};
  size_t esize = ir::dtype_size(*dtype);
  int64_t expected = 1;
  bool dense = true;  // row-major and compact (strides of size-1 dimensions do not matter)
  for (int32_t i = t.ndim; i-- > 0;) {
    strides[size_t(i)] = t.strides ? t.strides[i] : expected;
    if (dims[size_t(i)] != 1 && strides[size_t(i)] != expected) dense = false;
    expected *= dims[size_t(i)];
  }
  const char* data = static_cast<const char*>(t.data) + t.byte_offset;
  bool aligned = reinterpret_cast<uintptr_t>(data) % std::min<size_t>(esize, alignof(std::max_align_t)) == 0;
  bool immutable = (flags & (dl::kFlagReadOnly | dl::kFlagIsCopied)) != 0;
  bool alias = copy == false || (copy == true ? (flags & dl::kFlagIsCopied) != 0 : immutable);
  if (type.numel() == 0) return Tensor(runtime::Array::allocate(type));
  if (alias && dense && aligned)
    return Tensor(runtime::Array{type, runtime::Buffer::wrap_host(owner, data, type.nbytes())});
  if (copy == false)
    throw py::buffer_error(
        "[from_dlpack] expected a dense, row-major, aligned tensor to import without a copy (copy=False), "
        "got "
        "one that needs a copy");
  runtime::Array out = runtime::Array::allocate(type);
  gather_strided(static_cast<char*>(out.data()), data, dims, strides, esize);
  return Tensor(std::move(out));
}

Tensor dlpack_import(py::handle capsule, std::optional<bool> copy) {
  PyObject* c = capsule.ptr();
  if (PyCapsule_IsValid(c, dl::kVersionedCapsuleName)) {
    auto* managed =
        static_cast<dl::ManagedTensorVersioned*>(PyCapsule_GetPointer(c, dl::kVersionedCapsuleName));
    if (managed->version.major != dl::kMajorVersion)
      throw py::buffer_error("[from_dlpack] expected DLPack major version 1, got " +
                             std::to_string(managed->version.major));
    return import_managed(c, dl::kUsedVersionedCapsuleName, managed, managed->flags, copy);
  }
  if (PyCapsule_IsValid(c, dl::kCapsuleName)) {
    auto* managed = static_cast<dl::ManagedTensor*>(PyCapsule_GetPointer(c, dl::kCapsuleName));
    return import_managed(c, dl::kUsedCapsuleName, managed, 0, copy);
  }
  bool used = PyCapsule_CheckExact(c) && (PyCapsule_IsValid(c, dl::kUsedCapsuleName) ||
                                          PyCapsule_IsValid(c, dl::kUsedVersionedCapsuleName));
  throw make_error(ErrorKind::Value, "from_dlpack", "expected an unconsumed DLPack capsule, got ",
                   used ? "a capsule that was already consumed" : std::string(py::repr(capsule)));
}

}  // namespace

void init_interop(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Array"));
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  type->tp_as_buffer->bf_getbuffer = &get_buffer;
  type->tp_as_buffer->bf_releasebuffer = &release_buffer;
  cls.def("__dlpack__", &dlpack_export, py::kw_only(), py::arg("stream") = py::none(),
          py::arg("max_version") = py::none(), py::arg("dl_device") = py::none(),
          py::arg("copy") = py::none(),
          "Exports the array as a DLPack capsule without copying (read-only for DLPack >= 1.0 consumers; "
          "copy=True exports a private, writable copy).");
  cls.def(
      "__dlpack_device__", [](const Tensor&) { return py::make_tuple(int(dl::kDLCPU), 0); },
      "The DLPack device of the array: (1, 0), the CPU.");
  m.def(
      "_from_dlpack",
      [](py::handle capsule, std::optional<bool> copy) { return dlpack_import(capsule, copy); },
      py::arg("capsule"), py::arg("copy") = py::none(),
      "An ember array from a DLPack capsule (aliasing read-only or copied tensors, copying otherwise).");
}

}  // namespace ember::python
