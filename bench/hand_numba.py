"""The hand-written numba anchor: backprop one sample at a time, as one writes it in numba.

Written independently of derivgen (no generated code), for one-hidden-layer dense
networks in the rows layout of :mod:`anchors`: ``W_1`` (D, H), ``b_1`` (H,), ``W_2``
(H, C), ``b_2`` (C,).  The network's choices (ReLU or sigmoid, identity or softmax
output, sum or mean) are constants of the compiled function, as they would be in a
kernel written for one network; kernels are compiled once per choice and never
cached on disk (the benchmark writes nowhere but its report).

* :func:`grad_fn` - a call of the kernel from Python: arrays in, a dict of arrays out;
* :func:`train_fns` - gradient descent with it: a Python loop over kernel calls, and
  the whole loop inside one compiled function.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Mapping

import numpy as np

NAMES = ("W_1", "b_1", "W_2", "b_2")


@lru_cache(maxsize=None)
def kernels(relu: bool, softmax: bool, mean: bool) -> tuple[Callable, Callable]:
    """(gradient kernel, whole-loop training kernel) for one network's choices."""
    import numba

    @numba.njit(nogil=True, error_model="numpy")
    def backprop(w1, b1, w2, b2, x, y, gw1, gb1, gw2, gb2):
        n_samples, d_in = x.shape
        hidden, out = w2.shape
        gw1[:] = 0.0
        gb1[:] = 0.0
        gw2[:] = 0.0
        gb2[:] = 0.0
        z1, h = np.empty(hidden), np.empty(hidden)
        s, delta = np.empty(out), np.empty(out)
        for n in range(n_samples):
            for j in range(hidden):
                acc = b1[j]
                for i in range(d_in):
                    acc += x[n, i] * w1[i, j]
                z1[j] = acc
                h[j] = max(acc, 0.0) if relu else 1.0 / (1.0 + math.exp(-acc))
            for k in range(out):
                acc = b2[k]
                for j in range(hidden):
                    acc += h[j] * w2[j, k]
                s[k] = acc
            if softmax:  # ∂ℓ/∂s = softmax(s) − y for cross-entropy
                top = s.max()
                total = 0.0
                for k in range(out):
                    delta[k] = math.exp(s[k] - top)
                    total += delta[k]
                for k in range(out):
                    delta[k] = delta[k] / total - y[n, k]
            else:  # ∂ℓ/∂s = s − y for half the squared error
                for k in range(out):
                    delta[k] = s[k] - y[n, k]
            for k in range(out):
                gb2[k] += delta[k]
                for j in range(hidden):
                    gw2[j, k] += h[j] * delta[k]
            for j in range(hidden):
                back = 0.0
                for k in range(out):
                    back += w2[j, k] * delta[k]
                dz = back * (1.0 if z1[j] > 0 else 0.0) if relu else back * h[j] * (1.0 - h[j])
                gb1[j] += dz
                for i in range(d_in):
                    gw1[i, j] += x[n, i] * dz
        if mean:
            scale = 1.0 / n_samples
            gw1 *= scale
            gb1 *= scale
            gw2 *= scale
            gb2 *= scale

    @numba.njit(nogil=True, error_model="numpy")
    def gradient(w1, b1, w2, b2, x, y):
        gw1, gb1 = np.empty_like(w1), np.empty_like(b1)
        gw2, gb2 = np.empty_like(w2), np.empty_like(b2)
        backprop(w1, b1, w2, b2, x, y, gw1, gb1, gw2, gb2)
        return gw1, gb1, gw2, gb2

    @numba.njit(nogil=True, error_model="numpy")
    def train(w1, b1, w2, b2, x, y, steps, lr):
        gw1, gb1 = np.empty_like(w1), np.empty_like(b1)
        gw2, gb2 = np.empty_like(w2), np.empty_like(b2)
        for _ in range(steps):
            backprop(w1, b1, w2, b2, x, y, gw1, gb1, gw2, gb2)
            for i in range(w1.shape[0]):  # in place, no temporaries
                for j in range(w1.shape[1]):
                    w1[i, j] -= lr * gw1[i, j]
            for j in range(w2.shape[0]):
                b1[j] -= lr * gb1[j]
                for k in range(w2.shape[1]):
                    w2[j, k] -= lr * gw2[j, k]
            for k in range(b2.shape[0]):
                b2[k] -= lr * gb2[k]

    return gradient, train


def _kernels_for(net: Any) -> tuple[Callable, Callable]:
    if net.layers != 2 or net.hidden not in ("relu", "sigmoid"):
        raise ValueError("the hand numba kernel is written for one hidden layer")
    return kernels(net.hidden == "relu", net.output == "softmax", net.reduction == "mean")


def grad_fn(net: Any, p: Mapping[str, np.ndarray], x: np.ndarray,
            y: np.ndarray) -> Callable[[], dict]:
    """A zero-argument closure calling the hand kernel; ImportError without numba."""
    gradient, _ = _kernels_for(net)
    w1, b1, w2, b2 = (np.ascontiguousarray(p[k], dtype=float) for k in NAMES)

    def grad() -> dict:
        return dict(zip(NAMES, gradient(w1, b1, w2, b2, x, y)))
    return grad


def train_fns(net: Any, p: Mapping[str, np.ndarray], x: np.ndarray, y: np.ndarray,
              steps: int, lr: float) -> tuple[Callable[[], dict], Callable[[], dict]]:
    """(a Python loop over kernel calls, the whole loop in one compiled call)."""
    gradient, train = _kernels_for(net)

    def start() -> list[np.ndarray]:
        return [np.array(p[k], dtype=float) for k in NAMES]

    def loop() -> dict:
        params = start()
        for _ in range(steps):
            grads = gradient(*params, x, y)
            for value, g in zip(params, grads):
                value -= lr * g
        return dict(zip(NAMES, params))

    def whole() -> dict:
        params = start()
        train(*params, x, y, steps, lr)
        return dict(zip(NAMES, params))
    return loop, whole
