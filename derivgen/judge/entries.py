"""Shape checks of a spec's ``reference:`` and ``claims:`` sections, with positions.

They run before anything is judged, so a wrong type (``each: {i: 5}``,
``continues: [1, 2]``, ``functions: {a: 1}``) or an oversized section is a
:class:`SpecError` naming the file, line and column, never a crash or a silent
reinterpretation (``each: {i: abc}`` is not the letters a, b, c).  Every
``where:`` entry is parsed here, used or not.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Collection

from derivgen.errors import ReferenceParseError, SpecError
from derivgen.limits import MAX_EACH_COMBINATIONS, MAX_ENTRIES, clip
from derivgen.ops.activations import ACTIVATIONS
from derivgen.spec.source import Pos


def _at(source: str, pos: Pos | None, message: str, offset: int | None = None) -> SpecError:
    """An error at ``pos``, or ``offset`` characters into the (quoted) text that starts there."""
    if pos is None:
        return SpecError(message, source)
    column = pos.column if offset is None else pos.column + pos.quoted + offset
    return SpecError(message, source, pos.line, column)


def _pos(container: Any, key: Any, kind: str = "value_pos") -> Pos | None:
    if isinstance(key, int) and hasattr(container, "item_pos"):
        return container.item_pos[key]
    table = getattr(container, kind, None)
    return table.get(key) if table else getattr(container, "pos", None)


def check_reference(raw: Any, source: str, parameters: list[str]) -> None:
    """Types and sizes of ``reference:`` (its ``where:`` texts: :func:`check_where`)."""
    if not isinstance(raw, dict):
        raise _at(source, getattr(raw, "pos", None), "'reference' must be a mapping")
    where = raw.get("where", {})
    if isinstance(where, dict):
        _limit(source, where, "where")
        for key, text in where.items():
            if not isinstance(key, str) or not isinstance(text, str):
                raise _at(source, _pos(where, key), f"where: {clip(key)!r} must map a name "
                          "to LaTeX text")
    functions = raw.get("functions", {})
    if isinstance(functions, dict):
        for key, value in functions.items():
            if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
                raise _at(source, _pos(functions, key),
                          f"functions: {clip(key)!r} must name an activation, a node or "
                          "'node', or be a definition 'f(a, b) = …' as text")
    formulas = raw.get("formulas")
    if isinstance(formulas, list):
        _limit(source, formulas, "formulas")
        for i, entry in enumerate(formulas):
            if isinstance(entry, dict):
                _check_entry(source, entry, parameters)


def check_where(raw: Any, source: str, parse: Callable[[str], Any],
                names: Collection[str] = ()) -> None:
    """Parse every ``where:`` entry, used or not, and check every ``functions:`` target
    (an elementwise activation, a name of the spec, 'node', or a definition with "=");
    an error points at the entry."""
    functions = raw.get("functions", {}) if isinstance(raw, dict) else {}
    targets = {"node", *names, *(n for n, op in ACTIVATIONS.items() if op.build is not None)}
    for key, value in (functions.items() if isinstance(functions, dict) else ()):
        if isinstance(value, str) and "=" not in value and value not in targets:
            raise _at(source, _pos(functions, key), f"functions: {key}: {clip(value)!r} is "
                      "no activation, name of the spec or 'node'; activations: "
                      + ", ".join(sorted(n for n, op in ACTIVATIONS.items() if op.build)))
    where = raw.get("where", {}) if isinstance(raw, dict) else {}
    for key, text in (where.items() if isinstance(where, dict) else ()):
        try:
            parse(text)
        except ReferenceParseError as exc:
            raise _at(source, _pos(where, key), f"where: {key}: {exc.message}",
                      (exc.column or 1) - 1) from None


def _check_entry(source: str, entry: dict, parameters: list[str]) -> None:
    continues = entry.get("continues")
    if continues is not None and not isinstance(continues, str):
        raise _at(source, _pos(entry, "continues"), "'continues' must be the id of an earlier "
                  "formula, as text")
    each = entry.get("each")
    if each is None:
        return
    if not isinstance(each, dict) or not each:
        raise _at(source, _pos(entry, "each"), "'each' must map index letters to lists of "
                  "values, e.g. {k: [1, 2]} or {p: parameters}")
    combinations = 1
    for letter, values in each.items():
        where = _pos(each, letter)
        if not isinstance(letter, str) or not letter.isidentifier():
            raise _at(source, _pos(each, letter, "key_pos"),
                      f"each: {clip(letter)!r} is not an index letter")
        if values == "parameters":
            count = len(parameters)
        elif isinstance(values, list) and values and all(
                isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool))
                for v in values):
            count = len(values)
        else:
            raise _at(source, where, f"each: {letter!r} takes a non-empty list of whole numbers "
                      f"or names, or the word 'parameters'; not {clip(values)!r}")
        combinations *= count
        if combinations > MAX_EACH_COMBINATIONS:
            raise _at(source, where, f"'each' gives more than {MAX_EACH_COMBINATIONS} "
                      "combinations to judge")


def _limit(source: str, section: Any, name: str) -> None:
    if len(section) > MAX_ENTRIES:
        raise _at(source, getattr(section, "pos", None),
                  f"'{name}' has {len(section)} entries; at most {MAX_ENTRIES} are allowed")


def check_claims(raw: Any, source: str) -> None:
    """``claims:`` is a list of at most MAX_ENTRIES mappings."""
    if not isinstance(raw, list):
        raise _at(source, getattr(raw, "pos", None), "'claims' must be a list of "
                  "{id, of, value} entries")
    _limit(source, raw, "claims")


def claim_number(value: Any, tolerance: float | None, fail) -> tuple[float, float | None]:
    """The printed value as a finite float, and a tolerance that is not negative.

    ``fail(key, message)`` builds the error at that key's position.
    """
    if tolerance is not None and not (math.isfinite(tolerance) and tolerance >= 0):
        raise fail("tolerance", "'tolerance' must be a number ≥ 0")
    number = float(value)
    if not math.isfinite(number):
        raise fail("value", "'value' must be a finite number (within float64's range)")
    return number, tolerance
