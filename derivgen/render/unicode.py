"""derivgen's own LaTeX as plain Unicode text, for places that cannot typeset (graph labels).

Only the LaTeX that derivgen's printers write is meant to come in: symbols
(z_{11}, \\hat{y}_{1}, h_{\\theta}), fractions, \\left/\\right brackets,
\\cdot, \\odot, powers and a few commands.  Subscripts and superscripts become
Unicode sub/superscript characters when every character has one (z₁₁, x³),
else they are written with _ and ^ (h_θ).  An unknown command keeps its name
without the backslash, so nothing is silently dropped.
"""
from __future__ import annotations

import unicodedata

GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
    ("epsilon", 0x3F5), ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7),
    ("theta", 0x3B8), ("vartheta", 0x3D1), ("iota", 0x3B9), ("kappa", 0x3BA),
    ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
    ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3D5),
    ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9), ("Gamma", 0x393),
    ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E), ("Pi", 0x3A0),
    ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9))}
SYMBOLS = {"cdot": "·", "times": "×", "odot": "⊙", "partial": "∂", "sum": "Σ", "geq": "≥",
           "leq": "≤", "ge": "≥", "le": "≤", "neq": "≠", "approx": "≈", "infty": "∞",
           "leftarrow": "←", "rightarrow": "→", "to": "→", "in": "∈", "ldots": "…",
           "cdots": "⋯", "log": "log", "exp": "exp", "tanh": "tanh", "max": "max",
           "nabla": "∇", "prime": "′"}
SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}
#: commands that only style their argument
STYLES = {"mathrm", "text", "mathbf", "boldsymbol", "bm", "mathit", "operatorname", "mathsf"}
ACCENTS = {"hat": "\u0302", "tilde": "\u0303", "bar": "\u0304", "vec": "\u20d7",
           "dot": "\u0307"}
LETTER_STYLES = {"mathcal": {"L": "ℒ", "J": "𝒥", "N": "𝒩"}}
SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,"))
SUP = dict(zip("0123456789+-=()inT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀ"))
BRACKETS = {"(": "(", ")": ")", "[": "[", "]": "]", "|": "|", ".": "", r"\{": "{",
            r"\}": "}", r"\|": "‖"}


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def command(self) -> str:
        """The name after a backslash: letters, or one other character."""
        start = self.i
        while self.i < len(self.text) and self.text[self.i].isalpha():
            self.i += 1
        if self.i == start and self.i < len(self.text):
            self.i += 1
        return self.text[start:self.i]

    def group(self) -> str:
        """One argument: {…} converted, or a single token."""
        while self.peek() == " ":
            self.i += 1
        if self.peek() == "{":
            self.i += 1
            return self.until("}")
        return self.until(None, single=True)

    def until(self, close: str | None, single: bool = False) -> str:
        out: list[str] = []
        while self.i < len(self.text):
            c = self.text[self.i]
            if close is not None and c == close:
                self.i += 1
                break
            self.i += 1
            if c == "{":
                out.append(self.until("}"))
            elif c == "\\":
                out.append(self._command(self.command()))
            elif c in "_^":
                out.append(_script(self.group(), SUB if c == "_" else SUP, c))
            elif c == "'":
                out.append("′")
            elif c != "}":
                out.append(c)
            if single and out:
                break
        return "".join(out)

    def _command(self, name: str) -> str:
        if name in SPACES:
            return " "
        if name in ("left", "right", "big", "Big", "bigl", "bigr"):
            token = self.peek()
            if token == "\\":
                self.i += 1
                token = "\\" + self.command()
            else:
                self.i += 1
            return BRACKETS.get(token, token)
        if name == "partial":  # ∂L, not ∂ L
            while self.peek() == " ":
                self.i += 1
            return "∂"
        if name == "frac":
            top, bottom = self.group(), self.group()
            return f"{_wrap(top)}/{_wrap(bottom)}"
        if name in ACCENTS:
            body = self.group()
            return unicodedata.normalize("NFC", body[:1] + ACCENTS[name]) + body[1:] if body else ""
        if name in LETTER_STYLES:
            body = self.group()
            return "".join(LETTER_STYLES[name].get(c, c) for c in body)
        if name in STYLES:
            return self.group()
        if name == "underset":  # a shape written under a symbol: symbol[shape]
            under, body = self.group(), self.group()
            return f"{body} {under}"
        return GREEK.get(name) or SYMBOLS.get(name) or name


def _script(body: str, table: dict[str, str], mark: str) -> str:
    if body and all(c in table for c in body):
        return "".join(table[c] for c in body)
    if len(body) == 1 or body.isalnum():
        return mark + body
    return f"{mark}({body})"


def _wrap(text: str) -> str:
    """Brackets around a fraction's part when it is more than one symbol."""
    plain = text.strip()
    return plain if all(ch not in plain for ch in " +-·−") else f"({plain})"


def latex_to_unicode(latex: str) -> str:
    """Plain text for a piece of derivgen's LaTeX: ``\\hat{y}_{1}`` → ``ŷ₁``."""
    text = _Reader(latex).until(None)
    return " ".join(text.split()).replace(" ,", ",")
