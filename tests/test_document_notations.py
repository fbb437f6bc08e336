"""Judging the seeds' remaining notations: seed 002's bmatrix and ⊗, ⇒ rows, continued chains,
(X)_{c ≠ j}, document functions such as Linear(W, b, x), ∂ through an expression, J's arguments.

Each document error the specs mark is shown to be the document's: the corrected formula,
judged the same way, agrees with derivgen.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from support.helpers import ROOT

import derivgen
from derivgen.errors import SpecError
from derivgen.judge.arrays import ShapeMismatch, close, contract
from derivgen.judge.formulas import judge_formula, read_formulas
from derivgen.reader.latex import parse_reference

SEED002 = ROOT / "specs" / "seed002_relu_3_2_2_shared_bias.yaml"


def _formula(path: Path, ident: str):
    return next(f for f in read_formulas(derivgen.load(path)) if f.ident == ident)


def _statuses(formula, sides=None) -> list[str]:
    return [status for _, status, _, _ in judge_formula(formula, np.random.default_rng(3), sides)]


# -- seed 002's ⊗ ------------------------------------------------------------------
def test_contraction_sums_the_rows_of_both_factors():
    v, w = np.array([[3.0], [24.0], [2.0]]), np.arange(6.0).reshape(3, 2)
    assert np.allclose(contract(v, w), w.T @ v)  # [3; 24; 2] ⊗ w_0, a column
    assert np.allclose(contract(np.array([[1.0], [2.0]]), np.array([[3.0], [4.0]])), 11.0)
    assert np.allclose(contract(np.array([[2.0]]), v), 2 * v)  # a 1x1 factor scales
    with pytest.raises(ShapeMismatch):
        contract(np.ones((2, 1)), np.ones((3, 1)))


def test_a_one_by_one_array_is_a_number():
    assert close(np.array([[2.0]]), 2.0) == ""
    assert "shape" in close(np.ones((2, 1)), np.array([[2.0]]))


def _corrected(formula, latex: str) -> tuple:
    model = formula.mapper.model
    layout, bindings, hadamard, contraction = formula.matrices
    ref = parse_reference(latex, functions=formula.mapper.parse_functions,
                          matrices=frozenset(bindings), hadamard=hadamard,
                          contraction=contraction)
    assert model is formula.mapper.model
    return ref.sides


@pytest.mark.parametrize("ident, corrected", [
    # the chain rule's elementwise product: two entries, [c a'; d b']
    ("L'_1", r"\frac{\partial \text{Loss}}{\partial \hat{y}_1} \odot \text{ReLU}'(\hat{y}_1) = "
             r"\begin{bmatrix} ca' \\ db' \end{bmatrix} = L'_1"),
    # dL/dw_1 = yhat_0 L'_1^T, 2x2
    ("dL/dw_1", r"\frac{\partial L}{\partial w_1} = \hat{y}_0 \times L'_1^T"),
    # dL/dw_0 = Input L'_0^T, 3x2, with L'_0 = (w_1 L'_1) ⊙ ReLU'(yhat_0)
    ("dL/dw_0", r"\frac{\partial L}{\partial w_0} = \text{Input} \times L'_0^T = \text{Input} "
                r"\times ((w_1 \times L'_1) \odot \text{ReLU}'(\hat{y}_0))^T"),
    # ReLU in the loss: yhat_1, not the sums [a; b]
    ("Loss", r"\text{Loss} = \frac{1}{2} \begin{bmatrix} \text{ReLU}(a) - \hat{a} \\ "
             r"\text{ReLU}(b) - \hat{b} \end{bmatrix}^T \begin{bmatrix} \text{ReLU}(a) - \hat{a}"
             r" \\ \text{ReLU}(b) - \hat{b} \end{bmatrix}"),
    ("dLoss/dyhat_1", r"\frac{\partial \text{Loss}}{\partial \hat{y}_1} = \begin{bmatrix} "
                      r"\text{ReLU}(a) \\ \text{ReLU}(b) \end{bmatrix} - \text{target} = "
                      r"\begin{bmatrix} c \\ d \end{bmatrix}"),
])
def test_seed002_errors_are_the_documents(ident, corrected):
    formula = _formula(SEED002, ident)
    assert formula.expect == "mismatch" and _statuses(formula) == ["mismatch"]
    assert _statuses(formula, _corrected(formula, corrected)) == ["ok"]


def test_seed002_sum_is_judged_at_the_documents_input():
    formula = _formula(SEED002, "sum")
    [(_, status, _, message)] = judge_formula(formula, np.random.default_rng(0))
    assert status == "ok" and "compared with side 2" in message
    wrong = list(formula.reference.sides)
    wrong[2] = wrong[2].xreplace({sp.Integer(24): sp.Integer(25)})  # [3; 25; 2]
    assert _statuses(formula, tuple(wrong)) == ["mismatch"]


# -- seed 001: ⇒ rows and matrix update rules ----------------------------------------
SEED001 = ROOT / "specs" / "seed001_sigmoid_2_3_2.yaml"


def test_rightarrow_rows_are_judged_one_by_one():
    formulas = read_formulas(derivgen.load(SEED001))
    rows = [f for f in formulas if f.ident.startswith("z_1 => rows")]
    assert [f.ident for f in rows] == ["z_1 => rows"] + [f"z_1 => rows => row {k}"
                                                         for k in (1, 2, 3)]
    assert rows[0].matrices is not None and all(r.matrices is None for r in rows[1:])
    assert all(_statuses(f) == ["ok"] for f in rows)
    row = rows[2]  # z_12 = w_121 x_1 + w_122 x_2 + b_12, with w_121 and w_122 swapped
    swapped = row.reference.sides[-1].xreplace({sp.Symbol("w_121"): sp.Symbol("w_122"),
                                                sp.Symbol("w_122"): sp.Symbol("w_121")})
    assert _statuses(row, row.reference.sides[:-1] + (swapped,)) == ["mismatch"]


def test_matrix_update_rule_needs_the_minus_and_the_rate():
    formula = _formula(SEED001, "update W_1")
    assert _statuses(formula) == ["ok"]
    W, eta = sp.Symbol("W_1", commutative=False), sp.Symbol("eta")
    grad = formula.reference.sides[-1].atoms(sp.Function).pop()  # ∇_{W_1} L
    for wrong in (W + eta * grad, W - grad, W - eta * grad.func(sp.Symbol("L"),
                                                                sp.Symbol("W_2", commutative=False))):
        assert _statuses(formula, (formula.reference.sides[0], wrong)) == ["mismatch"], wrong


# -- seed 003: continued chains and (X)_{c ≠ j} ----------------------------------------
SEED003 = ROOT / "specs" / "seed003_softmax_ce_2layer.yaml"


def test_continuation_lines_are_judged_against_the_chain_head():
    formulas = {f.ident: f for f in read_formulas(derivgen.load(SEED003))}
    head, line = formulas["dL/ds_2j"], formulas["dL/ds_2j line 3"]
    assert line.reference.sides[0] == head.reference.sides[0] and line.each == head.each
    assert _statuses(line) == ["ok"] * 3
    # "= -y_j + ... =": the leading and trailing "=" are continuation marks
    assert line.latex.startswith("= ") and line.latex.endswith(" =")


def test_condition_skips_the_excluded_combinations():
    formula = next(f for f in read_formulas(derivgen.load(SEED003))
                   if f.ident.startswith("dp_c/ds_j"))
    labels = [label for label, *_ in judge_formula(formula, np.random.default_rng(0))]
    assert len(labels) == 6 and not any("c=1, j=1" in label for label in labels)
    without = dataclasses.replace(formula, each={})
    [(_, status, _, message)] = judge_formula(without, np.random.default_rng(0))
    assert status == "error" and "under 'each'" in message


def _spec_with(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    return derivgen.load(text.replace(old, new))


def test_continues_must_name_an_earlier_formula():
    model = _spec_with(SEED003, "continues: dL/ds_2j\n      latex: '= -y_j + y_j",
                       "continues: nowhere\n      latex: '= -y_j + y_j")
    with pytest.raises(SpecError, match="continues") as info:
        read_formulas(model)
    assert info.value.line is not None


# -- seed 004: Linear(W, b, x), ∂ through a = y − M(x), J's arguments -----------------
RELU = ROOT / "specs" / "seed004_relu_mae.yaml"


def test_document_function_definitions_are_checked():
    model = _spec_with(RELU, "Linear: 'Linear(W, b, x) = W \\cdot x + b'",
                       "Linear: 'Linear(W, W, x) = W \\cdot x'")
    with pytest.raises(SpecError, match="distinct plain names") as info:
        read_formulas(model)
    assert info.value.line is not None
    formula = _formula(RELU, "dLinear/dW_i")
    two = parse_reference(r"\frac{Linear(W_1, x)}{\partial W_1} = x", sample_index="i",
                          functions=formula.mapper.parse_functions)
    [(_, status, _, message)] = judge_formula(dataclasses.replace(formula, each={}),
                                              np.random.default_rng(0), two.sides)
    assert status == "error" and "3 arguments" in message


def test_partial_through_a_where_expression_is_not_guessed():
    formula = _formula(RELU, "d|a|/da (a = y - M(x))")
    assert _statuses(formula) == ["ok"]
    mixed = parse_reference(r"\frac{|a| + y}{\partial a} = 1", sample_index="i",
                            functions=formula.mapper.parse_functions)
    [(_, status, _, message)] = judge_formula(formula, np.random.default_rng(0), mixed.sides)
    assert status == "error" and "other than through a" in message


def test_loss_arguments_make_J_a_function():
    formula = _formula(ROOT / "specs" / "seed004_linear_mse.yaml", "update theta_0")
    mapper = formula.mapper
    J, t0, t1 = sp.Function("J"), sp.Symbol("theta_0"), sp.Symbol("theta_1")
    total = mapper.total_loss()  # its sample index is a fresh dummy each time: compare text
    assert str(mapper.map(J(t0, t1))) == str(total)
    assert str(mapper.map(J(t1, t1))) != str(total)
    assert str(mapper.map(J(t1, t1))) == str(total.xreplace({mapper.by_name["theta_0"]:
                                                             mapper.by_name["theta_1"]}))
