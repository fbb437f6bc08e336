"""Strict parser for the LaTeX of hand-written backprop notes, into SymPy.

Reference formulas are compared with derived gradients, so a misread is worse
than a refusal: anything outside the subset in ``latex.lark`` raises
:class:`ReferenceParseError`.  SymPy objects are built from the parse tree
(:mod:`derivgen.refbuild`); the text itself is never evaluated.  The only
edit before parsing blanks the layout of ``aligned``/``split`` blocks."""
from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import sympy
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from derivgen.errors import ReferenceParseError
from derivgen.limits import MAX_LATEX_CHARS, clip, out_of_range
from derivgen.reader.build import HADAMARD, D as _D, Builder as _Builder, fail as _fail
from derivgen.reader.tree import UPDATED

DEFAULT_FUNCTIONS: frozenset[str] = frozenset({
    "a", "f", "sigma", "sigma_h", "sigma_o", "h_theta", "g",
    "ReLU", "LeakyReLU", "Linear", "MAE", "M"})
MAX_LENGTH = MAX_LATEX_CHARS
_TRAILING = re.compile(r"(?:\s|~|\\[,;:! ]|\\q?quad(?![A-Za-z])|[.,])+\Z")
# TeX reads x_12 as x_1*2 and \hat yx as \hat{y}x; a transcriber almost surely
# meant x_{12} or \hat{yx}, so refuse rather than pick one.
_AMBIGUOUS = re.compile(r"([_^]|\\(mathbf|boldsymbol|bm|mathbb|mathcal|(wide)?(hat|tilde))"
                        r"(?![A-Za-z]))\s*[A-Za-z0-9](?=[A-Za-z0-9])")
# After these token types a bare "|" closes an absolute value instead of opening one.
_OPERAND_END = {"WORD", "NUMBER", "GREEK", "TEXT", "PRIME", "SUB1", "SUP1", "RPAR", "RSQB",
                "RBRACE", "_RBRACE_ESC", "_ABS_CLOSE", "FRAC_DIGITS", "TOP", "_END_CASES",
                "_END_BMATRIX"}
# In aligned/split, "&" and the row breaks are layout (blanked by _layout).
_LAYOUT_ENVS = ("aligned", "split")
_RELATIONS = ("=", ":=", r"\leftarrow", r"\approx")
_OPERATORS = (*_RELATIONS, "+", "-", "*", r"\cdot", r"\times", r"\odot", r"\circ", r"\otimes")
_LAYOUT_TOKEN = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}|\\\\|:=|\\[A-Za-z]+|\\.|\s+|.", re.S)
_GAP = re.compile(r"\s+|~|\\[,;:! ]|\\q?quad")
_OPTION = re.compile(r"\s*[\[*]")
_RELATION_NAMES = {"=": "=", ":=": ":=", r"\leftarrow": "leftarrow", r"\approx": "approx"}


@dataclass(frozen=True)
class Reference:
    """``d of / d wrt = expr``; ``wrt``/``of`` are None unless the first side of
    the ``=`` chain is a derivative (``of`` also when it is not of a single
    name).  ``expr`` is the last side of the chain."""
    wrt: str | None
    of: str | None
    expr: sympy.Expr
    #: every side of the ``=`` chain (a derivative on the left as ``D(of, wrt)``);
    #: None for a side that parsed but names no value, such as ``J(\theta_0, \theta_1)``
    sides: tuple[sympy.Expr | None, ...] = field(default=(), compare=False)
    #: True when the first relation is an assignment (\leftarrow or :=): an update rule
    assign: bool = field(default=False, compare=False)
    #: the component equations after ``\Rightarrow`` (seed 001), each a reference of its own
    implies: tuple["Reference", ...] = field(default=(), compare=False)
    #: index conditions the formula is stated under: (∂p_c/∂s_j)_{c \neq j} gives c ≠ j
    conditions: tuple[sympy.Basic, ...] = field(default=(), compare=False)
    #: the relation before each side after the first: "=", "approx", ":=" or "leftarrow"
    relations: tuple[str, ...] = field(default=(), compare=False)
    #: per side: True when it follows \approx (a rounded value)
    rounded: tuple[bool, ...] = field(default=(), compare=False)
    #: per side: the most decimal places of a number printed in it (None: no decimals)
    places: tuple[int | None, ...] = field(default=(), compare=False)

    @property
    def update(self) -> bool:
        """An update rule: ``θ ← …``, ``θ := …`` or ``θ^{+} = …`` (also ``θ^{new}``)."""
        head = self.sides[0] if self.sides else None
        return self.assign or getattr(head, "func", None) == UPDATED


class _AbsBars(PostLex):
    """Retype a bare ``|`` as opening or closing: LALR(1) cannot tell."""
    always_accept = ("BAR",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth, prev = 0, None
        for tok in stream:
            if tok.type == "BAR":
                kind = "_ABS_CLOSE" if depth and prev in _OPERAND_END else "_ABS_OPEN"
                tok = Token.new_borrow_pos(kind, tok.value, tok)
            depth += {"_ABS_OPEN": 1, "_ABS_CLOSE": -1}.get(tok.type, 0)
            prev = tok.type
            yield tok


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = Path(__file__).with_name("latex.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", postlex=_AbsBars(), propagate_positions=True)


def _layout(src: str) -> str:
    """Blank ``aligned``/``split`` markers and, directly inside them, ``&`` and
    row breaks, with spaces of the same length (columns stay right); row breaks
    outside any environment too (seed 004 breaks a chain so).  A row break
    must continue an ``=`` chain (``... = \\\\ &= ...``) or follow an operator
    (``a + \\\\ b``): two equations in one block would otherwise read as a product."""
    out, stack = list(src), []  # stack: (environment, start)
    last: str | None = None  # the last token of the current row that is not layout
    pending: tuple[int, str | None] | None = None  # a row break, and the row's last token
    for m in _LAYOUT_TOKEN.finditer(src):
        tok, at, kind = m.group(), m.start(), m.group(1)
        layout = bool(stack) and stack[-1][0] in _LAYOUT_ENVS
        if layout and tok == "&":
            out[at] = " "
        if layout and tok == "&" or _GAP.fullmatch(tok):
            continue
        if pending is not None:  # after an empty row or an operator, before a relation or the end
            if not (pending[1] in (None, *_OPERATORS) or tok in (*_RELATIONS, "\\\\")
                    or kind == "end" and layout):
                raise _fail("row break that continues no '=' chain: one equation per formula",
                            src, pending[0])
            if pending[1] in _RELATIONS and tok == "=":  # "a = \\ &= b" is a = b
                out[at] = " "
            pending = None
        if tok == "\\\\" and _OPTION.match(src, m.end()):
            raise _fail(r"'\\' followed by '[' or '*' is not supported", src, at)
        if tok == "\\\\" and (layout or not stack):
            out[at:m.end()], pending, last = "  ", (at, last), None
            continue
        if kind:
            env = m.group(2).strip()
            opened = stack.pop()[0] if kind == "end" and stack else None
            if kind == "begin":
                stack.append((env, at))
            elif opened != env:
                raise _fail(f"\\end{{{env}}} " + (f"does not close \\begin{{{opened}}}" if opened
                                                 else "without \\begin"), src, at)
            if env in _LAYOUT_ENVS:
                out[at:m.end()] = " " * len(tok)
                if kind == "begin" and env == "aligned" and src[m.end():].lstrip()[:1] == "[":
                    raise _fail("options of aligned are not supported", src, src.index("[", at))
                if kind == "begin":
                    last = None
                    continue
        last = tok
    if stack:
        raise _fail(f"unclosed \\begin{{{stack[-1][0]}}}", src, stack[-1][1])
    return "".join(out)


def _parse(src: str) -> Tree:
    if len(src) > MAX_LENGTH:
        raise _fail(f"formula longer than {MAX_LENGTH} characters", src, MAX_LENGTH)
    text = _TRAILING.sub("", _layout(src))
    if not text.strip():
        raise _fail("empty formula", src, 0)
    if (amb := _AMBIGUOUS.search(text)) is not None:
        raise _fail("ambiguous sub/superscript: add braces, e.g. x_{12}", src, amb.start())
    try:
        return _parser().parse(text)
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream
        cmd = re.match(r"\\(begin\s*\{\w*\*?\}|[A-Za-z]+|.)", text[pos:])
        raise _fail(f"unsupported command '\\{cmd.group(1)}'" if cmd
                    else f"unexpected character {text[pos]!r}", src, pos) from None
    except UnexpectedToken as exc:
        if exc.token.type != "$END":
            raise _fail(f"unexpected {str(exc.token)!r}", src, exc.token.start_pos) from None
        opened: list[int] = []  # point at the brace left open rather than at the end
        for m in re.finditer(r"(?<!\\)[{}]", text):
            if m.group() == "{":
                opened.append(m.start())
            elif opened:
                opened.pop()
        raise (_fail("unclosed '{'", src, opened[-1]) if opened
               else _fail("unexpected end of formula", src, len(text))) from None
    except UnexpectedInput as exc:  # pragma: no cover - LALR raises the two above
        raise _fail("cannot parse formula", src, max(exc.pos_in_stream or 0, 0)) from None


def _side(builder: "_Builder", side: Tree, wrt: str | None, of: str | None
          ) -> sympy.Expr | None:
    """A non-final side's value, or None where it names no value.

    A derivative whose numerator names no value of its own (∂J(θ₀, θ₁) with J
    not a known function) is ∂of/∂wrt; one that does (∂LeakyReLU(x)/∂x)
    keeps its argument.
    """
    try:
        value = builder.finish(builder.ev(side))
    except ReferenceParseError:
        if wrt is not None and of is not None and builder.lhs(side) == (wrt, of):
            return _D(sympy.Symbol(of), sympy.Symbol(wrt))
        return None
    return None if value.has(sympy.zoo, sympy.nan) else value


def _chain(builder: "_Builder", node: Tree) -> Reference:
    """The ``=`` chain of ``node`` (the formula, or one row after ``\\Rightarrow``)."""
    sides = [c for c in node.children if isinstance(c, Tree) and c.data == "expr"]
    wrt, of = builder.lhs(sides[0]) if len(sides) > 1 else (None, None)
    expr = builder.finish(builder.ev(sides[-1]))
    if expr.has(sympy.zoo, sympy.nan):
        raise _fail("division by zero", builder.src, 0)
    values = tuple(_side(builder, side, wrt, of) for side in sides[:-1]) + (expr,)
    relations = tuple(_RELATION_NAMES[str(c)] for c in node.children
                      if isinstance(c, Token) and c.type == "EQ")
    assign = bool(relations) and relations[0] in (":=", "leftarrow")
    places = tuple(max((len(t) - t.index(".") - 1 for t in side.scan_values(
        lambda v: isinstance(v, Token) and v.type == "NUMBER" and "." in v)), default=None)
        for side in sides)
    return Reference(wrt=wrt, of=of, expr=expr, sides=values, assign=assign,
                     relations=relations, rounded=(False, *(r == "approx" for r in relations)),
                     places=places)


def _run(src: str, sample_index: str, functions: frozenset[str], reference: bool,
         matrices: frozenset[str] = frozenset(), hadamard: frozenset[str] | None = None,
         contraction: frozenset[str] = frozenset(), names: frozenset[str] = frozenset(),
         leibniz: bool = True) -> Reference | sympy.Expr:
    builder = _Builder(src, sample_index, functions, matrices,
                       HADAMARD - contraction if hadamard is None else hadamard, contraction,
                       names=frozenset(names), leibniz=leibniz)
    try:
        tree = _parse(src)
        builder.delta_d = builder.uses_delta(tree)
        if not reference and len(tree.children) > 1:
            tok = next(c for c in tree.children if isinstance(c, Token)) \
                if any(isinstance(c, Token) for c in tree.children) else tree.children[1]
            pos = tok.start_pos if isinstance(tok, Token) else tok.meta.start_pos
            raise _fail("'=' in an expression (use parse_reference)", src, pos)
        ref = _chain(builder, tree)
        rows = next((c for c in tree.children if isinstance(c, Tree) and c.data == "system"),
                    None)
        implies = tuple(_chain(builder, row) for row in rows.children) if rows else ()
    except RecursionError:
        raise _fail("formula is nested too deeply", src, 0) from None
    except (TypeError, ValueError, ArithmeticError) as exc:  # SymPy refusing a construct
        raise _fail(f"cannot build expression: {exc}", src, 0) from None
    for value in (*ref.sides, *(r.expr for r in implies)):  # ref.expr is ref.sides[-1]
        big = out_of_range(value.atoms(sympy.Number)) if value is not None else None
        if big is not None:  # the budget: every number must fit a float64
            raise _fail(f"the number {clip(big)} is outside float64's range", src, 0)
    if not reference:
        return ref.expr
    return dataclasses.replace(ref, implies=implies, conditions=tuple(builder.conditions))


def parse_expression(src: str, *, sample_index: str = "n",
                     functions: frozenset[str] = DEFAULT_FUNCTIONS,
                     names: frozenset[str] = frozenset(), leibniz: bool = True,
                     matrices: frozenset[str] = frozenset()) -> sympy.Expr:
    """Parse a formula without ``=`` into a SymPy expression.

    Subscripts ending in ``sample_index`` (or in the index of an enclosing
    ``\\sum``) become ``Indexed``; a name in ``functions`` followed by ``(`` is
    an applied function, any other name followed by ``(`` a factor.
    ``names`` declares names of several letters (``net_h1`` or the stem ``net``,
    ``E_total``, ``target``), each then read as one symbol; an undeclared run of three
    or more letters is an error, two letters are a product (TeX's ``xw``).
    ``leibniz=False`` when the caller binds a variable named d: ``\frac{dL}{dw}`` is
    then a ratio instead of a derivative.
    Raises :class:`ReferenceParseError` for anything outside the subset.
    """
    return _run(src, sample_index, functions, reference=False,  # type: ignore[return-value]
                matrices=matrices, names=names, leibniz=leibniz)


def parse_reference(src: str, *, sample_index: str = "n",
                    functions: frozenset[str] = DEFAULT_FUNCTIONS,
                    matrices: frozenset[str] = frozenset(),
                    hadamard: frozenset[str] | None = None,
                    contraction: frozenset[str] = frozenset(),
                    names: frozenset[str] = frozenset(), leibniz: bool = True) -> Reference:
    """Parse ``LHS = ... = RHS``: the derivative named by LHS, and the last side.

    LHS names a derivative as ``\\frac{\\partial X}{\\partial Y}``, ``\\frac{X}{\\partial Y}``,
    ``\\frac{X}{\\delta Y}``, ``\\frac{\\partial}{\\partial Y} X`` or ``\\nabla_Y X``.
    Every side of a chain is evaluated and kept in ``sides``.  Keywords are
    as for :func:`parse_expression`; names in ``matrices`` are matrices:
    non-commuting symbols, whose products keep their order, whose indicators
    are ``indicator_gt(a, b)`` and so on, and whose shape notes
    (``\\frac{\\mathbf{w1}}{[D \\times H]}``) are dropped.  ``hadamard`` names the
    product signs that mean the elementwise product (default ⊙, ∘, ⊗), ``contraction``
    those that sum over the rows of both factors (seed 002's ⊗: ``contract(a, b)``).
    A formula ``A = B \\Rightarrow \\begin{cases} a_1 = b_1 \\\\ … \\end{cases}`` keeps
    its rows in ``implies``; ``(X)_{c \\neq j}`` adds ``c ≠ j`` to ``conditions``.
    ``\\approx`` relates like ``=`` and marks the side after it in ``rounded``;
    ``θ^{+} = …``, ``θ^{new} = …``, ``θ ← …`` and ``θ := …`` are update rules
    (:attr:`Reference.update`).  ``names`` and ``leibniz`` are as for
    :func:`parse_expression`.
    """
    return _run(src, sample_index, functions, reference=True,  # type: ignore[return-value]
                matrices=matrices, hadamard=hadamard, contraction=contraction,
                names=names, leibniz=leibniz)
