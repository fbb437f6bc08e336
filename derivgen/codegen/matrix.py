"""NumPy code for matrix form: one assignment per node and per adjoint, GEMMs as ``@``.

Products with a matrix of ones are sums along an axis (``1ᵀG`` is
``G.sum(axis=0)``) or broadcasts (``1_N bᵀ`` is ``b.T``); entrywise functions
print through the scalar printer of :mod:`derivgen.codegen.scalar`, so the stable
sigmoid and the chosen ReLU'(0) are the same in both forms.  Vectors are
columns inside the generated code; :mod:`derivgen.model.matrix` reshapes them.
"""
from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy import HadamardPower, HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose

from derivgen.codegen.compile import check_kind, compile_source
from derivgen.codegen.scalar import ScalarNumPyPrinter
from derivgen.engine.reverse import Derivation
from derivgen.errors import UnsupportedError
from derivgen.ops.functions import Step
from derivgen.ops.kinks import kink_arguments
from derivgen.ops.losses import loss
from derivgen.ops.matexpr import BatchLoss, Elementwise, Softmax, Total

def _is_ones(m: sp.Basic, rows: bool) -> bool:
    """A column (rows=True: k×1) or row (1×k) of ones."""
    return isinstance(m, OneMatrix) and (m.shape[1] == 1 if rows else m.shape[0] == 1)


class MatrixNumPyPrinter(ScalarNumPyPrinter):
    """NumPy printing of matrix expressions over named arrays."""

    def _paren(self, expr: sp.Basic) -> str:
        text = self._print(expr)
        return text if text.isidentifier() else f"({text})"

    def _print_MatrixSymbol(self, expr: MatrixSymbol) -> str:
        return self._names[expr]

    def _print_MatAdd(self, expr: MatAdd) -> str:
        return " + ".join(self._print(a) for a in expr.args)

    def _print_MatMul(self, expr: MatMul) -> str:
        coeff = sp.Mul(*(a for a in expr.args if not a.is_Matrix))
        mats = [a for a in expr.args if a.is_Matrix]
        text = self._product(mats)
        if coeff == 1:
            return text
        if coeff == -1:
            return f"-{self._wrap(text)}"
        return f"{self._paren(coeff)} * {self._wrap(text)}"

    @staticmethod
    def _wrap(text: str) -> str:
        return text if text.replace(".", "").replace("_", "").isalnum() else f"({text})"

    def _product(self, mats: list) -> str:
        if len(mats) == 1 and isinstance(mats[0], OneMatrix):
            return "1.0"  # c·1 added to a matrix: NumPy broadcasts the scalar
        if mats and _is_ones(mats[-1], rows=False) and len(mats) > 1 and mats[-2].shape[1] == 1:
            return self._product(mats[:-1])            # b 1ᵀ: broadcast a column
        if mats and _is_ones(mats[0], rows=True) and len(mats) > 1 and mats[1].shape[0] == 1:
            return self._product(mats[1:])             # 1 bᵀ: broadcast a row
        if len(mats) > 1 and _is_ones(mats[-1], rows=True):
            return f"{self._wrap(self._product(mats[:-1]))}.sum(axis=1, keepdims=True)"
        if len(mats) > 1 and _is_ones(mats[0], rows=False):
            return f"{self._wrap(self._product(mats[1:]))}.sum(axis=0, keepdims=True)"
        return " @ ".join(self._paren(m) for m in mats)

    def _print_Transpose(self, expr: Transpose) -> str:
        return f"{self._paren(expr.arg)}.T"

    def _print_HadamardProduct(self, expr: HadamardProduct) -> str:
        return " * ".join(self._paren(a) for a in expr.args)

    def _print_HadamardPower(self, expr: HadamardPower) -> str:
        return f"{self._paren(expr.base)} ** {self._print(expr.exp)}"

    def _print_Elementwise(self, expr: Elementwise) -> str:
        stand_ins = [sp.Symbol(f"_m{i}") for i in range(len(expr.mats))]
        for s, m in zip(stand_ins, expr.mats):
            self._names[s] = self._paren(m)
        return self._print(expr.body(stand_ins))

    def _print_Step(self, expr: Step) -> str:
        # a bare boolean mask: multiplying by it is as fast as hand-written code
        op = ">" if expr.args[1] == 0 else ">="
        return f"({self._print(expr.args[0])} {op} 0)" if expr.args[1] in (0, 1) \
            else self._print_Function(expr)

    def _print_Softmax(self, expr: Softmax) -> str:
        return f"_rt.softmax({self._print(expr.arg)}, {expr.axis})"

    def _print_Total(self, expr: Total) -> str:
        return f"{self._wrap(self._print(expr.arg))}.sum()"

    def _print_BatchLoss(self, expr: BatchLoss) -> str:
        text = loss(expr.kind).numpy.format(z=self._paren(expr.z), y=self._paren(expr.y),
                                            a=expr.axis)
        return f"({text})"

    def _print_OneMatrix(self, expr: OneMatrix) -> str:
        raise UnsupportedError("a matrix of ones outside a sum or broadcast")


def flat_layout(graph) -> list[tuple[str, int, int, tuple[int, ...]]]:
    """(name, start, stop, shape) of each parameter in one flat vector, in order.

    Weight matrices are raveled in C order; a bias vector is (units,) in the rows
    layout and (units, 1) in the columns layout, as the generated code reads it.
    """
    out, start = [], 0
    for p in graph.params:
        shape = graph.shape(p)
        if shape and shape[1] == 1 and graph.layout == "rows":
            shape = (shape[0],)
        size = 1
        for s in shape:
            size *= s
        out.append((str(p), start, start + size, shape))
        start += size
    return out


def _prologue(g, names: dict, flat: bool) -> list[str]:
    if not flat:
        return [f"    {names[p]} = params[{str(p)!r}]" for p in g.params]
    lines = []
    for p, (_, a, b, shape) in zip(g.params, flat_layout(g)):
        if not shape:
            lines.append(f"    {names[p]} = theta[{a}]")
        elif len(shape) == 1:
            lines.append(f"    {names[p]} = theta[{a}:{b}]")
        else:
            lines.append(f"    {names[p]} = theta[{a}:{b}].reshape({shape})")
    return lines


def matrix_source(derivation: Derivation, what: str, flat: bool = False) -> str:
    """Python source of ``generated(params, x, y)`` for gradient/inputs/loss/values/kinks.

    ``params`` maps names to arrays (a bias vector is (units,) in the rows layout and
    a column in the columns layout).  With ``flat`` the function is
    ``generated(theta, x, y)`` over one flat vector laid out by :func:`flat_layout`
    and the gradient comes back as one flat vector in the same layout.
    """
    g = derivation.graph
    names: dict[sp.Basic, str] = {s: f"v_{s}" for s in (g.x, g.y, *g.params, *g.nodes)}
    names.update({adj: f"d_{node}" for node, adj in derivation.adjoint_symbols.items()})
    names.update({d: str(size) for d, size in g.sizes.items()})
    names[g.batch] = "n"
    printer = MatrixNumPyPrinter(names)
    lines = [f"def generated({'theta' if flat else 'params'}, x, y):",
             f"    n = x.shape[{0 if g.layout == 'rows' else 1}]",
             f"    {names[g.x]} = x", f"    {names[g.y]} = y"]
    lines += _prologue(g, names, flat)
    forward = [(s, n.expr) for s, n in g.nodes.items() if s != g.loss]
    if what in ("loss", "values"):
        forward.append((g.loss, g.nodes[g.loss].expr))
    lines += [f"    {names[s]} = {printer.doprint(e)}" for s, e in forward]
    if what in ("gradient", "inputs", "values"):
        lines += [f"    {names[derivation.adjoint_symbols[s]]} = {printer.doprint(e)}"
                  for s, e in derivation.adjoints.items() if s != g.loss]
    if what == "gradient" and flat:
        parts = [f"numpy.ravel({printer.doprint(e)})" for e in derivation.param_adjoints.values()]
        lines.append("    return numpy.concatenate((" + ", ".join(parts) + ",))")
    elif what == "gradient":  # bias vectors come back as (units,), as callers pass them
        vectors = {layer.bias for layer in getattr(g, "layers", ())}
        pairs = [f"{str(p)!r}: " + (f"numpy.ravel({printer.doprint(e)})" if p in vectors
                                    and g.shape(p) else printer.doprint(e))
                 for p, e in derivation.param_adjoints.items()]
        lines.append("    return {" + ", ".join(pairs) + "}")
    elif what == "inputs":
        lines.append(f"    return {printer.doprint(derivation.input_adjoints[g.x])}")
    elif what == "loss":
        lines.append(f"    return {names[g.loss]}")
    elif what == "values":
        pairs = [f"{str(s)!r}: {names[s]}" for s in g.nodes]
        pairs += [f"'dL/d{s}': {names[a]}" for s, a in derivation.adjoint_symbols.items()
                  if s != g.loss]
        pairs += [f"'dL/d{p}': {printer.doprint(e)}" for p, e in derivation.param_adjoints.items()]
        if g.x in derivation.leaves:
            pairs.append(f"'dL/d{g.x}': {printer.doprint(derivation.input_adjoints[g.x])}")
        lines.append("    return {" + ", ".join(pairs) + "}")
    elif what == "kinks":
        kinks = kink_arguments(sp.Tuple(*(n.expr for n in g.nodes.values())))
        lines.append("    return [" + ", ".join(printer.doprint(a) for a in kinks) + "]")
    else:
        check_kind(what)
    return "\n".join(lines) + "\n"


def compile_matrix_function(derivation: Derivation, what: str = "gradient",
                            flat: bool = False) -> tuple[Callable, str]:
    """Return (function, its source) for ``what``: gradient, inputs, loss, values or kinks."""
    source = matrix_source(derivation, check_kind(what), flat)
    return compile_source(source, f"matrix {what}"), source
