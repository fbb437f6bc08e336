"""One registry per concept: every table of activations and losses comes from it, and both
model forms answer to one Protocol with the same meaning for every member."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import derivgen
from derivgen.codegen.scalar import NUMPY_FUNCTIONS
from derivgen.engine.protocol import GradientModel
from derivgen.engine.rules import DERIVATIVES, local_diff
from derivgen.judge.arrays import ARRAY_FUNCTIONS
from derivgen.ops.activations import ACTIVATIONS, BY_FUNCTION, SPEC_NAMES
from derivgen.ops.losses import LOSSES, SPEC_NAMES as LOSS_NAMES, loss
from derivgen.render.latex import FUNCTION_NAMES
from derivgen.render.matlatex import ENTRY_FUNCTIONS
from derivgen.spec.formula import FUNCTIONS
from derivgen.spec.records import ACTIVATIONS as SPEC_ACTIVATIONS, LOSSES as SPEC_LOSSES

ELEMENTWISE = [op for op in ACTIVATIONS.values() if op.function is not None]
Z = sp.Symbol("z", real=True)


@pytest.mark.parametrize("op", ELEMENTWISE, ids=lambda op: op.name)
def test_every_table_holds_every_activation(op):
    assert DERIVATIVES[op.function] is op.derivative
    assert FUNCTION_NAMES[op.name] == op.latex and ENTRY_FUNCTIONS[op.function] == op.latex
    assert op.name in FUNCTIONS and op.name in ARRAY_FUNCTIONS and op.name in SPEC_ACTIVATIONS
    if op.numpy is not None:
        assert NUMPY_FUNCTIONS[op.function] == op.numpy
    assert set(op.prose) == {"en", "ru"}


@pytest.mark.parametrize("op", ELEMENTWISE, ids=lambda op: op.name)
def test_array_forms_agree_with_the_formula_and_its_rule(op):
    """The record's NumPy evaluation and derivative equal its SymPy formula and rule."""
    alpha = sp.Rational(1, 10)
    z = np.array([-2.0, -0.3, 0.4, 1.7])
    formula = sp.lambdify(Z, op.build(Z, alpha), modules=["numpy", {
        f.__name__: (lambda v, *a, o=o: o.array(v, 0.1)) for f, o in BY_FUNCTION.items()}])
    np.testing.assert_allclose(formula(z), op.array(z, 0.1))
    for v in z:
        rule = float(local_diff(op.build(Z, alpha), Z).subs(Z, v).evalf())
        assert rule == pytest.approx(float(op.array_derivative(np.array(v), 0.1, 0.0)))


def test_the_spec_accepts_exactly_the_registered_names():
    assert set(SPEC_ACTIVATIONS) == set(SPEC_NAMES) == set(ACTIVATIONS) - {"custom"}
    assert set(SPEC_LOSSES) == set(LOSSES)
    assert all(loss(alias).name == name for alias, name in LOSS_NAMES.items())


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_each_loss_works_in_both_forms(name):
    output = loss(name).output or "identity"
    model = derivgen.mlp([2, 3, 2], hidden="tanh", output=output, loss=name)
    matrix = derivgen.mlp([2, 3, 2], hidden="tanh", output=output, loss=name, form="matrix")
    rng = np.random.default_rng(0)
    params = matrix.initial_params(1)
    x = rng.normal(size=(4, 2))
    y = rng.dirichlet(np.ones(2), size=4) if output == "softmax" else rng.uniform(size=(4, 2))
    flat = model.flat_params({"W_1": params["W_1"].T, "b_1": params["b_1"],
                              "W_2": params["W_2"].T, "b_2": params["b_2"]})
    assert model.loss_fn()(flat, x, y) == pytest.approx(matrix.loss_fn()(params, x, y))


MEMBERS = [name for name in dir(GradientModel) if not name.startswith("_")]


@pytest.mark.parametrize("form", ["scalar", "matrix"])
def test_both_forms_satisfy_one_protocol(form):
    model = derivgen.mlp([2, 3, 2], hidden="relu", output="softmax", loss="cross_entropy",
                         form=form)
    assert isinstance(model, GradientModel)
    missing = [m for m in MEMBERS if not hasattr(model, m)]
    assert not missing
    rng = np.random.default_rng(3)
    params = model.random_params(rng)
    x, y = rng.normal(size=(5, 2)), np.eye(2)[[0, 1, 1, 0, 1]]
    grads = model.gradient_fn()(params, x, y)
    assert set(grads) == set(model.parameters)
    assert all(np.shape(grads[k]) == model.parameter_shapes[k] for k in grads)
    assert model.input_gradient_fn()(params, x, y).shape == (5, 2)
    values = model.values(params, x, y)
    assert all(f"dL/d{p}" in values for p in model.parameters)
    with pytest.raises(ValueError, match="unknown function kind"):
        model.source("gradeint")


def test_values_mean_the_same_in_both_forms():
    """Per-sample adjoints and reduced gradients: the matrix form's entries equal the
    scalar form's, sample by sample."""
    scalar = derivgen.mlp([2, 2, 1], hidden="sigmoid", output="identity", loss="mse")
    matrix = derivgen.mlp([2, 2, 1], hidden="sigmoid", output="identity", loss="mse",
                          form="matrix")
    rng = np.random.default_rng(5)
    params = matrix.initial_params(2)
    x, y = rng.normal(size=(3, 2)), rng.normal(size=(3, 1))
    flat = scalar.flat_params({"W_1": params["W_1"].T, "b_1": params["b_1"],
                               "W_2": params["W_2"].T, "b_2": params["b_2"]})
    sv, mv = scalar.values(flat, x, y), matrix.values(params, x, y)
    np.testing.assert_allclose(mv["dL/dz_2"][:, 0], sv["dL/dz_2"])
    np.testing.assert_allclose(mv["dL/dW_1"][0, 1], sv["dL/dw_121"])
    np.testing.assert_allclose(mv["dL/dx"][:, 1], sv["dL/dx_2"])


@pytest.mark.parametrize("form", ["scalar", "matrix"])
def test_a_wrong_output_layer_is_the_same_error_in_both_forms(form):
    with pytest.raises(derivgen.SpecError, match="needs a network whose output layer is softmax"):
        derivgen.mlp([2, 2], output="identity", loss="cross_entropy", form=form)


@pytest.mark.parametrize("lang, words", [("en", "with slope"), ("ru", "с наклоном")])
def test_matrix_documents_state_the_leaky_slope(lang, words):
    from derivgen.render.document import render
    model = derivgen.mlp([2, 3, 1], hidden="leaky_relu", alpha=0.2, form="matrix")
    text = render(model, "markdown", lang)
    assert f"{words} $\\alpha = 0.2$" in text and "None" not in text
