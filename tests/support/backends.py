"""What the backend tests share: numba's availability, a batch the loss expects, and the
per-unit generated gradient called directly."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

NUMBA = importlib.util.find_spec("numba") is not None
needs_numba = pytest.mark.skipif(not NUMBA, reason="numba is not installed (the fast extra)")


def batch(model, n: int, seed: int = 0):
    """(x, y) of ``n`` samples: one-hot targets for a cross-entropy, [0, 1) for a
    binary one, normal otherwise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, model.input_size))
    if model.spec.loss in ("cross_entropy", "softmax_cross_entropy"):
        y = np.eye(model.output_size)[rng.integers(0, model.output_size, size=n)]
    elif model.spec.loss in ("bce", "binary_cross_entropy"):
        y = rng.random((n, model.output_size))
    else:
        y = rng.normal(size=(n, model.output_size))
    return x, y


def per_unit_gradient(model, params, x, y) -> dict:
    """The per-unit generated code, called directly (no matrix code inside)."""
    theta = model._flat_params(params)
    return dict(zip(model.parameters, model._function("gradient")(theta, x, y)))
