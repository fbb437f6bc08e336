"""Strict parser for the LaTeX of hand-written backprop notes, into SymPy.

Reference formulas are compared with derived gradients, so a misread is worse
than a refusal: anything outside the subset in ``refparse.lark`` raises
:class:`ReferenceParseError`.  SymPy objects are built from the parse tree;
the text itself is never evaluated."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Sequence

import sympy
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from derivgen.errors import ReferenceParseError

DEFAULT_FUNCTIONS: frozenset[str] = frozenset({
    "a", "f", "sigma", "sigma_h", "sigma_o", "h_theta", "g",
    "ReLU", "LeakyReLU", "Linear", "MAE", "M"})
MAX_LENGTH = 5000
_MAX_DEPTH = 250  # tree depth: the recursive walk must stay clear of Python's limit

_D, _E = sympy.Function("D"), sympy.Symbol("e")
_FUNCS = {"exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "tanh": sympy.tanh,
          "sin": sympy.sin, "cos": sympy.cos, "max": sympy.Max, "min": sympy.Min}
_RELS = {">": sympy.Gt, "<": sympy.Lt, "gt": sympy.Gt, "lt": sympy.Lt, "ge": sympy.Ge,
         "geq": sympy.Ge, "le": sympy.Le, "leq": sympy.Le}
_WRAPPERS = {"group": lambda v: v, "abs": sympy.Abs, "sqrt": sympy.sqrt}
_TRAILING = re.compile(r"(?:\s|~|\\[,;:! ]|\\q?quad(?![A-Za-z])|[.,])+\Z")
# TeX reads x_12 as x_1*2 and \hat yx as \hat{y}x; a transcriber almost surely
# meant x_{12} or \hat{yx}, so refuse rather than pick one.
_AMBIGUOUS = re.compile(r"([_^]|\\(mathbf|boldsymbol|bm|mathbb|mathcal|(wide)?(hat|tilde))"
                        r"(?![A-Za-z]))\s*[A-Za-z0-9](?=[A-Za-z0-9])")
# After these token types a bare "|" closes an absolute value instead of opening one.
_OPERAND_END = {"WORD", "NUMBER", "GREEK", "TEXT", "PRIME", "SUB1", "SUP1", "RPAR", "RSQB",
                "RBRACE", "_RBRACE_ESC", "_ABS_CLOSE", "FRAC_DIGITS", "TOP"}


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
    grammar = Path(__file__).with_name("refparse.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", postlex=_AbsBars(), propagate_positions=True)


@dataclass(frozen=True)
class _Name:
    """A name before scoping decides between Symbol and Indexed."""
    core: str
    pos: int
    word: bool = False  # plain letters: juxtaposed, so each is its own symbol
    parts: tuple[str, ...] = ()  # the subscript, split at commas
    primes: int = 0

    def text(self, parts: Sequence[str] | None = None, primes: bool = True) -> str:
        parts = self.parts if parts is None else parts
        return "_".join((self.core, *parts)) + "_prime" * self.primes * primes


def _fail(msg: str, src: str, pos: int) -> ReferenceParseError:
    return ReferenceParseError(msg, text=src, column=pos + 1)


def _only(node: object, *path: str) -> Tree | Token | None:
    """Descend through trees named ``path`` that each have exactly one child."""
    for data in path:
        ok = isinstance(node, Tree) and node.data == data and len(node.children) == 1
        node = node.children[0] if ok else None  # type: ignore[union-attr]
    return node  # type: ignore[return-value]


def _is(node: object, *data: str) -> bool:
    return isinstance(node, Tree) and node.data in data


class _Builder:
    """Walks the tree top-down, as an index's meaning depends on enclosing sums."""

    def __init__(self, src: str, sample_index: str, functions: frozenset[str]) -> None:
        self.src, self.functions = src, functions
        self.indices = [sample_index]  # plus the indices of enclosing sums
        self.bounds: dict[str, sympy.Symbol] = {}
        self.depth = 0

    def fail(self, msg: str, node: Tree | Token) -> ReferenceParseError:
        pos = node.start_pos if isinstance(node, Token) else node.meta.start_pos
        return _fail(msg, self.src, pos)

    def ev(self, node: Tree | Token) -> sympy.Expr:
        self.depth += 1  # not restored on errors: the builder is dropped then
        if self.depth > _MAX_DEPTH:
            raise self.fail("formula is nested too deeply", node)
        if isinstance(node, Token):
            val = self.token(node)
        elif node.data in _WRAPPERS:
            val = _WRAPPERS[node.data](self.arg(node.children[0]))
        else:
            val = getattr(self, "r_" + node.data)(node)
        self.depth -= 1
        return val

    def finish(self, expr: sympy.Expr) -> sympy.Expr:
        # N in \frac{1}{N}\sum^N must be the bound's symbol, not a namesake.
        return expr.xreplace({sympy.Symbol(k): v for k, v in self.bounds.items()})

    def sym(self, name: str) -> sympy.Symbol:
        return sympy.Symbol(name, integer=True) if name in self.indices else sympy.Symbol(name)

    def token(self, tok: Token) -> sympy.Expr:
        text = self.piece(tok) if tok.type in ("GREEK", "WORD", "SUP1") else str(tok)
        if tok.type == "FRAC_DIGITS":
            num, den = map(sympy.Integer, re.findall(r"\d", tok))
            return num / den
        if tok.type in ("NUMBER", "SUP1") and text[0].isdigit():
            return sympy.Rational(text) if "." in text else sympy.Integer(text)
        if tok.type in ("GREEK", "WORD", "SUP1"):
            return self.sym(text)
        raise self.fail(f"unexpected {text!r}", tok)

    def arg(self, node: Tree | Token) -> sympy.Expr:
        if isinstance(node, Token) and node.type != "GREEK" and len(node) > 1:  # TeX: 1 char
            raise self.fail(f"ambiguous argument {str(node)!r}: add braces", node)
        return self.ev(node)

    def piece(self, tok: Token) -> str:
        """The text one token contributes to a name."""
        text = {"GREEK": tok[1:], "SUB1": tok[-1], "SUP1": tok[-1]}.get(tok.type, str(tok))
        if tok.type == "TEXT":
            text = tok[tok.index("{") + 1:-1].strip()
        if tok.type == "TEXT" and not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text) \
                or tok.type == "NUMBER" and "." in tok or tok == ";":
            raise self.fail(f"unsupported {text!r} in a name", tok)
        return text

    def name(self, tree: Tree) -> _Name:
        head, *decor = tree.children
        if isinstance(head, Token):
            nm = _Name(self.piece(head), head.start_pos, word=head.type == "WORD")
        elif head.data == "hat":
            kind, arg = head.children
            if _is(arg, "name") and _is(arg.children[0], "hat"):
                raise self.fail("nested accents are not supported", arg)
            inner = self.name(arg) if _is(arg, "name") else _Name(self.piece(arg), arg.start_pos)
            nm = replace(inner, core=inner.core + ("hat" if "hat" in kind else ""), word=False)
        else:  # bold keeps all its letters in one name: \mathbf{o1} is "o1"
            subs = [self.sub(c) for c in head.children if isinstance(c, Tree)]
            text = "".join(self.piece(c) for c in head.children if isinstance(c, Token))
            nm = _Name(text, head.meta.start_pos, parts=subs[0] if subs else ())
        for d in decor:
            if nm.parts and isinstance(d, Tree):
                raise self.fail("double subscript", d)
            nm = replace(nm, parts=self.sub(d)) if isinstance(d, Tree) else \
                replace(nm, primes=nm.primes + 1)
        return nm

    def sub(self, tree: Tree) -> tuple[str, ...]:
        parts = tuple("".join("," if t == "," else self.piece(t) for t in tree.children).split(","))
        if "" in parts:
            raise self.fail("empty part in a subscript", tree)
        return parts

    def split(self, nm: _Name) -> tuple[list[sympy.Expr], _Name]:
        """Juxtaposed letters are separate factors; decorations bind to the last."""
        if not nm.word or len(nm.core) == 1:
            return [], nm
        return [self.sym(ch) for ch in nm.core[:-1]], replace(nm, core=nm.core[-1])

    def factors(self, nm: _Name) -> list[sympy.Expr]:
        if nm.core.isdigit():  # \mathbf{1}
            if nm.parts or nm.primes:
                raise _fail("a number cannot carry a subscript or prime", self.src, nm.pos)
            return [sympy.Integer(nm.core)]
        head, nm = self.split(nm)
        if nm.parts and nm.parts[-1] in self.indices:
            base = sympy.IndexedBase(nm.text(nm.parts[:-1]))
            return [*head, base[sympy.Symbol(nm.parts[-1], integer=True)]]
        return [*head, self.sym(nm.text())]

    def single_name(self, tree: object) -> str | None:
        """The name a name/call tree stands for; None for a product of letters."""
        if not _is(tree, "name", "call"):
            return None
        nm = self.name(tree.children[0] if tree.data == "call" else tree)  # type: ignore
        whole = tree.data == "call" and nm.text(primes=False) in self.functions  # type: ignore
        return None if self.split(nm)[0] and not whole else nm.text()

    def wrt(self, tree: Tree) -> str:
        text = self.single_name(tree.children[-1])
        if text is None:
            raise self.fail("\\partial must be followed by a single symbol", tree.children[-1])
        return text

    def r_expr(self, tree: Tree) -> sympy.Expr:
        total, sign = sympy.Integer(0), 1
        for child in tree.children:
            if isinstance(child, Token):
                sign = -sign if child == "-" else sign
            else:
                total, sign = total + sign * self.ev(child), 1
        return total

    def r_product(self, tree: Tree) -> sympy.Expr:
        acc, op, sign, prev_num = sympy.Integer(1), None, 1, False
        for child in tree.children:
            if isinstance(child, Token):
                if child.type == "MULOP":
                    op = child.lstrip("\\")
                else:
                    sign = -1 if child == "-" else 1
                continue
            num = getattr(_only(child, "item"), "type", "") == "NUMBER"
            if num and prev_num and op is None:
                raise self.fail("juxtaposed numbers are ambiguous", child)
            val = sign * self.ev(child)
            hadamard = op in ("odot", "circ", "otimes")
            acc = sympy.Function("hadamard")(acc, val) if hadamard else acc * val
            op, sign, prev_num = None, 1, num
        return acc

    def r_item(self, tree: Tree) -> sympy.Expr:
        base, *sup = tree.children
        if not sup:
            return self.ev(base)
        if _is(base, "call"):
            return self.r_call(base, sup[0])
        *head, last = self.factors(self.name(base)) if _is(base, "name") else [self.ev(base)]
        return sympy.Mul(*head, self.power(last, sup[0]))

    def r_name(self, tree: Tree) -> sympy.Expr:
        return sympy.Mul(*self.factors(self.name(tree)))

    def power(self, base: sympy.Expr, sup: Tree) -> sympy.Expr:
        child, bare = sup.children[0], _only(sup.children[0], "expr", "product", "item", "name")
        if getattr(child, "type", "") == "TOP" or getattr(child, "type", "") == "SUP1" and \
                child[-1] == "T" or getattr(bare, "type", "") == "WORD" and bare == "T":
            return sympy.Function("transpose")(base)  # document convention: X^T
        # Document convention: e^{x} is exp.
        return sympy.exp(self.ev(child)) if base == _E else base ** self.ev(child)

    def r_call(self, tree: Tree, sup: Tree | None = None) -> sympy.Expr:
        name, *args = tree.children
        args, nm, head = [a for a in args if isinstance(a, Tree)], self.name(name), []
        if nm.text(primes=False) not in self.functions:
            head, nm = self.split(nm)
        if nm.text(primes=False) in self.functions:
            val = sympy.Function(nm.text())(*map(self.ev, args))
            return sympy.Mul(*head, self.power(val, sup) if sup else val)
        if len(args) != 1:
            raise self.fail(f"{nm.text(primes=False)!r} is not a known function", name)
        # Not a function: x(a+b)^2 is x*(a+b)^2, the power stays on the group.
        group = self.ev(args[0])
        return sympy.Mul(*head, *self.factors(nm), self.power(group, sup) if sup else group)

    def r_indicator(self, tree: Tree) -> sympy.Expr:
        lhs, rel, rhs = tree.children
        return sympy.Piecewise((1, _RELS[rel.lstrip("\\")](self.ev(lhs), self.ev(rhs))), (0, True))

    def r_frac(self, tree: Tree) -> sympy.Expr:
        num, den = map(self.arg, tree.children)
        return num / den

    def r_func(self, tree: Tree) -> sympy.Expr:
        fn, *rest = tree.children
        key, args = fn.lstrip("\\"), [self.ev(c) for c in rest if isinstance(c, Tree)]
        if len(args) < 2 if key in ("max", "min") else len(args) != 1:
            raise self.fail(f"wrong number of arguments to \\{key}", fn)
        return _FUNCS[key](*args)

    def r_deriv(self, tree: Tree) -> sympy.Expr:
        bare = _only(tree.children[0], "expr", "product", "item")
        text = self.single_name(bare) if _is(bare, "name") else None
        top = sympy.Symbol(text) if text is not None else self.ev(tree.children[0])
        return self.derivative(top, self.wrt(tree))

    def r_dop_apply(self, tree: Tree) -> sympy.Expr:
        return self.derivative(self.ev(tree.children[-1]), self.wrt(tree.children[0]))

    def derivative(self, top: sympy.Expr, wrt: str) -> sympy.Expr:
        """D(top, wrt, *i): bound sum indices named in the subscripts (∂ŷ_i/∂z_{2i})
        are trailing arguments, so that SymPy sees the factor depend on them."""
        names = [wrt] + ([top.name] if isinstance(top, sympy.Symbol) else [])
        subs = "".join(n.partition("_")[2] for n in names)
        deps = [sympy.Symbol(i, integer=True) for i in self.indices if i in subs]
        return _D(top, sympy.Symbol(wrt), *deps)

    def r_sum(self, tree: Tree) -> sympy.Expr:
        idx, lo, hi, body = tree.children
        if len(idx) != 1:
            raise self.fail("summation index must be a single letter", idx)
        limits = (self.bound(self.ev(lo), False), self.bound(self.ev(hi.children[0]), True))
        self.indices.append(str(idx))
        try:
            return sympy.Sum(self.ev(body), (sympy.Symbol(str(idx), integer=True), *limits))
        finally:
            self.indices.pop()

    def bound(self, expr: sympy.Expr, upper: bool) -> sympy.Expr:
        """Summation limits are integers; upper ones (N, C) positive as well."""
        subs = {}
        for s in expr.free_symbols:
            if isinstance(s, sympy.Symbol) and s.name not in self.indices:
                new = sympy.Symbol(s.name, integer=True, positive=upper or None)
                self.bounds[s.name] = subs[s] = self.bounds.get(s.name, new)
        return expr.xreplace(subs)

    def lhs(self, side: Tree) -> tuple[str | None, str | None]:
        """(wrt, of) when ``side`` is a lone derivative, else (None, None)."""
        first = _only(side, "expr", "product")
        first = _only(first, "item") or first
        if _is(first, "deriv"):
            of = self.single_name(_only(first.children[0], "expr", "product", "item"))
            return self.wrt(first), of
        if _is(first, "dop_apply"):
            of = self.single_name(_only(first.children[-1], "product", "item"))
            return self.wrt(first.children[0]), of
        return None, None


def _parse(src: str) -> Tree:
    if len(src) > MAX_LENGTH:
        raise _fail(f"formula longer than {MAX_LENGTH} characters", src, MAX_LENGTH)
    text = _TRAILING.sub("", src)
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
    """A non-final side's value, or None where it names no value."""
    if side is not None and wrt is not None and of is not None and builder.lhs(side) == (wrt, of):
        return _D(sympy.Symbol(of), sympy.Symbol(wrt))
    try:
        value = builder.finish(builder.ev(side))
    except ReferenceParseError:
        return None
    return None if value.has(sympy.zoo, sympy.nan) else value


def _run(src: str, sample_index: str, functions: frozenset[str], reference: bool
         ) -> Reference | sympy.Expr:
    builder = _Builder(src, sample_index, functions)
    try:
        tree = _parse(src)
        sides = [c for c in tree.children if isinstance(c, Tree)]
        if not reference and len(sides) > 1:
            eq = next(c for c in tree.children if isinstance(c, Token))
            raise _fail("'=' in an expression (use parse_reference)", src, eq.start_pos)
        wrt, of = builder.lhs(sides[0]) if len(sides) > 1 else (None, None)
        expr = builder.finish(builder.ev(sides[-1]))
        if expr.has(sympy.zoo, sympy.nan):
            raise _fail("division by zero", src, 0)
        values = tuple(_side(builder, side, wrt, of) for side in sides[:-1]) + (expr,)
    except RecursionError:
        raise _fail("formula is nested too deeply", src, 0) from None
    except (TypeError, ValueError, ArithmeticError) as exc:  # SymPy refusing a construct
        raise _fail(f"cannot build expression: {exc}", src, 0) from None
    relations = [c for c in tree.children if isinstance(c, Token)]
    assign = bool(relations) and relations[0] != "="
    return Reference(wrt=wrt, of=of, expr=expr, sides=values, assign=assign) if reference \
        else expr


def parse_expression(src: str, *, sample_index: str = "n",
                     functions: frozenset[str] = DEFAULT_FUNCTIONS) -> sympy.Expr:
    """Parse a formula without ``=`` into a SymPy expression.

    Subscripts ending in ``sample_index`` (or in the index of an enclosing
    ``\\sum``) become ``Indexed``; a name in ``functions`` followed by ``(`` is
    an applied function, any other name followed by ``(`` a factor.
    Raises :class:`ReferenceParseError` for anything outside the subset.
    """
    return _run(src, sample_index, functions, reference=False)  # type: ignore[return-value]


def parse_reference(src: str, *, sample_index: str = "n",
                    functions: frozenset[str] = DEFAULT_FUNCTIONS) -> Reference:
    """Parse ``LHS = ... = RHS``: the derivative named by LHS, and the last side.

    Every side of a chain is evaluated and kept in ``sides``.  Keywords are
    as for :func:`parse_expression`.
    """
    return _run(src, sample_index, functions, reference=True)  # type: ignore[return-value]
