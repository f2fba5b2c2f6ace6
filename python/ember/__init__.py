"""ember: a tracing JIT compiler for array programs with composable function transformations.

>>> import numpy as np, ember as em, ember.numpy as enp
>>> f = em.jit(lambda x: enp.tanh(x) * 2)
>>> np.asarray(f(np.zeros(3, np.float32))).tolist()
[0.0, 0.0, 0.0]
"""

import os as _os

from . import _core

# Ops traced from user code record the first stack frame outside this package as their source location.
_core._set_package_dir(_os.path.dirname(_os.path.abspath(__file__)) + _os.sep)

from ._core import Array, ConcretizationError, IR, ShapeDtypeStruct  # noqa: E402
from ._device import Device, devices, default_backend, device_get, device_put  # noqa: E402
from ._jit import backends, jit, make_ir  # noqa: E402
from ._dlpack import from_dlpack  # noqa: E402
from ._custom import custom_jvp, custom_vjp  # noqa: E402
from ._checkpoint import checkpoint, checkpoint_policies, remat  # noqa: E402
from ._callback import pure_callback  # noqa: E402
from ._transforms import (  # noqa: E402
    grad, hessian, jacfwd, jacrev, jvp, linearize, value_and_grad, vjp, vmap)
from . import _array  # noqa: E402,F401  (attaches Array's Python-level methods)
from . import lax, numpy, testing, tree_util  # noqa: E402
from . import nn  # noqa: E402
from . import aot, debug, random  # noqa: E402

__all__ = [
    "backends",
    "Array",
    "ShapeDtypeStruct",
    "grad",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "value_and_grad",
    "vjp",
    "vmap",
    "ConcretizationError",
    "checkpoint",
    "checkpoint_policies",
    "remat",
    "custom_jvp",
    "custom_vjp",
    "debug",
    "pure_callback",
    "Device",
    "IR",
    "default_backend",
    "devices",
    "device_get",
    "device_put",
    "jit",
    "lax",
    "make_ir",
    "nn",
    "numpy",
    "random",
    "testing",
    "tree_util",
]
__version__ = "0.1.0"
