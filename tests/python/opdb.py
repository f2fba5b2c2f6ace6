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

import ember.nn as enn
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
    # Results are float64 by definition (float_power, as NumPy), not ember's float32 default.
    keep_float64: bool = False
    # Extra keyword arguments for the jitted call only (a static size= for data-dependent result shapes).
    jit_kwargs: Callable[[Sample], dict] | None = None
    # The result's shape depends on the values and there is no size=: under jit the arrays are closed over
    # (concrete constants inside the trace) instead of traced arguments.
    concrete_only: bool = False

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


# ======================================================================================================
# The rest of ember.numpy (NumPy's whole numeric API) and ember.nn.
# ======================================================================================================

import scipy.special  # noqa: E402

# Entries the transform sweep (test_transform_sweep.py) does not take: results whose shape depends on the
# values (no size=), several results of different shapes, or checks on concrete values. test_opdb.py runs
# them like the others.
EXTRA_OPS: list[OpInfo] = []


def add_extra(name, op=None, ref=None, dtypes=NUMBERS, samples=None, **kw):
    EXTRA_OPS.append(OpInfo(name, op or getattr(enp, name), ref or getattr(np, name), dtypes,
                            samples or unary_samples(), **kw))


def via_float32(ref):
    """NumPy's bfloat16 (ml_dtypes) sorts, searches and compares NaNs and signed zeros unreliably: the
    reference runs on the float32 values (exact) and value results go back to bfloat16."""
    def conv(a, to):
        if isinstance(a, np.ndarray) and a.dtype == (BF16 if to == np.float32 else np.float32):
            return a.astype(to)
        if isinstance(a, (list, tuple)) and not hasattr(a, "_fields"):
            return type(a)(conv(x, to) for x in a)
        if isinstance(a, tuple):
            return type(a)(*(conv(x, to) for x in a))
        return a

    def wrapped(*args, **kwargs):
        has_bf16 = any(isinstance(a, np.ndarray) and a.dtype == BF16 for a in args) or any(
            isinstance(a, list) and any(isinstance(x, np.ndarray) and x.dtype == BF16 for x in a) for a in args)
        if not has_bf16:
            return ref(*args, **kwargs)
        r = ref(*conv(args, np.float32), **{k: conv(v, np.float32) for k, v in kwargs.items()})
        return conv(r, BF16)
    return wrapped


def nan_values(rng, dtype, shape, fraction=0.3):
    """Random values with NaNs sprinkled in (floats and complex); other dtypes unchanged."""
    x = random_values(rng, dtype, shape)
    if dtype in INEXACT and x.size:
        mask = rng.random(shape) < fraction
        x = np.where(mask, np.array(np.nan, x.dtype), x).astype(x.dtype)
    return x


def nan_reduction_samples(extra_kwargs=(), no_all_nan=False):
    def gen(rng, dtype):
        out = []
        for s in [(7,), (3, 4), (2, 3, 4)]:
            x = nan_values(rng, dtype, s)
            if no_all_nan and dtype in INEXACT:
                # NaNs only where every index is non-zero: each slice along any axis keeps a number.
                nonzero_idx = np.ones(s, bool)
                for ax in range(len(s)):
                    nonzero_idx &= np.moveaxis(np.indices(s)[ax] != 0, 0, 0)
                x = np.where(nonzero_idx & np.isnan(x), np.array(np.nan, x.dtype), random_values(rng, dtype, s))
                x = x.astype(np_dtype(dtype))
            out.append(Sample((x,)))
            for axis in range(len(s)):
                out.append(Sample((x,), {"axis": axis}))
                out.append(Sample((x,), {"axis": -1 - axis, "keepdims": True}))
        for kw in extra_kwargs:
            out.append(Sample((nan_values(rng, dtype, (3, 4)),), dict(kw)))
        if dtype in FLOATS and not no_all_nan:
            out.append(Sample((np.full((2, 3), np.nan, np_dtype(dtype)),), {"axis": 1}))
            out.append(Sample((edge_values(dtype),)))
        return out
    return gen


def _ints_domain(lo, hi):
    return lambda rng, dtype, shape: random_values(rng, dtype, shape, (lo, hi))


HALF_TOL = {"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2), "float32": (1e-5, 1e-5)}
REDUCE_TOL = {"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2), "float32": (2e-5, 1e-5), "complex64": (2e-5, 1e-5)}

# ---- elementwise ----
add("fabs", dtypes=FLOATS, differentiable=True)
add("signbit", dtypes=SIGNED + UNSIGNED + FLOATS)
def _spacing_ref(x):
    # NumPy's float16 loop measures toward +inf for negative x too (its float32/float64 loops, and ember, go
    # away from zero): for float16 the negative half comes from NumPy's value at |x|, negated.
    if x.dtype == np.float16:
        with np.errstate(all="ignore"):
            return np.where(np.signbit(x) & (x != 0), -np.spacing(-x), np.spacing(x)).astype(x.dtype)
    return np.spacing(x)


add("spacing", ref=_spacing_ref, dtypes=FLOATS, upcast_ref=False)
add("bitwise_count", dtypes=INTS)
for _n in ("deg2rad", "rad2deg", "radians", "degrees"):
    add(_n, dtypes=FLOATS, differentiable=True, tol={"float32": (1e-5, 1e-6)})
add("copysign", dtypes=FLOATS, samples=binary_samples())
add("heaviside", dtypes=FLOATS, samples=binary_samples())
add("hypot", dtypes=FLOATS, samples=binary_samples(), differentiable=True, tol={"float32": (1e-5, 1e-6)})
add("logaddexp", dtypes=FLOATS, samples=binary_samples(), differentiable=True, tol={"float32": (1e-5, 1e-6)})
add("logaddexp2", dtypes=FLOATS, samples=binary_samples(), differentiable=True, tol={"float32": (1e-5, 1e-6)})
add("fmod", dtypes=REAL, samples=binary_samples(rhs_domain=(0.5, 3.0), rhs_int_domain=(1, 9)))
add("float_power", dtypes=FLOATS + SIGNED, keep_float64=True,
    samples=binary_samples(domain=(0.1, 3.0), rhs_domain=(-2.0, 2.0), int_domain=(1, 5), rhs_int_domain=(0, 4),
                           edges=False))
add("gcd", dtypes=INTS, samples=binary_samples(int_domain=(-60, 60), rhs_int_domain=(-60, 60)))
add("lcm", dtypes=INTS, samples=binary_samples(int_domain=(-20, 20), rhs_int_domain=(-20, 20)))


def _ldexp_samples(rng, dtype):
    e = edge_values(dtype)
    span = {"float16": 40, "bfloat16": 300, "float32": 300, "float64": 2200}[dtype]
    return [Sample((random_values(rng, dtype, (3, 4)), rng.integers(-20, 20, (4,)).astype(np.int64))),
            Sample((random_values(rng, dtype, (5,)), 3)), Sample((random_values(rng, dtype, ()), -2)),
            Sample((random_values(rng, dtype, (0,)), np.zeros(0, np.int32))),
            Sample((e[:, None], np.array([-span, -span // 2 - 3, -1, 0, 1, 7, span // 2 + 5, span], np.int32)[None]))]


add("ldexp", dtypes=FLOATS, samples=_ldexp_samples)
add_extra("divmod", dtypes=REAL, samples=binary_samples(rhs_domain=(0.5, 3.0), rhs_int_domain=(1, 9)))
add_extra("modf", dtypes=FLOATS)
add_extra("frexp", dtypes=FLOATS)
# NumPy's own arithmetic (pi * x overflows for the largest floats, as in ember).
def _sinc_ref(x):
    # Half precision is computed in float32 and rounded once (docs/semantics.md); NumPy's float16 loop
    # overflows pi * x near the largest values.
    if x.dtype in (np.float16, BF16):
        return np.sinc(x.astype(np.float32)).astype(x.dtype)
    return np.sinc(x)


add("sinc", ref=_sinc_ref, dtypes=FLOATS + COMPLEX, differentiable=True, upcast_ref=False,
    tol={"float32": (2e-5, 1e-6), "complex64": (2e-4, 1e-5), "float16": (4e-3, 2e-3), "bfloat16": (3e-2, 2e-2)})
add("i0", dtypes=FLOATS, samples=unary_samples(domain=(-10.0, 10.0), edges=False), differentiable=True,
    tol={"float32": (1e-5, 1e-6), "float64": (1e-12, 1e-14)})
add("isneginf", dtypes=REAL)
add("isposinf", dtypes=REAL)


def _nan_to_num_samples(rng, dtype):
    return [Sample((edge_values(dtype),)), Sample((edge_values(dtype),), {"nan": 7.0, "posinf": 9.0, "neginf": -9.0}),
            Sample((random_values(rng, dtype, (3, 4)),))]


def _nan_to_num_ref(x, nan=0.0, posinf=None, neginf=None):
    # NumPy neither detects bfloat16 NaNs nor knows its limits: float32 values and ml_dtypes' limits.
    if x.dtype == BF16:
        big = float(ml_dtypes.finfo(BF16).max)
        posinf = big if posinf is None else posinf
        neginf = -big if neginf is None else neginf
        return np.nan_to_num(x.astype(np.float32), nan=nan, posinf=posinf, neginf=neginf).astype(BF16)
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


add("nan_to_num", ref=_nan_to_num_ref, dtypes=NUMBERS, samples=_nan_to_num_samples, static_numbers=True,
    upcast_ref=False)
add("angle", dtypes=INEXACT, samples=lambda rng, d: [Sample((random_values(rng, d, (3, 4)),)),
                                                       Sample((random_values(rng, d, (5,)),), {"deg": True}),
                                                       Sample((random_values(rng, d, ()),)),
                                                       Sample((random_values(rng, d, (0,)),)),
                                                       Sample((edge_values(d),))],
    tol={"float32": (1e-5, 1e-6), "complex64": (1e-5, 1e-6)})


def _close_samples(rng, dtype):
    a = random_values(rng, dtype, (3, 4))
    b = (a.astype(np.complex128 if dtype in COMPLEX else np.float64) * (1 + 1e-7)).astype(a.dtype)
    e = edge_values(dtype)
    return [Sample((a, b)), Sample((a, a[0])), Sample((e[:, None], e[None, :])),
            Sample((e[:, None], e[None, :]), {"equal_nan": True}), Sample((a, b), {"rtol": 0.0, "atol": 0.0})]


add("isclose", dtypes=INEXACT, samples=_close_samples, static_numbers=True)
add("allclose", dtypes=INEXACT, samples=_close_samples, static_numbers=True)


def _equal_samples(rng, dtype):
    a = random_values(rng, dtype, (3, 4))
    return [Sample((a, a.copy())), Sample((a, random_values(rng, dtype, (3, 4)))), Sample((a, a[:2])),
            Sample((edge_values(dtype), edge_values(dtype)))] + (
        [Sample((edge_values(dtype), edge_values(dtype)), {"equal_nan": True})] if dtype in INEXACT else [])


add("array_equal", dtypes=ALL, samples=_equal_samples, static_numbers=True)
add("array_equiv", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (4,)),) * 2),
                                                         Sample((np.tile(random_values(rng, d, (4,)), (3, 1)),
                                                                 random_values(rng, d, (4,)))),
                                                         Sample((random_values(rng, d, (3, 4)), random_values(rng, d, (3,))))])
add("iscomplex", dtypes=NUMBERS)
add("isreal", dtypes=NUMBERS)
add_extra("real_if_close", dtypes=COMPLEX, concrete_only=True,
          samples=lambda rng, d: [Sample(((random_values(rng, d, (4,)).real + 0j).astype(np_dtype(d)),)),
                                  Sample((random_values(rng, d, (4,)),))])

# ---- creation ----
add("logspace", static_numbers=True, dtypes=FLOATS,
    samples=_creation([((0.0, 2.0, 5), {}), ((-1.0, 1.0, 4), {"endpoint": False}), ((0.0, 3.0, 4), {"base": 2.0})]),
    tol={"float32": (1e-5, 1e-6)})
add("geomspace", static_numbers=True, dtypes=FLOATS,
    samples=_creation([((1.0, 1000.0, 4), {}), ((-2.0, -32.0, 5), {}), ((0.5, 8.0, 3), {"endpoint": False})]),
    tol={"float32": (1e-5, 1e-6)})


def _linspace_array_samples(rng, dtype):
    a, b = random_values(rng, dtype, (3,)), random_values(rng, dtype, (3,))
    return [Sample((a, b, 4)), Sample((a, b, 5), {"endpoint": False, "axis": 1}), Sample((np.asarray(a[0]), b, 3))]


add("linspace(arrays)", op=lambda *a, **k: enp.linspace(*a, **k), ref=np.linspace, static_numbers=True, dtypes=FLOATS,
    samples=lambda rng, d: _linspace_array_samples(rng, d) + _creation(
        [((0.0, 1.0, 5), {}), ((-1.0, 2.0, 7), {"endpoint": False})])(rng, d),
    tol={"float32": (1e-5, 1e-6), "float16": (4e-3, 2e-3)})
add("tri", static_numbers=True, dtypes=ALL, samples=_creation([((3,), {}), ((2, 4), {"k": 1}), ((4, 3), {"k": -1})]))


def _tri_samples(rng, dtype):
    return [Sample((random_values(rng, dtype, (4, 5)),)), Sample((random_values(rng, dtype, (2, 3, 3)), 1)),
            Sample((random_values(rng, dtype, (4, 4)), -2)), Sample((random_values(rng, dtype, (3,)),))]


add("tril", dtypes=ALL, samples=_tri_samples, static_numbers=True, differentiable=True)
add("triu", dtypes=ALL, samples=_tri_samples, static_numbers=True, differentiable=True)


def _meshgrid_samples(rng, dtype):
    a, b, c = random_values(rng, dtype, (3,)), random_values(rng, dtype, (4,)), random_values(rng, dtype, (2,))
    return [Sample((a, b)), Sample((a, b, c), {"indexing": "ij"}), Sample((a, b), {"sparse": True}), Sample((a,))]


add_extra("meshgrid", dtypes=ALL, samples=_meshgrid_samples)


def _diag_samples(rng, dtype):
    return [Sample((random_values(rng, dtype, (4,)),)), Sample((random_values(rng, dtype, (3,)), 2)),
            Sample((random_values(rng, dtype, (3,)), -1)), Sample((random_values(rng, dtype, (3, 5)),)),
            Sample((random_values(rng, dtype, (5, 3)), 1)), Sample((random_values(rng, dtype, (3, 5)), -2))]


add("diag", dtypes=ALL, samples=_diag_samples, static_numbers=True, differentiable=True)
add("diagflat", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (2, 2)),)),
                                                    Sample((random_values(rng, d, (3,)), 1))],
    static_numbers=True)


def _diagonal_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4, 5))
    return [Sample((random_values(rng, dtype, (4, 4)),)), Sample((x, 1, 1, 2)), Sample((x, -1, 2, 0)),
            Sample((x, 7, 0, 1)), Sample((random_values(rng, dtype, (2, 5)), -1))]


add("diagonal", dtypes=ALL, samples=_diagonal_samples, static_numbers=True, differentiable=True)
add("trace", dtypes=NUMBERS, samples=lambda rng, d: [Sample((random_values(rng, d, (4, 4)),)),
                                                     Sample((random_values(rng, d, (3, 4, 5)), 1, 1, 2)),
                                                     Sample((random_values(rng, d, (3, 3)),), {"dtype": "float64"})],
    static_numbers=True, differentiable=True, tol=REDUCE_TOL)
add("indices", static_numbers=True, dtypes=INTS, samples=_creation([(((2, 3),), {}), (((4,),), {})]))
add("fromfunction", op=lambda shape, dtype: enp.fromfunction(lambda i, j: i * 3 + j, shape, dtype=dtype),
    ref=lambda shape, dtype: np.fromfunction(lambda i, j: i * 3 + j, shape, dtype=dtype),
    static_numbers=True, dtypes=REAL, samples=_creation([(((2, 3),), {})]))
add("copy", dtypes=ALL, samples=unary_samples(edges=False))
add("vander", dtypes=SIGNED + FLOATS, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (4,), (-3, 3)),)),
                            Sample((random_values(rng, d, (3,), (-3, 3)), 5)),
                            Sample((random_values(rng, d, (3,), (-3, 3)), 2), {"increasing": True})],
    tol={"float32": (1e-5, 1e-6)})
for _w in ("bartlett", "blackman", "hamming", "hanning"):
    add(_w, dtypes=("float32",), static_numbers=True,
        samples=lambda rng, d: [Sample((0,)), Sample((1,)), Sample((6,)), Sample((7,))], tol={"float32": (1e-6, 1e-6)})
add("kaiser", dtypes=("float32",), static_numbers=True,
    samples=lambda rng, d: [Sample((1, 2.0)), Sample((6, 5.0)), Sample((7, 0.0))], tol={"float32": (1e-5, 1e-6)})


def _static_index_samples(*cases):
    return lambda rng, d: [Sample(args, kw) for args, kw in cases]


add_extra("tril_indices", dtypes=("int64",), static_numbers=True, samples=_static_index_samples(((3,), {}), ((4, 1, 3), {})))
add_extra("triu_indices", dtypes=("int64",), static_numbers=True, samples=_static_index_samples(((3,), {}), ((4, -1, 5), {})))
add_extra("diag_indices", dtypes=("int64",), static_numbers=True, samples=_static_index_samples(((3,), {}), ((2, 3), {})))
add_extra("tril_indices_from", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (3, 4)),)),
                                                               Sample((random_values(rng, d, (3, 3)), -1))],
    static_numbers=True)
add_extra("triu_indices_from", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (3, 4)),)),
                                                               Sample((random_values(rng, d, (3, 3)), 1))],
    static_numbers=True)
add_extra("diag_indices_from", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (3, 3)),))])
add_extra("mask_indices", op=lambda n, k, **kw: enp.mask_indices(n, enp.triu, k, **kw),
          ref=lambda n, k: np.mask_indices(n, np.triu, k), dtypes=("int64",), static_numbers=True,
          samples=_static_index_samples(((3, 0), {}), ((4, 1), {})),
          jit_kwargs=lambda s: {"size": len(np.mask_indices(s.args[0], np.triu, s.args[1])[0])})
add_extra("ix_", dtypes=INTS, samples=lambda rng, d: [Sample((random_values(rng, d, (2,), (0, 5)),
                                                        random_values(rng, d, (3,), (0, 5))))])

for _n in ("asanyarray", "ascontiguousarray", "asfortranarray", "require"):
    add(_n, dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, s),)) for s in [(3, 4), (5,)]])
add_extra("asarray_chkfinite", dtypes=ALL, concrete_only=True,
          samples=lambda rng, d: [Sample((random_values(rng, d, s),)) for s in [(3, 4), (5,)]])


def _apply_along(mod):
    def f(x, axis, which):
        if which == 0:
            return mod.apply_along_axis(lambda v: v[0] * v[-1], axis, x)
        return mod.apply_along_axis(lambda v: mod.stack([mod.sum(v), mod.max(v)]), axis, x)
    return f


def _apply_over(mod):
    return lambda x, axes: mod.apply_over_axes(mod.sum, x, axes)


add("apply_along_axis", op=_apply_along(enp), ref=_apply_along(np), dtypes=SIGNED + FLOATS, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (3, 4)), 1, 0)), Sample((random_values(rng, d, (3, 4)), 0, 1)),
                            Sample((random_values(rng, d, (2, 3, 4)), 1, 1))], tol=REDUCE_TOL)
add("apply_over_axes", op=_apply_over(enp), ref=_apply_over(np), dtypes=SIGNED + FLOATS, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3, 4)), (0, 2))), Sample((random_values(rng, d, (3, 4)), 1))],
    tol=REDUCE_TOL)

# ---- manipulation ----
add_extra("broadcast_arrays", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (3,)), random_values(rng, d, (2, 1)))),
                                                            Sample((random_values(rng, d, ()),))])
add("matrix_transpose", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3)),)),
                                                            Sample((random_values(rng, d, (4, 2, 3)),))],
    differentiable=True)
add("rollaxis", dtypes=ALL, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3, 4)), 2)), Sample((random_values(rng, d, (2, 3, 4)), 0, 3)),
                            Sample((random_values(rng, d, (2, 3, 4)), -1, 1))])
for _n in ("atleast_1d", "atleast_2d", "atleast_3d"):
    add(_n, dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, s),)) for s in [(), (3,), (2, 3), (2, 3, 4)]])


def _stack_like_samples(rng, dtype):
    return [Sample(([random_values(rng, dtype, (2, 3)), random_values(rng, dtype, (2, 3))],)),
            Sample(([random_values(rng, dtype, (3,)), random_values(rng, dtype, (3,))],)),
            Sample(([random_values(rng, dtype, ()), random_values(rng, dtype, ())],))]


for _n in ("hstack", "vstack", "dstack", "column_stack"):
    add(_n, dtypes=ALL, samples=_stack_like_samples, differentiable=True)
add_extra("unstack", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3)),)),
                                                   Sample((random_values(rng, d, (2, 3)),), {"axis": 1})],
    static_numbers=True)


def _block_samples(rng, dtype):
    a, b = random_values(rng, dtype, (2, 2)), random_values(rng, dtype, (2, 1))
    c = random_values(rng, dtype, (1, 3))
    return [Sample(([[a, b], [c]],)), Sample(([random_values(rng, dtype, (2,)), random_values(rng, dtype, (3,))],))]


add("block", dtypes=ALL, samples=_block_samples)


def _split_samples(rng, dtype):
    x = random_values(rng, dtype, (6, 4))
    return [Sample((x, 3)), Sample((x, [1, 4])), Sample((x, 2), {"axis": 1}), Sample((x, [-2, 9]))]


add_extra("split", dtypes=ALL, samples=_split_samples, static_numbers=True)
add_extra("array_split", dtypes=ALL, static_numbers=True,
    samples=lambda rng, d: _split_samples(rng, d) + [Sample((random_values(rng, d, (7,)), 3))])
add_extra("hsplit", dtypes=ALL, static_numbers=True, samples=lambda rng, d: [Sample((random_values(rng, d, (2, 4)), 2)),
                                                                         Sample((random_values(rng, d, (6,)), [2]))])
add_extra("vsplit", dtypes=ALL, static_numbers=True, samples=lambda rng, d: [Sample((random_values(rng, d, (4, 2)), 2))])
add_extra("dsplit", dtypes=ALL, static_numbers=True, samples=lambda rng, d: [Sample((random_values(rng, d, (1, 2, 4)), [1]))])
add("tile", dtypes=ALL, static_numbers=True, differentiable=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (3,)), 2)), Sample((random_values(rng, d, (2, 3)), (2, 1, 2))),
                            Sample((random_values(rng, d, ()), (2, 2))), Sample((random_values(rng, d, (2, 3)), 0))])
add("repeat", dtypes=ALL, static_numbers=True, differentiable=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (3,)), 2)), Sample((random_values(rng, d, (2, 3)), 2), {"axis": 1}),
                            Sample((random_values(rng, d, (3,)), [1, 0, 3])),
                            Sample((random_values(rng, d, (2, 3)), [2, 1]), {"axis": 0})])
add("flip", dtypes=ALL, static_numbers=True, differentiable=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3)),)), Sample((random_values(rng, d, (2, 3)), 1)),
                            Sample((random_values(rng, d, (2, 3, 4)), (0, 2)))])
add("fliplr", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3)),))])
add("flipud", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3)),))])
add("roll", dtypes=ALL, static_numbers=True, differentiable=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (7,)), 2)), Sample((random_values(rng, d, (3, 4)), -5)),
                            Sample((random_values(rng, d, (3, 4)), (1, 2), (0, 1))),
                            Sample((random_values(rng, d, (3, 4)), 1), {"axis": -1})])
add("rot90", dtypes=ALL, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3)), k)) for k in (1, 2, 3, -1, 4)] +
                           [Sample((random_values(rng, d, (2, 3, 4)), 1, (1, 2)))])


def _pad_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4))
    v = random_values(rng, dtype, (5,))
    out = [Sample((x, 1)), Sample((x, ((1, 2), (0, 3)))), Sample((x, 2), {"mode": "edge"}),
           Sample((v, (7, 8)), {"mode": "reflect"}), Sample((v, (7, 8)), {"mode": "symmetric"}),
           Sample((x, (2, 3)), {"mode": "wrap"}), Sample((v, (9, 11)), {"mode": "wrap"}),
           Sample((random_values(rng, dtype, (1, 3)), 2), {"mode": "reflect"})]
    if dtype not in COMPLEX:  # ember's max/min/median are for real numbers
        out += [Sample((x, (2, 1)), {"mode": "maximum"}), Sample((x, (2, 1)), {"mode": "minimum"}),
                Sample((x, ((1, 1), (2, 2))), {"mode": "maximum", "stat_length": 2})]
    if dtype != "bool":
        out += [Sample((x, (2, 3)), {"mode": "constant", "constant_values": ((1, 2), (3, 0))}),
                Sample((x, (2, 3)), {"mode": "linear_ramp", "end_values": (1, 3)}), Sample((x, 2), {"mode": "mean"})]
    if dtype not in COMPLEX + BOOL:
        out += [Sample((x, 2), {"mode": "median"}), Sample((x, (1, 2)), {"mode": "median", "stat_length": (1, 3)})]
    if dtype in SIGNED + FLOATS:
        out += [Sample((v, (7, 8)), {"mode": "reflect", "reflect_type": "odd"}),
                Sample((v, (6, 9)), {"mode": "symmetric", "reflect_type": "odd"})]
    return out


add("pad", dtypes=ALL, samples=_pad_samples, static_numbers=True, upcast_ref=False,
    tol={"float16": (2e-3, 2e-3), "bfloat16": (1.6e-2, 1e-2), "float32": (1e-6, 1e-6)})
add("append", dtypes=ALL, samples=lambda rng, d: [Sample((random_values(rng, d, (3,)), random_values(rng, d, (2, 2)))),
                                                  Sample((random_values(rng, d, (2, 3)), random_values(rng, d, (1, 3))), {"axis": 0})])


def _insert_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4))
    v = random_values(rng, dtype, ())
    return [Sample((x, 1, v)), Sample((x, [0, 2, 2], v), {"axis": 1}), Sample((x, 3, random_values(rng, dtype, (4,))), {"axis": 0}),
            Sample((x, -1, random_values(rng, dtype, (3,))), {"axis": 1}), Sample((x, slice(1, 3), v), {"axis": 1}),
            Sample((x, [4, 0], random_values(rng, dtype, (2,)))), Sample((x, 1, random_values(rng, dtype, (2, 4))), {"axis": 0})]


add("insert", dtypes=ALL, samples=_insert_samples, static_numbers=True)
add("delete", dtypes=ALL, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (3, 4)), 1)), Sample((random_values(rng, d, (3, 4)), [0, 2, -1]), {"axis": 1}),
                            Sample((random_values(rng, d, (3, 4)), slice(0, 2)), {"axis": 0}),
                            Sample((random_values(rng, d, (5,)), [0, 0, 3]))])
add("resize", dtypes=ALL, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (3,)), (2, 4))), Sample((random_values(rng, d, (2, 3)), 4)),
                            Sample((random_values(rng, d, (0,)), (2,)))])
add_extra("trim_zeros", dtypes=REAL + BOOL, concrete_only=True,
          samples=lambda rng, d: [Sample((np.array([0, 0, 1, 0, 2, 0], np_dtype(d)),)),
                                  Sample((np.array([0, 1, 0], np_dtype(d)), "b")), Sample((np.zeros(3, np_dtype(d)),)),
                                  Sample((np.array([1, 0, 0], np_dtype(d)), "f"))])


def _select_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4))
    c1, c2 = rng.random((3, 4)) < 0.3, rng.random((4,)) < 0.5
    return [Sample(([c1, c2], [x, random_values(rng, dtype, (4,))], random_values(rng, dtype, ()))),
            Sample(([c1], [x]))]


add("select", dtypes=ALL, samples=_select_samples)


def _choose_samples(rng, dtype):
    choices = [random_values(rng, dtype, (3, 4)) for _ in range(3)]
    idx = rng.integers(0, 3, (3, 4))
    return [Sample((idx, choices)), Sample((idx[0], choices)), Sample((idx + 2, choices), {"mode": "wrap"}),
            Sample((idx - 1, choices), {"mode": "clip"})]


add("choose", dtypes=ALL, samples=_choose_samples)


def _piecewise(mod):
    def f(x, pick):
        x = mod.asarray(x)
        conds = [x < 0, x > 1] if pick else [x < 0]
        funcs = [lambda v: v * 2, lambda v: v - 1, 5] if pick else [lambda v: -v]
        return mod.piecewise(x, conds, funcs)
    return f


add("piecewise", op=_piecewise(enp), ref=_piecewise(np), dtypes=SIGNED + FLOATS, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (3, 4)), True)), Sample((random_values(rng, d, (5,)), False))])

# ---- indexing ----


def _take_samples(rng, dtype):
    x = random_values(rng, dtype, (4, 5))
    return [Sample((x, np.array([0, 3, -1, 2]))), Sample((x, np.array([[1, 0], [4, -5]])), {"axis": 1}),
            Sample((x, np.array([7, -9])), {"axis": 0, "mode": "clip"}), Sample((x, np.array([7, -9, 20])), {"mode": "wrap"}),
            Sample((x, np.array(2)), {"axis": 1})]


add("take", dtypes=ALL, samples=_take_samples, differentiable=True)


def _take_along_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 5))
    return [Sample((x, rng.integers(-5, 5, (3, 2)), 1)), Sample((x, rng.integers(0, 3, (4, 5)), 0)),
            Sample((x, rng.integers(0, 5, (1, 4)), 1)), Sample((x[0], rng.integers(0, 5, (6,)), None))]


add("take_along_axis", dtypes=ALL, samples=_take_along_samples, differentiable=True, static_numbers=True)


def _nonzero_size(sample):
    return {"size": int(np.count_nonzero(sample.args[0]))}


def _nonzero_samples(rng, dtype):
    return [Sample((random_values(rng, dtype, (3, 4), (0, 2) if dtype in INTS else None),)),
            Sample((random_values(rng, dtype, (7,)),)), Sample((np.zeros((2, 3), np_dtype(dtype)),)),
            Sample((random_values(rng, dtype, (2, 2, 3)),))]


add_extra("nonzero", dtypes=ALL, samples=_nonzero_samples, jit_kwargs=_nonzero_size)
add_extra("flatnonzero", dtypes=ALL, samples=_nonzero_samples, jit_kwargs=_nonzero_size)
add_extra("argwhere", dtypes=ALL, samples=lambda rng, d: _nonzero_samples(rng, d) + [Sample((random_values(rng, d, ()),))],
          jit_kwargs=_nonzero_size)
add_extra("where(condition)", op=lambda c, **k: enp.where(c, **k), ref=lambda c: np.where(c), dtypes=ALL, samples=_nonzero_samples,
          jit_kwargs=_nonzero_size)


def _extract_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4))
    return [Sample((rng.random((3, 4)) < 0.5, x)), Sample((np.zeros((3, 4), bool), x))]


add_extra("extract", dtypes=ALL, samples=_extract_samples, jit_kwargs=_nonzero_size)
add_extra("compress", dtypes=ALL, jit_kwargs=_nonzero_size,
          samples=lambda rng, d: [Sample((np.array([True, False, True]), random_values(rng, d, (3, 4))), {"axis": 0}),
                                  Sample((np.array([False, True]), random_values(rng, d, (3, 4))), {"axis": 1}),
                                  Sample((np.array([True, True, False, True]), random_values(rng, d, (2, 3))))])
add_extra("unravel_index", dtypes=INTS, static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (5,), (0, 23)), (2, 3, 4))), Sample((random_values(rng, d, (), (0, 5)), (6,)))])


def _ravel_multi_samples(rng, dtype):
    a, b = random_values(rng, dtype, (5,), (0, 1)), random_values(rng, dtype, (5,), (0, 3))
    return [Sample(((a, b), (2, 4))), Sample(((a + 2, b), (2, 4)), {"mode": "wrap"}),
            Sample(((a, b + 5), (2, 4)), {"mode": ("raise", "clip")})]


add("ravel_multi_index", dtypes=SIGNED + ("uint8", "uint32"), samples=_ravel_multi_samples, static_numbers=True)

# ---- sorting, searching, counting ----


def _sort_samples(rng, dtype):
    out = [Sample((random_values(rng, dtype, (3, 5)),)), Sample((random_values(rng, dtype, (3, 5)),), {"axis": 0}),
           Sample((random_values(rng, dtype, (2, 3, 4)),), {"axis": None}), Sample((random_values(rng, dtype, (0, 3)),)),
           Sample((random_values(rng, dtype, (9,), (-2, 2)),), {"kind": "stable"})]
    if dtype in FLOATS or dtype in COMPLEX:
        out.append(Sample((edge_values(dtype),)))
    return out


add("sort", ref=via_float32(np.sort), dtypes=ALL, samples=_sort_samples, upcast_ref=False, differentiable=True)
add("argsort", dtypes=ALL, samples=_sort_samples, upcast_ref=False,
    ref=via_float32(lambda a, axis=-1, kind=None: np.argsort(a, axis=axis, stable=True)))


def _descending_ref(which):
    def ref(a, axis=-1):
        # A stable descending order: the reversed ascending order of the reversed array (NaNs first).
        x = np.flip(a, axis) if axis is not None else np.flip(a.reshape(-1))
        ax = -1 if axis is None else axis
        idx = np.argsort(x, axis=ax, stable=True)
        n = x.shape[ax]
        idx = np.flip(n - 1 - idx, ax)
        if which == "argsort":
            return idx
        return np.take_along_axis(a if axis is not None else a.reshape(-1), idx, ax)
    return ref


add("sort(descending)", op=lambda a, axis=-1: enp.sort(a, axis=axis, descending=True), ref=via_float32(_descending_ref("sort")),
    dtypes=REAL + BOOL, samples=lambda rng, d: [s for s in _sort_samples(rng, d) if "kind" not in s.kwargs], upcast_ref=False)
add("argsort(descending)", op=lambda a, axis=-1: enp.argsort(a, axis=axis, descending=True),
    ref=via_float32(_descending_ref("argsort")), dtypes=REAL + BOOL, upcast_ref=False,
    samples=lambda rng, d: [s for s in _sort_samples(rng, d) if "kind" not in s.kwargs])


def _lexsort_samples(rng, dtype):
    k1, k2 = random_values(rng, dtype, (8,), (0, 3)), random_values(rng, dtype, (8,), (0, 3))
    return [Sample(([k1, k2],)), Sample(([random_values(rng, dtype, (3, 4), (0, 2)), random_values(rng, dtype, (3, 4), (0, 2))], 0))]


add("lexsort", ref=via_float32(np.lexsort), dtypes=ALL, samples=_lexsort_samples, static_numbers=True)
add("sort_complex", ref=via_float32(np.sort_complex), dtypes=REAL + COMPLEX, samples=lambda rng, d: [Sample((random_values(rng, d, (7,)),))], upcast_ref=False)


def _partition_ref(which):
    # Any array partitioned around kth is a valid result; ember's is the sorted one.
    return lambda a, kth, axis=-1: np.argsort(a, axis=axis, stable=True) if which == "arg" else np.sort(a, axis=axis)


add("partition", dtypes=REAL, ref=via_float32(_partition_ref("val")), static_numbers=True, upcast_ref=False,
    samples=lambda rng, d: [Sample((random_values(rng, d, (9,)), 3)), Sample((random_values(rng, d, (3, 4)), (0, 2)), {"axis": 0})])
add("argpartition", dtypes=REAL, ref=via_float32(_partition_ref("arg")), static_numbers=True, upcast_ref=False,
    samples=lambda rng, d: [Sample((random_values(rng, d, (9,)), 3)), Sample((random_values(rng, d, (3, 4)), (0, 2)), {"axis": 0})])


def _searchsorted_samples(rng, dtype):
    a = np.sort(random_values(rng, dtype, (9,)))
    v = random_values(rng, dtype, (3, 4))
    out = [Sample((a, v)), Sample((a, v), {"side": "right"}), Sample((a, a)), Sample((a, a), {"side": "right"}),
           Sample((a, v), {"method": "scan"}), Sample((a, a), {"side": "right", "method": "scan"}),
           Sample((a, v, "left", np.arange(9)))]
    if dtype in FLOATS:
        e = np.sort(edge_values(dtype).astype(np.float64)).astype(np_dtype(dtype))  # NumPy's bfloat16 sort
        out += [Sample((e, e)), Sample((e, e), {"side": "right"}), Sample((e, e), {"method": "scan"})]
    return out


add("searchsorted", dtypes=REAL + BOOL, samples=_searchsorted_samples, upcast_ref=False,
    ref=via_float32(lambda a, v, side="left", sorter=None, method=None: np.searchsorted(a, v, side, sorter)))


def _unique_size(sample):
    x = sample.args[0]
    axis = sample.kwargs.get("axis")
    if axis is None:
        return {"size": int(via_float32(np.unique)(x.reshape(-1), equal_nan=sample.kwargs.get("equal_nan", True)).size)}
    return {"size": int(via_float32(np.unique)(x, axis=axis).shape[axis])}


def _unique_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4), (0, 4) if dtype in INTS else None)
    if dtype in INEXACT:
        x = np.round(x).astype(x.dtype)
    out = [Sample((x,)), Sample((x,), {"return_index": True, "return_inverse": True, "return_counts": True}),
           Sample((np.concatenate([x, x[:1]]),), {"axis": 0}), Sample((x[0],), {"return_counts": True})]
    if dtype in FLOATS:
        e = edge_values(dtype)
        out += [Sample((np.concatenate([e, e]),)), Sample((np.concatenate([e, e]),), {"equal_nan": False})]
    return out


add_extra("unique", ref=via_float32(np.unique), dtypes=ALL, samples=_unique_samples, upcast_ref=False, jit_kwargs=_unique_size)


def _unique_api_size(sample):
    return {"size": int(via_float32(np.unique)(sample.args[0].reshape(-1), equal_nan=False).size)}


def _unique_api_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4), (0, 4) if dtype in INTS else None)
    if dtype in INEXACT:
        x = np.round(x).astype(x.dtype)
    return [Sample((x,)), Sample((x[0],))]


def _unique_api_ref(name):
    # NumPy 2.4 no longer sorts these (a hash table); ember's sorted answer is the reference, from np.unique.
    def ref(x):
        v, i, inv, c = np.unique(x, return_index=True, return_inverse=True, return_counts=True, equal_nan=False)
        inv = inv.reshape(x.shape)
        return {"unique_all": (v, i, inv, c), "unique_counts": (v, c), "unique_inverse": (v, inv),
                "unique_values": v}[name]
    return ref


for _n in ("unique_all", "unique_counts", "unique_inverse", "unique_values"):
    add_extra(_n, ref=via_float32(_unique_api_ref(_n)), dtypes=ALL, samples=_unique_api_samples, upcast_ref=False,
              jit_kwargs=_unique_api_size)


def _set_samples(rng, dtype):
    a = random_values(rng, dtype, (9,), (0, 6) if dtype in INTS else None)
    b = random_values(rng, dtype, (2, 3), (0, 6) if dtype in INTS else None)
    if dtype in INEXACT:
        a, b = np.round(a).astype(a.dtype), np.round(b).astype(b.dtype)
    return [Sample((a, b)), Sample((a, a)), Sample((np.unique(a), np.unique(b)), {"assume_unique": True})]


def _set_size(name):
    def size(sample):
        kw = {k: v for k, v in sample.kwargs.items()}
        return {"size": int(via_float32(getattr(np, name))(*sample.args, **kw).size)}
    return size


for _n in ("intersect1d", "setdiff1d", "setxor1d"):
    add_extra(_n, ref=via_float32(getattr(np, _n)), dtypes=REAL + BOOL, samples=_set_samples, upcast_ref=False,
              jit_kwargs=_set_size(_n))
add_extra("union1d", ref=via_float32(np.union1d), dtypes=REAL + BOOL, upcast_ref=False, jit_kwargs=_set_size("union1d"),
          samples=lambda rng, d: [s for s in _set_samples(rng, d) if not s.kwargs])


def _isin_samples(rng, dtype):
    a = random_values(rng, dtype, (3, 4), (0, 6) if dtype in INTS else None)
    b = random_values(rng, dtype, (5,), (0, 6) if dtype in INTS else None)
    if dtype in INEXACT:
        a, b = np.round(a).astype(a.dtype), np.round(b).astype(b.dtype)
    out = [Sample((a, b)), Sample((a, b), {"invert": True}), Sample((a, b[:0]))]
    if dtype in FLOATS:
        out.append(Sample((edge_values(dtype), edge_values(dtype)[::2])))
    return out


add("isin", ref=via_float32(np.isin), dtypes=ALL, samples=_isin_samples, upcast_ref=False)
add("in1d", dtypes=ALL, samples=_isin_samples, upcast_ref=False,
    ref=via_float32(lambda a, b, assume_unique=False, invert=False: np.isin(a.reshape(-1), b, invert=invert)))
add("count_nonzero", dtypes=ALL, samples=reduction_samples())


def _digitize_samples(rng, dtype):
    bins = np.sort(random_values(rng, dtype, (5,)))
    x = random_values(rng, dtype, (3, 4))
    return [Sample((x, bins)), Sample((x, bins, True)), Sample((bins, bins)), Sample((x, bins[::-1])),
            Sample((bins, bins[::-1], True))]


add_extra("digitize", ref=via_float32(np.digitize), dtypes=SIGNED + FLOATS, samples=_digitize_samples, upcast_ref=False, static_numbers=True)


def _bincount_samples(rng, dtype):
    x = random_values(rng, dtype, (9,), (0, 6))
    w = rng.random(9).astype(np.float32)
    return [Sample((x,)), Sample((x,), {"minlength": 10}), Sample((x, w)), Sample((x[:0],), {"minlength": 2})]


add_extra("bincount", dtypes=INTS, samples=_bincount_samples,
          jit_kwargs=lambda s: {"length": max(int(s.args[0].max()) + 1 if s.args[0].size else 0,
                                              s.kwargs.get("minlength", 0))})


def _packbits_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 11), (0, 2))
    return [Sample((x,)), Sample((x,), {"axis": 1}), Sample((x,), {"axis": 0, "bitorder": "little"})]


add("packbits", dtypes=BOOL + ("uint8", "int32"), samples=_packbits_samples, static_numbers=True)
add("unpackbits", dtypes=("uint8",), static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3), (0, 255)),)),
                            Sample((random_values(rng, d, (2, 3), (0, 255)),), {"axis": 1, "count": 5}),
                            Sample((random_values(rng, d, (4,), (0, 255)),), {"count": -3, "bitorder": "little"}),
                            Sample((random_values(rng, d, (2,), (0, 255)),), {"count": 20})])

# ---- reductions ----
add("ptp", dtypes=REAL, samples=reduction_samples(nonempty=True))
def cumulative_samples(nan=False):
    def gen(rng, dtype):
        values = nan_values if nan else (lambda r, d, s: random_values(r, d, s))
        out = []
        for s in [(), (7,), (3, 4), (2, 3, 4), (0,), (3, 0)]:
            x = values(rng, dtype, s)
            out.append(Sample((x,)))
            for axis in range(len(s)):
                out.append(Sample((x,), {"axis": axis}))
                out.append(Sample((x,), {"axis": -1 - axis}))
        out.append(Sample((values(rng, dtype, (3, 4)),), {"axis": 1, "dtype": "float64"}))
        if dtype in FLOATS:
            out.append(Sample((edge_values(dtype),)))
        return out
    return gen


add("cumsum", dtypes=ALL, samples=cumulative_samples(), differentiable=True, tol=REDUCE_TOL)
PROD_TOL = dict(REDUCE_TOL, complex64=(1e-4, 1e-5))
add("cumprod", dtypes=ALL, samples=cumulative_samples(), differentiable=True, tol=PROD_TOL)


def _cumulative_samples(rng, dtype):
    return [Sample((random_values(rng, dtype, (7,)),)), Sample((random_values(rng, dtype, (3, 4)),), {"axis": 1}),
            Sample((random_values(rng, dtype, (3, 4)),), {"axis": 0, "include_initial": True}),
            Sample((random_values(rng, dtype, (5,)),), {"include_initial": True})]


add("cumulative_sum", dtypes=ALL, samples=_cumulative_samples, differentiable=True, tol=REDUCE_TOL)
add("cumulative_prod", dtypes=ALL, samples=_cumulative_samples, differentiable=True, tol=PROD_TOL)


def _average_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 4))
    w = random_values(rng, dtype, (3, 4), (1, 5) if dtype in INTS else (0.5, 2.0))
    return [Sample((x,)), Sample((x,), {"axis": 1}), Sample((x, 0, w[:, 0])), Sample((x, None, w)),
            Sample((x, (0, 1)), {"keepdims": True})]


add_extra("average(returned)", op=lambda *a, **k: enp.average(*a, returned=True, **k),
          ref=lambda *a, **k: np.average(*a, returned=True, **k), dtypes=REAL + COMPLEX, tol=REDUCE_TOL,
          static_numbers=True, samples=lambda rng, d: [s for s in _average_samples(rng, d) if s.args[1:] or "axis" in s.kwargs])
add("average", dtypes=REAL + COMPLEX, samples=_average_samples, differentiable=True, tol=REDUCE_TOL, static_numbers=True)


def _quantile_samples(rng, dtype):
    x = random_values(rng, dtype, (4, 5))
    methods = ["linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
               "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
               "normal_unbiased"]
    q = np.array([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
    out = [Sample((x, q), {"method": m}) for m in methods]
    out += [Sample((x, 0.3), {"axis": 1}), Sample((x, q[1:3]), {"axis": 0, "keepdims": True}),
            Sample((random_values(rng, dtype, (2, 3, 4)), 0.7), {"axis": (0, 2)}), Sample((random_values(rng, dtype, (1,)), q))]
    if dtype in FLOATS and dtype != "bfloat16":  # NumPy's bfloat16 sort does not put NaNs last
        out.append(Sample((edge_values(dtype), 0.5)))
    return out


def _percent(q):
    return q * 100 if isinstance(q, float) else np.asarray(q) * 100


QUANT_TOL = {"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2), "float32": (2e-6, 2e-6)}
add("quantile", dtypes=REAL, static_numbers=True, samples=_quantile_samples, tol=QUANT_TOL, upcast_ref=False)
add("percentile", dtypes=REAL, static_numbers=True, tol=QUANT_TOL, upcast_ref=False,
    samples=lambda rng, d: [Sample((s.args[0], _percent(s.args[1])), s.kwargs) for s in _quantile_samples(rng, d)])
add("median", dtypes=REAL, samples=reduction_samples(nonempty=True), tol=QUANT_TOL, upcast_ref=False,
    ref=lambda x, **k: np.median(x.astype(np.float32) if x.dtype == BF16 else x, **k))


def _nanquantile_samples(rng, dtype):
    x = nan_values(rng, dtype, (4, 6))
    all_nan_row = x.copy()
    if dtype in FLOATS:
        all_nan_row[1] = np.nan
    q = np.array([0.0, 0.2, 0.5, 0.75, 1.0])
    return [Sample((x, q), {"axis": 1, "method": m}) for m in ("linear", "lower", "higher", "nearest", "midpoint",
                                                                  "hazen", "inverted_cdf", "closest_observation")] + \
        [Sample((x, 0.4)), Sample((x, 0.6), {"axis": 0, "keepdims": True}), Sample((all_nan_row, q), {"axis": 1})]


add("nanquantile", dtypes=REAL, static_numbers=True, samples=_nanquantile_samples, tol=QUANT_TOL, upcast_ref=False)
add("nanpercentile", dtypes=REAL, static_numbers=True, tol=QUANT_TOL, upcast_ref=False,
    samples=lambda rng, d: [Sample((s.args[0], _percent(s.args[1])), s.kwargs) for s in _nanquantile_samples(rng, d)])
add("nanmedian", dtypes=REAL, samples=nan_reduction_samples(), tol=QUANT_TOL, upcast_ref=False,
    ref=lambda x, **k: np.nanmedian(x.astype(np.float32) if x.dtype == BF16 else x, **k))
add("nansum", dtypes=ALL, samples=nan_reduction_samples([{"axis": 1, "dtype": "float64"}]), tol=REDUCE_TOL,
    differentiable=True)
add("nanprod", dtypes=ALL, samples=nan_reduction_samples(), tol=REDUCE_TOL)
add("nanmean", dtypes=REAL + COMPLEX, samples=nan_reduction_samples(), tol=REDUCE_TOL, differentiable=True)
add("nanvar", dtypes=FLOATS + COMPLEX, samples=nan_reduction_samples([{"ddof": 1}]), tol=REDUCE_TOL)
add("nanstd", dtypes=FLOATS, samples=nan_reduction_samples([{"ddof": 1}]), tol=REDUCE_TOL)
add("nanmax", dtypes=REAL, samples=nan_reduction_samples())
add("nanmin", dtypes=REAL, samples=nan_reduction_samples())
add("nanargmax", dtypes=REAL, samples=nan_reduction_samples(no_all_nan=True))
add("nanargmin", dtypes=REAL, samples=nan_reduction_samples(no_all_nan=True))
add("nancumsum", dtypes=ALL, samples=cumulative_samples(nan=True), tol=REDUCE_TOL)
add("nancumprod", dtypes=ALL, samples=cumulative_samples(nan=True), tol=PROD_TOL)

# ---- products ----


def _pair_gen(pairs, dom=(-2, 2)):
    return lambda rng, d: [Sample((random_values(rng, d, a, dom), random_values(rng, d, b, dom))) for a, b in pairs]


add("vdot", dtypes=NUMBERS, samples=_pair_gen([((4,), (4,)), ((2, 3), (3, 2)), ((0,), (0,))]), tol=MATMUL_TOL,
    differentiable=True)
add("inner", dtypes=NUMBERS, samples=_pair_gen([((4,), (4,)), ((2, 3), (4, 3)), ((), (3,)), ((2, 2, 3), (3,))]),
    tol=MATMUL_TOL, differentiable=True)
add("outer", dtypes=ALL, samples=_pair_gen([((4,), (3,)), ((2, 2), (3,)), ((0,), (2,))]), differentiable=True)
add("kron", dtypes=ALL, samples=_pair_gen([((2,), (3,)), ((2, 2), (3, 1)), ((2,), (2, 3)), ((), (2,))]), differentiable=True)


def _tensordot_samples(rng, dtype):
    r = lambda s: random_values(rng, dtype, s, (-2, 2))  # noqa: E731
    return [Sample((r((3, 4, 5)), r((4, 5, 2)))), Sample((r((3, 4)), r((4, 2))), {"axes": 1}),
            Sample((r((3, 4, 5)), r((4, 3, 2))), {"axes": ([1, 0], [0, 1])}), Sample((r((3,)), r((2,))), {"axes": 0})]


add("tensordot", dtypes=NUMBERS, samples=_tensordot_samples, tol=MATMUL_TOL, differentiable=True, static_numbers=True)


def _cross_samples(rng, dtype):
    r = lambda s: random_values(rng, dtype, s, (-3, 3))  # noqa: E731
    return [Sample((r((3,)), r((3,)))), Sample((r((4, 3)), r((3,)))), Sample((r((2,)), r((2,)))),
            Sample((r((2,)), r((3,)))), Sample((r((3, 4)), r((3, 4))), {"axisa": 0, "axisb": 0, "axisc": 0}),
            Sample((r((2, 3)), r((3, 2))), {"axisb": 0})]


add("cross", dtypes=SIGNED + FLOATS + COMPLEX, samples=_cross_samples, static_numbers=True, tol=MATMUL_TOL,
    differentiable=True)
add("vecdot", dtypes=NUMBERS, samples=lambda rng, d: _pair_gen([((4,), (4,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3))])(rng, d) +
    [Sample((random_values(rng, d, (3, 2), (-2, 2)), random_values(rng, d, (3, 2), (-2, 2))), {"axis": 0})],
    tol=MATMUL_TOL, differentiable=True, static_numbers=True)
add("matvec", dtypes=NUMBERS, samples=_pair_gen([((3, 4), (4,)), ((2, 3, 4), (4,)), ((3, 4), (2, 4))]), tol=MATMUL_TOL,
    differentiable=True)
add("vecmat", dtypes=NUMBERS, samples=_pair_gen([((3,), (3, 4)), ((2, 3), (3, 4)), ((3,), (2, 3, 4))]), tol=MATMUL_TOL,
    differentiable=True)


def _einsum_samples(rng, dtype):
    r = lambda *s: random_values(rng, dtype, s, (-2, 2))  # noqa: E731
    cases = [("ij,jk->ik", r(2, 3), r(3, 4)), ("ij,jk", r(2, 3), r(3, 4)), ("ii->i", r(3, 3)), ("ii", r(3, 3)),
             ("ij->ji", r(2, 3)), ("i,i", r(4), r(4)), ("i,j->ij", r(2), r(3)), ("...ij,...jk->...ik", r(5, 2, 3), r(3, 4)),
             ("bij,bjk->bik", r(2, 2, 3), r(2, 3, 2)), ("ij,jk,kl->il", r(2, 3), r(3, 4), r(4, 2)),
             ("iij->j", r(2, 2, 3)), ("ijk->", r(2, 3, 2)), ("i...->...", r(3, 2, 2)), ("a,ab,b", r(3), r(3, 4), r(4)),
             ("ij,ij->i", r(3, 4), r(1, 4)), ("abc,cd,bd->a", r(2, 3, 4), r(4, 5), r(3, 5))]
    out = [Sample((c[0], *c[1:])) for c in cases]
    out.append(Sample(("ij,jk,kl->il", r(2, 3), r(3, 4), r(4, 2)), {"optimize": "optimal"}))
    out.append(Sample(("ij,jk,kl->il", r(2, 3), r(3, 4), r(4, 2)), {"optimize": False}))
    return out


add("einsum", dtypes=NUMBERS, samples=_einsum_samples, tol=MATMUL_TOL, differentiable=True,
    ref=lambda *a, **k: np.einsum(*a, **{kk: v for kk, v in k.items() if kk != "optimize"}))

# ---- statistics and signal processing ----


def _diff_samples(rng, dtype):
    x = random_values(rng, dtype, (4, 5))
    return [Sample((x,)), Sample((x, 2, 0)), Sample((x,), {"prepend": x[:, :1]}),
            Sample((x[0],), {"append": random_values(rng, dtype, ())}), Sample((x, 0))]


add("diff", dtypes=ALL, samples=_diff_samples, static_numbers=True, differentiable=True)
add("ediff1d", dtypes=SIGNED + FLOATS, samples=lambda rng, d: [Sample((random_values(rng, d, (2, 3)),)),
                                                               Sample((random_values(rng, d, (4,)), np.array([1, 2], np_dtype(d)), np.array(7, np_dtype(d))))])


def _gradient_samples(rng, dtype):
    f = random_values(rng, dtype, (5, 6))
    xs = np.cumsum(rng.uniform(0.5, 1.5, 6)).astype(np_dtype(dtype) if dtype in FLOATS else np.float32)
    out = [Sample((f,)), Sample((f, 2.0)), Sample((f,), {"axis": 1}), Sample((f, 1.0, 0.5)), Sample((f,), {"edge_order": 2}),
           Sample((random_values(rng, dtype, (6,)), xs)), Sample((random_values(rng, dtype, (6,)), xs), {"edge_order": 2})]
    return out


add_extra("gradient", dtypes=SIGNED + FLOATS, samples=_gradient_samples, differentiable=True,
    tol={"float16": (1e-2, 1e-2), "bfloat16": (6e-2, 6e-2), "float32": (2e-5, 2e-5)})
add("trapezoid", dtypes=SIGNED + FLOATS, differentiable=True, tol=REDUCE_TOL, static_numbers=True,
    # Small integers: NumPy adds neighbouring integers in their own dtype (wrapping), ember in float.
    samples=lambda rng, d: [Sample((random_values(rng, d, (3, 5), (-5, 5)),)),
                            Sample((random_values(rng, d, (3, 5), (-5, 5)),), {"dx": 0.5, "axis": 0}),
                            Sample((random_values(rng, d, (5,), (-5, 5)), np.sort(random_values(rng, d, (5,), (-5, 5)))))])
add("unwrap", dtypes=FLOATS, tol={"float16": (1e-2, 1e-2), "bfloat16": (6e-2, 6e-2), "float32": (1e-5, 1e-5)},
    samples=lambda rng, d: [Sample((random_values(rng, d, (9,), (-10.0, 10.0)),)),
                            Sample((random_values(rng, d, (3, 6), (-10.0, 10.0)),), {"axis": 0, "period": 4.0}),
                            Sample((random_values(rng, d, (7,), (-10.0, 10.0)),), {"discont": 4.0})], static_numbers=True)


def _convolve_samples(rng, dtype):
    r = lambda n: random_values(rng, dtype, (n,), (-3, 3))  # noqa: E731
    return [Sample((r(6), r(3))), Sample((r(3), r(6))), Sample((r(6), r(3), "same")), Sample((r(3), r(6), "same")),
            Sample((r(6), r(4), "valid")), Sample((r(3), r(6), "valid")), Sample((r(1), r(1)))]


add("convolve", dtypes=SIGNED + FLOATS + COMPLEX, samples=_convolve_samples, tol=MATMUL_TOL, differentiable=True)
add("correlate", dtypes=SIGNED + FLOATS + COMPLEX, samples=lambda rng, d: _convolve_samples(rng, d) +
    [Sample((random_values(rng, d, (5,), (-3, 3)), random_values(rng, d, (2,), (-3, 3)), "full"))],
    tol=MATMUL_TOL, differentiable=True)


def _cov_samples(rng, dtype):
    m = random_values(rng, dtype, (3, 6))
    return [Sample((m,)), Sample((m,), {"bias": True}), Sample((m.T,), {"rowvar": False}),
            Sample((m[0], m[1])), Sample((m,), {"ddof": 2}), Sample((m,), {"fweights": np.array([1, 2, 1, 3, 1, 1])}),
            Sample((m,), {"aweights": np.array([0.5, 1.0, 2.0, 1.0, 0.25, 1.0])}),
            Sample((m,), {"fweights": np.array([1, 2, 1, 3, 1, 1]), "aweights": np.array([0.5, 1.0, 2.0, 1.0, 0.25, 1.0])}),
            Sample((m[0],))]


STAT_TOL = {"float16": (2e-2, 2e-2), "bfloat16": (8e-2, 8e-2), "float32": (2e-5, 2e-5), "complex64": (2e-5, 2e-5)}
add("cov", dtypes=REAL + COMPLEX, samples=_cov_samples, tol=STAT_TOL, differentiable=True)
add("corrcoef", dtypes=REAL + COMPLEX, samples=lambda rng, d: [s for s in _cov_samples(rng, d) if set(s.kwargs) <= {"rowvar"}],
    tol=STAT_TOL, differentiable=True)


def _interp_samples(rng, dtype):
    xp = np.sort(random_values(rng, dtype, (6,)))
    fp = random_values(rng, dtype, (6,))
    x = random_values(rng, dtype, (3, 4), (-4.0, 4.0))
    return [Sample((x, xp, fp)), Sample((xp, xp, fp)), Sample((x, xp, fp), {"left": -9.0, "right": 9.0}),
            Sample((x, xp, fp), {"period": 2.0}), Sample((x, xp[:1], fp[:1]))]


add("interp", dtypes=FLOATS, samples=_interp_samples, tol=STAT_TOL, upcast_ref=True)


def _histogram_samples(rng, dtype):
    a = random_values(rng, dtype, (20,))
    w = rng.random(20).astype(np.float32)
    return [Sample((a,)), Sample((a, 5)), Sample((a, np.array([-2.0, -0.5, 0.0, 1.0, 2.5], np_dtype(dtype)))),
            Sample((a, 4), {"range": (-1.0, 1.0)}), Sample((a, 4), {"weights": w}), Sample((a, 3), {"density": True}),
            Sample((np.full(4, 1.5, np_dtype(dtype)), 2))]


# bfloat16 is left out: ml_dtypes' bfloat16 is not an inexact type to NumPy's histogram, which then takes
# another path for the bin edges.
add_extra("histogram", static_numbers=True, dtypes=("float16", "float32", "float64"), samples=_histogram_samples, tol=STAT_TOL, upcast_ref=False)
add_extra("histogram_bin_edges", static_numbers=True, dtypes=("float16", "float32", "float64"), tol=STAT_TOL, upcast_ref=False,
          samples=lambda rng, d: [s for s in _histogram_samples(rng, d) if "weights" not in s.kwargs and "density" not in s.kwargs])
add_extra("histogram2d", static_numbers=True, dtypes=("float32", "float64"), tol=STAT_TOL, upcast_ref=False,
          samples=lambda rng, d: [Sample((random_values(rng, d, (20,)), random_values(rng, d, (20,)))),
                                  Sample((random_values(rng, d, (20,)), random_values(rng, d, (20,)), (3, 4))),
                                  Sample((random_values(rng, d, (20,)), random_values(rng, d, (20,)), 3), {"density": True})])
add_extra("histogramdd", static_numbers=True, dtypes=("float32", "float64"), tol=STAT_TOL, upcast_ref=False,
          samples=lambda rng, d: [Sample((random_values(rng, d, (20, 3)), 3)),
                                  Sample((random_values(rng, d, (20, 2)), (2, 5)), {"range": ((-1, 1), (-2, 2))})])

# ---- polynomials ----
POLY_TOL = {"float16": (2e-2, 2e-2), "bfloat16": (8e-2, 8e-2), "float32": (2e-5, 2e-5), "complex64": (2e-5, 2e-5)}
add("poly", dtypes=FLOATS + ("complex64", "complex128"), samples=lambda rng, d: [Sample((random_values(rng, d, (4,), (-2.0, 2.0)),)),
                                                                                  Sample((random_values(rng, d, (1,)),))],
    tol=POLY_TOL)
add("polyval", dtypes=SIGNED + FLOATS + COMPLEX, samples=lambda rng, d: [Sample((random_values(rng, d, (4,), (-3, 3)), random_values(rng, d, (3, 2), (-3, 3)))),
                                                                          Sample((random_values(rng, d, (1,), (-3, 3)), random_values(rng, d, (), (-3, 3))))],
    tol=POLY_TOL, differentiable=True)
for _n in ("polyadd", "polysub"):
    add(_n, dtypes=SIGNED + FLOATS + COMPLEX, samples=_pair_gen([((3,), (5,)), ((4,), (2,)), ((1,), (1,))], (-3, 3)), tol=POLY_TOL,
        differentiable=True)
add_extra("polymul", dtypes=SIGNED + FLOATS + COMPLEX, samples=lambda rng, d: _pair_gen(
    [((3,), (5,)), ((4,), (2,)), ((1,), (1,))], (-3, 3))(rng, d) + [Sample((np.array([0, 0, 1, 2], np_dtype(d)),
                                                                           np.array([0, 3], np_dtype(d))))],
    tol=POLY_TOL, concrete_only=True)
# float16/bfloat16 keep their dtype (ember's promotion of int64 coefficients); NumPy widens to float64.
add("polyder", dtypes=SIGNED + ("float32", "float64"), static_numbers=True, tol=POLY_TOL,
    samples=lambda rng, d: [Sample((random_values(rng, d, (5,), (-3, 3)),)), Sample((random_values(rng, d, (5,), (-3, 3)), 2)),
                            Sample((random_values(rng, d, (3,), (-3, 3)), 3))])
add("polyint", dtypes=("float32", "float64"), static_numbers=True, tol=POLY_TOL,
    samples=lambda rng, d: [Sample((random_values(rng, d, (4,)),)),
                            Sample((random_values(rng, d, (4,)), 2, np.array([1.0, -2.0], np_dtype(d))))])
add_extra("polydiv", dtypes=("float32", "float64"), tol=POLY_TOL, upcast_ref=False, jit_kwargs=lambda s: {"trim_leading_zeros": False},
          samples=lambda rng, d: [Sample((random_values(rng, d, (5,), (-3, 3)), random_values(rng, d, (2,), (1, 3)))),
                                  Sample((np.array([1.0, 3.0, 2.0], np_dtype(d)), np.array([1.0, 1.0], np_dtype(d))))])


def _polyfit_samples(rng, dtype):
    x = np.linspace(-1, 1, 12).astype(np_dtype(dtype))
    y = random_values(rng, dtype, (12,))
    return [Sample((x, y, 2)), Sample((x, y, 3), {"w": rng.uniform(0.5, 2.0, 12).astype(np_dtype(dtype))}),
            Sample((x, np.stack([y, y * 2], 1), 1))]


add("polyfit", dtypes=("float32", "float64"), samples=_polyfit_samples, static_numbers=True,
    tol={"float32": (2e-3, 2e-4), "float64": (1e-9, 1e-11)})

# ---- ember.nn (references written with NumPy/SciPy) ----
NN_TOL = {"float16": (4e-3, 2e-3), "bfloat16": (3e-2, 2e-2), "float32": (2e-5, 2e-6)}


def _keep_float_dtype(f):
    # SciPy computes float16 in float32; the result dtype follows the input, as in ember.
    def ref(x, *args, **kwargs):
        r = f(x, *args, **kwargs)
        if isinstance(x, np.ndarray) and x.dtype.kind == "f" or (isinstance(x, np.ndarray) and x.dtype == BF16):
            return tuple(np.asarray(v).astype(x.dtype) for v in r) if isinstance(r, tuple) else np.asarray(r).astype(x.dtype)
        return r
    return ref


def nn_add(name, ref, samples=None, dtypes=FLOATS, **kw):
    kw.setdefault("tol", NN_TOL)
    OPS.append(OpInfo("nn." + name, getattr(enn, name), _keep_float_dtype(ref), dtypes, samples or unary_samples(), **kw))


def _gelu_ref(x, approximate=True):
    if approximate:
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + scipy.special.erf(x / np.sqrt(2)))


def _act_samples(extra=()):
    def gen(rng, dtype):
        out = [Sample((random_values(rng, dtype, s, (-6.0, 6.0)),)) for s in [(), (7,), (3, 4), (0,)]]
        out.append(Sample((edge_values(dtype),)))
        for kw in extra:
            out.append(Sample((random_values(rng, dtype, (3, 4), (-6.0, 6.0)),), dict(kw)))
        return out
    return gen


nn_add("relu", lambda x: np.maximum(x, 0), dtypes=SIGNED + FLOATS)
nn_add("relu6", lambda x: np.minimum(np.maximum(x, 0), 6), dtypes=SIGNED + FLOATS)
nn_add("sigmoid", scipy.special.expit, samples=_act_samples(), differentiable=True)
nn_add("log_sigmoid", scipy.special.log_expit, samples=_act_samples(), differentiable=True)
nn_add("softplus", lambda x: np.logaddexp(x, 0), samples=_act_samples(), differentiable=True)
nn_add("silu", lambda x: x * scipy.special.expit(x), samples=_act_samples(), differentiable=True)
nn_add("swish", lambda x: x * scipy.special.expit(x), samples=_act_samples())
nn_add("gelu", _gelu_ref, samples=_act_samples([{"approximate": False}, {"approximate": True}]), differentiable=True,
       static_numbers=True)
nn_add("elu", lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
       samples=_act_samples([{"alpha": 0.5}]), static_numbers=True)
nn_add("leaky_relu", lambda x, negative_slope=0.01: np.where(x >= 0, x, negative_slope * x),
       samples=_act_samples([{"negative_slope": 0.2}]), static_numbers=True)


def _softmax_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 5), (-5.0, 5.0))
    big = (random_values(rng, dtype, (2, 4), (-5.0, 5.0)).astype(np.float64) + 60).astype(np_dtype(dtype))
    out = [Sample((x,)), Sample((x,), {"axis": 0}), Sample((x,), {"axis": (0, 1)}), Sample((big,))]
    if dtype != "float16":
        out.append(Sample(((x.astype(np.float64) * 100).astype(np_dtype(dtype)),)))
    inf_row = x.copy()
    inf_row[0, :2] = -np.inf
    out.append(Sample((inf_row,)))
    return out


nn_add("softmax", lambda x, axis=-1: scipy.special.softmax(x, axis=axis), samples=_softmax_samples,
       differentiable=True, static_numbers=True)
nn_add("log_softmax", lambda x, axis=-1: scipy.special.log_softmax(x, axis=axis), samples=_softmax_samples,
       differentiable=True, static_numbers=True)


def _logsumexp_samples(rng, dtype):
    x = random_values(rng, dtype, (3, 5), (-5.0, 5.0))
    b = random_values(rng, dtype, (3, 5), (-1.0, 2.0))
    b_pos = random_values(rng, dtype, (3, 5), (0.1, 2.0))  # a positive sum: log is defined
    special = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [np.nan, 1.0], [0.0, -np.inf]], np_dtype(dtype))
    return [Sample((x,)), Sample((x,), {"axis": 1}), Sample((x,), {"axis": 0, "keepdims": True}),
            Sample((x,), {"axis": 1, "b": b_pos}), Sample((x,), {"axis": 1, "b": b, "return_sign": True}),
            Sample((x,), {"b": np.where(b_pos > 1.5, 0.0, b_pos).astype(b.dtype)}),
            Sample((special,), {"axis": 1}), Sample((((x.astype(np.float64) + 80)).astype(np_dtype(dtype)),), {"axis": 1})]


nn_add("logsumexp", scipy.special.logsumexp, samples=_logsumexp_samples, differentiable=True, static_numbers=True)
nn_add("one_hot", lambda x, n, dtype=np.float32, axis=-1: np.moveaxis(
    (np.asarray(x)[..., None] == np.arange(n)).astype(dtype), -1, axis if axis >= 0 else np.asarray(x).ndim + 1 + axis),
    dtypes=SIGNED + ("uint8",), static_numbers=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (4,), (0, 5)), 5)), Sample((random_values(rng, d, (2, 3), (-1, 6)), 4)),
                            Sample((random_values(rng, d, (2, 3), (0, 3)), 3), {"axis": 0, "dtype": np.int32})])


def _standardize_ref(x, axis=-1, mean=None, variance=None, epsilon=1e-5):
    m = np.mean(x, axis=axis, keepdims=True) if mean is None else mean
    v = np.var(x, axis=axis, keepdims=True) if variance is None else variance
    return (x - m) / np.sqrt(v + epsilon)


nn_add("standardize", _standardize_ref, static_numbers=True, differentiable=True,
       tol={"float16": (1e-2, 1e-2), "bfloat16": (6e-2, 6e-2), "float32": (5e-5, 5e-5)},
       samples=lambda rng, d: [Sample((random_values(rng, d, (3, 5)),)), Sample((random_values(rng, d, (3, 5)),), {"axis": 0}),
                               Sample((random_values(rng, d, (3, 5)),), {"axis": (0, 1), "epsilon": 0.1}),
                               Sample((random_values(rng, d, (3, 5)),), {"mean": random_values(rng, d, (3, 1)),
                                                                        "variance": random_values(rng, d, (3, 1), (0.5, 2.0))})])


ALL_OPS: list[OpInfo] = OPS + EXTRA_OPS


def covered_names() -> set[str]:
    return {op.name for op in ALL_OPS}


# ==== control flow (ember.lax) and ember.random ========================================================
# Appended after ALL_OPS is formed so the seeded CI samples of the entries above stay the same. Each
# control-flow entry is a small program built on one lax function; its reference is the same program written
# as a Python loop over NumPy arrays (or the NumPy function it computes: cumsum, polyval, sqrt, gcd). Inputs
# keep away from branch boundaries (|x| >= 0.5 where a predicate reads x, switch indices at half-integers),
# so finite differences never straddle a branch.

import ember as em  # noqa: E402
import ember.random as erandom  # noqa: E402

_FIRST_OPS = len(OPS)


def _first(x):
    """The first element of x (any rank) as a 0-d array: what the predicates below read."""
    return enp.reshape(enp.asarray(x), (-1,))[0]


def _signed_away_from_zero(rng, dtype, shape, first=None):
    """Values with |re| in [0.5, 2] and random signs (imaginary parts in [-1, 1] for complex dtypes); `first`
    fixes the first element's sign."""
    v = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    if first is not None:
        v.reshape(-1)[0] = first * abs(v.reshape(-1)[0])
    if dtype in COMPLEX:
        v = v + 1j * rng.uniform(-1.0, 1.0, size=shape)
    return np.asarray(v).astype(np_dtype(dtype))


def _cond_sin_cos(x):
    return em.lax.cond(enp.real(_first(x)) > 0, enp.sin, enp.cos, x)


def _cond_sin_cos_ref(x):
    return np.sin(x) if np.real(x.reshape(-1)[0]) > 0 else np.cos(x)


def _cond_samples(rng, dtype):
    return [Sample((_signed_away_from_zero(rng, dtype, s, sign),)) for s, sign in
            [((7,), 1), ((3, 4), -1), ((), 1), ((), -1), ((2, 3), None)]]


add("lax.cond_sin_cos", _cond_sin_cos, _cond_sin_cos_ref, dtypes=FLOATS + COMPLEX, samples=_cond_samples,
    differentiable=True)

# The branch index is the first element truncated to int32 (clamped into range, as lax.switch does).
_SWITCH_BRANCHES = [lambda v: v * v, lambda v: v + 1, lambda v: -3 * v]


def _switch_three(x):
    return em.lax.switch(em.lax.convert_element_type(_first(x), np.int32), _SWITCH_BRANCHES, x)


def _switch_three_ref(x):
    k = min(max(int(np.trunc(x.reshape(-1)[0])), 0), 2)
    return [lambda v: v * v, lambda v: v + 1, lambda v: -3 * v][k](x)


def _switch_samples(rng, dtype):
    out = []
    # Half-integers for floats (away from truncation's jumps); -1 and 9 are clamped to branches 0 and 2.
    firsts = [-1.5, 0.5, 1.5, 2.5, 9.5] if dtype in FLOATS else [-1, 0, 1, 2, 9]
    for shape, first in zip([(5,), (3, 4), (), (2, 3), (4,)], firsts):
        x = random_values(rng, dtype, shape, (-2, 2) if dtype in INTS else (-2.0, 2.0))
        x.reshape(-1)[0] = first
        out.append(Sample((x,)))
    return out


add("lax.switch_three", _switch_three, _switch_three_ref, dtypes=SIGNED + FLOATS, samples=_switch_samples,
    differentiable=True)


def _while_newton_sqrt(a):
    """sqrt(a) by Newton's iteration from above, until no element changes (at most 40 steps): a
    data-dependent trip count."""
    a = enp.asarray(a)
    y0 = (a + 1) * 0.5

    def body(c):
        i, y, _ = c
        return i + 1, (y + a / y) * 0.5, y

    _, y, _ = em.lax.while_loop(lambda c: (c[0] < 40) & enp.any(c[1] != c[2]), body, (0, y0, y0 + 1))
    return y


add("lax.while_newton_sqrt", _while_newton_sqrt, np.sqrt, dtypes=FLOATS, differentiable=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, s, (0.25, 9.0)),)) for s in [(7,), (3, 4), ()]])


def _while_gcd(a, b):
    """Euclid's algorithm on every pair at once, until every remainder is 0."""
    def body(c):
        x, y = c
        nz = y != 0
        return enp.where(nz, y, x), enp.where(nz, x % enp.where(nz, y, 1), y)

    return em.lax.while_loop(lambda c: enp.any(c[1] != 0), body, (enp.asarray(a), enp.asarray(b)))[0]


add("lax.while_gcd", _while_gcd, np.gcd, dtypes=INTS,
    samples=lambda rng, d: [Sample((random_values(rng, d, s, (0, 100)), random_values(rng, d, s, (0, 100))))
                            for s in [(9,), (3, 4), ()]] +
    [Sample((np.array([0, 12, 0, 81], np_dtype(d)), np.array([0, 0, 18, 27], np_dtype(d))))])


def _fori_horner(c, x):
    """The polynomial with coefficients c (highest power first) at x, by Horner's rule."""
    c = enp.asarray(c)
    return em.lax.fori_loop(0, c.shape[0], lambda i, acc: acc * x + c[i], enp.zeros_like(x))


add("lax.fori_horner", _fori_horner, np.polyval, dtypes=SIGNED + FLOATS, differentiable=True, tol=POLY_TOL,
    samples=lambda rng, d: [Sample((random_values(rng, d, (4,), (-3, 3)), random_values(rng, d, s, (-2, 2))))
                            for s in [(3, 2), (5,), ()]] +
    [Sample((random_values(rng, d, (1,), (-3, 3)), random_values(rng, d, (4,), (-2, 2))))])


def _fori_traced_upper(x, n):
    """A fori_loop whose upper bound is an array (n[0] steps; a while loop): under vmap every lane has its
    own trip count."""
    return em.lax.fori_loop(0, enp.asarray(n)[0], lambda i, y: y * 0.75 + enp.sin(y) * (i + 1) * 0.25, x)


def _fori_traced_upper_ref(x, n):
    y = x
    for i in range(int(n[0])):
        y = y * 0.75 + np.sin(y) * (i + 1) * 0.25
    return y


add("lax.fori_traced_upper", _fori_traced_upper, _fori_traced_upper_ref, dtypes=FLOATS, differentiable=True,
    tol={"float16": (1e-2, 1e-2), "bfloat16": (6e-2, 6e-2), "float32": (1e-5, 1e-5)},
    samples=lambda rng, d: [Sample((random_values(rng, d, s), np.array(n))) for s, n in
                            [((5,), [3, 0, 5]), ((2, 3), [4, 1, 2]), ((), [2, 6, 0]), ((4,), [0, 3, 1])]])


def _scan_cumsum(x):
    """The running sums as ys, then the final carry as one more row."""
    x = enp.asarray(x)
    carry, ys = em.lax.scan(lambda c, r: (c + r, c + r), enp.zeros_like(x[0]), x)
    return enp.concatenate([ys, carry[None]])


def _scan_cumsum_ref(x):
    return np.concatenate([np.cumsum(x, 0, dtype=x.dtype), np.sum(x, 0, dtype=x.dtype)[None]])


add("lax.scan_cumsum", _scan_cumsum, _scan_cumsum_ref, dtypes=INTS + FLOATS, differentiable=True, tol=REDUCE_TOL,
    samples=lambda rng, d: [Sample((random_values(rng, d, s),)) for s in [(6,), (5, 3), (4, 2, 3), (1,)]])


def _scan_rnn_tanh(h0, w, xs, unroll=1):
    """h <- tanh(w @ h + x) over the rows of xs; every h as ys (w is read from the enclosing scope)."""
    w = enp.asarray(w)
    return em.lax.scan(lambda h, x: (enp.tanh(enp.matmul(w, h) + x),) * 2, h0, xs, unroll=unroll)[1]


def _scan_rnn_tanh_ref(h0, w, xs, unroll=1):
    h, ys = h0, []
    for x in xs:
        h = np.tanh(w @ h + x)
        ys.append(h)
    return np.stack(ys)


def _rnn_samples(rng, dtype):
    r = lambda *s: random_values(rng, dtype, s, (-1.0, 1.0))  # noqa: E731
    return [Sample((r(3), r(3, 3), r(5, 3))), Sample((r(3), r(3, 3), r(5, 3)), {"unroll": 2}),
            Sample((r(2), r(2, 2), r(4, 2)), {"unroll": True}), Sample((r(4), r(4, 4), r(1, 4)))]


add("lax.scan_rnn_tanh", _scan_rnn_tanh, _scan_rnn_tanh_ref, dtypes=FLOATS, samples=_rnn_samples, differentiable=True,
    tol=MATMUL_TOL)


def _scan_reverse_discount(x, unroll=1):
    """Discounted returns g[t] = x[t] + 0.9 g[t+1]: a reverse scan (a forward one gives other values)."""
    x = enp.asarray(x)
    return em.lax.scan(lambda g, r: (r + g * 0.9,) * 2, enp.zeros_like(x[0]), x, reverse=True, unroll=unroll)[1]


def _scan_reverse_discount_ref(x, unroll=1):
    g, out = np.zeros_like(x[0]), np.zeros_like(x)
    for t in range(len(x) - 1, -1, -1):
        g = x[t] + g * 0.9
        out[t] = g
    return out


add("lax.scan_reverse_discount", _scan_reverse_discount, _scan_reverse_discount_ref, dtypes=FLOATS, tol=REDUCE_TOL,
    differentiable=True,
    samples=lambda rng, d: [Sample((random_values(rng, d, (7,)),)), Sample((random_values(rng, d, (7, 2)),), {"unroll": 3}),
                            Sample((random_values(rng, d, (4, 3)),), {"unroll": True})])


def _scan_length_powers(x):
    """x, x**2, x**3, x**4 from a scan with no xs (length=4) that reads x from the enclosing scope."""
    x = enp.asarray(x)
    return em.lax.scan(lambda c, _: (c * x,) * 2, enp.ones_like(x), None, length=4)[1]


add("lax.scan_length_powers", _scan_length_powers, lambda x: np.stack([x ** k for k in range(1, 5)]),
    dtypes=SIGNED + FLOATS, differentiable=True, tol=POLY_TOL,
    samples=lambda rng, d: [Sample((random_values(rng, d, s, (-5, 5) if d in INTS else (-2.0, 2.0)),))
                            for s in [(5,), (2, 3), ()]])


def _scan_nested_cond(x):
    """A running sum of x[t]**2 where x[t] > 0 and sin(x[t]) elsewhere: a cond inside the scan body."""
    x = enp.asarray(x)
    body = lambda c, r: (c + em.lax.cond(r > 0, lambda v: v * v, enp.sin, r),) * 2  # noqa: E731
    return em.lax.scan(body, enp.zeros_like(x[0]), x)[1]


def _scan_nested_cond_ref(x):
    c, out = np.zeros_like(x[0]), []
    for r in x:
        c = c + (r * r if r > 0 else np.sin(r))
        out.append(c)
    return np.stack(out)


add("lax.scan_nested_cond", _scan_nested_cond, _scan_nested_cond_ref, dtypes=FLOATS, differentiable=True,
    tol=REDUCE_TOL, samples=lambda rng, d: [Sample((_signed_away_from_zero(rng, d, (n,)),)) for n in (8, 5, 1)])


def _map_row_normalize(x):
    """Each row (leading-axis slice) divided by its Euclidean norm."""
    return em.lax.map(lambda r: r / enp.sqrt(enp.sum(r * r)), x)


def _map_row_normalize_ref(x):
    axes = tuple(range(1, x.ndim))
    return x / np.sqrt(np.sum(x * x, axis=axes, keepdims=True))


add("lax.map_row_normalize", _map_row_normalize, _map_row_normalize_ref, dtypes=FLOATS, differentiable=True,
    tol=STAT_TOL, samples=lambda rng, d: [Sample((_signed_away_from_zero(rng, d, s),)) for s in [(4, 3), (2, 5), (3, 2, 2)]])


# ---- ember.random against JAX ----
# A sampler has no NumPy reference, so the reference is JAX's output for the same key and arguments, printed
# by jax 0.10.2 on the CPU with its defaults (jax_enable_x64 for the float64/int64/uint64 rows), as in
# test_random.py:
#
#   import jax, jax.numpy as jnp, numpy as np; from jax import random as jr
#   jr.split(jr.PRNGKey(42)), jr.fold_in(jr.PRNGKey(42), 7), jr.bits(jr.PRNGKey(9), (2, 3), jnp.uint16),
#   jr.uniform(jr.PRNGKey(7), (5,), jnp.bfloat16, minval=-2.0, maxval=3.0), jr.normal(jr.PRNGKey(3), (2, 2)),
#   jr.randint(jr.PRNGKey(3), (2, 3), 3, 100, jnp.int8), jr.bernoulli(jr.PRNGKey(4), 0.7, (2, 5)),
#   jr.permutation(jr.PRNGKey(8), np.arange(12).reshape(4, 3).astype(np.float32)), ...
#
# One row per call: (function, seed of PRNGKey(seed) = [0, seed], positional arguments after the key,
# keyword arguments, result dtype, JAX's values). The samples of an entry are its rows for the dtype; the
# reference looks a call up in the rows. jit against eager and vmap over (permuted) keys against a loop come
# from the generic sweeps.
_JAX_RANDOM = [
    ("split", 42, (2,), {}, "uint32", [[1832780943, 270669613], [64467757, 2916123636]]),
    ("split", 0, ((2,3),), {}, "uint32", [[[1797259609, 2579123966], [928981903, 3453687069], [4146024105, 2718843009]], [[2467461003, 3840466878], [2285895361, 433833334], [1524306142, 1887795613]]]),
    ("split", 7, (3,), {}, "uint32", [[3625411723, 1954958720], [195045567, 4062205631], [966301609, 1948237315]]),
    ("fold_in", 42, (7,), {}, "uint32", [2547012911, 1371500959]),
    ("fold_in", 1, (2**32 - 1,), {}, "uint32", [1173147676, 4026309821]),
    ("fold_in", 5, (0,), {}, "uint32", [2724472204, 3573582090]),
    ("bits", 42, ((5,),), {}, "uint8", [162, 217, 249, 215, 21]),
    ("bits", 9, ((2,3),), {}, "uint8", [[88, 232, 189], [73, 4, 94]]),
    ("bits", 42, ((5,),), {}, "uint16", [5026, 12505, 63993, 49623, 29461]),
    ("bits", 9, ((2,3),), {}, "uint16", [[28248, 9960, 27069], [56649, 8964, 38750]]),
    ("bits", 42, ((5,),), {}, "uint32", [2098992034, 2919706841, 2646866425, 2409546199, 1935504149]),
    ("bits", 9, ((2,3),), {}, "uint32", [[175140440, 4155647720, 1803250109], [438230345, 961291012, 3543766878]]),
    ("bits", 42, ((5,),), {}, "uint64", [7871734211187709741, 276886910877598708, 10591095138341673235, 13462782411356743825, 12687676868490354166]),
    ("bits", 9, ((2,3),), {}, "uint64", [[12121620046842219373, 614526428959283823, 11495760914254285849], [8063526510075165674, 14344852325189747755, 8393673895257163441]]),
    ("uniform", 42, ((2,3),), {}, "float16", [[0.076171875, 0.1904296875, 0.9755859375], [0.7568359375, 0.44921875, 0.3076171875]]),
    ("uniform", 7, ((5,),), {'minval': -2.0, 'maxval': 3.0}, "float16", [-1.19921875, 0.4609375, -1.189453125, -0.65234375, -0.056640625]),
    ("uniform", 42, ((2,3),), {}, "bfloat16", [[0.6328125, 0.84375, 0.96875], [0.8359375, 0.078125, 0.84375]]),
    ("uniform", 7, ((5,),), {'minval': -2.0, 'maxval': 3.0}, "bfloat16", [-1.8046875, -2.0, 1.3125, -1.0625, 0.625]),
    ("uniform", 42, ((2,3),), {}, "float32", [[0.48870956897735596, 0.6797971725463867, 0.6162714958190918], [0.5610160827636719, 0.4506446123123169, 0.58586585521698]]),
    ("uniform", 7, ((5,),), {'minval': -2.0, 'maxval': 3.0}, "float32", [1.3704495429992676, 2.873084545135498, -0.4857821464538574, 0.21979260444641113, 1.6544328927993774]),
    ("uniform", 42, ((2,3),), {}, "float64", [[0.4267275666499091, 0.015010069515314584, 0.5741444178995352], [0.7298188969046309, 0.687800341230566, 0.6439377419166104]]),
    ("uniform", 7, ((5,),), {'minval': -2.0, 'maxval': 3.0}, "float64", [2.220534725411764, -1.7729370743667177, -0.8750768715357309, -1.678071974331658, -1.940305274539778]),
    ("normal", 42, ((6,),), {}, "float16", [-1.4296875, -0.87548828125, 1.974609375, 0.69677734375, -0.1270751953125, -0.501953125]),
    ("normal", 3, ((2,2),), {}, "float16", [[-1.203125, -0.7392578125], [-1.64453125, -0.53271484375]]),
    ("normal", 42, ((6,),), {}, "bfloat16", [0.34375, 1.015625, 1.890625, 0.984375, -1.40625, 1.015625]),
    ("normal", 3, ((2,2),), {}, "bfloat16", [[-0.0146484375, 0.73046875], [1.125, -0.87890625]]),
    ("normal", 42, ((6,),), {}, "float32", [-0.02830461598932743, 0.4671318531036377, 0.2957029640674591, 0.15354591608047485, -0.12403281778097153, 0.21692314743995667]),
    ("normal", 3, ((2,2),), {}, "float32", [[-1.4462569952011108, 1.5393810272216797], [0.38250625133514404, 1.970701813697815]]),
    ("normal", 42, ((6,),), {}, "float64", [-0.18471174528191162, -2.169824560397754, 0.18693555179382582, 0.6122653570510959, 0.4896249504757018, 0.36900430470828355]),
    ("normal", 3, ((2,2),), {}, "float64", [[1.1048739767803086, -0.11756943795234803], [-0.7110143201629989, -0.8265806018037718]]),
    ("randint", 42, ((8,), 0, 10), {}, "int8", [4, 4, 1, 9, 9, 9, 7, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "int8", [[77, 39, 84], [31, 34, 58]]),
    ("randint", 42, ((8,), 0, 10), {}, "int16", [4, 4, 1, 9, 9, 9, 7, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "int16", [[77, 39, 84], [31, 34, 58]]),
    ("randint", 42, ((8,), 0, 10), {}, "int32", [4, 4, 1, 9, 9, 9, 7, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "int32", [[77, 39, 84], [31, 34, 58]]),
    ("randint", 42, ((8,), 0, 10), {}, "uint8", [4, 4, 1, 9, 9, 9, 7, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "uint8", [[77, 39, 84], [31, 34, 58]]),
    ("randint", 42, ((8,), 0, 10), {}, "uint16", [4, 4, 1, 9, 9, 9, 7, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "uint16", [[77, 39, 84], [31, 34, 58]]),
    ("randint", 42, ((8,), 0, 10), {}, "uint32", [4, 4, 1, 9, 9, 9, 7, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "uint32", [[77, 39, 84], [31, 34, 58]]),
    ("randint", 42, ((8,), 0, 10), {}, "int64", [5, 8, 3, 1, 5, 6, 4, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "int64", [[31, 10, 52], [26, 78, 6]]),
    ("randint", 42, ((8,), 0, 10), {}, "uint64", [5, 8, 3, 1, 5, 6, 4, 7]),
    ("randint", 3, ((2,3), 3, 100), {}, "uint64", [[31, 10, 52], [26, 78, 6]]),
    ("bernoulli", 42, (0.3, (8,)), {}, "bool", [False, False, False, False, False, False, True, False]),
    ("bernoulli", 4, (0.7, (2,5)), {}, "bool", [[False, False, True, True, True], [True, True, False, False, True]]),
    ("permutation", 42, ('arange',), {}, "int32", [13, 7, 16, 10, 1, 4]),
    ("permutation", 8, ('grid',), {}, "int32", [[9, 10, 11], [3, 4, 5], [6, 7, 8], [0, 1, 2]]),
    ("permutation", 42, ('arange',), {}, "float32", [13.0, 7.0, 16.0, 10.0, 1.0, 4.0]),
    ("permutation", 8, ('grid',), {}, "float32", [[9.0, 10.0, 11.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [0.0, 1.0, 2.0]]),
    ("permutation", 42, ('arange',), {}, "int64", [13, 7, 16, 10, 1, 4]),
    ("permutation", 8, ('grid',), {}, "int64", [[9, 10, 11], [3, 4, 5], [6, 7, 8], [0, 1, 2]]),
    ("permutation", 42, ('arange',), {}, "float64", [13.0, 7.0, 16.0, 10.0, 1.0, 4.0]),
    ("permutation", 8, ('grid',), {}, "float64", [[9.0, 10.0, 11.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [0.0, 1.0, 2.0]]),
]

# permutation's array arguments, named in the rows so that the rows stay plain literals.
_PERMUTATION_INPUTS = {"arange": lambda d: (np.arange(6) * 3 + 1).astype(d),
                       "grid": lambda d: np.arange(12).reshape(4, 3).astype(d)}
# Functions whose dtype is a keyword argument (the rest: uint32 keys, bool, or the input's dtype).
_RANDOM_DTYPE_KWARG = {"bits", "uniform", "normal", "randint"}


def _random_call(row):
    fn, seed, args, kwargs, dtype, _ = row
    if fn == "permutation":
        args = (_PERMUTATION_INPUTS[args[0]](np_dtype(dtype)),)
    kwargs = dict(kwargs, dtype=np_dtype(dtype)) if fn in _RANDOM_DTYPE_KWARG else dict(kwargs)
    return (np.array([0, seed], np.uint32),) + tuple(args), kwargs


def _same_argument(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


def _jax_random_ref(fn):
    def ref(*args, **kwargs):
        for row in _JAX_RANDOM:
            if row[0] != fn:
                continue
            want_args, want_kwargs = _random_call(row)
            dtype = np.dtype(kwargs["dtype"]) if "dtype" in kwargs else None
            if (len(args) == len(want_args) and all(_same_argument(a, b) for a, b in zip(args, want_args))
                    and {k: v for k, v in kwargs.items() if k != "dtype"} ==
                    {k: v for k, v in want_kwargs.items() if k != "dtype"}
                    and (dtype is None or dtype == np.dtype(want_kwargs["dtype"]))):
                return np.array(row[5], np.float64 if row[4] in FLOATS else np_dtype(row[4])).astype(np_dtype(row[4]))
        raise KeyError(f"no JAX value for random.{fn}{args!r} {kwargs!r}")
    return ref


def _jax_random_samples(fn):
    def gen(rng, dtype):
        return [Sample(*_random_call(row)) for row in _JAX_RANDOM if row[0] == fn and row[4] == dtype]
    return gen


for _fn in ("split", "fold_in", "bits", "uniform", "normal", "randint", "bernoulli", "permutation"):
    add("random." + _fn, getattr(erandom, _fn), _jax_random_ref(_fn), upcast_ref=False,
        dtypes=tuple(dict.fromkeys(row[4] for row in _JAX_RANDOM if row[0] == _fn)),
        samples=_jax_random_samples(_fn),
        # Shapes and split's num are configuration; randint's bounds, bernoulli's p and fold_in's data stay
        # traced under jit.
        static_numbers=_fn == "split")

ALL_OPS += OPS[_FIRST_OPS:]
