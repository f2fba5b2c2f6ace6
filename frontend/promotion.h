// Type promotion (DESIGN §3): JAX's lattice, with weakly typed Python scalars that take the dtype of the
// strongly typed operand they meet. Mixed integer/float operands promote to the float's dtype (int64 +
// float32 -> float32), as JAX and PyTorch do; float64 never appears unless an operand is float64.
#pragma once

#include <span>

#include "frontend/tensor.h"
#include "ir/dtype.h"

namespace ember::frontend {

// Defaults, as PyTorch: float32 for floats, int64 for integers, complex64.
inline constexpr ir::DType kDefaultFloat = ir::DType::F32;
inline constexpr ir::DType kDefaultInt = ir::DType::I64;
inline constexpr ir::DType kDefaultComplex = ir::DType::C64;

struct PromotedType {
  ir::DType dtype;
  bool weak;
};

// Promotion of strong dtypes (numpy.promote_types' counterpart).
ir::DType promote_types(ir::DType a, ir::DType b);
// Promotion of operands with weak flags. A weak operand only contributes its kind (bool, integer, float,
// complex); if only weak operands meet, the result is weak with the default dtype of the winning kind.
PromotedType result_type(std::span<const ir::Type> types);
PromotedType result_type(std::span<const Tensor> tensors);

// The dtype a lone weak value of dtype `d` takes (a Python float becomes float32).
ir::DType canonical_weak_dtype(ir::DType d);
// The default dtype of the kind of `d` ("inexact result of an integer input": float32).
ir::DType default_float_for(ir::DType d);

}  // namespace ember::frontend
