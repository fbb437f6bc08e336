"""What an audit knows about a document: its spec(s), parts and known errors.

The spec comes from front matter (YAML between ``---`` lines at the top of a
Markdown file, ``%`` comment lines between ``% ---`` lines in a ``.tex`` file) and
from ``--spec FILE``; the sidecar wins key by key at the top level.  Besides the
keys of a spec file there are two more:

``parts``: for documents about several networks, a list of
``{heading: TEXT | lines: [FROM, TO], spec: {inline spec} | path}``; a part runs from
its heading (or line FROM) to the next part's start (or line TO); lines outside any
part use the top-level spec, if there is one.

``expect``: the document's known errors, ``[{line: N, note: "why"}]``.

``generic``: letters that stand for any parameter (``[p, theta]``): a formula that uses
one is judged once for each parameter of the network.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from derivgen.errors import SpecError
from derivgen.spec.fields import Fields
from derivgen.spec.source import load_text, read_spec_source

#: the keys an audit adds to a spec's
AUDIT_KEYS = ("parts", "expect", "generic")
SPEC_KEYS = ("name", "network", "model", "loss", "reduction", "subgradient", "description",
             "document", "example", "notation", "reference", "claims")


@dataclass
class Expected:
    """A known error of the document: items on ``line`` that come out wrong are expected."""

    line: int
    note: str


@dataclass
class PartSpec:
    """A network of the document and the lines it covers (``last`` inclusive)."""

    first: int
    last: int
    data: dict
    source: str
    label: str


@dataclass
class Settings:
    """Front matter and sidecar, merged."""

    top: dict | None
    source: str
    parts: list[PartSpec] = field(default_factory=list)
    expect: list[Expected] = field(default_factory=list)
    #: letters that stand for any parameter (``generic: [p]``)
    generic: tuple[str, ...] = ()

    def part_of(self, line: int) -> PartSpec | None:
        for part in self.parts:
            if part.first <= line <= part.last:
                return part
        if self.top is not None:
            return PartSpec(1, 10 ** 9, self.top, self.source, "")
        return None


def _yaml(text: str, source: str, first_line: int) -> Any:
    """Front matter YAML, read with the document's own line numbers."""
    data = load_text("\n" * (first_line - 1) + text, source)
    if not isinstance(data, dict):
        raise SpecError("front matter must be a mapping of spec keys", source, first_line, 1)
    return data


def read_settings(document: str, front: tuple[str, int] | None, sidecar: str | None,
                  headings: list[tuple[int, str]], n_lines: int) -> Settings:
    """Merge front matter and sidecar; resolve ``parts`` into line ranges."""
    data: dict = {}
    source = document
    if front is not None and front[0].strip():
        data.update(_yaml(front[0], document, front[1]))
    if sidecar is not None:
        side, source = read_spec_source(Path(sidecar))
        if not isinstance(side, dict):
            raise SpecError("a sidecar spec must be a mapping of spec keys", source, 1, 1)
        data.update(side)
    fields = Fields(data, "the audit settings", source)
    parts_raw = fields.take("parts", list, default=[])
    expect_raw = fields.take("expect", list, default=[])
    generic = fields.take("generic", list, default=[])
    if not all(isinstance(g, str) and g.isidentifier() for g in generic):
        raise fields.error("generic", "'generic' lists plain names (p, theta) that stand for "
                           "any parameter")
    for key in list(data):
        if key not in SPEC_KEYS + AUDIT_KEYS:
            fields.seen.discard(key)
    fields.seen.update(k for k in data if k in SPEC_KEYS)
    fields.done()
    top = {k: v for k, v in data.items() if k in SPEC_KEYS}
    top_spec = top if ("network" in top or "model" in top) else None
    if top and top_spec is None and not parts_raw:
        raise fields.error(None, "the front matter or --spec needs 'network' or 'model', "
                           "'loss' and 'reduction' (or 'parts')")
    settings = Settings(top_spec, source, generic=tuple(generic))
    for i, raw in enumerate(expect_raw):
        entry = Fields(raw, f"expect entry {i + 1}", source,
                       getattr(expect_raw, "item_pos", [None] * (i + 1))[i])
        line = entry.take("line", int, required=True)
        note = entry.take("note", str, required=True)
        entry.done()
        if not note.strip():
            raise entry.error("note", "an expected error needs a one-line 'note' saying why")
        settings.expect.append(Expected(line, note.strip()))
    starts: list[tuple[int, int | None, dict, str, str]] = []
    base = Path(source).parent
    for i, raw in enumerate(parts_raw):
        entry = Fields(raw, f"part {i + 1}", source,
                       getattr(parts_raw, "item_pos", [None] * (i + 1))[i])
        heading = entry.take("heading", str)
        lines = entry.take("lines", list)
        spec = entry.take("spec", (dict, str), required=True)
        entry.done()
        if (heading is None) == (lines is None):
            raise entry.error(None, "a part needs exactly one of 'heading' or 'lines'")
        if lines is not None:
            if len(lines) != 2 or not all(isinstance(v, int) and v > 0 for v in lines):
                raise entry.error("lines", "'lines' is [FROM, TO], two line numbers")
            first, last = int(lines[0]), int(lines[1])
        else:
            found = [ln for ln, text in headings if _same(text, heading)]
            if not found:
                raise entry.error("heading", f"no heading {heading!r} in the document")
            first, last = found[0], None
        spec_source = source
        if isinstance(spec, str):
            path = (base / spec) if not Path(spec).is_absolute() else Path(spec)
            spec, spec_source = read_spec_source(path)
            if not isinstance(spec, dict):
                raise SpecError("a part's spec must be a mapping", spec_source, 1, 1)
        starts.append((first, last, dict(spec), spec_source, heading or f"lines {lines}"))
    starts.sort(key=lambda s: s[0])
    for k, (first, last, spec, spec_source, label) in enumerate(starts):
        end = last if last is not None else (starts[k + 1][0] - 1 if k + 1 < len(starts)
                                             else n_lines)
        settings.parts.append(PartSpec(first, end, spec, spec_source, label))
    return settings


def _same(a: str, b: str) -> bool:
    """Headings compare without Markdown emphasis, case and surrounding blanks."""
    def norm(s: str) -> str:
        return re.sub(r"[*_`#]+|\s+", " ", s).strip().lower()
    return norm(a) == norm(b)

