"""Reference formulas from documents, mapped onto a spec and judged.

A reference is LaTeX in the document's notation.  Its names are mapped into
the spec: node names (r, z_1, h, ŷ) become their forward expressions, ``where``
entries define the document's own symbols (g_{1,n} = a'(z_{1,n})), function
names (a, σ, σ_h) become activations, and ∂X/∂Y factors become the engine's
derivatives.  Both sides then live in parameters and per-sample data and are
compared numerically at many points off kinks, and symbolically when small.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import sympy as sp

from derivgen.judge.numeric import SAMPLES  # the judge's batch: what x^{(2)} may name
from derivgen.errors import ReferenceParseError, UnsupportedError
from derivgen.ops.activations import DOCUMENT_NAMES, elementwise
from derivgen.judge.applying import LEARNING_RATES, Applying, activation_function
from derivgen.judge.partials import Partials
from derivgen.judge.indices import substitute_indices
from derivgen.reader.latex import parse_expression
from derivgen.reader.tree import ALL, AT_SAMPLE, FIRST, ONES, VECTOR
from derivgen.spec.records import Network

if TYPE_CHECKING:
    from derivgen.model.scalar import Model

__all__ = ["Mapper", "N", "LOSS_NAMES", "LEARNING_RATES", "activation_function"]

N = Partials.N
#: names a document may give the whole loss
LOSS_NAMES = frozenset({"L", "J", "Loss", "MAE", "MSE", "E", "C"})
#: names of one sample's loss, with its sample index (ℓ_i): never the loss of the data set
SAMPLE_LOSS_NAMES = frozenset({"ell"})


class Mapper(Partials, Applying):
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
        #: a list of definitions overloads a name by its number of arguments (seed 004's
        #: Linear(W, b, x) and Linear(W_1, b_1, W_2, b_2, x), the whole network)
        self.definitions: dict[str, dict[int, tuple[tuple[sp.Symbol, ...], sp.Expr]]] = {}
        texts = {k: [v] if isinstance(v, str) else list(v) for k, v in functions.items()}
        if not all(isinstance(t, str) for v in texts.values() for t in v):
            raise UnsupportedError("functions: each value is a name or a definition "
                                   "'f(a, b) = body' (or a list of definitions)")
        plain = {k: v[0] for k, v in texts.items() if len(v) == 1 and "=" not in v[0]}
        self.functions = {**DOCUMENT_NAMES, **self._layer_functions(), **plain}
        known = frozenset(self.functions) | frozenset(f + "_prime" for f in self.functions)
        defined = frozenset(k for k in functions if k not in plain)
        self.parse_functions = known | defined | LOSS_NAMES  # J(θ₀, θ₁), MAE(y', y): the loss
        self.by_name = {s.name: s for s in (*self.graph.params, *self.graph.inputs,
                                            *self.graph.targets, *self.graph.nodes)}
        #: names of several letters read as one symbol: the document's (where), the spec's
        self.declared = frozenset(self.where_text) | frozenset(self.by_name) | LOSS_NAMES
        #: Leibniz's d is a derivative unless d is a name of the spec or the document
        self.leibniz = "d" not in self.by_name and "d" not in self.where_text
        self._held: dict[sp.Symbol | None, dict[sp.Symbol, sp.Expr]] = {}
        for name in defined:
            for text in texts[name]:
                params, body = self._definition(name, text)
                self.definitions.setdefault(name, {})[len(params)] = (params, body)
        self._where: dict[str, sp.Expr] = {}
        self._resolving: set[str] = set()
        self._hold: sp.Symbol | None = None  # ∂/∂node of an expression: keep the node
        #: where names held as a variable while ∂/∂name is taken (∂|a|/∂a)
        self._variables: dict[str, sp.Dummy] = {}
        #: J(θ₀, θ₁) as a function: its arguments replace these parameters, in order
        self.loss_arguments: tuple[sp.Symbol, ...] = ()
        self.loss_arguments = tuple(self._parameter(text) for text in loss_arguments)

    def _layer_functions(self) -> dict[str, str]:
        net = self.model.spec.network
        if not isinstance(net, Network):
            return {}
        out = {"sigma_o": net.layers[-1].activation.name}
        if len(net.layers) > 1:
            out["sigma_h"] = net.layers[0].activation.name
        return out

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
                                functions=self.parse_functions, names=self.declared,
                                leibniz=self.leibniz)

    def knows(self, name: str) -> bool:
        """Whether a document name stands for something: a spec or ``where`` name, the
        loss, a learning rate, a free variable, or a spec name of one sample (ŷ_n)."""
        return name in self.where_text or name in self.by_name or self._is_loss(name) or \
            name in LEARNING_RATES or name in self.free or self.resolve(name) is not None

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
        if index is not None and self.sample_loss(raw):  # ℓ_i: the loss of sample i
            return self.per_sample(self._value(self.graph.loss), index)
        if raw in self.free and raw not in self.by_name:
            return sp.Symbol(raw, real=True)
        if raw in LEARNING_RATES and raw not in self.by_name:
            return sp.Symbol(raw, positive=True)  # a free number: any rate must work
        if base in self.by_name:
            symbol = self.by_name[base]
            if index is not None and symbol in self.graph.params and index == self.sample:
                raise UnsupportedError(f"{raw!r} carries the sample index {self.sample}, but "
                                       f"{raw} is a parameter, the same for every sample")
            value = self._value(symbol)
        else:
            for name, _ in self._sample_forms(base, self.sample.name):  # ŷ_n, z_{1n}, z_{n1}
                if name in self.by_name or name in self.where_text:
                    return self.name(name, self.sample)
            raise UnsupportedError(f"the reference uses {raw!r}, which is not a name of the "
                                   "spec; define it under 'where'")
        return self.per_sample(value, index)

    def _value(self, symbol: sp.Symbol) -> sp.Expr:
        """A spec name in parameters and data, or, inside ∂/∂node, down to that node."""
        if self._hold is None:
            return self.model.derivation.expand(symbol)
        return self.held(self._hold).get(symbol, symbol)

    def sample_loss(self, name: str) -> bool:
        """ℓ (with a sample index): one sample's loss, unless the document names it."""
        return name in SAMPLE_LOSS_NAMES and name not in self.by_name and \
            name not in self.where_text

    def _is_loss(self, name: str) -> bool:
        return name in LOSS_NAMES and (name not in self.by_name
                                       or self.by_name[name] == self.graph.loss)

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
        if expr in (ONES, ALL, FIRST) or getattr(expr, "func", None) == VECTOR:
            raise UnsupportedError(self._not_scalar(expr))
        if isinstance(expr, sp.Sum):
            (var, lo, hi), *rest = expr.limits
            body = sp.Sum(expr.function, *rest) if rest else expr.function
            if hi == ALL:  # \sum_k: every value of k the names allow
                return sp.Add(*(self.map(substitute_indices(body, {var.name: v}))
                                for v in self.index_values(body, var, lo)))
            lo, hi = self.map(lo), self.map(hi)
            if var.name != self.sample.name and lo.is_Integer and hi.is_Integer:
                # Σ over outputs or units: unroll, so that y_c and z_{2i} name real symbols
                return sp.Add(*(self.map(substitute_indices(body, {var.name: v}))
                                for v in range(int(lo), int(hi) + 1)))
            return sp.Sum(self.map(body), (var, lo, hi))
        if isinstance(expr, sp.Max) and len(expr.args) == 2 and 0 in expr.args:
            other = [a for a in expr.args if a != 0][0]
            return elementwise("relu", self.map(other))
        if isinstance(expr, sp.core.function.AppliedUndef) and expr.func == AT_SAMPLE:
            return self.at_sample(*expr.args)
        if isinstance(expr, sp.core.function.AppliedUndef):
            return self.apply(str(expr.func), expr.args)
        if expr.is_Atom:
            return expr
        return expr.func(*(self.map(a) for a in expr.args))

    def at_sample(self, name: sp.Symbol, number: sp.Integer) -> sp.Expr:
        """x^{(2)}: the value of a per-sample name at sample 2 of the judge's batch."""
        if not 1 <= int(number) <= SAMPLES:
            raise UnsupportedError(f"{name}^({number}) names sample {number}; formulas are "
                                   f"judged with {SAMPLES} samples")
        return self.name(name.name, number)

    def index_values(self, body: sp.Expr, var: sp.Symbol, lower: sp.Expr) -> list[int]:
        """The values of a sum's letter written without limits (\\sum_k): from the first
        (0 or 1, or the lower limit given) up while every name the letter enters exists."""
        def names(v: int) -> set[str]:
            out = set()
            for a in substitute_indices(body, {var.name: v}).atoms(sp.Symbol, sp.Indexed):
                if isinstance(a, sp.Indexed):  # y[2] is the component y_2, y_1[n] is y_1
                    index = a.indices[-1]
                    out.add(f"{a.base.label.name}_{index}" if index.is_Integer
                            else a.base.label.name)
                elif isinstance(a, sp.Symbol) and not a.is_integer:
                    out.add(a.name)
            for f in substitute_indices(body, {var.name: v}).atoms(sp.Function):
                out |= {str(a) for a in f.args if isinstance(a, sp.Symbol) and not a.is_integer}
            return out
        fixed = names(10 ** 6)  # names the letter does not enter
        first = [int(lower)] if lower.is_Integer else [0, 1]
        for start in first:
            values: list[int] = []
            v = start
            while v < 1000:
                entered = names(v) - fixed
                if not entered or not all(self.knows(n) for n in entered):
                    break
                values.append(v)
                v += 1
            if values:
                return values
        raise UnsupportedError(f"\\sum_{var}: no value of {var} gives names of the spec; "
                               f"write the limits (\\sum_{{{var}=1}}^{{K}})")

    def _not_scalar(self, expr: sp.Expr) -> str:
        if expr == ONES:
            return "\\mathbf{1} (a vector of ones) is read only in matrix formulas (form: matrix)"
        if getattr(expr, "func", None) == VECTOR:
            return "a vector [a, b, ...] is compared entry by entry with another vector only"
        return "a sum without limits must run over an index of the formula"
