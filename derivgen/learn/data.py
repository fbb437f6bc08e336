"""Training data from a CSV file, with the line and column of every problem.

The format is the plain one spreadsheets write: a header row of column names,
then one row of numbers per sample, separated by commas.  Fields may be quoted
("price"), lines starting with ``#`` are comments (the bundled example data
says there that it is synthetic), blank lines are skipped.  Every problem is a
:class:`~derivgen.errors.SpecError` naming ``file:line:col``; nothing is
evaluated, and the file is read once, up to :data:`MAX_BYTES`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from derivgen.errors import SpecError
from derivgen.spec.source import read_file_bytes

#: largest CSV read (a 2-column data set of a million rows fits)
MAX_BYTES = 64 << 20
#: a decimal number as spreadsheets write it: -1, 2.5, .5, 1e-3 (no nan, inf or 1_000)
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")


@dataclass(frozen=True)
class Table:
    """The columns of a CSV file: names, values (rows × columns), where each row stood."""

    source: str
    names: tuple[str, ...]
    values: np.ndarray
    lines: tuple[int, ...]
    header_line: int

    def columns(self, names: Sequence[str]) -> np.ndarray:
        """The named columns, in that order, as an (N, len(names)) float array."""
        index = [self.names.index(n) for n in names]
        return self.values[:, index]


def _fields(line: str, source: str, number: int) -> list[tuple[str, int]]:
    """Split one CSV line into (text, 1-based column) pairs; quotes as RFC 4180 writes them."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(line)
    while True:
        start = i
        if i < n and line[i] == '"':
            i += 1
            text = []
            while True:
                if i >= n:
                    raise SpecError("a quoted field is not closed", source, number, start + 1)
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        text.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                text.append(line[i])
                i += 1
            if i < n and line[i] != ",":
                raise SpecError("expected a comma after a quoted field", source, number, i + 1)
            out.append(("".join(text), start + 1))
        else:
            end = line.find(",", i)
            end = n if end < 0 else end
            raw = line[i:end]
            if '"' in raw:
                raise SpecError('a quote " may only open a field', source, number,
                                i + raw.index('"') + 1)
            lead = len(raw) - len(raw.lstrip())
            out.append((raw.strip(), start + 1 + lead))
            i = end
        if i >= n:
            return out
        i += 1  # the comma
        if i == n:
            out.append(("", i + 1))
            return out


def _read_text(path: Path) -> str:
    source = str(path)
    raw = read_file_bytes(path, "expected a .csv text file", limit=MAX_BYTES)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise SpecError("not UTF-8 text; a CSV file is text", source, line, column) from None


def read_csv(path: str | Path) -> Table:
    """Read a CSV file of numbers with a header row; a :class:`SpecError` names what is wrong."""
    path = Path(path)
    source = str(path)
    text = _read_text(path)
    header: list[tuple[str, int]] | None = None
    header_line = 0
    rows: list[list[float]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = _fields(line, source, number)
        if header is None:
            header, header_line = fields, number
            seen: dict[str, int] = {}
            for name, col in fields:
                if not name:
                    raise SpecError("empty column name in the header row", source, number, col)
                if name in seen:
                    raise SpecError(f"column {name!r} is named twice (first at column "
                                    f"{seen[name]})", source, number, col)
                seen[name] = col
            continue
        if len(fields) != len(header):
            col = fields[len(header)][1] if len(fields) > len(header) else len(line) + 1
            raise SpecError(f"{len(fields)} field{'s' * (len(fields) != 1)}, but the header "
                            f"on line {header_line} "
                            f"names {len(header)} columns", source, number, col)
        row = []
        for (text_value, col), (name, _) in zip(fields, header):
            if not NUMBER.match(text_value):
                shown = text_value if len(text_value) <= 20 else text_value[:20] + "…"
                raise SpecError(f"column {name!r}: {shown!r} is not a number; every field "
                                "after the header must be a decimal number", source, number, col)
            value = float(text_value)
            if not math.isfinite(value):
                raise SpecError(f"column {name!r}: {text_value!r} is not a finite number",
                                source, number, col)
            row.append(value)
        rows.append(row)
        lines.append(number)
    if header is None:
        raise SpecError("no header row; expected column names such as x,y on the first "
                        "line", source, 1, 1)
    if not rows:
        raise SpecError("no data rows after the header", source, header_line + 1, 1)
    return Table(source, tuple(n for n, _ in header), np.array(rows, dtype=float),
                 tuple(lines), header_line)


def pick_columns(table: Table, wanted: Sequence[str], role: str, option: str) -> np.ndarray:
    """The columns named ``wanted`` (the spec's inputs or targets, or the user's choice)."""
    missing = [n for n in wanted if n not in table.names]
    if missing:
        raise SpecError(f"no column {', '.join(map(repr, missing))} for the {role}; the "
                        f"columns are {', '.join(table.names)} (choose with {option})",
                        table.source, table.header_line, 1)
    return table.columns(wanted)
