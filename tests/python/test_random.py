"""ember.random: Threefry known answers, bit-exact agreement with JAX, determinism, jit and vmap invariance,
and the distributions' statistics against SciPy."""

import math

import ml_dtypes
import numpy as np
import pytest
from scipy import special, stats

import ember as em
import ember.random as R

F32, F64, F16, BF16 = np.float32, np.float64, np.float16, ml_dtypes.bfloat16
N = 10**6  # samples per statistical test


def a(x):
    return np.asarray(x)


def key(seed):
    return R.PRNGKey(seed)


# ---- Threefry-2x32 known-answer vectors (Random123, kat_vectors: threefry2x32_20) ----------------------


@pytest.mark.parametrize("k, count, expected", [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6b200159, 0x99ba4efe)),
    ((0xffffffff, 0xffffffff), (0xffffffff, 0xffffffff), (0x1cb996fc, 0xbb002be7)),
    ((0x13198a2e, 0x03707344), (0x243f6a88, 0x85a308d3), (0xc4923a9c, 0x483df7a0)),
])
def test_threefry_known_answers(k, count, expected):
    out = R.threefry_2x32(np.array(k, np.uint32), np.array(count, np.uint32))
    assert a(out).dtype == np.uint32
    assert a(out).tolist() == list(expected)
    # The key may also be given as a pair of scalars, as JAX's keypair.
    out = R.threefry_2x32((np.uint32(k[0]), np.uint32(k[1])), np.array(count, np.uint32))
    assert a(out).tolist() == list(expected)


# ---- bit-exact agreement with JAX ---------------------------------------------------------------------
# The expected values below come from jax 0.10.2 on the CPU with its defaults (jax_threefry_partitionable=True;
# "x64" marks values computed with jax.config.update("jax_enable_x64", True)), printed by this snippet:
#
#   import jax, jax.numpy as jnp, numpy as np; from jax import random as jr
#   k = jr.PRNGKey(42)
#   jr.PRNGKey(0), jr.PRNGKey(42), jr.PRNGKey(2**31 + 7), jr.split(k), jr.split(jr.PRNGKey(0), (2, 3))
#   jr.fold_in(k, 7), jr.fold_in(jr.PRNGKey(1), np.uint32(2**32 - 1))
#   jr.bits(k, (5,)), jr.bits(k, (2, 3), jnp.uint8), jr.bits(k, (4,), jnp.uint16)
#   jr.uniform(k, (2, 3)), jr.uniform(jr.PRNGKey(7), (5,), minval=-2.0, maxval=3.0)
#   jr.uniform(k, (4,), jnp.float16), jr.uniform(k, (4,), jnp.bfloat16), jr.normal(k, (6,))
#   jr.randint(k, (8,), 0, 10), jr.randint(jr.PRNGKey(3), (6,), -5, 5, jnp.int8)
#   jr.randint(jr.PRNGKey(3), (6,), 0, 256, jnp.uint8)
#   jr.randint(jr.PRNGKey(3), (2, 3), jnp.array([0, 10, 100]), jnp.array([5, 20, 1000]))
#   jr.permutation(k, 10), jr.choice(k, 10, (4,), replace=False)
#   jr.choice(jr.PRNGKey(7), 5, (8,), p=jnp.array([0.1, 0.2, 0.3, 0.2, 0.2]))
#   jr.categorical(k, jnp.log(jnp.array([0.1, 0.2, 0.7])), shape=(8,)), jr.bernoulli(k, 0.3, (8,))
#   jax._src.random.threefry2x32.threefry_2x32(k, jnp.arange(5, dtype=jnp.uint32))
#   g = jr.gumbel(k, (4096,), mode="high")[np.array([2151, 884, 2845, 1917])]
#   # with x64: jr.randint(k, (5,), -2**31, 2**31, jnp.int32), jr.randint(k, (5,), 0, 2**32, jnp.uint32),
#   #           jr.randint(k, (8,), 2**32 - 10, 2**32, jnp.uint32),
#   # jr.PRNGKey(-1), jr.PRNGKey(2**40 + 3), jr.bits(k, (3,), jnp.uint64), jr.uniform(k, (4,), jnp.float64),
#   #           jr.randint(k, (5,), -10**12, 10**12, jnp.int64)

JAX_EXACT = [
    ("PRNGKey(0)", lambda: R.PRNGKey(0), np.uint32, [0, 0]),
    ("PRNGKey(42)", lambda: R.PRNGKey(42), np.uint32, [0, 42]),
    ("PRNGKey(2**31+7)", lambda: R.PRNGKey(2**31 + 7), np.uint32, [0, 2147483655]),
    ("PRNGKey(-1) x64", lambda: R.PRNGKey(-1), np.uint32, [4294967295, 4294967295]),
    ("PRNGKey(2**40+3) x64", lambda: R.PRNGKey(2**40 + 3), np.uint32, [256, 3]),
    ("key(42)", lambda: R.key(42), np.uint32, [0, 42]),
    ("split", lambda: R.split(key(42)), np.uint32, [[1832780943, 270669613], [64467757, 2916123636]]),
    ("split (2,3)", lambda: R.split(key(0), (2, 3)), np.uint32,
     [[[1797259609, 2579123966], [928981903, 3453687069], [4146024105, 2718843009]],
      [[2467461003, 3840466878], [2285895361, 433833334], [1524306142, 1887795613]]]),
    ("fold_in 7", lambda: R.fold_in(key(42), 7), np.uint32, [2547012911, 1371500959]),
    ("fold_in 2**32-1", lambda: R.fold_in(key(1), np.uint32(2**32 - 1)), np.uint32, [1173147676, 4026309821]),
    ("bits u32", lambda: R.bits(key(42), (5,)), np.uint32,
     [2098992034, 2919706841, 2646866425, 2409546199, 1935504149]),
    ("bits u8", lambda: R.bits(key(42), (2, 3), np.uint8), np.uint8, [[162, 217, 249], [215, 21, 216]]),
    ("bits u16", lambda: R.bits(key(42), (4,), np.uint16), np.uint16, [5026, 12505, 63993, 49623]),
    ("bits u64 x64", lambda: R.bits(key(42), (3,), np.uint64), np.uint64,
     [7871734211187709741, 276886910877598708, 10591095138341673235]),
    ("uniform f32", lambda: R.uniform(key(42), (2, 3)), F32,
     [[0.48870956897735596, 0.6797971725463867, 0.6162714958190918],
      [0.5610160827636719, 0.4506446123123169, 0.58586585521698]]),
    ("uniform f16", lambda: R.uniform(key(42), (4,), F16), F16,
     [0.076171875, 0.1904296875, 0.9755859375, 0.7568359375]),
    ("uniform bf16", lambda: R.uniform(key(42), (4,), BF16), BF16, [0.6328125, 0.84375, 0.96875, 0.8359375]),
    ("uniform f64 x64", lambda: R.uniform(key(42), (4,), F64), F64,
     [0.4267275666499091, 0.015010069515314584, 0.5741444178995352, 0.7298188969046309]),
    ("randint", lambda: R.randint(key(42), (8,), 0, 10), np.int32, [4, 4, 1, 9, 9, 9, 7, 7]),
    ("randint int8", lambda: R.randint(key(3), (6,), -5, 5, np.int8), np.int8, [0, 4, 0, -1, 1, -3]),
    ("randint uint8 full", lambda: R.randint(key(3), (6,), 0, 256, np.uint8), np.uint8,
     [75, 115, 157, 170, 12, 104]),
    ("randint array bounds", lambda: R.randint(key(3), (2, 3), np.array([0, 10, 100]), np.array([5, 20, 1000])),
     np.int32, [[0, 19, 905], [4, 16, 972]]),
    ("randint int64 x64", lambda: R.randint(key(42), (5,), -10**12, 10**12, np.int64), np.int64,
     [464050701877, -395020523842, 848944880791, -449936457681, 100519646113]),
    ("randint int32 full range x64", lambda: R.randint(key(42), (5,), -2**31, 2**31, np.int32), np.int32,
     [977810628, 1236381714, -1367112521, -1019495231, -1671904627]),
    ("randint uint32 full range x64", lambda: R.randint(key(42), (5,), 0, 2**32, np.uint32), np.uint32,
     [3125294276, 3383865362, 780371127, 1127988417, 475579021]),
    ("randint uint32 top x64", lambda: R.randint(key(42), (8,), 2**32 - 10, 2**32, np.uint32), np.uint32,
     [4294967290, 4294967290, 4294967287, 4294967295, 4294967295, 4294967295, 4294967293, 4294967293]),
    ("permutation", lambda: R.permutation(key(42), 10), np.int64, [7, 4, 2, 5, 3, 6, 8, 9, 0, 1]),
    ("choice no replace", lambda: R.choice(key(42), 10, (4,), replace=False), np.int64, [7, 4, 2, 5]),
    ("choice p", lambda: R.choice(key(7), 5, (8,), p=np.array([0.1, 0.2, 0.3, 0.2, 0.2], F32)), np.int64,
     [2, 0, 3, 2, 1, 2, 2, 2]),
    ("categorical", lambda: R.categorical(key(42), np.log(np.array([0.1, 0.2, 0.7], F32)), shape=(8,)), np.int64,
     [2, 2, 2, 2, 1, 2, 1, 2]),
    ("bernoulli", lambda: R.bernoulli(key(42), 0.3, (8,)), np.bool_,
     [False, False, False, False, False, False, True, False]),
    ("threefry_2x32 odd", lambda: R.threefry_2x32(key(42), np.arange(5, dtype=np.uint32)), np.uint32,
     [3134548294, 3733159049, 843694964, 894150801, 801545058]),
]


@pytest.mark.parametrize("name, fn, dtype, expected", JAX_EXACT, ids=[c[0] for c in JAX_EXACT])
def test_matches_jax_bit_for_bit(name, fn, dtype, expected):
    out = a(fn())
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, np.asarray(expected, dtype=dtype))


def test_uniform_with_bounds_matches_jax_to_one_ulp():
    # u * (maxval - minval) + minval: XLA on the CPU contracts the multiply-add into one fused multiply-add
    # (rounded once); ember rounds each op, as the program says. Values can differ in the last place.
    expected = [1.3704495429992676, 2.873084545135498, -0.4857821464538574, 0.21979260444641113,
                1.6544328927993774]
    out = a(R.uniform(key(7), (5,), minval=-2.0, maxval=3.0))
    assert out.dtype == np.float32
    np.testing.assert_array_max_ulp(out, np.asarray(expected, F32), maxulp=1)
    # Rounding each op is what ember promises: the product, then the sum, each rounded to float32.
    unit = a(R.uniform(key(7), (5,)))
    np.testing.assert_array_equal(out, np.maximum(np.float32(-2), unit * np.float32(5) + np.float32(-2)))


def test_normal_matches_jax():
    # JAX's normal is sqrt(2) * erf_inv(u) with XLA's erf_inv; ember's erf_inv is a different (more accurate)
    # approximation, so the values agree to within the looser of the two's accuracy.
    expected = [-0.02830461598932743, 0.4671318531036377, 0.2957029640674591, 0.15354591608047485,
                -0.12403281778097153, 0.21692314743995667]
    out = a(R.normal(key(42), (6,)))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=2e-6, atol=0)


def test_gumbel_high_matches_jax():
    # Samples whose coarse uniform is below 0.002, where mode="high"'s second uniform changes the value by
    # about 1e-4 relative; log's implementations differ, hence the tolerance.
    idx = np.array([2151, 884, 2845, 1917])
    expected = [6.975216388702393, 6.520477771759033, 6.348369598388672, 6.263493061065674]
    out = a(R.gumbel(key(42), (4096,), mode="high"))[idx]
    np.testing.assert_allclose(out, expected, rtol=2e-6)


@pytest.mark.parametrize("dtype, ulps", [(F32, 2), (F64, 4)])
def test_normal_is_erfinv_of_the_uniform(dtype, ulps):
    # Given the (bit-exact) uniform on (-1, 1), normal must be sqrt(2) * erfinv(u) to within a few ulps;
    # SciPy's erfinv in float64 is the reference.
    k = key(5)
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    u = a(R.uniform(k, (100000,), dtype, minval=lo, maxval=1.0))
    z = a(R.normal(k, (100000,), dtype))
    ref = np.sqrt(2.0) * special.erfinv(u.astype(np.float64))
    err = np.abs(z.astype(np.float64) - ref) / np.spacing(np.abs(ref).astype(dtype)).astype(np.float64)
    assert err.max() <= ulps


# ---- keys, determinism, dtypes ------------------------------------------------------------------------


def test_same_key_same_values_and_distinct_keys_differ():
    k = key(0)
    np.testing.assert_array_equal(a(R.normal(k, (64,))), a(R.normal(k, (64,))))
    k1, k2 = a(R.split(k))
    assert not np.array_equal(a(R.normal(k1, (64,))), a(R.normal(k2, (64,))))
    assert not np.array_equal(a(R.normal(key(1), (64,))), a(R.normal(key(2), (64,))))
    # Children of a split, and folded-in keys, are all distinct from each other and from the parent.
    children = a(R.split(k, 4096))
    assert len({tuple(c) for c in children.tolist()}) == 4096
    assert tuple(a(k).tolist()) not in {tuple(c) for c in children.tolist()}
    folded = {tuple(a(R.fold_in(k, i)).tolist()) for i in range(64)}
    assert len(folded) == 64


def test_prngkey_from_arrays_and_traced_seeds():
    np.testing.assert_array_equal(a(R.PRNGKey(np.int64(2**40 + 3))), [256, 3])
    np.testing.assert_array_equal(a(R.PRNGKey(np.int32(-1))), [0, 0xFFFFFFFF])
    np.testing.assert_array_equal(a(R.PRNGKey(np.uint64(2**64 - 1))), [0xFFFFFFFF, 0xFFFFFFFF])
    np.testing.assert_array_equal(a(em.jit(R.PRNGKey)(np.int64(2**40 + 3))), [256, 3])
    np.testing.assert_array_equal(a(em.jit(R.PRNGKey)(np.int32(-1))), [0, 0xFFFFFFFF])
    np.testing.assert_array_equal(a(R.key_data(R.key(9))), [0, 9])
    np.testing.assert_array_equal(a(R.wrap_key_data(np.array([1, 2], np.uint32))), [1, 2])


@pytest.mark.parametrize("dtype", [F16, BF16, F32, F64])
def test_float_dtypes_and_ranges(dtype):
    k = key(11)
    u = a(R.uniform(k, (4096,), dtype))
    assert u.dtype == np.dtype(dtype)
    assert u.min() >= 0 and u.max() < 1
    # Every value is a multiple of the mantissa's resolution (the mantissa-bits construction).
    nmant = ml_dtypes.finfo(dtype).nmant
    scaled = u.astype(np.float64) * 2.0**nmant
    np.testing.assert_array_equal(scaled, np.floor(scaled))
    for fn in (R.normal, R.gumbel):
        out = a(fn(k, (1024,), dtype))
        assert out.dtype == np.dtype(dtype) and np.isfinite(out.astype(np.float64)).all()
    t = a(R.truncated_normal(k, -0.5, 0.5, (1024,), dtype))
    assert t.dtype == np.dtype(dtype) and t.min() > -0.5 and t.max() < 0.5


def test_shapes():
    k = key(0)
    assert a(R.uniform(k)).shape == ()
    assert a(R.normal(k, (0, 3))).shape == (0, 3)
    assert a(R.bits(k, (2, 0), np.uint64)).shape == (2, 0)
    assert a(R.split(k, 1)).shape == (1, 2)
    assert a(R.bernoulli(k, np.full((2, 3), 0.5, F32))).shape == (2, 3)
    assert a(R.truncated_normal(k, np.zeros(3, F32) - 1, 1.0)).shape == (3,)
    assert a(R.categorical(k, np.zeros((4, 5), F32), axis=0)).shape == (5,)
    assert a(R.categorical(k, np.zeros((4, 5), F32), shape=(7, 4))).shape == (7, 4)
    assert a(R.choice(k, np.arange(20).reshape(4, 5), (2, 3), axis=1)).shape == (4, 2, 3)
    assert a(R.choice(k, 5, (0,))).shape == (0,)
    # minval/maxval broadcast against the shape: column j lies in [j, j + 1).
    u = a(R.uniform(k, (1000, 3), minval=np.arange(3, dtype=F32), maxval=np.arange(3, dtype=F32) + 1))
    assert (np.floor(u) == np.arange(3)).all()


@pytest.mark.parametrize("call, exc, message", [
    (lambda: R.uniform(key(0), (2,), np.int32), TypeError, "[uniform] expected a floating dtype"),
    (lambda: R.normal(key(0), (2,), np.complex64), TypeError, "[normal] expected a floating dtype"),
    (lambda: R.bits(key(0), (2,), np.int32), TypeError, "[bits] expected an unsigned integer dtype"),
    (lambda: R.randint(key(0), (2,), 0, 5, np.float32), TypeError, "[randint] expected an integer dtype"),
    (lambda: R.uniform(np.zeros(2, np.int32)), TypeError, "[uniform] expected a key of dtype uint32"),
    (lambda: R.split(R.split(key(0), 3)), TypeError, "[split] expected a key of dtype uint32 and shape (2,)"),
    (lambda: R.uniform(key(0), (-1,)), ValueError, "[uniform] expected a shape of non-negative integers"),
    (lambda: R.uniform(key(0), (2,), minval=np.zeros(3, F32)), ValueError, "[uniform] expected parameter shapes"),
    (lambda: R.bernoulli(key(0), np.int32(1)), TypeError, "[bernoulli] expected a floating probability"),
    (lambda: R.fold_in(key(0), np.arange(2)), TypeError, "[fold_in] expected an integer scalar"),
    (lambda: R.choice(key(0), 3, (5,), replace=False), ValueError, "[choice] expected at most 3 draws"),
    (lambda: R.choice(key(0), 3, (2,), p=np.ones(4, F32)), ValueError, "[choice] expected p of shape (3,)"),
    (lambda: R.gumbel(key(0), (2,), mode="medium"), ValueError, "[gumbel] expected mode"),
    (lambda: R.threefry_2x32(key(0), np.arange(4, dtype=np.int32)), TypeError,
     "[threefry_2x32] expected uint32 counters"),
])
def test_errors(call, exc, message):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value).startswith(message)


# ---- jit and vmap ---------------------------------------------------------------------------------------

P4 = np.array([0.1, 0.2, 0.3, 0.4], F32)
SAMPLERS = {
    "split": lambda k: R.split(k, 3),
    "fold_in": lambda k: R.fold_in(k, 12345),
    "bits u8": lambda k: R.bits(k, (5,), np.uint8),
    "bits u64": lambda k: R.bits(k, (2, 3), np.uint64),
    "uniform": lambda k: R.uniform(k, (2, 3), minval=-1.0, maxval=2.0),
    "uniform bf16": lambda k: R.uniform(k, (7,), BF16),
    "normal": lambda k: R.normal(k, (3,)),
    "normal f64": lambda k: R.normal(k, (4,), F64),
    "truncated_normal": lambda k: R.truncated_normal(k, -1.0, np.array([0.5, 1.0, 2.0], F32)),
    "bernoulli": lambda k: R.bernoulli(k, np.array([0.1, 0.5, 0.9], F32)),
    "categorical": lambda k: R.categorical(k, np.log(P4), shape=(6,)),
    "categorical no replace": lambda k: R.categorical(k, np.zeros((2, 5), F32), shape=(3, 2), replace=False),
    "randint": lambda k: R.randint(k, (6,), -3, 9),
    "randint int16": lambda k: R.randint(k, (6,), 0, 1000, np.int16),
    "permutation": lambda k: R.permutation(k, 9),
    "permutation 2d": lambda k: R.permutation(k, np.arange(12.0).reshape(3, 4), axis=1),
    "permutation independent": lambda k: R.permutation(k, np.arange(12).reshape(3, 4), axis=1, independent=True),
    "choice": lambda k: R.choice(k, 10, (4,)),
    "choice no replace": lambda k: R.choice(k, np.arange(10.0), (4,), replace=False),
    "choice p": lambda k: R.choice(k, 4, (5,), p=P4),
    "choice p no replace": lambda k: R.choice(k, 4, (2,), replace=False, p=P4),
    "gumbel": lambda k: R.gumbel(k, (4,)),
    "gumbel high": lambda k: R.gumbel(k, (4,), mode="high"),
    "threefry_2x32": lambda k: R.threefry_2x32(k, np.arange(7, dtype=np.uint32)),
}


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_jit_equals_eager(name):
    f = SAMPLERS[name]
    k = key(17)
    eager = a(f(k))
    jitted = a(em.jit(f)(k))
    assert jitted.dtype == eager.dtype
    if em._jit._DEFAULT_BACKEND == "interpreter" or jitted.dtype.kind != "f":
        np.testing.assert_array_equal(jitted, eager)
    else:  # native code's log, erf_inv, ... may differ from the executor's in the last bit (docs/cpu_backend.md)
        np.testing.assert_allclose(jitted, eager, rtol=4 * np.finfo(jitted.dtype).eps, atol=0)


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_vmap_over_keys_equals_loop(name):
    f = SAMPLERS[name]
    keys = R.split(key(23), 5)
    batched = a(em.vmap(f)(keys))
    loop = np.stack([a(f(keys[i])) for i in range(5)])
    assert batched.dtype == loop.dtype
    np.testing.assert_array_equal(batched, loop)
    # Different keys give different samples (the batch is not one sample repeated).
    assert not all(np.array_equal(loop[0], loop[i]) for i in range(1, 5))


def test_vmap_of_fold_in_over_data_and_jit_of_vmap():
    k = key(3)
    data = np.arange(6, dtype=np.int32)
    batched = a(em.vmap(lambda d: R.fold_in(k, d))(data))
    np.testing.assert_array_equal(batched, np.stack([a(R.fold_in(k, int(d))) for d in data]))
    keys = R.split(k, 4)
    f = em.jit(em.vmap(lambda kk: R.normal(kk, (3,))))
    np.testing.assert_array_equal(a(f(keys)), np.stack([a(R.normal(keys[i], (3,))) for i in range(4)]))


# ---- statistics (fixed seeds; n = 1e6; tolerances of 5 standard errors) ------------------------------------


def check_moments(x, dist):
    """Sample mean and variance against a SciPy distribution, to 5 standard errors."""
    x = np.asarray(x, np.float64)
    n = x.size
    mean, var, kurt = (float(v) for v in dist.stats(moments="mvk"))
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n), (x.mean(), mean)
    # Var(sample variance) ~ (mu4 - sigma^4) / n, with mu4 = (excess kurtosis + 3) sigma^4.
    se_var = var * math.sqrt((kurt + 2) / n)
    assert abs(x.var() - var) < 5 * se_var, (x.var(), var)


def chisquare_p(counts, probs):
    """The chi-square test's p-value for observed counts against probabilities (normalized here)."""
    probs = np.asarray(probs, np.float64)
    return stats.chisquare(counts, probs / probs.sum() * counts.sum()).pvalue


def test_uniform_moments_and_chisquare():
    u = a(R.uniform(key(101), (N,)))
    check_moments(u, stats.uniform())
    counts, _ = np.histogram(u, bins=20, range=(0.0, 1.0))
    assert stats.chisquare(counts).pvalue > 1e-3
    v = a(R.uniform(key(102), (N,), F64, minval=-3.0, maxval=5.0))
    check_moments(v, stats.uniform(loc=-3.0, scale=8.0))
    assert v.min() >= -3.0 and v.max() < 5.0


def test_normal_moments_and_ks():
    z = a(R.normal(key(103), (N,)))
    check_moments(z, stats.norm())
    assert stats.kstest(z, "norm").pvalue > 1e-3


def test_gumbel_moments():
    check_moments(a(R.gumbel(key(104), (N,))), stats.gumbel_r())
    check_moments(a(R.gumbel(key(105), (N,), mode="high")), stats.gumbel_r())


def test_truncated_normal_moments():
    lo, hi = -0.5, 2.0
    t = a(R.truncated_normal(key(106), lo, hi, (N,)))
    assert t.min() > lo and t.max() < hi
    check_moments(t, stats.truncnorm(lo, hi))


def test_bernoulli_mean():
    for p in (0.03, 0.5, 0.8):
        b = a(R.bernoulli(key(107), p, (N,)))
        assert b.dtype == np.bool_
        assert abs(b.mean() - p) < 5 * math.sqrt(p * (1 - p) / N)


def test_categorical_frequencies_match_softmax():
    logits = np.array([-1.0, 0.5, 2.0, 0.0, 1.0], F32)
    c = a(R.categorical(key(108), logits, shape=(N,)))
    expected = special.softmax(logits.astype(np.float64))
    counts = np.bincount(c, minlength=5)
    assert chisquare_p(counts, expected) > 1e-3
    # Batched logits along axis 0: each column is its own distribution.
    logits2 = np.log(np.array([[0.7, 0.1], [0.2, 0.1], [0.1, 0.8]], F32))
    c2 = a(R.categorical(key(109), logits2, axis=0, shape=(N // 10, 2)))
    for j in range(2):
        counts = np.bincount(c2[:, j], minlength=3)
        assert chisquare_p(counts, np.exp(logits2[:, j].astype(np.float64))) > 1e-3


def test_categorical_without_replacement_is_distinct():
    idx = a(R.categorical(key(110), np.zeros((50, 6), F32), shape=(6, 50), replace=False))
    assert all(sorted(idx[:, b].tolist()) == list(range(6)) for b in range(50))


def test_randint_range_and_uniformity():
    r = a(R.randint(key(111), (N,), -7, 13))
    assert r.dtype == np.int32 and r.min() == -7 and r.max() == 12
    assert stats.chisquare(np.bincount(r + 7, minlength=20)).pvalue > 1e-3
    r8 = a(R.randint(key(112), (N // 10,), 0, 256, np.uint8))
    assert stats.chisquare(np.bincount(r8, minlength=256)).pvalue > 1e-3
    # Empty ranges give minval, and the full int32 range is reachable without overflow.
    np.testing.assert_array_equal(a(R.randint(key(113), (4,), 5, 5)), [5, 5, 5, 5])
    full = a(R.randint(key(114), (N // 10,), np.iinfo(np.int32).min, np.iinfo(np.int32).max))
    assert full.min() < -2**30 and full.max() > 2**30


def test_permutation_is_a_permutation():
    p = a(R.permutation(key(115), 1000))
    np.testing.assert_array_equal(np.sort(p), np.arange(1000))
    assert not np.array_equal(p, np.arange(1000))
    x = np.arange(24.0).reshape(4, 6)
    rows = a(R.permutation(key(116), x, axis=1))
    # Whole columns move together; every row is the same permutation of the columns.
    perm = (rows[0] - x[0, 0]).astype(int)
    np.testing.assert_array_equal(rows, x[:, perm])
    np.testing.assert_array_equal(np.sort(perm), np.arange(6))
    ind = a(R.permutation(key(117), x, axis=1, independent=True))
    np.testing.assert_array_equal(np.sort(ind, axis=1), x)
    # Position 0 of a permutation of 4 is uniform over the 4 values.
    firsts = np.array([a(R.permutation(k, 4))[0] for k in a(R.split(key(118), 400))])
    assert stats.chisquare(np.bincount(firsts, minlength=4)).pvalue > 1e-3


def test_choice_with_and_without_replacement_and_p():
    c = a(R.choice(key(119), 10, (N // 10,)))
    assert c.min() == 0 and c.max() == 9
    assert stats.chisquare(np.bincount(c, minlength=10)).pvalue > 1e-3
    for k in a(R.split(key(120), 20)):
        s = a(R.choice(k, np.arange(100, 130), (10,), replace=False))
        assert len(set(s.tolist())) == 10 and s.min() >= 100 and s.max() < 130
    p = np.array([0.05, 0.15, 0.5, 0.0, 0.3], F32)
    w = a(R.choice(key(121), 5, (N // 10,), p=p))
    counts = np.bincount(w, minlength=5)
    assert counts[3] == 0
    nz = p > 0
    assert chisquare_p(counts[nz], p[nz]) > 1e-3
    # Without replacement and with p, a first draw follows p itself.
    firsts = np.array([a(R.choice(k, 4, (2,), replace=False, p=P4))[0] for k in a(R.split(key(122), 2000))])
    assert chisquare_p(np.bincount(firsts, minlength=4), P4) > 1e-3
