"""One typed row behind every line and every JSON object of ``derivgen check``."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: what a row may be about
KINDS = ("gradient", "reference", "claim", "input")
#: what came out: ok, mismatch, kink (only kinks were met), error (could not be judged),
#: non-finite (float64 overflowed, or a formula left its domain: said so, never a silent NaN)
STATUSES = ("ok", "mismatch", "kink", "error", "non-finite")


@dataclass(frozen=True)
class ReportItem:
    """One judged thing: a gradient, a document formula or number, or an unusable input.

    ``expect`` is what the spec says should come out ("match", or "mismatch" for a known
    error of the document, which ``note`` explains); the row passes when the status is
    what it expects.
    """

    spec: str
    item: str
    kind: str
    status: str
    message: str
    document_value: Any = None
    derived_value: Any = None
    expect: str = "match"
    note: str = ""

    @property
    def passed(self) -> bool:
        return (self.status == "ok" and self.expect == "match") or (
            self.status == "mismatch" and self.expect == "mismatch")

    def as_json(self) -> dict[str, Any]:
        """The row as ``--json`` prints it (``passed`` included)."""
        return {**asdict(self), "passed": self.passed}
