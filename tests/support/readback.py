"""Reading rendered formulas back: refparse + reference.Mapper, judged numerically.

A rendered formula uses the document's names (ŷ_{0,1}, h_θ(x_i), g_{1,n}),
which are not the engine's.  :func:`reference_names` tells the Mapper what
each such name stands for, in the same ``where``/``functions`` form a spec's
``reference:`` section uses; :func:`judge` then compares every side of a
display with the engine's value, as ``derivgen check`` judges documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derivgen.ops.functions import LeakyRelu, Step
from derivgen.render.latex import FUNCTION_NAMES, split_name
from derivgen.render.notation import Notation
from derivgen.judge.arrays import Binding, Evaluator, ShapeMismatch, close
from derivgen.verify import random_point
from derivgen.judge.numeric import POINTS, compare, concrete
from derivgen.judge.mapping import N, Mapper
from derivgen.reader.latex import DEFAULT_FUNCTIONS, parse_expression, parse_reference

if TYPE_CHECKING:
    from derivgen.model.scalar import Model

#: random points a whole-layer equation is evaluated at
LAYER_POINTS = 5
#: the free variable of the notes on activations (σ'(z) = σ(z)(1 − σ(z)))
FREE = frozenset({"z", "x"})
#: samples a Σ_n is unrolled to: two already tell a sum from one term, and lambdify of
#: softmax networks grows with every sample
SAMPLES = 2


def engine_text(name: str) -> str:
    """LaTeX that refparse reads as exactly ``name``: yhat_1 → \\text{yhat}_{1}."""
    head, parts = split_name(name)
    return r"\text{" + head + "}" + ("_{" + ",".join(parts) + "}" if parts else "")


@dataclass
class ReferenceNames:
    """What the Mapper needs to read a rendering: where, functions and name aliases."""

    where: dict[str, str]
    functions: dict[str, str]
    aliases: dict[str, str]


def reference_names(nt: Notation) -> ReferenceNames:
    """Map every document name of ``nt`` that is not an engine name back to the engine."""
    where: dict[str, str] = {}
    functions: dict[str, str] = {}
    aliases: dict[str, str] = {}
    known = frozenset(DEFAULT_FUNCTIONS)
    for key, default in FUNCTION_NAMES.items():  # a(z), ReLU(z), softplus(z), …; \tanh is built in
        text = nt.profile.functions.get(key, default)
        name = parse_expression(text, functions=known) if text != r"\tanh" else None
        if isinstance(name, sp.Symbol):
            functions[name.name] = key
    for s, entry in nt.table.items():
        if entry.call is not None:  # h_θ(x): a function of the inputs naming the node
            name = parse_expression(entry.call, functions=known)
            functions[str(name)] = s.name
            aliases[str(name)] = s.name
            continue
        parsed = parse_expression(nt.symbol(s, sample=False), functions=known)
        if isinstance(parsed, sp.Symbol) and parsed.name != s.name:
            aliases[parsed.name] = s.name
            where[parsed.name] = engine_text(s.name)
    for arg, owner in nt.step_owner.items():  # g_{1,n} = a'(z_{1,n}): the engine's own Step
        style, g, _ = nt.step_style(arg)
        if style == "g" and g is not None:
            where["_".join(("g",) + g.parts)] = owner + r"'\left(" + engine_text(arg.name) + r"\right)"
    for s in nt.table:  # the variables of ∂ are read as one name each: y'_{i} → y_i_prime
        for sample in (False, True) if nt.per_sample else (False,):
            text = nt.variable(s, sample)
            side = parse_expression(r"\frac{\partial " + text + r"}{\partial " + text + "}",
                                    functions=known)
            wrt = str(side.args[1])
            engine = s.name + ("_" + str(nt.sample) if sample and nt.table[s].data else "")
            if wrt != engine:
                aliases[wrt] = engine
    return ReferenceNames(where, functions, aliases)


@dataclass
class Judgement:
    """Whether every side of a display equals the engine's value."""

    equal: bool
    message: str


class Reader:
    """Reads rendered formulas of one model and notation back into the engine's terms."""

    def __init__(self, model: "Model", nt: Notation) -> None:
        self.model, self.nt = model, nt
        self.names = reference_names(nt)
        self.sample = nt.profile.sample_index
        self.mapper = Mapper(model, self.names.where, self.names.functions, self.sample,
                             free=FREE)
        self.leaky = {n for n, key in self.names.functions.items() if key == "leaky_relu"}

    def _mapper(self, kind: str) -> Mapper:
        """Notes on activations read α as the slope; elsewhere it is the learning rate."""
        if kind not in ("note", "kink") or self.nt.alpha is None:
            return self.mapper
        where = dict(self.names.where, alpha=sp.latex(sp.nsimplify(self.nt.alpha)))
        return Mapper(self.model, where, self.names.functions, self.sample, free=FREE)

    @cached_property
    def _unhalved(self) -> Mapper:
        """The same names on the model without the ½ in its loss (seed 000's note)."""
        from dataclasses import replace
        from derivgen.model.scalar import Model
        spec = replace(self.model.spec, loss="sse")
        return Mapper(Model(spec), self.names.where, self.names.functions, self.sample,
                      free=FREE)

    def _rename(self, x: sp.Expr) -> sp.Expr:
        aliases = self.names.aliases
        return sp.Symbol(aliases[x.name]) if isinstance(x, sp.Symbol) and x.name in aliases else x

    def _restore(self, side: sp.Expr) -> sp.Expr:
        """Document names inside ∂X/∂Y become engine names; LeakyReLU gets its slope back."""
        side = side.replace(lambda e: isinstance(e, AppliedUndef) and e.func.__name__ == "D",
                            lambda e: e.func(self._rename(e.args[0]), self._rename(e.args[1])))
        alpha, at0 = self.nt.alpha, self.nt.graph.at0
        if alpha is None:  # slopes differ: the printer wrote max(z, αz), nothing to restore
            return side
        plain = {n: lambda u: LeakyRelu(u, alpha) for n in self.leaky}
        plain.update({n + "_prime": lambda u: alpha + (1 - alpha) * Step(u, at0)
                      for n in self.leaky})
        return side.replace(lambda e: isinstance(e, AppliedUndef) and e.func.__name__ in plain,
                            lambda e: plain[e.func.__name__](self.mapper.map(e.args[0])))

    def judge_layer(self, latex: str, matrices: tuple, seed: int = 0) -> Judgement:
        """A whole-layer equation (z_1 = W_1·x + b_1), evaluated with arrays."""
        functions = self.mapper.parse_functions | {"softmax"}
        bindings = {str(parse_expression(fragment, functions=functions)): Binding(kind, names)
                    for fragment, (kind, names) in matrices}
        names = frozenset(n for n, b in bindings.items() if b.kind != "param")
        ref = parse_reference(latex, functions=functions, matrices=names,
                              hadamard=frozenset())  # every product sign here is a matrix one
        net = self.model.spec.network
        layout = "columns" if net.names.matrix_layout == "out_in" else "rows"
        n = 1 if layout == "columns" or self.model.graph.reduction == "single" else SAMPLES
        rng = np.random.default_rng(seed)
        for point in range(LAYER_POINTS):
            params, x, y = random_point(self.model, rng, n)
            evaluate = Evaluator(self.model, layout, bindings, self.mapper.functions, params,
                                 x, y, rate=0.1)
            try:
                problem = close(evaluate(ref.sides[1]), evaluate(ref.sides[0]))
            except ShapeMismatch as exc:
                problem = str(exc)
            if problem:
                return Judgement(False, f"at random point {point + 1}: {problem}")
        return Judgement(True, f"equal to the engine's arrays at {LAYER_POINTS} points")

    def judge(self, latex: str, seed: int = 0, kind: str = "") -> Judgement:
        """Parse ``latex`` (``LHS = … = RHS``) and compare each later side with the first.

        A first side that is ∂L/∂θ is the engine's gradient; ∂X/∂Y of nodes is the
        engine's partial.  Sums over samples are unrolled at N = SAMPLES.  A "half"
        note (∂L̃/∂p = 2 ∂L/∂p) is judged for every parameter p, its left side on
        the loss without the ½.
        """
        if kind == "half":
            for p in self.model.parameters:
                verdict = self._judge(latex.replace("{\\partial p}", "{\\partial " +
                                                    engine_text(p) + "}"), seed, kind)
                if not verdict.equal:
                    return Judgement(False, f"p = {p}: {verdict.message}")
            return Judgement(True, "equal for every parameter")
        return self._judge(latex, seed, kind)

    def _judge(self, latex: str, seed: int, kind: str) -> Judgement:
        mapper = self._mapper(kind)
        ref = parse_reference(latex, sample_index=self.sample,
                              functions=mapper.parse_functions)
        sides = [self._restore(s) for s in ref.sides if s is not None]
        head = self._unhalved if kind == "half" else mapper
        derived = head.target(sides[0], ref.assign, tuple(sides[1:]))
        target = concrete(derived, N, SAMPLES, mapper.sample)
        rng = np.random.default_rng(seed)
        for k, side in enumerate(sides[1:], start=2):
            rendered = concrete(mapper.map(side), N, SAMPLES, mapper.sample)
            verdict = compare(rendered, target, rng, simplex=mapper.simplex, need=POINTS // 4,
                              symbolic=False)
            if not verdict.equal:
                return Judgement(False, f"side {k} differs: {verdict.difference()}")
        return Judgement(True, f"{len(sides) - 1} sides equal the engine")


def judge(model: "Model", nt: Notation, latex: str, seed: int = 0) -> Judgement:
    """:meth:`Reader.judge` for one formula."""
    return Reader(model, nt).judge(latex, seed)
