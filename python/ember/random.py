"""ember.random: explicit-key pseudo-random numbers with jax.random's names, signatures and bits.

A key is a raw ``uint32[2]`` array, as ``jax.random.PRNGKey`` returns; ``key(seed)`` returns the same raw
array (ember has no separate key dtype). Every sampler is a pure function of its key: the same key gives the
same values, eagerly, under ``ember.jit`` and under ``ember.vmap`` over a batch of keys. Use ``split`` or
``fold_in`` to derive new keys; never reuse a key for two purposes.

The generator is Threefry-2x32 (20 rounds, Random123's rotations) built from ember's uint32 primitives, so
every backend and transform gets it without a primitive of its own. Keys and bits are derived as JAX 0.10.2
does by default (``jax_threefry_partitionable=True``), so ember and JAX give identical keys, bits, uniforms
and integers for the same seed (see docs/random.md).

>>> import numpy as np, ember as em
>>> key = em.random.PRNGKey(0)
>>> np.asarray(key).tolist()
[0, 0]
>>> k1, k2 = em.random.split(key)
>>> em.random.uniform(k1, (2, 3)).shape
(2, 3)
"""

from __future__ import annotations

import math as _math
import operator as _operator
from typing import Sequence

import ml_dtypes as _ml_dtypes
import numpy as _np

from . import _core
from . import lax as _lax
from . import numpy as _enp

Array = _core.Array

__all__ = [
    "PRNGKey",
    "key",
    "key_data",
    "wrap_key_data",
    "split",
    "fold_in",
    "threefry_2x32",
    "bits",
    "uniform",
    "normal",
    "truncated_normal",
    "bernoulli",
    "categorical",
    "randint",
    "permutation",
    "choice",
    "gumbel",
]

_U32 = _np.dtype(_np.uint32)
_UINT_OF_BITS = {8: _np.dtype(_np.uint8), 16: _np.dtype(_np.uint16), 32: _U32, 64: _np.dtype(_np.uint64)}
_FLOATS = (_np.dtype(_np.float16), _np.dtype(_ml_dtypes.bfloat16), _np.dtype(_np.float32), _np.dtype(_np.float64))

# Threefry-2x32's rotation constants (Random123, threefry.h: R_32x2_*) and key-schedule parity constant.
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_KS_PARITY = 0x1BD11BDA


# ---- argument checking -------------------------------------------------------------------------------


def _describe(x) -> str:
    dtype = _np.dtype(x.dtype) if hasattr(x, "dtype") else _np.asarray(x).dtype
    return f"{dtype}{list(_np.shape(x))}"


def _as_array(x, dtype=None):
    if isinstance(x, Array):
        if dtype is not None and _np.dtype(x.dtype) != _np.dtype(dtype):
            return _lax.convert_element_type(x, dtype)
        return x
    return _enp.asarray(x, dtype)


def _check_key(name: str, key) -> Array:
    """The key as an ember uint32[2] array; anything else is a TypeError that names the function."""
    dtype = getattr(key, "dtype", None)
    if dtype is None:
        key = _np.asarray(key)
        dtype = key.dtype
    if _np.dtype(dtype) != _U32 or tuple(_np.shape(key)) != (2,):
        raise TypeError(f"[{name}] expected a key of dtype uint32 and shape (2,) (use ember.vmap for a batch "
                        f"of keys), got {_describe(key)}")
    return _as_array(key)


def _shape(name: str, shape) -> tuple[int, ...]:
    if isinstance(shape, (int, _np.integer)):
        shape = (shape,)
    try:
        out = tuple(_operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(f"[{name}] expected a shape (a sequence of integers), got {shape!r}") from None
    if any(d < 0 for d in out):
        raise ValueError(f"[{name}] expected a shape of non-negative integers, got {out}")
    return out


def _float_dtype(name: str, dtype) -> _np.dtype:
    dt = _np.dtype(dtype)
    if dt not in _FLOATS:
        raise TypeError(f"[{name}] expected a floating dtype (float16, bfloat16, float32, float64), got {dt}")
    return dt


def _check_broadcast(name: str, shape: tuple[int, ...], *param_shapes) -> None:
    # As JAX: parameters must broadcast to `shape` without enlarging it.
    try:
        joint = _np.broadcast_shapes(shape, *param_shapes)
    except ValueError:
        joint = None
    if joint != shape:
        raise ValueError(f"[{name}] expected parameter shapes {[tuple(s) for s in param_shapes]} that broadcast "
                         f"to the shape argument, got shape {shape}")


# ---- the Threefry-2x32 block function ----------------------------------------------------------------


def _rotl(x, d: int):
    return _lax.bitwise_or(_lax.shift_left(x, d), _lax.shift_right_logical(x, 32 - d))


def _threefry2x32(k1, k2, x1, x2):
    """Threefry-2x32 with 20 rounds on uint32 arrays of one shape: key (k1, k2), counters (x1, x2)."""
    ks = (k1, k2, _lax.bitwise_xor(_lax.bitwise_xor(k1, k2), _KS_PARITY))
    x1 = _lax.add(x1, ks[0])
    x2 = _lax.add(x2, ks[1])
    # Five groups of four rounds; after each group the key schedule injects the rotated key and the
    # group number (additions wrap modulo 2**32).
    for group in range(5):
        for r in _ROTATIONS[group % 2]:
            x1 = _lax.add(x1, x2)
            x2 = _lax.bitwise_xor(x1, _rotl(x2, r))
        x1 = _lax.add(x1, ks[(group + 1) % 3])
        x2 = _lax.add(_lax.add(x2, ks[(group + 2) % 3]), group + 1)
    return x1, x2


def _key_words(key, shape):
    """The key's two words, broadcast to `shape` (so the block function's operands agree in shape)."""
    words = []
    for i in range(2):
        w = _lax.reshape(_lax.slice(key, (i,), (i + 1,)), ())
        words.append(_lax.broadcast_in_dim(w, shape, ()))
    return words


def _counters(shape):
    """The row-major index of each element of `shape` as a 64-bit counter split into (high, low) words."""
    size = _math.prod(shape)
    if size <= 2**32:
        lo = _lax.reshape(_lax.iota(_U32, size), shape)
        hi = _lax.broadcast_in_dim(_np.uint32(0), shape, ())
        return hi, lo
    idx = _lax.reshape(_lax.iota(_np.uint64, size), shape)
    return (_lax.convert_element_type(_lax.shift_right_logical(idx, 32), _U32),
            _lax.convert_element_type(idx, _U32))


def _hash_shape(key, shape):
    """Threefry of the key with each element's (high, low) index as the counter: two uint32 arrays."""
    k1, k2 = _key_words(key, shape)
    hi, lo = _counters(shape)
    return _threefry2x32(k1, k2, hi, lo)


def threefry_2x32(keypair, count):
    """Applies the Threefry-2x32 hash (20 rounds) to a uint32 array of counters, as JAX's
    ``jax.random.threefry_2x32``.

    The flattened counters (padded with a zero to an even length) are split into two halves that form the
    pairs of words the block function hashes; the two output words go back in the same places.

    Parameters
    ----------
    keypair : uint32[2] array or pair of uint32 scalars
        The key.
    count : uint32 array
        The counters, any shape.

    Returns
    -------
    Array
        uint32, the shape of `count`.

    Examples
    --------
    Random123's known-answer vector for a zero key and counter:

    >>> import numpy as np, ember as em
    >>> out = em.random.threefry_2x32(np.zeros(2, np.uint32), np.zeros(2, np.uint32))
    >>> [hex(v) for v in np.asarray(out).tolist()]
    ['0x6b200159', '0x99ba4efe']
    """
    if isinstance(keypair, (tuple, list)) and len(keypair) == 2:
        k1, k2 = (_as_array(k) for k in keypair)
        bad = [k for k in (k1, k2) if _np.dtype(k.dtype) != _U32 or k.shape != ()]
        if bad:
            raise TypeError(f"[threefry_2x32] expected uint32 scalar key words, got {_describe(bad[0])}")
        keypair = _lax.concatenate([_lax.reshape(k1, (1,)), _lax.reshape(k2, (1,))], 0)
    key = _check_key("threefry_2x32", keypair)
    count = _as_array(count)
    if _np.dtype(count.dtype) != _U32:
        raise TypeError(f"[threefry_2x32] expected uint32 counters, got {_describe(count)}")
    shape = tuple(count.shape)
    n = _math.prod(shape)
    flat = _lax.reshape(count, (n,))
    if n % 2:
        flat = _lax.concatenate([flat, _lax.broadcast_in_dim(_np.uint32(0), (1,), ())], 0)
    half = (n + 1) // 2
    x1 = _lax.slice(flat, (0,), (half,))
    x2 = _lax.slice(flat, (half,), (2 * half,))
    k1, k2 = _key_words(key, (half,))
    y1, y2 = _threefry2x32(k1, k2, x1, x2)
    out = _lax.concatenate([y1, y2], 0)
    if n % 2:
        out = _lax.slice(out, (0,), (n,))
    return _lax.reshape(out, shape)


# ---- keys --------------------------------------------------------------------------------------------


def PRNGKey(seed) -> Array:
    """A key from an integer seed: the seed's 64 bits as two uint32 words, high word first.

    Python integers are taken as 64-bit (negative seeds in two's complement, as JAX with
    ``jax_enable_x64``); integer arrays of 32 bits or fewer give a zero high word. Seeds in [0, 2**32) give
    the same key as JAX's default configuration.

    Parameters
    ----------
    seed : int or integer scalar array
        The seed (may be traced under ``jit``).

    Returns
    -------
    Array
        uint32[2].

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> np.asarray(em.random.PRNGKey(42)).tolist()
    [0, 42]
    >>> np.asarray(em.random.PRNGKey(2**32 + 5)).tolist()
    [1, 5]
    """
    if isinstance(seed, (bool, _np.bool_)):
        raise TypeError("[PRNGKey] expected an integer seed, got bool")
    if isinstance(seed, int):
        if not -2**63 <= seed < 2**64:
            raise OverflowError(f"[PRNGKey] expected a seed that fits 64 bits, got {seed}")
        seed &= 2**64 - 1
        return _enp.asarray(_np.array([seed >> 32, seed & 0xFFFFFFFF], _U32))
    seed = _as_array(seed)
    if seed.shape != () or not _np.issubdtype(_np.dtype(seed.dtype), _np.integer):
        raise TypeError(f"[PRNGKey] expected an integer scalar seed, got {_describe(seed)}")
    if _np.dtype(seed.dtype).itemsize == 8:
        hi = _lax.convert_element_type(_lax.shift_right_logical(seed, 32), _U32)
    else:
        hi = _np.uint32(0)
    lo = _lax.convert_element_type(seed, _U32)
    return _lax.concatenate([_lax.broadcast_in_dim(hi, (1,), ()), _lax.reshape(lo, (1,))], 0)


def key(seed) -> Array:
    """A key from an integer seed. JAX returns a typed key array here; ember has no key dtype, so this is
    the raw uint32[2] key of :func:`PRNGKey`, accepted by every function of this module.

    Parameters
    ----------
    seed : int or integer scalar array
        The seed.

    Returns
    -------
    Array
        uint32[2].

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> np.asarray(em.random.key(7)).tolist() == np.asarray(em.random.PRNGKey(7)).tolist()
    True
    """
    return PRNGKey(seed)


def key_data(keys) -> Array:
    """The raw uint32 data of keys: the keys themselves, since ember keys are raw.

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> np.asarray(em.random.key_data(em.random.key(3))).tolist()
    [0, 3]
    """
    keys = _as_array(keys)
    if _np.dtype(keys.dtype) != _U32 or keys.ndim < 1 or keys.shape[-1] != 2:
        raise TypeError(f"[key_data] expected uint32 keys of shape (..., 2), got {_describe(keys)}")
    return keys


def wrap_key_data(key_bits_array, *, impl=None) -> Array:
    """Keys from raw uint32 data of shape (..., 2) (only the default Threefry-2x32 implementation exists).

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> np.asarray(em.random.wrap_key_data(np.array([0, 3], np.uint32))).tolist()
    [0, 3]
    """
    if impl not in (None, "threefry2x32"):
        raise ValueError(f"[wrap_key_data] expected impl='threefry2x32', got {impl!r}")
    return key_data(key_bits_array)


def split(key, num: int | Sequence[int] = 2) -> Array:
    """Splits a key into `num` new keys (a tuple `num` gives keys of that shape, plus the trailing 2).

    Parameters
    ----------
    key : uint32[2]
        The key to split; do not use it again afterwards.
    num : int or tuple of int
        How many keys, or their shape.

    Returns
    -------
    Array
        uint32[*num, 2].

    Examples
    --------
    >>> import ember as em
    >>> em.random.split(em.random.PRNGKey(0), 3).shape
    (3, 2)
    """
    key = _check_key("split", key)
    shape = _shape("split", num)
    y1, y2 = _hash_shape(key, shape)
    n = len(shape)
    y1 = _lax.broadcast_in_dim(y1, shape + (1,), tuple(range(n)))
    y2 = _lax.broadcast_in_dim(y2, shape + (1,), tuple(range(n)))
    return _lax.concatenate([y1, y2], n)


def fold_in(key, data) -> Array:
    """A new key from a key and a 32-bit integer (for example a step number or a device index).

    Parameters
    ----------
    key : uint32[2]
        The key.
    data : int or integer scalar array
        Taken modulo 2**32.

    Returns
    -------
    Array
        uint32[2].

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> k = em.random.PRNGKey(0)
    >>> np.asarray(em.random.fold_in(k, 1)).tolist() != np.asarray(em.random.fold_in(k, 2)).tolist()
    True
    """
    key = _check_key("fold_in", key)
    if isinstance(data, (int, _np.integer)) and not isinstance(data, (bool, _np.bool_)):
        word = _enp.asarray(_np.uint32(int(data) & 0xFFFFFFFF))
    else:
        data = _as_array(data)
        if data.shape != () or not _np.issubdtype(_np.dtype(data.dtype), _np.integer):
            raise TypeError(f"[fold_in] expected an integer scalar (use ember.vmap for a batch), got "
                            f"{_describe(data)}")
        word = _lax.convert_element_type(data, _U32)
    # JAX hashes the counter pair (0, data), i.e. data as a seed whose high word is zero.
    k1, k2 = _key_words(key, (1,))
    y1, y2 = _threefry2x32(k1, k2, _lax.broadcast_in_dim(_np.uint32(0), (1,), ()), _lax.reshape(word, (1,)))
    return _lax.concatenate([y1, y2], 0)


# ---- bits --------------------------------------------------------------------------------------------


def _random_bits(key, bit_width: int, shape: tuple[int, ...]):
    y1, y2 = _hash_shape(key, shape)
    if bit_width == 64:
        dt = _UINT_OF_BITS[64]
        hi = _lax.shift_left(_lax.convert_element_type(y1, dt), 32)
        return _lax.bitwise_or(hi, _lax.convert_element_type(y2, dt))
    out = _lax.bitwise_xor(y1, y2)
    return out if bit_width == 32 else _lax.convert_element_type(out, _UINT_OF_BITS[bit_width])


def bits(key, shape: Sequence[int] = (), dtype=_np.uint32) -> Array:
    """Uniformly random bits as unsigned integers.

    Parameters
    ----------
    key : uint32[2]
        The key.
    shape : tuple of int
        The result's shape.
    dtype : uint8, uint16, uint32 or uint64
        The result's dtype.

    Returns
    -------
    Array

    Examples
    --------
    >>> import ember as em, numpy as np
    >>> em.random.bits(em.random.PRNGKey(0), (4,), np.uint8).dtype
    dtype('uint8')
    """
    key = _check_key("bits", key)
    dt = _np.dtype(dtype)
    if dt not in _UINT_OF_BITS.values():
        raise TypeError(f"[bits] expected an unsigned integer dtype (uint8/16/32/64), got {dt}")
    return _random_bits(key, dt.itemsize * 8, _shape("bits", shape))


# ---- continuous distributions ------------------------------------------------------------------------


def _uniform(key, shape, dtype, minval, maxval):
    info = _ml_dtypes.finfo(dtype)
    nbits, nmant = dtype.itemsize * 8, int(info.nmant)
    # bfloat16 has 7 mantissa bits: JAX draws 8 random bits for it and widens them.
    rng_bits = 8 if nmant < 8 else nbits
    uint = _UINT_OF_BITS[nbits]
    raw = _random_bits(key, rng_bits, shape)
    if rng_bits != nbits:
        raw = _lax.convert_element_type(raw, uint)
    # Random mantissa under the exponent of 1.0 gives a float in [1, 2); minus 1 gives [0, 1).
    one_bits = int(_np.array(1.0, dtype).view(uint))
    mantissa = _lax.shift_right_logical(raw, rng_bits - nmant)
    floats = _lax.sub(_lax.bitcast_convert_type(_lax.bitwise_or(mantissa, one_bits), dtype), 1.0)
    lo = _as_array(minval, dtype)
    hi = _as_array(maxval, dtype)
    _check_broadcast("uniform", shape, lo.shape, hi.shape)
    lo = _enp.broadcast_to(lo, shape)
    hi = _enp.broadcast_to(hi, shape)
    # max(minval, .) keeps rounding from pushing a value below minval, as JAX does.
    return _lax.max(lo, _lax.add(_lax.mul(floats, _lax.sub(hi, lo)), lo))


def uniform(key, shape: Sequence[int] = (), dtype=_np.float32, minval=0.0, maxval=1.0) -> Array:
    """Uniform floats in [minval, maxval).

    Parameters
    ----------
    key : uint32[2]
        The key.
    shape : tuple of int
        The result's shape.
    dtype : float16, bfloat16, float32 or float64
        The result's dtype.
    minval, maxval : float or array
        The bounds, broadcast to `shape`.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> u = np.asarray(em.random.uniform(em.random.PRNGKey(0), (1000,), minval=2.0, maxval=3.0))
    >>> bool(u.min() >= 2.0 and u.max() < 3.0)
    True
    """
    key = _check_key("uniform", key)
    return _uniform(key, _shape("uniform", shape), _float_dtype("uniform", dtype), minval, maxval)


def normal(key, shape: Sequence[int] = (), dtype=_np.float32) -> Array:
    """Standard normal floats, by the inverse error function of a uniform in (-1, 1) (as JAX).

    Parameters
    ----------
    key : uint32[2]
        The key.
    shape : tuple of int
        The result's shape.
    dtype : float16, bfloat16, float32 or float64
        The result's dtype.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> z = np.asarray(em.random.normal(em.random.PRNGKey(1), (10000,)))
    >>> bool(abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05)
    True
    """
    key = _check_key("normal", key)
    shape = _shape("normal", shape)
    dtype = _float_dtype("normal", dtype)
    lo = _np.nextafter(_np.array(-1.0, dtype), _np.array(0.0, dtype))
    u = _uniform(key, shape, dtype, lo, _np.array(1.0, dtype))
    return _lax.mul(_lax.erf_inv(u), _math.sqrt(2.0))


def truncated_normal(key, lower, upper, shape: Sequence[int] | None = None, dtype=_np.float32) -> Array:
    """Standard normal floats truncated to the open interval (lower, upper), by inverse-CDF sampling.

    Parameters
    ----------
    key : uint32[2]
        The key.
    lower, upper : float or array
        The bounds (broadcast together, and to `shape`).
    shape : tuple of int, optional
        The result's shape; by default the broadcast shape of the bounds.
    dtype : float16, bfloat16, float32 or float64
        The result's dtype.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> z = np.asarray(em.random.truncated_normal(em.random.PRNGKey(0), -1.0, 2.0, (1000,)))
    >>> bool(z.min() > -1.0 and z.max() < 2.0)
    True
    """
    key = _check_key("truncated_normal", key)
    dtype = _float_dtype("truncated_normal", dtype)
    lower = _as_array(lower, dtype)
    upper = _as_array(upper, dtype)
    if shape is None:
        try:
            shape = tuple(_np.broadcast_shapes(lower.shape, upper.shape))
        except ValueError:
            raise ValueError(f"[truncated_normal] expected bounds that broadcast together, got shapes "
                             f"{tuple(lower.shape)} and {tuple(upper.shape)}") from None
    else:
        shape = _shape("truncated_normal", shape)
        _check_broadcast("truncated_normal", shape, lower.shape, upper.shape)
    sqrt2 = _math.sqrt(2.0)
    a = _lax.erf(_lax.div(lower, sqrt2))
    b = _lax.erf(_lax.div(upper, sqrt2))
    out = _lax.mul(_lax.erf_inv(_uniform(key, shape, dtype, a, b)), sqrt2)
    # Clamp into the open interval: rounding (or drawing exactly erf(lower)) could land on a bound.
    lo = _lax.nextafter(_lax.stop_gradient(lower), _enp.full(lower.shape, _np.inf, dtype))
    hi = _lax.nextafter(_lax.stop_gradient(upper), _enp.full(upper.shape, -_np.inf, dtype))
    return _enp.clip(out, lo, hi)


def gumbel(key, shape: Sequence[int] = (), dtype=_np.float32, mode: str = "low") -> Array:
    """Standard Gumbel floats, -log(-log(u)).

    Parameters
    ----------
    key : uint32[2]
        The key.
    shape : tuple of int
        The result's shape.
    dtype : float16, bfloat16, float32 or float64
        The result's dtype.
    mode : {"low", "high"}
        "high" draws two uniforms per value, which extends the largest possible sample (about 16 to about
        32 in float32) at twice the cost.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> g = np.asarray(em.random.gumbel(em.random.PRNGKey(0), (10000,)))
    >>> bool(abs(g.mean() - np.euler_gamma) < 0.05)
    True
    """
    key = _check_key("gumbel", key)
    shape = _shape("gumbel", shape)
    dtype = _float_dtype("gumbel", dtype)
    info = _ml_dtypes.finfo(dtype)
    if mode == "low":
        u = _uniform(key, shape, dtype, _np.array(info.tiny, dtype), _np.array(1.0, dtype))
        return _lax.neg(_lax.log(_lax.neg(_lax.log(u))))
    if mode != "high":
        raise ValueError(f"[gumbel] expected mode 'low' or 'high', got {mode!r}")
    both = _uniform(key, (2,) + shape, dtype, _np.array(0.0, dtype), _np.array(1.0, dtype))
    high, low = both[0], both[1]
    # Below 0.5, refine the coarse uniform with a second one so that values near 0 keep their precision.
    fine = _lax.add(_lax.add(high, _lax.mul(low, 2.0 ** -int(info.nmant))), float(info.tiny))
    x = _enp.where(_enp.greater_equal(high, 0.5), high, fine)
    return _lax.neg(_lax.log(_lax.neg(_lax.log1p(_lax.neg(x)))))


# ---- discrete distributions --------------------------------------------------------------------------


def bernoulli(key, p=0.5, shape: Sequence[int] | None = None) -> Array:
    """Booleans that are True with probability p.

    Parameters
    ----------
    key : uint32[2]
        The key.
    p : float or float array
        The probability of True, broadcast to `shape`.
    shape : tuple of int, optional
        The result's shape; by default p's shape.

    Returns
    -------
    Array
        bool.

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> b = np.asarray(em.random.bernoulli(em.random.PRNGKey(0), 0.25, (10000,)))
    >>> bool(abs(b.mean() - 0.25) < 0.02)
    True
    """
    key = _check_key("bernoulli", key)
    p = _as_array(p)
    dtype = _np.dtype(p.dtype)
    if dtype not in _FLOATS:
        raise TypeError(f"[bernoulli] expected a floating probability p, got {dtype}")
    shape = tuple(p.shape) if shape is None else _shape("bernoulli", shape)
    _check_broadcast("bernoulli", shape, p.shape)
    u = _uniform(key, shape, dtype, 0.0, 1.0)
    return _lax.lt(u, _enp.broadcast_to(p, shape))


def _int_dtype(name: str, dtype) -> _np.dtype:
    dt = _np.dtype(dtype)
    if not _np.issubdtype(dt, _np.integer):
        raise TypeError(f"[{name}] expected an integer dtype, got {dt}")
    return dt


def _convert_and_clip(val, dtype: _np.dtype):
    """Converts integers to `dtype`, saturating at its range rather than wrapping."""
    src = _np.iinfo(_np.dtype(val.dtype))
    dst = _np.iinfo(dtype)
    clipped = _enp.clip(val, max(src.min, dst.min), min(src.max, dst.max))
    return _lax.convert_element_type(clipped, dtype)


def _integer_bound(v):
    v = _as_array(v)
    if not _np.issubdtype(_np.dtype(v.dtype), _np.integer):
        v = _lax.convert_element_type(v, _np.int64)
    return v


def _rem_or_self(x, span):
    # XLA's unsigned x % 0 is x, and JAX's randint relies on it for a span of 2**nbits (which wraps to 0);
    # ember's remainder by zero is 0, so that case is spelled out.
    zero = _lax.eq(span, 0)
    safe = _lax.select(zero, _lax.broadcast_in_dim(_np.array(1, span.dtype), span.shape, ()), span)
    return _lax.select(zero, x, _lax.rem(x, safe))


def _randint(key, shape, minval, maxval, dtype: _np.dtype):
    cap = min(_np.iinfo(dtype).max, _np.iinfo(_np.dtype(maxval.dtype)).max)
    maxval_out_of_range = _enp.greater(maxval, cap)
    maxval_out_of_range = _enp.broadcast_to(maxval_out_of_range, shape)
    minval = _enp.broadcast_to(_convert_and_clip(minval, dtype), shape)
    maxval = _enp.broadcast_to(_convert_and_clip(maxval, dtype), shape)
    nbits = dtype.itemsize * 8
    # Two draws of nbits each, combined modulo the span: the bias of a plain modulus shrinks by 2**nbits.
    k = split(key)
    higher = _random_bits(k[0], nbits, shape)
    lower = _random_bits(k[1], nbits, shape)
    uint = _UINT_OF_BITS[nbits]
    span = _lax.convert_element_type(_lax.sub(maxval, minval), uint)
    empty = _lax.le(maxval, minval)
    span = _lax.select(empty, _lax.broadcast_in_dim(_np.array(1, uint), shape, ()), span)
    # A maxval beyond the dtype's range means the range includes the dtype's maximum.
    span = _lax.select(_lax.bitwise_and(maxval_out_of_range, _lax.bitwise_not(empty)), _lax.add(span, 1), span)
    # 2**nbits mod span, computed without overflow as ((2**(nbits/2) mod span)**2) mod span.
    mult = _rem_or_self(_lax.broadcast_in_dim(_np.array(2 ** (nbits // 2), uint), shape, ()), span)
    mult = _rem_or_self(_lax.mul(mult, mult), span)
    offset = _lax.add(_lax.mul(_rem_or_self(higher, span), mult), _rem_or_self(lower, span))
    offset = _rem_or_self(offset, span)
    return _lax.add(minval, _lax.convert_element_type(offset, dtype))


def randint(key, shape: Sequence[int], minval, maxval, dtype=_np.int32) -> Array:
    """Uniform integers in [minval, maxval) (minval where maxval <= minval).

    As JAX's, this reduces 2 * nbits random bits modulo the span, so the bias for spans that are not
    powers of two is about span / 2**nbits; 8- and 16-bit dtypes are sampled with 32 bits.

    Parameters
    ----------
    key : uint32[2]
        The key.
    shape : tuple of int
        The result's shape.
    minval, maxval : int or integer array
        The bounds, broadcast to `shape`; clipped to the dtype's range (a maxval above the range includes
        the dtype's maximum).
    dtype : integer dtype
        The result's dtype.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> r = np.asarray(em.random.randint(em.random.PRNGKey(0), (1000,), 3, 7))
    >>> sorted(set(r.tolist()))
    [3, 4, 5, 6]
    """
    key = _check_key("randint", key)
    shape = _shape("randint", shape)
    dtype = _int_dtype("randint", dtype)
    minval = _integer_bound(minval)
    maxval = _integer_bound(maxval)
    _check_broadcast("randint", shape, minval.shape, maxval.shape)
    info = _np.iinfo(dtype)
    if info.bits < 32:
        i32 = _np.dtype(_np.int32)
        minval = _enp.clip(_lax.convert_element_type(minval, i32), int(info.min), int(info.max))
        maxval = _enp.clip(_lax.convert_element_type(maxval, i32), int(info.min), int(info.max) + 1)
        return _lax.convert_element_type(_randint(key, shape, minval, maxval, i32), dtype)
    return _randint(key, shape, minval, maxval, dtype)


def _normalize_axis(name: str, axis: int, ndim: int) -> int:
    axis = _operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"[{name}] expected an axis in [{-ndim}, {ndim}), got {axis}")
    return axis % ndim


def _shuffle(key, x, axis: int):
    # Sorting by random 32-bit keys; repeated rounds with fresh keys make ties (which would bias the
    # stable sort) negligible: 3 * log(n) / log(2**32 - 1) rounds, as JAX (after TensorFlow).
    size = _math.prod(x.shape)
    rounds = int(_np.ceil(3 * _np.log(max(1, size)) / _np.log(_np.iinfo(_np.uint32).max)))
    for _ in range(rounds):
        k = split(key)
        key, sub = k[0], k[1]
        sort_keys = _random_bits(sub, 32, tuple(x.shape))
        _, x = _lax.sort_key_val(sort_keys, x, axis)
    return x


def permutation(key, x, axis: int = 0, independent: bool = False) -> Array:
    """A random permutation of range(x) for an integer x, or of an array's entries along `axis`.

    Parameters
    ----------
    key : uint32[2]
        The key.
    x : int or array
        An int n permutes ember.numpy.arange(n) (int64); an array is shuffled along `axis`.
    axis : int
        The axis to shuffle.
    independent : bool
        Shuffle each slice along `axis` independently instead of permuting whole slices.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> sorted(np.asarray(em.random.permutation(em.random.PRNGKey(0), 5)).tolist())
    [0, 1, 2, 3, 4]
    """
    key = _check_key("permutation", key)
    if isinstance(x, (int, _np.integer)) and not isinstance(x, (bool, _np.bool_)):
        if x < 0:
            raise ValueError(f"[permutation] expected a non-negative integer, got {x}")
        return _shuffle(key, _enp.arange(int(x)), 0)
    x = _as_array(x)
    if x.ndim == 0:
        raise TypeError(f"[permutation] expected an integer or an array of at least one dimension, got "
                        f"{_describe(x)} (a traced integer cannot set the result's size)")
    axis = _normalize_axis("permutation", axis, x.ndim)
    if independent or x.ndim == 1:
        return _shuffle(key, x, axis)
    order = _shuffle(key, _enp.arange(x.shape[axis]), 0)
    return _enp.take(x, order, axis=axis)


def choice(key, a, shape: Sequence[int] = (), replace: bool = True, p=None, axis: int = 0) -> Array:
    """A random sample of an array's entries along `axis` (or of range(a) for an integer a).

    With p, sampling with replacement inverts the cumulative distribution and sampling without
    replacement takes the top entries of log(p) plus Gumbel noise.

    Parameters
    ----------
    key : uint32[2]
        The key.
    a : int or array
        The population: range(a), or `a`'s slices along `axis`.
    shape : tuple of int
        The sample's shape (it replaces `axis` in the result).
    replace : bool
        Sample with replacement.
    p : 1-d float array, optional
        Probabilities of the population's entries (need not be normalized).
    axis : int
        The axis of `a` to sample along.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> s = np.asarray(em.random.choice(em.random.PRNGKey(0), 10, (5,), replace=False))
    >>> len(set(s.tolist()))
    5
    """
    key = _check_key("choice", key)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"[choice] expected a shape sequence, got {shape!r}")
    shape = _shape("choice", shape)
    scalar = isinstance(a, (int, _np.integer)) and not isinstance(a, (bool, _np.bool_))
    if scalar:
        n_inputs = int(a)
        arr = None
    else:
        arr = _as_array(a)
        if arr.ndim == 0:
            raise TypeError(f"[choice] expected an integer or an array of at least one dimension, got "
                            f"{_describe(arr)}")
        axis = _normalize_axis("choice", axis, arr.ndim)
        n_inputs = arr.shape[axis]
    n_draws = _math.prod(shape)
    if n_draws == 0:
        if arr is None:
            return _enp.zeros(shape, _np.int64)
        return _enp.zeros(tuple(arr.shape[:axis]) + shape + tuple(arr.shape[axis + 1:]), arr.dtype)
    if n_inputs <= 0:
        raise ValueError(f"[choice] expected a non-empty population, got {n_inputs} entries")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"[choice] expected at most {n_inputs} draws without replacement, got {n_draws}")
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
        else:
            perm = permutation(key, n_inputs if arr is None else _enp.arange(n_inputs))
            ind = _lax.slice(perm, (0,), (n_draws,))
    else:
        p = _as_array(p)
        if not _np.issubdtype(_np.dtype(p.dtype), _np.floating):
            p = _lax.convert_element_type(p, _np.float32)
        if tuple(p.shape) != (n_inputs,):
            raise ValueError(f"[choice] expected p of shape ({n_inputs},), got {tuple(p.shape)}")
        if replace:
            cdf = _enp.cumsum(p)
            total = cdf[-1]
            r = _enp.multiply(total, _enp.subtract(1, uniform(key, shape, p.dtype)))
            ind = _enp.searchsorted(cdf, r)
        else:
            g = _enp.add(gumbel(key, (n_inputs,), p.dtype), _enp.log(p))
            ind = _lax.top_k(g, n_draws)[1]
    if arr is None:
        return _lax.convert_element_type(_enp.reshape(ind, shape), _np.int64)
    ind = _enp.reshape(ind, (n_draws,))
    out = _enp.take(arr, ind, axis=axis)
    return _enp.reshape(out, tuple(arr.shape[:axis]) + shape + tuple(arr.shape[axis + 1:]))


def categorical(key, logits, axis: int = -1, shape: Sequence[int] | None = None, replace: bool = True) -> Array:
    """Category indices drawn with probabilities softmax(logits) along `axis` (the Gumbel-max trick;
    without replacement, the Gumbel-top-k trick).

    Parameters
    ----------
    key : uint32[2]
        The key.
    logits : float array
        Unnormalized log-probabilities.
    axis : int
        The axis of the categories.
    shape : tuple of int, optional
        The result's shape: leading sample dimensions, then logits' shape without `axis` (the default).
    replace : bool
        Sample with replacement; without, the leading sample dimensions hold distinct categories.

    Returns
    -------
    Array
        int64 indices.

    Examples
    --------
    >>> import numpy as np, ember as em
    >>> c = np.asarray(em.random.categorical(em.random.PRNGKey(0), np.log([0.2, 0.8]), shape=(5000,)))
    >>> bool(abs(c.mean() - 0.8) < 0.03)
    True
    """
    key = _check_key("categorical", key)
    logits = _as_array(logits)
    dtype = _np.dtype(logits.dtype)
    if dtype not in _FLOATS:
        raise TypeError(f"[categorical] expected floating logits, got {dtype}")
    if logits.ndim == 0:
        raise ValueError("[categorical] expected logits of at least one dimension, got a scalar")
    axis = _normalize_axis("categorical", axis, logits.ndim)
    batch_shape = tuple(d for i, d in enumerate(logits.shape) if i != axis)
    shape = batch_shape if shape is None else _shape("categorical", shape)
    _check_broadcast("categorical", shape, batch_shape)
    prefix = shape[:len(shape) - len(batch_shape)]
    if replace:
        sample_shape = list(shape[len(prefix):])
        sample_shape.insert(axis, logits.shape[axis])
        noise = gumbel(key, prefix + tuple(sample_shape), dtype)
        expanded = _enp.reshape(logits, (1,) * len(prefix) + tuple(logits.shape))
        return _enp.argmax(_enp.add(noise, expanded), axis=len(prefix) + axis)
    k = _math.prod(prefix)
    if k > logits.shape[axis]:
        raise ValueError(f"[categorical] expected at most {logits.shape[axis]} samples without replacement, "
                         f"got {k}")
    perturbed = _enp.moveaxis(_enp.add(logits, gumbel(key, tuple(logits.shape), dtype)), axis, -1)
    _, idx = _lax.top_k(perturbed, k)
    # idx is batch_shape + (k,); the k draws become the leading sample dimensions.
    idx = _lax.transpose(idx, (idx.ndim - 1,) + tuple(range(idx.ndim - 1)))
    return _lax.convert_element_type(_enp.reshape(idx, shape), _np.int64)
