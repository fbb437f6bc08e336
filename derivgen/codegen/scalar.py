"""NumPy code from a scalar-form derivation: forward nodes, then adjoints, then reductions.

The generated function is ordinary backprop over the batch: every node is one
vectorised assignment over the N samples, every adjoint one more, and each
parameter's gradient one reduction.  Symbols are printed as ``v_<name>``
(values) and ``d_<name>`` (adjoints), so user names never collide with Python's.

The code is lean because a call is mostly overhead at the sizes people use:
parameters arrive as one sequence of floats and are unpacked in one statement,
reductions are ``numpy.dot``/``.sum()``, ReLU' is a boolean mask, the sigmoid
is its one-ufunc tanh form, statements nothing returned reads are dropped (no
loss in the gradient), and a function call repeated across statements (the
log-sum-exp of a softmax) is computed once.  Every step is linear in the size
of the derivation.
"""
from __future__ import annotations

from typing import Callable, Iterable

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from derivgen.codegen.compile import check_kind, compile_source
from derivgen.engine.reverse import Derivation
from derivgen.errors import UnsupportedError
from derivgen.ops.activations import ACTIVATIONS
from derivgen.ops.functions import LogSumExp, Sigmoid, Sign, Step

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

    def _print_Sigmoid(self, expr: Sigmoid) -> str:
        # one ufunc instead of exp, abs, where and a division; exact at ±large z too
        return f"(0.5 + 0.5 * numpy.tanh(0.5 * {self._paren_arg(expr.args[0])}))"

    def _paren_arg(self, arg: sp.Expr) -> str:
        text = self._print(arg)
        return text if text.replace("_", "").isalnum() else f"({text})"

    def _print_Step(self, expr: Step) -> str:
        # a bare boolean mask: multiplying by it is one ufunc, as in hand-written code
        at0 = expr.args[1]
        if at0 in (0, 1):
            return f"({self._print(expr.args[0])} {'>' if at0 == 0 else '>='} 0)"
        return self._print_Function(expr)

    def _print_Sign(self, expr: Sign) -> str:
        if expr.args[1] == 0:  # numpy.sign(0) is 0, which is the chosen value at 0
            return f"numpy.sign({self._print(expr.args[0])})"
        return self._print_Function(expr)

    def _print_Mul(self, expr: sp.Mul) -> str:
        # NumPy has no unary minus for a boolean mask: negate the product instead
        if expr.could_extract_minus_sign() and expr.has(Step):
            return f"-({self._print(-expr)})"
        return super()._print_Mul(expr)

    def _print_not_supported(self, expr):
        raise UnsupportedError(f"no NumPy printing rule for {type(expr).__name__}")


def identifiers(derivation: Derivation) -> dict[sp.Symbol, str]:
    """v_<name> for every input, target, parameter and node; d_<name> for adjoints."""
    g = derivation.graph
    names = {s: f"v_{s.name}" for s in (*g.inputs, *g.targets, *g.params, *g.nodes)}
    names.update({adj: f"d_{node.name}" for node, adj in derivation.adjoint_symbols.items()})
    return names


def hoist_calls(body: list[tuple[sp.Symbol, sp.Expr]], prefix: str = "t"
                ) -> list[tuple[sp.Symbol, sp.Expr]]:
    """Compute a function call that several statements repeat once, before its first use.

    Linear in the size of the statements (a global ``sympy.cse`` is not, and took
    seconds at 16-64-8); the calls it finds are what matter in practice: the
    log-sum-exp every softmax output repeats.
    """
    seen: dict[sp.Basic, int] = {}
    for _, expr in body:
        for call in expr.atoms(sp.Function):
            if len(call.args) > 1 or not call.args[0].is_Atom:
                seen[call] = seen.get(call, 0) + 1
    shared = [c for c, count in seen.items() if count > 1]
    if not shared:
        return body
    temps = {c: sp.Symbol(f"{prefix}_{i}") for i, c in enumerate(shared)}
    out, emitted = [], set()
    for target, expr in body:
        for call in expr.atoms(sp.Function):
            if call in temps and call not in emitted:
                out.append((temps[call], call))
                emitted.add(call)
        out.append((target, expr.xreplace(temps)))
    return out


def prune(body: list[tuple[sp.Symbol, sp.Expr]], returned: Iterable[sp.Expr]
          ) -> list[tuple[sp.Symbol, sp.Expr]]:
    """Only the statements that what is returned reads (no loss in a gradient function)."""
    needed = set().union(*(e.free_symbols for e in returned))
    kept = []
    for target, expr in reversed(body):
        if target in needed:
            kept.append((target, expr))
            needed |= expr.free_symbols
    return kept[::-1]


def per_sample(body: list[tuple[sp.Symbol, sp.Expr]], samples: set[sp.Symbol]) -> set[sp.Symbol]:
    """The symbols whose value differs between samples (they read x or y)."""
    found = set(samples)
    for target, expr in body:
        if expr.free_symbols & found:
            found.add(target)
    return found


def reduction(expr: sp.Expr, varying: set[sp.Symbol], printer: ScalarNumPyPrinter) -> str:
    """Σ over the batch of ``expr`` as a dot product or one sum (n·expr if it is constant)."""
    if not expr.free_symbols & varying:
        return f"({printer.doprint(expr)}) * n"
    factors = expr.args if expr.is_Mul else (expr,)
    vec = [f for f in factors if f.free_symbols & varying]
    const = sp.Mul(*(f for f in factors if not f.free_symbols & varying))
    if len(vec) == 2 and all(f.is_Symbol for f in vec):
        core = f"numpy.dot({printer.doprint(vec[0])}, {printer.doprint(vec[1])})"
    else:
        core = f"({printer.doprint(sp.Mul(*vec))}).sum()"
    return core if const == 1 else f"({printer.doprint(const)}) * {core}"


def forward_backward(derivation: Derivation, grads: list[sp.Expr]
                     ) -> tuple[list[tuple[sp.Symbol, sp.Expr]], list[tuple[sp.Symbol, sp.Expr]]]:
    """The forward statements the loss and ``grads`` need, then the backward ones, each with
    its repeated calls hoisted (f_i, b_i): the program of one pass, for any dialect."""
    g = derivation.graph
    backward = prune([(derivation.adjoint_symbols[s], e) for s, e in derivation.adjoints.items()],
                     grads)
    forward = prune([(s, node.expr) for s, node in g.nodes.items()],
                    [g.loss, *(e for _, e in backward)])
    return hoist_calls(forward, "f"), hoist_calls(backward, "b")


def _source(derivation: Derivation, what: str) -> str:
    g = derivation.graph
    names = identifiers(derivation)
    printer = ScalarNumPyPrinter(names)
    scale = sp.Symbol("scale")
    names[scale] = "scale"
    head = ["def generated(theta, x, y):", "    n = x.shape[0]"]
    params = list(g.params)
    if len(params) <= 12:  # one unpacking: the cheapest way to read a few numbers
        head += ["    " + ", ".join(names[p] for p in params) + ", = theta"] if params else []
    else:
        head += [f"    {', '.join(names[p] for p in params[i:i + 12])}, = theta[{i}:{i + 12}]"
                 for i in range(0, len(params), 12)]
    head += [f"    {names[s]} = x[:, {i}]" for i, s in enumerate(g.inputs)]
    head += [f"    {names[s]} = y[:, {i}]" for i, s in enumerate(g.targets)]
    head.append(f"    scale = {'1.0 / n' if g.reduction == 'mean' else '1.0'}")
    body: list[tuple[sp.Symbol, sp.Expr]] = [(s, node.expr) for s, node in g.nodes.items()]
    adjoints = [(derivation.adjoint_symbols[s], e) for s, e in derivation.adjoints.items()]
    if what in ("gradient", "values", "inputs", "loss_gradient"):
        body += adjoints
    returned: list[sp.Expr]
    if what == "loss":
        returned = [g.loss]
    elif what == "values":
        body += [(sp.Symbol(f"dx_{i}"), derivation.input_adjoints[x])
                 for i, x in enumerate(g.inputs)]
        returned = [*g.nodes, *(a for a in derivation.adjoint_symbols.values()),
                    *(sp.Symbol(f"dx_{i}") for i in range(len(g.inputs)))]
    elif what == "inputs":
        returned = [derivation.input_adjoints[x] for x in g.inputs]
    elif what == "kinks":
        returned = g.kink_arguments()
    elif what == "loss_gradient":
        returned = [g.loss, *(derivation.param_adjoints[p] for p in g.params)]
    else:
        check_kind(what)
        returned = [derivation.param_adjoints[p] for p in g.params]
    for i in range(len(g.inputs)):
        names[sp.Symbol(f"dx_{i}")] = f"dx_{i}"
    body = hoist_calls(prune(body, returned))
    for target, _ in body:
        names.setdefault(target, target.name)
    lines = [f"    {names[t]} = {printer.doprint(e)}" for t, e in body]
    if what == "loss":
        varying = per_sample(body, set(g.inputs) | set(g.targets))
        tail = [f"    return ({reduction(g.loss, varying, printer)}) * scale"]
    elif what == "values":
        pairs = [f"{s.name!r}: {names[s]}" for s in g.nodes]
        pairs += [f"'dL/d{s.name}': {names[a]}" for s, a in derivation.adjoint_symbols.items()]
        pairs += [f"'dL/d{x.name}': dx_{i}" for i, x in enumerate(g.inputs)]
        tail = ["    return {" + ", ".join(pairs) + "}"]
    elif what == "inputs":  # ∂L/∂x of the reduced loss, one column per input
        tail = ["    return numpy.stack([" + ", ".join(
            f"numpy.broadcast_to(({printer.doprint(e)}) * scale, (n,))" for e in returned)
            + "], axis=1)"]
    elif what == "kinks":
        tail = ["    return [" + ", ".join(printer.doprint(a) for a in returned) + "]"]
    elif what == "loss_gradient":
        varying = per_sample(body, set(g.inputs) | set(g.targets))
        tail = [f"    return ({reduction(g.loss, varying, printer)}) * scale, ["]
        tail += [f"        ({reduction(e, varying, printer)}) * scale," for e in returned[1:]]
        tail += ["    ]"]
    else:
        varying = per_sample(body, set(g.inputs) | set(g.targets))
        tail = ["    return ["] + [f"        ({reduction(e, varying, printer)}) * scale,"
                                   for e in returned] + ["    ]"]
    return "\n".join(head + lines + tail) + "\n"


def compile_function(derivation: Derivation, what: str = "gradient") -> tuple[Callable, str]:
    """Return (function, its source) for ``what`` in gradient / inputs / loss / kinks / values
    / loss_gradient (the pair).

    The function is ``generated(theta, x, y)``: ``theta`` the parameter values in
    ``graph.params`` order, ``x`` (N, D) and ``y`` (N, C) float arrays.  The gradient
    comes back as a list in the same order, the loss as a number.
    """
    source = _source(derivation, check_kind(what))
    return compile_source(source, what), source
