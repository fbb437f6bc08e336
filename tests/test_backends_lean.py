"""The lean call paths give the checked paths' answers: what a fast path accepts, it reads
right, and what it does not, the checked path reports.

Correctness only (bench/ measures speed).  References: the per-unit generated code, the
NumPy backend's own checked path, and a training loop written here over gradient_fn.
"""
from __future__ import annotations


import numpy as np
import pytest
from support.backends import batch, needs_numba, per_unit_gradient
from support.helpers import ROOT

import derivgen
from derivgen.codegen.matrix import matrix_source


#: dense networks, each running matrix code inside its scalar form
DENSE = {
    "one output unit": dict(sizes=[1, 3, 1], hidden="relu"),
    "two hidden layers": dict(sizes=[2, 3, 4, 2], hidden="sigmoid", reduction="mean"),
    "shared bias": dict(sizes=[2, 2, 3], hidden="relu", output="softmax",
                        loss="cross_entropy", bias="shared"),
    "no bias": dict(sizes=[3, 2, 1], hidden="tanh", bias="none"),
}


def close(a: dict, b: dict, rtol: float = 1e-10) -> None:
    assert list(a) == list(b)  # the same names, in the same order
    scale = max(max(float(np.max(np.abs(v))) for v in b.values()), 1e-300)
    for k in b:
        assert np.shape(a[k]) == np.shape(b[k]), k
        assert np.allclose(a[k], b[k], rtol=rtol, atol=rtol * scale), k


# ---------------------------------------------------------------- dense scalar networks
@pytest.mark.parametrize("kw", DENSE.values(), ids=DENSE.keys())
def test_dense_scalar_networks_run_matrix_code_and_equal_the_per_unit_code(kw):
    model = derivgen.mlp(**kw)
    assert model._dense is not None  # a one-column weight is a matrix, not a bias vector
    params = model.initial_params(seed=1)
    for n in (1, 6):
        x, y = batch(model, n)
        close(model.gradient_fn()(params, x, y), per_unit_gradient(model, params, x, y))
        theta = np.array([params[p] for p in model.parameters])
        assert model.loss_fn()(params, x, y) == pytest.approx(
            float(model._function("loss")(theta, x, y)), rel=1e-12, abs=1e-14)


def test_lean_matrix_code_subtracts_and_sums_bias_gradients_without_reshaping():
    model = derivgen.mlp([2, 3, 1], hidden="relu", form="matrix")
    source = matrix_source(model.derivation, "gradient")
    assert "+ -" not in source and "keepdims" not in source and "v_b_1.T" not in source
    assert "numpy.maximum(" in source and "_rt.relu" not in source


@pytest.mark.parametrize("kw", DENSE.values(), ids=DENSE.keys())
def test_values_the_fast_path_reads_equal_the_checked_path(kw):
    model = derivgen.mlp(**kw)
    params = model.initial_params(seed=2)
    x, y = batch(model, 4)
    ref = model.gradient_fn()(params, x, y)
    as_numpy = {k: np.float64(v) for k, v in params.items()}
    as_arrays = {k: np.array(v) for k, v in params.items()}  # 0-d arrays are numbers
    close(model.gradient_fn()(as_numpy, x, y), ref)
    close(model.gradient_fn()(as_arrays, x, y), ref)
    close(model.gradient_fn()(params, np.asfortranarray(x), y), ref)
    close(model.gradient_fn()(params, x.astype(">f8"), y), ref)  # not native: converted
    with pytest.raises(ValueError, match="missing parameters"):
        model.gradient_fn()(dict(list(params.items())[1:]), x, y)
    with pytest.raises(ValueError, match="unknown parameter"):
        model.gradient_fn()({**params, "zz": 1.0}, x, y)


def test_matrix_models_take_what_is_not_float64_through_the_checked_path():
    model = derivgen.mlp([2, 3, 2], hidden="sigmoid", form="matrix")
    params = model.initial_params(seed=0)
    x, y = batch(model, 5)
    ref = model.gradient_fn()(params, x, y)
    ints = {k: np.rint(4 * v).astype(int) for k, v in params.items()}
    close(model.gradient_fn()(ints, x, y),
          model.gradient_fn()({k: v.astype(float) for k, v in ints.items()}, x, y))
    close(model.gradient_fn()({k: v.tolist() for k, v in params.items()}, x, y), ref)
    with pytest.raises(ValueError, match="W_1 has shape"):
        model.gradient_fn()({**params, "W_1": params["W_1"].T}, x, y)


# ---------------------------------------------------------------- one pass per step
MODELS = {**{f"scalar {k}": derivgen.mlp(**kw) for k, kw in DENSE.items()},
          "per unit": derivgen.load(ROOT / "specs" / "seed004_tanh_leaky_mae.yaml"),
          "matrix rows": derivgen.mlp([2, 3, 2], hidden="sigmoid", form="matrix"),
          "matrix columns, L2": derivgen.mlp([2, 3, 2], hidden="relu", form="matrix",
                                             layout="columns", l2=0.1),
          "matrix shared bias": derivgen.mlp([2, 2, 3], output="softmax", loss="cross_entropy",
                                             bias="shared", form="matrix")}


@pytest.mark.parametrize("model", MODELS.values(), ids=MODELS.keys())
def test_a_training_step_is_the_loss_and_the_gradient_in_one_pass(model):
    params = model.initial_params(seed=3)
    x, y = batch(model, 1 if model.graph.reduction == "single" else 7)
    trainer = model._trainer
    theta = trainer.pack(params)
    close(trainer.unpack(theta), {k: np.asarray(v) if np.ndim(v) else v
                                  for k, v in params.items()}, rtol=0)
    value, grad = trainer.step(theta, x, y)
    assert value == pytest.approx(model.loss_fn()(params, x, y), rel=1e-12, abs=1e-14)
    close(trainer.unpack(grad), model.gradient_fn()(params, x, y))


def reference_loop(model, x, y, steps, lr, optimizer, batch_size, seed):
    """train's documented semantics, written over gradient_fn and loss_fn."""
    params = dict(model.initial_params(seed))
    if model.form == "scalar":
        params = model.flat_params(params)
    velocity = {k: 0.0 * np.asarray(v) for k, v in params.items()}
    rng, losses = np.random.default_rng(seed), []
    order = []
    while batch_size and len(order) < steps:
        perm = rng.permutation(len(x))
        order += [perm[i:i + batch_size] for i in range(0, len(x), batch_size)]
    for k in range(steps):
        xb, yb = (x, y) if not batch_size else (x[order[k]], y[order[k]])
        losses.append(model.loss_fn()(params, xb, yb))
        grads = model.gradient_fn()(params, xb, yb)
        for name in params:
            g = grads[name]
            if optimizer == "momentum":
                velocity[name] = 0.9 * velocity[name] + g
                g = velocity[name]
            params[name] = params[name] - lr * g
    return params, losses


@pytest.mark.parametrize("optimizer,batch_size", [("gd", None), ("momentum", 5), ("sgd", 3)])
@pytest.mark.parametrize("name", ["scalar two hidden layers", "per unit", "matrix columns, L2"])
def test_the_numpy_loop_follows_its_documented_semantics(name, optimizer, batch_size):
    model = MODELS[name]
    if model.graph.reduction == "single":
        batch_size = 1
    x, y = batch(model, 12, seed=1)
    got = derivgen.train(model, x, y, 25, 0.05, batch_size, optimizer, seed=4, backend="numpy")
    params, losses = reference_loop(model, x, y, 25, 0.05, optimizer, batch_size, seed=4)
    assert np.allclose(got.losses, losses, rtol=1e-10, atol=0)
    close(got.params, {k: np.asarray(v) if np.ndim(v) else v for k, v in params.items()},
          rtol=1e-10)
    assert all(type(v) is (float if np.ndim(params[k]) == 0 else np.ndarray)
               for k, v in got.params.items())


# ---------------------------------------------------------------- numba entry points
@needs_numba
def test_numba_entry_points_read_what_the_checked_path_reads():
    model = derivgen.mlp([2, 2, 1], hidden="sigmoid", reduction="mean")
    params = model.initial_params(seed=0)
    x, y = batch(model, 6)
    grad, loss = model.gradient_fn("numba"), model.loss_fn("numba")
    ref = model.gradient_fn()(params, x, y)
    close(grad(params, x, y), ref)
    assert all(type(v) is float for v in grad(params, x, y).values())
    close(grad({k: np.float64(v) for k, v in params.items()}, x, y), ref)
    close(grad({k: str(v) for k, v in params.items()}, x, y), ref)  # as np.array(…, float)
    close(grad(params, x[::-1][::-1], y), ref)
    close(grad(params, np.asfortranarray(x), np.asfortranarray(y)), ref)
    close(grad(params, x.tolist(), y.tolist()), ref)
    groups = {k: np.array([[params[n] for n in row] if isinstance(row, list) else params[row]
                           for row in layout]) for k, layout in model.graph.groups.items()}
    close(grad(groups, x, y), ref)
    odd = x[::2]  # every other row: strides the kernel must follow
    close(grad(params, odd, y[::2]), model.gradient_fn()(params, odd.copy(), y[::2].copy()))
    assert loss(params, x, y) == pytest.approx(model.loss_fn()(params, x, y), rel=1e-12)
    first = model.parameters[0]
    for bad, message in [({**params, first: "abc"}, "abc"), ({**params, "zz": 1.0},
                                                              "unknown parameter"),
                         (dict(list(params.items())[1:]), "missing parameters"),
                         ({**params, first: [1.0, 2.0]}, first)]:
        with pytest.raises((ValueError, TypeError), match=message):
            grad(bad, x, y)
    with pytest.raises(ValueError, match="expected x of shape"):
        grad(params, x[:, :1], y)
    with pytest.raises(ValueError, match="samples"):
        grad(params, x, y[:3])


@needs_numba
def test_numba_sigmoid_saturates_without_overflow():
    model = derivgen.mlp([1, 2, 1], hidden="sigmoid", output="sigmoid", loss="bce")
    params = {k: 400.0 * (1 if i % 2 else -1) for i, k in enumerate(model.parameters)}
    x, y = np.array([[3.0], [-3.0], [0.0]]), np.array([[1.0], [0.0], [0.5]])
    with np.errstate(all="ignore"):
        ref = model.gradient_fn()(params, x, y)
    got = model.gradient_fn("numba")(params, x, y)
    assert all(np.isfinite(v) for v in got.values())
    close(got, ref, rtol=1e-9)


@pytest.mark.parametrize("kw", [DENSE["two hidden layers"], dict(sizes=[1, 1, 1])],
                         ids=["dense", "per unit"])
def test_loss_and_gradient_in_one_call_equal_the_two_calls(kw):
    model = derivgen.mlp(**kw)
    params = model.initial_params(seed=5)
    x, y = batch(model, 5)
    value, grads = model._numpy_function("loss_gradient")(params, x, y)
    assert type(value) is float
    assert value == pytest.approx(model.loss_fn()(params, x, y), rel=1e-12)
    close(grads, model.gradient_fn()(params, x, y))
