"""Items: every relation in a document's math, one link of a chain each.

A piece of math is cut into rows (``\\\\`` in ``aligned``, ``align``, ``split``,
``gather`` …, whose ``&`` are layout), rows into chains (a row that starts or
ends with a relation continues its neighbour), chains into statements
(``\\quad``, ``\\qquad``, prose in ``\\text{…}``, a comma before another relation,
``\\Rightarrow`` with the rows of the ``cases`` after it), and statements into
links ``a = b``, ``b \\approx c``.  Every link keeps the source offset of its
relation sign.  Statements with an inequality, ``\\in`` or ``\\to`` are not items.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: relations that make an item, by how a document spells them
RELATIONS = {"=": "=", "\\approx": "≈", "≈": "≈", "←": "←", "\\leftarrow": "←", "\\gets": "←", ":=": ":=",
             "\\coloneqq": ":=", "\\triangleq": ":=", "\\simeq": "≈"}
#: relations that do not: conditions, ranges, limits
OTHER_RELATIONS = {"<", ">", "≤", "≥", "≠", "∈", "→", "\\le", "\\leq", "\\ge", "\\geq", "\\ne", "\\neq", "\\in",
                   "\\notin", "\\to", "\\rightarrow", "\\mapsto", "\\sim", "\\propto",
                   "\\ll", "\\gg", "\\subset", "\\subseteq", "\\iff", "\\Leftrightarrow",
                   "\\leqslant", "\\geqslant", "\\equiv"}
IMPLIES = {"\\Rightarrow", "\\implies", "\\Longrightarrow"}
LAYOUT = {"aligned", "split", "align", "align*", "gather", "gather*", "gathered", "equation",
          "equation*", "multline", "multline*", "eqnarray", "eqnarray*", "flalign",
          "flalign*", "alignat", "alignat*", "alignedat", "displaymath", "math"}
_SPACING = {"\\quad", "\\qquad"}
_TOKEN = re.compile(r"\\begin\s*\{[^{}]*\}(\{[^{}]*\})?|\\end\s*\{[^{}]*\}|\\text\s*\{[^{}]*\}|"
                    r"\\(?:tag|label)\*?\s*\{[^{}]*\}|\\\\|:=|\\[A-Za-z]+|\\.|\s+|.", re.S)
_OPEN, _CLOSE = {"{", "(", "[", "\\{", "\\left", "\\lbrace"}, {"}", ")", "]", "\\}", "\\right",
                                                                  "\\rbrace"}
_NAME_TEXT = re.compile(r"\\text\s*\{\s*[A-Za-z][A-Za-z0-9]*\s*\}")
_RANGE = re.compile(r"\s*[a-z]\s*=\s*\d+(\s*,\s*\d+)+\s*")


@dataclass(frozen=True)
class Span:
    """Text cut out of a piece, with the source offset of each character."""

    text: str
    offsets: tuple[int, ...]

    def strip(self) -> "Span":
        text = self.text
        end = len(text)
        while True:  # trailing punctuation and spacing carry no meaning
            m = re.search(r"(\s|\\[,;:! ]|\\q?quad|[.,;~])+\Z", text[:end])
            if not m or m.start() == end:
                break
            end = m.start()
        start = len(text[:end]) - len(text[:end].lstrip())
        return Span(text[start:end], self.offsets[start:end])

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass
class Link:
    """One item: ``left relation right``."""

    left: Span
    relation: str          # "=", "≈", "←", ":="
    right: Span
    at: int                # source offset of the relation sign
    chain: int             # chain number in the document
    index: int             # position in the chain (0 = the first link)
    piece: int
    head: Span | None = None  # the chain's first side


@dataclass
class Split:
    """A piece cut into links, with the "k = 1, 2" declarations found in it."""

    links: list[Link] = field(default_factory=list)
    ranges: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    dangling: "Open | None" = None  # a chain that ends in a relation (continued later)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _env(tok: str) -> str | None:
    m = re.match(r"\\(begin|end)\s*\{([^{}]*)\}", tok)
    return m.group(2).strip() if m else None


def _rows(span: Span) -> list[Span]:
    """Rows of a piece: layout environments and top-level row breaks split it; their
    ``&`` and markers become blanks."""
    chars = list(span.text)
    cuts: list[int] = []
    envs: list[str] = []
    depth = 0
    for tok, a, b in _tokens(span.text):
        env = _env(tok)
        layout_here = all(e in LAYOUT for e in envs)
        if tok.startswith("\\tag") or tok.startswith("\\label") or tok in ("\\nonumber",
                                                                            "\\notag"):
            chars[a:b] = " " * (b - a)
        elif env is not None and tok.startswith("\\begin"):
            if env in LAYOUT and layout_here and depth == 0:
                chars[a:b] = " " * (b - a)
            envs.append(env)
        elif env is not None:
            if envs:
                envs.pop()
            if env in LAYOUT and all(e in LAYOUT for e in envs) and depth == 0:
                chars[a:b] = " " * (b - a)
        elif layout_here and depth == 0 and tok == "&":
            chars[a] = " "
        elif layout_here and depth == 0 and tok == "\\\\":
            cuts.append(a)
            chars[a:b] = "  "
        elif tok in _OPEN:
            depth += 1
        elif tok in _CLOSE:
            depth = max(depth - 1, 0)
    text = "".join(chars)
    bounds = [0, *cuts, len(text)]
    return [Span(text[s:e], span.offsets[s:e]) for s, e in zip(bounds, bounds[1:])]


def _top(span: Span) -> list[tuple[str, int, int]]:
    """Tokens of ``span`` at depth 0 (outside braces, brackets and environments)."""
    out, depth, envs = [], 0, 0
    for tok, a, b in _tokens(span.text):
        env = _env(tok)
        if env is not None:
            envs += 1 if tok.startswith("\\begin") else -1
            if tok.startswith("\\begin") and depth == 0 and envs == 1:
                out.append((tok, a, b))
            continue
        if envs or tok.isspace():
            continue
        if tok in _OPEN:
            depth += 1
        elif tok in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append((tok, a, b))
    return out


def _is_relation(tok: str) -> bool:
    return tok in RELATIONS


def _statements(span: Span) -> list[Span]:
    """Cut a chain at separators; a comma separates only when a relation follows."""
    top = _top(span)
    cuts: list[tuple[int, int]] = []
    for tok, a, b in top:
        prose = tok.startswith("\\text") and not _NAME_TEXT.fullmatch(tok)
        if tok in _SPACING or prose or tok in ("\\ ", ":"):  # ":" ends a label ("dw linear:")
            cuts.append((a, b))
    pieces, start = [], 0
    for a, b in cuts:
        pieces.append((start, a))
        start = b
    pieces.append((start, len(span.text)))
    out: list[Span] = []
    for s, e in pieces:
        part = Span(span.text[s:e], span.offsets[s:e])
        out.extend(_comma_split(part))
    return [p for p in out if p]


def _comma_split(span: Span) -> list[Span]:
    top = _top(span)
    commas = [a for tok, a, b in top if tok in (",", ";")]
    if not commas:
        return [span]
    bounds = [0, *[c + 1 for c in commas], len(span.text) + 1]
    parts = [(s, e - 1) for s, e in zip(bounds, bounds[1:])]
    merged: list[list[int]] = []
    for s, e in parts:
        sub = Span(span.text[s:e], span.offsets[s:e])
        has_rel = any(_is_relation(t) or t in OTHER_RELATIONS for t, _, _ in _top(sub))
        if merged and not has_rel:
            merged[-1][1] = e  # "a = 1, 2": the comma was inside the statement
        else:
            merged.append([s, e])
    return [Span(span.text[s:e], span.offsets[s:e]) for s, e in merged]


def _implied(span: Span) -> tuple[Span, list[Span]]:
    """``A = B \\Rightarrow \\begin{cases} rows \\end{cases}``: A = B and the rows."""
    top = _top(span)
    for k, (tok, a, b) in enumerate(top):
        if tok in IMPLIES:
            head = Span(span.text[:a], span.offsets[:a])
            rest = span.text[b:]
            m = re.match(r"\s*\\begin\s*\{cases\}(.*)\\end\s*\{cases\}\s*[.,]?\s*\Z", rest, re.S)
            if not m:
                return head, [Span(rest, span.offsets[b:])]
            start = b + m.start(1)
            body = Span(m.group(1), span.offsets[start:start + len(m.group(1))])
            rows = []
            for row in re.split(r"\\\\", body.text):
                i = body.text.find(row)
                rows.append(Span(row.replace("&", " "), body.offsets[i:i + len(row)]))
            return head, [r for r in rows if r]
    return span, []


def split_piece(span: Span, piece: int, first_chain: int,
                dangling: "Open | None" = None) -> tuple[Split, int]:
    """Links of one piece; ``dangling`` is the previous piece's chain when it ended in a
    relation.  Returns the split and the next chain number."""
    out = Split()
    chain = first_chain
    chains: list[Span] = []
    for row in _rows(span):
        if not row:
            continue
        top = _top(row)
        starts = bool(top) and _is_relation(top[0][0])
        if chains and (starts or _ends_in_relation(chains[-1])):
            prev = chains[-1]
            chains[-1] = Span(prev.text + " " + row.text, prev.offsets + (prev.offsets[-1],)
                              + row.offsets)
        else:
            chains.append(row)
    pending = dangling
    for text in chains:
        head, rows_after = _implied(text)
        for statement in [*_statements(head), *(s for r in rows_after for s in _statements(r))]:
            st = statement.strip()
            if _RANGE.fullmatch(st.text):
                letter, values = st.text.split("=")
                out.ranges.append((letter.strip(), tuple(int(v) for v in values.split(","))))
                continue
            sides = _sides(st)
            if sides is None:
                pending = None
                continue
            if not sides[0][0] and pending is not None:  # "= c = d" continues "a = b ="
                links, pending = _links(sides[1:], pending)
            else:
                links, pending = _links(sides, Open(chain, 0, piece, None, None))
                chain += 1
            out.links.extend(links)
    out.dangling = pending  # type: ignore[assignment]
    return out, chain


@dataclass
class Open:
    """A chain that may go on: its number, links so far, its head and last side."""

    chain: int
    count: int
    piece: int
    head: Span | None
    last: Span | None


def _ends_in_relation(span: Span) -> bool:
    top = _top(span)
    return bool(top) and _is_relation(top[-1][0])


def _sides(st: Span) -> list[tuple[Span, str, int]] | None:
    """[(side, relation before it, offset of that relation)]; None for a statement that
    is no item (an inequality, ``\\in``, ``\\to``, or no relation at all)."""
    top = _top(st)
    if any(t in OTHER_RELATIONS for t, _, _ in top):
        return None
    rels = [(t, a, b) for t, a, b in top if _is_relation(t)]
    if not rels:
        return None
    out, start, rel, at = [], 0, "", -1
    for t, a, b in rels:
        out.append((Span(st.text[start:a], st.offsets[start:a]).strip(), rel, at))
        start, rel, at = b, RELATIONS[t], st.offsets[a]
    out.append((Span(st.text[start:], st.offsets[start:]).strip(), rel, at))
    return out


def _links(sides: list[tuple[Span, str, int]], state: Open) -> tuple[list[Link], Open | None]:
    """Links between neighbouring non-empty sides, continuing ``state``; the chain stays
    open when its statement ends in a relation (the next display goes on)."""
    kept = [s for s in sides if s[0]]
    open_end = bool(sides) and not sides[-1][0]
    links: list[Link] = []
    last, head = state.last, state.head
    for side, rel, at in kept:
        if head is None:
            head = side
        if last is not None and rel:
            links.append(Link(last, rel, side, at, state.chain, state.count + len(links),
                              state.piece, head))
        last = side
    nxt = Open(state.chain, state.count + len(links), state.piece, head, last)
    return links, (nxt if open_end and last is not None else None)
