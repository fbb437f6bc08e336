"""Auditing one document: items, verdicts, definitions, root causes, known errors."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from derivgen.errors import DerivgenError, UnsupportedError
from derivgen.judge.audit.context import read_settings
from derivgen.judge.audit.items import Link
from derivgen.judge.audit.chains import document_links
from derivgen.judge.audit.judge import (NOT_JUDGEABLE, NOT_UNDERSTOOD, OK, WRONG, Verdict,
                                        judge_link)
from derivgen.judge.audit.part import Part, build_part
from derivgen.judge.audit.sides import parse_side
from derivgen.reader.markdown import Source, read_source

VERDICTS = (OK, WRONG, NOT_UNDERSTOOD, NOT_JUDGEABLE)


@dataclass
class Item:
    """One relation of the document and its verdict."""

    line: int
    column: int
    latex: str
    kind: str
    verdict: str
    message: str
    document_value: Any = None
    derived_value: Any = None
    root_cause_line: int | None = None
    expected: bool = False
    note: str = ""
    correct: str | None = None
    link: Link | None = field(default=None, repr=False)
    detail: dict = field(default_factory=dict, repr=False)
    part: Any = field(default=None, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "latex": self.latex,
                "kind": self.kind, "verdict": self.verdict, "message": self.message,
                "document_value": self.document_value, "derived_value": self.derived_value,
                "root_cause_line": self.root_cause_line, "expected": self.expected,
                "note": self.note}


@dataclass
class DocumentReport:
    path: str
    source: Source
    items: list[Item]
    #: expected lines where nothing came out wrong: (line, note)
    stale: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        counts = {v: sum(1 for i in self.items if i.verdict == v) for v in VERDICTS}
        judged = counts[OK] + counts[WRONG]
        return {"items": len(self.items), **counts,
                "expected_wrong": sum(1 for i in self.items if i.expected),
                "unexpected_wrong": sum(1 for i in self.items
                                        if i.verdict == WRONG and not i.expected),
                "stale_expectations": len(self.stale),
                "coverage": round(judged / len(self.items), 4) if self.items else 1.0}

    @property
    def failed(self) -> bool:
        return any(i.verdict == WRONG and not i.expected for i in self.items) or bool(self.stale)


def _latex(link: Link) -> str:
    sign = {"=": "=", "≈": "\\approx", "←": "\\leftarrow", ":=": ":="}[link.relation]
    return f"{link.left.text} {sign} {link.right.text}"


def audit(path: str, sidecar: str | None = None, seed: int = 0) -> DocumentReport:
    """Judge every relation of a document; SpecError when it cannot be audited at all."""
    source = read_source(path)
    n_lines = source.text.count("\n") + 1
    settings = read_settings(path, source.front_matter, sidecar, source.headings, n_lines)
    links, ranges = document_links(source.pieces)
    parts: dict[int, Part] = {}
    rng = np.random.default_rng(seed)
    items: list[Item] = []
    declared_ranges: dict[str, tuple[int, ...]] = {}
    range_at = {piece: r for piece, r in ranges}
    for link in links:
        line, col = source.line_col(link.at)
        if link.piece in range_at:
            declared_ranges[range_at[link.piece][0]] = range_at[link.piece][1]
        spec = settings.part_of(line)
        item = Item(line, col, _latex(link), "formula", NOT_JUDGEABLE, "", link=link)
        items.append(item)
        if spec is None:
            item.message = "no network covers this line: give front matter, --spec or parts"
            continue
        if id(spec.data) not in parts:
            parts[id(spec.data)] = build_part(spec, source.text)
            parts[id(spec.data)].generic = settings.generic
        part = parts[id(spec.data)]
        item.part = part
        left = (link.left.text, list(link.left.offsets))
        right = (link.right.text, list(link.right.offsets))
        try:
            if link.index == 0 and link.relation in ("=", ":=") and _define(part, link, item):
                continue
            context = _context(source, link.piece)
            if _condition(link, context) and link.left.text.strip() not in (
                    "N", *part.mapper.by_name):
                item.message = ("a condition the text states ("
                                + context.strip()[-30:].strip() + " ...), not a claim")
                continue
            head = link.head.text if link.head else ""
            after = _after(source, link.piece)
            verdict = judge_link(part, left, link.relation, right, rng, declared_ranges,
                                 context, head, after)
            if verdict.verdict == NOT_JUDGEABLE and link.index > 0 and link.head is not None:
                # a = b = c also says a = c: when b names no value, c is judged against a
                again = judge_link(part, (head, list(link.head.offsets)), link.relation,
                                   right, rng, declared_ranges, context, head)
                if again.verdict in (OK, WRONG):
                    again.message = "against the chain's first side: " + again.message
                    verdict = again
        except Exception as exc:  # one item never stops the document: it is its verdict
            verdict = Verdict(NOT_JUDGEABLE, f"internal error: {type(exc).__name__}: "
                              f"{str(exc)[:200]}")
        _fill(item, verdict, source, link)
    from derivgen.judge.audit.causes import root_causes
    root_causes(items)  # guards each item itself: a failure there loses no verdict
    stale = _expectations(items, settings.expect)
    return DocumentReport(path, source, items, stale)


def _context(source: Source, piece: int) -> str:
    """The prose of the paragraph (or list item) that leads to a piece of math."""
    start = source.pieces[piece].offsets[0] if source.pieces[piece].offsets else 0
    before = source.text[max(0, start - 400):start]
    cut = max(before.rfind("\n\n"), before.rfind("\n- "), before.rfind("\n* "))
    return before[cut + 1:] if cut >= 0 else before


def _after(source: Source, piece: int) -> str:
    """The prose right after a piece of math (its closing ``$`` included)."""
    offsets = source.pieces[piece].offsets
    end = offsets[-1] + 1 if offsets else 0
    return source.text[end:end + 120]


_CONDITION = re.compile(r"(\b(if|when|where|at|for|since|assuming)|при|если|в точке|где|"
                        r"так как|когда)\s*\$*\s*\Z", re.I)


def _condition(link: Link, context: str) -> bool:
    """``в точке $z=0$``, ``if $z = 0$``: an inline ``name = 0`` after such words states
    where something holds; it claims nothing."""
    return (link.index == 0 and _CONDITION.search(context) is not None and
            re.fullmatch(r"\s*-?\d+\s*", link.right.text) is not None and
            re.fullmatch(r"\s*[A-Za-z]\s*", link.left.text) is not None)


def _fill(item: Item, verdict: Verdict, source: Source, link: Link) -> None:
    item.verdict, item.message, item.kind = verdict.verdict, verdict.message, verdict.kind
    item.document_value, item.derived_value = verdict.document_value, verdict.derived_value
    item.correct, item.detail = verdict.correct, verdict.detail
    column = verdict.detail.get("column") if verdict.verdict == NOT_UNDERSTOOD else None
    if column:
        item.message += f" (column {column} of the side)"


def _define(part: Part, link: Link, item: Item) -> bool:
    """``name = formula`` for a name the document introduces: registered, and ok."""
    try:
        left = parse_side(part, link.left.text, list(link.left.offsets))
    except DerivgenError:
        return False
    expr = left.expr
    name = expr.name if isinstance(expr, sp.Symbol) else (
        expr.base.label.name if isinstance(expr, sp.Indexed) and
        expr.indices[-1] == part.mapper.sample else None)
    if name is None or left.literals or name.endswith("_upd") or "smpl" in name or \
            name in ("N", "eta", "alpha"):  # the sample count and the rate are known
        return False
    if name in part.mapper.where_text or name in part.mapper.by_name:
        return False  # a name the spec or the front matter binds: judged, not defined
    try:
        part.mapper.name(name, None)
        return False
    except UnsupportedError:
        pass
    except DerivgenError:
        return False
    try:
        right = parse_side(part, link.right.text, list(link.right.offsets))
    except DerivgenError as exc:
        item.verdict, item.message = NOT_UNDERSTOOD, f"cannot read the definition: {exc}"
        return True
    if name in right.names() or name.split("_", 1)[0] in {n.split("_", 1)[0]
                                                           for n in right.names()}:
        return False  # W = W - eta dL/dW is an update, not a definition
    text = right.rewritten.text
    for key, lit in right.literals.items():
        text = text.replace(f"\\text{{{key}}}", lit.text)
    if right.matrix:  # sum = Input ⊗ w_0 for a matrix the front matter lists as defined
        binding = part.matrices[1].get(name) if part.matrices else None
        if binding is None or binding.kind != "defined" or name in part.matrix_defined:
            return False
        part.matrix_defined[name] = right.expr
        item.verdict, item.kind = OK, "formula"
        item.message = f"defines {link.left.text} (registered: later lines may use it)"
        return True
    part.mapper.where_text[name] = text
    part.notation.add_name(name)
    item.verdict, item.kind = OK, "formula"
    item.message = f"defines {link.left.text} (registered: later lines may use it)"
    return True


def _expectations(items: list[Item], expect) -> list[tuple[int, str]]:
    stale = []
    for entry in expect:
        on_line = [i for i in items if i.line == entry.line]
        wrong = [i for i in on_line if i.verdict == WRONG]
        for i in wrong:
            i.expected, i.note = True, entry.note
        if not wrong:
            stale.append((entry.line, entry.note))
    return stale
