"""The math of a Markdown (or LaTeX) document, with the line and column of every character.

Markdown is parsed by markdown-it-py with mdit-py-plugins (front matter, ``$…$``,
``$$…$$``, ``\\[…\\]``, top-level ``\\begin{align}`` and friends); ``.tex`` files are
read by :mod:`derivgen.reader.texscan`.  The parser hands back each piece of
math without its position inside the line, and with the indentation of list
items removed, so every piece is aligned back onto the source text character by
character: a message can always name ``file:line:col``.
"""
from __future__ import annotations

import re
from pathlib import Path

from derivgen.errors import SpecError
from derivgen.reader.pieces import MathPiece, Source
from derivgen.reader.texscan import read_tex

__all__ = ["MathPiece", "Source", "read_markdown", "read_source", "read_text"]

MAX_BYTES = 2 << 20
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
TEX_SUFFIXES = (".tex",)


def read_text(path: str | Path) -> str:
    """A document's text, or SpecError (exit 2) naming the file."""
    p = Path(path)
    try:
        if not p.is_file():
            raise SpecError("no such file" if not p.exists() else "not a regular file", str(p))
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror}", str(p)) from None
    if len(data) > MAX_BYTES:
        raise SpecError(f"file is larger than {MAX_BYTES} bytes", str(p))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text (byte {exc.start})", str(p)) from None


def align(content: str, text: str, start: int) -> tuple[int, ...] | None:
    """The source offset of each character of ``content``, which the parser took from
    ``text`` at or after ``start`` dropping only indentation and quote marks."""
    out, j = [], start
    for ch in content:
        while j < len(text) and text[j] != ch:
            if text[j] not in " \t>\r\n":
                return None
            j += 1
        if j >= len(text):
            return None
        out.append(j)
        j += 1
    return tuple(out)


def _locate(content: str, text: str, cursor: int, delimiter: str
            ) -> tuple[tuple[int, ...], int] | None:
    """Offsets of ``content`` at its first occurrence after ``cursor``, and the end of its
    closing delimiter."""
    stripped = content.strip()
    if not stripped:
        return None
    head = stripped.split("\n", 1)[0].strip()
    at = text.find(head, cursor)
    while at >= 0:
        lead = len(content) - len(content.lstrip())
        offsets = align(stripped, text, at)
        if offsets is not None:
            full = tuple(range(max(offsets[0] - lead, 0), offsets[0])) + offsets  # blanks before
            tail = full[-1] + 1
            full += tuple(range(tail, tail + len(content) - len(full)))  # blanks after
            close = text.find(delimiter, tail) if delimiter else -1
            end = close + len(delimiter) if 0 <= close <= tail + 200 else tail
            return full, end
        at = text.find(head, at + 1)
    return None


_CLOSERS = {"$": "$", "$$": "$$", "\\[": "\\]", "\\(": "\\)"}


def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.texmath import texmath_plugin
    md = MarkdownIt("commonmark").use(front_matter_plugin)
    md.use(texmath_plugin, delimiters="brackets")
    md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    md.use(amsmath_plugin)
    md.enable("table")
    return md


def read_markdown(path: str, text: str) -> Source:
    """Front matter, math pieces (in reading order) and headings of a Markdown text."""
    tokens = _parser().parse(text)
    pieces: list[MathPiece] = []
    headings: list[tuple[int, str]] = []
    front: tuple[str, int] | None = None
    cursor, starts = 0, [0] + [m.end() for m in re.finditer("\n", text)]

    def line_offset(line: int) -> int:
        return starts[min(line, len(starts) - 1)]

    def add(content: str, markup: str, display: bool) -> None:
        nonlocal cursor
        closer = _CLOSERS.get(markup, "")
        found = _locate(content, text, cursor, closer)
        if found is None:
            return
        offsets, end = found
        pieces.append(MathPiece(content, offsets, display, end))
        cursor = max(cursor, end)

    pending_heading = None
    for tok in tokens:
        if tok.map is not None:
            cursor = max(cursor, line_offset(tok.map[0]))
        if tok.type == "front_matter":
            front = (tok.content, tok.map[0] + 2 if tok.map else 2)
        elif tok.type == "heading_open":
            pending_heading = tok.map[0] + 1 if tok.map else None
        elif tok.type == "inline" and pending_heading is not None:
            headings.append((pending_heading, tok.content.strip()))
            pending_heading = None
        if tok.type in ("math_block", "math_block_label", "amsmath", "math_block_eqno"):
            add(tok.content, tok.markup or "", True)
        elif tok.type == "inline" and tok.children:
            for child in tok.children:
                if child.type in ("math_inline", "math_inline_double", "math_single"):
                    add(child.content, child.markup or "$", child.type == "math_inline_double")
    return Source(path, text, pieces, front, headings)


def read_source(path: str | Path) -> Source:
    """Read a ``.md``/``.markdown``/``.txt`` file as Markdown or a ``.tex`` file as LaTeX."""
    p = str(path)
    suffix = Path(p).suffix.lower()
    if suffix not in MARKDOWN_SUFFIXES + TEX_SUFFIXES:
        raise SpecError(f"unknown document type {suffix or '(none)'!r}: "
                        "allowed are .md, .markdown, .txt (Markdown) and .tex (LaTeX)", p)
    text = read_text(p)
    if suffix in TEX_SUFFIXES:
        return read_tex(p, text)
    return read_markdown(p, text)
