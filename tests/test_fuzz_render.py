"""Fuzzing what a spec prints: whatever validation accepts must compile with pdflatex.

Hypothesis draws notation symbols (bases, accents, fonts, subscripts,
superscripts, primes, Greek, in any order, plus mutants) and spec names (any
characters).  Each is validated on its own; those accepted go into one document,
which ``derivgen derive --format pdf`` must compile in English and in Russian.
The refused ones must be refused with a line and column.  ``DERIVGEN_FUZZ=long``
compiles many more documents.
"""
from __future__ import annotations

import dataclasses
import random
import shutil
import types
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fuzzing import check_promises, count, record, run_case
from support.mutate import mutate_latex

from derivgen import load
from derivgen.errors import SpecError
from derivgen.render.profiles import read_notation
from derivgen.spec.title import MAX_TITLE, allowed, title_problem

pytestmark = pytest.mark.skipif(not shutil.which("pdflatex"), reason="needs pdflatex")

BASE = {"name": "symbols", "network": {"inputs": 2, "layers": [
    {"units": 3, "activation": "relu"}, {"units": 2, "activation": "sigmoid"}]},
    "loss": "half_sse", "reduction": "sum"}
MODEL = load(yaml.safe_dump(BASE))
NAMES = [s.name for s in (*MODEL.graph.params, *MODEL.graph.inputs, *MODEL.graph.targets,
                          *MODEL.graph.nodes)]

BASES = ["x", "y", "z", "W", "h", r"\alpha", r"\theta", r"\Sigma", r"\hat{y}", r"\hat y",
         r"\tilde{x}", r"\widehat{W}", r"\mathbf{w}", r"\mathbf w", r"\boldsymbol{\beta}",
         r"\mathcal{L}", r"\mathbb{R}", r"\text{out}", r"\mathrm{in}", r"\operatorname{h}",
         r"\bm{y}", "o1", r"\mathbf{o1}", r"\varphi", "y'", r"\nabla_{W} L", r"\gt"]
SUBS = ["", "_1", "_{12}", "_{a}", r"_\alpha", "_{i,j}", r"_{\text{in}}", "_{1,n}", "_{x}",
        "_n"]
SUPS = ["", "^{2}", "'", "''", r"^\top", "^{T}", "^{(1)}", r"^{\prime}", "^2"]


def symbol(rng: random.Random) -> str:
    """A notation symbol: base, subscript and superscript in either order; now and then a
    mutant of one, for the refusals."""
    base, sub, sup = rng.choice(BASES), rng.choice(SUBS), rng.choice(SUPS)
    text = base + (sub + sup if rng.random() < 0.5 else sup + sub)
    return mutate_latex(text, rng) if rng.random() < 0.2 else text


def accepted(name: str, symbol: str) -> bool:
    """Whether validation takes ``symbol`` for ``name``; a refusal must have a position."""
    spec = dataclasses.replace(MODEL.spec, extra={"notation": {"symbols": {name: symbol}}})
    try:
        read_notation(types.SimpleNamespace(spec=spec, graph=MODEL.graph))
    except SpecError as exc:
        record("notation symbol", "refused", 0.0, symbol)
        assert exc.source, exc
        return False
    record("notation symbol", "accepted", 0.0, symbol)
    return True


def compile_both(tmp_path: Path, data: dict, label: str, extra: tuple = ()) -> None:
    """``derive --format pdf`` in both languages must write its PDF."""
    text = yaml.safe_dump(data, allow_unicode=True, width=10_000)
    for lang in ("en", "ru"):
        folder = tmp_path / f"{lang}"
        folder.mkdir()
        result = run_case(folder, ["derive", "s.yaml", "--format", "pdf", "--lang", lang,
                                   "-o", "out.pdf", *extra], {"s.yaml": text})
        record("pdflatex", f"exit {result.rc}", result.cpu, f"{lang} {label}")
        check_promises(result, folder, "out.pdf", label)
        assert result.rc == 0 and (folder / "out.pdf").is_file(), \
            f"{lang}: accepted but does not compile: {result.err[-400:]}"


@pytest.mark.parametrize("seed", range(count(2, 40)))
def test_accepted_notation_symbols_compile(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    chosen = {name: sym for name in NAMES if accepted(name, sym := symbol(rng))}
    data = dict(BASE, notation={"symbols": chosen, "step": rng.choice(["g", "prime",
                                                                        "iverson"])})
    extra: tuple = ()
    if seed % 2:  # a worked example with extreme numbers, printed with the symbols
        extreme = [0.0, -0.0, 1e300, -1e-300, 5e-324, 1e15, -2.5]
        data["example"] = {"x": [rng.choice(extreme) for _ in range(2)],
                           "y": [rng.choice(extreme) for _ in range(2)],
                           "params": {p: rng.choice(extreme) for p in MODEL.parameters},
                           "learning_rate": rng.choice(extreme)}
        extra = ("--example",)
    compile_both(tmp_path, data, f"seed {seed}: {len(chosen)} symbols", extra)


#: every character a name may hold, in one document
EVERY_ALLOWED = "".join(ch for ch in map(chr, range(0x20, 0x460)) if allowed(ch))


def test_every_character_a_name_may_hold_compiles(tmp_path: Path) -> None:
    chunks = [EVERY_ALLOWED[i:i + MAX_TITLE] for i in range(0, len(EVERY_ALLOWED), MAX_TITLE)]
    for i, chunk in enumerate(chunks):  # one document per 120 characters
        folder = tmp_path / f"chunk{i}"
        folder.mkdir()
        assert title_problem(chunk) is None
        compile_both(folder, dict(BASE, name=chunk), f"name chunk {i}")


@settings(max_examples=count(30, 400), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.text(min_size=0, max_size=40))
def test_any_name_is_accepted_only_if_printable(name: str) -> None:
    """Random text as a name: refused with a position, or made only of what compiles."""
    text = yaml.safe_dump(dict(BASE, name=name), allow_unicode=True, width=10_000)
    try:
        spec = load(text).spec
    except SpecError as exc:
        record("name", "refused", 0.0, repr(name))
        assert exc.line is not None and exc.column is not None, exc
        return
    record("name", "accepted", 0.0, repr(name))
    assert all(allowed(ch) for ch in spec.name) and spec.name.strip()
