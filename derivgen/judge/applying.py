"""Functions, losses and update steps for :class:`derivgen.judge.mapping.Mapper`.

A document applies activations (σ, ReLU, a, σ_h), its own functions defined by a
formula (Linear(W, b, x) = W x + b), the loss (J(θ₀, θ₁)) and nodes as functions
(f(x_n; φ, θ)); an update rule's first side (θ ← …, θ^{+} = …, θ' = …) is the
parameter after one gradient step, for any learning rate.
"""
from __future__ import annotations

from typing import Any

import sympy as sp

from derivgen.engine.layers import apply_activation
from derivgen.engine.rules import local_diff
from derivgen.ops.activations import ACTIVATIONS, DEFAULT_LEAKY_SLOPE
from derivgen.ops.losses import loss
from derivgen.errors import ReferenceParseError, UnsupportedError
from derivgen.reader.latex import parse_reference
from derivgen.reader.tree import UPDATED
from derivgen.spec.records import Activation

#: names a document gives the learning rate in update rules (seed 001: η, seed 004: α)
LEARNING_RATES = frozenset({"eta", "alpha"})
_DUMMY = sp.Dummy("u", real=True)


def activation_function(name: str) -> Activation:
    """An activation usable in references: an elementwise one of the registry."""
    op = ACTIVATIONS.get(name)
    if op is None or op.build is None:
        raise UnsupportedError(f"unknown activation {name!r} in reference functions")
    return Activation(name, alpha=DEFAULT_LEAKY_SLOPE if op.takes_alpha else None)


class Applying:
    """Mixin of :class:`derivgen.judge.mapping.Mapper`: functions, the loss, updates."""

    def _definition(self, name: str, text: str) -> tuple[tuple[sp.Symbol, ...], sp.Expr]:
        """``Linear(W, b, x) = W \\cdot x + b``: the parameters, each a plain name, and the body."""
        try:
            ref = parse_reference(text, sample_index=self.sample.name,
                                  functions=self.parse_functions, names=self.declared,
                                  leibniz=self.leibniz)
        except ReferenceParseError as exc:
            raise UnsupportedError(f"functions: {name}: {exc}") from None
        head = ref.sides[0]
        params = head.args if isinstance(head, sp.core.function.AppliedUndef) else ()
        if len(ref.sides) != 2 or str(getattr(head, "func", "")) != name or not params or \
                not all(isinstance(p, sp.Symbol) and not p.is_integer for p in params) or \
                len(set(params)) != len(params):
            raise UnsupportedError(f"functions: {name}: write the definition as "
                                   f"'{name}(a, b, ...) = body' with distinct plain names "
                                   "as the parameters")
        return params, ref.sides[1]

    def total_loss(self) -> sp.Expr:
        """The loss over the data set: Σₙ ℓₙ, (1/N)Σₙ ℓₙ, or ℓ for a single sample."""
        per_sample = self.model.derivation.expand(self.graph.loss)
        if self.graph.reduction == "single" or self.per_observation:
            return per_sample
        n = sp.Dummy("n", integer=True)
        total = sp.Sum(self.per_sample(per_sample, n), (n, 1, self.N))
        return total / self.N if self.graph.reduction == "mean" else total

    def simplex(self, atoms) -> list[list[sp.Basic]]:
        """Cross-entropy targets are probability rows: each sample's whole target vector
        is drawn on the simplex (also its entries the formula does not name, so that a
        lone y_k is not 1).  Other losses take any targets: none is constrained."""
        if loss(self.model.spec.loss).targets != "simplex":
            return []
        targets = [t.name for t in self.graph.targets]
        keys: dict[Any, None] = {}
        for a in atoms:
            name = a.base.label.name if isinstance(a, sp.Indexed) else str(a)
            if name in targets:
                keys[a.indices if isinstance(a, sp.Indexed) else ()] = None
        return [[sp.IndexedBase(t)[key] if key else self.by_name[t] for t in targets]
                for key in keys]

    def apply(self, fname: str, args: tuple) -> sp.Expr:
        if fname == "D":
            return self.derivative(*args)
        if fname == UPDATED.__name__:
            return self.updated(self.map(args[0]))
        prime = fname.endswith("_prime")
        base = fname[:-6] if prime else fname
        if fname in self.definitions:  # Linear(W_2, b_2, l): the definition's body, filled in
            params, body = self.definitions[fname]
            if len(args) != len(params):
                raise UnsupportedError(f"{fname} is defined with {len(params)} arguments under "
                                       f"'functions'; the reference gives it {len(args)}")
            return self.map(body.xreplace(dict(zip(params, args))))
        if self._is_loss(base) and not prime:  # J(θ₀, θ₁) is the loss itself
            if self.loss_arguments and len(args) == len(self.loss_arguments):
                # J(θ₁, θ₁) is not J(θ₀, θ₁): the loss at the arguments given
                values = dict(zip(self.loss_arguments, (self.map(a) for a in args)))
                return self.total_loss().xreplace(values)
            return self.total_loss()
        target = self.functions.get(base)
        if target in (None, "node") and base in self.by_name:  # z_1(x_n): the node at x_n
            target = base
        if target in self.by_name and not prime:  # f(x_n; φ, θ) names a node
            index = next((a.indices[-1] for a in args if isinstance(a, sp.Indexed)), None)
            return self.name(target, index)
        if target is None or len(args) != 1:
            raise UnsupportedError(f"the reference applies {fname!r}; map it under 'functions' "
                                   "to an activation, a node name, or 'node'")
        act = activation_function(target)
        if act.alpha is not None:  # LeakyReLU in a document: the network's own slope
            act = Activation(act.name, alpha=self.leaky_slope())
        inner = self.map(args[0])
        if not prime:
            return apply_activation(act, inner)
        rule = local_diff(apply_activation(act, _DUMMY), _DUMMY, self.graph.at0)
        return rule.xreplace({_DUMMY: inner})

    def leaky_slope(self) -> sp.Expr:
        """The slope of the network's leaky ReLU layers when they share one, else the
        default a document's LeakyReLU has."""
        net = self.model.spec.network
        slopes = {layer.activation.alpha for layer in getattr(net, "layers", ())
                  if layer.activation.name == "leaky_relu"}
        return slopes.pop() if len(slopes) == 1 and None not in slopes else DEFAULT_LEAKY_SLOPE

    def rate(self, sides: tuple = ()) -> sp.Symbol:
        """The learning rate the formula names (η, α), any positive number."""
        named = {s.name for side in sides if side is not None for s in side.free_symbols}
        return sp.Symbol((sorted(named & LEARNING_RATES) or ["eta"])[0], positive=True)

    def updated(self, value: sp.Expr, sides: tuple = ()) -> sp.Expr:
        """θ after one step of gradient descent, θ − η ∂L/∂θ."""
        if value not in self.graph.params:
            raise UnsupportedError(f"the update rule assigns {value}, which is not a parameter")
        return value - self.rate(sides) * self.model.gradients[value.name]

    def target(self, head: sp.Expr, assign: bool = False,
               later: tuple = ()) -> sp.Expr:
        """What a formula's first side stands for: a derivative, an update, or a value.

        In an update rule ``θ ← RHS`` (or ``:=``, or ``θ^{+} = RHS``) the first side is the
        parameter after one step of gradient descent, θ − η ∂L/∂θ, with the learning rate
        the ``later`` sides name (η, α), so the rule must hold for any rate; so is ``θ' =
        RHS`` when θ' names nothing else and RHS names a learning rate.
        """
        if isinstance(head, sp.core.function.AppliedUndef) and str(head.func) == "D":
            return self.derivative(*head.args)
        if isinstance(head, sp.core.function.AppliedUndef) and head.func == UPDATED:
            head, assign = head.args[0], True
        elif isinstance(head, sp.Symbol) and head.name.endswith("_prime") and \
                not self.knows(head.name) and self.rate(later).name in {
                    s.name for side in later if side is not None for s in side.free_symbols}:
            head, assign = sp.Symbol(head.name[:-6]), True  # w' = w − η ∂L/∂w
        value = self.map(head)
        return self.updated(value, later) if assign else value
