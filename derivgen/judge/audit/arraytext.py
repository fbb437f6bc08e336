"""Arrays as documents write them, into the reader's subset: ``[a, b, c]`` vectors, and
rows of a matrix the front matter binds in the rows layout (``\\mathbf{p}_2``, sample 2's
row; ∂ℓ_2/∂\\mathbf{s}_2, sample 2's own gradient by its row)."""
from __future__ import annotations

import re

_VECTOR = re.compile(r"(?<![\\A-Za-z])\[((?:[^\[\]]|\[[^\[\]]*\])*,(?:[^\[\]]|\[[^\[\]]*\])*)\]"
                     r"(\s*\^\s*(?:\{\s*)?(?:T|\\top)(?:\s*\})?)?")


def vectors(text: str) -> tuple[str, bool]:
    """``[a, b, c]`` (a vector written inline) as a bmatrix row, ``[a, b]^T`` as a column."""
    found = False

    def repl(m: re.Match) -> str:
        nonlocal found
        found = True
        entries = [e.strip() for e in re.split(r",(?:\s*\\[;,])?", m.group(1))]
        sep = " \\\\ " if m.group(2) else " & "
        return "\\begin{bmatrix} " + sep.join(entries) + " \\end{bmatrix}"
    return _VECTOR.sub(repl, text), found


def rows(part, text: str) -> str:
    """``\\mathbf{p}_2`` for a bold matrix the front matter binds in the rows layout (one
    sample per row): row 2 of it, sample 2's vector; ∂ℓ_2/∂\\mathbf{s}_2 the gradient of
    sample 2's own loss by that row (the batch gradient's row, without the 1/N)."""
    if not part.matrices or part.matrices[0] != "rows":
        return text
    bound = part.matrices[1]

    def gradient(m: re.Match) -> str:
        name, k = m.group(3), int(m.group(4))
        if name not in bound or m.group(2) != m.group(4) or not 1 <= k <= part.samples:
            return m.group()
        return f"\\text{{rowgrad}}(\\mathbf{{{name}}}, {k})"
    text = re.sub(r"\\frac\s*\{\s*\\partial\s*(\\ell|L)\s*_\s*\{?\s*(\d)\s*\}?\s*\}\s*"
                  r"\{\s*\\partial\s*\\mathbf\s*\{\s*([A-Za-z])\s*\}\s*_\s*\{?\s*(\d)\s*\}?\s*\}",
                  gradient, text)

    def repl(m: re.Match) -> str:
        name, k = m.group(1), int(m.group(2))
        if name not in bound or not 1 <= k <= part.samples:
            return m.group()
        return f"\\text{{row}}(\\mathbf{{{name}}}, {k})"
    return re.sub(r"\\mathbf\s*\{\s*([A-Za-z])\s*\}\s*_\s*\{?\s*(\d)\s*\}?", repl, text)
