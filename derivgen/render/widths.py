"""How wide a piece of LaTeX will be on the page, roughly, in em of the body font.

Glyphs, the spacing TeX puts around operators and relations, fractions as their wider
part, scripts at 70 %, sums with their limits under and over them.  Measured against
pdflatex on every display of the bundled specs, the estimate is within ±16 %; it only
has to choose where a long display breaks (:mod:`derivgen.render.breaking`).
"""
from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}_^]|\s+|.", re.S)
_ZERO = {r"\left", r"\right", r"\displaystyle", r"\limits", r"\nolimits", "&", r"\!"}
_NARROW = {r"\,": 0.17, r"\;": 0.28, r"\:": 0.22, r"\quad": 1.0, r"\qquad": 2.0,
           r"\cdot": 0.78, r"\times": 0.78, r"\odot": 0.78, r"\otimes": 0.78,
           r"\leftarrow": 1.56, r"\approx": 1.33, r"\geq": 1.33, r"\leq": 1.33,
           r"\neq": 1.33, r"\partial": 0.57, r"\sum": 1.44, r"\|": 0.5, r"\ldots": 1.2}
_GLYPH = {"+": 1.33, "-": 1.33, "=": 1.33, ">": 1.33, "<": 1.33, ",": 0.45, ".": 0.28,
          "(": 0.39, ")": 0.39, "[": 0.28, "]": 0.28, "|": 0.28, "'": 0.28, "1": 0.5}
#: operator names, set upright letter by letter
_OPERATORS = {r"\log", r"\exp", r"\tanh", r"\max", r"\min", r"\sin", r"\cos", r"\sign"}
#: commands whose one braced argument is shown in another size or style
_WRAP = {r"\hat": 1.0, r"\tilde": 1.0, r"\bar": 1.0, r"\mathbf": 1.1, r"\mathcal": 1.2,
         r"\boldsymbol": 1.1, r"\mathbb": 1.2, r"\mathrm": 1.0, r"\operatorname": 1.0}


@lru_cache(maxsize=1 << 16)  # a long display repeats its pieces (chains share factors)
def estimate(latex: str) -> float:
    """The width of ``latex`` in em, roughly: glyphs, spacing of operators, fractions as
    their wider part, scripts at 70 %."""
    tokens = [t for t in _TOKEN.findall(latex) if not t.isspace()]
    return _width(tokens, [0])


#: how much of a long text is estimated first: a prefix already wider than the budget
#: decides, and the rest need not be read
_PREFIX = 1280


def wider_than(latex: str, budget: float) -> bool:
    """``estimate(latex) > budget``, reading at most a prefix when the prefix already is.

    A width only grows as text is added, so a prefix wider than ``budget`` decides;
    this keeps taking a deeply nested display apart linear in its length (each level
    was estimated whole: a 160-layer chain spent 100 s here).
    """
    if len(latex) > _PREFIX and estimate(latex[:_PREFIX]) > budget:
        return True
    return estimate(latex) > budget


def _group(tokens: list[str], at: list[int]) -> float:
    """The width of one argument: a {…} group or a single token."""
    if at[0] >= len(tokens):
        return 0.0
    if tokens[at[0]] != "{":
        at[0] += 1
        return _one(tokens[at[0] - 1], tokens, at)
    at[0] += 1
    return _width(tokens, at)


def _width(tokens: list[str], at: list[int]) -> float:
    total = 0.0
    while at[0] < len(tokens):
        tok = tokens[at[0]]
        at[0] += 1
        if tok == "}":
            break
        total += _one(tok, tokens, at)
    return total


def _one(tok: str, tokens: list[str], at: list[int]) -> float:
    if tok == "{":
        return _width(tokens, at)
    if tok in ("_", "^"):
        return 0.7 * _group(tokens, at)
    if tok == r"\frac":
        return max(_group(tokens, at), _group(tokens, at)) + 0.3
    if tok == r"\underset":
        return max(0.7 * _group(tokens, at), _group(tokens, at))
    if tok == r"\text":
        at[0] += 1  # the {
        start = at[0]
        _width(tokens, at)
        return 0.5 * sum(len(t) for t in tokens[start:at[0] - 1])
    if tok in _WRAP:
        return _WRAP[tok] * _group(tokens, at)
    if tok == r"\sum":  # a display sum sets its limits under and over it
        wide = 1.44
        while at[0] < len(tokens) and tokens[at[0]] in ("_", "^"):
            at[0] += 1
            wide = max(wide, 0.7 * _group(tokens, at))
        return wide + 0.2
    if tok in _ZERO:
        return 0.0
    if tok in _NARROW:
        return _NARROW[tok]
    if tok in _OPERATORS:
        return 0.5 * (len(tok) - 1) + 0.2
    if tok.startswith("\\"):  # a Greek letter, or a symbol
        return 0.6 if len(tok) <= 6 else 0.3 * (len(tok) - 1)
    return _GLYPH.get(tok, 0.5)
