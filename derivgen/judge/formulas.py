"""Judging what documents claim: ``reference:`` formulas here, ``claims:`` numbers in claims.py.

Each formula or number becomes one report item.  An entry marked
``expect: mismatch`` is a known error of the document: it passes while the
engine keeps disagreeing with it, and fails the day it starts to agree.
"""
from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from derivgen.errors import DerivgenError, ReferenceParseError, SpecError, UnsupportedError
from derivgen.judge.claims import check_claims
from derivgen.judge.items import expect_of, item
from derivgen.report import ReportItem
from derivgen.spec.fields import Fields
from derivgen.judge.arrays import read_bindings
from derivgen.judge.array_judge import judge_matrix
from derivgen.judge.entries import check_reference, check_where
from derivgen.judge.mapping import Mapper
from derivgen.judge.scalar_judge import judge_scalar
from derivgen.reader.latex import Reference, parse_reference
from derivgen.render.tables import ItemRows
from derivgen.spec.records import LOSSES

if TYPE_CHECKING:
    from derivgen.model.scalar import Model


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
    #: index conditions from the formula, (∂p_c/∂s_j)_{c \neq j}: other combinations are skipped
    conditions: tuple = ()
    #: why the formula cannot be judged (it could not be read): its verdict is this error
    error: str | None = None
    #: the ``when:`` conditions under which it holds ("y = 0", "z_1 > 0")
    when: Any = None


def read_formulas(model: "Model") -> list[Formula]:
    """Parse the spec's ``reference:`` section; LaTeX errors point into the spec file."""
    raw = model.spec.extra.get("reference")
    if raw is None:
        return []
    check_reference(raw, model.spec.source, model.parameters)  # types and sizes first
    top = Fields(raw, "'reference'", model.spec.source)
    sample = top.take("sample_index", str, default="n")
    where = top.take("where", dict, default={})
    functions = top.take("functions", dict, default={})
    per_observation = top.take("per_observation", bool, default=False)
    loss_arguments = tuple(top.take("loss_arguments", list, default=[]))
    matrices_raw = top.take("matrices", dict)
    formulas = top.take("formulas", list, required=True)
    top.done()
    try:
        mapper = Mapper(model, where, functions, sample, per_observation,
                        loss_arguments=loss_arguments)
    except DerivgenError as exc:
        key = "loss_arguments" if str(exc).startswith("loss_arguments") else "functions"
        raise top.error(key, str(exc)) from None
    check_where(raw, model.spec.source, mapper.parse, mapper.by_name)  # used or not
    matrices = None
    if matrices_raw is not None:
        section = Fields(matrices_raw, "'matrices'", model.spec.source, top.pos("matrices"))
        matrices = read_bindings(model, matrices_raw, section.error)
    out: list[Formula] = []
    variants: dict[str, Mapper] = {}
    # a display that ends in "=" is continued by the next one, which starts with "="
    continued = {e.get("continues") for e in formulas
                 if isinstance(e, dict) and isinstance(e.get("continues"), str)}
    for i, raw_entry in enumerate(formulas):
        pos = formulas.item_pos[i] if hasattr(formulas, "item_pos") else None
        entry = Fields(raw_entry, f"reference formula {i + 1}", model.spec.source, pos)
        ident = entry.take("id", str, required=True)
        latex = entry.take("latex", str, required=True)
        each = entry.take("each", dict, default={})
        loss = entry.take("loss", str, choices=LOSSES)
        form = entry.take("form", str, default="scalar", choices=("scalar", "matrix"))
        continues = entry.take("continues", str)
        when = entry.take("when", (str, list))
        head = next((f for f in out if f.ident == continues), None)
        if continues is not None and head is None:
            raise entry.error("continues", f"'continues' names {continues!r}, which is no "
                              "earlier formula of this reference section")
        if form == "matrix" and matrices is None:
            raise entry.error("form", "a matrix formula needs a 'matrices:' section that binds "
                              "its names")
        expect, note = expect_of(entry)
        entry.done()
        names = frozenset(matrices[1]) if form == "matrix" else frozenset()
        # the chain's displays after the first start with "=", all but the last end with one
        text = _open_ends(latex, head is not None, ident in continued or head is not None)
        try:
            ref = parse_reference(text, sample_index=sample, functions=mapper.parse_functions,
                                  matrices=names,
                                  hadamard=matrices[2] if form == "matrix" else None,
                                  contraction=matrices[3] if form == "matrix" else frozenset(),
                                  names=mapper.declared, leibniz=mapper.leibniz)
        except ReferenceParseError as exc:  # this formula's verdict, not the end of the run
            p = entry.pos("latex")
            col = p.column + p.quoted + (exc.column or 1) - 1 if p else None
            where_ = SpecError("", model.spec.source, p.line if p else None, col).location()
            out.append(Formula(ident, latex, Reference(None, None, sp.Integer(0)), each,
                               expect, note, mapper, mapper,
                               error=f"{where_}not understood: {exc.message}"))
            continue
        except Exception as exc:  # a bug of the reader: this formula's verdict too
            out.append(Formula(ident, latex, Reference(None, None, sp.Integer(0)), each,
                               expect, note, mapper, mapper,
                               error=f"internal error: {type(exc).__name__}: {exc} "
                                     "(please report it with the spec)"))
            continue
        lhs_mapper = mapper
        if loss is not None:  # the document's variant loss, e.g. without the 1/2
            try:
                if loss not in variants:  # one model per loss, however many entries use it
                    from derivgen.model.scalar import Model
                    variants[loss] = Mapper(Model(dataclasses.replace(model.spec, loss=loss)),
                                            where, functions, sample, per_observation,
                                            loss_arguments=loss_arguments)
            except DerivgenError as exc:
                out.append(Formula(ident, latex, ref, each, expect, note, mapper, mapper,
                                   error=f"loss {loss}: {exc}"))
                continue
            lhs_mapper = variants[loss]
        if head is not None:  # judged against the first side of the chain it continues
            ref = dataclasses.replace(ref, wrt=head.reference.wrt, of=head.reference.of,
                                      sides=head.reference.sides[:1] + ref.sides)
            each = each or head.each
        out.append(Formula(ident, latex, ref, each, expect, note, mapper, lhs_mapper,
                           matrices if form == "matrix" else None, ref.conditions, when=when))
        for k, row in enumerate(ref.implies, start=1):  # A ⇒ {rows}: each row on its own
            out.append(Formula(f"{ident} => row {k}", latex, row, each, expect, note, mapper,
                               lhs_mapper, None, ref.conditions, when=when))
    return out


def _open_ends(latex: str, leading: bool, trailing: bool) -> str:
    """Blank a continuation's leading "=" and a continued display's trailing "=" (columns
    stay put, so parse errors still point into the spec)."""
    text = latex
    if leading and (m := re.match(r"\s*=", text)):
        text = " " * m.end() + text[m.end():]
    if trailing and (m := re.search(r"=\s*\Z", text)):
        text = text[:m.start()] + " " * (len(text) - m.start())
    return text


def judge_formula(formula: Formula, rng: np.random.Generator,
                  sides: tuple | None = None, symbolic: bool = True
                  ) -> list[tuple[str, str, str | None, str]]:
    """(label, status, derived formula, message) for each ``each`` combination.

    ``sides`` replaces the parsed sides (tests mutate them to prove checks can fail);
    ``symbolic=False`` skips the symbolic confirmation of an agreement (faster).  A
    formula that cannot be read or judged is an ``error`` row, never an exception.
    """
    if formula.error is not None:
        return [(formula.ident, "error", None, formula.error)]
    ref = formula.reference if sides is None else dataclasses.replace(formula.reference,
                                                                      sides=sides)
    rows = []
    try:
        combinations = _combinations(formula.each, formula.mapper.model, formula.conditions)
    except DerivgenError as exc:
        return [(formula.ident, "error", None, str(exc))]
    for values in combinations:
        label = formula.ident
        if values:
            label += " [" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]"
        try:
            if formula.matrices is not None:
                status, derived, message = judge_matrix(ref, formula.mapper,
                                                        formula.matrices, rng)
            else:
                status, derived, message = judge_scalar(ref, values, formula.mapper,
                                                        formula.lhs_mapper, rng, formula.when,
                                                        symbolic)
        except DerivgenError as exc:
            status, derived, message = "error", None, str(exc)
        except Exception as exc:  # a bug of derivgen: this item's verdict, not the run's end
            status, derived, message = "error", None, (
                f"internal error: {type(exc).__name__}: {exc} (please report it with the spec)")
        rows.append((label, status, derived, message))
    return rows


def check_references(model: "Model", seed: int = 0) -> list[ReportItem]:
    """Judge every formula under the spec's ``reference:`` section."""
    rng = np.random.default_rng(seed)
    items = []
    for entry in read_formulas(model):
        for label, status, derived, message in judge_formula(entry, rng):
            items.append(item(model, "reference", label, status, entry.latex, derived,
                               message, entry.expect, entry.note))
    return items


def _combinations(each: dict, model: "Model", conditions: tuple = ()) -> list[dict[str, Any]]:
    keys = list(each)
    lists = [model.parameters if each[k] == "parameters" else list(each[k]) for k in keys]
    out = []
    for combo in itertools.product(*lists):
        values = dict(zip(keys, combo))
        holds = [c.xreplace({s: sp.Integer(values[s.name]) for s in c.free_symbols
                             if isinstance(values.get(s.name), int)}) for c in conditions]
        if any(h not in (sp.true, sp.false) for h in holds):
            raise UnsupportedError("the formula holds under " + ", ".join(map(str, conditions))
                                   + ": give every letter of it integer values under 'each'")
        if all(h == sp.true for h in holds):
            out.append(values)
    return out


def check_documents(model: "Model", seed: int = 0) -> ItemRows:
    """All reference and claim items of a spec (a list Jupyter shows as a table)."""
    return ItemRows(check_references(model, seed) + check_claims(model))
