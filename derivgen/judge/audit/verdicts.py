"""The four verdicts of an item, and what a verdict carries."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK, WRONG, NOT_UNDERSTOOD, NOT_JUDGEABLE = "ok", "wrong", "not understood", "not judgeable"


@dataclass
class Verdict:
    """One item's verdict, its message, both values, and what root causes need."""

    verdict: str
    message: str
    kind: str = "formula"
    document_value: Any = None
    derived_value: Any = None
    correct: str | None = None
    #: (side, value at the example, true value) for root causes
    detail: dict = field(default_factory=dict)
