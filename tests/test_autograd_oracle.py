"""Random networks: derivgen's gradients against HIPS autograd to 1e-9 relative.

The oracle below is written with autograd.numpy in matrix form, straight from
the textbook definitions (bce as −[y log p + (1 − y) log(1 − p)] with
log σ(z) = −log(1 + e^{−z}), the softmax cross-entropy as −Σ y log softmax); it shares no code with derivgen.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import yaml
from autograd import grad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import derivgen

ALPHA = 0.05


def sigmoid(z):
    return anp.exp(-anp.logaddexp(0.0, -z))  # 1 / (1 + e^{-z}) without overflow


HIDDEN = {
    "identity": lambda z: z,
    "relu": lambda z: anp.maximum(z, 0.0),
    "leaky_relu": lambda z: anp.where(z > 0, z, ALPHA * z),
    "sigmoid": sigmoid,
    "tanh": anp.tanh,
    "softplus": lambda z: anp.logaddexp(0.0, z),
    "cubic": lambda z: z ** 3,
}
SQUARED = {
    "half_sse": lambda f, y: 0.5 * anp.sum((f - y) ** 2, axis=1),
    "sse": lambda f, y: anp.sum((f - y) ** 2, axis=1),
    "mse": lambda f, y: anp.mean((f - y) ** 2, axis=1),
    "mae": lambda f, y: anp.mean(anp.abs(f - y), axis=1),
}


def logsumexp(z, axis, keepdims):
    top = anp.max(z, axis=axis, keepdims=True)  # its gradient cancels exactly
    return top + anp.log(anp.sum(anp.exp(z - top), axis=axis, keepdims=keepdims))


def _layer_yaml(units: int, act: str, bias: str) -> dict:
    layer = {"units": units, "bias": bias}
    if act == "cubic":
        layer["activation"] = {"custom": "x**3"}
    else:
        layer["activation"] = act
    if act == "leaky_relu":
        layer["alpha"] = ALPHA
    return layer


@st.composite
def networks(draw):
    inputs = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    acts = draw(st.lists(st.sampled_from(sorted(HIDDEN)), min_size=len(hidden),
                         max_size=len(hidden)))
    head = draw(st.sampled_from(["squared", "cross_entropy", "bce"]))
    outputs = draw(st.integers(2, 3)) if head == "cross_entropy" else draw(st.integers(1, 3))
    if head == "squared":
        loss = draw(st.sampled_from(sorted(SQUARED)))
        out_act = draw(st.sampled_from(["identity", "sigmoid", "tanh"]))
    else:
        loss, out_act = head, ("softmax" if head == "cross_entropy" else "sigmoid")
    biases = draw(st.lists(st.sampled_from(["neuron", "shared", "none"]),
                           min_size=len(hidden) + 1, max_size=len(hidden) + 1))
    reduction = draw(st.sampled_from(["sum", "mean"]))
    seed = draw(st.integers(0, 2 ** 16))
    return inputs, hidden, acts, outputs, out_act, loss, biases, reduction, seed


def _oracle(model, spec, x, y):
    """Loss as a function of a flat parameter vector, in autograd.numpy."""
    inputs, hidden, acts, outputs, out_act, loss, biases, reduction = spec
    names = model.parameters
    sizes = [inputs] + hidden + [outputs]
    index = {n: i for i, n in enumerate(names)}

    def loss_of(theta):
        h = x
        for l in range(len(sizes) - 1):
            J, K = sizes[l], sizes[l + 1]
            W = anp.stack([anp.stack([theta[index[model.graph.groups[f"W_{l + 1}"][k][j]]]
                                      for j in range(J)]) for k in range(K)])
            z = anp.dot(h, W.T)
            if biases[l] == "neuron":
                z = z + anp.stack([theta[index[n]] for n in model.graph.groups[f"b_{l + 1}"]])
            elif biases[l] == "shared":
                z = z + theta[index[f"b_{l + 1}"]]
            last = l == len(sizes) - 2
            if not last:
                h = HIDDEN[acts[l]](z)
            elif loss == "cross_entropy":
                logp = z - logsumexp(z, axis=1, keepdims=True)
                per = -anp.sum(y * logp, axis=1)
            elif loss == "bce":
                log_p, log_1mp = -anp.logaddexp(0.0, -z), -anp.logaddexp(0.0, z)
                per = -anp.sum(y * log_p + (1 - y) * log_1mp, axis=1)
            else:
                f = {"identity": z, "sigmoid": sigmoid(z),
                     "tanh": anp.tanh(z)}[out_act]
                per = SQUARED[loss](f, y)
        return anp.mean(per) if reduction == "mean" else anp.sum(per)
    return loss_of


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_random_network_matches_autograd(net):
    inputs, hidden, acts, outputs, out_act, loss, biases, reduction, seed = net
    layers = [_layer_yaml(u, a, b) for u, a, b in zip(hidden, acts, biases)]
    layers.append(_layer_yaml(outputs, out_act, biases[-1]))
    text = yaml.safe_dump({"name": "random", "network": {"inputs": inputs, "layers": layers},
                           "loss": loss, "reduction": reduction})
    model = derivgen.load(text)
    rng = np.random.default_rng(seed)
    n = 5
    x = rng.normal(size=(n, inputs))
    if loss == "cross_entropy":
        y = np.eye(outputs)[rng.integers(0, outputs, size=n)]
    elif loss == "bce":
        y = rng.uniform(size=(n, outputs))
    else:
        y = rng.normal(size=(n, outputs))
    params = {p: float(rng.normal(scale=0.7)) for p in model.parameters}
    theta = np.array([params[p] for p in model.parameters])
    oracle = _oracle(model, (inputs, hidden, acts, outputs, out_act, loss, biases, reduction),
                     x, y)
    expected = grad(oracle)(theta)
    got = model.gradient_fn()(params, x, y)
    assert np.isclose(model.loss_fn()(params, x, y), oracle(theta), rtol=1e-10, atol=1e-12)
    for i, name in enumerate(model.parameters):
        a, b = float(got[name]), float(expected[i])
        assert abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-13, (name, a, b, text)
