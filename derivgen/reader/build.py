"""SymPy from the parse trees of :mod:`derivgen.refparse` (grammar in ``refparse.lark``).

The tree is walked top-down, as an index's meaning depends on enclosing sums;
SymPy objects are built node by node and the text itself is never evaluated."""
from __future__ import annotations

import math
import re
from dataclasses import replace

import sympy
from lark import Token, Tree

from derivgen.errors import ReferenceParseError
from derivgen.limits import MAX_DIGITS, MAX_LATEX_DEPTH, MAX_MAGNITUDE, digits, power_problem
from derivgen.reader.derivatives import Derivatives, delta_kind as _delta
from derivgen.reader.structures import Structures
from derivgen.reader.tree import D, Name as _Name, fail, is_tree as _is, only as _only

__all__ = ["Builder", "D", "HADAMARD", "fail"]

MAX_DEPTH = MAX_LATEX_DEPTH  # tree depth: the recursive walk must stay clear of Python's limit
#: bits of a power of two numbers: it must fit a float64 (about 1e±300)
FLOAT_BITS = math.log2(MAX_MAGNITUDE)

_E = sympy.Symbol("e")

_FUNCS = {"exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "tanh": sympy.tanh,
          "sin": sympy.sin, "cos": sympy.cos, "max": sympy.Max, "min": sympy.Min}
_WRAPPERS = {"group": lambda v: v, "abs": sympy.Abs, "sqrt": sympy.sqrt}

#: product signs that mean the elementwise (Hadamard) product unless a document says otherwise
HADAMARD = frozenset({"odot", "circ", "otimes"})


class Builder(Derivatives, Structures):
    """Walks the tree top-down, as an index's meaning depends on enclosing sums."""

    def __init__(self, src: str, sample_index: str, functions: frozenset[str],
                 matrices: frozenset[str] = frozenset(),
                 hadamard: frozenset[str] = HADAMARD,
                 contraction: frozenset[str] = frozenset()) -> None:
        self.src, self.functions = src, functions
        #: product signs meaning the elementwise product (seed 003 writes · for it)
        self.hadamard = hadamard
        #: product signs that contract the rows of both factors (seed 002's ⊗)
        self.contraction = contraction
        #: names of matrices: non-commuting symbols, so that products keep their order
        self.matrices = matrices
        self.indices = [sample_index]  # plus the indices of enclosing sums
        self.bounds: dict[str, sympy.Symbol] = {}
        self.depth = 0
        self.delta_d = False  # some \frac{X}{\delta Y} reads δ as ∂ (see uses_delta)
        #: index conditions such as c ≠ j, from (X)_{c \neq j}: the formula holds where they do
        self.conditions: list[sympy.Basic] = []
        #: differentials with a shape note and where they start: each must end under a bar
        self.differentials: list[tuple[sympy.Expr, int]] = []

    def fail(self, msg: str, node: Tree | Token) -> ReferenceParseError:
        pos = node.start_pos if isinstance(node, Token) else node.meta.start_pos
        return fail(msg, self.src, pos)

    def ev(self, node: Tree | Token) -> sympy.Expr:
        self.depth += 1  # not restored on errors: the builder is dropped then
        if self.depth > MAX_DEPTH:
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
        for marker, pos in self.differentials:
            if expr.has(marker):
                raise fail("a differential with a shape note stands only in a denominator",
                           self.src, pos)
        # N in \frac{1}{N}\sum^N must be the bound's symbol, not a namesake.
        return expr.xreplace({sympy.Symbol(k): v for k, v in self.bounds.items()})

    def sym(self, name: str) -> sympy.Symbol:
        if name in self.indices:
            return sympy.Symbol(name, integer=True)
        return sympy.Symbol(name, commutative=name not in self.matrices)

    def token(self, tok: Token) -> sympy.Expr:
        text = self.piece(tok) if tok.type in ("GREEK", "WORD", "SUP1") else str(tok)
        if tok.type == "FRAC_DIGITS":
            num, den = map(sympy.Integer, re.findall(r"\d", tok))
            return num / den
        if tok.type in ("NUMBER", "SUP1") and text[0].isdigit():
            if digits(text) > MAX_DIGITS:
                raise self.fail(f"a number with more than {MAX_DIGITS} digits", tok)
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
                raise fail("a number cannot carry a subscript or prime", self.src, nm.pos)
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

    def r_expr(self, tree: Tree) -> sympy.Expr:
        total, sign = sympy.Integer(0), 1
        for child in tree.children:
            if isinstance(child, Token):
                sign = -sign if child == "-" else sign
            else:
                total, sign = total + sign * self.ev(child), 1
        return total

    def r_product(self, tree: Tree) -> sympy.Expr:
        acc, op, sign, prev_num, prev = sympy.Integer(1), None, 1, False, None
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
            if self.delta_d and (_delta(child) == "call" or op is None and _delta(prev)):
                # seed 004 writes "\delta x \frac{...}{...}" for d/dx
                raise self.fail("\\delta as an operator is not supported", prev
                                if _delta(child) != "call" else child)
            val = sign * self.ev(child)
            if op in self.contraction:
                acc = sympy.Function("contract")(acc, val)
            elif op in self.hadamard:
                acc = sympy.Function("hadamard")(acc, val)
            else:
                acc = acc * val
            op, sign, prev_num, prev = None, 1, num, child
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
        exponent = self.ev(child)
        if base == _E:
            return sympy.exp(exponent)
        problem = power_problem(base, exponent, FLOAT_BITS)  # the budget: 9^{9^{9}} is refused
        if problem:
            raise self.fail(problem, sup)
        return base ** exponent

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


    def r_func(self, tree: Tree) -> sympy.Expr:
        fn, *rest = tree.children
        key, args = fn.lstrip("\\"), [self.ev(c) for c in rest if isinstance(c, Tree)]
        if len(args) < 2 if key in ("max", "min") else len(args) != 1:
            raise self.fail(f"wrong number of arguments to \\{key}", fn)
        return _FUNCS[key](*args)
    def r_sum(self, tree: Tree) -> sympy.Expr:
        idx, lo, hi, body = tree.children
        self.index(idx)
        limits = (self.bound(self.ev(lo), False), self.bound(self.ev(hi.children[0]), True))
        return self.summed(idx, body, limits)

    def r_sum_except(self, tree: Tree) -> sympy.Expr:
        """``\\sum_{c \\neq j}``: c from 1 to C (or the upper limit given) but j."""
        idx, rel, other, *sup, body = tree.children
        self.index(idx)
        if rel.lstrip("\\") not in ("ne", "neq"):
            raise self.fail("only \\neq may restrict a summation index", rel)
        if len(other) != 1 or other == idx:
            raise self.fail("the excluded index must be one letter other than the sum's", other)
        hi = self.ev(sup[0].children[0]) if sup else sympy.Symbol("C")
        return self.summed(idx, body, (sympy.Integer(1), self.bound(hi, True)),
                           sympy.Symbol(str(other), integer=True))  # an index: each gives it values

    def index(self, idx: Token) -> None:
        if len(idx) != 1:
            raise self.fail("summation index must be a single letter", idx)

    def summed(self, idx: Token, body: Tree, limits: tuple, but: sympy.Expr | None = None
               ) -> sympy.Expr:
        self.indices.append(str(idx))
        var = sympy.Symbol(str(idx), integer=True)
        try:
            val = self.ev(body)
        finally:
            self.indices.pop()
        val = val if but is None else val * (1 - sympy.KroneckerDelta(var, but))
        return sympy.Sum(val, (var, *limits))

    def bound(self, expr: sympy.Expr, upper: bool) -> sympy.Expr:
        """Summation limits are integers; upper ones (N, C) positive as well."""
        subs = {}
        for s in expr.free_symbols:
            if isinstance(s, sympy.Symbol) and s.name not in self.indices:
                new = sympy.Symbol(s.name, integer=True, positive=upper or None)
                self.bounds[s.name] = subs[s] = self.bounds.get(s.name, new)
        return expr.xreplace(subs)
