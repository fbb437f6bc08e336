"""Reference formulas from documents, mapped onto a spec and judged.

A reference is LaTeX in the document's notation.  Its names are mapped into
the spec: node names (r, z_1, h, ŷ) become their forward expressions, ``where``
entries define the document's own symbols (g_{1,n} = a'(z_{1,n})), function
names (a, σ, σ_h) become activations, and ∂X/∂Y factors become the engine's
derivatives.  Both sides then live in parameters and per-sample data and are
compared numerically at many points off kinks, and symbolically when small.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import sympy as sp

from derivgen.errors import ReferenceParseError, UnsupportedError
from derivgen.engine.layers import apply_activation
from derivgen.ops.activations import (ACTIVATIONS, DEFAULT_LEAKY_SLOPE, DOCUMENT_NAMES,
                                      elementwise)
from derivgen.judge.partials import Partials
from derivgen.judge.indices import substitute_indices
from derivgen.reader.latex import parse_expression, parse_reference
from derivgen.engine.rules import local_diff
from derivgen.spec.records import Activation, Network

if TYPE_CHECKING:
    from derivgen.model.scalar import Model

N = Partials.N
#: names a document may give the whole loss
LOSS_NAMES = frozenset({"L", "J", "Loss", "MAE", "MSE", "E", "C"})
#: names a document gives the learning rate in update rules (seed 001: η, seed 004: α)
LEARNING_RATES = frozenset({"eta", "alpha"})
_DUMMY = sp.Dummy("u", real=True)


def activation_function(name: str) -> Activation:
    """An activation usable in references: an elementwise one of the registry."""
    op = ACTIVATIONS.get(name)
    if op is None or op.build is None:
        raise UnsupportedError(f"unknown activation {name!r} in reference functions")
    return Activation(name, alpha=DEFAULT_LEAKY_SLOPE if op.takes_alpha else None)


class Mapper(Partials):
    """Maps parsed reference expressions into the spec's symbols."""

    def __init__(self, model: "Model", where: Mapping[str, str],
                 functions: Mapping[str, str], sample_index: str = "n",
                 per_observation: bool = False, free: frozenset[str] = frozenset(),
                 loss_arguments: tuple[str, ...] = ()) -> None:
        self.model, self.graph = model, model.graph
        #: names that stand for any real number (the z of σ'(z) = σ(z)(1 − σ(z)))
        self.free = free
        #: the document's L is the loss of one observation (seed 003), not of the data set
        self.per_observation = per_observation
        self.sample = sp.Symbol(sample_index, integer=True)
        self.where_text = dict(where)
        #: document functions defined by a formula, Linear(W, b, x) = W x + b: (parameters, body)
        self.definitions: dict[str, tuple[tuple[sp.Symbol, ...], sp.Expr]] = {}
        plain = {k: v for k, v in functions.items() if "=" not in v}
        self.functions = {**DOCUMENT_NAMES, **self._layer_functions(), **plain}
        known = frozenset(self.functions) | frozenset(f + "_prime" for f in self.functions)
        defined = frozenset(k for k in functions if k not in plain)
        self.parse_functions = known | defined | LOSS_NAMES  # J(θ₀, θ₁), MAE(y', y): the loss
        for name in defined:
            self.definitions[name] = self._definition(name, functions[name])
        self.by_name = {s.name: s for s in (*self.graph.params, *self.graph.inputs,
                                            *self.graph.targets, *self.graph.nodes)}
        self._where: dict[str, sp.Expr] = {}
        self._resolving: set[str] = set()
        self._hold: sp.Symbol | None = None  # ∂/∂node of an expression: keep the node
        #: where names held as a variable while ∂/∂name is taken (∂|a|/∂a)
        self._variables: dict[str, sp.Dummy] = {}
        #: J(θ₀, θ₁) as a function: its arguments replace these parameters, in order
        self.loss_arguments: tuple[sp.Symbol, ...] = ()
        self.loss_arguments = tuple(self._parameter(text) for text in loss_arguments)
        self._held: dict[sp.Symbol, dict[sp.Symbol, sp.Expr]] = {}

    def _layer_functions(self) -> dict[str, str]:
        net = self.model.spec.network
        if not isinstance(net, Network):
            return {}
        out = {"sigma_o": net.layers[-1].activation.name}
        if len(net.layers) > 1:
            out["sigma_h"] = net.layers[0].activation.name
        return out

    def _definition(self, name: str, text: str) -> tuple[tuple[sp.Symbol, ...], sp.Expr]:
        """``Linear(W, b, x) = W \\cdot x + b``: the parameters, each a plain name, and the body."""
        try:
            ref = parse_reference(text, sample_index=self.sample.name,
                                  functions=self.parse_functions)
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

    def _parameter(self, text: str) -> sp.Symbol:
        try:
            value = self.map(self.parse(text))
        except ReferenceParseError as exc:
            raise UnsupportedError(f"loss_arguments: {text!r}: {exc}") from None
        if value not in self.graph.params:
            raise UnsupportedError(f"loss_arguments: {text!r} is not a parameter of the spec")
        return value

    def parse(self, latex: str) -> sp.Expr:
        return parse_expression(latex, sample_index=self.sample.name,
                                functions=self.parse_functions)

    # ---- names ----
    def name(self, raw: str, index: sp.Expr | None) -> sp.Expr:
        """The spec value of a document name, per sample ``index`` when given."""
        base = raw
        if raw in self._variables:
            return self._variables[raw]
        if raw in self.where_text and raw not in self._resolving:
            # the document's own definitions come first; inside one, its own name
            # (L: 'L_{i}', one observation's loss) means the spec's
            self._resolving.add(raw)
            try:
                if self._hold is not None:  # inside ∂/∂node: no cache, the node stays
                    value = self.map(self.parse(self.where_text[raw]))
                else:
                    if raw not in self._where:
                        self._where[raw] = self.map(self.parse(self.where_text[raw]))
                    value = self._where[raw]
            finally:
                self._resolving.discard(raw)
            return self.per_sample(value, index)
        if index is None and self._is_loss(raw):
            return self.total_loss()
        if raw in self.free and raw not in self.by_name:
            return sp.Symbol(raw, real=True)
        if raw in LEARNING_RATES and raw not in self.by_name:
            return sp.Symbol(raw, positive=True)  # a free number: any rate must work
        if base in self.by_name:
            value = self._value(self.by_name[base])
        elif base.endswith("_" + self.sample.name) and base[:-2] in self.by_name:
            return self.name(base[:-2], self.sample)
        else:
            raise UnsupportedError(f"the reference uses {raw!r}, which is not a name of the "
                                   "spec; define it under 'where'")
        return self.per_sample(value, index)

    def _value(self, symbol: sp.Symbol) -> sp.Expr:
        """A spec name in parameters and data, or, inside ∂/∂node, down to that node."""
        if self._hold is None:
            return self.model.derivation.expand(symbol)
        if self._hold not in self._held:
            held: dict[sp.Symbol, sp.Expr] = {}
            for s, node in self.graph.nodes.items():
                held[s] = s if s == self._hold else node.expr.xreplace(held)
            self._held[self._hold] = held
        return self._held[self._hold].get(symbol, symbol)

    def _is_loss(self, name: str) -> bool:
        return name in LOSS_NAMES and (name not in self.by_name
                                       or self.by_name[name] == self.graph.loss)

    def total_loss(self) -> sp.Expr:
        """The loss over the data set: Σₙ ℓₙ, (1/N)Σₙ ℓₙ, or ℓ for a single sample."""
        per_sample = self.model.derivation.expand(self.graph.loss)
        if self.graph.reduction == "single" or self.per_observation:
            return per_sample
        n = sp.Dummy("n", integer=True)
        total = sp.Sum(self.per_sample(per_sample, n), (n, 1, N))
        return total / N if self.graph.reduction == "mean" else total

    def simplex(self, atoms) -> list[list[sp.Basic]]:
        """Cross-entropy targets are drawn as probability rows, as the documents assume."""
        if self.model.spec.loss != "cross_entropy":
            return []
        targets = {t.name for t in self.graph.targets}
        rows: dict[Any, list] = {}
        for a in atoms:
            name = a.base.label.name if isinstance(a, sp.Indexed) else str(a)
            if name in targets:
                rows.setdefault(a.indices if isinstance(a, sp.Indexed) else (), []).append(a)
        return list(rows.values())

    def per_sample(self, value: sp.Expr, index: sp.Expr | None) -> sp.Expr:
        """Index the spec's per-sample data symbols (x, y) by ``index``."""
        if index is None:
            return value
        data = {s: sp.IndexedBase(s.name)[index] for s in (*self.graph.inputs, *self.graph.targets)}
        return value.xreplace(data)

    # ---- expressions ----
    def map(self, expr: sp.Expr) -> sp.Expr:
        """Rewrite a parsed reference in the spec's parameters and per-sample data."""
        if isinstance(expr, sp.Indexed):
            index = expr.indices[-1]
            if index.is_Integer and index != self.sample:  # a component: y_c with c = 2
                return self.name(f"{expr.base.label.name}_{index}", None)
            return self.name(expr.base.label.name, index)
        if isinstance(expr, sp.Dummy):  # the variable of ∂/∂(expression)
            return expr
        if isinstance(expr, sp.Symbol):
            if expr.name == "N":
                return N
            if expr.name == "C" and expr.is_integer:
                return sp.Integer(len(self.graph.outputs))
            if expr.is_integer:
                return expr
            return self.name(expr.name, None)
        if isinstance(expr, sp.Sum):
            (var, lo, hi), *rest = expr.limits
            body = sp.Sum(expr.function, *rest) if rest else expr.function
            lo, hi = self.map(lo), self.map(hi)
            if var.name != self.sample.name and lo.is_Integer and hi.is_Integer:
                # Σ over outputs or units: unroll, so that y_c and z_{2i} name real symbols
                return sp.Add(*(self.map(substitute_indices(body, {var.name: v}))
                                for v in range(int(lo), int(hi) + 1)))
            return sp.Sum(self.map(body), (var, lo, hi))
        if isinstance(expr, sp.Max) and len(expr.args) == 2 and 0 in expr.args:
            other = [a for a in expr.args if a != 0][0]
            return elementwise("relu", self.map(other))
        if isinstance(expr, sp.core.function.AppliedUndef):
            return self.apply(str(expr.func), expr.args)
        if expr.is_Atom:
            return expr
        return expr.func(*(self.map(a) for a in expr.args))

    def apply(self, fname: str, args: tuple) -> sp.Expr:
        if fname == "D":
            return self.derivative(*args)
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
        inner = self.map(args[0])
        if not prime:
            return apply_activation(act, inner)
        rule = local_diff(apply_activation(act, _DUMMY), _DUMMY, self.graph.at0)
        return rule.xreplace({_DUMMY: inner})

    def target(self, head: sp.Expr, assign: bool = False,
               later: tuple = ()) -> sp.Expr:
        """What a formula's first side stands for: a derivative, an update, or a value.

        In an update rule ``θ ← RHS`` (or ``:=``) the first side is the parameter
        after one step of gradient descent, θ − η ∂L/∂θ, with the learning rate
        the ``later`` sides name (η, α), so the rule must hold for any rate.
        """
        if isinstance(head, sp.core.function.AppliedUndef) and str(head.func) == "D":
            return self.derivative(*head.args)
        value = self.map(head)
        if not assign:
            return value
        if value not in self.graph.params:
            raise UnsupportedError(f"the update rule assigns {head}, which is not a parameter")
        named = {s.name for side in later if side is not None for s in side.free_symbols}
        rate = sorted(named & LEARNING_RATES) or ["eta"]
        return value - sp.Symbol(rate[0], positive=True) * self.model.gradients[value.name]
