"""ember.lax special functions against SciPy (erfinv, gammaln, digamma, polygamma, i0e, i1e) and NumPy
(bitwise_count) on many values incl. edge values, for every float dtype: float64 within 1e-13 of SciPy where
SciPy itself is accurate, float32 and the 16-bit floats within an ulp of SciPy's float64 value rounded."""

import ml_dtypes
import numpy as np
import pytest
import scipy.special as sp

import ember as em
from ember import lax

BF16 = np.dtype(ml_dtypes.bfloat16)
LOW = [np.float16, BF16, np.float32]
INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
EDGES = np.array([0.0, -0.0, np.inf, -np.inf, np.nan])

# The references overflow or produce NaN on purpose at poles and for out-of-range arguments.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def check(got, want, rtol, atol=0.0):
    """rtol may be an array (one tolerance per element)."""
    got = np.asarray(got).astype(np.float64)
    want = np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf])
    fin = np.isfinite(want)
    tol = (np.broadcast_to(rtol, want.shape) * np.abs(want) + atol)[fin]
    bad = np.abs(got[fin] - want[fin]) > tol
    assert not bad.any(), list(zip(got[fin][bad][:5], want[fin][bad][:5]))


def near_pole_rtol(x, rtol):
    """SciPy's reflection formulas lose about 1e-16 / dist relative accuracy at distance dist from a pole."""
    dist = np.abs(x - np.round(x))
    return rtol + np.where(x < 0, 1e-16 / np.maximum(dist, 1e-300), 0.0)


def check_low(fn, ref, x, dtype):
    """float32/float16/bfloat16: the double result rounded once, so within one ulp of SciPy's value rounded."""
    xd = x.astype(dtype)
    got = np.asarray(fn(xd)).astype(np.float64)
    want = ref(xd.astype(np.float64)).astype(dtype).astype(np.float64)
    ulp = np.abs(np.nextafter(want.astype(np.float32), np.float32(np.inf)) - want.astype(np.float32))
    ulp = ulp.astype(np.float64) * {np.dtype(np.float32): 1, np.dtype(np.float16): 2 ** 13, BF16: 2 ** 16}[np.dtype(dtype)]
    fin = np.isfinite(want) & (np.abs(want) < 1e4 if dtype == np.float16 else True)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert (np.abs(got[fin] - want[fin]) <= ulp[fin]).all(), (x[fin][np.abs(got[fin] - want[fin]) > ulp[fin]])


def test_erf_inv():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-1, 1, 5000), 1 - np.logspace(-16, -1, 300), -1 + np.logspace(-16, -1, 300),
                        np.logspace(-300, -1, 200), [0.5, -0.5, 0.7, 1.0, -1.0, 1.5, -2.0], EDGES])
    check(lax.erf_inv(x), sp.erfinv(x), rtol=1e-14)
    for dtype in LOW:
        check_low(lax.erf_inv, sp.erfinv, x[np.abs(x) < 1], dtype)


def test_lgamma():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(0, 40, 5000), np.logspace(-300, 305, 500), rng.uniform(2.5, 12, 500), EDGES,
                        -np.arange(0, 20.0), rng.uniform(-50, 0, 2000)])
    near_zero = (np.abs(x - 1) < 0.1) | (np.abs(x - 2) < 0.1)  # SciPy's gammaln loses relative digits there
    neg = x < 0
    plain = ~near_zero & ~neg
    check(lax.lgamma(x[plain]), sp.gammaln(x[plain]), rtol=1e-13)
    check(lax.lgamma(x[near_zero]), sp.gammaln(x[near_zero]), rtol=1e-13, atol=1e-15)
    # Negative x: log|pi / sin(pi x)| - lgamma(1 - x) cancels near lgamma's zeros in every implementation.
    check(lax.lgamma(x[neg]), sp.gammaln(x[neg]), rtol=1e-13, atol=1e-13)
    for dtype in LOW:
        check_low(lax.lgamma, sp.gammaln, np.abs(x[np.isfinite(x) & (np.abs(x) < 1e4) & (x > 0)]), dtype)


def test_digamma():
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.uniform(0, 40, 5000), np.logspace(-300, 300, 500), rng.uniform(1.2, 1.8, 1000),
                        [1.4616321449683622], EDGES, -np.arange(1, 20.0), rng.uniform(-30, 0, 2000)])
    pos = ~(x < 0)
    check(lax.digamma(x[pos]), sp.digamma(x[pos]), rtol=1e-13)
    # Negative x: reflection, psi(1 - x) - pi cot(pi x), which cancels near digamma's negative zeros (absolute
    # accuracy there) and, in SciPy, loses digits next to the poles.
    check(lax.digamma(x[~pos]), sp.digamma(x[~pos]), rtol=near_pole_rtol(x[~pos], 1e-13), atol=1e-14)
    for dtype in LOW:
        check_low(lax.digamma, sp.digamma, x[pos & np.isfinite(x) & (x > 1e-3)], dtype)


@pytest.mark.parametrize("m", [0, 1, 2, 3, 4, 7, 12, 30])
def test_polygamma(m):
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(0.01, 50, 2000), np.logspace(-3, 3, 200), rng.uniform(-8, 0, 500),
                        [0.0, -1.0, -2.0, np.inf, np.nan]])
    mm = np.full_like(x, m)
    check(lax.polygamma(mm, x), sp.polygamma(m, x), rtol=near_pole_rtol(x, 1e-13), atol=1e-14 if m == 0 else 0.0)
    f32 = lax.polygamma(mm.astype(np.float32), x.astype(np.float32))
    want = sp.polygamma(m, x.astype(np.float32).astype(np.float64)).astype(np.float32)
    fin = np.isfinite(want)
    np.testing.assert_allclose(np.asarray(f32)[fin], want[fin], rtol=3e-7)
    # A Python number for m takes x's dtype.
    check(lax.polygamma(float(m), x[:10]), sp.polygamma(m, x[:10]), rtol=1e-13)


def test_polygamma_orders_that_are_not_non_negative_integers_give_nan():
    got = np.asarray(lax.polygamma(np.array([0.5, -1.0, np.nan, 2.0]), np.array([1.0, 1.0, 1.0, np.nan])))
    assert np.isnan(got).all() and np.isnan(sp.polygamma([0.5, -1.0, np.nan, 2.0], [1.0, 1.0, 1.0, np.nan])).all()


@pytest.mark.parametrize("name,ref", [("bessel_i0e", sp.i0e), ("bessel_i1e", sp.i1e)])
def test_bessel(name, ref):
    fn = getattr(lax, name)
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(-60, 60, 5000), np.logspace(-300, 300, 500), -np.logspace(-300, 300, 500),
                        [19.999, 20.0, 20.001], EDGES])
    check(fn(x), ref(x), rtol=1e-13)
    for dtype in LOW:
        check_low(fn, ref, x[np.isfinite(x)], dtype)


@pytest.mark.parametrize("dtype", INTS, ids=str)
def test_population_count(dtype):
    info = np.iinfo(dtype)
    x = np.concatenate([np.array([0, 1, info.min, info.max], dtype),
                        np.random.default_rng(5).integers(info.min, info.max, 200, dtype=dtype, endpoint=True)])
    got = lax.population_count(x)
    assert got.dtype == np.dtype(dtype)
    # lax.population_count counts the bits of the two's complement representation, as XLA's popcnt (NumPy's
    # bitwise_count counts those of |x|; jnp.bitwise_count composes it with abs).
    unsigned = x.view(np.dtype(dtype).str.replace("i", "u"))
    np.testing.assert_array_equal(np.asarray(got), np.bitwise_count(unsigned).astype(dtype))


def test_special_functions_under_jit_and_dtype_errors():
    x = np.linspace(0.1, 5, 7)
    f = em.jit(lambda v: lax.lgamma(v) + lax.digamma(v) + lax.bessel_i0e(v) + lax.polygamma(2.0, v))
    want = sp.gammaln(x) + sp.digamma(x) + sp.i0e(x) + sp.polygamma(2, x)
    np.testing.assert_allclose(np.asarray(f(x)), want, rtol=1e-13)
    with pytest.raises(TypeError, match=r"^\[erf_inv\] expected a floating operand, got i32\[2\]"):
        lax.erf_inv(np.ones(2, np.int32))
    with pytest.raises(TypeError, match=r"^\[population_count\]"):
        lax.population_count(np.ones(2, np.float32))
