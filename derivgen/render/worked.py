"""The worked example: every step of the forward and backward pass written as the seeds
write it, formula, then the numbers substituted, then the result (z₁ = w₁ · x + b₁ =
0.3 · 1 − 0.2 = 0.1), then one update step.

Every result comes from the engine: node values and per-sample adjoints from
``model.values()``, gradients from ``model.gradient_fn()`` (per sample, and over the
batch with the spec's reduction), the loss from ``model.loss_fn()``.  A local
derivative's value (∂ŷ/∂z₂) is the engine's local partial at the engine's node
values.  Results are printed to ``digits`` significant digits; an update prints as
many more as it takes to show the change.  A line says "=" before its result only
when the printed numbers give exactly the printed result, else "≈".
"""
from __future__ import annotations

from pathlib import Path

import sympy as sp

from derivgen.render.breaking import ITEM_WIDTH, E, Layout, Part
from derivgen.render.display import SampleWork, Worked, WorkedLine, laid_out
from derivgen.render.example import Point, fill_point
# derivgen graph reads its example through these (all given, nothing drawn)
from derivgen.render.numlatex import (Printed, SubstitutionPrinter, arithmetic, exact, number,
                                      relation, updated)
from derivgen.render.sections import CHAIN_MAX_PATHS, DocumentBuilder


def _value(expr: sp.Expr, values: dict[sp.Symbol, float]) -> float:
    """A local derivative of the engine at the engine's values."""
    return float(expr.xreplace({s: sp.Float(v, 30) for s, v in values.items()}).evalf(30))


class WorkedBuilder:
    """Builds the lines of one example point under one notation."""

    def __init__(self, builder: DocumentBuilder, point: Point, digits: int) -> None:
        self.b, self.nt, self.g, self.d = builder, builder.nt, builder.graph, builder.d
        self.model, self.point, self.digits = builder.model, point, digits
        self.values = self.model.values(point.params, point.x, point.y)
        self.grad = self.model.gradient_fn()
        self.layout = Layout()
        self._printers: dict = {}

    # ---- one line ----
    def line(self, kind: str, lhs: str, formula: Part | None, expr: sp.Expr | None,
             values: dict, result: Printed, label: str | None, param: str | None = None,
             op: str = "=") -> WorkedLine:
        """lhs = formula = numbers ≈ result (sides that add nothing are left out)."""
        parts: list[Part] = [lhs]
        substituted, last = None, "=" if result.exact else r"\approx"
        text = self.layout.text(formula) if formula is not None else None
        if text is not None and text != result.latex:
            parts.append(formula)
        if expr is not None:
            numbers = E(expr, SubstitutionPrinter(self.nt, values, label=label))
            if self.layout.text(numbers) not in (text, result.latex):
                substituted = len(parts)
                parts.append(numbers)
                last = relation(arithmetic(expr, values, self.nt), result)
        parts.append(result.latex)
        ops = tuple(op if i == 1 else last if i == len(parts) - 1 else "="
                    for i in range(1, len(parts)))
        if len(parts) == 2 and op == "=":
            ops = (last,)
        return laid_out(self.layout, kind, parts, param, op, ops, ITEM_WIDTH, WorkedLine,
                        substituted=substituted)

    def arranged(self, expr: sp.Expr, label: str | None, inline: bool | None = False) -> E:
        """``expr`` in document order with the printer of sample ``label``."""
        if label not in self._printers:
            self._printers[label] = self.nt.printer(True, label=label)
        return E(self.nt.arrange(expr, inline), self._printers[label])

    def frac(self, of: sp.Symbol, wrt: sp.Symbol, label: str | None) -> str:
        """∂of/∂wrt at sample ``label`` (the loss as that sample's L)."""
        return self.nt.loss_partial(of, wrt, True, label)

    # ---- one sample ----
    def sample(self, n: int, label: str | None) -> SampleWork:
        g, nt, point = self.g, self.nt, self.point
        raw: dict[sp.Symbol, float] = {p: float(point.params[p.name]) for p in g.params}
        shown: dict[sp.Symbol, Printed] = {p: exact(v) for p, v in raw.items()}
        for j, s in enumerate(g.inputs):
            raw[s] = float(point.x[n, j])
            shown[s] = exact(raw[s])
        for k, s in enumerate(g.targets):
            raw[s] = float(point.y[n, k])
            shown[s] = exact(raw[s])
        work = SampleWork(label)
        for s, node in g.nodes.items():
            raw[s] = float(self.values[s.name][n])
            shown[s] = number(raw[s], self.digits)
            arranged = self.arranged(node.expr, label)
            work.forward.append(self.line("forward", nt.symbol(s, True, label), arranged,
                                          arranged.expr, shown, shown[s], label))
        adjoint = {s: float(self.values[f"dL/d{s.name}"][n]) for s in (*g.nodes, *g.inputs)
                   if f"dL/d{s.name}" in self.values}
        for s in [*reversed([s for s in g.nodes if g.nodes[s].role not in ("loss", "residual")]),
                  *g.inputs]:
            if s in adjoint:
                work.backward += self.backward(s, adjoint, raw, shown, label)
        grads = self._per_sample[n]
        for p in g.params:
            work.gradients.append(self.gradient(p, float(grads[p.name]), adjoint, raw, shown,
                                                label))
        return work

    def edges(self, s: sp.Symbol) -> list[tuple[sp.Symbol, sp.Expr]]:
        """(reader, ∂reader/∂s) for the readers of ``s``; a residual r = ŷ − y is looked
        through, so that ∂L/∂ŷ is read off the loss as the documents start."""
        out = []
        for q in self.d.parents.get(s, []):
            local = self.d.partial(q, s)
            if self.g.nodes[q].role == "residual" and local == 1:
                out += [(q2, self.d.partial(q2, q)) for q2 in self.d.parents.get(q, [])]
            else:
                out.append((q, local))
        return out

    def backward(self, s, adjoint, raw, shown, label) -> list[WorkedLine]:
        nt, g = self.nt, self.g
        result = number(adjoint[s], self.digits)
        edges = self.edges(s)
        if [q for q, _ in edges] == [g.loss]:  # where the backward pass starts
            arranged = self.arranged(edges[0][1], label, inline=True)
            return [self.line("backward", self.frac(g.loss, s, label), arranged, arranged.expr,
                              shown, result, label)]
        out: list[WorkedLine] = []
        terms, values = [], dict(shown)
        for q, local in edges:
            factor = self._factor(local, raw, shown, values)
            if not (local.is_Atom or local.is_Number):
                arranged = self.arranged(local, label, inline=None)
                out.append(self.line("local", nt.partial(q, s, True, label), arranged,
                                     arranged.expr, shown, values[factor], label))
            terms.append(sp.Mul(self._held(values, adjoint[q]), factor, evaluate=False))
        formula = self.b.step_formula([q for q, _ in edges], s, label)
        out.append(self.line("backward", self.frac(g.loss, s, label), formula,
                             sp.Add(*terms, evaluate=False), values, result, label))
        return out

    def _factor(self, local: sp.Expr, raw, shown, values) -> sp.Expr:
        """``local`` as one factor of a substituted product: a number stays itself, a
        symbol shows its value, anything else its value under a fresh name."""
        if local.is_Number or (isinstance(local, sp.Symbol) and local in shown):
            return local
        return self._held(values, _value(local, raw))

    def _held(self, values: dict, value: float) -> sp.Dummy:
        """A fresh name that prints as ``value`` in a substituted product."""
        held = sp.Dummy()
        values[held] = number(value, self.digits)
        return held

    def gradient(self, p, value, adjoint, raw, shown, label) -> WorkedLine:
        """∂L/∂θ along every path (seed 001: 0.077 · 0.244 · 0.525), or one step of the
        chain rule when there are many paths."""
        paths = [self.b._skip_residual(path) for path in self.d.chains(p)]
        values = dict(shown)
        if len(paths) <= CHAIN_MAX_PATHS:
            formula = self.b.path_formula(paths, label)
            products = [sp.Mul(*(self._factor(v, raw, shown, values) for _, _, v in path),
                               evaluate=False) for path in paths]
        else:
            readers = [q for q in self.d.parents.get(p, []) if q in adjoint]
            formula = self.b.step_formula(readers, p, label)
            products = []
            for q in readers:
                held = self._held(values, adjoint[q])
                factor = self._factor(self.d.partial(q, p), raw, shown, values)
                products.append(sp.Mul(held, factor, evaluate=False))
        expr = sp.Add(*products, evaluate=False) if len(products) > 1 else products[0]
        return self.line("gradient", self.frac(self.g.loss, p, label), formula, expr, values,
                         number(value, self.digits), label, p.name)

    # ---- over the batch, and the update ----
    def reduced(self, total: float, grads: dict) -> None:
        """The loss and every gradient over the batch: Σ_n or (1/N) Σ_n of the samples'."""
        g, nt, n = self.g, self.nt, self.point.x.shape[0]
        mean = g.reduction == "mean"
        front = r"\frac{1}{N} " if mean else ""
        sum_n = front + r"\sum_{" + str(nt.sample) + "=1}^{N} "

        def combine(items: list[float], lhs: str, body: str, result: float, param=None):
            values, held = {}, []
            for v in items:
                held.append(sp.Dummy())
                values[held[-1]] = number(v, self.digits)
            expr = sp.Add(*held, evaluate=False) if len(held) > 1 else held[0]
            if mean:
                expr = sp.Mul(sp.Rational(1, n), expr, evaluate=False)
            return self.line("reduced", lhs, sum_n + body, expr, values,
                             number(result, self.digits), None, param)

        losses = [float(v) for v in self.values[g.loss.name]]
        self.worked.loss = combine(losses, nt.loss_symbol(),
                                   nt.symbol(g.loss, True), total)
        for p in g.params:
            items = [float(grads_n[p.name]) for grads_n in self._per_sample]
            self.worked.gradients.append(combine(
                items, nt.partial(nt.loss_symbol(), p),
                nt.partial(nt.symbol(g.loss, True), p), float(grads[p.name]), p.name))

    def updates(self, grads: dict) -> list[WorkedLine]:
        """θ ← θ − η · ∂L/∂θ with the numbers, for every parameter."""
        nt, rate = self.nt, self.point.learning_rate
        out = []
        for p in self.g.params:
            old, grad = float(self.point.params[p.name]), float(grads[p.name])
            a, b, c = sp.Dummy(), sp.Dummy(), sp.Dummy()
            values = {a: exact(old), b: exact(rate), c: number(grad, self.digits)}
            expr = sp.Add(a, sp.Mul(-1, b, c, evaluate=False), evaluate=False)
            result = updated(old - rate * grad, rate * grad, self.digits)
            out.append(self.line("update", nt.symbol(p, False), None, expr, values, result,
                                 None, p.name, nt.profile.assign))
        return out

    def build(self) -> Worked:
        g, nt, point = self.g, self.nt, self.point
        n = point.x.shape[0]
        out = self.worked = Worked(samples=n, digits=self.digits, seed=point.seed)
        data = {**{s: point.x[:, j] for j, s in enumerate(g.inputs)},
                **{s: point.y[:, k] for k, s in enumerate(g.targets)}}
        for s, v in data.items():
            shown = [exact(float(e)).latex for e in v]
            text = shown[0] if n == 1 else r"\left(" + ", ".join(shown) + r"\right)"
            out.data.append(f"{nt.symbol(s, n > 1 or not nt.per_sample)} = {text}")
        previous = None  # the layer of the parameter before: one row per layer, 6 at most
        for p in g.params:
            text = f"{nt.symbol(p, False)} = {exact(point.params[p.name]).latex}"
            layer = nt.layer_of(p)  # a parameter belongs to the layer that reads it
            if out.params and layer == previous and len(out.params[-1]) < 6:
                out.params[-1].append(text)
            else:
                out.params.append([text])
            previous = layer
        out.learning_rate = f"{nt.profile.learning_rate} = {exact(point.learning_rate).latex}"
        out.filled = self.filled()
        labelled = nt.per_sample
        self._per_sample = []
        for k in range(n):
            label = str(k + 1) if labelled else None
            self._per_sample.append(self.grad(point.params, point.x[k:k + 1],
                                              point.y[k:k + 1]))
            out.per_sample.append(self.sample(k, label))
        grads = self.grad(point.params, point.x, point.y)
        if labelled:
            total = self.model.loss_fn()(point.params, point.x, point.y)
            self.reduced(total, grads)
        out.updates = self.updates(grads)
        return out

    def filled(self) -> list[str]:
        """The LaTeX of every value drawn from the seed."""
        g, nt, out = self.g, self.nt, []
        by_name = {p.name: p for p in g.params}
        for name in self.point.filled:
            if name == "x":
                out += [nt.symbol(s, False) for s in g.inputs]
            elif name == "y":
                out += [nt.symbol(s, False) for s in g.targets]
            elif name == "learning_rate":
                out.append(nt.profile.learning_rate)
            else:
                out.append(nt.symbol(by_name[name], False))
        return out


def worked_example(builder: DocumentBuilder, values: str | Path | None = None,
                   digits: int = 3, seed: int = 0) -> Worked:
    """The worked example of the spec's ``example:`` (or of a --values file), every value
    either leaves out drawn from ``seed``, through one update step."""
    point = fill_point(builder.model, values, seed)
    return WorkedBuilder(builder, point, digits).build()
