"""The benchmark's anchors compute the same gradients as derivgen (no timing here).

bench/run.py refuses to time a gradient that disagrees with hand-written NumPy;
these tests keep the hand-written anchor itself honest against derivgen's
scalar form, at sizes small enough for the unit-test suite.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import anchors  # noqa: E402
import cases  # noqa: E402

NETS = [
    anchors.Net((1, 3, 1), "relu", "identity", "half_sse", "sum"),
    anchors.Net((2, 3, 2), "sigmoid", "identity", "half_sse", "mean"),
    anchors.Net((3, 4, 3), "relu", "softmax", "cross_entropy", "mean"),
    anchors.Net((2, 3, 2, 2), "sigmoid", "identity", "half_sse", "sum"),
]


@pytest.mark.parametrize("net", NETS, ids=lambda n: n.label)
def test_hand_numpy_equals_derivgen_scalar(net: anchors.Net) -> None:
    p = anchors.random_params(net, seed=3)
    x, y = anchors.batch(net, 7, seed=4)
    _, rows_call = cases.derivgen_grad_fn(net, "scalar", p, x, y)
    assert cases.mismatch(anchors.numpy_grad(net, p, x, y), rows_call()) is None


def test_mismatch_reports_a_wrong_gradient() -> None:
    ref = {"W_1": np.array([[1.0, 2.0]]), "b_1": np.array([1e-17, 1.0])}
    assert cases.mismatch(ref, {"W_1": ref["W_1"], "b_1": np.array([0.0, 1.0])}) is None
    assert "W_1" in cases.mismatch(ref, {"W_1": ref["W_1"] * (1 + 1e-6), "b_1": ref["b_1"]})
    assert "shape" in cases.mismatch(ref, {"W_1": ref["W_1"].T, "b_1": ref["b_1"]})


@pytest.mark.parametrize("name", ["torch", "jax"])
def test_autograd_anchors_equal_hand_numpy(name: str) -> None:
    pytest.importorskip(name)
    net = NETS[2]
    p = anchors.random_params(net)
    x, y = anchors.batch(net, 5)
    make = anchors.torch_grad_fn if name == "torch" else anchors.jax_grad_fn
    got = {k: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)
           for k, v in make(net, p, x, y)().items()}
    assert cases.mismatch(anchors.numpy_grad(net, p, x, y), got) is None


def test_hand_numba_kernel_equals_hand_numpy() -> None:
    # one network (each compiles for seconds); run.py checks every other before timing it
    pytest.importorskip("numba")
    net = NETS[2]
    p = anchors.random_params(net, seed=1)
    x, y = anchors.batch(net, 6, seed=2)
    ref = anchors.numpy_grad(net, p, x, y)
    assert cases.mismatch(ref, anchors.numba_grad_fn(net, p, x, y)()) is None
    loop, whole = anchors.numba_train_fns(net, p, x, y, 7, 0.05)
    trained = anchors.numpy_train(net, p, x, y, 7, 0.05)
    assert cases.mismatch(trained, loop()) is None
    assert cases.mismatch(trained, whole()) is None
    with pytest.raises(ValueError, match="one hidden layer"):
        anchors.numba_grad_fn(NETS[3], p, x, y)


def test_interleaved_rotates_the_order_and_pauses_the_collector() -> None:
    import gc

    import measure
    seen: list[tuple[str, bool]] = []
    calls = {name: (lambda n=name: seen.append((n, gc.isenabled()))) for name in "abc"}
    was = gc.isenabled()
    gc.enable()
    try:
        # min_sample=0: one call per sample, so the log shows the order of the rounds
        out = measure.interleaved(calls, rounds=3, min_sample=0.0)
        assert gc.isenabled()  # restored after every timed loop
    finally:
        if not was:
            gc.disable()
    assert {k: len(v) for k, v in out.items()} == {"a": 3, "b": 3, "c": 3}
    timed = seen[6:]  # after two warm-up calls each (one untimed, one while choosing loops)
    assert [n for n, _ in timed] == list("abc" + "bca" + "cab")
    assert not any(enabled for _, enabled in timed)
