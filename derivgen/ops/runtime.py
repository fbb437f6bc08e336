"""NumPy helpers that generated code calls; each is written to be stable.

sigmoid never overflows, softplus and log-sum-exp are shifted, and kinks use
the value at 0 that the spec chose.
"""
from __future__ import annotations

from derivgen.ops.lazy import lazy

np = lazy("numpy")  # imported when first used: derive never needs it


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(np.asarray(x) >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(x):
    return np.maximum(x, 0.0)


def leaky_relu(x, alpha):
    return np.where(np.asarray(x) > 0, x, alpha * np.asarray(x))


def softplus(x):
    return np.logaddexp(0.0, x)


def step(x, at0):
    x = np.asarray(x)
    return np.where(x > 0, 1.0, np.where(x < 0, 0.0, float(at0)))


def sign(x, at0):
    x = np.asarray(x)
    return np.where(x > 0, 1.0, np.where(x < 0, -1.0, float(at0)))


def logsumexp(*xs):
    top = xs[0]
    for x in xs[1:]:
        top = np.maximum(top, x)
    return top + np.log(sum(np.exp(x - top) for x in xs))


def softmax(s, axis):
    """softmax along ``axis``, shifted by the maximum so that exp never overflows."""
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def logsumexp_axis(s, axis):
    """log Σ exp along ``axis`` (kept as an axis of length 1), shifted by the maximum."""
    top = s.max(axis=axis, keepdims=True)
    return top + np.log(np.exp(s - top).sum(axis=axis, keepdims=True))


def cross_entropy(z, y, axis):
    """Σ (log Σ e^z − y·z) over the batch, written as Σ y (lse − z) + lse (1 − Σ y).

    The two are equal; the second form subtracts z from its own log-sum-exp entry by
    entry, so large logits do not cancel catastrophically, and its last term is
    exactly 0 for one-hot targets.
    """
    lse = logsumexp_axis(z, axis)
    return float((y * (lse - z)).sum() + (lse * (1.0 - y.sum(axis=axis, keepdims=True))).sum())



_ONES: dict = {}


def ones(k):
    """A read-only vector of ``k`` ones, made once per length (a few lengths per model).

    ``numpy.dot(ones(n), G)`` sums G's columns through BLAS: at N = 4 it costs
    about 60 % of ``G.sum(axis=0)``, and at N = 1000 a tenth (a reduction along
    an axis sets up an iterator; a GEMV does not).
    """
    vector = _ONES.get(k)
    if vector is None:
        if len(_ONES) >= 64:  # many batch sizes: keep the newest, memory stays bounded
            _ONES.clear()
        vector = np.ones(k)
        vector.flags.writeable = False
        _ONES[k] = vector
    return vector
