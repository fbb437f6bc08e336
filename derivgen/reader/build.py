"""SymPy from the parse trees of :mod:`derivgen.reader.latex` (grammar in ``latex.lark``).

The tree is walked top-down, as an index's meaning depends on enclosing sums;
SymPy objects are built node by node and the text itself is never evaluated.
Names live in :mod:`~derivgen.reader.names`, sums in :mod:`~derivgen.reader.sums`,
derivatives in :mod:`~derivgen.reader.derivatives` and :mod:`~derivgen.reader.leibniz`,
relations and matrices in :mod:`~derivgen.reader.structures`."""
from __future__ import annotations

import math
import re

import sympy
from lark import Token, Tree

from derivgen.errors import ReferenceParseError
from derivgen.limits import MAX_DIGITS, MAX_LATEX_DEPTH, MAX_MAGNITUDE, digits, power_problem
from derivgen.reader.derivatives import Derivatives, delta_kind as _delta
from derivgen.reader.leibniz import Leibniz
from derivgen.reader.names import Names
from derivgen.reader.structures import Structures
from derivgen.reader.sums import Sums
from derivgen.reader.tree import (AT_SAMPLE, D, UPDATED, VECTOR, fail, is_tree as _is,
                                  only as _only)

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


#: ^{+}, ^{new}, ^{(new)}, ^{\text{new}}: the value after the update step
_UPDATE_MARK = re.compile(r"\^\s*(\{\s*)?(\+|(\(\s*)?(new|\\(text|mathrm|textrm)\s*\{\s*new\s*\})"
                          r"(\s*\))?)(\s*\})?\s*")
#: ^{(n)}: a label in parentheses (the sample index names a sample; other labels are refused)
_LABEL = re.compile(r"\^\s*\{\s*\(\s*([A-Za-z0-9]+)\s*\)\s*\}\s*")


class Builder(Derivatives, Leibniz, Names, Structures, Sums):
    """Walks the tree top-down, as an index's meaning depends on enclosing sums."""

    def __init__(self, src: str, sample_index: str, functions: frozenset[str],
                 matrices: frozenset[str] = frozenset(),
                 hadamard: frozenset[str] = HADAMARD,
                 contraction: frozenset[str] = frozenset(),
                 names: frozenset[str] = frozenset(), leibniz: bool = True) -> None:
        self.src, self.functions = src, functions
        #: names of several letters the caller declares (net_h1, E_total, target)
        self.names = names
        #: d in derivative position is Leibniz's d (False: the caller binds a variable d)
        self.leibniz = leibniz
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
        children, skip = tree.children, False
        for i, child in enumerate(children):
            if skip:
                skip = False
                continue
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
            wrt = self.leibniz_operator(child)
            if wrt is not None:  # \frac{d}{dx}: applies to every factor after it
                rest = children[i + 1:]
                if not any(isinstance(c, Tree) for c in rest):
                    raise self.fail("\\frac{d}{dx} must be followed by what it differentiates",
                                    child)
                operand = self.ev(Tree("product", list(rest), meta=child.meta))
                return acc * sign * self.derivative(operand, wrt)
            nxt = children[i + 1] if i + 1 < len(children) else None
            powered = self.function_power(child, nxt)
            skip = powered is not None
            val = sign * (self.ev(child) if powered is None else powered)
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

    def r_vector(self, tree: Tree) -> sympy.Expr:
        """``[a, b, c]``: a vector of components."""
        return VECTOR(sympy.Tuple(*(self.ev(c) for c in tree.children if isinstance(c, Tree))))

    def sup_text(self, sup: Tree) -> str:
        return self.src[sup.meta.start_pos:sup.meta.end_pos] if not sup.meta.empty else ""

    def power(self, base: sympy.Expr, sup: Tree) -> sympy.Expr:
        child, bare = sup.children[0], _only(sup.children[0], "expr", "product", "item", "name")
        text = self.sup_text(sup)
        if _UPDATE_MARK.fullmatch(text):  # w_5^{+}: the weight after the step
            if not isinstance(base, sympy.Symbol) or base.is_integer:
                raise self.fail("^{+} or ^{new} marks an updated parameter: put it on a name",
                                sup)
            return UPDATED(base)
        if getattr(child, "type", "") == "SIGN":
            raise self.fail(f"'^{{{child}}}' is not supported (w^{{+}} is the updated w)", sup)
        label = _LABEL.fullmatch(text)
        if label:  # x^{(n)}: sample n
            return self.labelled(base, label.group(1), sup)
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

    def labelled(self, base: sympy.Expr, label: str, sup: Tree) -> sympy.Expr:
        """``x^{(n)}`` is sample n of x (n the sample index), ``x^{(2)}`` sample 2."""
        if not isinstance(base, (sympy.Symbol, sympy.Indexed)) or base.is_integer:
            raise self.fail("a label in parentheses must follow a name", sup)
        if isinstance(base, sympy.Indexed):
            raise self.fail("a sample label on a name that already names its sample", sup)
        if not base.is_commutative:  # \mathbf{W}^{(1)}: a layer label, not a sample
            raise self.fail(f"^{{({label})}} on the matrix {base}: a layer label in parentheses "
                            "is not read (declare the name instead)", sup)
        if label == self.indices[0] or label in self.indices[1:]:
            return sympy.IndexedBase(base.name)[sympy.Symbol(label, integer=True)]
        if label.isdigit() and int(label) > 0:
            return AT_SAMPLE(base, sympy.Integer(label))
        raise self.fail(f"^{{({label})}} is neither the sample index nor a sample number; a "
                        "layer label in parentheses is not read (declare the name instead)", sup)

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

    def function_power(self, item: Tree | Token, nxt: Tree | Token | None) -> sympy.Expr | None:
        """``\\sigma^2(z)``: the square of σ(z) when σ is a function (else None)."""
        if not (_is(item, "item") and len(item.children) == 2 and _is(item.children[0], "name")
                and _is(nxt, "item") and len(nxt.children) == 1
                and _is(nxt.children[0], "group")
                and self.src[nxt.meta.start_pos:nxt.meta.start_pos + 1] in ("(", "\\")):
            return None
        nm = self.name(item.children[0])
        if nm.text(primes=False) not in self.functions:
            return None
        value = sympy.Function(nm.text())(self.ev(nxt.children[0].children[0]))
        return value ** self.exponent(item.children[1])

    def exponent(self, sup: Tree) -> sympy.Integer:
        """The power written on a function name (\\tanh^2 z): a whole number from 1 up."""
        child = sup.children[0]
        value = self.ev(child) if isinstance(child, Tree) or child.type == "SUP1" else None
        if value is None or not (value.is_Integer and value > 0):
            raise self.fail("only a whole power of a function value is read (\\tanh^2 z); "
                            "\\sigma^{-1} (the inverse) and other marks are not", sup)
        return value

    def r_func(self, tree: Tree) -> sympy.Expr:
        fn, *rest = tree.children
        sup = rest.pop(0) if rest and _is(rest[0], "sup") else None
        key, args = fn.lstrip("\\"), [self.ev(c) for c in rest if isinstance(c, Tree)]
        if len(args) < 2 if key in ("max", "min") else len(args) != 1:
            raise self.fail(f"wrong number of arguments to \\{key}", fn)
        value = _FUNCS[key](*args)
        return value if sup is None else value ** self.exponent(sup)
