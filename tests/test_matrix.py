"""Matrix-notation references: products keep their order, · can mean ⊙, shapes are judged."""
from __future__ import annotations

import numpy as np
import sympy as sp

import derivgen
from derivgen.judge.formulas import judge_formula, read_formulas
from derivgen.judge.arrays import close
from derivgen.reader.latex import parse_reference

MATRICES = frozenset({"A", "B", "C"})


def test_matrix_products_keep_their_order():
    ref = parse_reference(r"Z = A^T \times (B - C)", matrices=MATRICES)
    A, B, C = sp.symbols("A B C", commutative=False)
    assert ref.sides[1] == sp.Function("transpose")(A) * (B - C)
    assert ref.sides[1] != (B - C) * sp.Function("transpose")(A)


def test_cdot_is_elementwise_only_when_the_document_says_so():
    plain = parse_reference(r"Z = A \cdot B", matrices=MATRICES).sides[1]
    hadamard = parse_reference(r"Z = A \cdot B", matrices=MATRICES,
                               hadamard=frozenset({"cdot"})).sides[1]
    assert plain.is_Mul and str(hadamard.func) == "hadamard"


def test_shape_notes_under_matrices_are_dropped():
    ref = parse_reference(r"Z = \left(\frac{\mathbf{A}}{[D \times H]}\right)^T",
                          matrices=MATRICES)
    assert ref.sides[1] == sp.Function("transpose")(sp.Symbol("A", commutative=False))


def test_indicator_of_a_matrix():
    side = parse_reference(r"Z = [\mathbf{A} > \mathbf{0}]", matrices=MATRICES).sides[1]
    assert str(side.func) == "indicator_gt"


def test_close_reports_shapes_and_entries():
    assert close(np.ones((2, 3)), np.ones((2, 3))) == ""
    assert "shape (3, 2)" in close(np.ones((3, 2)), np.ones((2, 3)))
    assert "entry (1, 0)" in close(np.array([[1.0], [2.0]]), np.array([[1.0], [2.5]]))


def test_seed003_matrix_gradients_are_judged_and_a_swapped_product_fails():
    model = derivgen.load("specs/seed003_softmax_ce_2layer.yaml")
    formula = next(f for f in read_formulas(model) if f.ident == "dL/dw2 (matrix)")
    [(label, status, _, message)] = judge_formula(formula, np.random.default_rng(0))
    assert status == "ok" and "sides [4]" in message
    last = formula.reference.sides[-1]
    o1t, diff = last.args  # o1^T × (P − Y)
    swapped = formula.reference.sides[:-1] + (diff * o1t,)
    [(_, status, _, message)] = judge_formula(formula, np.random.default_rng(0), swapped)
    assert status == "mismatch", message
