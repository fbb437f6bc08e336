"""Reference formulas in specs/: judged as marked, broken by mutations, kept by rewritings.

Mutations (sign flip, a dropped factor, a changed index, a changed exponent)
must turn every formula into a mismatch; that proves the judging can fail.
Equivalent rewritings (expanded, factored, σ written out) must not change a
verdict.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp

from support.helpers import bundled
from derivgen.judge.formulas import judge_formula, read_formulas
from conftest import SPECS


def _formulas():
    out = []
    for path in SPECS:
        model = bundled(path)
        for formula in read_formulas(model):
            out.append(pytest.param(path, formula.ident, id=f"{path.stem}:{formula.ident}"))
    return out


FORMULAS = _formulas()


def _load(path, ident):
    model = bundled(path)
    return next(f for f in read_formulas(model) if f.ident == ident)


def test_the_seeds_formulas_are_transcribed():
    specs = {p.values[0].stem for p in FORMULAS}
    assert len(FORMULAS) >= 30
    assert {"seed000_relu_1_3_1", "seed001_sigmoid_1_1_1", "seed001_sigmoid_1_2_1",
            "seed001_sigmoid_2_3_2", "seed002_relu_3_2_2_shared_bias", "seed003_softmax_ce_2layer",
            "seed004_linear_mse", "seed004_relu_mae", "seed004_tanh_leaky_mae"} <= specs


@pytest.mark.parametrize("path, ident", FORMULAS)
def test_verdict_is_as_marked(path, ident):
    formula = _load(path, ident)
    rows = judge_formula(formula, np.random.default_rng(0))
    wanted = "ok" if formula.expect == "match" else "mismatch"
    for label, status, _, message in rows:
        if formula.expect == "mismatch":
            continue  # one combination may be right where the document is wrong elsewhere
        assert status == wanted, f"{label}: {message}"
    if formula.expect == "mismatch":
        assert any(status == "mismatch" for _, status, _, _ in rows)


# ---- mutations ----
def _negate(expr: sp.Expr, names) -> sp.Expr | None:
    return -expr


def _drop_factor(expr: sp.Expr, names) -> sp.Expr | None:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Mul):
            symbolic = [a for a in node.args if not a.is_Number]
            if len(symbolic) >= 2:
                return expr.xreplace({node: node.func(*[a for a in node.args
                                                        if a is not symbolic[0]])})
    return None


def _change_index(expr: sp.Expr, names) -> sp.Expr | None:
    """theta_10 → theta_11, phi_1 → phi_2: a name of the same family that exists (a matrix
    of a matrix formula becomes another matrix bound under ``matrices:``)."""
    for atom in sorted(expr.atoms(sp.Symbol, sp.IndexedBase), key=str):
        name = atom.name if isinstance(atom, sp.Symbol) else atom.label.name
        match = re.fullmatch(r"(.*?)(\d)", name)
        if not match:
            continue
        for digit in "1234567890":
            other = match.group(1) + digit
            key = other if getattr(atom, "is_commutative", True) else "matrix:" + other
            if other != name and key in names:
                new = (atom.func(other, **atom.assumptions0) if isinstance(atom, sp.Symbol)
                       else sp.IndexedBase(other))
                return expr.xreplace({atom: new})
    return None


def _change_exponent(expr: sp.Expr, names) -> sp.Expr | None:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_Integer:
            return expr.xreplace({node: node.base ** (node.exp + 1)})
    return None


def _change_number(expr: sp.Expr, names) -> sp.Expr | None:
    """The printed constant itself: a'(0) = 0 becomes a'(0) = 1."""
    numbers = [a for a in sp.preorder_traversal(expr) if isinstance(a, sp.Number)]
    if not numbers:
        return None
    return expr.xreplace({numbers[0]: numbers[0] + 1})


MUTATIONS = [_negate, _drop_factor, _change_index, _change_exponent, _change_number]


@pytest.mark.parametrize("path, ident", FORMULAS)
def test_mutations_make_the_check_fail(path, ident):
    formula = _load(path, ident)
    names = set(formula.mapper.by_name) | set(formula.mapper.where_text)
    if formula.matrices is not None:
        names |= {"matrix:" + m for m in formula.matrices[1]}
    sides = formula.reference.sides
    applied = 0
    for mutate in MUTATIONS:
        mutated_last = mutate(sides[-1], names)
        if mutated_last is None:
            continue
        if mutated_last == sides[-1]:
            continue  # −0 is 0: nothing was mutated
        applied += 1
        rows = judge_formula(formula, np.random.default_rng(1), sides[:-1] + (mutated_last,))
        statuses = {status for _, status, _, _ in rows}
        assert "error" not in statuses, (mutate.__name__, mutated_last, rows)
        if formula.expect == "mismatch" and statuses == {"ok"}:
            # a mutation may repair a wrong formula (dropping the stray x of seed 004's
            # dy'/db_1): that the verdict moved shows the check can tell the two apart
            continue
        # with `each`, one instance may coincide (dropping ∂f/∂p is right for p = φ₀)
        assert "mismatch" in statuses, (mutate.__name__, mutated_last, rows)
    assert applied >= 1


# ---- equivalent rewritings ----
def _sigma_written_out(expr: sp.Expr) -> sp.Expr:
    sigma = sp.Function("sigma")
    sigma_prime = sp.Function("sigma_prime")
    return expr.replace(sigma, lambda u: 1 / (1 + sp.exp(-u))).replace(
        sigma_prime, lambda u: sp.exp(-u) / (1 + sp.exp(-u)) ** 2)


REWRITINGS = [sp.expand, sp.factor, lambda e: sp.expand(2 * e) / 2, _sigma_written_out]


@pytest.mark.parametrize("path, ident", FORMULAS)
def test_equivalent_rewritings_keep_the_verdict(path, ident):
    formula = _load(path, ident)
    base = [status for _, status, _, _ in judge_formula(formula, np.random.default_rng(2))]
    sides = formula.reference.sides
    for rewrite in REWRITINGS:
        rewritten = tuple(s if s is None or i == 0 and formula.reference.wrt else rewrite(s)
                          for i, s in enumerate(sides))
        rows = judge_formula(formula, np.random.default_rng(2), rewritten)
        assert [status for _, status, _, _ in rows] == base, (rewrite, rewritten)
