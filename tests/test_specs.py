"""Every bundled spec loads, derives and passes the central-difference check."""
from __future__ import annotations

import pytest
import sympy as sp

import derivgen
from support.helpers import bundled
import derivgen.ops.functions
from derivgen.ops.functions import Sign, Step
from conftest import SPECS

#: the specs the core-engine issue names, one per network of the seed documents
EXPECTED = {
    "seed000_relu_1_3_1", "seed001_sigmoid_1_1_1", "seed001_sigmoid_1_2_1",
    "seed001_sigmoid_2_3_2", "seed002_relu_3_2_2_shared_bias", "seed003_softmax_ce_2layer",
    "seed004_linear_mse", "seed004_sigmoid_mse", "seed004_cubic_mse", "seed004_relu_mae",
    "seed004_tanh_leaky_mae",
}


def test_every_seed_network_has_a_spec():
    assert EXPECTED <= {p.stem for p in SPECS}


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_spec_gradients_match_central_differences(path):
    model = bundled(path)
    assert model.spec.name == path.stem
    report = derivgen.check_gradients(model, points=3, seed=1)
    assert report.ok, "\n".join(c.message() for c in report.checks if c.status != "ok")
    assert len(report.checks) == len(model.parameters)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_formulas_keep_kinks_explicit(path):
    model = bundled(path)
    for name, expr in model.gradients.items():
        assert not expr.has(sp.Heaviside, sp.DiracDelta, sp.Derivative, sp.Subs), name
        for kink in expr.atoms(Step, Sign):
            assert kink.args[1] == model.spec.subgradient


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_expanded_formulas_use_only_parameters_inputs_and_targets(path):
    model = bundled(path)
    g = model.graph
    allowed = {s.name for s in (*g.params, *g.inputs, *g.targets)}
    for name, expr in model.sample_gradients.items():
        assert {s.name for s in expr.free_symbols} <= allowed, name


def test_seed000_compact_form_is_the_documents():
    model = derivgen.load("specs/seed000_relu_1_3_1.yaml")
    s = {n: sp.Symbol(n, real=True) for n in ("r", "phi_1", "x", "z_1", "z_2")}
    compact = model.compact_gradients
    assert compact["phi_0"] == s["r"]
    assert compact["theta_10"] == s["r"] * s["phi_1"] * Step(s["z_1"], 0)
    assert compact["theta_11"] == s["r"] * s["phi_1"] * Step(s["z_1"], 0) * s["x"]
    assert compact["phi_2"] == s["r"] * derivgen.ops.functions.Relu(s["z_2"])


def test_seed001_chain_rule_factors_follow_the_document():
    model = derivgen.load("specs/seed001_sigmoid_1_1_1.yaml")
    w_1 = sp.Symbol("w_1", real=True)
    [path] = model.derivation.chains(w_1)
    # L → r → ŷ → z_2 → h → z_1 → w_1: ∂L/∂ŷ · ∂ŷ/∂z_2 · ∂z_2/∂h · ∂h/∂z_1 · ∂z_1/∂w_1
    assert [(p.name, c.name) for p, c, _ in path] == [
        ("L", "r"), ("r", "yhat"), ("yhat", "z_2"), ("z_2", "h"), ("h", "z_1"), ("z_1", "w_1")]
    product = sp.Mul(*(d for _, _, d in path))
    assert model.derivation.expand(product - model.compact_gradients["w_1"]) == 0


def test_seed001_2_3_2_hidden_chain_sums_over_outputs():
    model = derivgen.load("specs/seed001_sigmoid_2_3_2.yaml")
    paths = model.derivation.chains(sp.Symbol("w_111", real=True))
    assert len(paths) == 2  # Σ_{i=1}^{2} as in the document
    assert {p[2][1].name for p in paths} == {"z_21", "z_22"}
