"""Notation as people write it, turned into the subset :mod:`derivgen.reader.latex` reads.

Every rewrite is of a kind a reader of the notes makes without thinking, and each
one is decided by what the document or its front matter declares, never guessed:

* decimal numbers become named literals, so that each keeps its printed digits
  (the tolerance of a worked number comes from them);
* Leibniz ``\\frac{dL}{dw}`` and ``\\frac{d}{dz}`` become ∂ (a derivative, never a ratio);
* a multi-letter word (``net``, ``target``, ``Linear``) is one symbol when the document
  declares a name with that stem (``net_{h1}``), ``dW_2`` is ∂L/∂W₂ (CS231n) when W₂ is
  declared and dW₂ is not;
* declared names with superscripts (``a^1_1``, ``\\mathbf{W}^{(1)}``, ``\\delta^{(n)}``)
  become one symbol each; ``x^{(n)}`` with the sample letter is sample n,
  ``x^{(2)}`` sample 2; ``w_5^{+}``, ``w^{new}`` the weight after one step;
* ``\\sinh``/``\\cosh`` are spelled with exponentials, ``\\tanh^2 z`` is ``(\\tanh z)^2``,
  ``\\sum_k`` runs over the outputs, ``\\ell`` is a name.

The result keeps a map from each of its characters back to the source offset.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

GREEK = ("alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|"
         "lambda|mu|nu|xi|pi|rho|sigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|"
         "Theta|Lambda|Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega|ell")
_GROUP = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
_BASE = (r"(?:\\(?:mathbf|boldsymbol|bm|hat|widehat|tilde|mathrm|text|operatorname)\s*"
         + _GROUP + r"|\\(?:" + GREEK + r")(?![A-Za-z])|[A-Za-z](?![A-Za-z]))")
# a superscript with a subscript inside is an exponent (e^{s_{ik}}), not a label
_SCRIPT = (r"(?:_\s*(?:" + _GROUP + r"|\\[A-Za-z]+|[A-Za-z0-9+*])|\^\s*(?:"
           r"\{(?:[^{}_]|\{[^{}_]*\})*\}|\\[A-Za-z]+|[A-Za-z0-9+*]))")
NAME = re.compile(r"(?<![\\A-Za-z])(?P<base>" + _BASE + r")(?P<scripts>(?:\s*" + _SCRIPT
                  + r")*)(?P<primes>'*)")
LITERAL = re.compile(r"(?<![_^\w.\\])\d+\.\d+(?![\w.])")
UPDATE_MARKS = {"+", "new", "\\text{new}", "(new)", "(t+1)", "\\mathrm{new}", "*"}


def _strip(group: str) -> str:
    group = group.strip()
    while group.startswith("{") and group.endswith("}") and _balanced(group[1:-1]):
        group = group[1:-1].strip()
    return re.sub(r"\s+", "", group)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@dataclass(frozen=True)
class NameParts:
    """A name as written: base, subscript, superscript, primes (braces and blanks gone)."""

    base: str
    sub: str
    sup: str
    primes: int

    def key(self) -> tuple[str, str, str, int]:
        return (self.base, self.sub, self.sup, self.primes)


def name_parts(text: str) -> NameParts | None:
    """The parts of ``text`` when it is exactly one name, else None."""
    m = NAME.fullmatch(text.strip())
    return _parts(m) if m else None


def _parts(m: re.Match) -> NameParts:
    sub, sup = [], []
    for s in re.finditer(_SCRIPT, m.group("scripts")):
        tok = s.group()
        (sub if tok.lstrip().startswith("_") else sup).append(_strip(tok.lstrip()[1:]))
    base = re.sub(r"\s+", "", m.group("base"))
    return NameParts(base, ",".join(sub), ",".join(sup), len(m.group("primes")))


@dataclass
class Literal:
    """A number as printed: its text, value, and the half unit of its last digit."""

    name: str
    text: str
    value: float
    half_ulp: float
    offset: int  # source offset of its first character

    @property
    def significant(self) -> int:
        digits = self.text.replace(".", "").lstrip("0")
        return len(digits)


@dataclass
class Rewritten:
    """Parser-ready text, the source offset of each character, and its literals."""

    text: str
    offsets: list[int]
    literals: dict[str, Literal] = field(default_factory=dict)


class _Editor:
    """Replacements over a text that keep the map back to source offsets."""

    def __init__(self, text: str, offsets: list[int]) -> None:
        self.text, self.offsets = text, offsets

    def sub(self, pattern: re.Pattern | str, repl) -> None:
        out, offs, last = [], [], 0
        for m in re.finditer(pattern, self.text):
            new = repl(m)
            if new is None:
                continue
            out.append(self.text[last:m.start()])
            offs.extend(self.offsets[last:m.start()])
            out.append(new)
            anchor = self.offsets[m.start()] if m.start() < len(self.offsets) else (
                self.offsets[-1] if self.offsets else 0)
            offs.extend([anchor] * len(new))
            last = m.end()
        out.append(self.text[last:])
        offs.extend(self.offsets[last:])
        self.text, self.offsets = "".join(out), offs


class Notation:
    """What a document declares: names (with their aliases), the sample letter, the loss."""

    def __init__(self, declared: dict[str, str], stems: set[str], sample: str,
                 loss: str = "L", samples_marked: bool = False) -> None:
        #: canonical key of a declared LaTeX name -> the plain symbol the reader should see
        self.aliases: dict[tuple, str] = {}
        #: (base, superscript, primes) -> the stem of declared names a^1_1, a^1_2, ...
        self.families: dict[tuple, str] = {}
        for latex, plain in declared.items():
            parts = name_parts(latex)
            if parts is not None and (parts.sup or parts.primes or not _plain(latex)):
                self.aliases[parts.key()] = plain
                if parts.sub and parts.sup and "_" in plain:
                    self.families[(parts.base, parts.sup, parts.primes)] = plain.split("_")[0]
        self.stems = {s for s in stems if len(s) > 1}
        self.plain_names = set(declared.values()) | stems
        self.sample, self.loss = sample, loss
        self.samples_marked = samples_marked

    def add_name(self, plain: str) -> None:
        """A name the document defines (registered in reading order)."""
        self.plain_names.add(plain)
        stem = plain.split("_", 1)[0]
        if len(stem) > 1:
            self.stems.add(stem)

    def rewrite(self, text: str, offsets: list[int]) -> Rewritten:
        ed = _Editor(text, list(offsets))
        ed.sub(r"[×⋅·−]", lambda m: {"×": "\\times ", "⋅": "\\cdot ", "·": "\\cdot ",
                                      "−": "-"}[m.group()])
        ed.sub(r"\\(left|right)\s*\.", lambda m: " ")
        ed.sub(r"\\vec\s*(" + _GROUP + r")", lambda m: m.group(1)[1:-1])  # an arrow marks no name
        ed.sub(r"[.,;]\s*(?=\\end\s*\{cases\})", lambda m: " " * len(m.group()))
        ed.sub(r"\\(?:mathrm|text)\s*\{\s*d\s*\}", lambda m: "d")
        ed.sub(r"\\[dt]?frac\s*\{\s*d\s*(?=[^a-z]|[a-z](?![a-z]))([^{}]*|[^{}]*"
               + _GROUP + r"[^{}]*)\}\s*\{\s*d\s*(" + _BASE + r"(?:\s*" + _SCRIPT
               + r")*)\s*\}", self._leibniz)
        ed.sub(r"\\mathbb\s*\{\s*1\s*\}|\\mathbf\s*\{\s*1\s*\}(?=\s*\[)", lambda m: " ")
        ed.sub(r"\\(tanh|sinh|cosh|log|exp|ln)\s*\^\s*(\{[^{}]*\}|\d)\s*(\([^()]*\)|"
               + _BASE + r"(?:\s*_\s*(?:" + _GROUP + r"|[A-Za-z0-9]))?)",
               lambda m: f"(\\{m.group(1)} {m.group(3)})^{m.group(2)}")
        ed.sub(r"\\(sinh|cosh)\s*(\([^()]*\)|" + _BASE + r"(?:\s*_\s*(?:" + _GROUP
               + r"|[A-Za-z0-9]))?)", self._hyperbolic)
        ed.sub(r"\\sum\s*_\s*(\{\s*([a-z])\s*\}|([a-z]))(?!\s*\^)",
               lambda m: f"\\sum_{{{m.group(2) or m.group(3)}=1}}^{{C}}")
        ed.sub(r"\\ell(?![A-Za-z])", lambda m: "\\text{ell}")
        # \tilde{\mathcal L} is a loss of its own (seed 000: without the 1/2), never L
        ed.sub(r"\\(?:wide)?tilde\s*\{\s*(?:\\mathcal\s*)?\{?\s*([A-Za-z])\s*\}?\s*\}",
               lambda m: f"\\text{{{m.group(1)}tilde}}")
        ed.sub(r"\\max\s*\(\s*0\s*,", lambda m: "\\text{ReLU}(")
        ed.sub(r"\\\|", lambda m: "|")
        ed.sub(r"(\([^()]*\)|\\text\s*\{[^{}]*\}|[A-Za-z0-9.]+)\s*/\s*(\([^()]*\)|[A-Za-z0-9.]+)",
               lambda m: f"\\frac{{{m.group(1)}}}{{{m.group(2)}}}")
        ed.sub(NAME, self._name)
        ed.sub(r"(?<![\\A-Za-z{])([A-Za-z]{2,})(?![A-Za-z])(\s*_\s*(\{([^{}]*)\}|([A-Za-z0-9])))?",
               self._word)
        literals: dict[str, Literal] = {}

        def literal(m: re.Match) -> str | None:
            if "." not in m.group():
                return None
            name = f"zzlit{len(literals)}"
            digits = m.group().split(".")[1]
            literals[name] = Literal(name, m.group(), float(m.group()),
                                     0.5 * 10.0 ** -len(digits), ed.offsets[m.start()])
            return f"\\text{{{name}}}"
        ed.sub(LITERAL, literal)
        return Rewritten(ed.text, ed.offsets, literals)

    # ---- rules ----
    def _leibniz(self, m: re.Match) -> str:
        top = m.group(1).strip()
        return f"\\frac{{\\partial {top}}}{{\\partial {m.group(2)}}}"

    @staticmethod
    def _hyperbolic(m: re.Match) -> str:
        arg = m.group(2)
        arg = arg if arg.startswith("(") else f"({arg})"
        sign = "-" if m.group(1) == "sinh" else "+"
        return f"\\frac{{(e^{{{arg}}} {sign} e^{{-{arg}}})}}{{2}}"

    def _name(self, m: re.Match) -> str | None:
        parts = _parts(m)
        sample_form = (parts.base, parts.sub, f"({self.sample})", parts.primes)
        if parts.key() in self.aliases:
            tail = f"_{{{self.sample}}}" if parts.sup == f"({self.sample})" else ""
            return _text_name(self.aliases[parts.key()]) + tail
        if parts.sup.startswith("(") and parts.sup[1:-1].isdigit() and sample_form in self.aliases:
            return f"\\text{{{self.aliases[sample_form]}}}_{{smpl{parts.sup[1:-1]}}}"
        family = self.families.get((parts.base, parts.sup, parts.primes))
        if family and re.fullmatch(r"[A-Za-z0-9]+", parts.sub):  # a^1_j: a^1_1, a^1_2, ...
            return f"\\text{{{family}}}_{{{parts.sub}}}"
        sub = parts.sub
        if not parts.sup and len(sub) == 2 and sub[0] == self.sample and sub[1].isalpha() and \
                sub[1] != self.sample and f"{parts.base}_{sub}" not in self.plain_names:
            # y_{ik}: class k of sample i, the reader's y_{k,i}
            return f"{m.group('base')}_{{{sub[1]},{sub[0]}}}" + "'" * parts.primes
        sup = parts.sup
        for mark in ("\\top", "T", "\\intercal"):  # W^{(2)\top}: a label and a transpose
            if sup.endswith(mark) and (parts.base, parts.sub, sup[:-len(mark)], parts.primes) \
                    in self.aliases:
                key = (parts.base, parts.sub, sup[:-len(mark)], parts.primes)
                return _text_name(self.aliases[key]) + "^{T}"
        if not sup:
            return None
        inner = sup[1:-1] if sup.startswith("(") and sup.endswith(")") else None
        base = m.group("base")
        sub = f"_{{{parts.sub}}}" if parts.sub else ""
        primes = "'" * parts.primes
        if inner is not None and (inner == self.sample or inner.isdigit() and
                                  self.samples_marked):
            # x^{(n)}: sample n, x^{(2)}: the second sample
            part = inner if inner == self.sample else f"smpl{inner}"
            joined = f"{parts.sub},{part}" if parts.sub and inner == self.sample else \
                f"{parts.sub}{part}" if parts.sub else part
            return f"{base}_{{{joined}}}{primes}"
        if sup in UPDATE_MARKS:
            return f"{base}_{{{parts.sub + ',' if parts.sub else ''}upd}}{primes}"
        return None

    def _word(self, m: re.Match) -> str | None:
        word, script = m.group(1), m.group(2) or ""
        rest = (m.group(4) or m.group(5) or "").strip()
        full = word + ("_" + rest if rest else "")
        if word in self.stems or word in self.plain_names or full in self.plain_names:
            return f"\\text{{{word}}}{script}"
        if word.startswith("d") and len(word) > 1 and rest and \
                not m.string[m.end():].lstrip().startswith("'"):  # CS231n: dW_2 is ∂L/∂W_2
            stem = word[1:]
            target = stem + ("_" + rest if rest else "")
            if target in self.plain_names and full not in self.plain_names:
                inner = (f"\\text{{{stem}}}" if len(stem) > 1 else stem) + script
                return f"\\frac{{\\partial {self.loss}}}{{\\partial {inner}}}"
        return None


def _text_name(plain: str) -> str:
    """A plain symbol as the reader spells it: qwS2_11 is \\text{qwS2}_{11}."""
    stem, sep, sub = plain.partition("_")
    return f"\\text{{{stem}}}" + (f"_{{{sub}}}" if sep else "")


def _plain(latex: str) -> bool:
    """A name the reader reads as itself: letters and digits with one plain subscript."""
    return re.fullmatch(r"[A-Za-z]+(_\{?[A-Za-z0-9]+\}?)?", latex.strip()) is not None
