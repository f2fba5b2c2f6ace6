// Shared declarations of the pybind11 module: conversion between Python objects and ember's C++ types.
// The module has no array semantics of its own; everything it exposes calls the C++ op library.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <vector>

#include "frontend/numpy.h"
#include "frontend/tensor.h"
#include "ir/dtype.h"

namespace ember::python {

namespace py = pybind11;
using frontend::Tensor;

// Any array-like (ember.Array, Python scalar -> weak, NumPy array or scalar, list) -> Tensor. NumPy data is
// copied: ember arrays are immutable.
Tensor to_tensor(py::handle obj);
// An argument of a call that reads it in place: a NumPy ndarray that is dense, row-major, native-endian,
// aligned to its element and of an ember dtype is wrapped without a copy (the wrapper keeps the array
// alive); anything else is to_tensor's. Only for executables that neither keep their arguments nor return
// them (the cpu backend's): NumPy arrays are mutable, so a view must not outlive the call.
Tensor borrow_argument(py::handle obj);
bool is_python_scalar(py::handle obj);
std::vector<Tensor> to_tensors(py::handle sequence);
// The type of an array-like or of an abstract ShapeDtypeStruct (for tracing without data).
ir::Type leaf_type(py::handle obj);
// A concrete tensor as a read-only NumPy array sharing ember's memory.
py::array to_numpy(const Tensor& t);

// dtype-like (numpy dtype, type, string, None) -> DType; `op` names the caller in errors.
ir::DType to_dtype(py::handle obj, std::string_view op = "dtype");
std::optional<ir::DType> to_optional_dtype(py::handle obj, std::string_view op = "dtype");
// The NumPy dtype object of an ember dtype (bfloat16 from ml_dtypes).
py::object numpy_dtype(ir::DType d);
// None -> nullopt, int -> [int], sequence -> list.
std::optional<std::vector<int64_t>> to_axes(py::handle obj);
std::vector<int64_t> to_ints(py::handle obj);
// Any object with __index__ -> int64.
int64_t to_int(py::handle obj);

py::object wrap(Tensor t);  // -> ember.Array
py::list wrap_all(std::vector<Tensor> ts);

// Module sections.
void init_errors(py::module_& m);
void init_array(py::module_& m);
void init_pytree(py::module_& m);
void init_jit(py::module_& m);
void init_lax(py::module_& m);
void init_numpy(py::module_& m);
void init_nn(py::module_& m);
void init_ir(py::module_& m);
void init_cuda(py::module_& m);
void init_aot(py::module_& m);
void init_indexing(py::module_& m);  // after init_array
void init_interop(py::module_& m);   // after init_array
void init_transforms(py::module_& m);
void init_callbacks(py::module_& m);

}  // namespace ember::python
