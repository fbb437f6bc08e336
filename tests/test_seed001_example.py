"""Seed 001's worked examples, computed by hand in plain Python, against the engine.

The reference values are computed here with ``math`` and explicit chain-rule
loops written independently of derivgen; they must agree to 1e-9.
"""
from __future__ import annotations

import math

import pytest

import derivgen


def sig(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def hand_mlp(x, y, W1, b1, W2, b2):
    """Backprop for one sample of a sigmoid-sigmoid net, written out by hand."""
    z1 = [sum(W1[k][j] * x[j] for j in range(len(x))) + b1[k] for k in range(len(b1))]
    h = [sig(v) for v in z1]
    z2 = [sum(W2[i][k] * h[k] for k in range(len(h))) + b2[i] for i in range(len(b2))]
    yh = [sig(v) for v in z2]
    delta2 = [(yh[i] - y[i]) * yh[i] * (1 - yh[i]) for i in range(len(yh))]
    delta1 = [sum(delta2[i] * W2[i][k] for i in range(len(yh))) * h[k] * (1 - h[k])
              for k in range(len(h))]
    return {
        "W1": [[delta1[k] * x[j] for j in range(len(x))] for k in range(len(h))],
        "b1": delta1,
        "W2": [[delta2[i] * h[k] for k in range(len(h))] for i in range(len(yh))],
        "b2": delta2,
        "h": h, "yhat": yh,
    }


def test_1_1_1():
    model = derivgen.load("specs/seed001_sigmoid_1_1_1.yaml")
    params, x, y = model.example_arrays()
    got = model.gradient_fn()(params, x, y)
    ref = hand_mlp([1.0], [0.5], [[0.3]], [-0.2], [[0.4]], [0.1])
    expected = {"w_1": ref["W1"][0][0], "b_1": ref["b1"][0],
                "w_2": ref["W2"][0][0], "b_2": ref["b2"][0]}
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name
    # the document's own rounding of the same quantities
    assert ref["h"][0] == pytest.approx(0.525, abs=5e-4)
    assert ref["yhat"][0] == pytest.approx(0.577, abs=5e-4)


def test_1_2_1():
    model = derivgen.load("specs/seed001_sigmoid_1_2_1.yaml")
    params, x, y = model.example_arrays()
    got = model.gradient_fn()(params, x, y)
    ref = hand_mlp([1.5], [0.8], [[0.2], [-0.3]], [0.1, -0.2], [[0.4, 0.5]], [0.05])
    expected = {"w_11": ref["W1"][0][0], "w_12": ref["W1"][1][0], "b_11": ref["b1"][0],
                "b_12": ref["b1"][1], "w_21": ref["W2"][0][0], "w_22": ref["W2"][0][1],
                "b_2": ref["b2"][0]}
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_2_3_2():
    model = derivgen.load("specs/seed001_sigmoid_2_3_2.yaml")
    params, x, y = model.example_arrays()
    got = model.gradient_fn()(params, x, y)
    W1 = [[0.2, -0.1], [0.3, 0.4], [-0.2, 0.1]]
    W2 = [[0.5, 0.1, -0.3], [0.2, -0.4, 0.1]]
    ref = hand_mlp([1.0, 0.5], [0.8, 0.3], W1, [0.1, -0.2, 0.0], W2, [-0.1, 0.2])
    for k in range(3):
        for j in range(2):
            assert got[f"w_1{k + 1}{j + 1}"] == pytest.approx(ref["W1"][k][j], rel=1e-9)
        assert got[f"b_1{k + 1}"] == pytest.approx(ref["b1"][k], rel=1e-9, abs=1e-15)
    for i in range(2):
        for k in range(3):
            assert got[f"w_2{i + 1}{k + 1}"] == pytest.approx(ref["W2"][i][k], rel=1e-9)
        assert got[f"b_2{i + 1}"] == pytest.approx(ref["b2"][i], rel=1e-9)
