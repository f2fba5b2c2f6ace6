// Shape/dtype rules of the primitives (internal to ir/: prim.cc puts them in the table).
#pragma once

#include <vector>

#include "ir/error.h"
#include "ir/prim.h"

namespace ember::ir::rules {

std::vector<Type> unary_elementwise(const OpSignature& s);
std::vector<Type> binary_elementwise(const OpSignature& s);
std::vector<Type> select(const OpSignature& s);
std::vector<Type> clamp(const OpSignature& s);
std::vector<Type> convert_element_type(const OpSignature& s);
std::vector<Type> bitcast_convert_type(const OpSignature& s);
std::vector<Type> broadcast_in_dim(const OpSignature& s);
std::vector<Type> reshape(const OpSignature& s);
std::vector<Type> transpose(const OpSignature& s);
std::vector<Type> slice(const OpSignature& s);
std::vector<Type> dynamic_slice(const OpSignature& s);
std::vector<Type> dynamic_update_slice(const OpSignature& s);
std::vector<Type> concatenate(const OpSignature& s);
std::vector<Type> pad(const OpSignature& s);
std::vector<Type> rev(const OpSignature& s);
std::vector<Type> iota(const OpSignature& s);
std::vector<Type> reduction(const OpSignature& s);
std::vector<Type> arg_reduction(const OpSignature& s);
std::vector<Type> dot_general(const OpSignature& s);
std::vector<Type> constant(const OpSignature& s);
// shape_rules_indexing.cc
std::vector<Type> gather(const OpSignature& s);
std::vector<Type> scatter(const OpSignature& s);
std::vector<Type> sort(const OpSignature& s);
std::vector<Type> top_k(const OpSignature& s);
std::vector<Type> cumulative(const OpSignature& s);
// shape_rules_control.cc
std::vector<Type> cond(const OpSignature& s);
std::vector<Type> while_loop(const OpSignature& s);
std::vector<Type> scan(const OpSignature& s);
std::vector<Type> custom_jvp_call(const OpSignature& s);
std::vector<Type> custom_vjp_call(const OpSignature& s);
std::vector<Type> custom_lin(const OpSignature& s);
std::vector<Type> checkpoint(const OpSignature& s);
std::vector<Type> pure_callback(const OpSignature& s);
std::vector<Type> debug_callback(const OpSignature& s);
std::vector<Type> stack_new(const OpSignature& s);
std::vector<Type> stack_push(const OpSignature& s);
std::vector<Type> stack_loop(const OpSignature& s);

// Helpers shared by rules (and by later rule files).
std::string types_to_string(std::span<const Type> types);
std::string ints_to_string(const std::vector<int64_t>& v);
// Throws unless `axes` are distinct and in [0, rank).
void check_axes(const std::vector<int64_t>& axes, int rank, std::string_view what);
[[noreturn]] void fail(ErrorKind kind, const std::string& message);
std::string str(const Type& t);
// Throws TypeError unless t's dtype is in the primitive's operand_dtypes.
void check_dtype_class(const OpSignature& s, const Type& t, std::string_view role = "operand");
void check_scalar_int(const Type& t, std::string_view what);
// Throws unless v has one entry per dimension of t.
void check_rank(const std::vector<int64_t>& v, int rank, std::string_view what, const Type& t);

}  // namespace ember::ir::rules
