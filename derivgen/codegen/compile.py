"""Turning generated source into a function: the one place derivgen runs ``exec``.

The source is printed by derivgen's own printers from validated SymPy trees,
with derivgen's own identifiers (``v_<name>``, ``d_<name>``); no user text is
ever part of it except names that passed the identifier check.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from derivgen.ops import runtime

#: what a generated function computes
KINDS = ("gradient", "inputs", "loss", "values", "kinks")


def check_kind(what: str) -> str:
    """``what`` itself, or a ValueError naming the kinds there are."""
    if what not in KINDS:
        raise ValueError(f"unknown function kind {what!r}; kinds: {', '.join(KINDS)}")
    return what


def compile_source(source: str, label: str) -> Callable:
    """The function ``generated`` that ``source`` defines, with ``_rt`` and ``numpy`` in scope."""
    namespace: dict = {"_rt": runtime, "numpy": np}
    exec(compile(source, f"<derivgen {label}>", "exec"), namespace)
    return namespace["generated"]
