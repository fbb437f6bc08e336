"""The Python API contract: load, mlp, Model, gradient_fn, loss_fn, gradients."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import derivgen
import derivgen.ops.functions
from derivgen.errors import SpecError


def test_mlp_8_32_4_parameters_and_shapes():
    model = derivgen.mlp([8, 32, 4], hidden="sigmoid", output="identity", loss="half_sse",
                         form="scalar")
    assert len(model.parameters) == 8 * 32 + 32 + 32 * 4 + 4
    assert model.parameters[:2] == ["w_1_1_1", "w_1_1_2"]
    assert len(set(model.parameters)) == len(model.parameters)
    init = model.initial_params(seed=0)
    assert list(init) == model.parameters
    assert all(isinstance(v, float) for v in init.values())
    assert init == model.initial_params(seed=0)
    assert init != model.initial_params(seed=1)


def test_gradient_fn_is_the_sum_of_per_sample_gradients():
    model = derivgen.mlp([3, 4, 2], hidden="tanh", output="identity", loss="half_sse",
                         reduction="sum")
    rng = np.random.default_rng(3)
    params = model.initial_params(seed=3)
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    grad = model.gradient_fn()
    batch = grad(params, x, y)
    for name in model.parameters:
        per_sample = sum(grad(params, x[i:i + 1], y[i:i + 1])[name] for i in range(6))
        assert batch[name] == pytest.approx(per_sample, rel=1e-12, abs=1e-15)


def test_mean_reduction_divides_by_n():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    summed = derivgen.mlp([2, 3, 1], loss="mse", reduction="sum")
    mean = derivgen.mlp([2, 3, 1], loss="mse", reduction="mean")
    params = summed.initial_params(seed=1)
    assert mean.loss_fn()(params, x, y) == pytest.approx(summed.loss_fn()(params, x, y) / 5)
    g_sum, g_mean = summed.gradient_fn()(params, x, y), mean.gradient_fn()(params, x, y)
    for name in summed.parameters:
        assert g_mean[name] == pytest.approx(g_sum[name] / 5, rel=1e-12)


def test_group_arrays_and_scalars_give_the_same_gradient():
    model = derivgen.load("specs/seed001_sigmoid_2_3_2.yaml")
    scalar_params, x, y = model.example_arrays()
    groups = {"W_1": [[0.2, -0.1], [0.3, 0.4], [-0.2, 0.1]], "b_1": [0.1, -0.2, 0.0],
              "W_2": np.array([[0.5, 0.1, -0.3], [0.2, -0.4, 0.1]]), "b_2": [-0.1, 0.2]}
    assert model.gradient_fn()(groups, x, y) == model.gradient_fn()(scalar_params, x, y)
    with pytest.raises(ValueError, match="shape"):
        model.gradient_fn()({**groups, "W_1": [[1.0, 2.0]]}, x, y)
    with pytest.raises(ValueError, match="missing parameters: b_21, b_22"):
        model.gradient_fn()({k: v for k, v in groups.items() if k != "b_2"}, x, y)


def test_single_reduction_wants_one_sample():
    model = derivgen.load("specs/seed001_sigmoid_1_1_1.yaml")
    params = model.initial_params()
    with pytest.raises(ValueError, match="exactly one sample"):
        model.gradient_fn()(params, np.zeros((2, 1)), np.zeros((2, 1)))


def test_layout_and_l2_belong_to_matrix_form():
    with pytest.raises(SpecError, match="form='matrix'"):
        derivgen.mlp([2, 2, 1], layout="columns")
    assert isinstance(derivgen.mlp([2, 2, 1], form="matrix"), derivgen.MatrixModel)


KINK_SPEC = """
model:
  inputs: [x]
  parameters: [b, w]
  equations:
    z: b + w*x
    f: relu(z) + abs(w)
loss: half_sse
reduction: single
subgradient: {at0}
"""


@pytest.mark.parametrize("at0", [0, 1])
def test_subgradient_convention_at_exact_kinks(at0):
    model = derivgen.load(KINK_SPEC.format(at0=at0))
    # z = 0 and w = 0 exactly: ReLU'(0) and |.|'(0) are both the chosen value
    grads = model.gradient_fn()({"b": 0.0, "w": 0.0}, [[2.0]], [[-1.0]])
    r = 1.0  # f − y = 0 + 0 − (−1)
    assert grads["b"] == r * at0
    assert grads["w"] == r * (at0 * 2.0 + at0)


def test_gradients_are_sums_over_samples_that_evaluate_to_gradient_fn():
    model = derivgen.load("specs/seed004_sigmoid_mse.yaml")
    big_n = sp.Symbol("N", integer=True, positive=True)
    expr = model.gradients["theta_1"]
    assert expr.has(sp.Sum) and big_n in expr.free_symbols
    xs, ys = [0.5, -1.0, 2.0], [0.2, 0.9, 0.4]
    params = {"theta_0": 0.3, "theta_1": -0.7}
    value = expr.subs(big_n, 3).doit()
    x_base, y_base = sp.IndexedBase("x"), sp.IndexedBase("y")
    value = value.subs({x_base[i + 1]: xs[i] for i in range(3)})
    value = value.subs({y_base[i + 1]: ys[i] for i in range(3)})
    value = value.subs({sp.Symbol(k, real=True): v for k, v in params.items()})
    value = value.replace(derivgen.ops.functions.Sigmoid, lambda u: 1 / (1 + sp.exp(-u)))
    expected = model.gradient_fn()(params, np.array(xs)[:, None], np.array(ys)[:, None])
    assert float(value) == pytest.approx(expected["theta_1"], rel=1e-12)


def test_extreme_inputs_give_finite_gradients():
    for output, loss in (("softmax", "cross_entropy"), ("sigmoid", "bce"),
                         ("sigmoid", "half_sse")):
        model = derivgen.mlp([2, 3, 2], hidden="sigmoid", output=output, loss=loss)
        params = {p: 3.0 for p in model.parameters}
        x = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
        y = np.array([[1.0, 0.0], [0.0, 1.0]])
        grads = model.gradient_fn()(params, x, y)
        assert all(np.isfinite(v) for v in grads.values()), (output, loss)
        assert np.isfinite(model.loss_fn()(params, x, y))


def test_load_accepts_text_and_paths(root):
    text = (root / "specs" / "seed004_linear_mse.yaml").read_text()
    assert derivgen.load(text).parameters == derivgen.load(
        root / "specs" / "seed004_linear_mse.yaml").parameters == ["theta_0", "theta_1"]


def test_bce_requires_a_sigmoid_output():
    with pytest.raises(SpecError, match="bce needs a network whose output layer is sigmoid"):
        derivgen.mlp([2, 2, 1], output="identity", loss="bce")


def test_generated_code_is_plain_backprop_not_expanded_formulas():
    # The reverse pass keeps one adjoint per node: the code for a wide net has a few lines
    # per unit and per parameter, not one expanded formula per parameter.
    from derivgen.codegen.scalar import compile_function
    model = derivgen.mlp([8, 32, 4], hidden="sigmoid", output="identity", loss="half_sse")
    _, source = compile_function(model.derivation)
    lines = source.count("\n")
    assert lines < 4 * len(model.parameters) + 10 * (32 + 4)
    assert max(len(line) for line in source.splitlines()) < 30 * 32  # one pre-activation sum


def test_values_give_forward_nodes_and_per_sample_adjoints():
    model = derivgen.load("specs/seed003_softmax_ce_2layer.yaml")
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(4, 2)), np.eye(3)[[0, 2, 1, 1]]
    params = model.initial_params(seed=5)
    values = model.values(params, x, y)
    grads = model.gradient_fn()(params, x, y)
    # seed 003: ∂L/∂s_2 = p − y per sample, and ∂L/∂b_2 is its sum over the batch
    for c in range(3):
        assert np.allclose(values[f"dL/ds_2{c + 1}"], values[f"p_{c + 1}"] - y[:, c])
        assert grads[f"b_2{c + 1}"] == pytest.approx(values[f"dL/ds_2{c + 1}"].sum(), rel=1e-12)
    # ∂L/∂x_j = Σ_k ∂L/∂s_1k · w_1jk
    dx1 = sum(values[f"dL/ds_1{k}"] * params[f"w_11{k}"] for k in (1, 2, 3))
    assert np.allclose(values["dL/dx_1"], dx1)
