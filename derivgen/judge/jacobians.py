"""Chain-rule products of Jacobians in matrix notation, as documents write them.

Seed 003 writes ∂L/∂o₁ = ∂L/∂s₂ × ∂s₂/∂o₁ and ∂L/∂w₂ = ∂s₂/∂w₂ × ∂L/∂s₂: a gradient
array next to a Jacobian ∂A/∂B of two arrays the front matter binds.  Such a product
is the chain rule's vector-Jacobian product: the array G (shaped like A) carried back
to B, Σ_k G_k ∂A_k/∂B_j for every entry j of B (summed over the samples of a batch
when B is a parameter group).  The Jacobian entries come from the graph
(:meth:`derivgen.judge.partials.Partials.partial`), never from the product sign or the
order the document writes: ``×`` and ``·`` on either side mean the same chain step, and
a Jacobian whose neighbours are not shaped like its numerator names no value.

Whether the chain is right is then the engine's question: ∂L/∂s₁ · ∂o₁/∂x has the
shapes of a chain step, but ∂o₁/∂x is not the Jacobian that carries ∂L/∂s₁ back to x,
and the product differs from ∂L/∂x.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derivgen.judge.arrays import NoValue
from derivgen.judge.numeric import compile_exprs


def jacobian_factor(expr: sp.Expr) -> tuple[str, str] | None:
    """(A, B) when ``expr`` is a Jacobian ∂A/∂B of two matrix names, A not the loss;
    ``(∂s₁/∂x)ᵀ`` is the same step."""
    if isinstance(expr, AppliedUndef) and str(expr.func) == "transpose":
        expr = expr.args[0]
    if not (isinstance(expr, AppliedUndef) and str(expr.func) == "D" and len(expr.args) == 2):
        return None
    of, wrt = expr.args
    if not all(isinstance(a, sp.Symbol) and not a.is_commutative for a in (of, wrt)):
        return None
    return None if str(of) in ("L", "J", "Loss", "E") else (str(of), str(wrt))


class Chains:
    """Mixin of :class:`derivgen.judge.arrays.Evaluator`: products with Jacobian factors.
    The evaluator's ``scalar`` callback carries the mapper (its ``mapper`` attribute)."""

    def __call__(self: Any, expr: sp.Expr) -> Any:
        # a product with a Jacobian factor is a chain step; any other goes to the evaluator
        # (as there, a commutative product goes to the scalar side when it has one)
        if expr.is_Mul and not (expr.is_commutative and self.scalar is not None) and any(
                jacobian_factor(a) for a in expr.args):
            return self.chain(list(expr.args))
        return super().__call__(expr)  # type: ignore[misc]

    def apply(self: Any, fname: str, args: tuple) -> Any:
        if fname == "hadamard" and any(jacobian_factor(a) for a in args):
            return self.chain(list(args))
        return super().apply(fname, args)  # type: ignore[misc]

    def chain(self: Any, factors: list[sp.Expr]) -> Any:
        """The value of a product (in the document's order) some of whose factors are
        Jacobians; NoValue when a Jacobian has no neighbour shaped like its numerator."""
        items: list[Any] = []
        for f in factors:
            pair = jacobian_factor(f)
            items.append(("jac", *pair) if pair else ("val", self(f)))
        while any(i[0] == "jac" for i in items):
            for k, item in enumerate(items):
                if item[0] != "jac":
                    continue
                for n in (k - 1, k + 1):
                    if 0 <= n < len(items) and items[n][0] == "val" and \
                            np.ndim(items[n][1]) == 2 and \
                            np.shape(items[n][1]) == np.shape(self.matrix(item[1])):
                        value = self.carry(items[n][1], item[1], item[2])
                        lo = min(k, n)
                        items[lo:lo + 2] = [("val", value)]
                        break
                else:
                    continue
                break
            else:
                raise NoValue("a Jacobian with no gradient next to it names no array")
        acc: Any = 1.0
        for _, value in items:
            both = np.ndim(acc) == 2 and np.ndim(value) == 2
            acc = acc @ value if both else acc * value
        return acc

    def _members(self: Any, name: str) -> tuple[list[str], Any]:
        """The graph names an array binds, and how to lay a gradient over them out."""
        binding = self.bindings.get(name)
        if binding is None or binding.kind not in ("nodes", "group", "inputs"):
            raise NoValue(f"{name!r} is not an array of the graph")
        g = self.model.graph
        if binding.kind == "group":
            layout = np.array(g.groups[binding.names[0]], dtype=object)
            return [str(n) for n in np.ravel(layout)], layout
        if binding.kind == "inputs":
            return [s.name for s in g.inputs], None
        return list(binding.names), None

    def carry(self: Any, gradient: np.ndarray, of: str, wrt: str) -> np.ndarray:
        """Σ_k G_k ∂A_k/∂B_j: the array G shaped like ``of`` carried back to ``wrt``."""
        mapper = self.scalar.mapper
        a_names, _ = self._members(of)
        b_names, layout = self._members(wrt)
        rows = gradient if self.layout == "rows" else gradient.T  # samples × entries of A
        # the Jacobian's entries do not depend on the point: derived and compiled once for
        # every point the judge draws (the cache outlives this evaluator)
        key = ("jacobian", of, wrt)
        if key not in self.scalar.cache:
            self.scalar.cache[key] = compile_exprs([
                mapper.partial(mapper.by_name[a], mapper.by_name[b])
                for a in a_names for b in b_names])
        compiled = self.scalar.cache[key]
        g = self.model.graph
        out = np.zeros((rows.shape[0], len(b_names)))
        params = {p: np.array([float(self.params[p.name])]) for p in g.params}
        for n in range(rows.shape[0]):
            values = dict(params)
            for data, symbols in ((self.x, g.inputs), (self.y, g.targets)):
                for col, s in enumerate(symbols):
                    values[s] = np.array([data[n, col]])
            entries = [float(np.ravel(v)[0]) for v in compiled(values)]
            jac = np.array(entries, dtype=float).reshape(len(a_names), len(b_names))
            out[n] = rows[n] @ jac
        if layout is not None:  # a parameter group: summed over the batch, in its layout
            total = out.sum(axis=0)
            value = total.reshape(layout.shape)
            if value.ndim == 1:
                return value.reshape(1, -1) if self.layout == "rows" else value.reshape(-1, 1)
            return value
        return out if self.layout == "rows" else out.T
