"""Partial derivatives named by reference formulas, for :class:`derivgen.reference.Mapper`.

∂L/∂θ is the engine's gradient, ∂z/∂w a node's local partial, ∂(expression)/∂s₂ⱼ
keeps the node s₂ⱼ, and ∂|a|/∂a with ``a`` defined under ``where`` (or ∂ with
respect to an expression written in place, ∂(eˣ − e⁻ˣ)) differentiates through
that expression: it is replaced by a fresh variable, never guessed at.
"""
from __future__ import annotations

import sympy as sp

from derivgen.engine.graph import SAMPLE_COUNT
from derivgen.errors import UnsupportedError
from derivgen.engine.rules import local_diff

class Partials:
    """Mixin of :class:`derivgen.reference.Mapper`: what ∂X/∂Y stands for."""

    #: the number of samples in the documents' sums
    N = SAMPLE_COUNT

    def derivative(self, of: sp.Expr, wrt: sp.Expr, *indices: sp.Expr) -> sp.Expr:
        """∂of/∂wrt: the loss gradient, an adjoint, a node's partial or an expression's."""
        d = self.model.derivation
        if isinstance(wrt, sp.Tuple):  # ∂L/(∂o₁·∂s₁): a product of differentials below
            raise UnsupportedError("a derivative over a product of differentials names no value")
        if not isinstance(wrt, sp.Symbol):  # ∂(eˣ − e⁻ˣ), written in place
            return self._through(of, wrt, str(wrt))
        wname = str(wrt)
        if isinstance(of, sp.Symbol) and self._is_loss(of.name):
            if wname in self.model.gradients:
                return (self.model.sample_gradients if self.per_observation
                        else self.model.gradients)[wname]
            scale = 1 / self.N if self.graph.reduction == "mean" and not self.per_observation else 1
            if wname in self.model.input_gradients:  # ∂L/∂x of one sample
                return scale * self.model.input_gradients[wname]
            node = self._node(wname)
            if node not in d.adjoint_symbols:  # a target, or a node the loss does not read
                raise UnsupportedError(f"∂L/∂{wname}: the loss is not differentiated with "
                                       f"respect to {wname}")
            return scale * d.expand(d.inlined_adjoint(node))
        if isinstance(of, sp.Symbol):
            of_node = self._node(of.name)
            target = self._node(wname)
            if of_node not in self.graph.nodes:  # ∂y/∂z with y a target: no equation
                raise UnsupportedError(f"∂{of.name}/∂{wname}: {of.name} is computed by no "
                                       "equation of the model")
            held = {}
            for symbol, node in self.graph.nodes.items():  # expand down to, not past, wrt
                held[symbol] = node.expr.xreplace(held) if symbol != target else symbol
            value = d.expand(local_diff(held[of_node], target, self.graph.at0))
            per_sample = of.name.endswith("_" + self.sample.name) or wname.endswith(
                "_" + self.sample.name)
            return self.per_sample(value, self.sample if per_sample else None)
        node = self._node(wname, strict=False)
        if node is not None and node in self.graph.nodes:  # ∂/∂s_2j of an expression
            self._hold = node
            try:
                held = self.map(of)
            finally:
                self._hold = None
            index = {i.indices[-1] for i in held.atoms(sp.Indexed)}
            value = d.expand(local_diff(held, node, self.graph.at0))
            return self.per_sample(value, index.pop() if len(index) == 1 else None)
        variable = self.map(wrt)
        if not isinstance(variable, sp.Symbol):  # ∂|a|/∂a with a = y − M(x) under where
            return self._through(of, wrt, wname)
        return local_diff(self.map(of), variable, self.graph.at0)

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

    def _node(self, raw: str, strict: bool = True) -> sp.Symbol | None:
        """The spec symbol a ∂-variable names, through ``where`` (s_j meaning s_{2j})."""
        if raw in self.where_text:
            named = self.parse(self.where_text[raw])
            if isinstance(named, sp.Indexed):
                named = named.base.label
            if isinstance(named, sp.Symbol):
                return self._node(named.name, strict)
        for name in (raw, raw[:-2] if raw.endswith("_" + self.sample.name) else raw):
            if name in self.by_name:
                return self.by_name[name]
        if strict:
            raise UnsupportedError(f"∂/∂{raw}: {raw!r} is not a parameter or node of the spec")
        return None
