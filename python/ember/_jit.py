"""jit and make_ir."""

from __future__ import annotations

import functools
import inspect
import os
from typing import Any, Callable, Iterable

from . import _core
from ._device import _backend_and_device

# jit compiles to native code when ember was built with the CPU backend; EMBER_BACKEND overrides the default
# (the test suite runs its jit tests on the reference executor this way too).
_DEFAULT_BACKEND = os.environ.get("EMBER_BACKEND") or ("cpu" if "cpu" in _core.backends() else "interpreter")


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, (int, str)):
        return (x,)
    return tuple(x)


def _positional_names(fun: Callable) -> list[str]:
    try:
        params = inspect.signature(fun).parameters.values()
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in params if p.kind in kinds]


def jit(
    fun: Callable | None = None,
    *,
    static_argnums: int | Iterable[int] = (),
    static_argnames: str | Iterable[str] = (),
    donate_argnums: int | Iterable[int] = (),
    donate_argnames: str | Iterable[str] = (),
    backend: str | None = None,
    device: Any = None,
    compiler_options: dict | None = None,
):
    """Compiles `fun` for each new input signature and runs the cached code afterwards.

    The function is traced with abstract values (shape and dtype) into ember's IR once per signature: the
    pytree structure of the arguments, each leaf's shape, dtype and weak type, and the values of static
    arguments. Later calls with the same signature run the compiled code without calling `fun`.

    Arguments may be ember arrays, NumPy arrays, Python scalars and pytrees of them. The "cpu" backend reads
    a dense, aligned NumPy array in place for the duration of the call instead of copying it (no result
    shares its memory); other backends and layouts copy. As in NumPy, modifying such an array from another
    thread while a call reads it is a race.

    Parameters
    ----------
    fun : callable
        A function of arrays (and pytrees of arrays) returning arrays.
    static_argnums, static_argnames : int/str or sequences of them
        Arguments treated as compile-time constants (they must be hashable); a new value retraces.
    donate_argnums, donate_argnames : int/str or sequences of them
        Arguments the caller gives up (all the arrays of their pytrees), as in JAX. After the call a donated
        ember array can no longer be read (doing so raises RuntimeError); the compiled code may write a
        result of the same shape and dtype over its memory instead of allocating, which saves the
        allocation and keeps large updates (``params = step(params, grads)``) in place. The "cpu" backend
        reuses a donated buffer for a result computed elementwise from it by the last step that reads it
        (``make_ir(f)(*args).plan()["reusable_inputs"]`` shows which); the reference executor always
        allocates. NumPy arrays and Python scalars may be donated too; the caller's object is left untouched
        (ember reuses only memory of its own).
    backend : str, optional
        The registered compiler to use: "cpu" (fused native code through MLIR and LLVM, the default when
        ember was built with it) or "interpreter" (the reference executor, the oracle the native code is
        tested against). `ember.backends()` lists them; the environment variable EMBER_BACKEND sets the
        default.
    device : Device or str, optional
        The device to run on: the CPU, or a CUDA device from ``ember.devices("cuda")`` (which selects the
        "cuda" backend). Without `device` and `backend`, a call runs on the CUDA device its array arguments
        are on (``ember.device_put``), else on the CPU. Results stay on the device they were computed on.
    compiler_options : dict, optional
        ``{"tiered": bool}``: tiered compilation (the "cpu" backend). When on, a function whose optimised code
        is in neither the in-process nor the disk cache first runs a quick build (a few times cheaper to
        compile, slower to run) while the optimised build runs on a background thread and replaces it.
        The default is on; the environment variable EMBER_TIERED=0 turns it off by default.
        ``{"matmul_precision": "float32" | "tensorfloat32"}``: float32 matrix products on CUDA devices are
        exact float32 by default; "tensorfloat32" lets cuBLAS round their inputs to TF32 (10-bit mantissas)
        on tensor cores, several times faster and about 1e-3 relative error. The CPU ignores it.

    Compiled code is cached in memory and on disk (EMBER_CACHE_DIR, default ~/.cache/ember;
    EMBER_DISK_CACHE=0 turns the disk cache off, EMBER_CACHE_MAX_MB bounds it), keyed by everything that
    changes the code, so another process running the same function does not compile it again.

    Examples
    --------
    >>> import numpy as np, ember as em, ember.numpy as enp
    >>> f = em.jit(lambda x, y: x @ y + 1.0)
    >>> np.asarray(f(np.eye(2, dtype=np.float32), np.ones((2, 2), np.float32))).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    if fun is None:
        return functools.partial(
            jit,
            static_argnums=static_argnums,
            static_argnames=static_argnames,
            donate_argnums=donate_argnums,
            donate_argnames=donate_argnames,
            backend=backend,
            device=device,
            compiler_options=compiler_options,
        )
    if not callable(fun):
        raise TypeError(f"[jit] expected a callable, got {type(fun).__name__}")
    follow_arguments = backend is None and device is None
    backend, device_index = _backend_and_device(backend, device)
    names = _positional_names(fun)
    nums, argnames = _nums_and_names(names, static_argnums, static_argnames)
    donated_nums, donated_names = _nums_and_names(names, donate_argnums, donate_argnames)
    both = (nums & donated_nums) | (argnames & donated_names)
    if both:
        raise ValueError(f"[jit] arguments {sorted(map(str, both))} are both static and donated")
    name = getattr(fun, "__name__", "f")
    if not name.isidentifier():
        name = "f"
    jitted = _core.JitFunction(fun, sorted(nums), sorted(argnames), sorted(donated_nums), sorted(donated_names),
                               backend or _DEFAULT_BACKEND, device_index, follow_arguments, names, name,
                               *_compiler_options(compiler_options))
    functools.update_wrapper(jitted, fun, updated=())
    return jitted


def _compiler_options(compiler_options: dict | None) -> tuple[bool, bool]:
    """(tiered, allow TF32) from jit's compiler_options."""
    options = dict(compiler_options or {})
    tiered = options.pop("tiered", os.environ.get("EMBER_TIERED", "1") != "0")
    precision = options.pop("matmul_precision", "float32")
    if options:
        raise ValueError(f"[jit] unknown compiler_options {sorted(options)} (known: 'tiered', 'matmul_precision')")
    if precision not in ("float32", "tensorfloat32"):
        raise ValueError(f"[jit] expected matmul_precision 'float32' or 'tensorfloat32', got {precision!r}")
    return bool(tiered), precision == "tensorfloat32"


def _nums_and_names(names: list[str], argnums, argnames) -> tuple[set, set]:
    """As JAX: argument positions and names imply each other through the signature."""
    nums, argnames = set(_as_tuple(argnums)), set(_as_tuple(argnames))
    for i in list(nums):
        if 0 <= i < len(names):
            argnames.add(names[i])
    for n in list(argnames):
        if n in names:
            nums.add(names.index(n))
    return nums, argnames


def make_ir(fun: Callable, *, static_argnums=(), static_argnames=()):
    """Returns a function that traces `fun` on its arguments and returns the IR (like jax.make_jaxpr).

    Examples
    --------
    >>> import numpy as np, ember as em, ember.numpy as enp
    >>> print(em.make_ir(lambda x: enp.tanh(x))(np.zeros(3, np.float32)))
    func @f(%0: f32[3]) -> (f32[3]) {
      %1 = tanh %0 : f32[3]
      return %1
    }
    """
    jitted = fun if isinstance(fun, _core.JitFunction) else jit(
        fun, static_argnums=static_argnums, static_argnames=static_argnames
    )

    @functools.wraps(fun)
    def traced(*args, **kwargs):
        return jitted.trace_ir(*args, **kwargs)

    return traced


def backends() -> list[str]:
    """The names of the registered compilers, usable as `jit(..., backend=name)`.

    Examples
    --------
    >>> import ember as em
    >>> "interpreter" in em.backends()
    True
    """
    return list(_core.backends())
