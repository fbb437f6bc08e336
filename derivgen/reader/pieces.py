"""Math pieces of a document and the document itself, with source positions."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MathPiece:
    """One stretch of math: its text and the source offset of each of its characters."""

    text: str
    offsets: tuple[int, ...]
    display: bool
    #: source offset just after the closing delimiter (where a ✓/✗ mark goes)
    end: int


@dataclass
class Source:
    """A document: its text, front matter, math pieces and headings."""

    path: str
    text: str
    pieces: list[MathPiece]
    #: (YAML text with the document's line numbers kept, first line) or None
    front_matter: tuple[str, int] | None = None
    headings: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1

    def line_end(self, line: int) -> int:
        """Offset of the end of a 1-based line (before its newline)."""
        nxt = self._starts[line] - 1 if line < len(self._starts) else len(self.text)
        return max(nxt, self._starts[line - 1])


