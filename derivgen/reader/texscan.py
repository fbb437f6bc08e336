"""The math of a LaTeX file: ``$…$``, ``$$…$$``, ``\\[…\\]``, ``\\(…\\)`` and the display
environments, found by a scanner that skips comments and escaped characters.

Front matter is a block of ``%`` comment lines between ``% ---`` lines at the top.
"""
from __future__ import annotations

import re

from derivgen.reader.pieces import MathPiece, Source

#: display environments whose whole body is math
ENVIRONMENTS = ("equation", "equation*", "align", "align*", "gather", "gather*",
                "multline", "multline*", "eqnarray", "eqnarray*", "flalign", "flalign*",
                "alignat", "alignat*", "displaymath", "math")
_TOKEN = re.compile(r"\\begin\s*\{([A-Za-z*]+)\}|\\section\*?\{|\\subsection\*?\{|"
                    r"\\subsubsection\*?\{|\$\$|\$|\\\[|\\\(|\\.|%", re.S)


def _front_matter(text: str) -> tuple[str, int] | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "% ---":
        return None
    body = []
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "% ---":
            return "\n".join(body), 2
        if not line.lstrip().startswith("%"):
            return None
        stripped = line.lstrip()[1:]
        body.append(stripped[1:] if stripped.startswith(" ") else stripped)
    return None


def _comment_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end + 1


def read_tex(path: str, text: str) -> Source:
    """Math pieces of a LaTeX text in reading order, and its section headings."""
    pieces: list[MathPiece] = []
    headings: list[tuple[int, str]] = []
    i = 0
    while i < len(text):
        m = _TOKEN.search(text, i)
        if m is None:
            break
        tok, at = m.group(), m.start()
        if tok == "%":
            i = _comment_end(text, at)
            continue
        if tok.startswith("\\section") or tok.startswith("\\sub"):
            close = text.find("}", m.end())
            if close > 0:
                headings.append((text.count("\n", 0, at) + 1, text[m.end():close].strip()))
            i = m.end()
            continue
        env = m.group(1)
        if env is not None:
            if env not in ENVIRONMENTS:
                i = m.end()
                continue
            end_tok = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}")
            close = end_tok.search(text, m.end())
            if close is None:
                break
            start, stop, end, display = at, close.end(), close.end(), True
        elif tok in ("$$", "$", "\\[", "\\("):
            closer = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}[tok]
            j = m.end()
            while True:
                k = text.find(closer, j)
                if k < 0 or k == 0 or text[k - 1] != "\\" or closer != "$":
                    break
                j = k + 1
            if k < 0:
                break
            start, stop, end, display = m.end(), k, k + len(closer), tok in ("$$", "\\[")
        else:
            i = m.end()
            continue
        content = text[start:stop]
        pieces.append(MathPiece(content, tuple(range(start, stop)), display, end))
        i = end
    return Source(path, text, pieces, _front_matter(text), headings)
