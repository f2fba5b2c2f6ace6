// ember's C++ API in one header: tensors, tracing, the NumPy-style op library, lax, and jit.
//
//   #include <ember/ember.h>
//   namespace enp = ember::frontend::np;
//   ember::frontend::Jit f([](const std::vector<ember::frontend::Tensor>& in) {
//     return std::vector{enp::tanh(enp::add(enp::matmul(in[0], in[1]), in[2]))};
//   });
#pragma once

#include "frontend/indexing.h"
#include "frontend/jit.h"
#include "frontend/lax.h"
#include "frontend/nn.h"
#include "frontend/numpy.h"
#include "frontend/tensor.h"
#include "frontend/trace.h"
#include "ir/error.h"
#include "ir/function.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "runtime/executor.h"
