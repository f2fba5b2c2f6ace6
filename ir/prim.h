// The primitive table (DESIGN §4): every primitive is declared once, here and in prim.cc, with its
// operand count, its typed attributes, its dtype constraints and its shape/dtype rule. Transforms and
// backends key their own rule tables on `Prim` (see prim_table.h), never on printed names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ir/attr.h"
#include "ir/type.h"

namespace ember::ir {

// X(Enumerator, "ir name")
#define EMBER_UNARY_PRIMITIVES(X)                                                                          \
  X(Neg, "neg") X(Abs, "abs") X(Sign, "sign") X(Floor, "floor") X(Ceil, "ceil") X(Round, "round")          \
  X(Exp, "exp") X(Exp2, "exp2") X(Expm1, "expm1") X(Log, "log") X(Log1p, "log1p") X(Sqrt, "sqrt")          \
  X(Rsqrt, "rsqrt") X(Cbrt, "cbrt") X(Sin, "sin") X(Cos, "cos") X(Tan, "tan") X(Asin, "asin")              \
  X(Acos, "acos") X(Atan, "atan") X(Sinh, "sinh") X(Cosh, "cosh") X(Tanh, "tanh") X(Asinh, "asinh")        \
  X(Acosh, "acosh") X(Atanh, "atanh") X(Logistic, "logistic") X(Erf, "erf") X(Erfc, "erfc")                \
  X(IsFinite, "is_finite") X(Not, "not") X(Real, "real") X(Imag, "imag") X(Conj, "conj")                   \
  X(IntegerPow, "integer_pow") X(ErfInv, "erf_inv") X(Lgamma, "lgamma") X(Digamma, "digamma")              \
  X(BesselI0e, "bessel_i0e") X(BesselI1e, "bessel_i1e") X(PopulationCount, "population_count")                 \
  X(StopGradient, "stop_gradient")

#define EMBER_BINARY_PRIMITIVES(X)                                                                         \
  X(Add, "add") X(Sub, "sub") X(Mul, "mul") X(Div, "div") X(Rem, "rem") X(Pow, "pow") X(Max, "max")        \
  X(Min, "min") X(Atan2, "atan2") X(Nextafter, "nextafter") X(And, "and") X(Or, "or") X(Xor, "xor")        \
  X(ShiftLeft, "shift_left") X(ShiftRightLogical, "shift_right_logical")                                  \
  X(ShiftRightArithmetic, "shift_right_arithmetic") X(Eq, "eq") X(Ne, "ne") X(Lt, "lt") X(Le, "le")        \
  X(Gt, "gt") X(Ge, "ge") X(Complex, "complex") X(Polygamma, "polygamma")

#define EMBER_OTHER_PRIMITIVES(X)                                                                          \
  X(Select, "select") X(Clamp, "clamp") X(ConvertElementType, "convert_element_type")                      \
  X(BitcastConvertType, "bitcast_convert_type") X(BroadcastInDim, "broadcast_in_dim")                      \
  X(Reshape, "reshape") X(Transpose, "transpose") X(Slice, "slice") X(DynamicSlice, "dynamic_slice")       \
  X(DynamicUpdateSlice, "dynamic_update_slice") X(Concatenate, "concatenate") X(Pad, "pad")                \
  X(Rev, "rev") X(Iota, "iota") X(ReduceSum, "reduce_sum") X(ReduceProd, "reduce_prod")                    \
  X(ReduceMax, "reduce_max") X(ReduceMin, "reduce_min") X(ReduceAnd, "reduce_and")                         \
  X(ReduceOr, "reduce_or") X(Argmax, "argmax") X(Argmin, "argmin") X(DotGeneral, "dot_general")            \
  X(Constant, "constant") X(Gather, "gather") X(Scatter, "scatter") X(ScatterAdd, "scatter_add")           \
  X(ScatterMul, "scatter_mul") X(ScatterMin, "scatter_min") X(ScatterMax, "scatter_max") X(Sort, "sort")   \
  X(TopK, "top_k") X(Cumsum, "cumsum") X(Cumprod, "cumprod") X(Cummax, "cummax") X(Cummin, "cummin")       \
  X(Cumlogsumexp, "cumlogsumexp")

// Control flow: ops with regions (isolated bodies; what a region reads from outside is an explicit operand).
// custom_jvp_call/custom_vjp_call carry the user's derivative rules as regions; custom_lin is the linear
// part of a custom_vjp_call after differentiation (its transpose runs the user's bwd). checkpoint marks a
// region whose intermediates reverse mode recomputes instead of storing.
#define EMBER_CONTROL_PRIMITIVES(X)                                                                        \
  X(Cond, "cond") X(While, "while") X(Scan, "scan") X(CustomJvpCall, "custom_jvp_call")                    \
  X(CustomVjpCall, "custom_vjp_call") X(CustomLin, "custom_lin") X(Checkpoint, "checkpoint")               \
  X(PureCallback, "pure_callback") X(DebugCallback, "debug_callback") X(StackNew, "stack_new")               \
  X(StackPush, "stack_push") X(StackLoop, "stack_loop")

#define EMBER_PRIMITIVES(X) \
  EMBER_UNARY_PRIMITIVES(X) EMBER_BINARY_PRIMITIVES(X) EMBER_OTHER_PRIMITIVES(X) EMBER_CONTROL_PRIMITIVES(X)

enum class Prim : uint16_t {
#define EMBER_ENUM(e, n) e,
  EMBER_PRIMITIVES(EMBER_ENUM)
#undef EMBER_ENUM
};

inline constexpr int kNumPrims = 0
#define EMBER_COUNT(e, n) +1
    EMBER_PRIMITIVES(EMBER_COUNT)
#undef EMBER_COUNT
    ;

// How gather and scatter treat out-of-bounds start indices (the `mode` attribute), as JAX's
// GatherScatterMode: Clip clamps each slice into bounds; FillOrDrop makes gather return the fill value
// (NaN for inexact dtypes, the minimum of signed and the maximum of unsigned integers, true for bool) for
// out-of-bounds slices and makes scatter drop out-of-bounds updates.
enum class IndexMode : int64_t { Clip = 0, FillOrDrop = 1 };

// What reverse mode keeps of a checkpoint region's intermediates (the `policy` attribute), as JAX's
// checkpoint_policies: nothing (recompute all from the region's inputs), the results of dot_general, or
// everything (an ordinary function).
enum class CheckpointPolicy : int64_t { NothingSaveable = 0, DotsSaveable = 1, EverythingSaveable = 2 };

enum PrimFlag : uint32_t {
  kUnaryElementwise = 1u << 0,   // one operand, result element i from operand element i
  kBinaryElementwise = 1u << 1,  // two operands of one type
  kElementwise = 1u << 2,        // set for unary, binary, select, clamp, convert and the like
  kComparison = 1u << 3,         // binary elementwise with a bool result
  kReduction = 1u << 4,          // reduce over `axes`
  kScatter = 1u << 5,            // scatter and its combining variants (operand, indices, updates)
  kCumulative = 1u << 6,         // cumulative reduction along `axis`
  kHostCallback = 1u << 7,       // calls back into the host program: never folded at compile time
  kSideEffect = 1u << 8,         // observable effect: kept by DCE, never merged by CSE, run in program order
  kStateful = 1u << 9,           // creates or changes run-time state: never merged by CSE nor folded
};

// What an elementwise primitive's result dtype is, given its operand dtype.
enum class ResultDType : uint8_t { Same, Bool, RealPart, ComplexOf };

struct AttrSpec {
  std::string_view name;
  AttrKind kind;
};

struct Body;
struct Op;

// What a shape rule sees: the op without its result types.
struct OpSignature {
  Prim prim;
  std::span<const Type> operands;
  const Attrs& attrs;
  std::span<const Body> regions;
};

// Returns the result types or throws ember::Error naming what is wrong (the caller adds the op name and
// the source location).
using ShapeRule = std::vector<Type> (*)(const OpSignature&);

struct PrimInfo {
  std::string_view name;
  int min_operands = 0;
  int max_operands = 0;  // -1: any number
  std::vector<AttrSpec> attrs;
  uint32_t flags = 0;
  uint32_t operand_dtypes = kAnyClass;  // dtype classes the (first data) operand may have
  ResultDType result_dtype = ResultDType::Same;
  int num_regions = 0;  // -1: one or more
  ShapeRule rule = nullptr;
};

const PrimInfo& prim_info(Prim p);
inline std::string_view prim_name(Prim p) { return prim_info(p).name; }
std::optional<Prim> prim_from_name(std::string_view name);
inline bool has_flag(Prim p, PrimFlag f) { return (prim_info(p).flags & f) != 0; }

// Checks operand count and attribute count/kinds against the declaration; throws ember::Error.
void check_op_schema(Prim p, size_t num_operands, const Attrs& attrs, size_t num_regions);
// Schema check + shape rule: the result types of an op. Errors carry the op name.
std::vector<Type> infer_result_types(Prim p, std::span<const Type> operands, const Attrs& attrs,
                                     std::span<const Body> regions = {});

// Index of a declared attribute by name, or -1.
int attr_index(Prim p, std::string_view name);

// Typed attribute access for rules, kernels and transforms (the schema check has run).
inline int64_t attr_int(const Attrs& a, size_t i) { return std::get<int64_t>(a[i]); }
inline double attr_float(const Attrs& a, size_t i) { return std::get<double>(a[i]); }
inline bool attr_bool(const Attrs& a, size_t i) { return std::get<bool>(a[i]); }
inline DType attr_dtype(const Attrs& a, size_t i) { return std::get<DType>(a[i]); }
inline const std::vector<int64_t>& attr_ints(const Attrs& a, size_t i) {
  return std::get<std::vector<int64_t>>(a[i]);
}
inline const Literal& attr_literal(const Attrs& a, size_t i) { return std::get<Literal>(a[i]); }

}  // namespace ember::ir
