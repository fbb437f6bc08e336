"""Spec → gradient callable time, and gradient speed against hand-written NumPy.

Run: python bench/bench_derive.py [--naive-big]

Everything is measured in this one process, as medians of repeated runs, and
reported as ratios against anchors measured alongside: naive SymPy (diff of the
expanded loss per parameter, then lambdify with cse=True) for derivation, and
hand-written NumPy backprop for the gradient itself.  No unit test times
anything; this script is the place for speed.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import sympy as sp

import derivgen


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def derivgen_build(sizes):
    model = derivgen.mlp(sizes, hidden="sigmoid", output="identity", loss="half_sse",
                         reduction="sum")
    model.gradient_fn()
    model._gradient  # compile now, not at first call
    return model


def naive_build(sizes):
    """The anchor: expand the whole loss for one sample and differentiate it per parameter."""
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
    grads = [sp.diff(loss, p) for p in params]
    return sp.lambdify([*params, *x, *y], grads, cse=True)


def hand_relu_grad(p, x, y):
    z = x @ p["W1"].T + p["b1"]
    h = np.maximum(z, 0.0)
    f = h @ p["W2"].T + p["b2"]
    r = f - y
    dh = (r @ p["W2"]) * (z > 0)
    return {"W2": r.T @ h, "b2": r.sum(0), "W1": dh.T @ x, "b1": dh.sum(0)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--naive-big", action="store_true", help="also run naive SymPy at 8-32-4")
    args = parser.parse_args()
    print("spec -> gradient callable (median seconds)")
    print(f"{'sizes':>10} {'derivgen':>10} {'naive':>10} {'ratio':>8}")
    for sizes in ([1, 3, 1], [2, 3, 2], [4, 16, 3], [8, 32, 4], [16, 64, 8]):
        ours = median_time(lambda: derivgen_build(sizes), 3 if sizes[1] < 64 else 1)
        naive = None
        if sizes[1] <= 16 or (args.naive_big and sizes[1] == 32):
            naive = median_time(lambda: naive_build(sizes), 1)
        ratio = f"{naive / ours:8.1f}x" if naive else "       -"
        print(f"{'-'.join(map(str, sizes)):>10} {ours:10.3f} "
              f"{(f'{naive:10.3f}' if naive else '         -')} {ratio}")

    print("\ngradient of a 1-64-1 ReLU net on N=1000 (median of 50 calls)")
    model = derivgen.mlp([1, 64, 1], hidden="relu", output="identity", loss="half_sse",
                         reduction="sum")
    rng = np.random.default_rng(0)
    params = model.initial_params(seed=0)
    x, y = rng.normal(size=(1000, 1)), rng.normal(size=(1000, 1))
    grad = model.gradient_fn()
    groups = {"W1": np.array(model.graph.groups["W_1"], dtype=object),
              "W2": np.array(model.graph.groups["W_2"], dtype=object)}
    hand = {"W1": np.vectorize(params.get)(groups["W1"]).astype(float),
            "b1": np.array([params[n] for n in model.graph.groups["b_1"]]),
            "W2": np.vectorize(params.get)(groups["W2"]).astype(float),
            "b2": np.array([params[n] for n in model.graph.groups["b_2"]])}
    ours = median_time(lambda: grad(params, x, y), 50)
    anchor = median_time(lambda: hand_relu_grad(hand, x, y), 50)
    print(f"derivgen {ours * 1e3:.3f} ms, hand-written NumPy {anchor * 1e3:.3f} ms, "
          f"ratio {ours / anchor:.2f}x")


if __name__ == "__main__":
    main()
