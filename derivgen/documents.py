"""Judging what documents claim: ``reference:`` formulas here, ``claims:`` numbers in claims.py.

Each formula or number becomes one report item.  An entry marked
``expect: mismatch`` is a known error of the document: it passes while the
engine keeps disagreeing with it, and fails the day it starts to agree.
"""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from .errors import DerivgenError, ReferenceParseError, SpecError, UnsupportedError
from .fields import Fields
from .matrix import Evaluator, NoValue, ShapeMismatch, close, read_bindings
from .verify import random_point
from .numeric import compare, concrete
from .reference import N, Mapper, substitute_indices
from .refparse import Reference, parse_reference
from .spec import LOSSES

if TYPE_CHECKING:
    from .model import Model


def item(model: "Model", kind: str, ident: str, status: str, document: Any,
         derived: Any, message: str, expect: str, note: str) -> dict[str, Any]:
    """One report item; it passes when the status is what the entry expects."""
    passed = (status == "ok" and expect == "match") or (status == "mismatch"
                                                        and expect == "mismatch")
    return {"spec": model.spec.name, "item": ident, "kind": kind, "status": status,
            "document_value": document, "derived_value": derived, "message": message,
            "expect": expect, "note": note, "passed": passed}


def expect_of(entry: Fields) -> tuple[str, str]:
    """``expect`` and ``note``: an expected mismatch must say why."""
    expect = entry.take("expect", str, default="match", choices=("match", "mismatch"))
    note = entry.take("note", str, default="")
    if expect == "mismatch" and not note.strip():
        raise entry.error("expect", "an expected mismatch needs a one-line 'note' saying why")
    return expect, note


@dataclass
class Formula:
    """One ``reference:`` entry, parsed, with the mappers that judge it."""

    ident: str
    latex: str
    reference: Reference
    each: dict
    expect: str
    note: str
    mapper: Mapper
    lhs_mapper: Mapper
    #: (layout, bindings) when the formula is in matrix notation
    matrices: tuple | None = None


def read_formulas(model: "Model") -> list[Formula]:
    """Parse the spec's ``reference:`` section; LaTeX errors point into the spec file."""
    raw = model.spec.extra.get("reference")
    if raw is None:
        return []
    top = Fields(raw, "'reference'", model.spec.source)
    sample = top.take("sample_index", str, default="n")
    where = top.take("where", dict, default={})
    functions = top.take("functions", dict, default={})
    per_observation = top.take("per_observation", bool, default=False)
    matrices_raw = top.take("matrices", dict)
    formulas = top.take("formulas", list, required=True)
    top.done()
    mapper = Mapper(model, where, functions, sample, per_observation)
    matrices = None
    if matrices_raw is not None:
        section = Fields(matrices_raw, "'matrices'", model.spec.source, top.pos("matrices"))
        matrices = read_bindings(model, matrices_raw, section.error)
    out: list[Formula] = []
    variants: dict[str, Mapper] = {}
    for i, raw_entry in enumerate(formulas):
        pos = formulas.item_pos[i] if hasattr(formulas, "item_pos") else None
        entry = Fields(raw_entry, f"reference formula {i + 1}", model.spec.source, pos)
        ident = entry.take("id", str, required=True)
        latex = entry.take("latex", str, required=True)
        each = entry.take("each", dict, default={})
        loss = entry.take("loss", str, choices=LOSSES)
        form = entry.take("form", str, default="scalar", choices=("scalar", "matrix"))
        if form == "matrix" and matrices is None:
            raise entry.error("form", "a matrix formula needs a 'matrices:' section that binds "
                              "its names")
        expect, note = expect_of(entry)
        entry.done()
        names = frozenset(matrices[1]) if form == "matrix" else frozenset()
        try:
            ref = parse_reference(latex, sample_index=sample, functions=mapper.parse_functions,
                                  matrices=names,
                                  hadamard=matrices[2] if form == "matrix" else None)
        except ReferenceParseError as exc:
            p = entry.pos("latex")
            col = p.column + p.quoted + (exc.column or 1) - 1 if p else None
            raise SpecError(f"reference {ident!r}: {exc.message}", model.spec.source,
                            p.line if p else None, col) from None
        lhs_mapper = mapper
        if loss is not None:  # the document's variant loss, e.g. without the 1/2
            if loss not in variants:  # one model per loss, however many entries use it
                from .model import Model
                variants[loss] = Mapper(Model(dataclasses.replace(model.spec, loss=loss)),
                                        where, functions, sample, per_observation)
            lhs_mapper = variants[loss]
        out.append(Formula(ident, latex, ref, each, expect, note, mapper, lhs_mapper,
                           matrices if form == "matrix" else None))
    return out


def judge_formula(formula: Formula, rng: np.random.Generator,
                  sides: tuple | None = None) -> list[tuple[str, str, str | None, str]]:
    """(label, status, derived formula, message) for each ``each`` combination.

    ``sides`` replaces the parsed sides (tests mutate them to prove checks can fail).
    """
    ref = formula.reference if sides is None else dataclasses.replace(formula.reference,
                                                                      sides=sides)
    rows = []
    for values in _combinations(formula.each, formula.mapper.model):
        label = formula.ident
        if values:
            label += " [" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]"
        try:
            if formula.matrices is not None:
                status, derived, message = _judge_matrix(ref, formula, rng)
            else:
                status, derived, message = _judge(ref, values, formula.mapper,
                                                  formula.lhs_mapper, rng)
        except DerivgenError as exc:
            status, derived, message = "error", None, str(exc)
        rows.append((label, status, derived, message))
    return rows


def check_references(model: "Model", seed: int = 0) -> list[dict[str, Any]]:
    """Judge every formula under the spec's ``reference:`` section."""
    rng = np.random.default_rng(seed)
    items = []
    for entry in read_formulas(model):
        for label, status, derived, message in judge_formula(entry, rng):
            items.append(item(model, "reference", label, status, entry.latex, derived,
                               message, entry.expect, entry.note))
    return items


def _combinations(each: dict, model: "Model") -> list[dict[str, Any]]:
    if not each:
        return [{}]
    keys = list(each)
    lists = [model.parameters if each[k] == "parameters" else list(each[k]) for k in keys]
    return [dict(zip(keys, combo)) for combo in itertools.product(*lists)]


def _instantiate(expr: sp.Expr, values: dict[str, Any]) -> sp.Expr:
    names = {k: v for k, v in values.items() if isinstance(v, str)}
    expr = expr.xreplace({s: sp.Symbol(names[s.name]) for s in expr.atoms(sp.Symbol)
                          if s.name in names})
    return substitute_indices(expr, {k: v for k, v in values.items() if isinstance(v, int)})


def _judge(ref, values, mapper: Mapper, lhs_mapper: Mapper, rng) -> tuple[str, str, str]:
    sides = [None if s is None else _instantiate(s, values) for s in ref.sides]
    if sides[0] is None:
        raise UnsupportedError("the first side of the formula names no value to compare with")
    derived = lhs_mapper.target(sides[0], ref.assign, tuple(sides[1:]))
    rest = sides[1:]
    samples = 3
    target = concrete(derived, N, samples, mapper.sample)
    notes = []
    for k, side in enumerate(rest, start=1):
        if side is None:
            notes.append(f"side {k + 1} names no value and is not judged")
            continue
        mapped = concrete(mapper.map(side), N, samples, mapper.sample)
        verdict = compare(mapped, target, rng, simplex=mapper.simplex)
        if not verdict.equal:
            return "mismatch", str(derived), (
                f"side {k + 1} of the formula differs from the derived value (N = {samples}): "
                f"{verdict.difference()}; derived formula: {derived}")
        notes.append(f"side {k + 1}: equal at {verdict.points} points, {verdict.symbolic}")
    return "ok", str(derived), "; ".join(notes)


MATRIX_POINTS = 5


def _judge_matrix(ref, formula: Formula, rng) -> tuple[str, str, str]:
    """Evaluate every side with arrays at a few random points (batch of 3 samples)."""
    model, (layout, bindings, _) = formula.mapper.model, formula.matrices
    functions = formula.mapper.functions
    judged: set[int] = set()
    for point in range(MATRIX_POINTS):
        n = 3 if model.graph.reduction != "single" and layout == "rows" else 1
        params, x, y = random_point(model, rng, n)
        evaluate = Evaluator(model, layout, bindings, functions, params, x, y,
                             rate=float(rng.uniform(0.01, 1.0)))
        head = ref.sides[0]
        if ref.assign:
            raise UnsupportedError("update rules in matrix notation are not judged yet")
        target = evaluate(head)
        for k, side in enumerate(ref.sides[1:], start=2):
            if side is None:
                continue
            try:
                value = evaluate(side)
                problem = close(value, target)
            except NoValue:
                continue
            except ShapeMismatch as exc:
                problem = str(exc)
            judged.add(k)
            if problem:
                return "mismatch", f"{head} at random point {point + 1}", (
                    f"side {k} differs from derivgen's arrays at random point {point + 1} "
                    f"(batch of {n}): {problem}")
    if not judged:
        raise UnsupportedError("no side of this matrix formula names an array to compare")
    skipped = [k for k in range(2, len(ref.sides) + 1) if k not in judged]
    note = f"; sides {skipped} name no array (a Jacobian) and are not judged" if skipped else ""
    return "ok", str(ref.sides[0]), (f"sides {sorted(judged)} equal derivgen's arrays at "
                                     f"{MATRIX_POINTS} random points{note}")


def check_documents(model: "Model", seed: int = 0) -> list[dict[str, Any]]:
    """All reference and claim items of a spec."""
    from .claims import check_claims  # claims.py builds on this module
    return check_references(model, seed) + check_claims(model)
