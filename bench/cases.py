"""What is measured: the network sizes, and derivgen's side of each measurement.

derivgen is driven only through its public API (``derivgen.mlp``,
``Model.gradient_fn``), in scalar form and - once it lands - matrix form, whose
contract is: ``mlp(sizes, ..., form="matrix", layout="rows")``, parameters
``W_l`` (fan_in, units) and ``b_l`` (units,), gradients as arrays of the same
shapes.  Until then ``form="matrix"`` is refused and its rows say so.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Sequence

import numpy as np

import derivgen
from anchors import Net, Params

#: gradient cases: (network, batch size N)
SEED_111 = Net((1, 1, 1), "sigmoid", "identity", "half_sse", "mean")    # seed 001
SEED_131 = Net((1, 3, 1), "relu", "identity", "half_sse", "sum")       # seed 000
SEED_232 = Net((2, 3, 2), "sigmoid", "identity", "half_sse", "mean")
WIDE_1641 = Net((1, 64, 1), "relu", "identity", "half_sse", "sum")
MNIST = Net((784, 128, 10), "relu", "softmax", "cross_entropy", "mean")
GRADIENT_CASES: list[tuple[Net, int]] = [
    *((net, n) for net in (SEED_111, SEED_131, SEED_232) for n in (1, 4, 32, 1000)),
    (WIDE_1641, 1000), (MNIST, 64), (MNIST, 256),
]
#: the training row: full-batch gradient descent
TRAIN_NET = Net((1, 3, 1), "relu", "identity", "half_sse", "mean")
TRAIN_STEPS, TRAIN_SAMPLES, TRAIN_LR = 10_000, 100, 0.01
#: derivation scaling in scalar form, and the depth matrix form must reach
SCALING = [(16, 64, 8), (32, 128, 16), (56, 224, 28)]
DEEP_LAYERS = 200


class Unavailable(Exception):
    """This implementation cannot run here; the message goes into the table cell."""


def _matrix_supported() -> bool:
    """True once derivgen.mlp takes the matrix form's ``layout`` argument."""
    return "layout" in inspect.signature(derivgen.mlp).parameters


def build_model(net: Net, form: str) -> derivgen.Model:
    """derivgen's model of ``net``; refusals become :class:`Unavailable`."""
    kwargs: dict[str, Any] = {"hidden": net.hidden, "output": net.output, "loss": net.loss,
                              "reduction": net.reduction, "form": form}
    if form == "matrix":
        if not _matrix_supported():
            raise Unavailable("not available")
        kwargs["layout"] = "rows"
    try:
        return derivgen.mlp(list(net.sizes), **kwargs)
    except derivgen.DerivgenError as exc:  # SpecError / UnsupportedError: refused
        text = str(exc)
        reason = "refused: > 20,000 params" if "at most" in text else "not available"
        raise Unavailable(reason) from None


def derive_net(sizes: Sequence[int], form: str) -> Net:
    """The network whose derivation is timed at ``sizes`` in ``form``."""
    if form == "scalar":
        return Net(tuple(sizes), "sigmoid", "identity", "half_sse", "sum")
    return Net(tuple(sizes), "relu", "softmax", "cross_entropy", "mean")


def derivgen_build(sizes: Sequence[int], form: str = "scalar") -> derivgen.Model:
    """Spec → callable: build the Model and compile its gradient function.

    One call on a single sample forces compilation whatever the form caches
    internally; its cost is negligible next to the derivation.
    """
    net = derive_net(sizes, form)
    model = build_model(net, form)
    fn = model.gradient_fn()
    x = np.zeros((1, net.sizes[0]))
    y = np.zeros((1, net.sizes[-1]))
    y[0, 0] = 1.0
    fn(model.initial_params(seed=0), x, y)
    return model


# ------------------------------------------------------------ parameters both ways
def _scalar_params(model: derivgen.Model, p: Params) -> dict[str, float]:
    """Rows-layout arrays → derivgen's scalar names (W_l is "out_in" in scalar form)."""
    groups = {k: (v.T if k.startswith("W_") else v) for k, v in p.items()}
    return model.flat_params(groups)


def _scalar_to_rows(model: derivgen.Model, raw: dict[str, float]) -> dict[str, np.ndarray]:
    """Scalar gradients → rows-layout arrays, for comparison with the anchors."""
    out = {}
    for name, layout in model.graph.groups.items():
        arr = np.vectorize(lambda n: float(raw[n]), otypes=[float])(np.array(layout, dtype=object))
        out[name] = arr.T if name.startswith("W_") else arr
    return out


def derivgen_grad_fn(net: Net, form: str, p: Params, x: np.ndarray,
                     y: np.ndarray) -> tuple[Callable[[], Any], Callable[[], dict]]:
    """(timed call, call returning rows-layout gradients) for derivgen in ``form``
    ("scalar", "matrix", or "numba"/"auto": the scalar model with that backend).

    The timed call is what a user calls: scalar form takes the scalar parameter
    dict (converted once, outside the timing), matrix form the arrays.
    """
    backend = "numpy"
    if form in ("numba", "auto"):
        form, backend = "scalar", form
    model = build_model(net, form)
    grad = model.gradient_fn(backend)
    if form == "scalar":
        flat = _scalar_params(model, p)
        return (lambda: grad(flat, x, y)), (lambda: _scalar_to_rows(model, grad(flat, x, y)))
    rows = dict(p)
    return (lambda: grad(rows, x, y)), (lambda: {k: np.asarray(v) for k, v in
                                                 grad(rows, x, y).items()})


def mismatch(reference: dict[str, np.ndarray], got: dict[str, Any],
             rtol: float = 1e-8) -> str | None:
    """None when every array equals the reference to ``rtol`` of its largest entry.

    Entries far below an array's scale (a bias gradient of 1e-17 next to 1e0)
    are compared against that scale, not against themselves.
    """
    if set(reference) != set(got):
        return f"names differ: {sorted(got)} vs {sorted(reference)}"
    for name, ref in reference.items():
        val = np.asarray(got[name], dtype=float)
        if val.shape != ref.shape:
            return f"{name}: shape {val.shape}, expected {ref.shape}"
        scale = max(float(np.max(np.abs(ref), initial=0.0)), 1e-300)
        err = float(np.max(np.abs(val - ref), initial=0.0))
        if err > rtol * scale:
            return f"{name}: max error {err:.2e} > {rtol:g} x {scale:.2e}"
    return None


def derivgen_train_fn(net: Net, backend: str, p: Params, x: np.ndarray, y: np.ndarray,
                      steps: int, lr: float) -> Callable[[], dict]:
    """A call of ``derivgen.train`` (scalar form) returning rows-layout parameters."""
    model = build_model(net, "scalar")
    flat = _scalar_params(model, p)

    def run() -> dict:
        result = derivgen.train(model, x, y, steps, lr, backend=backend, params=flat)
        return _scalar_to_rows(model, result.params)
    return run
