"""Index letters given values inside names: w_{1kj} with k=2, j=1 is w_121."""
from __future__ import annotations

from typing import Mapping

import sympy as sp


def substitute_indices(expr: sp.Expr, values: Mapping[str, int]) -> sp.Expr:
    """Give index letters values inside names: w_{1kj} with k=2, j=1 becomes w_121.

    Applies to symbol names, IndexedBase labels and indices, and the names
    inside ∂X/∂Y factors, which the parser keeps as plain symbols.
    """
    def rename(name: str) -> str:
        stem, prime = (name[:-6], "_prime") if name.endswith("_prime") else (name, "")
        head, sep, sub = stem.partition("_")
        if not sep:
            return name
        return head + sep + "".join(str(values.get(ch, ch)) for ch in sub) + prime

    mapping: dict[sp.Basic, sp.Basic] = {}
    for atom in expr.atoms(sp.Symbol):
        if atom.name in values and atom.is_integer:
            mapping[atom] = sp.Integer(values[atom.name])
        elif rename(atom.name) != atom.name:
            mapping[atom] = atom.func(rename(atom.name), **atom.assumptions0)
    for base in expr.atoms(sp.IndexedBase):
        new = rename(base.label.name)
        if new != base.label.name:
            mapping[base] = sp.IndexedBase(new)
    expr = expr.xreplace(mapping)
    calls = {f: sp.Function(rename(str(f.func)))(*f.args)
             for f in expr.atoms(sp.core.function.AppliedUndef)
             if rename(str(f.func)) != str(f.func)}
    return expr.xreplace(calls) if calls else expr
