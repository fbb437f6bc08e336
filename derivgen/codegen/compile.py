"""Turning generated source into a function: the one place derivgen runs ``exec``
(and imports a generated module: the compiled kernels kept in the cache folder).

The source is printed by derivgen's own printers from validated SymPy trees,
with derivgen's own identifiers (``v_<name>``, ``d_<name>``); no user text is
ever part of it except names that passed the identifier check.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable

from derivgen.ops.lazy import lazy

from derivgen.ops import runtime

np = lazy("numpy")  # imported when first used: derive never needs it

#: what a generated function computes
KINDS = ("gradient", "inputs", "loss", "values", "kinks", "loss_gradient")


def check_kind(what: str) -> str:
    """``what`` itself, or a ValueError naming the kinds there are."""
    if what not in KINDS:
        raise ValueError(f"unknown function kind {what!r}; kinds: {', '.join(KINDS)}")
    return what


def compile_source(source: str, label: str) -> Callable:
    """The function ``generated`` that ``source`` defines, with ``_rt`` and ``numpy`` in scope."""
    namespace: dict = {"_rt": runtime, "numpy": np}
    _run(source, label, namespace)
    return namespace["generated"]


def _run(source: str, label: str, namespace: dict) -> None:
    exec(compile(source, f"<derivgen {label}>", "exec"), namespace)


def load_module(path: Path, name: str) -> ModuleType:
    """Import the generated module at ``path`` (a kernel derivgen wrote to its cache)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load generated module {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # numba's cache looks the module up by name
    spec.loader.exec_module(module)
    return module


def run_module_source(source: str, module: ModuleType) -> None:
    """Run generated module source into ``module`` (kernels when no cache folder is writable)."""
    sys.modules[module.__name__] = module
    _run(source, module.__name__, module.__dict__)
