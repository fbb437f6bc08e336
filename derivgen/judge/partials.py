"""Partial derivatives named by reference formulas, for :class:`derivgen.judge.mapping.Mapper`.

∂L/∂θ is the engine's gradient.  ∂A/∂B for any two names of the graph (nodes,
parameters, inputs, the loss of one sample) is the Jacobian entry taken from the
graph: A expanded down to B, B held as a variable, differentiated by the rule
table; 0 where there is no path (a parameter does not depend on anything).  The
cross-entropies are computed on the logits, which the outputs do not reach; for
derivatives the loss is therefore written as people write it, on the outputs
(−Σ y log p, and the binary form), so that ∂Lₙ/∂ŷₙ is −y/ŷ + (1 − y)/(1 − ŷ),
never 0.  ∂(expression)/∂s₂ⱼ keeps the node s₂ⱼ, and ∂|a|/∂a with ``a`` defined
under ``where`` (or ∂ with respect to an expression written in place) replaces
that expression by a fresh variable, never guessed at.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import sympy as sp

from derivgen.engine.graph import SAMPLE_COUNT
from derivgen.errors import UnsupportedError
from derivgen.engine.rules import local_diff
from derivgen.ops.losses import loss


def written_loss(graph, name: str) -> sp.Expr | None:
    """The per-sample loss on the outputs, as the loss registry says documents write it,
    for the losses the engine writes on the logits (−Σ y log p, and the binary form);
    None for the others.  Equal to the engine's loss (for the cross-entropy, where the
    targets sum to 1)."""
    op = loss(name)
    if op.output is None:
        return None
    outputs, targets = list(graph.outputs), list(graph.targets)
    coefficient, body = op.document([f - y for f, y in zip(outputs, targets)], outputs,
                                    targets)
    return coefficient * body


class Named(NamedTuple):
    """A name of a derivative, resolved: the graph symbol, whether the name carries the
    sample index (ŷ_n, z_{n1}), and whether it is the loss over the data set (L, J)."""

    symbol: sp.Symbol
    per_sample: bool = False
    reduced: bool = False


class Partials:
    """Mixin of :class:`derivgen.judge.mapping.Mapper`: what ∂X/∂Y stands for."""

    #: the number of samples in the documents' sums
    N = SAMPLE_COUNT

    def derivative(self, of: sp.Expr, wrt: sp.Expr, *indices: sp.Expr) -> sp.Expr:
        """∂of/∂wrt: the loss gradient, a Jacobian entry of the graph or an expression's."""
        if isinstance(wrt, sp.Tuple):  # ∂L/(∂o₁·∂s₁): a product of differentials below
            raise UnsupportedError("a derivative over a product of differentials names no value")
        if not isinstance(wrt, sp.Symbol):  # ∂(eˣ − e⁻ˣ), written in place
            return self._through(of, wrt, str(wrt))
        wname = str(wrt)
        top = self.resolve(of.name) if isinstance(of, sp.Symbol) else None
        if top is not None and top.reduced and wname in self.model.gradients:
            return (self.model.sample_gradients if self.per_observation
                    else self.model.gradients)[wname]
        below = self.resolve(wname)
        if top is not None and below is not None:
            value = self.partial(top.symbol, below.symbol)
            scale = 1 / self.N if top.reduced and self.graph.reduction == "mean" \
                and not self.per_observation else 1
            indexed = top.per_sample or below.per_sample
            return scale * self.per_sample(value, self.sample if indexed else None)
        if top is not None and wname not in self.where_text:
            raise UnsupportedError(f"∂{of}/∂{wname}: {wname!r} is not a parameter, input or "
                                   "node of the spec; define it under 'where'")
        if isinstance(of, sp.Symbol) and of.name not in self.where_text:
            self.name(of.name, None)  # raises the error that names the unknown name
        node = below.symbol if below is not None else None
        if node is not None and node in self.graph.nodes:  # ∂/∂s_2j of an expression
            self._hold = node
            try:
                held = self.map(of)
            finally:
                self._hold = None
            index = {i.indices[-1] for i in held.atoms(sp.Indexed)}
            if below.per_sample:  # ∂/∂z_{11,n}: the node of sample n
                index.add(self.sample)
            value = self.model.derivation.expand(local_diff(held, node, self.graph.at0))
            return self.per_sample(value, index.pop() if len(index) == 1 else None)
        variable = self.map(wrt)
        if not isinstance(variable, sp.Symbol):  # ∂|a|/∂a with a = y − M(x) under where
            return self._through(of, wrt, wname)
        return local_diff(self.map(of), variable, self.graph.at0)

    def partial(self, of: sp.Symbol, wrt: sp.Symbol) -> sp.Expr:
        """∂of/∂wrt along the graph, per sample, in parameters and data."""
        if of == wrt:
            return sp.Integer(1)
        if of not in self.graph.nodes:  # parameters, inputs and targets are independent
            return sp.Integer(0)
        held = self.held(wrt)
        return self.model.derivation.expand(local_diff(held[of], wrt, self.graph.at0))

    def held(self, keep: sp.Symbol | None) -> dict[sp.Symbol, sp.Expr]:
        """Every node in parameters, data and ``keep`` (held as a variable), with the loss
        written on the outputs where the engine writes it on the logits."""
        if keep not in self._held:
            written = written_loss(self.graph, self.model.spec.loss)
            held: dict[sp.Symbol, sp.Expr] = {}
            for s, node in self.graph.nodes.items():
                expr = written if s == self.graph.loss and written is not None else node.expr
                held[s] = s if s == keep else expr.xreplace(held)
            self._held[keep] = held
        return self._held[keep]

    def resolve(self, raw: str) -> Named | None:
        """The graph symbol a ∂-name stands for (through ``where``: s_j meaning s_{2j});
        None for a name that stands for an expression or for nothing in the spec."""
        if raw in self.where_text:
            named = self.parse(self.where_text[raw])
            per_sample = False
            if isinstance(named, sp.Indexed):
                per_sample = named.indices[-1] == self.sample
                named = named.base.label
            if not isinstance(named, sp.Symbol):
                return None
            found = self.resolve(named.name)
            return found._replace(per_sample=found.per_sample or per_sample) if found else None
        if self._is_loss(raw):
            return Named(self.graph.loss, reduced=True)
        s = self.sample.name
        for name, per_sample in ((raw, False), *self._sample_forms(raw, s)):
            if name in self.by_name:
                return Named(self.by_name[name], per_sample)
            if per_sample and name in self.where_text:  # p_i with p bound to ŷ: ŷ of sample i
                found = self.resolve(name)
                return found._replace(per_sample=True) if found else None
            if per_sample and (self._is_loss(name) or self.sample_loss(name)):  # L_n, ℓ_n
                return Named(self.graph.loss, True)
        return None

    @staticmethod
    def _sample_forms(raw: str, s: str) -> list[tuple[str, bool]]:
        """yhat_n → yhat, z_1n and z_n1 → z_1, z_1_n → z_1: the names without the sample."""
        forms = []
        if raw.endswith("_" + s):
            forms.append((raw[:-len(s) - 1], True))
        m = re.fullmatch(rf"(.+)_(?:{re.escape(s)}(\w+)|(\d+){re.escape(s)})", raw)
        if m:
            forms.append((f"{m.group(1)}_{m.group(2) or m.group(3)}", True))
        return forms

    def _through(self, of: sp.Expr, wrt: sp.Expr, wname: str) -> sp.Expr:
        """∂of/∂wrt for a ``where`` name that stands for an expression (a = y − M(x)) or an
        expression written in place (∂(eˣ − e⁻ˣ)): the name, or exactly that subtree of the
        document's formula, becomes a fresh variable u and of is differentiated by u.  of must
        not depend on the expression's variables in any other way: the partial would be
        ambiguous, and is refused."""
        u = sp.Dummy("u", real=True)
        if isinstance(wrt, sp.Symbol):
            self._variables[wrt.name] = u
            try:
                held = self.map(of)
            finally:
                del self._variables[wrt.name]
        else:
            held = self.map(of.xreplace({wrt: u}))
        value = self.map(wrt)
        atoms = (sp.Symbol, sp.Indexed)
        shared = {a for a in held.atoms(*atoms) & value.atoms(*atoms)
                  if not a.is_integer and a != u}
        if shared:
            raise UnsupportedError(
                f"∂/∂{wname}: the expression differentiated depends on "
                f"{', '.join(sorted(map(str, shared)))} other than through {wname} = {value}")
        return local_diff(held, u, self.graph.at0).xreplace({u: value})
