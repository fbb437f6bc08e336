"""Statements the prose qualifies: about another activation, under a condition, or about
any parameter.

* "For ReLU: σ(z) = max(0, z)" in a document about a sigmoid network is a statement
  about ReLU: it is judged with σ bound to the activation the prose names (the
  registry's), its argument any real number, never against the network's σ.
* "σ'(z) = 1 for $z > 0$" (the condition before or right after the math) holds where
  the condition does: only the random points that satisfy it are compared.
* ``generic: [p, theta]`` (front matter or sidecar) declares letters that stand for any
  parameter ("∂L/∂p for every parameter p", "θ ← θ − η ∂L/∂θ"): the formula is judged
  once for each parameter of the network, and is wrong when it is wrong for one.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Callable, Iterator

import sympy as sp

from derivgen.ops.activations import ACTIVATIONS
from derivgen.judge.audit.readings import applied_functions, prose_activations
from derivgen.judge.audit.verdicts import OK, WRONG, Verdict

_WORDS = r"(?:for|when|if|where|при|для|когда|если)"
#: "… $σ'(z) = 1$ при $z > 0$": a condition right after the math
_AFTER = re.compile(r"\A[^\S\n]*\$?[^\S\n]*" + _WORDS + r"[^\S\n]+\$([^$\n]{1,60})\$", re.I)
#: "For $z > 0$: …", "при $z > 0$ …": a condition right before it
_BEFORE = re.compile(_WORDS + r"[^\S\n]+\$([^$\n]{1,60})\$[^\S\n]*[:,]?[^\S\n]*\$*[^\S\n]*\Z",
                     re.I)
#: one inequality sign, as LaTeX (\\geq, \\lt, …) or as text (>, <=)
INEQUALITY = re.compile(r"\\(?:geq?|leq?|gt|lt)(?![A-Za-z])|[<>]=?")


def condition(before: str, after: str) -> str | None:
    """The inequality the prose states around a piece of math, as LaTeX, or None."""
    for m in (_AFTER.search(after), _BEFORE.search(before)):
        if m and len(INEQUALITY.findall(m.group(1))) == 1 and "=" not in \
                INEQUALITY.sub("", m.group(1)):
            return m.group(1).strip()
    return None


def said_activation(context: str, used: set[str]) -> str | None:
    """The one activation the prose names, when it is not the one the statement's
    functions stand for in this network."""
    said = prose_activations(context)
    if len(said) != 1:
        return None
    [name] = said
    op = ACTIVATIONS.get(name)
    if op is None or op.build is None or not used or used == {name}:
        return None
    return name


@contextmanager
def functions_as(part, names: set[str], activation: str) -> Iterator[None]:
    """Every function of ``names`` bound to ``activation`` while a statement is judged."""
    saved = dict(part.mapper.functions)
    try:
        for fname in names:
            part.mapper.functions[fname] = activation
        yield
    finally:
        part.mapper.functions.clear()
        part.mapper.functions.update(saved)


def used_functions(part, exprs) -> tuple[set[str], set[str]]:
    """(document function names, what they stand for) of the applied activations."""
    pairs = [(base, t) for base, t in applied_functions(part, exprs) if t in ACTIVATIONS]
    return {base for base, _ in pairs}, {t for _, t in pairs}


def for_each_parameter(part, exprs, judge: Callable[[dict], Verdict]) -> Verdict | None:
    """Judge once per parameter when the sides use a declared generic letter; None when
    they use none."""
    generic = [g for g in part.generic if g not in part.mapper.by_name]
    names = {s.name for e in exprs for s in e.free_symbols if isinstance(s, sp.Symbol)}
    used = [g for g in generic if g in names or f"{g}_upd" in names]
    if not used:
        return None
    params = sorted(part.model.graph.params, key=str)
    last = None
    for p in params:
        swap = {}
        for g in used:
            swap[sp.Symbol(g)] = p
            swap[sp.Symbol(f"{g}_upd")] = sp.Symbol(f"{p.name}_upd")
        verdict = judge(swap)
        if verdict.verdict == WRONG:
            verdict.message = f"for {', '.join(used)} = {p.name}: {verdict.message}"
            return verdict
        if verdict.verdict != OK:
            return verdict
        last = verdict
    assert last is not None
    last.message += f"; for every parameter ({', '.join(map(str, params))}) as {', '.join(used)}"
    return last
