"""Ahead-of-time compilation to standalone shared objects with a C ABI (DESIGN §8).

``compile(f, *example_args, output="f.so")`` traces `f` (any jittable function, transformed or not) for the
shapes and dtypes of its example arguments, compiles it for a CPU level, and writes

- ``f.so``, which needs neither Python nor ember: it links only libc, libm (and libpthread) and, when the code
  calls it, OpenBLAS. It exports ``NAME_run``, ``NAME_workspace_size``, metadata functions, and
  ``NAME_set_num_threads``;
- ``f.h``, the C header that declares them (with the shapes and dtypes in comments);
- ``f.hpp``, a small C++ convenience wrapper.

Inputs and outputs are the pytree leaves of the example arguments and of the result, in
``ember.tree_util.tree_leaves`` order (dict keys sorted). Each is a dense row-major array; the caller owns all
memory, including a workspace of ``NAME_workspace_size()`` bytes, 64-byte aligned. ``NAME_run`` returns 0, or an
error code (``NAME_error_string`` says what it means): a null pointer, a misaligned workspace, or a CPU
without the instruction sets the code was compiled for (checked on the first call: never an illegal
instruction). The object is thread-safe: each call uses only its caller's memory; the thread pool, started on
first use, is the only global state. ``load(path)`` brings one back into Python.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import _core, tree_util
from ._jit import make_ir

__all__ = ["compile", "load", "CompiledModule"]

_SUPPORT = Path(os.path.abspath(__file__)).parent / "aot_support"  # not resolved: dev trees link files here
# The entry point's return codes (runtime/services.h): value -> (name, meaning).
_ERRORS = {
    0: ("OK", "ok"),
    1: ("ERROR_NULL_ARGUMENT", "a null pointer among the inputs, outputs or workspace"),
    2: ("ERROR_MAX_STEPS", "a while_loop ran past its max_steps"),
    3: ("ERROR_STACK", "a run-time stack operation failed"),
    4: ("ERROR_HOST_CALLBACK", "a host callback failed"),
    5: ("ERROR_CPU_FEATURES", "this CPU lacks an instruction set the code was compiled for"),
    6: ("ERROR_ALIGNMENT", "the workspace is not 64-byte aligned"),
    7: ("ERROR_CUDA", "the CUDA driver, the device or cuBLAS failed (or is missing)"),
}
_TARGETS = ("native", "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4")


def _tool(names: tuple[str, ...], what: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(f"[aot] {what} is needed to link the shared object; none of {list(names)} was found")


def _tree_json(tree) -> Any:
    """The structure of a pytree of leaf indices as JSON (tuples, lists, dicts, None; other nodes: a list)."""
    if isinstance(tree, int):
        return tree
    if tree is None:
        return None
    if isinstance(tree, dict):
        return {"dict": {str(k): _tree_json(tree[k]) for k in sorted(tree)}}
    if isinstance(tree, tuple):
        return {"tuple": [_tree_json(t) for t in tree]}
    if isinstance(tree, list):
        return {"list": [_tree_json(t) for t in tree]}
    return {"list": [_tree_json(t) for t in tree_util.tree_leaves(tree)]}


def _tree_from_json(j, leaves: list) -> Any:
    if isinstance(j, int):
        return leaves[j]
    if j is None:
        return None
    if "dict" in j:
        return {k: _tree_from_json(v, leaves) for k, v in j["dict"].items()}
    if "tuple" in j:
        return tuple(_tree_from_json(v, leaves) for v in j["tuple"])
    return [_tree_from_json(v, leaves) for v in j["list"]]


def _indexed(tree):
    """The pytree with each leaf replaced by its index in leaf order."""
    leaves, treedef = tree_util.tree_flatten(tree)
    return tree_util.tree_unflatten(treedef, list(range(len(leaves))))


def _c_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _avals_c(prefix: str, avals) -> str:
    """Static tables of ranks, shapes and dtype names, and the functions that read them."""
    lines = []
    for i, a in enumerate(avals):
        dims = ", ".join(str(d) for d in a.shape) or "0"
        lines.append(f"static const int64_t {prefix}_shape_{i}[] = {{{dims}}};")
    shapes = ", ".join(f"{prefix}_shape_{i}" for i in range(len(avals))) or "0"
    ranks = ", ".join(str(len(a.shape)) for a in avals) or "0"
    dtypes = ", ".join(_c_literal(np.dtype(a.dtype).name) for a in avals) or "0"
    nbytes = ", ".join(str(a.size * np.dtype(a.dtype).itemsize) for a in avals) or "0"
    lines += [f"static const int64_t* const {prefix}_shapes[] = {{{shapes}}};",
              f"static const int {prefix}_ranks[] = {{{ranks}}};",
              f"static const char* const {prefix}_dtypes[] = {{{dtypes}}};",
              f"static const size_t {prefix}_nbytes[] = {{{nbytes}}};"]
    return "\n".join(lines)


def _wrapper_c(name: str, n_in: int, n_out: int, in_avals, out_avals, workspace: int, features: list[str],
               signature: str, cuda: bool) -> str:
    checks = " &&\n         ".join(f'__builtin_cpu_supports("{f}")' for f in features) or "1"
    if cuda:  # device pointers, queued on the caller's stream; the driver checks the device
        run = f"""int ember_cuda_entry(const void* const* inputs, void* const* outputs, void* workspace, void* stream);
int ember_cuda_synchronize(void* stream);

int {name}_run(const void* const* inputs, void* const* outputs, void* workspace, void* stream) {{
{_null_checks(n_in, n_out, workspace)}
  return ember_cuda_entry(inputs, outputs, workspace, stream);
}}

int {name}_synchronize(void* stream) {{ return ember_cuda_synchronize(stream); }}
int {name}_set_num_threads(int n) {{ return n < 0 ? EMBER_ERROR_NULL_ARGUMENT : EMBER_OK; }}"""
    else:
        run = f"""int ember_entry(const void* const* inputs, void* const* outputs, void* workspace, const EmberServices* rt);
const EmberServices* ember_aot_services(void);
int ember_aot_set_num_threads(int n);

static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static int cpu_ok;
static void check_cpu(void) {{
  __builtin_cpu_init();
  cpu_ok = {checks};
}}

int {name}_run(const void* const* inputs, void* const* outputs, void* workspace) {{
  pthread_once(&cpu_once, check_cpu);
  if (!cpu_ok) return EMBER_ERROR_CPU_FEATURES;
{_null_checks(n_in, n_out, workspace)}
  return ember_entry(inputs, outputs, workspace, ember_aot_services());
}}

int {name}_set_num_threads(int n) {{ return ember_aot_set_num_threads(n); }}"""
    errors = "\n".join(f"    case {code}: return {_c_literal(text)};" for code, (_, text) in _ERRORS.items())
    return f"""/* Generated by ember.aot for {name}: the exported functions around the compiled entry point. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "services.h"

{_avals_c("in", in_avals)}
{_avals_c("out", out_avals)}

{run}

size_t {name}_workspace_size(void) {{ return {workspace}; }}
int {name}_num_inputs(void) {{ return {n_in}; }}
int {name}_num_outputs(void) {{ return {n_out}; }}
int {name}_input_rank(int i) {{ return i >= 0 && i < {n_in} ? in_ranks[i] : -1; }}
int {name}_output_rank(int i) {{ return i >= 0 && i < {n_out} ? out_ranks[i] : -1; }}
const int64_t* {name}_input_shape(int i) {{ return i >= 0 && i < {n_in} ? in_shapes[i] : NULL; }}
const int64_t* {name}_output_shape(int i) {{ return i >= 0 && i < {n_out} ? out_shapes[i] : NULL; }}
const char* {name}_input_dtype(int i) {{ return i >= 0 && i < {n_in} ? in_dtypes[i] : NULL; }}
const char* {name}_output_dtype(int i) {{ return i >= 0 && i < {n_out} ? out_dtypes[i] : NULL; }}
const char* {name}_signature(void) {{ return {_c_literal(signature)}; }}
const char* {name}_error_string(int code) {{
  switch (code) {{
{errors}
    default: return "unknown error code";
  }}
}}
"""


def _null_checks(n_in: int, n_out: int, workspace: int) -> str:
    return f"""  if ((!inputs && {n_in}) || (!outputs && {n_out})) return EMBER_ERROR_NULL_ARGUMENT;
  for (int i = 0; i < {n_in}; ++i)
    if (!inputs[i] && in_nbytes[i]) return EMBER_ERROR_NULL_ARGUMENT;
  for (int i = 0; i < {n_out}; ++i)
    if (!outputs[i] && out_nbytes[i]) return EMBER_ERROR_NULL_ARGUMENT;
  if ({workspace} && !workspace) return EMBER_ERROR_NULL_ARGUMENT;
  if ((uintptr_t)workspace % 64) return EMBER_ERROR_ALIGNMENT;"""


def _describe(avals) -> str:
    return "\n".join(f" *   [{i}] {np.dtype(a.dtype).name}[{', '.join(map(str, a.shape))}]"
                     for i, a in enumerate(avals)) or " *   (none)"


def _header(name: str, in_avals, out_avals, target: str, cuda: bool) -> str:
    guard = f"{name.upper()}_H"
    if cuda:
        usage = f""" * {name}_run(inputs, outputs, workspace, stream): device pointers (CUdeviceptr values) on CUDA device 0, and
 * a workspace of {name}_workspace_size() bytes in device memory, 64-byte aligned (NULL when that is 0). The
 * work is queued on `stream` (a CUstream; NULL: the default stream) and the call returns without waiting:
 * {name}_synchronize(stream) waits. The first call opens libcuda (EMBER_LIBCUDA names another file) and
 * loads the embedded cubin. Returns {name.upper()}_OK or an error code ({name}_error_string says which)."""
        run = f"""int {name}_run(const void* const* inputs, void* const* outputs, void* workspace, void* stream);
int {name}_synchronize(void* stream);"""
    else:
        usage = f""" * {name}_run(inputs, outputs, workspace): `workspace` holds {name}_workspace_size() bytes, 64-byte aligned
 * (NULL when that is 0). Returns {name.upper()}_OK or an error code ({name}_error_string says which). Calls may
 * run at once on different threads, each with its own workspace and outputs."""
        run = f"""int {name}_run(const void* const* inputs, void* const* outputs, void* workspace);"""
    codes = "\n".join(f"  {name.upper()}_{n} = {c}, /* {t} */" for c, (n, t) in _ERRORS.items())
    return f"""/* Generated by ember.aot: {name}, compiled for {target}.
 *
 * Inputs (dense, row-major; in the pytree leaf order of the example arguments):
{_describe(in_avals)}
 * Outputs (in the pytree leaf order of the result):
{_describe(out_avals)}
 *
{usage}
 */
#ifndef {guard}
#define {guard}

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {{
#endif

enum {{
{codes}
}};

{run}
size_t {name}_workspace_size(void);
int {name}_num_inputs(void);
int {name}_num_outputs(void);
int {name}_input_rank(int i);            /* -1 when there is no input i */
int {name}_output_rank(int i);
const int64_t* {name}_input_shape(int i);  /* rank entries; NULL when there is no input i */
const int64_t* {name}_output_shape(int i);
const char* {name}_input_dtype(int i);     /* NumPy's name: "float32", "int64", "bfloat16", ... */
const char* {name}_output_dtype(int i);
const char* {name}_signature(void);        /* all of the above and the pytree structures, as JSON */
int {name}_set_num_threads(int n);         /* CPU: threads for later calls (0: one per core) */
const char* {name}_error_string(int code);

#ifdef __cplusplus
}}
#endif

#endif
"""


def _header_cpp(name: str) -> str:
    cls = "".join(part.capitalize() for part in name.split("_")) or name
    return f"""// Generated by ember.aot: a C++ convenience wrapper around {name}.h. It owns the workspace (one per
// object; use one object per thread) and throws std::runtime_error with {name}_error_string's message.
#pragma once

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "{name}.h"

class {cls} {{
 public:
  {cls}() : workspace_(allocate({name}_workspace_size()), &std::free) {{}}
  // Runs {name} on row-major buffers whose sizes the header lists.
  void operator()(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) {{
    if (inputs.size() != size_t({name}_num_inputs()) || outputs.size() != size_t({name}_num_outputs()))
      throw std::runtime_error("{name}: expected " + std::to_string({name}_num_inputs()) + " inputs and " +
                               std::to_string({name}_num_outputs()) + " outputs");
    int code = {name}_run(inputs.data(), outputs.data(), workspace_.get());
    if (code != {name.upper()}_OK) throw std::runtime_error(std::string("{name}: ") + {name}_error_string(code));
  }}

 private:
  static void* allocate(size_t bytes) {{
    return bytes ? std::aligned_alloc(64, (bytes + 63) / 64 * 64) : nullptr;
  }}
  std::unique_ptr<void, decltype(&std::free)> workspace_;
}};
"""


def compile(f: Callable, *example_args, output: str | os.PathLike, name: str | None = None,
            target: str = "native") -> Path:
    """Compiles `f` for the shapes and dtypes of `example_args` into a standalone shared object.

    Parameters
    ----------
    f : callable
        Any function ember.jit accepts, transformed or not (``vmap(grad(loss))``).
    *example_args
        Arrays, or ``ember.ShapeDtypeStruct`` for shapes only, in pytrees as `f` takes them.
    output : path
        The shared object to write; the header goes beside it (``.h`` and ``.hpp``).
    name : str, optional
        The prefix of the exported functions (a C identifier); default: the output file's stem.
    target : str
        The CPU the code is for: "native" (this machine, all its instruction sets) or a portable level,
        "x86-64", "x86-64-v2", "x86-64-v3" (AVX2) or "x86-64-v4" (AVX-512). Or a CUDA device: "sm_80",
        "sm_90", ... (compute capability; no GPU needed to compile) or "cuda" (CUDA device 0's): the object
        embeds the cubin and its launch list, and takes device pointers and a stream.

    Returns the path of the shared object. Raises ValueError naming the op and its line for code a
    standalone object cannot run (host callbacks; reverse mode through a while_loop without max_steps).

    >>> import numpy as np, ember as em, ember.numpy as enp, tempfile, os
    >>> path = em.aot.compile(lambda x: enp.tanh(x) * 2, np.zeros(4, np.float32),
    ...                       output=os.path.join(tempfile.mkdtemp(), "scaled_tanh.so"))
    >>> em.aot.load(path)(np.ones(4, np.float32)).round(4)
    array([1.5232, 1.5232, 1.5232, 1.5232], dtype=float32)
    """
    output = Path(output)
    name = name or output.stem
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"[aot] expected a C identifier for name, got {name!r} (pass name=...)")
    arch = _cuda_arch(target)
    if target not in _TARGETS and arch is None:
        raise ValueError(f"[aot] expected target in {list(_TARGETS)}, 'cuda' or 'sm_XY', got {target!r}")
    out_tree = {}

    def flat(*args):
        result = f(*args)
        out_tree["indexed"] = _indexed(result)
        return tree_util.tree_leaves(result)

    flat.__name__ = name
    ir = make_ir(flat)(*example_args)
    compiled = _core._aot_object(ir, target) if arch is None else _core._aot_cuda(ir, arch)
    in_avals, out_avals = ir.in_avals, ir.out_avals
    signature = json.dumps({
        "name": name, "target": target,
        "inputs": [{"dtype": np.dtype(a.dtype).name, "shape": list(a.shape)} for a in in_avals],
        "outputs": [{"dtype": np.dtype(a.dtype).name, "shape": list(a.shape)} for a in out_avals],
        "input_tree": _tree_json(_indexed(example_args)), "output_tree": _tree_json(out_tree["indexed"]),
        "workspace_bytes": compiled["workspace_bytes"], "cuda": arch is not None,
    })
    cc = _tool(("cc", "gcc", "clang"), "a C compiler")
    cxx = _tool(("c++", "g++", "clang++"), "a C++ compiler driver")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        objects = [tmp / "wrapper.o"]
        (tmp / "wrapper.c").write_text(_wrapper_c(name, len(in_avals), len(out_avals), in_avals, out_avals,
                                                  compiled["workspace_bytes"], compiled.get("cpu_features", []),
                                                  signature, cuda=arch is not None))
        (tmp / "exports.map").write_text(f"{{ global: {name}_*; local: *; }};\n")
        _run([cc, "-c", "-O2", "-fPIC", "-I", str(_SUPPORT), str(tmp / "wrapper.c"), "-o", str(objects[0])])
        if arch is None:
            (tmp / "entry.o").write_bytes(compiled["object"])
            # The support routines are C++: libstdc++ and libgcc go in statically, so the object depends on the
            # C library, libm and (when it calls BLAS) OpenBLAS only.
            libraries = [str(_SUPPORT / "libember_aot_services.a"), str(_SUPPORT / "libember_support.a"),
                         *(["-lopenblas"] if compiled["calls_blas"] else []), "-lm", "-lpthread",
                         "-static-libstdc++", "-static-libgcc"]
            objects.append(tmp / "entry.o")
        else:  # the launch list against the driver API, with the cubin inside; libcuda comes through dlopen
            (tmp / "host.c").write_text(compiled["host_source"])
            _run([cc, "-c", "-O1", "-fPIC", "-I", str(_SUPPORT), str(tmp / "host.c"), "-o", str(tmp / "host.o")])
            objects.append(tmp / "host.o")
            libraries = ["-ldl", "-lpthread"]
        _run([cxx, "-shared", "-o", str(output), *map(str, objects), *libraries, "-Wl,-z,defs",
              f"-Wl,--version-script={tmp / 'exports.map'}"])
    output.with_suffix(".h").write_text(_header(name, in_avals, out_avals, target, cuda=arch is not None))
    if arch is None:
        output.with_suffix(".hpp").write_text(_header_cpp(name))
    return output


def _cuda_arch(target: str) -> int | None:
    """The compute capability a CUDA target names ("sm_90": 90; "cuda": device 0's), or None for CPU targets."""
    if target == "cuda":
        from ._device import devices

        devices("cuda")  # raises, saying what is missing, without a CUDA device
        major, minor = _core._cuda_status()["devices"][0]["compute_capability"]
        return major * 10 + minor
    match = re.fullmatch(r"sm_(\d{2,3})", target)
    return int(match.group(1)) if match else None


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"[aot] {Path(command[0]).name} failed ({' '.join(command)}):\n{done.stderr}")


class CompiledModule:
    """A shared object from ``compile``, callable from Python (for tests and notebooks).

    Calls take the example arguments' pytree structure (or its leaves, flat) as NumPy-convertible arrays
    with exactly the compiled shapes and dtypes, and return the result's pytree: NumPy arrays, or for a CUDA
    object, ember arrays on CUDA device 0.
    """

    def __init__(self, path: str | os.PathLike, name: str | None = None):
        self.path = Path(path)
        self.name = name or self.path.stem
        self._lib = ctypes.CDLL(str(self.path))
        try:
            signature = getattr(self._lib, f"{self.name}_signature")
        except AttributeError:
            raise ValueError(f"[aot] {self.path} exports no {self.name}_signature: not an ember.aot object "
                             f"named {self.name!r} (pass name=...)") from None
        signature.restype = ctypes.c_char_p
        self.signature = json.loads(signature().decode())
        self.cuda = self.signature.get("cuda", False)
        self._run = getattr(self._lib, f"{self.name}_run")
        self._run.argtypes = [ctypes.c_void_p] * (4 if self.cuda else 3)
        self._run.restype = ctypes.c_int
        self._error = getattr(self._lib, f"{self.name}_error_string")
        self._error.restype = ctypes.c_char_p
        self._error.argtypes = [ctypes.c_int]
        self._threads = getattr(self._lib, f"{self.name}_set_num_threads")
        self._threads.argtypes = [ctypes.c_int]

    def set_num_threads(self, n: int) -> None:
        self._threads(n)

    def __call__(self, *args):
        specs = self.signature["inputs"]
        leaves = tree_util.tree_leaves(args)
        if len(leaves) != len(specs):
            raise TypeError(f"[aot] {self.name} expects {len(specs)} input arrays, got {len(leaves)}")
        inputs = []
        for i, (leaf, spec) in enumerate(zip(leaves, specs)):
            a = np.asarray(leaf)
            if a.dtype.name != spec["dtype"] or list(a.shape) != spec["shape"]:
                raise ValueError(f"[aot] {self.name} input {i}: expected {spec['dtype']}{spec['shape']}, "
                                 f"got {a.dtype.name}{list(a.shape)}")
            inputs.append(np.ascontiguousarray(a))
        outputs = [np.empty(o["shape"], o["dtype"]) for o in self.signature["outputs"]]
        workspace = np.empty(self.signature["workspace_bytes"] + 64, np.uint8)
        if self.cuda:  # device memory on CUDA device 0 (fresh arrays this call owns, so it may write them)
            from ._device import device_put, devices

            gpu = devices("cuda")[0]
            inputs, outputs, workspace = device_put((inputs, outputs, workspace), gpu)
            address = lambda a: a.unsafe_buffer_pointer()
        else:
            address = lambda a: a.ctypes.data
        in_ptrs = (ctypes.c_void_p * max(len(inputs), 1))(*[address(a) for a in inputs])
        out_ptrs = (ctypes.c_void_p * max(len(outputs), 1))(*[address(o) for o in outputs])
        base = address(workspace)
        code = self._run(in_ptrs, out_ptrs, base + (-base % 64), *([None] if self.cuda else []))
        if not code and self.cuda:
            code = getattr(self._lib, f"{self.name}_synchronize")(None)
        if code:
            raise RuntimeError(f"[aot] {self.name}_run failed: {self._error(code).decode()} (code {code})")
        return _tree_from_json(self.signature["output_tree"], outputs)


def load(path: str | os.PathLike, name: str | None = None) -> CompiledModule:
    """Loads a shared object written by ``compile`` as a Python callable (`name` defaults to the file's stem).

    >>> import numpy as np, ember as em, tempfile, os
    >>> path = em.aot.compile(lambda a, b: {"sum": a + b}, np.ones(2), np.ones(2),
    ...                       output=os.path.join(tempfile.mkdtemp(), "add.so"))
    >>> em.aot.load(path)(np.ones(2), np.arange(2.0))
    {'sum': array([1., 2.])}
    """
    return CompiledModule(path, name)
