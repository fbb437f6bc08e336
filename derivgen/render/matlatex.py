"""LaTeX for matrix form: bold matrices, shapes under symbols, ⊙ and ᵀ.

:class:`MatrixLatexPrinter` extends the scalar :class:`~derivgen.latex.NotationPrinter`'s
parent, SymPy's ``LatexPrinter``, with one ``_print_X`` per matrix construct
(one table of loss templates, one line each).  Entrywise functions print their
scalar body through the same printer, with ⊙ between factors, so
ReLU'(S) is [S > 0] with the spec's value at 0 said in the notes.
"""
from __future__ import annotations

import sympy as sp
from sympy import MatrixSymbol, OneMatrix
from sympy.printing.latex import LatexPrinter

from derivgen.ops.functions import Sign, Step
from derivgen.errors import UnsupportedError
from derivgen.ops.activations import BY_FUNCTION
from derivgen.ops.losses import loss
from derivgen.ops.matexpr import BatchLoss, Elementwise, Softmax, Total

#: scalar functions inside an entrywise body: the activations' LaTeX names (registry), exp, log
ENTRY_FUNCTIONS = {**{f: op.latex for f, op in BY_FUNCTION.items()},
                   sp.exp: r"\exp", sp.log: r"\log"}


class MatrixLatexPrinter(LatexPrinter):
    """Matrix expressions of a :class:`~derivgen.matgraph.MatGraph` as LaTeX."""

    def __init__(self, names: dict[sp.Basic, str], matmul: str = " ",
                 outputs: dict[sp.Basic, sp.Basic] | None = None) -> None:
        super().__init__({"mul_symbol": None})
        self._names = names
        self._matmul = matmul
        #: logits → the output node they feed, for the loss (softmax(Z) is P)
        self._outputs = outputs or {}

    def _print_MatrixSymbol(self, expr: MatrixSymbol) -> str:
        return self._names.get(expr) or bold(expr.name)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return self._names.get(expr) or super()._print_Symbol(expr)

    def _print_OneMatrix(self, expr: OneMatrix) -> str:
        rows, cols = (self._print(n) for n in expr.shape)
        if expr.shape[1] == 1:
            return rf"\mathbf{{1}}_{{{rows}}}"
        if expr.shape[0] == 1:
            return rf"\mathbf{{1}}_{{{cols}}}^T"
        return rf"\mathbf{{1}}_{{{rows} \times {cols}}}"

    def _print_Transpose(self, expr) -> str:
        arg = self._print(expr.arg)
        simple = isinstance(expr.arg, MatrixSymbol) and "\\frac" not in arg
        return f"{arg}^T" if simple else rf"\left({arg}\right)^T"

    def _factor(self, m: sp.Basic, within: type = sp.MatMul) -> str:
        """``m`` as a factor of a product (``within``), parenthesised where it would mislead."""
        text = self._print(m)
        loose = (sp.MatAdd, sp.Add, sp.HadamardProduct if within is sp.MatMul else sp.MatMul)
        entrywise_sum = isinstance(m, Elementwise) and isinstance(m.function.expr, sp.Add)
        return rf"\left({text}\right)" if isinstance(m, loose) or entrywise_sum else text

    def _print_Mul(self, expr: sp.Mul) -> str:
        coeff, rest = expr.as_coeff_Mul()
        if isinstance(rest, (BatchLoss, Total)) or (
                rest.is_Mul and any(isinstance(a, BatchLoss) for a in rest.args)):
            factors = sp.Mul.make_args(expr)
            scale = sp.Mul(*(a for a in factors if not isinstance(a, (BatchLoss, Total))))
            terms = [a for a in factors if isinstance(a, (BatchLoss, Total))]
            body = " ".join(self._print(t) for t in terms)
            if scale == 1:
                return body
            # a loss printed with a leading minus (cross-entropy) is bracketed after a factor
            negative = any(isinstance(t, BatchLoss) and loss(t.kind).latex.startswith("-")
                           for t in terms[:1])
            text = self._print(scale)
            return rf"{text} \left({body}\right)" if negative else f"{text} {body}"
        return super()._print_Mul(expr)

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        coeff = sp.Mul(*(a for a in expr.args if not a.is_Matrix))
        mats = [a for a in expr.args if a.is_Matrix]
        sep = " " if self._matmul.strip() == "" else f" {self._matmul.strip()} "
        body = sep.join(self._factor(m) for m in mats)
        if coeff == 1:
            return body
        if coeff == -1:
            return f"- {body}"
        return f"{self._print(coeff)} {body}"

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        text = self._print(expr.args[0])
        for term in expr.args[1:]:
            # a negated term prints its own "- " (MatMul with coefficient −1): no "+" before it
            text += f" {self._print(term)}" if _negated(term) else f" + {self._print(term)}"
        return text

    def pieces(self, expr: sp.Basic):
        """Where a long line may break: before a term, a matrix factor or an entrywise
        factor; inside the brackets of a factor (for :mod:`derivgen.render.breaking`)."""
        from derivgen.render.breaking import E, Group, Join, Seq

        def factor(m: sp.Basic, within: type) -> object:
            text = self._factor(m, within)
            inner = E(m, self)
            return Group(r"\left(", inner, r"\right)") if text.startswith(r"\left(") and \
                text != self._print(m) else inner

        if isinstance(expr, sp.MatAdd):
            return Join(tuple(("" if i == 0 else " " if _negated(t) else " + ", E(t, self))
                              for i, t in enumerate(expr.args)))
        if isinstance(expr, sp.HadamardProduct):
            return Join(tuple(("" if i == 0 else r" \odot ", factor(a, sp.HadamardProduct))
                              for i, a in enumerate(expr.args)))
        if isinstance(expr, sp.MatMul):
            coeff = sp.Mul(*(a for a in expr.args if not a.is_Matrix))
            mats = [a for a in expr.args if a.is_Matrix]
            sep = " " if self._matmul.strip() == "" else f" {self._matmul.strip()} "
            body = Join(tuple(("" if i == 0 else sep, factor(m, sp.MatMul))
                              for i, m in enumerate(mats)))
            front = "" if coeff == 1 else "- " if coeff == -1 else f"{self._print(coeff)} "
            return Seq((front, body)) if front else body
        if isinstance(expr, sp.Transpose) and not isinstance(expr.arg, MatrixSymbol):
            return Group(r"\left(", E(expr.arg, self), r"\right)^T")
        return None

    def _print_HadamardProduct(self, expr) -> str:
        return r" \odot ".join(self._factor(a, sp.HadamardProduct) for a in expr.args)

    def _print_HadamardPower(self, expr) -> str:
        return rf"{self._factor(expr.base)}^{{\circ {self._print(expr.exp)}}}"

    def _print_Elementwise(self, expr: Elementwise) -> str:
        stand_ins = [sp.Symbol(f"_m{i}") for i in range(len(expr.mats))]
        inner = dict(self._names)
        inner.update({s: self._factor(m) for s, m in zip(stand_ins, expr.mats)})
        return _EntryPrinter(inner, self._matmul).doprint(expr.body(stand_ins))

    def _print_Function(self, expr: sp.Basic, exp: str | None = None) -> str:
        # SymPy's fallback notation is not derivgen's: an unknown function is an error
        raise UnsupportedError(f"no LaTeX printing rule for {type(expr).__name__}")

    def _print_Softmax(self, expr: Softmax) -> str:
        return rf"\operatorname{{softmax}}\left({self._print(expr.arg)}\right)"

    def _print_Total(self, expr: Total) -> str:
        if isinstance(expr.arg, sp.HadamardPower) and expr.arg.exp == 2:
            return rf"\left\| {self._print(expr.arg.base)} \right\|_F^2"
        return rf"\sum {self._factor(expr.arg)}"

    def _print_BatchLoss(self, expr: BatchLoss) -> str:
        output = self._outputs.get(expr.z, expr.z)
        return loss(expr.kind).latex.format(z=self._print(expr.z), p=self._print(output),
                                            y=self._print(expr.y),
                                            c=self._print(expr.classes))


class _EntryPrinter(MatrixLatexPrinter):
    """The scalar body of an entrywise function, its products written with ⊙."""

    def _print_Mul(self, expr: sp.Mul) -> str:
        coeff, factors = expr.as_coeff_mul()
        body = r" \odot ".join(self._paren(f) for f in factors)
        return body if coeff == 1 else (f"- {body}" if coeff == -1
                                        else f"{self._print(coeff)} {body}")

    def _paren(self, f: sp.Basic) -> str:
        text = self._print(f)
        return rf"\left({text}\right)" if isinstance(f, sp.Add) else text

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.args
        if exp.is_Integer and exp > 1:  # an entrywise power of a matrix
            return rf"{self._paren(base)}^{{\circ {exp}}}"
        return super()._print_Pow(expr)  # SymPy's takes the expression only

    def _print_Step(self, expr: Step) -> str:
        rel = ">" if expr.args[1] == 0 else r"\geq"
        return rf"\left[{self._print(expr.args[0])} {rel} 0\right]"

    def _print_Sign(self, expr: Sign) -> str:
        return rf"\operatorname{{sign}}\left({self._print(expr.args[0])}\right)"

    def _print_Function(self, expr, exp=None) -> str:
        name = ENTRY_FUNCTIONS.get(expr.func)
        if name is None:
            return super()._print_Function(expr, exp)
        return rf"{name}\left({self._print(expr.args[0])}\right)"

    _print_Sigmoid = _print_Relu = _print_Softplus = _print_LeakyRelu = _print_Function


def _negated(term: sp.Basic) -> bool:
    """A term that prints with a leading minus: a product with a negative coefficient."""
    if isinstance(term, sp.MatMul):
        coeff = sp.Mul(*(a for a in term.args if not a.is_Matrix))
        return bool(coeff.is_number and coeff.is_negative)
    return bool(getattr(term, "could_extract_minus_sign", lambda: False)())


def bold(name: str) -> str:
    """A matrix name in bold, its subscript kept: s_1 → \\mathbf{s}_{1}, yhat → \\hat{\\mathbf{y}}."""
    head, _, sub = name.partition("_")
    if head.endswith("hat") and len(head) > 3:
        core = rf"\hat{{\mathbf{{{head[:-3]}}}}}"
    else:
        core = rf"\mathbf{{{head}}}"
    return f"{core}_{{{sub.replace('_', ',')}}}" if sub else core


def shape_latex(shape: tuple) -> str:
    """[N \\times H] for a shape of symbols."""
    return "[" + r" \times ".join(sp.latex(s) for s in shape) + "]"
