"""LaTeX in a document's notation: engine names → symbols, functions → templates.

Everything is printed by :class:`NotationPrinter`, a SymPy ``LatexPrinter``
whose symbol and function printing follow the model's
:class:`~derivgen.notation.Notation`.  There is one table per concern
(activation names, function templates, kink templates), one line per rule.
Nothing edits printed text afterwards, and only constructs that
``derivgen.refparse`` reads back are emitted, so every rendered formula can be
checked against the engine (the tests read every display back).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import sympy as sp
from sympy.printing.latex import LatexPrinter

from derivgen.errors import UnsupportedError
from derivgen.ops.activations import ACTIVATIONS, BY_FUNCTION
from derivgen.ops.functions import LeakyRelu, LogSumExp, Sign

if TYPE_CHECKING:
    from derivgen.render.notation import Notation

GREEK = frozenset("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi "
                  "rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
                  "Upsilon Phi Psi Omega".split())
#: activation → its LaTeX name unless the profile says otherwise (from the registry)
FUNCTION_NAMES = {op.name: op.latex for op in ACTIVATIONS.values()
                  if op.function is not None}
#: SymPy function of an activation → the activation's name
ACTIVATION_KEYS = {f: op.name for f, op in BY_FUNCTION.items()}


class LeakyPrime(sp.Function):
    """α + (1 − α)·[z > 0] recognised as LeakyReLU'(z); exists for printing only."""

    nargs = 1


CALL = r"{name}\left({0}\right)"
#: function → template; {name} is the activation's name, {0} the printed argument
FUNCTION_TEMPLATES = {
    **{f: CALL for f in BY_FUNCTION},
    LeakyPrime: r"{name}'\left({0}\right)",
    sp.exp: r"e^{{{0}}}",
    sp.log: r"\log\left({0}\right)",
    sp.sin: r"\sin\left({0}\right)",
    sp.cos: r"\cos\left({0}\right)",
    sp.Abs: r"\left|{0}\right|",
    Sign: r"\frac{{{0}}}{{\left|{0}\right|}}",   # sign(r) as seed 004 writes it: a / |a|
    LogSumExp: r"\log\left({sumexp}\right)",
}
#: a leaky ReLU when layers differ in slope, so that no α is left implicit
LEAKY_EXPLICIT = r"\max\left({0}, {alpha} {0}\right)"
#: the same around another leaky ReLU, whose text max(z, αz) would otherwise double per level
LEAKY_CALL = r"{name}\left({0}, {alpha}\right)"
#: how the derivative of ReLU at z is written, per profile style
STEP_TEMPLATES = {
    "g": "{g}",
    "prime": r"{name}'\left({arg}\right)",
    "iverson": r"\left[{arg} {rel} 0\right]",
    "indicator": r"\mathbf{{1}}\left[{arg} {rel} 0\right]",
}


def head_latex(head: str, bold: bool = False) -> str:
    """theta → \\theta, yhat → \\hat{y}, yprime → y', target → \\text{target}.

    ``bold`` sets the letter in bold inside any accent: yhat → \\hat{\\mathbf{y}}.
    """
    if head.endswith("hat") and len(head) > 3:
        return r"\hat{" + head_latex(head[:-3], bold) + "}"
    if head.endswith("prime") and len(head) > 5:
        return head_latex(head[:-5], bold) + "'"
    core = "\\" + head if head in GREEK else head if len(head) == 1 else r"\text{" + head + "}"
    return r"\mathbf{" + core + "}" if bold else core


def split_name(name: str) -> tuple[str, tuple[str, ...]]:
    """w_111 → (w, (111,)); w_1_12_3 → (w, (1, 12, 3)); yhat → (yhat, ())."""
    head, _, rest = name.partition("_")
    return head, tuple(p for p in rest.split("_") if p)


def subscript(base: str, parts: Iterable[str]) -> str:
    """base_{p1,p2}; no subscript when there are no parts."""
    parts = tuple(parts)
    return base + ("_{" + ",".join(parts) + "}" if parts else "")


def reduction_prefix(scale: sp.Expr, printed: str, sample: str, single: bool) -> str:
    """What stands before a per-sample loss: its factor (``printed`` is its LaTeX; none
    for 1, a minus for −1) and Σ_{n=1}^{N} unless the loss is of one sample."""
    front = "" if scale == 1 else "-" if scale == -1 else printed + " "
    return front + ("" if single else r"\sum_{" + sample + "=1}^{N} ")


def name_latex(name: str) -> str:
    """LaTeX of an engine name: w_111 → w_{111}, yhat_1 → \\hat{y}_{1}, w_1_12_3 → w_{1,12,3}."""
    head, parts = split_name(name)
    return subscript(head_latex(head), parts)


#: one TeX token at the top level: a control word, a control symbol, a space run, a character
_TEX_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)


def _top_tokens(text: str) -> list[tuple[int, str]]:
    """(start, token) at brace depth 0, a {…} group being one token."""
    out: list[tuple[int, str]] = []
    depth, start = 0, 0
    for m in _TEX_TOKEN.finditer(text):
        tok = m.group()
        if depth:
            depth += (tok == "{") - (tok == "}")
            if depth == 0:
                out.append((start, text[start:m.end()]))
        elif tok == "{":
            depth, start = 1, m.start()
        elif not tok.isspace():
            out.append((m.start(), tok))
    return out


def split_scripts(text: str) -> tuple[str, str | None, str]:
    """``y_{a}^{2}`` → (``y``, ``a``, ``^{2}``): the base, the trailing subscript (None when
    there is none) and what follows it (primes, a superscript), so that an index can join
    the subscript instead of making a second one (y_1'_{n} does not compile)."""
    tokens = _top_tokens(text)
    sub, sup, cut = None, [], len(text)
    while tokens:
        if tokens[-1][1] == "'":
            cut = tokens.pop()[0]
            sup.insert(0, "'")
        elif len(tokens) >= 2 and tokens[-2][1] in ("_", "^"):
            arg, (cut, mark) = tokens.pop()[1], tokens.pop()
            if mark == "_" and sub is None:
                sub = arg[1:-1] if arg.startswith("{") else arg
            elif mark == "^" and not any(p.startswith("^") for p in sup):
                sup.append("^" + (arg if arg.startswith("{") else "{" + arg + "}"))
            else:  # a second script of one kind: not ours to reorder
                return text, None, ""
        else:
            break
    if sub is None:
        return text, None, ""
    return text[:cut].rstrip(), sub, "".join(sup)


def superscript_then_subscript(text: str) -> bool:
    """Whether the trailing scripts of ``text`` put a subscript after primes (R''_{n}):
    another superscript would then be a double one."""
    primes = False
    for _, tok in _top_tokens(text):
        if tok == "'":
            primes = True
        elif tok == "_" and primes:
            return True
        elif tok not in ("_", "^") and not tok.startswith("{"):
            primes = False
    return False


@dataclass(frozen=True)
class SymbolLatex:
    """How one symbol prints: base, subscript parts, then ``sup`` (primes, a superscript);
    ``data`` adds the sample index to the parts."""

    base: str
    parts: tuple[str, ...] = ()
    data: bool = False
    call: str | None = None
    sup: str = ""

    @classmethod
    def parse(cls, text: str, data: bool) -> "SymbolLatex":
        """Split an override such as ``\\hat{y}_{1}`` or ``y_{a}^{2}`` so that a sample
        index can join its subscript."""
        base, sub, sup = split_scripts(text)
        if sub is None:
            return cls(text, (), data)
        return cls(base, tuple(sub.split(",")), data, sup=sup)


class NotationPrinter(LatexPrinter):
    """SymPy's LaTeX printer with a document's symbols and function names."""

    def __init__(self, notation: "Notation", sample: bool = True, mul: str | None = None,
                 label: str | None = None) -> None:
        symbol = (mul if mul is not None else notation.profile.mul).strip() or None
        super().__init__({"order": "none", "mul_symbol": symbol and f" {symbol} "})
        #: ``label`` writes one sample's number (z_{1,2}) instead of the sample letter
        self.notation, self.sample, self.label = notation, sample, label

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return self.notation.symbol(expr, self.sample, self.label)

    def parenthesize_super(self, s: str) -> str:
        """Brackets around a symbol that is raised to a power when its text already has a
        superscript: sympy looks for "^" only, but y''_{n} has one too (y''_{n}^{2} does
        not compile)."""
        if "^" in s or superscript_then_subscript(s):
            return r"\left(" + s + r"\right)"
        return s

    def _wrap(self, body: str, exp: str | None) -> str:
        return body if exp is None else r"\left(" + body + r"\right)^{" + exp + "}"

    def _print_table(self, expr: sp.Expr, exp: str | None = None) -> str:
        key = ACTIVATION_KEYS.get(expr.func) or ("leaky_relu" if expr.func is LeakyPrime else "")
        name = self.notation.function_name(key, expr.args[0]) if key else ""
        # every argument is printed exactly once: printing stays linear in the expression
        args = [self._print(a) for a in expr.args]
        sumexp = " + ".join(r"e^{" + a + "}" for a in args) if expr.func is LogSumExp else ""
        template = FUNCTION_TEMPLATES[expr.func]
        if expr.func is LeakyRelu and self.notation.alpha is None:
            template = LEAKY_CALL if expr.args[0].has(LeakyRelu) else LEAKY_EXPLICIT
        body = template.format(args[0], name=name, sumexp=sumexp, alpha=args[-1])
        return self._wrap(body, exp)

    def _print_Function(self, expr: sp.Expr, exp: str | None = None) -> str:
        # SymPy's fallback would print an unknown function in its own notation, which the
        # reader may not read back; refusing keeps every rendered formula checkable
        raise UnsupportedError(f"no LaTeX printing rule for {type(expr).__name__}")

    _print_Sigmoid = _print_Relu = _print_LeakyRelu = _print_Softplus = _print_tanh = _print_table
    _print_LeakyPrime = _print_exp = _print_log = _print_Abs = _print_Sign = _print_table
    _print_sin = _print_cos = _print_table
    _print_LogSumExp = _print_table

    def _print_Sum(self, expr: sp.Sum) -> str:
        # one \sum per index, outermost first, as the documents write nested sums (SymPy
        # would stack them under one sign, which the reader does not take)
        signs = "".join(r"\sum_{" + self._print(v) + "=" + self._print(a) + "}^{" +
                        self._print(b) + "} " for v, a, b in reversed(expr.limits))
        body = self._print(expr.function)
        return signs + (r"\left(" + body + r"\right)" if expr.function.is_Add else body)

    def _print_Step(self, expr: sp.Expr, exp: str | None = None) -> str:
        arg, at0 = expr.args
        style, g, name = self.notation.step_style(arg)
        text = STEP_TEMPLATES[style].format(
            g=g and subscript(g.base, g.parts + ((self.label or self.notation.sample,)
                                                 if self.sample and self.notation.sample
                                                 else ())),
            name=name, arg=self._print(arg), rel=">" if at0 == 0 else r"\geq")
        return self._wrap(text, exp)
