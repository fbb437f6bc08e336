"""The correct formula of a wrong item, printed in the document's own notation.

derivgen's formula comes out of the engine in the spec's symbols, every node expanded
down to parameters and data.  For the reader of the notes it is folded back and
renamed: each node the expression contains whole (σ(b₁ + w₁₁₁x₁ + w₁₁₂x₂)) becomes the
node's symbol again, latest nodes first, and every spec symbol that the front matter
binds to a document name (``net_h1: 'z_{11}'``, ``w_5: 'w_{211}'``) is printed under
that name, as the document writes it (``net_{h1}``, ``w_5``); one sample's data
``x_1[1]`` is plain ``x_1`` again.  Spec symbols without a document name keep the
spec's name.
"""
from __future__ import annotations

import re

import sympy as sp

from derivgen.errors import DerivgenError, ReferenceParseError


def _document_names(part) -> dict[sp.Symbol, str]:
    """spec symbol -> the document's LaTeX for it, from the ``where`` bindings."""
    mapper = part.mapper
    out: dict[sp.Symbol, str] = {}
    for plain, text in mapper.where_text.items():
        if not isinstance(text, str) or plain in mapper.by_name:
            continue
        try:
            value = mapper.parse(text)
        except (DerivgenError, ReferenceParseError):
            continue
        if isinstance(value, sp.Indexed):
            value = value.base.label
        name = getattr(value, "name", None)
        if isinstance(value, sp.Symbol) and name in mapper.by_name:
            symbol = mapper.by_name[name]
            latex = part.shown.get(plain) or plain
            if re.fullmatch(r"[A-Za-z0-9_]+", latex):
                latex = _latex_name(latex)
            out.setdefault(symbol, latex)
    return out


def _latex_name(plain: str) -> str:
    """net_h1 as the document writes it: net_{h1}; a Greek name with its backslash."""
    stem, sep, sub = plain.partition("_")
    greek = {"eta", "delta", "theta", "alpha", "sigma", "phi", "ell"}
    stem = f"\\{stem}" if stem in greek else stem
    return f"{stem}_{{{sub}}}" if sep else stem


def fold(part, expr: sp.Expr) -> sp.Expr:
    """``expr`` with one sample's data plain and whole node expressions folded back."""
    graph = part.model.graph
    plain = {i: sp.Symbol(i.base.label.name) for i in expr.atoms(sp.Indexed)}
    by_name = part.mapper.by_name
    plain = {i: by_name.get(s.name, s) for i, s in plain.items()}
    expr = expr.xreplace(plain)
    nodes = [s for s in graph.nodes if s != graph.loss]
    for node in reversed(nodes):  # the latest nodes contain the earlier ones
        try:
            expanded = part.model.derivation.expand(node)
        except Exception:  # noqa: BLE001 - a node that cannot be expanded is left alone
            continue
        if expanded != node and not expanded.is_Atom:
            expr = expr.xreplace({expanded: node})
    return expr


def in_document_notation(part, expr: sp.Expr) -> str:
    """derivgen's formula as LaTeX in the document's names."""
    folded = fold(part, expr)
    names = _document_names(part)
    symbols = {s: names[s] for s in folded.free_symbols if s in names}
    for s in folded.free_symbols:  # spec symbols without a document name: as they are
        if isinstance(s, sp.Symbol) and s not in symbols:
            symbols[s] = _latex_name(s.name)
    text = sp.latex(folded, symbol_names=symbols)
    return re.sub(r"\\operatorname\{Sigmoid\}", r"\\sigma", text)
