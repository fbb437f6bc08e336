"""The content of a derivation document, as data: every formula as LaTeX, no prose.

Sections follow the seed documents: architecture, forward pass, loss, error
term, per-parameter gradients (chain of partials as in seed 001, the compact
formula in named intermediates as in seed 000, the expanded formula when it
is short), the update rule, notes.  Templates turn this into Markdown or LaTeX;
prose lives there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derivgen import limits
from derivgen.engine.graph import SAMPLE_COUNT
from derivgen.engine.protocol import GradientModel
from derivgen.limits import ops_at_most
from derivgen.ops.functions import Step, as_expr
from derivgen.ops.losses import loss as loss_op
from derivgen.render.breaking import E, Group, Join, Layout, Part, Seq, needs_brackets, rows
from derivgen.render.display import Display, laid_out
from derivgen.render.latex import reduction_prefix
from derivgen.render.notation import Notation
from derivgen.render.overview import architecture, layer_view, notes

#: longest expanded formula (sympy.count_ops of model.sample_gradients) that is still shown
EXPANDED_MAX_OPS = limits.EXPANDED_MAX_OPS
#: more chain-rule paths than this and the chain is shown one step deep
CHAIN_MAX_PATHS = 4
N = SAMPLE_COUNT


@dataclass
class Gradient:
    """Everything shown for one parameter."""

    name: str
    symbol: str
    chain: Display | None
    paths: int
    compact: Display
    expanded: Display | None


@dataclass
class Document:
    """All formulas of a derivation, in section order."""

    notation: Notation
    architecture: dict[str, Any]
    layers: list[Display]
    forward: list[Display]
    loss: list[Display]
    residuals: list[Display]
    errors: list[Display]
    definitions: list[Display]
    gradients: list[Gradient]
    updates: list[Display]
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def update_rows(self) -> list[list[Display]]:
        """The update rules two to a line, as the seeds set them, where two fit."""
        return rows(self.updates)

    def displays(self) -> list[Display]:
        """Every display formula, in order (updates and notes included)."""
        out = [*self.layers, *self.forward, *self.loss, *self.residuals, *self.errors,
               *self.definitions]
        for g in self.gradients:
            out += [d for d in (g.chain, g.compact, g.expanded) if d is not None]
        return out + self.updates + self.notes["activations"] + self.notes["kinks"] + (
            [self.notes["half"]] if self.notes["half"] else [])


class DocumentBuilder:
    """Builds a :class:`Document` for one model under one notation."""

    def __init__(self, model: GradientModel, notation: Notation) -> None:
        self.model, self.nt, self.graph = model, notation, model.graph
        self.d = model.derivation
        #: node -> ∂ℓ/∂node in forward nodes
        self.adjoint = {n: self.d.inlined_adjoint(n) for n in self.d.adjoint_symbols}
        self.layout = Layout()
        self._printers: dict[bool, Any] = {}

    # ---- displays ----
    def expr(self, expr: sp.Expr, sample: bool = True, inline: bool | None = None,
             expand: bool = False) -> E:
        """``expr`` arranged in document order, with the printer of this document."""
        return E(self.nt.arrange(as_expr(expr), inline, expand), self.printer(sample))

    def printer(self, sample: bool = True) -> Any:
        """This document's printer (one per setting, so that it prints each part once)."""
        if sample not in self._printers:
            self._printers[sample] = self.nt.printer(sample)
        return self._printers[sample]

    def show(self, kind: str, parts: list[Part], param: str | None = None,
             op: str = "=") -> Display:
        """A display of these sides, with its lines for the page when it is too wide."""
        return laid_out(self.layout, kind, parts, param, op)

    # ---- helpers ----
    def frac(self, of: sp.Symbol, wrt: sp.Symbol, sample: bool = True) -> str:
        """∂of/∂wrt with the loss written as L_n (per sample) or the total loss."""
        return self.nt.loss_partial(of, wrt, sample)

    def path_formula(self, paths: list, label: str | None = None) -> Join:
        """The chain rule path by path: Σ over ``paths`` of ∏ ∂a/∂b along each (at sample
        ``label`` in the worked example)."""
        frac = self.nt.loss_partial
        return Join(tuple(("" if i == 0 else " + ", Join(tuple(
            ("" if j == 0 else r" \cdot ", frac(a, b, True, label))
            for j, (a, b, _) in enumerate(path)))) for i, path in enumerate(paths)))

    def step_formula(self, readers: list, wrt: sp.Symbol, label: str | None = None) -> Join:
        """One step of the chain rule: Σ_q ∂L/∂q · ∂q/∂wrt over the nodes q that read wrt."""
        frac, loss = self.nt.loss_partial, self.graph.loss
        return Join(tuple(("" if i == 0 else " + ", frac(loss, q, True, label) + r" \cdot "
                           + frac(q, wrt, True, label)) for i, q in enumerate(readers)))

    def reduced(self, expr: sp.Expr, expand: bool = False, inline: bool | None = None,
                coeff: sp.Expr | None = None) -> Part:
        """Σ_n or (1/N)Σ_n of a per-sample expression, its numeric factor pulled in front."""
        if coeff is None:
            coeff, expr = expr.as_coeff_Mul()
        scale = coeff / N if self.graph.reduction == "mean" else coeff
        body = self.expr(expr, True, inline, expand)
        single = self.graph.reduction == "single"
        # after a factor, or after Σ (which binds every factor up to the next + or −),
        # a body that is itself a sum needs brackets
        if not (single and scale == 1) and needs_brackets(body.expr):
            body = Group(r"\left(", body, r"\right)")
        front = reduction_prefix(scale, self.layout.text(E(scale, self.printer(True))),
                                 str(self.nt.sample), single)
        return Seq((front, body)) if front else body

    # ---- sections ----
    def forward(self) -> list[Display]:
        """Every node of the forward pass up to the output, by its definition."""
        return [self.show("forward", [self.nt.symbol(s), self.expr(n.expr, inline=False)])
                for s, n in self.graph.nodes.items() if n.role not in ("residual", "loss")]

    def loss(self) -> list[Display]:
        """The loss in the document's form, on r and then on ŷ − y, with the reduction."""
        g = self.graph
        outputs = list(g.outputs)
        residuals = [s for s, n in g.nodes.items() if n.role == "residual"]
        coeff, body = loss_op(self.model.spec.loss).document(residuals, outputs, list(g.targets))
        sides = [self.nt.loss_symbol(), self.reduced(body, coeff=coeff)]
        if body.has(*residuals) and not self.nt.profile.residual_inline:
            sides.append(self.reduced(body, coeff=coeff, inline=True))
        return [self.show("loss", sides)]

    def residuals(self) -> list[Display]:
        """r = ŷ − y for every output (none when the profile inlines them)."""
        if self.nt.profile.residual_inline:
            return []
        return [self.show("residual", [self.nt.symbol(s), self.expr(n.expr, inline=False)])
                for s, n in self.graph.nodes.items() if n.role == "residual"]

    def errors(self) -> list[Display]:
        """∂L/∂ŷ (or ∂L/∂s for the cross-entropies): where the backward pass starts."""
        g = self.graph
        start = [o for o in g.outputs if o in self.adjoint] or list(g.logits)
        out = []
        for o in start:
            value = self.adjoint[o]
            sides: list[Part] = [self.frac(g.loss, o), self.expr(value)]
            inlined = self.expr(value, inline=True)
            if self.layout.text(inlined) != self.layout.text(sides[-1]):
                sides.append(inlined)
            out.append(self.show("error", sides))
        return out

    def definitions(self) -> list[Display]:
        """g_{i,n} = a'(z_{i,n}) = 1[z_{i,n} > 0] for every g a formula uses (seed 000)."""
        steps: dict[sp.Expr, sp.Expr] = {}
        for p in self.graph.params:
            for step in self.model.compact_gradients[p.name].atoms(Step):
                steps.setdefault(step.args[0], step)
        out = []
        for arg, step in sorted(steps.items(), key=lambda kv: self.nt.position.get(kv[0], 0)):
            style, gsym, _ = self.nt.step_style(arg)
            if style != "g":
                continue
            prime = self.nt.step_owner.get(arg)
            middle = [prime + r"'\left(" + self.nt.symbol(arg) + r"\right)"] if prime else []
            indicator = r"\mathbf{1}\left[" + self.nt.symbol(arg) + (
                " > 0" if step.args[1] == 0 else r" \geq 0") + r"\right]"
            out.append(Display("definition", (self.nt.latex(step), *middle, indicator)))
        return out

    def gradient(self, p: sp.Symbol) -> Gradient:
        """Chain of partials, compact formula and (when short) expanded formula of p."""
        nt, g = self.nt, self.graph
        paths = [self._skip_residual(path) for path in self.d.chains(p)]
        total = nt.partial(nt.loss_symbol(), p)
        if len(paths) <= CHAIN_MAX_PATHS:
            fracs = self.path_formula(paths)
            values = Join(tuple(("" if i == 0 else " + ", self.product([v for _, _, v in path]))
                                for i, path in enumerate(paths)))
            chain = self.show("chain", [self.frac(g.loss, p), fracs, values], p.name)
        else:  # one step: ∂L/∂θ = Σ_q ∂L/∂q · ∂q/∂θ over the nodes q that read θ
            parents = [q for q in self.d.parents.get(p, []) if q in self.adjoint]
            chain = self.show("chain", [self.frac(g.loss, p), self.step_formula(parents, p)],
                              p.name)
        compact = self.d.compact(p)  # this parameter's only (one gradient can be shown alone)
        shown = self.show("compact", [total, self.reduced(compact)], p.name)
        expanded = None
        # bounded: a deep network's expanded gradient is huge written out, so it is not counted
        if ops_at_most(self.d.expanded(p), EXPANDED_MAX_OPS):
            expanded = self.show("expanded", [total, self.reduced(compact, expand=True)], p.name)
        return Gradient(p.name, nt.symbol(p, False), chain, len(paths), shown, expanded)

    def product(self, factors: list[sp.Expr]) -> Join:
        """Factors joined by \\cdot, each bracketed as a product needs (seed 001's chains)."""
        items = []
        for i, f in enumerate(factors):
            part: Part = self.expr(f)
            if needs_brackets(part.expr):
                part = Group(r"\left(", part, r"\right)")
            items.append(("" if i == 0 else r" \cdot ", part))
        return Join(tuple(items))

    def _skip_residual(self, path: list) -> list:
        """L → r → ŷ with ∂r/∂ŷ = 1 becomes one step ∂L/∂ŷ, as the documents start."""
        if len(path) > 1 and self.graph.nodes[path[0][1]].role == "residual" and path[1][2] == 1:
            return [(path[0][0], path[1][1], path[0][2])] + path[2:]
        return path

    def updates(self) -> list[Display]:
        """θ ← θ − η ∂L/∂θ for every parameter, in the profile's symbols."""
        nt, prof = self.nt, self.nt.profile
        return [self.show("update", [nt.symbol(p, False), nt.symbol(p, False) + " - "
                                     + prof.learning_rate + r" \cdot "
                                     + nt.partial(nt.loss_symbol(), p)], p.name, prof.assign)
                for p in self.graph.params]

    def build(self) -> Document:
        """All sections."""
        return Document(self.nt, architecture(self), layer_view(self), self.forward(),
                        self.loss(), self.residuals(), self.errors(), self.definitions(),
                        [self.gradient(p) for p in self.graph.params], self.updates(),
                        notes(self))


def build_document(model: GradientModel, notation: Notation) -> Document:
    """The formulas of ``model``'s derivation in ``notation``."""
    return DocumentBuilder(model, notation).build()
