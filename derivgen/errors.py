"""The exception tree of derivgen.

Every error a user can provoke with bad input is a :class:`DerivgenError`; the
CLI turns these into exit code 2 with a one-line message.  Anything else that
escapes is a bug in derivgen.
"""
from __future__ import annotations


class DerivgenError(Exception):
    """Base class of all errors derivgen raises on purpose."""


class SpecError(DerivgenError):
    """A spec file (or a spec given as text) is unusable.

    ``source`` names the file, ``line`` and ``column`` are 1-based and may be
    ``None`` when the problem has no position (a missing file, say).
    """

    def __init__(self, message: str, source: str = "<spec>",
                 line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(self.location() + message)

    def location(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where + ": "


class UnsupportedError(DerivgenError):
    """A well-formed request derivgen has no rule or implementation for."""


class ReferenceParseError(DerivgenError):
    """A reference LaTeX formula is outside the supported subset.

    ``column`` is 1-based, counted in the formula text.
    """

    def __init__(self, message: str, text: str = "", column: int | None = None) -> None:
        self.message = message
        self.text = text
        self.column = column
        where = f"column {column}: " if column is not None else ""
        super().__init__(where + message)


class MissingDependency(DerivgenError):
    """An optional extra (matplotlib, graphviz) or program (dot) is not installed.

    The message says what to install; ``extra`` names the pip extra, if there is one.
    """

    def __init__(self, message: str, extra: str | None = None) -> None:
        self.extra = extra
        super().__init__(message)
