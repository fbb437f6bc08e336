"""Reading one mapping of a spec with positions: the helpers behind spec.py."""
from __future__ import annotations

import keyword
import math
from typing import Any, Mapping

import sympy as sp

from derivgen.errors import SpecError
from derivgen.spec.formula import Derivative, ExprError, parse_formula
from derivgen.spec.naming import IDENTIFIER
from derivgen.spec.source import Pos


class Fields:
    """Reads one mapping of a spec, tracking positions and unknown keys."""

    def __init__(self, data: Any, where: str, source: str, pos: Pos | None = None) -> None:
        self.source, self.where = source, where
        if not isinstance(data, dict):
            p = getattr(data, "pos", pos) or Pos(1, 1)
            raise SpecError(f"{where} must be a mapping of keys to values", source,
                            *((p.line, p.column) if p else (None, None)))
        self.data, self.seen = data, set()

    def pos(self, key: str) -> Pos | None:
        return getattr(self.data, "value_pos", {}).get(key) or getattr(self.data, "pos", None)

    def error(self, key: str | None, message: str) -> SpecError:
        p = self.pos(key) if key is not None else getattr(self.data, "pos", None)
        return SpecError(message, self.source, *((p.line, p.column) if p else (None, None)))

    def take(self, key: str, kind: type | tuple, default: Any = None, required: bool = False,
             choices: tuple | None = None) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if required:
                allowed = f" ({', '.join(choices)})" if choices else ""
                raise self.error(None, f"{self.where} needs '{key}'{allowed}")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            raise self.error(key, f"'{key}' must be {' or '.join(_KIND[k] for k in kinds)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(key, f"'{key}' must be a finite number")
        if choices is not None and value not in choices:
            raise self.error(key, f"'{key}' is {value!r}; allowed: {', '.join(map(str, choices))}")
        return value

    def done(self) -> None:
        for key in self.data:
            if key not in self.seen:
                p = self.data.key_pos.get(key) if hasattr(self.data, "key_pos") else None
                allowed = ", ".join(sorted(self.seen))
                raise SpecError(f"unknown key {key!r} in {self.where}; allowed: {allowed}",
                                self.source, *((p.line, p.column) if p else (None, None)))


_KIND = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
         list: "a list", dict: "a mapping"}


def formula(fields: Fields, key: str, text: Any, names: Mapping[str, sp.Expr],
            aliases: Mapping[str, str] | None = None, pos: Pos | None = None,
            derivative: Derivative | None = None) -> sp.Expr:
    """Parse a formula value, mapping parser positions onto the spec file."""
    try:
        return parse_formula(text, names, aliases, derivative)
    except ExprError as exc:
        p = pos or fields.pos(key)
        if p is None:
            raise fields.error(key, f"'{key}': {exc.message}") from None
        line, col = p.line + exc.line, (p.column + p.quoted if exc.line == 0 else 1) + exc.column
        raise SpecError(f"'{key}': {exc.message}", fields.source, line, col) from None


def identifier(fields: Fields, key: str, value: Any, pos: Pos | None = None) -> str:
    """Check that ``value`` can serve as a symbol name."""
    if not isinstance(value, str) or not IDENTIFIER.match(value) or keyword.iskeyword(value):
        p = pos or fields.pos(key)
        raise SpecError(f"{value!r} in '{key}' is not a name (letters, digits, _)",
                        fields.source, *((p.line, p.column) if p else (None, None)))
    return value
