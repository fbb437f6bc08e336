"""Gradient descent with the derived gradients: :func:`train` and :class:`TrainResult`.

The loop is what a person writes by hand after deriving (seed 004): evaluate the
loss and every ∂L/∂θ, step every parameter at once.  The NumPy loop gets the loss
and the gradient from one generated function per step (one forward pass, not two)
and keeps the parameters as one vector.  The exact semantics, which a faster
backend must reproduce:

- ``params`` start at ``model.initial_params(seed)`` unless given;
- ``batch_size=None`` uses the whole data set at every step; otherwise each epoch
  visits the rows in the order ``np.random.default_rng(seed).permutation(N)``
  (one generator for the whole run, a new permutation per epoch) in consecutive
  batches of ``batch_size`` rows, the last batch of an epoch holding what is left;
- ``losses[k]`` is the loss of the batch of step k at the parameters before step k;
- gd and sgd: θ ← θ − η g; momentum: v ← μ v + g, θ ← θ − η v, μ = :data:`MOMENTUM`,
  v starting at 0 (the heavy ball as torch writes it);
- ``final_loss`` is the loss over the whole data set after the last step (for a
  ``reduction: single`` spec, the mean of the samples' losses).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from derivgen.errors import UnsupportedError
from derivgen.learn.fused import fused_train
from derivgen.model.backends import auto_compiles, kernel, numba_installed
from derivgen.model.base import batch_arrays

OPTIMIZERS = ("gd", "sgd", "momentum")
#: "numpy" is the plain loop, "numba" the compiled one (derivgen.learn.fused), "auto" the
#: compiled one where numba is installed and the network small enough
BACKENDS = ("auto", "numpy", "numba")
MOMENTUM = 0.9

Callback = Callable[[int, float, Mapping[str, Any]], Any]


@dataclass
class TrainResult:
    """The trained parameters and the loss of every step (see the module's docstring)."""

    params: dict[str, Any]
    losses: np.ndarray
    final_loss: float = math.nan
    learning_rate: float = math.nan
    optimizer: str = "gd"
    batch_size: int | None = None
    seed: int = 0
    name: str = ""
    #: the step whose loss was not finite, after which training stopped (None: it did not)
    diverged_at: int | None = None

    def _repr_html_(self) -> str:
        """Jupyter shows the loss curve (log scale) and the final parameters."""
        from derivgen.render.curve import train_html
        return train_html(self)

    def summary(self) -> str:
        """One line as seed 004 prints it: ``w=… b=… loss=… learning_rate=…``."""
        parts = [f"{name}={_short(value)}" for name, value in self.params.items()]
        parts += [f"loss={self.final_loss!r}", f"learning_rate={self.learning_rate!r}"]
        return " ".join(parts)


def _short(value: Any) -> str:
    if np.ndim(value) == 0:
        return repr(float(value))
    shape = "×".join(str(n) for n in np.shape(value))
    return f"[{shape} array]"


def _batches(n: int, batch_size: int, rng: np.random.Generator):
    """Row indices of each batch, epoch after epoch, forever."""
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]


def _start(model: Any, params: Mapping[str, Any] | None, seed: int) -> dict[str, Any]:
    """A fresh copy of the starting parameters: scalars as floats, arrays as float arrays."""
    source = model.initial_params(seed) if params is None else params
    if getattr(model, "form", "scalar") == "scalar":
        source = model.flat_params(source)  # groups (W_1: [[…]]) become scalars
    return {k: float(v) if np.ndim(v) == 0 else np.array(v, dtype=float)
            for k, v in source.items()}


def train(model: Any, x: Any, y: Any, steps: int, learning_rate: float,
          batch_size: int | None = None, optimizer: str = "gd", seed: int = 0,
          backend: str = "auto", callback: Callback | None = None, *,
          params: Mapping[str, Any] | None = None) -> TrainResult:
    """Train ``model`` on ``x`` (N, D) and ``y`` (N, C) for ``steps`` steps.

    ``optimizer`` is "gd" (the whole batch unless ``batch_size`` says otherwise),
    "sgd" (batches of ``batch_size``, 1 when not given) or "momentum".  ``backend``
    "numpy" runs the plain loop over the generated NumPy code; "numba" runs the whole
    loop compiled (:mod:`derivgen.learn.fused`), in chunks; "auto" is numba when it is
    installed and the network small enough, NumPy otherwise.
    ``callback(step, loss, params)`` is called after every step (numba: after every
    chunk, about a hundredth of the run), ``step`` counting from 1; it must not change
    ``params``.  ``params`` are the starting values
    (default ``model.initial_params(seed)``).
    """
    if backend not in BACKENDS:
        raise UnsupportedError(f"training backend {backend!r} is not available; "
                               f"use one of {', '.join(BACKENDS)}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {optimizer!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, not {steps!r}")
    if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate)
            and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive finite number, not {learning_rate!r}")
    xa, ya = batch_arrays(x, y, model.input_size, model.output_size, single=False)
    n = xa.shape[0]
    if optimizer == "sgd" and batch_size is None:
        batch_size = 1
    if batch_size is not None and (isinstance(batch_size, bool) or batch_size < 1
                                   or not isinstance(batch_size, (int, np.integer))):
        raise ValueError(f"batch_size must be a whole number >= 1, not {batch_size!r}")
    single = model.graph.reduction == "single"
    if single and n > 1 and batch_size != 1:
        raise ValueError("this spec's reduction is 'single' (one sample per loss): train it "
                         "with batch_size=1 (optimizer 'sgd' does that by default)")
    current = _start(model, params, seed)
    batches = _batches(n, batch_size, np.random.default_rng(seed)) if batch_size else None
    if _compiled(model, backend):
        with np.errstate(all="ignore"):
            current, losses, diverged = fused_train(
                model, xa, ya, steps, learning_rate, batches,
                MOMENTUM if optimizer == "momentum" else None, current, callback)
            final = _full_loss(model.loss_fn("numba"), current, xa, ya, single)
        return TrainResult(current, losses, final, float(learning_rate), optimizer,
                           batch_size, seed, model.spec.name, diverged)
    trainer = model._trainer  # loss and gradient in one generated call per step
    theta = trainer.pack(current)
    velocity = np.zeros_like(theta)
    losses = np.empty(steps)
    diverged = None
    with np.errstate(all="ignore"):  # divergence is reported, not warned about per step
        for step in range(steps):
            if batches is None:
                xb, yb = xa, ya
            else:
                rows = next(batches)
                xb, yb = xa[rows], ya[rows]
            value, grad = trainer.step(theta, xb, yb)
            losses[step] = value
            if not math.isfinite(losses[step]):
                diverged, losses = step, losses[:step + 1]
                break
            if optimizer == "momentum":
                velocity *= MOMENTUM  # v ← μ v + g, as the plain formulas say, in place
                velocity += grad
                grad = velocity
            theta -= learning_rate * grad
            if callback is not None:
                callback(step + 1, float(losses[step]), trainer.unpack(theta))
        current = trainer.unpack(theta)
        final = _full_loss(model.loss_fn(), current, xa, ya, single)
    return TrainResult(current, losses, final, float(learning_rate), optimizer, batch_size,
                       seed, model.spec.name, diverged)


def _compiled(model: Any, backend: str) -> bool:
    """Whether ``backend`` means the compiled loop for this model."""
    if backend == "numpy":
        return False
    if backend == "numba" and not numba_installed():
        raise UnsupportedError("training backend 'numba' is not available: numba is not "
                               "installed (pip install 'derivgen[fast]')")
    if backend == "numba":
        kernel(model)  # an UnsupportedError says why there is none
        return True
    return auto_compiles(model)


def _full_loss(loss: Callable, params: Mapping[str, Any], x: np.ndarray, y: np.ndarray,
               single: bool) -> float:
    if not single:
        return float(loss(params, x, y))
    return float(np.mean([loss(params, x[i:i + 1], y[i:i + 1]) for i in range(len(x))]))
