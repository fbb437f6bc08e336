"""Fuzzing reference LaTeX: mutants of the bundled specs' formulas, and token soup.

The reader either returns a reference or raises ReferenceParseError with a
column; nothing else, never more than 10 s of CPU, and every number it builds
fits a float64 (the budget of derivgen.limits).  Some mutants are also judged
end to end: the formula is put back into its spec and ``derivgen check`` must
keep the promises of tests.support.fuzzing.  ``DERIVGEN_FUZZ=long`` runs
thousands of cases.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import sympy
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fuzzing import Watchdog, check_promises, count, record, run_case
from support.helpers import ROOT, SPECS
from support.mutate import LATEX_SNIPPETS, mutate_latex

from derivgen.errors import ReferenceParseError
from derivgen.limits import MAX_MAGNITUDE
from derivgen.reader.latex import parse_expression, parse_reference


def corpus() -> list[tuple[str, str, int]]:
    """(spec stem, formula, index of the formula in its reference section)."""
    out = []
    for path in SPECS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, entry in enumerate((data.get("reference") or {}).get("formulas") or []):
            out.append((path.stem, entry["latex"], i))
    return out


CORPUS = corpus()


def read(text: str, label: str) -> str:
    """Parse ``text`` as a reference and as an expression; the outcome's name."""
    import time
    start = time.process_time()
    outcomes = []
    with Watchdog() as dog:
        for parse in (parse_reference, parse_expression):
            try:
                value = parse(text)
            except ReferenceParseError as exc:
                assert exc.column is None or 1 <= exc.column <= len(text) + 1, (label, exc)
                outcomes.append("refused")
                continue
            expr = value.expr if hasattr(value, "expr") else value
            big = [n for n in expr.atoms(sympy.Number) if abs(n) > MAX_MAGNITUDE]
            assert not big, f"{label}: {big[0]} is outside the budget"
            outcomes.append("read")
    assert not dog.fired, f"{label}: more than 10 s of CPU"
    record("latex mutant", "/".join(outcomes), time.process_time() - start, label)
    return outcomes[0]


@pytest.mark.parametrize("seed", range(count(400, 2500)))
def test_mutated_reference_formula(seed: int) -> None:
    rng = random.Random(seed)
    stem, latex, _ = CORPUS[seed % len(CORPUS)]
    text = mutate_latex(latex, rng)
    read(text, f"seed {seed} {stem}: {text[:120]!r}")


def test_the_budget_refuses_the_bombs() -> None:
    """Issue 12's examples: refused at once, with a column."""
    for text in ("9^{9^{9}}", "10^{-100000000}", "10^{1000}", "2^{2^{2^{2^{2}}}}", "1" * 150):
        with pytest.raises(ReferenceParseError) as info:
            parse_expression(text)
        assert info.value.column is not None


@pytest.mark.parametrize("seed", range(count(12, 300)))
def test_mutated_formula_judged_in_its_spec(seed: int, tmp_path: Path) -> None:
    """A mutant the reader takes, back in its spec (cut to that one formula), through
    ``derivgen check``."""
    rng = random.Random(10_000 + seed)
    stem, latex, index = CORPUS[rng.randrange(len(CORPUS))]
    data = yaml.safe_load((ROOT / "specs" / f"{stem}.yaml").read_text(encoding="utf-8"))
    for _ in range(40):  # prefer a mutant the reader takes: then the judge has work to do
        mutant = mutate_latex(latex, rng)
        try:
            parse_reference(mutant)
            break
        except ReferenceParseError:
            continue
    entry = dict(data["reference"]["formulas"][index], latex=mutant)
    entry.pop("continues", None)
    data["reference"]["formulas"] = [entry]
    data.pop("claims", None)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    folder = tmp_path / "case"
    folder.mkdir()
    argv = ["check", "--points", "1", "--json", "s.yaml"]
    result = run_case(folder, argv, {"s.yaml": text})
    label = f"judged seed {seed} {stem}[{index}]: {entry['latex'][:100]!r}"
    record("latex judged", f"exit {result.rc}", result.cpu, label)
    check_promises(result, folder, None, label, json_out=True)


TOKENS = st.sampled_from(LATEX_SNIPPETS + ["x", "y", "z_{1}", "w_{11}", "a", "b", "n", "N",
                                            "2", "0.5", "+", "-", " ", "(", ")", "^", "_",
                                            r"\alpha", r"\theta", r"\eta", "L", r"\mathcal{L}"])


@settings(max_examples=count(300, 2000), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.lists(TOKENS, min_size=1, max_size=40))
def test_token_soup(tokens: list[str]) -> None:
    text = "".join(tokens)
    read(text, f"soup {text[:120]!r}")
