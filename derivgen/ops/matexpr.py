"""Matrix-valued building blocks of matrix form that SymPy does not have.

SymPy supplies MatrixSymbol, MatMul, MatAdd, Transpose, HadamardProduct and
OneMatrix.  derivgen adds elementwise application of its scalar functions, a
softmax along one axis, the batch losses and the L2 penalty.  Each defines
``_entry`` (or ``explicit``) so that a test can expand it at small concrete
sizes and compare it, entry by entry, with the scalar derivation.
"""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from derivgen.ops.functions import LogSumExp


class Elementwise(MatrixExpr):
    """``f(A, B, …)`` applied entry by entry; ``f`` is a SymPy Lambda of scalars.

    One argument is the usual case (ReLU(S), [S > 0]); two let a derivative be
    written through a node's own value (σ' = O ⊙ (1 − O)).
    """

    def __new__(cls, function: sp.Lambda, *mats: MatrixExpr):
        if len(function.variables) != len(mats) or not mats:
            raise ValueError("Elementwise needs one matrix per Lambda variable")
        return sp.Basic.__new__(cls, function, *mats)

    @property
    def function(self) -> sp.Lambda:
        return self.args[0]

    @property
    def mats(self) -> tuple[MatrixExpr, ...]:
        return self.args[1:]

    @property
    def shape(self):
        return self.args[1].shape

    def _entry(self, i, j, **kwargs):
        return self.function(*(m[i, j] for m in self.mats))

    def body(self, symbols) -> sp.Expr:
        """The scalar formula with each matrix replaced by the given symbol."""
        return self.function.expr.xreplace(dict(zip(self.function.variables, symbols)))


#: the variables of every Elementwise Lambda: with fixed names, equal bodies make equal
#: expressions, so an adjoint can be recognised as a node of the forward pass
ENTRY_VARS = sp.symbols("u_0:4", real=True)


def apply(body, *mats: MatrixExpr) -> Elementwise:
    """Elementwise(Lambda((u_0, …), body(u_0, …)), *mats)."""
    variables = ENTRY_VARS[:len(mats)]
    return Elementwise(sp.Lambda(variables, body(*variables)), *mats)


class Softmax(MatrixExpr):
    """softmax along ``axis``: 1 normalises each row (rows layout), 0 each column."""

    def __new__(cls, arg: MatrixExpr, axis: int):
        return sp.Basic.__new__(cls, arg, sp.Integer(axis))

    @property
    def arg(self) -> MatrixExpr:
        return self.args[0]

    @property
    def axis(self) -> int:
        return int(self.args[1])

    @property
    def shape(self):
        return self.arg.shape

    def _entry(self, i, j, **kwargs):
        rows, cols = self.arg.shape
        if self.axis == 1:
            others = [self.arg[i, k] for k in range(cols)]
        else:
            others = [self.arg[k, j] for k in range(rows)]
        return sp.exp(self.arg[i, j] - LogSumExp(*others))


class Total(sp.Expr):
    """Σ_ij A_ij, the sum of every entry of a matrix (a scalar)."""

    def __new__(cls, arg: MatrixExpr):
        return sp.Basic.__new__(cls, arg)

    @property
    def arg(self) -> MatrixExpr:
        return self.args[0]

    def explicit(self) -> sp.Expr:
        return sp.Add(*self.arg.as_explicit())


class BatchLoss(sp.Expr):
    """A loss summed over the whole batch: ``BatchLoss(kind, Z, Y, axis)``.

    ``Z`` holds the outputs (logits for cross_entropy and bce), ``Y`` the
    targets; ``axis`` is the axis of the classes (1 in the rows layout).
    The per-sample averaging over outputs of mse and mae is part of the kind;
    :func:`derivgen.ops.losses.explicit_loss` writes it out at concrete sizes.
    """

    def __new__(cls, kind: str, z: MatrixExpr, y: MatrixExpr, axis: int):
        return sp.Basic.__new__(cls, sp.Symbol(kind), z, y, sp.Integer(axis))

    @property
    def kind(self) -> str:
        return self.args[0].name

    @property
    def z(self) -> MatrixExpr:
        return self.args[1]

    @property
    def y(self) -> MatrixExpr:
        return self.args[2]

    @property
    def axis(self) -> int:
        return int(self.args[3])

    @property
    def classes(self) -> sp.Expr:
        return self.z.shape[self.axis]
