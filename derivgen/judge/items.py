"""Report rows of the judge: one :class:`~derivgen.report.ReportItem` per formula or number."""
from __future__ import annotations

from typing import Any

from derivgen.engine.protocol import GradientModel
from derivgen.report import ReportItem
from derivgen.spec.fields import Fields


def item(model: GradientModel, kind: str, ident: str, status: str, document: Any,
         derived: Any, message: str, expect: str, note: str) -> ReportItem:
    """One report row; it passes when the status is what the entry expects."""
    return ReportItem(model.spec.name, ident, kind, status, message, document, derived,
                      expect, note)


def expect_of(entry: Fields) -> tuple[str, str]:
    """``expect`` and ``note``: an expected mismatch must say why."""
    expect = entry.take("expect", str, default="match", choices=("match", "mismatch"))
    note = entry.take("note", str, default="")
    if expect == "mismatch" and not note.strip():
        raise entry.error("expect", "an expected mismatch needs a one-line 'note' saying why")
    return expect, note
