"""Which code computes a model's gradient and loss: NumPy, numba, or the faster of the two.

- ``numpy``: the generated NumPy code, vectorised over the batch (always there);
- ``numba``: the scalar derivation compiled as one fused loop over the samples
  (:mod:`derivgen.codegen.fused`), kept on disk (:mod:`derivgen.codegen.cache`);
  needs ``pip install 'derivgen[fast]'``;
- ``auto``: numba where it is installed and wins, NumPy elsewhere.  Compiling
  pays only for small networks (compile time grows with the number of
  statements), and the fused loop beats vectorised NumPy only while the batch's
  work is small, so ``auto`` asks both: at most :data:`AUTO_MAX_PARAMS`
  parameters, and per call at most :data:`AUTO_MAX_WORK` samples × parameters.

Without numba, ``auto`` runs NumPy and says so once per process.
"""
from __future__ import annotations

import importlib.util
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from derivgen.errors import DerivgenError, UnsupportedError

BACKENDS = ("numpy", "numba", "auto")
#: auto compiles at most this many parameters (compile time grows with the statements)
AUTO_MAX_PARAMS = 256
#: auto runs the fused loop while N × parameters stays below this (measured in bench/)
AUTO_MAX_WORK = 200_000
_noted: list[bool] = []


@dataclass(frozen=True)
class Backend:
    """A model's gradient and loss functions from one backend."""

    name: str
    gradient: Callable[..., dict[str, Any]]
    loss: Callable[..., float]


def numba_installed() -> bool:
    """numba can be imported (without importing it: that takes a second)."""
    return importlib.util.find_spec("numba") is not None


def note_once(message: str, stacklevel: int = 4) -> None:
    """Say ``message`` once per process (a RuntimeWarning)."""
    if not _noted:
        _noted.append(True)
        warnings.warn(message, RuntimeWarning, stacklevel=stacklevel)


MISSING = ("numba is not installed, so derivgen runs its NumPy backend; "
           "pip install 'derivgen[fast]' for the compiled one")


def select(model: Any, backend: str) -> Backend:
    """The ``backend`` functions of ``model`` (see the module docstring); cached per model."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    cache = model.__dict__.setdefault("_backend_cache", {})
    if backend not in cache:
        cache[backend] = _make(model, backend)
    return cache[backend]


def auto_compiles(model: Any) -> bool:
    """Whether ``auto`` runs ``model`` compiled: numba is installed (said once when it is
    not), the network is small enough to pay for compiling, and it has a kernel."""
    if not numba_installed():
        note_once(MISSING, stacklevel=5)  # the caller of gradient_fn or train
        return False
    if not small_enough(model):
        return False
    try:
        kernel(model)
    except DerivgenError:
        return False
    return True


def _make(model: Any, backend: str) -> Backend:
    if backend == "numpy":
        return Backend("numpy", model._numpy_function("gradient"), model._numpy_function("loss"))
    if backend == "numba":
        if not numba_installed():
            raise UnsupportedError("the numba backend needs numba: "
                                   "pip install 'derivgen[fast]'")
        return compiled(model)
    numpy = select(model, "numpy")
    if not auto_compiles(model):
        return numpy
    fast = select(model, "numba")
    limit = AUTO_MAX_WORK // max(1, flat_size(model))
    check, ndarray = model._batch_check, np.ndarray
    fast_grad, fast_loss, np_grad, np_loss = fast.gradient, fast.loss, numpy.gradient, numpy.loss

    def samples(x: Any, y: Any) -> int:
        return x.shape[0] if type(x) is ndarray and x.ndim == 2 else check(x, y)[0].shape[0]

    def gradient(params, x, y):
        return (fast_grad if samples(x, y) <= limit else np_grad)(params, x, y)

    def loss(params, x, y):
        return (fast_loss if samples(x, y) <= limit else np_loss)(params, x, y)
    return Backend("auto", gradient, loss)


def flat_size(model: Any) -> int:
    """The number of scalar parameters (entries of every array)."""
    return sum(int(np.prod(shape)) for shape in model.parameter_shapes.values())


def small_enough(model: Any) -> bool:
    """Whether ``auto`` compiles this model (compile time grows with the statements)."""
    return flat_size(model) <= AUTO_MAX_PARAMS and not getattr(model.graph, "penalty", None)


@dataclass(frozen=True)
class Kernel:
    """A model's compiled module and the parameter order of its flat vector."""

    module: Any
    order: list


def kernel(model: Any) -> Kernel:
    """The compiled kernel of ``model`` (source printed, module loaded; numba compiles on
    first call or loads its cache).  Raises UnsupportedError when there is none."""
    cached = model.__dict__.get("_kernel")
    if cached is not None:
        return cached
    from derivgen.codegen.cache import kernel_module
    from derivgen.codegen.fused import fused_source
    if getattr(model.graph, "penalty", None):
        raise UnsupportedError("the numba backend has no L2 penalty; use backend='numpy'")
    scalar = model.scalar
    order = model._flat_names()
    source = fused_source(scalar.derivation, order)
    import numba  # only now: importing numba takes a second
    module = kernel_module(source, "numba", {"numba": numba.__version__,
                                             "python": sys.version})
    found = Kernel(module, order)
    model.__dict__["_kernel"] = found
    return found


def entry_point(dispatcher: Any, size: int) -> Callable[..., Any]:
    """The compiled function of ``dispatcher`` for (P floats, x, y): P = ``size``, x and y
    two-dimensional float64 arrays of any strides.

    Calling it skips numba's dispatch (typing every argument, looking the signature
    up), which is most of a call at these sizes; the caller checks the arrays'
    dtype and shape first, the entry point itself checks the tuple.
    """
    from numba import types
    batch = types.Array(types.float64, 2, "A")
    return dispatcher.compile((types.UniTuple(types.float64, size), batch, batch))


def compiled(model: Any) -> Backend:
    """Gradient and loss through the fused loop of :func:`kernel`, called at its entry
    points (compiled, or loaded from the cache, on first use)."""
    k = kernel(model)
    size, check = len(k.order), model._batch_check
    if model.form == "scalar":
        names = model.parameters
        fast = model._values_of  # the kernel's order is graph.params, as its own

        def finish(out: tuple) -> dict[str, Any]:
            return dict(zip(names, out))  # the loss, last, is left over
    else:
        fast = None

        def finish(out: tuple) -> dict[str, Any]:
            return model._unflatten(np.array(out[:-1]))
    entries: dict[str, Callable] = {}

    def entry(name: str) -> Callable:
        if name not in entries:
            entries[name] = entry_point(getattr(k.module, name), size)
        return entries[name]

    def call(name: str, params: Any, x: Any, y: Any) -> Any:
        xa, ya = check(x, y)
        fn = entries.get(name) or entry(name)
        if fast is not None and len(params) == size:
            try:
                return fn(fast(params), xa, ya)
            except (KeyError, TypeError, ValueError):
                pass  # a missing name or a value that is no number: the checked path says
        return fn(tuple(model._flat_params(params).tolist()), xa, ya)

    def gradient(params, x, y):
        return finish(call("value_and_grad", params, x, y))

    def loss(params, x, y):
        return call("loss_only", params, x, y)
    return Backend("numba", gradient, loss)
