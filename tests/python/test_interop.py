"""Zero-copy interop: the buffer protocol, DLPack export (read by NumPy and by a ctypes reader of the DLPack
structs written here from the specification) and DLPack import with ember.from_dlpack."""

from __future__ import annotations

import ctypes
import gc

import ml_dtypes
import numpy as np
import pytest

import ember as em
import ember.numpy as enp

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.float16,
          np.float32, np.float64, np.complex64, np.complex128]
ALL_DTYPES = DTYPES + [ml_dtypes.bfloat16]
# DLPack's (type code, bits) of each dtype: kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBfloat 4, kDLComplex 5, kDLBool 6.
DL_CODES = {"bool": (6, 8), "int8": (0, 8), "int16": (0, 16), "int32": (0, 32), "int64": (0, 64), "uint8": (1, 8),
            "uint16": (1, 16), "uint32": (1, 32), "uint64": (1, 64), "float16": (2, 16), "bfloat16": (4, 16),
            "float32": (2, 32), "float64": (2, 64), "complex64": (5, 64), "complex128": (5, 128)}
READ_ONLY, IS_COPIED = 1, 2


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32), ("dtype", DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32), ("manager_ctx", ctypes.c_void_p),
                ("deleter", ctypes.c_void_p), ("flags", ctypes.c_uint64), ("dl_tensor", DLTensor)]


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", ctypes.c_void_p)]


_get_name = ctypes.pythonapi.PyCapsule_GetName
_get_name.restype, _get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype, _get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]


def read_capsule(capsule):
    """(capsule name, managed struct) of a DLPack capsule, through ctypes."""
    name = _get_name(capsule)
    struct = DLManagedTensorVersioned if name == b"dltensor_versioned" else DLManagedTensor
    return name, struct.from_address(_get_pointer(capsule, name))


def _sample(dtype, shape=(2, 3)):
    values = np.arange(int(np.prod(shape))).reshape(shape) % 5
    return (values - 2 if np.issubdtype(np.dtype(dtype), np.signedinteger) else values).astype(dtype)


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_numpy_reads_ember_arrays_without_copying(dtype):
    src = _sample(dtype)
    x = enp.asarray(src)
    y = np.from_dlpack(x)
    assert y.dtype == src.dtype and y.shape == src.shape
    np.testing.assert_array_equal(y, src)
    assert not y.flags.writeable  # ember arrays are immutable: the versioned export is read-only
    with pytest.raises(ValueError):
        y[0, 0] = src[0, 0]
    _, managed = read_capsule(x.__dlpack__(max_version=(1, 1)))
    assert managed.dl_tensor.data == _address(y)  # the same memory
    del x
    gc.collect()
    np.testing.assert_array_equal(y, src)  # NumPy keeps ember's buffer alive


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_versioned_capsule_fields(dtype):
    src = _sample(dtype, (2, 3, 4))
    x = enp.asarray(src)
    capsule = x.__dlpack__(max_version=(1, 1))
    name, m = read_capsule(capsule)
    assert name == b"dltensor_versioned" and (m.major, m.minor) == (1, 1)
    assert m.flags == READ_ONLY
    t = m.dl_tensor
    assert (t.device.device_type, t.device.device_id) == (1, 0) == x.__dlpack_device__()
    assert (t.dtype.code, t.dtype.bits, t.dtype.lanes) == DL_CODES[np.dtype(dtype).name] + (1,)
    assert t.ndim == 3 and [t.shape[i] for i in range(3)] == [2, 3, 4]
    assert [t.strides[i] for i in range(3)] == [12, 4, 1] and t.byte_offset == 0
    raw = ctypes.string_at(t.data, src.nbytes)
    assert raw == src.tobytes()
    # An older consumer's max_version gets that minor version; a newer major version still gets 1.x.
    assert read_capsule(x.__dlpack__(max_version=(1, 0)))[1].minor == 0
    assert read_capsule(x.__dlpack__(max_version=(2, 3)))[1].major == 1
    # copy=True: a private copy the consumer may write.
    _, c = read_capsule(x.__dlpack__(max_version=(1, 1), copy=True))
    assert c.flags == IS_COPIED and c.dl_tensor.data != t.data
    assert ctypes.string_at(c.dl_tensor.data, src.nbytes) == src.tobytes()


def test_legacy_capsule_for_consumers_before_dlpack_1():
    src = _sample(np.float32)
    x = enp.asarray(src)
    name, m = read_capsule(x.__dlpack__())
    assert name == b"dltensor"
    assert m.dl_tensor.ndim == 2 and (m.dl_tensor.dtype.code, m.dl_tensor.dtype.bits) == (2, 32)
    assert ctypes.string_at(m.dl_tensor.data, src.nbytes) == src.tobytes()
    assert read_capsule(x.__dlpack__(max_version=(0, 8)))[0] == b"dltensor"


def test_numpy_copy_request_gives_a_writable_copy():
    x = enp.asarray(_sample(np.int32))
    y = np.from_dlpack(x, copy=True)
    assert y.flags.writeable
    y[0, 0] = 99
    assert int(x[0, 0]) != 99


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_from_dlpack_copies_numpy_arrays(dtype):
    src = _sample(dtype)
    x = em.from_dlpack(src)
    assert isinstance(x, em.Array) and x.dtype == src.dtype and not x.weak_type
    expected = src.copy()
    src[...] = src[0, 0] if src.dtype == np.bool_ else src.max()  # NumPy arrays are writable: ember copied
    np.testing.assert_array_equal(np.asarray(x), expected)


def test_from_dlpack_strided_zero_d_and_empty():
    base = np.arange(60, dtype=np.float64).reshape(3, 4, 5)
    for view in [base.T, base[:, ::2, ::-1], base[1:, 2:, 3:], base[::-1], base[:, 1, :], base[..., 2]]:
        np.testing.assert_array_equal(np.asarray(em.from_dlpack(view)), view)
    zero_d = np.array(3.5, np.float32)
    assert em.from_dlpack(zero_d).shape == () and float(em.from_dlpack(zero_d)) == 3.5
    for shape in [(0,), (2, 0, 3)]:
        e = em.from_dlpack(np.zeros(shape, np.int16))
        assert e.shape == shape and e.dtype == np.int16


def test_from_dlpack_aliases_read_only_and_copied_tensors():
    src = np.arange(8, dtype=np.float32)
    src.flags.writeable = False  # NumPy flags the export read-only: nothing can change it, so ember aliases it
    x = em.from_dlpack(src)
    assert _address(np.from_dlpack(x)) == _address(src)
    del src
    gc.collect()
    np.testing.assert_array_equal(np.asarray(x), np.arange(8, dtype=np.float32))  # the capsule stays alive
    # ember to ember: read-only, so shared.
    y = enp.asarray(np.arange(4.0))
    assert _address(np.from_dlpack(em.from_dlpack(y))) == _address(np.from_dlpack(y))
    # copy=True always gives new memory (NumPy copies for the export; ember takes that copy).
    w = np.arange(4, dtype=np.int64)
    c = em.from_dlpack(w, copy=True)
    assert _address(np.from_dlpack(c)) != _address(w)


def test_from_dlpack_copy_false_shares_writable_memory():
    src = np.arange(5, dtype=np.int32)
    x = em.from_dlpack(src, copy=False)
    src[0] = 42  # the caller asked for sharing: writes through the producer are visible
    assert int(x[0]) == 42
    with pytest.raises(BufferError):
        em.from_dlpack(np.arange(10, dtype=np.int32)[::2], copy=False)  # strided: would need a copy


def test_from_dlpack_bfloat16_and_capsules():
    src = np.array([1.5, -2.0, 3.25], ml_dtypes.bfloat16)
    x = enp.asarray(src)
    y = em.from_dlpack(x)
    assert y.dtype == src.dtype
    np.testing.assert_array_equal(np.asarray(y).astype(np.float32), src.astype(np.float32))
    capsule = x.__dlpack__(max_version=(1, 1))
    z = em.from_dlpack(capsule)  # a capsule directly
    np.testing.assert_array_equal(np.asarray(z).astype(np.float32), src.astype(np.float32))
    with pytest.raises(ValueError, match="already consumed"):
        em.from_dlpack(capsule)
    assert read_capsule(capsule)[0] == b"used_dltensor_versioned"


def test_from_dlpack_legacy_producer_and_errors():
    src = np.arange(6, dtype=np.uint16).reshape(2, 3)

    class Legacy:  # a producer from before DLPack 1.0: no keyword arguments
        def __dlpack__(self):
            return src.__dlpack__()

        def __dlpack_device__(self):
            return src.__dlpack_device__()

    np.testing.assert_array_equal(np.asarray(em.from_dlpack(Legacy())), src)

    class OnGpu:
        def __dlpack__(self, **kwargs):
            raise AssertionError("not called")

        def __dlpack_device__(self):
            return (2, 0)  # kDLCUDA

    with pytest.raises(BufferError, match="CPU"):
        em.from_dlpack(OnGpu())
    with pytest.raises(TypeError):
        em.from_dlpack([1, 2, 3])
    with pytest.raises(ValueError):
        em.from_dlpack(src, device="gpu")
    x = enp.asarray(src)
    with pytest.raises(BufferError, match="stream"):
        x.__dlpack__(stream=1)
    with pytest.raises(BufferError, match="dl_device"):
        x.__dlpack__(dl_device=(2, 0))
    assert read_capsule(x.__dlpack__(max_version=(1, 0), dl_device=(1, 0)))[0] == b"dltensor_versioned"
    unconsumed = [x.__dlpack__(max_version=(1, 1)) for _ in range(100)] + [x.__dlpack__() for _ in range(100)]
    del unconsumed  # freed by the capsules' destructors
    gc.collect()
    np.testing.assert_array_equal(np.asarray(x), src)


def test_traced_arrays_cannot_be_exported():
    a = np.ones(3, np.float32)
    with pytest.raises(em.ConcretizationError):
        em.jit(lambda v: v.__dlpack__())(a)
    with pytest.raises(BufferError):
        em.jit(lambda v: memoryview(v))(a)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_buffer_protocol(dtype):
    src = _sample(dtype)
    x = enp.asarray(src)
    mv = memoryview(x)
    assert mv.readonly and mv.shape == src.shape and mv.strides == src.strides and mv.itemsize == src.itemsize
    assert mv.nbytes == src.nbytes and mv.c_contiguous
    assert bytes(mv) == src.tobytes()
    np.testing.assert_array_equal(np.asarray(mv), src)  # NumPy reads the format character
    assert np.asarray(mv).dtype == src.dtype
    with pytest.raises((TypeError, BufferError)):
        (ctypes.c_char * src.nbytes).from_buffer(x)  # a writable buffer is refused
    del x
    gc.collect()
    assert bytes(mv) == src.tobytes()  # the view keeps the memory alive


def test_buffer_protocol_zero_d_empty_and_bfloat16():
    s = enp.asarray(np.float64(2.5))
    mv = memoryview(s)
    assert mv.shape == () and mv.ndim == 0 and bytes(mv) == np.float64(2.5).tobytes()
    e = enp.zeros((3, 0))
    assert memoryview(e).shape == (3, 0) and bytes(memoryview(e)) == b""
    b = enp.asarray(np.ones(2, ml_dtypes.bfloat16))
    with pytest.raises(BufferError):
        memoryview(b)  # no buffer-protocol format for bfloat16 (NumPy refuses it too)
    np.testing.assert_array_equal(np.asarray(b).astype(np.float32), [1.0, 1.0])  # __array__ still works
