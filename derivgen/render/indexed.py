"""A network's matrix derivation written entry by entry, with index letters.

The matrix form derives a dense network once for any width (Z = X W + 1 bᵀ, its
adjoints, its gradients).  :class:`Indexer` writes one entry of any of its matrix
expressions as a scalar formula in the names of the scalar form, with letters in
place of unit numbers: the entry (n, k) of X W₁ + 1 b₁ᵀ is Σ_j w_{1kj} x_{j,n} + b_{1k}
(seed 001's 2-3-2 section, seed 003's matrix sections).  A product sums over its
inner axis with a fresh letter, a transpose swaps the indices, an entrywise function
applies to the entries, a softmax divides by the sum over its classes.  Which letter
an axis gets is decided per formula: k for the units of the layer the formula is
about, j for the layer before, i for the layer after, never the sample letter.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy import MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose

from derivgen.errors import UnsupportedError
from derivgen.ops.losses import loss as loss_op
from derivgen.ops.matexpr import BatchLoss, Elementwise, Softmax, Total
from derivgen.render.latex import head_latex, split_name, subscript
from derivgen.spec.naming import format_name

#: index letters in the order a formula takes them (own layer, layer before, layer after)
LETTERS = ("k", "j", "i", "m", "c", "q", "s", "t")


@dataclass(frozen=True)
class Index:
    """One index of an entry: its letter (None on an axis of size one) and its axis,
    "n" for the samples or the number of a layer (0: the inputs)."""

    letter: sp.Symbol | None
    axis: Any


class Indexer:
    """Entries of one matrix-form model's expressions, in a profile's notation."""

    def __init__(self, graph: Any, derivation: Any, names: Any, profile: Any,
                 loss_symbol: str, per_sample: bool) -> None:
        """``derivation`` of ``graph``; adjoints print as ∂``loss_symbol``/∂(entry)."""
        g = self.g = graph
        self.names, self.profile = names, profile
        self.loss_symbol = loss_symbol
        self.depth = len(g.layers)
        self.per_sample = per_sample
        self.sample = sp.Symbol(profile.sample_index, integer=True, positive=True)
        dims = list(g.sizes)  # D, H…, C: the units of layers 0 … depth
        self.axis = {g.batch: "n", **{d: i for i, d in enumerate(dims)}}
        self.size = {"n": g.batch, **{i: g.sizes[d] for i, d in enumerate(dims)}}
        self.pool = [sp.Symbol(c, integer=True, positive=True) for c in LETTERS
                     if c != profile.sample_index]
        self.kind: dict[Any, tuple[str, int]] = {g.x: ("input", 0), g.y: ("target", self.depth)}
        for li, layer in enumerate(g.layers, start=1):
            last = li == self.depth
            self.kind[layer.pre] = ("pre", li)
            self.kind[layer.post] = ("output" if last else "post", li)
            self.kind[layer.weight] = ("weight", li)
            if layer.bias is not None:
                self.kind[layer.bias] = ("bias", li)
        self.adjoint = {a: n for n, a in derivation.adjoint_symbols.items()}
        self.output = g.layers[-1].post
        #: entry symbol → its LaTeX; pre-activation entry → its layer (σ_h or σ_o)
        self.table: dict[sp.Symbol, str] = {}
        self.layer_of: dict[sp.Symbol, int] = {}
        #: entry symbol → adjoint, weight, bias, pre, post, output, input or target
        self.role: dict[sp.Symbol, str] = {}
        self.bound: list[sp.Symbol] = []
        self.own = 0

    # ---- letters ----
    def letter(self, axis: Any) -> sp.Symbol | None:
        """A letter for ``axis`` that the formula does not use yet (None: size one)."""
        if axis == "n":
            return self.sample if self.per_sample else None
        if axis is None or self.size[axis] == 1:
            return None
        offset = {self.own: 0, self.own - 1: 1, self.own + 1: 2}.get(axis, 3)
        free = [s for s in self.pool if s not in self.bound]
        choice = self.pool[offset] if self.pool[offset] in free else free[0]
        self.bound.append(choice)
        return choice

    def start(self, own: int) -> None:
        """A new formula, about the units of layer ``own``."""
        self.own, self.bound = own, []

    def at(self, m: Any) -> tuple[Index, Index]:
        """The free indices of an entry of ``m``: its own letters."""
        axes = [self.axis.get(d) for d in m.shape]
        return Index(self.letter(axes[0]), axes[0]), Index(self.letter(axes[1]), axes[1])

    # ---- names ----
    def _name(self, m: Any, r: Index, c: Index) -> tuple[str, int, bool]:
        """(engine-style name, layer, carries the sample index) of one entry of ``m``."""
        kind, li = self.kind[m]
        units = {i.axis: i.letter for i in (r, c) if i.axis not in ("n", None)}
        sample = any(i.axis == "n" for i in (r, c)) and self.per_sample
        n, base, depth = self.names, self.names.layer_base, self.depth

        def k_of(layer: int) -> tuple[Any, int]:
            return (str(units.get(layer, 1)), self.size[layer])

        label = (li - 1 + base, depth)
        if kind == "input":
            return format_name(n.input, j=k_of(0)), 0, sample
        if kind == "target":
            return format_name(n.target, k=k_of(depth)), depth, sample
        if kind == "weight":
            if "{m}" in n.weight or "{c}" in n.weight:
                raise UnsupportedError(
                    "compact mode writes weights with index letters, but the weight name "
                    f"template {n.weight!r} numbers them flat; give names.weight with {{k}} "
                    "and {j}, or drop --compact")
            return format_name(n.weight, l=label, k=k_of(li), j=k_of(li - 1)), li, False
        if kind == "bias":
            return format_name(n.bias, l=label, k=k_of(li)), li, False
        template = {"pre": n.pre, "post": n.post, "output": n.output}[kind]
        if kind == "post":
            label = (li - 1 + base, depth - 1)
        return format_name(template, l=label, k=k_of(li)), li, sample

    def _symbol(self, m: Any, r: Index, c: Index) -> sp.Symbol:
        node = self.adjoint.get(m)
        name, li, sample = self._name(node if node is not None else m, r, c)
        head, parts = split_name(name)
        if self.profile.layer_parts and self.kind[node if node is not None else m][0] in (
                "pre", "post", "output"):
            parts = (str(li - 1 + self.names.layer_base),) + parts[1:] if parts else parts
        latex = subscript(self.profile.heads.get(head) or head_latex(head),
                          parts + ((self.profile.sample_index,) if sample else ()))
        key = ("d" if node is not None else "") + name + ("_" + str(self.sample) if sample else "")
        symbol = sp.Symbol(key, real=True)
        if node is not None:
            latex = r"\frac{\partial " + self.loss_symbol + r"}{\partial " + latex + "}"
        self.table[symbol] = latex
        self.role[symbol] = "adjoint" if node is not None else self.kind[m][0]
        if self.kind[node if node is not None else m][0] == "pre":
            self.layer_of[symbol] = li
        return symbol

    # ---- entries ----
    def entry(self, e: Any, r: Index, c: Index) -> sp.Expr:
        """The (r, c) entry of the matrix expression ``e`` as a scalar formula."""
        if isinstance(e, MatrixSymbol):
            return self._symbol(e, r, c)
        if isinstance(e, OneMatrix):
            return sp.Integer(1)
        if isinstance(e, MatAdd):
            return sp.Add(*(self.entry(a, r, c) for a in e.args))
        if isinstance(e, Transpose):
            return self.entry(e.arg, c, r)
        if isinstance(e, MatMul):
            coeff = sp.Mul(*(self.scalar(a) for a in e.args if not a.is_Matrix))
            return coeff * self._chain([a for a in e.args if a.is_Matrix], r, c)
        if isinstance(e, sp.HadamardProduct):
            return sp.Mul(*(self.entry(a, r, c) for a in e.args))
        if isinstance(e, sp.HadamardPower):
            return self.entry(e.base, r, c) ** e.exp
        if isinstance(e, Elementwise):
            return e.body([self.entry(m, r, c) for m in e.mats])
        if isinstance(e, Softmax):
            cls = c if e.axis == 1 else r
            other = self.letter(cls.axis)
            at = (r, Index(other, cls.axis)) if e.axis == 1 else (Index(other, cls.axis), c)
            below = self._sum(sp.exp(self.entry(e.arg, *at)), other, cls.axis)
            return sp.exp(self.entry(e.arg, r, c)) / below
        raise UnsupportedError(f"compact mode cannot write {type(e).__name__} entry by entry")

    def scalar(self, e: Any) -> sp.Expr:
        """A scalar of the derivation (the loss, a shared bias, a factor) with sums written out."""
        if isinstance(e, sp.Symbol):
            if e in self.g.sizes:  # a layer's width, C in 2/C: its number
                return sp.Integer(self.g.sizes[e])
            if e in self.adjoint or self.kind.get(e, ("",))[0] != "bias":
                return e
            head, parts = split_name(e.name)
            symbol = sp.Symbol(e.name, real=True)
            self.table[symbol] = subscript(self.profile.heads.get(head) or head_latex(head),
                                           parts)
            self.role[symbol] = "bias"
            return symbol
        if isinstance(e, Total):
            r, c = (Index(self.letter(self.axis.get(d)), self.axis.get(d)) for d in e.arg.shape)
            return self._sum(self._sum(self.entry(e.arg, r, c), c.letter, c.axis),
                             r.letter, r.axis)
        if isinstance(e, BatchLoss):
            return self._loss(e)
        if e.is_Atom:
            return e
        return e.func(*(self.scalar(a) for a in e.args))

    def _loss(self, e: BatchLoss) -> sp.Expr:
        """The batch loss: Σ_n of :meth:`sample_loss`."""
        coeff, body = self.sample_loss(e)
        return self._sum(coeff * body, self.sample if self.per_sample else None, "n")

    def sample_loss(self, e: BatchLoss) -> tuple[sp.Expr, sp.Expr]:
        """One sample's loss as the documents write it: (coefficient, Σ_k of one term)."""
        self.own = self.depth
        n = Index(self.letter("n"), "n")
        k = Index(self.letter(self.depth), self.depth)
        r, c = (n, k) if e.axis == 1 else (k, n)
        out, y = self.entry(self.output, r, c), self.entry(e.y, r, c)
        op = loss_op(e.kind)
        classes = self.size[self.depth]
        dummies = [sp.Dummy() for _ in range(classes)]
        coeff, _ = op.document(dummies, dummies, dummies)  # the factor before Σ_k
        _, body = op.document([out - y], [out], [y])
        return coeff, self._sum(body, k.letter, k.axis)

    def arrange(self, e: sp.Expr) -> sp.Expr:
        """Factors and terms in the order the documents write them: a number, then an
        adjoint, a weight, a unit, the data; a bias term last."""
        rank = {"factor": 0, "adjoint": 1, "weight": 2, "pre": 3, "post": 3, "output": 3, "input": 4,
                "target": 4, "bias": 2}

        def key(f: sp.Expr) -> tuple:
            if f.is_Number:
                return (0, 0)
            kinds = [rank.get(self.role.get(s, ""), 5) for s in f.free_symbols]
            return (2 if f.has(sp.Function) else 1, min(kinds, default=5))

        def walk(x: sp.Expr) -> sp.Expr:
            if x.is_Atom:
                return x
            args = [walk(a) for a in x.args]
            if x.is_Mul:
                return sp.Mul(*sorted(args, key=key), evaluate=False)
            if x.is_Add:
                last = [a for a in args if {self.role.get(s) for s in a.free_symbols} == {"bias"}]
                return sp.Add(*[a for a in args if a not in last], *last, evaluate=False)
            if isinstance(x, sp.Sum):
                return sp.Sum(args[0], *x.limits)
            return x.func(*args)
        return walk(e)

    def _chain(self, mats: list, r: Index, c: Index) -> sp.Expr:
        if len(mats) == 1:
            return self.entry(mats[0], r, c)
        axis = self.axis.get(mats[0].shape[1])
        inner = Index(self.letter(axis), axis)
        body = self.entry(mats[0], r, inner) * self._chain(mats[1:], inner, c)
        return self._sum(body, inner.letter, axis)

    def _sum(self, body: sp.Expr, letter: sp.Symbol | None, axis: Any) -> sp.Expr:
        """Σ over ``letter``; nothing to sum on an axis of size one or over one sample."""
        if letter is None:
            return body
        top = self.g.batch if axis == "n" else self.size[axis]
        return sp.Sum(body, (letter, 1, top))
