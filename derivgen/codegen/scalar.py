"""NumPy code from a derivation: forward nodes, then adjoints, then reductions.

The generated function is ordinary backprop over the batch: every node is one
vectorised assignment over the N samples, every adjoint one more, and each
parameter's gradient one sum.  Symbols are printed as ``v_<name>`` (values)
and ``d_<name>`` (adjoints), so user names never collide with Python's.
"""
from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from derivgen.codegen.compile import check_kind, compile_source
from derivgen.engine.reverse import Derivation
from derivgen.errors import UnsupportedError
from derivgen.ops.activations import ACTIVATIONS
from derivgen.ops.functions import LogSumExp, Sign, Step

#: how each derivgen function prints in NumPy (see ops/runtime.py): the activations'
#: templates from their registry records, then the kinks and reductions
NUMPY_FUNCTIONS: dict[type, str] = {
    **{op.function: op.numpy for op in ACTIVATIONS.values() if op.numpy is not None},
    Step:      "_rt.step({0}, {1})",
    Sign:      "_rt.sign({0}, {1})",
    LogSumExp: "_rt.logsumexp({all})",
}


class ScalarNumPyPrinter(NumPyPrinter):
    """NumPy printing of derivgen's scalar expressions; symbols print as ``names`` say."""

    def __init__(self, names: dict[sp.Symbol, str]) -> None:
        super().__init__({"fully_qualified_modules": True, "allow_unknown_functions": False})
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return self._names[expr]

    def _print_Function(self, expr: sp.Function) -> str:
        template = NUMPY_FUNCTIONS.get(type(expr))
        if template is None:
            return super()._print_Function(expr)
        args = [self._print(a) for a in expr.args]
        return template.format(*args, all=", ".join(args))

    def _print_Step(self, expr: Step) -> str:
        # a boolean mask times 1.0: one comparison instead of two nested np.where
        at0 = expr.args[1]
        if at0 in (0, 1):
            return f"(({self._print(expr.args[0])} {'>' if at0 == 0 else '>='} 0) * 1.0)"
        return self._print_Function(expr)

    def _print_not_supported(self, expr):
        raise UnsupportedError(f"no NumPy printing rule for {type(expr).__name__}")


def _identifiers(derivation: Derivation) -> dict[sp.Symbol, str]:
    g = derivation.graph
    names = {s: f"v_{s.name}" for s in (*g.inputs, *g.targets, *g.params, *g.nodes)}
    names.update({adj: f"d_{node.name}" for node, adj in derivation.adjoint_symbols.items()})
    return names


def _with_cse(assignments: list[tuple[str, sp.Expr]], printer: ScalarNumPyPrinter,
              names: dict[sp.Symbol, str]) -> list[str]:
    """Print assignments, hoisting repeated subexpressions just before first use."""
    temps, reduced = sp.cse([e for _, e in assignments], symbols=sp.numbered_symbols("_t"),
                            order="none")
    deps = {t: {s for s in e.free_symbols if s in dict(temps)} for t, e in temps}
    for t, _ in temps:
        names[t] = t.name.replace("_t", "t_")
    lines, emitted = [], set()

    def emit(t: sp.Symbol) -> None:
        if t in emitted:
            return
        for d in sorted(deps[t], key=lambda s: s.name):
            emit(d)
        lines.append(f"    {names[t]} = {printer.doprint(dict(temps)[t])}")
        emitted.add(t)

    for (target, _), expr in zip(assignments, reduced):
        for t in sorted((s for s in expr.free_symbols if s in deps), key=lambda s: s.name):
            emit(t)
        lines.append(f"    {target} = {printer.doprint(expr)}")
    return lines


def _source(derivation: Derivation, what: str) -> str:
    g = derivation.graph
    names = _identifiers(derivation)
    printer = ScalarNumPyPrinter(names)
    head = ["def generated(params, x, y):", "    n = x.shape[0]"]
    head += [f"    {names[p]} = float(params[{p.name!r}])" for p in g.params]
    head += [f"    {names[s]} = x[:, {i}]" for i, s in enumerate(g.inputs)]
    head += [f"    {names[s]} = y[:, {i}]" for i, s in enumerate(g.targets)]
    scale = "1.0 / n" if g.reduction == "mean" else "1.0"
    body: list[tuple[str, sp.Expr]] = [(names[s], node.expr) for s, node in g.nodes.items()]
    if what == "loss":
        tail = [f"    return _rt.total({names[g.loss]}, n) * ({scale})"]
    elif what == "values":  # every node and adjoint, per sample, for documents' numbers
        body += [(names[derivation.adjoint_symbols[s]], e)
                 for s, e in derivation.adjoints.items()]
        body += [(f"dx_{i}", derivation.input_adjoints[x]) for i, x in enumerate(g.inputs)]
        pairs = [f"{s.name!r}: {names[s]}" for s in g.nodes]
        pairs += [f"'dL/d{s.name}': {names[a]}" for s, a in derivation.adjoint_symbols.items()]
        pairs += [f"'dL/d{x.name}': dx_{i}" for i, x in enumerate(g.inputs)]
        tail = ["    return {" + ", ".join(pairs) + "}"]
    elif what == "inputs":  # ∂L/∂x of the reduced loss, one column per input
        body += [(names[derivation.adjoint_symbols[s]], e)
                 for s, e in derivation.adjoints.items()]
        body += [(f"dx_{i}", derivation.input_adjoints[x]) for i, x in enumerate(g.inputs)]
        tail = ["    return numpy.stack([" + ", ".join(
            f"numpy.broadcast_to(dx_{i} * ({scale}), (n,))" for i in range(len(g.inputs)))
            + "], axis=1)"]
    elif what == "kinks":
        args = g.kink_arguments()
        body += [(f"k_{i}", a) for i, a in enumerate(args)]
        tail = ["    return [" + ", ".join(f"k_{i}" for i in range(len(args))) + "]"]
    else:
        check_kind(what)
        body += [(names[derivation.adjoint_symbols[s]], e)
                 for s, e in derivation.adjoints.items()]
        body += [(f"g_{i}", derivation.param_adjoints[p]) for i, p in enumerate(g.params)]
        tail = ["    return {"] + [f"        {p.name!r}: _rt.total(g_{i}, n) * ({scale}),"
                                   for i, p in enumerate(g.params)] + ["    }"]
    return "\n".join(head + _with_cse(body, printer, names) + tail) + "\n"


def compile_function(derivation: Derivation, what: str = "gradient") -> tuple[Callable, str]:
    """Return (function, its source) for ``what`` in gradient / inputs / loss / kinks / values."""
    source = _source(derivation, check_kind(what))
    return compile_source(source, what), source
