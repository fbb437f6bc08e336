"""The training loop compiled: many descent steps per call into the numba kernel.

:func:`derivgen.learn.train.train` hands over here when its backend is numba.
The semantics are the plain loop's (see that module): the same batches in the
same order (the rows of each step are drawn in Python from the same generator
and passed to the kernel), the loss of each step's batch before its update, the
same optimizers, the same stop at the first loss that is not finite.  Only
the order of floating-point sums differs, so results agree to rounding.

The steps run in chunks; the callback fires after each chunk with the last
step's number, loss and parameters.  A chunk is a whole run without a
callback (split only to bound the memory of the row indices), and about a
hundredth of the run with one.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from derivgen.model.backends import kernel

#: at most this many row indices are drawn ahead (8 bytes each)
MAX_ROWS_AHEAD = 1 << 20
CALLBACK_CHUNKS = 100


def _chunks(steps: int, rows_per_step: int, callback: bool) -> Iterator[int]:
    size = max(1, MAX_ROWS_AHEAD // max(1, rows_per_step))
    if callback:
        size = min(size, max(1, math.ceil(steps / CALLBACK_CHUNKS)))
    done = 0
    while done < steps:
        yield min(size, steps - done)
        done += size


def fused_train(model: Any, x: np.ndarray, y: np.ndarray, steps: int, learning_rate: float,
                batches: Iterator[np.ndarray] | None, momentum: float | None,
                start: Mapping[str, Any], callback: Callable | None
                ) -> tuple[dict[str, Any], np.ndarray, int | None]:
    """(parameters, losses, diverged step or None) after ``steps`` compiled steps.

    ``batches`` yields each step's rows (None: the whole batch every step);
    ``momentum`` is μ of the heavy ball (None: plain descent).
    """
    k = kernel(model)
    theta = np.array(model._flat_params(start), dtype=float)
    velocity = np.zeros_like(theta)
    x, y = np.ascontiguousarray(x), np.ascontiguousarray(y)
    losses = np.empty(steps)
    full = batches is None
    done, diverged = 0, None
    rows_per_step = x.shape[0]
    empty = np.zeros(1, dtype=np.int64)
    for size in _chunks(steps, rows_per_step, callback is not None):
        if full:
            order, bounds = empty, np.zeros(size + 1, dtype=np.int64)
        else:
            picked = [next(batches) for _ in range(size)]
            order = np.concatenate(picked).astype(np.int64)
            bounds = np.zeros(size + 1, dtype=np.int64)
            np.cumsum([len(r) for r in picked], out=bounds[1:])
        out = losses[done:done + size]
        stop = k.module.train(theta, x, y, order, bounds, full, size, float(learning_rate),
                              0 if momentum is None else 1,
                              0.0 if momentum is None else float(momentum), velocity, out)
        if stop >= 0:
            diverged = done + int(stop)
            losses = losses[:diverged + 1]
            break
        done += size
        if callback is not None:
            callback(done, float(losses[done - 1]), _params(model, theta))
    return _params(model, theta), losses, diverged


def _params(model: Any, theta: np.ndarray) -> dict[str, Any]:
    """The flat vector as the plain loop keeps parameters: floats, or float arrays."""
    return {name: float(v) if np.ndim(v) == 0 else np.array(v, dtype=float)
            for name, v in model._unflatten(theta.copy()).items()}
