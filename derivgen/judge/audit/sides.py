"""One side of a link: read, mapped into the spec, and valued at the example.

A side is read by the strict parser after :mod:`notation` rewrote it; its decimal
numbers stay named literals.  Its value at the worked example is computed in the
"true world" (the document's symbols take the engine's values); its tolerance
comes from the printed digits of its literals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import sympy as sp

from derivgen.errors import UnsupportedError
from derivgen.judge.arrays import Evaluator, NoValue
from derivgen.judge.array_judge import Scalars
from derivgen.judge.jacobians import Chains
from derivgen.judge.audit.arraytext import rows as _rows, vectors
from derivgen.judge.audit.notation import Literal, Rewritten
from derivgen.judge.mapping import LEARNING_RATES, N
from derivgen.judge.numeric import compile_exprs, concrete
from derivgen.reader.latex import parse_reference
from derivgen.reader.tree import BMATRIX

_SAMPLE = re.compile(r"^(?P<base>.+?)_?smpl(?P<k>\d+)$")
ONES = "onesT"


@dataclass
class Side:
    """A parsed side: its expression, literals and whether it is an array."""

    expr: sp.Expr
    rewritten: Rewritten
    matrix: bool
    flat: bool  # written as [a, b, c]: compared as a flat vector

    @property
    def literals(self) -> dict[str, Literal]:
        return self.rewritten.literals

    @property
    def literal_values(self) -> dict[str, float]:
        """The value of each number the document printed on this side, by its name."""
        return {k: v.value for k, v in self.literals.items()}

    def names(self) -> set[str]:
        lit = set(self.literals)
        return {s.name for s in self.expr.free_symbols
                if isinstance(s, sp.Symbol) and s.name not in lit} | \
            {i.base.label.name for i in self.expr.atoms(sp.Indexed)}

    @property
    def numeric(self) -> bool:
        """Only numbers (σ(0.31), e^{-0.19}, a bmatrix of numbers): printed arithmetic."""
        return not self.names() and not any(
            str(f.func) == "D" for f in self.expr.atoms(sp.core.function.AppliedUndef))

    def single_literal(self) -> bool:
        e = self.expr
        e = -e if e.could_extract_minus_sign() else e
        return isinstance(e, sp.Symbol) and e.name in self.literals


def parse_side(part, text: str, offsets: list[int]) -> Side:
    """Rewrite and read one side; ReferenceParseError when it cannot be read."""
    original = text
    text, flat = vectors(text)
    # (W_2)_{31}: the entry in row 3, column 1 of a matrix the front matter binds
    text = re.sub(r"\(\s*([^()]+?)\s*\)_\{?\s*(\d)\s*,?\s*(\d)\s*\}?",
                  lambda m: f"\\text{{entry}}({m.group(1)}, {m.group(2)}, {m.group(3)})"
                  if part.matrices else m.group(), text)
    text = _rows(part, text)
    text = re.sub(r"\\mathbf\s*\{\s*1\s*\}\s*\^\s*(\{\s*)?(T|\\top)(\s*\})?", "\\\\text{onesT}",
                  text)
    if text != original:  # columns inside a rewritten vector point at its start
        offsets = list(offsets[:1]) * len(text) if offsets else [0] * len(text)
    rewritten = part.notation.rewrite(text, offsets)
    fn = part.mapper.parse_functions | frozenset({"prod", "entry", "row", "rowgrad"})
    names = part.matrix_names | ({ONES} if part.matrices else frozenset())
    if part.matrices:
        ref = parse_reference(rewritten.text, sample_index=part.mapper.sample.name,
                              functions=fn, matrices=names, hadamard=part.matrices[2],
                              contraction=part.matrices[3])
        expr = ref.sides[0] if ref.sides else ref.expr
        if not any(not s.is_commutative for s in expr.free_symbols) and not expr.has(BMATRIX):
            ref = parse_reference(rewritten.text, sample_index=part.mapper.sample.name,
                                  functions=fn)
            expr = ref.sides[0] if ref.sides else ref.expr
    else:
        ref = parse_reference(rewritten.text, sample_index=part.mapper.sample.name,
                              functions=fn)
        expr = ref.sides[0] if ref.sides else ref.expr
    if expr is None:
        raise UnsupportedError("this side names no value")
    matrix = expr.has(BMATRIX) or any(not s.is_commutative for s in expr.free_symbols)
    return Side(expr, rewritten, matrix, flat)


class Values:
    """Values of spec-space expressions at the worked example of a part."""

    def __init__(self, part) -> None:
        self.part = part
        self.cache: dict = {}

    def special(self, expr: sp.Expr) -> sp.Expr:
        """Update heads (w_5^{+}) and sample marks (x^{(2)}) into spec expressions."""
        mapper = self.part.mapper
        swap = {}
        for s in expr.free_symbols:
            if not isinstance(s, sp.Symbol):
                continue
            if s.name.endswith("_upd"):
                swap[s] = self.updated(s.name[:-4])
            elif (m := _SAMPLE.match(s.name)) and s.name not in mapper.by_name:
                base, k = m.group("base"), sp.Integer(int(m.group("k")))
                swap[s] = mapper.name(base.rstrip("_"), k)
        return expr.xreplace(swap) if swap else expr

    def updated(self, name: str) -> sp.Expr:
        """``name`` after one gradient step: the judge's one update rule (Applying.updated)."""
        mapper = self.part.mapper
        return mapper.updated(mapper.map(sp.Symbol(name)))

    def map(self, side: Side, literal_values: dict[str, float] | None = None) -> sp.Expr:
        """The side in parameters and data; literals stay symbols ``zzlitK``."""
        part = self.part
        dummies = {k: sp.Dummy(k) for k in side.literals}
        expr = side.expr.xreplace({sp.Symbol(k): d for k, d in dummies.items()})
        specials = {}
        for s in list(expr.free_symbols):
            if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy) and (
                    s.name.endswith("_upd") or _SAMPLE.match(s.name)):
                d = sp.Dummy(s.name)
                specials[d] = self.special(s)
                expr = expr.xreplace({s: d})
        sizes = {s: sp.Integer(len(part.model.graph.outputs)) for s in expr.free_symbols
                 if isinstance(s, sp.Symbol) and s.name == "K" and s.is_integer
                 and "K" not in part.mapper.by_name}  # \sum_{k=1}^{K}: K classes
        expr = expr.xreplace(sizes) if sizes else expr
        kron = {s: sp.Integer(int(s.name[-2] == s.name[-1])) for s in expr.free_symbols
                if isinstance(s, sp.Symbol) and re.fullmatch(r"delta_\d\d", s.name)
                and s.name not in part.mapper.by_name}  # Kronecker δ_{kj} once k, j are set
        mapped = part.mapper.map(expr.xreplace(kron) if kron else expr)
        mapped = mapped.xreplace(specials)  # already in the spec's symbols
        back = {d: sp.Symbol(k) for k, d in dummies.items()}
        return mapped.xreplace(back)

    def at_example(self, mapped: sp.Expr, literal_values: dict[str, float]) -> float:
        part = self.part
        expr = concrete(mapped, N, part.samples, part.mapper.sample)
        compiled = compile_exprs([expr])
        values = dict(part.values)
        for a in compiled.atoms:
            if isinstance(a, sp.Symbol):
                if a.name in literal_values:
                    values[a] = np.array([literal_values[a.name]])
                elif a.name in LEARNING_RATES:
                    values[a] = np.array([part.rate])
        [value] = compiled(values)
        return float(np.ravel(value)[0])

    def array(self, side: Side, literal_values: dict[str, float]) -> np.ndarray | float:
        """A matrix side at the example, with the arrays Evaluator."""
        part = self.part
        expr = side.expr.xreplace({sp.Symbol(k): sp.Float(v) for k, v in literal_values.items()})
        scalars = Scalars(part.mapper, self.cache, part.params, part.x, part.y, part.rate)
        layout, bindings = part.matrices[:2] if part.matrices else ("rows", {})
        ev = _Evaluator(part.model, layout, bindings, part.mapper.functions, part.params,
                        part.x, part.y, rate=part.rate, scalar=scalars,
                        defined=part.matrix_defined)
        value = ev(self.special(expr))
        return np.asarray(value, dtype=float)


class _Evaluator(Chains, Evaluator):
    """The arrays evaluator, with 1ᵀ (a row of ones over the batch), chain-rule
    products of Jacobians, and the arrays the document defined earlier (``defined``:
    name → its formula, the part's ``matrix_defined``, read as it grows)."""

    def __init__(self, *args: Any, defined: Mapping[str, sp.Expr] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.defined = {} if defined is None else defined

    def apply(self, fname: str, args: tuple):
        if fname == "row" and len(args) == 2:  # \mathbf{p}_2: sample 2's row of P
            return np.atleast_2d(self(args[0]))[int(args[1]) - 1:int(args[1])]
        if fname == "rowgrad" and len(args) == 2:  # ∂ℓ_2/∂\mathbf{s}_2: sample 2's own
            k = int(args[1])
            return self.matrix(str(args[0]), gradient=True)[k - 1:k] / self.scale
        if fname == "entry" and len(args) == 3:  # (W_2)_{31}
            value = np.atleast_2d(self(args[0]))
            return float(value[int(args[1]) - 1, int(args[2]) - 1])
        return super().apply(fname, args)

    def matrix(self, name: str, gradient: bool = False) -> np.ndarray:
        if name == ONES and not gradient:
            return np.ones((1, self.x.shape[0]))
        if name in self.defined and not gradient:  # sum = Input ⊗ w_0, defined earlier
            return self(self.defined[name])
        return super().matrix(name, gradient)


def evaluate(values: Values, side: Side, literal_values: dict[str, float]):
    """A side's value at the example: a float, or an array for matrix sides."""
    if side.matrix:
        try:
            return values.array(side, literal_values)
        except NoValue:
            raise UnsupportedError("this side names no array") from None
    return values.at_example(values.map(side), literal_values)


def tolerance(values: Values, side: Side, base_value, quantity: bool = False
              ) -> np.ndarray | float:
    """Half a unit of the last printed digit of each literal, carried through the side's
    arithmetic: a literal standing alone (a printed result) always counts; inside an
    expression only a literal with three or more significant digits (a rounded value)."""
    lits = side.literal_values
    total = np.zeros_like(np.asarray(base_value, dtype=float))
    alone = side.single_literal() or _entries_alone(side)
    groups: dict[str, list[str]] = {}  # one printed number written twice is one quantity
    exact = values.part.exact_numbers if quantity else set()
    for name, lit in side.literals.items():
        if alone or lit.significant >= 3 or quantity and lit.value not in exact:
            groups.setdefault(lit.text if not alone else name, []).append(name)
    for names in groups.values():
        bumped = dict(lits)
        for name in names:
            bumped[name] = lits[name] + side.literals[name].half_ulp
        value = evaluate(values, side, bumped)
        diff = np.abs(np.asarray(value, dtype=float) - np.asarray(base_value, dtype=float))
        total = total + np.where(np.isfinite(diff), diff, 0.0)
    return total


def rounded(side: Side) -> bool:
    """Whether a side uses a rounded printed value (three or more significant digits)."""
    return any(lit.significant >= 3 for lit in side.literals.values())


def _entries_alone(side: Side) -> bool:
    """A bmatrix whose entries are printed numbers, each on its own."""
    expr = side.expr
    if not (isinstance(expr, sp.core.function.AppliedUndef) and expr.func == BMATRIX):
        return False
    for row in expr.args[0]:
        for e in row:
            e = -e if e.could_extract_minus_sign() else e
            if not (e.is_Number or isinstance(e, sp.Symbol) and e.name in side.literals):
                return False
    return True
