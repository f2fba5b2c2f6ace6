"""The op database (DESIGN §9): one entry per public ember function with input generators, a NumPy/SciPy
reference, tolerances and the dtypes it applies to. Generic tests (test_opdb.py, and later the transform
and backend sweeps) run every entry; a public function without an entry fails test_opdb_covers_*.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

import ml_dtypes
import numpy as np

import ember.numpy as enp

BF16 = np.dtype(ml_dtypes.bfloat16)
BOOL = ("bool",)
SIGNED = ("int8", "int16", "int32", "int64")
UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
INTS = SIGNED + UNSIGNED
FLOATS = ("float16", "bfloat16", "float32", "float64")
COMPLEX = ("complex64", "complex128")
INEXACT = FLOATS + COMPLEX
REAL = INTS + FLOATS
NUMBERS = INTS + INEXACT
ALL = BOOL + NUMBERS


def np_dtype(name: str) -> np.dtype:
    return BF16 if name == "bfloat16" else np.dtype(name)


@dataclasses.dataclass
class Sample:
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)

    def __repr__(self) -> str:
        def show(a):
            return f"{a.dtype}{list(a.shape)}" if isinstance(a, np.ndarray) else repr(a)
        parts = [show(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return "(" + ", ".join(parts) + ")"


@dataclasses.dataclass
class OpInfo:
    name: str
    op: Callable[..., Any]
    ref: Callable[..., Any]
    dtypes: tuple[str, ...]
    samples: Callable[[np.random.Generator, str], list[Sample]]
    # Tolerances by result dtype; entries here override the defaults below.
    tol: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    # Compute the reference in float64 for float16/bfloat16/float32 inputs (NumPy's own half-precision
    # arithmetic rounds intermediate steps differently).
    upcast_ref: bool = True
    # Transforms the entry takes part in (used by the transform sweeps).
    differentiable: bool = False
    # Python numbers among the arguments are static configuration (axes, shapes), not weak scalar operands:
    # under jit they are passed as static arguments.
    static_numbers: bool = False

    def __repr__(self) -> str:
        return self.name


DEFAULT_TOL = {
    "float16": (2e-3, 1e-3), "bfloat16": (1.6e-2, 1e-2), "float32": (4e-6, 1e-6), "float64": (1e-13, 1e-14),
    "complex64": (4e-6, 1e-6), "complex128": (1e-13, 1e-14),
}

# ---- value generators ----

SHAPES_1 = [(), (0,), (7,), (3, 4)]
SHAPES_2 = [((), ()), ((7,), (7,)), ((3, 4), (4,)), ((2, 1, 3), (4, 3)), ((0, 3), (3,)), ((5,), ())]


def edge_values(dtype: str) -> np.ndarray:
    """±0, ±inf, NaN, huge and tiny values (floats); extremes of the range (integers)."""
    d = np_dtype(dtype)
    if dtype == "bool":
        return np.array([True, False])
    if dtype in INTS:
        info = np.iinfo(d)
        vals = [0, 1, info.max, info.min, info.max - 1, 7]
        if dtype in SIGNED:
            vals += [-1, info.min + 1, -7]
        return np.array(vals, dtype=d)
    if dtype in COMPLEX:
        # Edge real parts with moderate imaginary parts: a huge imaginary part makes every transcendental
        # function's phase meaningless beyond the input's last bit.
        # The largest finite values are left out: where a complex product overflows, NumPy's FMA-based loops
        # and plain arithmetic give different (equally non-IEEE) infinities and NaNs.
        re = edge_values("float64" if dtype == "complex128" else "float32")
        re = re[~(np.abs(re) == np.finfo(re.dtype).max)]
        im = np.resize(np.array([0.0, -0.0, 1.0, -2.5, 0.5, np.inf, np.nan, 3.0]), re.shape)
        with np.errstate(invalid="ignore"):  # inf * 1j
            return (re + 1j * im).astype(d)
    finfo = ml_dtypes.finfo(d) if dtype == "bfloat16" else np.finfo(d)
    vals = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -2.5, float(finfo.max), -float(finfo.max),
            float(finfo.tiny), float(finfo.smallest_subnormal), 3.0, -3.5]
    return np.array(vals, dtype=np.float64).astype(d)


def random_values(rng: np.random.Generator, dtype: str, shape, domain=None) -> np.ndarray:
    return np.asarray(_random_values(rng, dtype, shape, domain))


def _random_values(rng, dtype, shape, domain):
    d = np_dtype(dtype)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype in INTS:
        lo, hi = domain if domain else ((-50, 50) if dtype in SIGNED else (0, 100))
        info = np.iinfo(d)
        return rng.integers(max(lo, info.min), min(hi, info.max) + 1, size=shape).astype(d)
    lo, hi = domain if domain else (-3.0, 3.0)
    re = rng.uniform(lo, hi, size=shape)
    if dtype in COMPLEX:
        re = re + 1j * rng.uniform(lo, hi, size=shape)
    return re.astype(d)


def unary_samples(domain=None, edges=True, int_domain=None):
    def gen(rng, dtype):
        out = [Sample((random_values(rng, dtype, s, int_domain if dtype in INTS else domain),)) for s in SHAPES_1]
        if edges:
            out.append(Sample((edge_values(dtype),)))
        return out
    return gen


def binary_samples(domain=None, rhs_domain=None, edges=True, scalars=True, int_domain=None, rhs_int_domain=None):
    def gen(rng, dtype):
        dom = int_domain if dtype in INTS else domain
        rdom = (rhs_int_domain or int_domain) if dtype in INTS else (rhs_domain or domain)
        out = [Sample((random_values(rng, dtype, a, dom), random_values(rng, dtype, b, rdom))) for a, b in SHAPES_2]
        if edges:
            e = edge_values(dtype)
            out.append(Sample((e[:, None], e[None, :])))  # every pair of edge values
        if scalars and dtype != "bool":
            # A Python scalar is weak: it takes the array's dtype (as JAX; NumPy 2 too).
            if dtype in INTS:
                lo, hi = rdom if rdom else (1, 5)
                py = int(max(lo, 1) if lo <= 1 <= hi else lo)
            elif dtype in COMPLEX:
                py = 1.5 - 0.5j
            else:
                py = 1.5 if not rdom or rdom[0] <= 1.5 <= rdom[1] else float(rdom[0])
            out.append(Sample((random_values(rng, dtype, (4,), dom), py)))
            out.append(Sample((py if dtype not in INTS else int(dom[1] if dom else 3),
                               random_values(rng, dtype, (4,), rdom))))
        return out
    return gen


def fixed_samples(*samples):
    def gen(rng, dtype):
        return [Sample(tuple(a.astype(np_dtype(dtype)) if isinstance(a, np.ndarray) else a for a in s.args),
                       s.kwargs) for s in samples]
    return gen


def reduction_samples(extra_kwargs=(), nonempty=False):
    def gen(rng, dtype):
        shapes = [(), (7,), (3, 4), (2, 3, 4)] + ([] if nonempty else [(0,), (3, 0)])
        out = []
        for s in shapes:
            x = random_values(rng, dtype, s)
            out.append(Sample((x,)))
            for axis in range(len(s)):
                if nonempty and s[axis] == 0:
                    continue
                out.append(Sample((x,), {"axis": axis}))
                out.append(Sample((x,), {"axis": -1 - axis, "keepdims": True}))
            if len(s) == 3:
                out.append(Sample((x,), {"axis": (0, 2)}))
        for kw in extra_kwargs:
            out.append(Sample((random_values(rng, dtype, (3, 4)),), dict(kw)))
        if dtype in FLOATS:
            out.append(Sample((edge_values(dtype),)))
        return out
    return gen


# ---- the table ----

OPS: list[OpInfo] = []


def add(name, op=None, ref=None, dtypes=NUMBERS, samples=None, **kw):
    OPS.append(OpInfo(name, op or getattr(enp, name), ref or getattr(np, name), dtypes,
                      samples or unary_samples(), **kw))


# Elementwise, one argument.
add("negative", dtypes=NUMBERS, differentiable=True)
add("positive", dtypes=NUMBERS)
add("absolute", dtypes=ALL, differentiable=True)
add("sign", dtypes=NUMBERS)
add("floor", dtypes=INTS + FLOATS)
add("ceil", dtypes=INTS + FLOATS)
add("trunc", dtypes=INTS + FLOATS)
add("rint", dtypes=FLOATS + COMPLEX)
# Integers rounded past their range wrap in ember (integer arithmetic); NumPy wraps for 8/16-bit types and
# goes through float64 for wider ones, so the extremes of the range are not compared.
add("round", dtypes=INTS + FLOATS, samples=lambda rng, d: [Sample((random_values(rng, d, (7,), (-300, 300)), k))
                                                            for k in (0, 1, 2, -1)],
    static_numbers=True, upcast_ref=False,
    tol={"float32": (2e-6, 1e-5)})
add("exp", dtypes=INEXACT, differentiable=True)
add("exp2", dtypes=INEXACT, tol={"complex64": (2e-5, 1e-6)})
add("expm1", dtypes=INEXACT, differentiable=True)
add("log", dtypes=INEXACT, samples=unary_samples(domain=(0.01, 10.0)), differentiable=True)
add("log2", dtypes=INEXACT, samples=unary_samples(domain=(0.01, 10.0)), tol={"float32": (1e-5, 1e-6)})
add("log10", dtypes=INEXACT, samples=unary_samples(domain=(0.01, 10.0)), tol={"float32": (1e-5, 1e-6)})
add("log1p", dtypes=INEXACT, samples=unary_samples(domain=(-0.9, 10.0)), differentiable=True)
add("sqrt", dtypes=INEXACT, samples=unary_samples(domain=(0.0, 10.0)), differentiable=True)
add("cbrt", dtypes=FLOATS, differentiable=True)
add("square", dtypes=NUMBERS, differentiable=True)
# NumPy's reciprocal gives nan+nanj for a complex zero where its own 1/z gives inf+nanj; ember's reciprocal
# is 1/z for every dtype, so 1/z is the reference.
add("reciprocal", ref=lambda x: np.true_divide(np.ones((), x.dtype), x), dtypes=INEXACT,
    samples=unary_samples(domain=(0.5, 3.0)), differentiable=True)
add("sin", dtypes=INEXACT, differentiable=True)
add("cos", dtypes=INEXACT, differentiable=True)
add("tan", dtypes=INEXACT, differentiable=True, tol={"float32": (1e-5, 1e-6)})
add("arcsin", dtypes=INEXACT, samples=unary_samples(domain=(-0.99, 0.99)), differentiable=True)
add("arccos", dtypes=INEXACT, samples=unary_samples(domain=(-0.99, 0.99)), differentiable=True)
add("arctan", dtypes=INEXACT, differentiable=True)
add("sinh", dtypes=INEXACT, differentiable=True)
add("cosh", dtypes=INEXACT, differentiable=True)
add("tanh", dtypes=INEXACT, differentiable=True)
add("arcsinh", dtypes=INEXACT, differentiable=True)
add("arccosh", dtypes=INEXACT, samples=unary_samples(domain=(1.01, 10.0)), differentiable=True)
add("arctanh", dtypes=INEXACT, samples=unary_samples(domain=(-0.99, 0.99)), differentiable=True)
add("isfinite", dtypes=ALL)
add("isinf", dtypes=ALL)
add("isnan", dtypes=ALL)
add("logical_not", dtypes=ALL)
add("invert", dtypes=BOOL + INTS)
add("real", dtypes=NUMBERS)
add("imag", dtypes=NUMBERS)
add("conjugate", dtypes=NUMBERS)

# Elementwise, two arguments (broadcasting, weak Python scalars).
add("add", dtypes=ALL, samples=binary_samples(), differentiable=True)
add("subtract", dtypes=NUMBERS, samples=binary_samples(), differentiable=True)
add("multiply", dtypes=ALL, samples=binary_samples(), differentiable=True)
add("true_divide", dtypes=NUMBERS, samples=binary_samples(rhs_domain=(0.5, 3.0), rhs_int_domain=(1, 9)),
    differentiable=True, tol={"complex64": (1e-5, 1e-6)})
add("floor_divide", dtypes=REAL, samples=binary_samples(rhs_domain=(0.5, 3.0), rhs_int_domain=(1, 9)))
add("remainder", dtypes=REAL, samples=binary_samples(rhs_domain=(0.5, 3.0), rhs_int_domain=(1, 9)))
add("power", dtypes=INEXACT + SIGNED, samples=binary_samples(domain=(0.1, 3.0), rhs_domain=(-2.0, 2.0),
                                                              int_domain=(-3, 3), rhs_int_domain=(0, 4),
                                                              edges=False),
    differentiable=True, tol={"float32": (2e-5, 1e-6), "complex64": (2e-5, 1e-6), "float16": (4e-3, 1e-3)})
add("maximum", dtypes=REAL + BOOL, samples=binary_samples(), differentiable=True)
add("minimum", dtypes=REAL + BOOL, samples=binary_samples(), differentiable=True)
add("fmax", dtypes=REAL, samples=binary_samples())
add("fmin", dtypes=REAL, samples=binary_samples())
add("arctan2", dtypes=FLOATS, samples=binary_samples(), differentiable=True)
# Computed in the operands' own dtype: the next value is a property of that dtype.
add("nextafter", dtypes=FLOATS, samples=binary_samples(), upcast_ref=False)
add("logical_and", dtypes=ALL, samples=binary_samples())
add("logical_or", dtypes=ALL, samples=binary_samples())
add("logical_xor", dtypes=ALL, samples=binary_samples())
add("bitwise_and", dtypes=BOOL + INTS, samples=binary_samples())
add("bitwise_or", dtypes=BOOL + INTS, samples=binary_samples())
add("bitwise_xor", dtypes=BOOL + INTS, samples=binary_samples())
add("left_shift", dtypes=INTS, samples=binary_samples(int_domain=(0, 20), rhs_int_domain=(0, 7), edges=False))
add("right_shift", dtypes=INTS, samples=binary_samples(int_domain=(-100, 100), rhs_int_domain=(0, 7),
                                                       edges=False))
for cmp in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
    add(cmp, dtypes=ALL if cmp in ("equal", "not_equal") else BOOL + REAL, samples=binary_samples())


def where_samples(rng, dtype):
    c = rng.integers(0, 2, size=(3, 4)).astype(bool)
    return [Sample((c, random_values(rng, dtype, (3, 4)), random_values(rng, dtype, (4,)))),
            Sample((c[0], random_values(rng, dtype, ()), random_values(rng, dtype, (3, 4)))),
            Sample((np.array(True), random_values(rng, dtype, (2,)), random_values(rng, dtype, (2,))))]


add("where", dtypes=ALL, samples=where_samples)


def clip_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4))
    lo, hi = (np.array(-1, np_dtype(dtype)), np.array(2, np_dtype(dtype))) if dtype in SIGNED + FLOATS else \
        (np.array(1, np_dtype(dtype)), np.array(5, np_dtype(dtype)))
    return [Sample((x, lo, hi)), Sample((x, None, hi)), Sample((x, lo, None))]


add("clip", dtypes=REAL, samples=clip_samples)

# Reductions.
add("sum", dtypes=ALL, samples=reduction_samples([{"axis": 1, "dtype": "float64"}]), differentiable=True,
    tol={"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2), "float32": (1e-5, 1e-5)})
add("prod", dtypes=ALL, samples=reduction_samples(), differentiable=True,
    tol={"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2), "float32": (1e-5, 1e-6)})
add("mean", dtypes=REAL + COMPLEX, samples=reduction_samples(nonempty=True), differentiable=True,
    tol={"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2), "float32": (1e-5, 1e-6)})
add("var", dtypes=FLOATS + COMPLEX, samples=reduction_samples([{"ddof": 1}], nonempty=True),
    differentiable=True, tol={"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2), "float32": (2e-5, 1e-6)})
add("std", dtypes=FLOATS, samples=reduction_samples([{"ddof": 1}], nonempty=True), differentiable=True,
    tol={"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2), "float32": (2e-5, 1e-6)})
add("max", dtypes=BOOL + REAL, samples=reduction_samples(nonempty=True), differentiable=True)
add("min", dtypes=BOOL + REAL, samples=reduction_samples(nonempty=True), differentiable=True)
add("any", dtypes=ALL, samples=reduction_samples())
add("all", dtypes=ALL, samples=reduction_samples())


def arg_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4))
    out = [Sample((x,)), Sample((x,), {"axis": 0}), Sample((x,), {"axis": -1, "keepdims": True}),
           Sample((random_values(rng, dtype, (7,)),))]
    if dtype in FLOATS:
        out.append(Sample((edge_values(dtype),)))
    return out


add("argmax", dtypes=BOOL + REAL, samples=arg_samples)
add("argmin", dtypes=BOOL + REAL, samples=arg_samples)

# Shapes.
RESHAPE = [((3, 4), (4, 3)), ((3, 4), (-1,)), ((2, 3, 4), (6, -1)), ((), (1, 1)), ((0, 3), (3, 0))]


def _reshape_gen(rng, dtype):
    return [Sample((random_values(rng, dtype, a), b)) for a, b in RESHAPE]


def _transpose_gen(rng, dtype):
    x = random_values(rng, dtype, (2, 3, 4))
    return [Sample((x,)), Sample((x, (1, 0, 2))), Sample((x, (-1, 0, 1))), Sample((random_values(rng, dtype, ()),))]


def _swapaxes_gen(rng, dtype):
    x = random_values(rng, dtype, (2, 3, 4))
    return [Sample((x, 0, 2)), Sample((x, -1, 1))]


def _moveaxis_gen(rng, dtype):
    x = random_values(rng, dtype, (2, 3, 4))
    return [Sample((x, 0, -1)), Sample((x, (0, 1), (2, 0)))]


def _expand_gen(rng, dtype):
    x = random_values(rng, dtype, (2, 3))
    return [Sample((x, 0)), Sample((x, -1)), Sample((x, (0, 3)))]


def _squeeze_gen(rng, dtype):
    x = random_values(rng, dtype, (1, 3, 1))
    return [Sample((x,)), Sample((x, 0)), Sample((x, (0, -1)))]


def _broadcast_gen(rng, dtype):
    return [Sample((random_values(rng, dtype, (3,)), (2, 3))), Sample((random_values(rng, dtype, ()), (4,))),
            Sample((random_values(rng, dtype, (2, 1)), (2, 5)))]


def _concat_gen(rng, dtype):
    a, b = random_values(rng, dtype, (2, 3)), random_values(rng, dtype, (4, 3))
    return [Sample(([a, b],)), Sample(([a.T, b.T],), {"axis": 1}), Sample(([a, b],), {"axis": None}),
            Sample(([a, random_values(rng, dtype, (0, 3))],))]


def _stack_gen(rng, dtype):
    a, b = random_values(rng, dtype, (2, 3)), random_values(rng, dtype, (2, 3))
    return [Sample(([a, b],)), Sample(([a, b],), {"axis": -1}), Sample(([np.asarray(a[0, 0]), np.asarray(b[0, 0])],))]


add("reshape", dtypes=ALL, samples=_reshape_gen, differentiable=True, static_numbers=True)
add("ravel", dtypes=ALL, samples=unary_samples(edges=False), differentiable=True)
add("transpose", dtypes=ALL, samples=_transpose_gen, differentiable=True, static_numbers=True)
add("swapaxes", dtypes=ALL, samples=_swapaxes_gen, differentiable=True, static_numbers=True)
add("moveaxis", dtypes=ALL, samples=_moveaxis_gen, differentiable=True, static_numbers=True)
add("expand_dims", dtypes=ALL, samples=_expand_gen, differentiable=True, static_numbers=True)
add("squeeze", dtypes=ALL, samples=_squeeze_gen, differentiable=True, static_numbers=True)
add("broadcast_to", dtypes=ALL, samples=_broadcast_gen, differentiable=True, static_numbers=True)
add("concatenate", dtypes=ALL, samples=_concat_gen, differentiable=True)
add("stack", dtypes=ALL, samples=_stack_gen, differentiable=True)


def _getitem_gen(rng, dtype):
    x = random_values(rng, dtype, (4, 5, 6))
    keys = [1, -1, slice(1, 3), slice(None, None, -1), (slice(None), 2), (Ellipsis, 0), (None, 1, slice(0, 5, 2)),
            (slice(5, 0, -2), Ellipsis, None), (0, 0, 0), slice(10, 20)]
    return [Sample((x, k)) for k in keys]


add("getitem", op=lambda x, k: enp.asarray(x)[k], ref=lambda x, k: x[k], dtypes=ALL, samples=_getitem_gen,
    differentiable=True, static_numbers=True)


# Products.
def _matmul_gen(rng, dtype):
    pairs = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)),
             ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 2)), ((3, 0), (0, 2))]
    return [Sample((random_values(rng, dtype, a, (-2, 2)), random_values(rng, dtype, b, (-2, 2)))) for a, b in pairs]


MATMUL_TOL = {"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2), "float32": (1e-5, 1e-5), "complex64": (1e-5, 1e-5)}
add("matmul", dtypes=NUMBERS, samples=_matmul_gen, differentiable=True, tol=MATMUL_TOL)


def _dot_gen(rng, dtype):
    pairs = [((3, 4), (4, 5)), ((4,), (4,)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (5, 4, 2)), ((), (3,))]
    return [Sample((random_values(rng, dtype, a, (-2, 2)), random_values(rng, dtype, b, (-2, 2)))) for a, b in pairs]


add("dot", dtypes=NUMBERS, samples=_dot_gen, differentiable=True, tol=MATMUL_TOL)


# Creation (arguments are Python values: the dtype under test is passed as dtype=).
def _creation(make):
    def gen(rng, dtype):
        return [Sample(args, dict(kw, dtype=np_dtype(dtype))) for args, kw in make]
    return gen


add("zeros", static_numbers=True, dtypes=ALL, samples=_creation([(((2, 3),), {}), ((0,), {}), (((),), {})]))
add("ones", static_numbers=True, dtypes=ALL, samples=_creation([(((2, 3),), {}), ((4,), {})]))
add("full", static_numbers=True, dtypes=NUMBERS, samples=_creation([(((2, 3), 7), {}), ((4, 9), {})]))
add("arange", static_numbers=True, dtypes=REAL, samples=_creation([((5,), {}), ((2, 11, 3), {}), ((10, 2, -2), {})]))
add("linspace", static_numbers=True, dtypes=FLOATS, samples=_creation([((0.0, 1.0, 5), {}), ((-1.0, 2.0, 7), {"endpoint": False})]))
add("eye", static_numbers=True, dtypes=ALL, samples=_creation([((3,), {}), ((2, 4), {"k": 1}), ((4, 3), {"k": -2})]))


def covered_names() -> set[str]:
    return {op.name for op in OPS}
