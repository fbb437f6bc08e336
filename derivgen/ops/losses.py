"""The loss registry: one record per loss, everything derivgen knows of it.

Each record holds the per-sample formula the engine differentiates, the form a
document writes it in, its matrix-form gradient over a batch, how the batch
loss prints in NumPy and LaTeX, its names in prose, the output layer it needs,
and which targets make sense for it.  Every other table of losses in derivgen
is derived from :data:`LOSSES`.

Losses are per sample; ``mse`` and ``mae`` average over the outputs.  The two
cross-entropies are written on the logits (log-sum-exp and softplus), so that
their gradients come out as p − y and the code stays stable.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

import sympy as sp
from sympy import MatAdd, MatMul
from sympy.matrices.expressions.matexpr import MatrixExpr

from derivgen.errors import UnsupportedError
from derivgen.ops.functions import LogSumExp, Sigmoid, Sign, Softplus
from derivgen.ops.matexpr import BatchLoss, Softmax, apply

Half = sp.Rational(1, 2)
Row = Sequence[sp.Expr]


def _sum(terms: Sequence[sp.Expr]) -> sp.Expr:
    """A sum kept as written (for documents): one term stays itself."""
    return sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def _minus(z: MatrixExpr, y: MatrixExpr) -> MatrixExpr:
    return MatAdd(z, MatMul(-1, y))


@dataclass(frozen=True)
class LossOp:
    """Everything about one loss; see the module docstring."""

    name: str
    #: per-sample loss from outputs z (the logits when ``output`` is set), targets y and
    #: residuals r = z − y (the scalar graph passes its residual nodes)
    sample: Callable[[Row, Row, Row], sp.Expr]
    #: (coefficient, body) as documents write it, from residuals r, outputs f, targets y
    document: Callable[[list, list, list], tuple[sp.Expr, sp.Expr]]
    #: matrix form: ∂(the loss summed over the batch)/∂Z, given the BatchLoss and at0
    matrix_vjp: Callable[[BatchLoss, sp.Expr], MatrixExpr]
    #: NumPy of the batch loss from Z ({z}), Y ({y}) and the class axis ({a})
    numpy: str
    #: LaTeX of the batch loss: {p} the output node, {y} the targets, {c} the outputs
    latex: str
    #: prose names, as the templates print them
    prose: Mapping[str, str]
    #: the output activation the loss is written through (its logits), or None
    output: Optional[str] = None
    #: targets that make sense: "real", "unit" (each in [0, 1]) or "simplex" (rows sum to 1)
    targets: str = "real"
    #: not differentiable where an output equals its target
    kink: bool = False
    #: other names a spec may use
    aliases: tuple[str, ...] = ()


LOSSES: dict[str, LossOp] = {op.name: op for op in (
    LossOp("half_sse",
           lambda z, y, r: Half * sp.Add(*(ri ** 2 for ri in r)),
           lambda r, f, y: (Half, _sum([ri ** 2 for ri in r])),
           lambda e, k: _minus(e.z, e.y),
           "0.5 * (({z} - {y}) ** 2).sum()",
           r"\frac{{1}}{{2}} \left\| {p} - {y} \right\|_F^2",
           {"en": "Squared error with a factor of one half",
            "ru": "Квадрат ошибки с множителем одна вторая"}),
    LossOp("sse",
           lambda z, y, r: sp.Add(*(ri ** 2 for ri in r)),
           lambda r, f, y: (sp.Integer(1), _sum([ri ** 2 for ri in r])),
           lambda e, k: MatMul(2, _minus(e.z, e.y)),
           "(({z} - {y}) ** 2).sum()",
           r"\left\| {p} - {y} \right\|_F^2",
           {"en": "Squared error", "ru": "Квадрат ошибки"}),
    LossOp("mse",
           lambda z, y, r: sp.Add(*(ri ** 2 for ri in r)) / len(r),
           lambda r, f, y: (sp.Rational(1, len(r)), _sum([ri ** 2 for ri in r])),
           lambda e, k: MatMul(2 / e.classes, _minus(e.z, e.y)),
           "(({z} - {y}) ** 2).sum() / {z}.shape[{a}]",
           r"\frac{{1}}{{{c}}} \left\| {p} - {y} \right\|_F^2",
           {"en": "Mean squared error", "ru": "Среднеквадратичная ошибка"}),
    LossOp("mae",
           lambda z, y, r: sp.Add(*(sp.Abs(ri) for ri in r)) / len(r),
           lambda r, f, y: (sp.Rational(1, len(r)), _sum([sp.Abs(ri) for ri in r])),
           lambda e, k: MatMul(1 / e.classes, apply(lambda a, b: Sign(a - b, k), e.z, e.y)),
           "numpy.abs({z} - {y}).sum() / {z}.shape[{a}]",
           r"\frac{{1}}{{{c}}} \sum \left| {p} - {y} \right|",
           {"en": "Mean absolute error", "ru": "Средняя абсолютная ошибка"}, kink=True),
    # −Σ y log softmax(s) = LSE(s) − Σ y s when Σ y = 1; the right side is the definition
    LossOp("cross_entropy",
           lambda z, y, r: LogSumExp(*z) - sp.Add(*(a * b for a, b in zip(z, y))),
           lambda r, f, y: (sp.Integer(-1), _sum([b * sp.log(a) for a, b in zip(f, y)])),
           lambda e, k: _minus(Softmax(e.z, e.axis), e.y),
           "_rt.cross_entropy({z}, {y}, {a})",
           r"- \sum {y} \odot \log {p}",
           {"en": "Cross-entropy of the softmax output",
            "ru": "Перекрёстная энтропия для выхода softmax"},
           output="softmax", targets="simplex", aliases=("softmax_cross_entropy",)),
    # −[y log σ(s) + (1 − y) log(1 − σ(s))] = softplus(s) − y s
    LossOp("bce",
           lambda z, y, r: sp.Add(*(Softplus(a) - b * a for a, b in zip(z, y))),
           lambda r, f, y: (sp.Integer(-1), _sum([b * sp.log(a) + (1 - b) * sp.log(1 - a)
                                                  for a, b in zip(f, y)])),
           lambda e, k: _minus(apply(Sigmoid, e.z), e.y),
           "(_rt.softplus({z}) - {y} * {z}).sum()",
           r"- \sum \left( {y} \odot \log {p} + (1 - {y}) \odot \log (1 - {p}) \right)",
           {"en": "Binary cross-entropy of the sigmoid output",
            "ru": "Бинарная перекрёстная энтропия для сигмоидного выхода"},
           output="sigmoid", targets="unit", aliases=("binary_cross_entropy",)),
)}

#: every name a spec may write for a loss → its record's name
SPEC_NAMES: dict[str, str] = {**{n: n for n in LOSSES},
                              **{a: op.name for op in LOSSES.values() for a in op.aliases}}


def loss(name: str) -> LossOp:
    """The record of ``name``, or an :class:`UnsupportedError` naming the known ones."""
    op = LOSSES.get(SPEC_NAMES.get(name, ""))
    if op is None:
        raise UnsupportedError(f"unknown loss {name!r}; known: " + ", ".join(LOSSES))
    return op


def output_mismatch(name: str, output_activation: str | None) -> str | None:
    """Why loss ``name`` cannot follow this output layer, or None when it can."""
    needs = loss(name).output
    if needs is not None and output_activation != needs:
        return f"loss {name} needs a network whose output layer is {needs}"
    return None


def explicit_loss(e: BatchLoss) -> sp.Expr:
    """A :class:`BatchLoss` as one scalar expression (concrete sizes only), row by row."""
    z, y = e.z.as_explicit(), e.y.as_explicit()
    if e.axis == 0:
        z, y = z.T, y.T
    sample = loss(e.kind).sample
    return sp.Add(*(sample(list(z.row(n)), list(y.row(n)),
                           [a - b for a, b in zip(z.row(n), y.row(n))]) for n in range(z.rows)))
