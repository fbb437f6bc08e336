"""NumPy code for matrix form: one assignment per node and per adjoint, GEMMs as
``numpy.dot`` (for 2-D operands the same product as ``@``, with less overhead per call:
about 0.4 µs of a 1.5 µs product at seed sizes).

Products with a matrix of ones are sums along an axis (``Gᵀ1`` is a GEMV with a
vector of ones, ``numpy.dot(ones_n, G)``, a fraction of ``G.sum(axis=0)``'s cost) or
broadcasts (``1_N bᵀ`` is ``b.T``); entrywise functions
print through the scalar printer of :mod:`derivgen.codegen.scalar`, so the stable
sigmoid and the chosen ReLU'(0) are the same in both forms.  Vectors are
columns inside the generated code; :mod:`derivgen.model.matrix` reshapes them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp
from sympy import HadamardPower, HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose

from derivgen.codegen.compile import check_kind, compile_source
from derivgen.codegen.scalar import ScalarNumPyPrinter
from derivgen.engine.reverse import Derivation
from derivgen.errors import UnsupportedError
from derivgen.ops.kinks import kink_arguments
from derivgen.ops.losses import loss
from derivgen.ops.matexpr import BatchLoss, Elementwise, Softmax, Total

def _is_ones(m: sp.Basic, rows: bool) -> bool:
    """A column (rows=True: k×1) or row (1×k) of ones."""
    return isinstance(m, OneMatrix) and (m.shape[1] == 1 if rows else m.shape[0] == 1)


class MatrixNumPyPrinter(ScalarNumPyPrinter):
    """NumPy printing of matrix expressions over named arrays.

    ``flat_vectors`` are the column vectors the code holds as 1-D arrays (the rows
    layout's biases), whose transpose is themselves.
    """

    flat_vectors: frozenset = frozenset()

    def __init__(self, names: dict) -> None:
        super().__init__(names)
        #: lengths of the vectors of ones the printed code sums with (their names
        #: are bound once at the top of the generated function: see ones_lines)
        self.ones_used: dict[str, str] = {}

    def _ones(self, length: sp.Basic) -> str | None:
        """The name of a vector of ``length`` ones, or None when the length does not
        print as a plain name or number (the code then sums along an axis)."""
        text = self._print(length)
        if not (text.isidentifier() or text.isdigit()):
            return None
        return self.ones_used.setdefault(text, f"ones_{text}")

    def ones_lines(self) -> list[str]:
        """Statements binding the vectors of ones the printed expressions use."""
        return [f"    {name} = _rt.ones({length})" for length, name in self.ones_used.items()]

    def _paren(self, expr: sp.Basic) -> str:
        text = self._print(expr)
        return text if text.isidentifier() else f"({text})"

    def _print_MatrixSymbol(self, expr: MatrixSymbol) -> str:
        return self._names[expr]

    def _print_MatAdd(self, expr: MatAdd) -> str:
        # a - b, not a + -b: one ufunc instead of two
        def negated(term: sp.Basic) -> bool:
            return isinstance(term, MatMul) and sp.Mul(
                *(a for a in term.args if not a.is_Matrix)) == -1
        terms = sorted(expr.args, key=negated)  # stable: a positive term first if any
        out = self._print(terms[0])
        for term in terms[1:]:
            if negated(term):
                out += " - " + self._wrap(self._product([a for a in term.args if a.is_Matrix]))
            else:
                out += " + " + self._print(term)
        return out

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
        text = self._print(mats[0])
        for m in mats[1:]:  # left to right, as ``a @ b @ c`` groups
            text = f"numpy.dot({text}, {self._print(m)})"
        return text

    def _print_Transpose(self, expr: Transpose) -> str:
        if expr.arg in self.flat_vectors:
            return self._print(expr.arg)  # a bias held as a 1-D array: .T is a no-op
        return f"{self._paren(expr.arg)}.T"

    def vector_sum(self, expr: sp.Basic) -> str | None:
        """``M 1`` (a row sum, as a bias gradient is) as a 1-D array, without the
        keepdims-then-ravel round trip; None when ``expr`` is not of that form."""
        if not isinstance(expr, MatMul) or len(expr.args) != 2 or not _is_ones(
                expr.args[1], rows=True):
            return None
        inner, ones = expr.args
        name = self._ones(ones.shape[0])
        if isinstance(inner, Transpose):
            text = self._print(inner.arg)
            return f"numpy.dot({name}, {text})" if name else f"{self._wrap(text)}.sum(axis=0)"
        text = self._print(inner)
        return f"numpy.dot({text}, {name})" if name else f"{self._wrap(text)}.sum(axis=1)"

    def _print_HadamardProduct(self, expr: HadamardProduct) -> str:
        return " * ".join(self._paren(a) for a in expr.args)

    def _print_HadamardPower(self, expr: HadamardPower) -> str:
        return f"{self._paren(expr.base)} ** {self._print(expr.exp)}"

    def _print_Elementwise(self, expr: Elementwise) -> str:
        stand_ins = [sp.Symbol(f"_m{i}") for i in range(len(expr.mats))]
        for s, m in zip(stand_ins, expr.mats):
            self._names[s] = self._paren(m)
        return self._print(expr.body(stand_ins))

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


def bias_vectors(graph) -> set:
    """The bias vectors of a matrix graph (a weight matrix with one column is a matrix)."""
    return {layer.bias for layer in getattr(graph, "layers", ())
            if getattr(layer.bias, "is_Matrix", False)}


def flat_layout(graph) -> list[tuple[str, int, int, tuple[int, ...]]]:
    """(name, start, stop, shape) of each parameter in one flat vector, in order.

    Weight matrices are raveled in C order; a bias vector is (units,) in the rows
    layout and (units, 1) in the columns layout, as the generated code reads it.
    """
    out, start, vectors = [], 0, bias_vectors(graph)
    for p in graph.params:
        shape = graph.shape(p)
        if p in vectors and shape and graph.layout == "rows":
            shape = (shape[0],)
        size = 1
        for s in shape:
            size *= s
        out.append((str(p), start, start + size, shape))
        start += size
    return out


@dataclass(frozen=True)
class FlatNames:
    """Flat mode: ``theta`` is one vector laid out by :func:`flat_layout`.  With
    ``outputs`` its entries are the scalar parameters ``inputs`` and the gradient comes
    back as a dict over them in the order of ``outputs``; without, as one vector in
    the layout of ``theta`` (what a training loop steps with)."""

    inputs: Sequence[str] = ()
    outputs: Sequence[str] | None = None


def _prologue(g, names: dict, flat: FlatNames | None) -> list[str]:
    if flat is None:
        return [f"    {names[p]} = params[{str(p)!r}]" for p in g.params]
    lines = []
    for p, (_, a, b, shape) in zip(g.params, flat_layout(g)):
        if not shape:
            view = f"theta[{a}]"
        elif len(shape) == 1:
            view = f"theta[{a}:{b}]"
        elif shape[1] == 1:  # indexing with None is cheaper than a reshape
            view = f"theta[{a}:{b}, None]"
        elif shape[0] == 1:
            view = f"theta[None, {a}:{b}]"
        else:
            view = f"theta[{a}:{b}].reshape({shape[0]}, {shape[1]})"
        lines.append(f"    {names[p]} = {view}")
    return lines


def _gradient(g, derivation: Derivation, printer: MatrixNumPyPrinter,
              flat: FlatNames | None) -> list[str]:
    """Statements ending in the gradient as the caller takes it: a dict of arrays (bias
    vectors as (units,)), or in flat mode a dict of floats over the scalar names."""
    vectors = bias_vectors(g)
    arrays: list[tuple[str, bool]] = []  # each gradient's expression; an array or a number
    for p, e in derivation.param_adjoints.items():
        shaped = bool(g.shape(p))
        if p in vectors and shaped:
            text = printer.vector_sum(e) or f"{printer._wrap(printer.doprint(e))}.ravel()"
        else:
            text = printer.doprint(e)
            if flat is not None and shaped:
                text = f"{printer._wrap(text)}.ravel()"
        arrays.append((text, shaped))
    if flat is None:
        return ["    gradient = {" + ", ".join(
            f"{str(p)!r}: {text}" for p, (text, _) in zip(derivation.param_adjoints, arrays))
            + "}"]
    if flat.outputs is None:
        return ["    gradient = numpy.concatenate((" + ", ".join(
            text if shaped else f"[float({text})]" for text, shaped in arrays) + ",))"]
    # list concatenation, unpacking and a dict display: the cheapest way to scalars by name
    slot = {name: f"g_{i}" for i, name in enumerate(flat.inputs)}
    unpack = [f"    {', '.join(slot.values())}, = " + " + ".join(
        f"{text}.tolist()" if shaped else f"[float({text})]" for text, shaped in arrays)]
    return unpack + ["    gradient = {" + ", ".join(
        f"{name!r}: {slot[name]}" for name in flat.outputs) + "}"]


def matrix_source(derivation: Derivation, what: str, flat: FlatNames | None = None) -> str:
    """Python source of ``generated(params, x, y)`` for gradient/inputs/loss/values/kinks,
    or ``loss_gradient`` (both, as a pair).

    ``params`` maps names to arrays (a bias vector is (units,) in the rows layout and
    a column in the columns layout).  With ``flat`` the function is
    ``generated(theta, x, y)`` over one vector of scalar parameters laid out by
    :func:`flat_layout` (see :class:`FlatNames`).
    """
    g = derivation.graph
    names: dict[sp.Basic, str] = {s: f"v_{s}" for s in (g.x, g.y, *g.params, *g.nodes)}
    names.update({adj: f"d_{node}" for node, adj in derivation.adjoint_symbols.items()})
    names.update({d: str(size) for d, size in g.sizes.items()})
    names[g.batch] = "n"
    printer = MatrixNumPyPrinter(names)
    if g.layout == "rows":
        printer.flat_vectors = frozenset(bias_vectors(g))
    lines = [f"def generated({'params' if flat is None else 'theta'}, x, y):",
             f"    n = x.shape[{0 if g.layout == 'rows' else 1}]",
             f"    {names[g.x]} = x", f"    {names[g.y]} = y"]
    lines += _prologue(g, names, flat)
    body: list[str] = []
    forward = [(s, n.expr) for s, n in g.nodes.items() if s != g.loss]
    if what in ("loss", "values", "loss_gradient"):
        forward.append((g.loss, g.nodes[g.loss].expr))
    body += [f"    {names[s]} = {printer.doprint(e)}" for s, e in forward]
    if what in ("gradient", "inputs", "values", "loss_gradient"):
        body += [f"    {names[derivation.adjoint_symbols[s]]} = {printer.doprint(e)}"
                 for s, e in derivation.adjoints.items() if s != g.loss]
    if what == "gradient":
        body += _gradient(g, derivation, printer, flat) + ["    return gradient"]
    elif what == "loss_gradient":
        body += _gradient(g, derivation, printer, flat)
        body.append(f"    return {names[g.loss]}, gradient")
    elif what == "inputs":
        body.append(f"    return {printer.doprint(derivation.input_adjoints[g.x])}")
    elif what == "loss":
        body.append(f"    return {names[g.loss]}")
    elif what == "values":
        pairs = [f"{str(s)!r}: {names[s]}" for s in g.nodes]
        pairs += [f"'dL/d{s}': {names[a]}" for s, a in derivation.adjoint_symbols.items()
                  if s != g.loss]
        pairs += [f"'dL/d{p}': {printer.doprint(e)}" for p, e in derivation.param_adjoints.items()]
        if g.x in derivation.leaves:
            pairs.append(f"'dL/d{g.x}': {printer.doprint(derivation.input_adjoints[g.x])}")
        body.append("    return {" + ", ".join(pairs) + "}")
    elif what == "kinks":
        kinks = kink_arguments(sp.Tuple(*(n.expr for n in g.nodes.values())))
        body.append("    return [" + ", ".join(printer.doprint(a) for a in kinks) + "]")
    else:
        check_kind(what)
    return "\n".join(lines + printer.ones_lines() + body) + "\n"


def compile_matrix_function(derivation: Derivation, what: str = "gradient",
                            flat: FlatNames | None = None) -> tuple[Callable, str]:
    """Return (function, its source) for ``what``: gradient, inputs, loss, values or kinks."""
    source = matrix_source(derivation, check_kind(what), flat)
    return compile_source(source, f"matrix {what}"), source
