"""Judging what documents claim: ``reference:`` formulas and ``claims:`` numbers.

Each formula or number becomes one report item.  An entry marked
``expect: mismatch`` is a known error of the document: it passes while the
engine keeps disagreeing with it, and fails the day it starts to agree.
"""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from .errors import DerivgenError, ReferenceParseError, SpecError, UnsupportedError
from .fields import Fields, formula
from .matrix import Evaluator, NoValue, ShapeMismatch, close, read_bindings
from .verify import random_point
from .numeric import compare, compile_exprs, concrete
from .reference import N, Mapper, substitute_indices
from .refparse import Reference, parse_reference
from .spec import LOSSES

if TYPE_CHECKING:
    from .model import Model

_GRAD = re.compile(r"\bd([A-Za-z]\w*)/d([A-Za-z]\w*)")


def _item(model: "Model", kind: str, ident: str, status: str, document: Any,
          derived: Any, message: str, expect: str, note: str) -> dict[str, Any]:
    passed = (status == "ok" and expect == "match") or (status == "mismatch"
                                                        and expect == "mismatch")
    return {"spec": model.spec.name, "item": ident, "kind": kind, "status": status,
            "document_value": document, "derived_value": derived, "message": message,
            "expect": expect, "note": note, "passed": passed}


def _expect(entry: Fields) -> tuple[str, str]:
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
        expect, note = _expect(entry)
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
            items.append(_item(model, "reference", label, status, entry.latex, derived,
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


def _tolerance(value: Any, entry: Fields) -> tuple[float, float]:
    """The printed number and the half-unit of its last printed digit."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise entry.error("value", "'value' must be a number as printed, e.g. 0.525") from None
    if not number.is_finite():
        raise entry.error("value", "'value' must be a finite number")
    given = entry.take("tolerance", float)
    exponent = number.as_tuple().exponent
    return float(number), given if given is not None else 0.5 * 10.0 ** int(exponent)


def check_claims(model: "Model") -> list[dict[str, Any]]:
    """Judge every worked-example number under the spec's ``claims:`` section."""
    raw = model.spec.extra.get("claims")
    if raw is None:
        return []
    source = model.spec.source
    if not isinstance(raw, list):
        raise Fields({}, "'claims'", source).error(None, "'claims' must be a list")
    example = model.example_arrays()
    if example is None or example[2] is None or len(example[0]) != len(model.parameters):
        raise SpecError("claims are judged at the worked example: give 'example' with x, y "
                        "and every parameter", source)
    params, x, y = example
    mapper = Mapper(model, {}, {})
    data = _example_values(model, params, x, y)
    items = []
    for i, raw_entry in enumerate(raw):
        entry = Fields(raw_entry, f"claim {i + 1}", source, raw.item_pos[i])
        ident = entry.take("id", str, required=True)
        text = entry.take("of", str, required=True)
        printed, tol = _tolerance(entry.take("value", (str, float, int), required=True), entry)
        expect, note = _expect(entry)
        entry.done()
        names: dict[str, sp.Expr] = {n: mapper.name(n, None) for n in mapper.by_name}
        names["eta"] = sp.Float(model.spec.example.learning_rate or 0.0)

        def gradient(match: re.Match) -> str:
            key = f"d_{match.group(1)}__d_{match.group(2)}"
            names[key] = mapper.derivative(sp.Symbol(match.group(1)), sp.Symbol(match.group(2)))
            return key

        try:
            expr = formula(entry, "of", _GRAD.sub(gradient, text), names)
        except DerivgenError as exc:
            raise entry.error("of", f"claim {ident!r}: {exc}") from None
        expr = concrete(expr, N, x.shape[0], mapper.sample)
        [value] = compile_exprs([expr])(data)
        value = float(np.asarray(value).ravel()[0])
        status = "ok" if abs(value - printed) <= tol + 1e-12 else "mismatch"
        message = (f"engine {value:.6g} vs printed {printed:g} (±{tol:g} from its digits); "
                   f"{text} = {sp.sstr(expr)[:200]}")
        items.append(_item(model, "claim", ident, status, printed, value, message,
                           expect, note))
    return items


def _example_values(model: "Model", params, x, y) -> dict[sp.Basic, np.ndarray]:
    g = model.graph
    values: dict[sp.Basic, np.ndarray] = {p: np.array([params[p.name]]) for p in g.params}
    for data, symbols in ((x, g.inputs), (y, g.targets)):
        for col, s in enumerate(symbols):
            values[s] = np.array([data[0, col]])
            for row in range(data.shape[0]):
                values[sp.IndexedBase(s.name)[row + 1]] = np.array([data[row, col]])
    return values


def check_documents(model: "Model", seed: int = 0) -> list[dict[str, Any]]:
    """All reference and claim items of a spec."""
    return check_references(model, seed) + check_claims(model)
