"""The anchors derivgen is measured against, written independently of derivgen.

* :func:`naive_build` - what one would do without derivgen: expand the loss of
  one sample in parameters and inputs, ``sympy.diff`` it per parameter, and
  ``lambdify(..., cse=True)``.
* :func:`numpy_grad` - hand-written NumPy backprop, the speed every gradient is
  compared with (ratio 1.00).
* :func:`torch_grad_fn`, :func:`jax_grad_fn` - autograd on CPU, float64 so that
  their gradients can be checked against NumPy's to 1e-8.
* :func:`numba_grad_fn`, :func:`numba_train_fns` - a hand-written numba kernel (one
  sample at a time, in :mod:`hand_numba`): what one writes by hand to go faster.

All three numeric anchors use the "rows" layout of the matrix form: ``W_l`` has
shape (fan_in, units), ``b_l`` shape (units,), the batch is ``x`` (N, D).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

Params = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Net:
    """A dense network and its loss, as every implementation must compute it."""

    sizes: tuple[int, ...]
    hidden: str = "relu"          # relu | sigmoid
    output: str = "identity"      # identity | softmax
    loss: str = "half_sse"        # half_sse | cross_entropy
    reduction: str = "sum"        # sum | mean

    @property
    def label(self) -> str:
        return (f"{'-'.join(map(str, self.sizes))} {self.hidden}/{self.output}/"
                f"{self.loss}/{self.reduction}")

    @property
    def layers(self) -> int:
        return len(self.sizes) - 1


def random_params(net: Net, seed: int = 0) -> dict[str, np.ndarray]:
    """W_l ~ N(0, 1/fan_in), b_l ~ N(0, 0.5²): the same scales as Model.initial_params."""
    rng = np.random.default_rng(seed)
    params = {}
    for l, (fan_in, units) in enumerate(zip(net.sizes, net.sizes[1:]), start=1):
        params[f"W_{l}"] = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, units))
        params[f"b_{l}"] = rng.normal(0.0, 0.5, size=units)
    return params


def batch(net: Net, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """x ~ N(0, 1); y one-hot for a softmax/cross-entropy net, else N(0, 1)."""
    rng = np.random.default_rng(seed)
    d, c = net.sizes[0], net.sizes[-1]
    x = rng.normal(size=(n, d))
    if net.loss == "cross_entropy":
        y = np.eye(c)[rng.integers(0, c, size=n)]
    else:
        y = rng.normal(size=(n, c))
    return x, y


# ---------------------------------------------------------------- hand-written NumPy
def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free and one ufunc call


def numpy_grad(net: Net, p: Params, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Backprop as one writes it by hand: keep the activations, walk back once."""
    acts, pres = [x], []
    for l in range(1, net.layers + 1):
        z = acts[-1] @ p[f"W_{l}"] + p[f"b_{l}"]
        pres.append(z)
        if l < net.layers:
            acts.append(np.maximum(z, 0.0) if net.hidden == "relu" else _sigmoid(z))
    s = pres[-1]
    if net.output == "softmax":
        e = np.exp(s - s.max(axis=1, keepdims=True))
        out = e / e.sum(axis=1, keepdims=True)
    else:
        out = s
    delta = out - y  # ∂ℓ/∂s for half_sse+identity and for cross_entropy+softmax alike
    if net.reduction == "mean":
        delta = delta / x.shape[0]
    grads: dict[str, np.ndarray] = {}
    for l in range(net.layers, 0, -1):
        grads[f"W_{l}"] = acts[l - 1].T @ delta
        grads[f"b_{l}"] = delta.sum(axis=0)
        if l > 1:
            back = delta @ p[f"W_{l}"].T
            h = acts[l - 1]
            delta = back * (pres[l - 2] > 0) if net.hidden == "relu" else back * h * (1.0 - h)
    return grads


# ---------------------------------------------------------------- torch and JAX
def torch_grad_fn(net: Net, p: Params, x: np.ndarray, y: np.ndarray) -> Callable[[], dict]:
    """A zero-argument closure computing torch autograd's gradient (CPU, one thread).

    Raises ImportError when torch is missing; the caller reports "not installed".
    """
    import torch
    torch.set_num_threads(1)
    names = list(p)
    tp = [torch.tensor(p[k], dtype=torch.float64, requires_grad=True) for k in names]
    tx, ty = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)

    def loss() -> Any:
        tensors = dict(zip(names, tp))
        a = tx
        for l in range(1, net.layers + 1):
            a = a @ tensors[f"W_{l}"] + tensors[f"b_{l}"]
            if l < net.layers:
                a = torch.relu(a) if net.hidden == "relu" else torch.sigmoid(a)
        if net.loss == "cross_entropy":
            per = torch.logsumexp(a, dim=1) - (ty * a).sum(dim=1)
        else:
            per = 0.5 * ((a - ty) ** 2).sum(dim=1)
        return per.mean() if net.reduction == "mean" else per.sum()

    def grad() -> dict:
        return dict(zip(names, torch.autograd.grad(loss(), tp)))
    return grad


def jax_grad_fn(net: Net, p: Params, x: np.ndarray, y: np.ndarray) -> Callable[[], dict]:
    """A zero-argument closure calling ``jax.jit(jax.grad(loss))`` (CPU, float64).

    XLA's thread flags must be in the environment before JAX is imported (run.py).
    """
    import jax
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    import jax.numpy as jnp

    def loss(params: dict, xb: Any, yb: Any) -> Any:
        a = xb
        for l in range(1, net.layers + 1):
            a = a @ params[f"W_{l}"] + params[f"b_{l}"]
            if l < net.layers:
                a = jax.nn.relu(a) if net.hidden == "relu" else jax.nn.sigmoid(a)
        if net.loss == "cross_entropy":
            per = jax.nn.logsumexp(a, axis=1) - (yb * a).sum(axis=1)
        else:
            per = 0.5 * ((a - yb) ** 2).sum(axis=1)
        return per.mean() if net.reduction == "mean" else per.sum()

    compiled = jax.jit(jax.grad(loss))
    jp = {k: jnp.asarray(v) for k, v in p.items()}
    jx, jy = jnp.asarray(x), jnp.asarray(y)

    def grad() -> dict:
        return jax.block_until_ready(compiled(jp, jx, jy))
    return grad


def numba_grad_fn(net: Net, p: Params, x: np.ndarray, y: np.ndarray) -> Callable[[], dict]:
    """A zero-argument closure calling the hand-written numba kernel (one hidden layer;
    a ValueError for other networks, an ImportError without numba)."""
    import hand_numba
    return hand_numba.grad_fn(net, p, x, y)


def numba_train_fns(net: Net, p: Params, x: np.ndarray, y: np.ndarray, steps: int,
                    lr: float) -> tuple[Callable[[], dict], Callable[[], dict]]:
    """(Python loop over the hand kernel, the whole loop in one compiled call)."""
    import hand_numba
    return hand_numba.train_fns(net, p, x, y, steps, lr)


# ---------------------------------------------------------------- naive SymPy
def naive_build(sizes: Sequence[int]) -> Callable:
    """The derivation anchor for a sigmoid/identity/half_sse one-hidden-layer net.

    The whole loss of one sample is expanded in parameters and inputs and
    differentiated once per parameter; that is the cost derivgen's reverse pass
    over named nodes avoids.
    """
    import sympy as sp
    d, h, c = sizes
    x = sp.symbols(f"x1:{d + 1}")
    y = sp.symbols(f"y1:{c + 1}")
    w1 = sp.Matrix(h, d, lambda i, j: sp.Symbol(f"a{i}_{j}"))
    b1 = sp.Matrix(h, 1, lambda i, j: sp.Symbol(f"b{i}"))
    w2 = sp.Matrix(c, h, lambda i, j: sp.Symbol(f"c{i}_{j}"))
    b2 = sp.Matrix(c, 1, lambda i, j: sp.Symbol(f"e{i}"))
    hidden = (w1 * sp.Matrix(x) + b1).applyfunc(lambda z: 1 / (1 + sp.exp(-z)))
    out = w2 * hidden + b2
    loss = sum((out[i] - y[i]) ** 2 for i in range(c)) / 2
    params = list(w1) + list(b1) + list(w2) + list(b2)
    grads = [sp.diff(loss, q) for q in params]
    return sp.lambdify([*params, *x, *y], grads, cse=True)


# ---------------------------------------------------------------- training loops
def numpy_train(net: Net, p: Params, x: np.ndarray, y: np.ndarray, steps: int,
                lr: float) -> dict[str, np.ndarray]:
    """Full-batch gradient descent as one writes it by hand around :func:`numpy_grad`."""
    params = {k: np.array(v, dtype=float) for k, v in p.items()}
    for _ in range(steps):
        grads = numpy_grad(net, params, x, y)
        for k in params:
            params[k] -= lr * grads[k]
    return params


def _jax_loss(net: Net):
    import jax

    def loss(params: dict, xb: Any, yb: Any) -> Any:
        a = xb
        for l in range(1, net.layers + 1):
            a = a @ params[f"W_{l}"] + params[f"b_{l}"]
            if l < net.layers:
                a = jax.nn.relu(a) if net.hidden == "relu" else jax.nn.sigmoid(a)
        per = 0.5 * ((a - yb) ** 2).sum(axis=1)
        return per.mean() if net.reduction == "mean" else per.sum()
    return loss


def jax_train_fns(net: Net, p: Params, x: np.ndarray, y: np.ndarray, steps: int, lr: float
                  ) -> tuple[Callable[[], dict], Callable[[], dict]]:
    """(a Python loop over a jitted step, one jitted ``fori_loop`` over all steps)."""
    import jax
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    import jax.numpy as jnp
    grad = jax.grad(_jax_loss(net))
    jx, jy = jnp.asarray(x), jnp.asarray(y)
    start = {k: jnp.asarray(v) for k, v in p.items()}

    @jax.jit
    def step(params):
        g = grad(params, jx, jy)
        return {k: params[k] - lr * g[k] for k in params}

    @jax.jit
    def whole(params):
        return jax.lax.fori_loop(0, steps, lambda i, q: step(q), params)

    def loop() -> dict:
        params = start
        for _ in range(steps):
            params = step(params)
        return jax.block_until_ready(params)

    return loop, lambda: jax.block_until_ready(whole(start))


def torch_train_fn(net: Net, p: Params, x: np.ndarray, y: np.ndarray, steps: int,
                   lr: float) -> Callable[[], dict]:
    """torch autograd and an in-place update per step (CPU, one thread, float64)."""
    import torch
    torch.set_num_threads(1)
    tx, ty = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)

    def run() -> dict:
        params = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                  for k, v in p.items()}
        for _ in range(steps):
            a = tx
            for l in range(1, net.layers + 1):
                a = a @ params[f"W_{l}"] + params[f"b_{l}"]
                if l < net.layers:
                    a = torch.relu(a) if net.hidden == "relu" else torch.sigmoid(a)
            per = 0.5 * ((a - ty) ** 2).sum(dim=1)
            loss = per.mean() if net.reduction == "mean" else per.sum()
            grads = torch.autograd.grad(loss, list(params.values()))
            with torch.no_grad():
                for t, g in zip(params.values(), grads):
                    t -= lr * g
        return {k: v.detach().numpy() for k, v in params.items()}
    return run
