"""The judge's mutation corpus: every slip is a mismatch, every correct form is ok.

Eight networks that are not among the bundled specs (tests/corpus/judge/*.yaml), each
with its correct reference formulas, equivalent rewritings, and single-slip mutants of
the kinds students make.  An independent oracle (its own NumPy forward pass, autograd
for the truth) first confirms that each correct form is right and each mutant really
wrong; then derivgen must agree with it, combination by combination of ``each``.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml

from support.judge_corpus import KINDS, CORPUS, corpora, derivgen_verdicts, oracle_verdicts

CORPORA = {c.name: c for c in corpora()}
#: the slip kinds issue 11 lists; each must be in the corpus several times
ISSUE_KINDS = KINDS[:8]


@functools.lru_cache(maxsize=None)
def _run(name: str):
    corpus = CORPORA[name]
    return corpus, derivgen_verdicts(corpus), oracle_verdicts(corpus)


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_the_oracle_confirms_the_corpus(name):
    """Correct forms and rewritings are right, and every slip is really wrong."""
    corpus, _, oracle = _run(name)
    good = [c.ident for c in corpus.cases if c.kind in ("correct", "rewriting")
            and not all(oracle[c.ident])]
    harmless = [c.ident for c in corpus.cases if c.kind not in ("correct", "rewriting")
                and all(oracle[c.ident])]
    assert not good, f"the oracle finds these correct forms wrong: {good}"
    assert not harmless, f"these slips are not wrong at all: {harmless}"


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_correct_form_and_rewriting_is_ok(name):
    corpus, ours, _ = _run(name)
    wrong = [(c.ident, [m for s, m in ours[c.ident] if s != "ok"]) for c in corpus.cases
             if c.kind in ("correct", "rewriting")
             and not all(s == "ok" for s, _ in ours[c.ident])]
    assert not wrong, wrong


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_slip_is_a_mismatch_where_the_oracle_says_wrong(name):
    """Per combination of ``each``: mismatch where the slip changes the value, ok where it
    happens not to (p_k - y_1 is right for k = 1)."""
    corpus, ours, oracle = _run(name)
    missed = []
    for c in corpus.cases:
        if c.kind in ("correct", "rewriting"):
            continue
        want = ["ok" if equal else "mismatch" for equal in oracle[c.ident]]
        got = [s for s, _ in ours[c.ident]]
        if got != want:
            missed.append((c.kind, c.ident, got, want, [m for _, m in ours[c.ident]]))
    assert not missed, missed


def test_the_corpus_is_large_and_covers_every_slip_kind():
    cases = [c for corpus in CORPORA.values() for c in corpus.cases]
    assert len(CORPORA) >= 6
    slips = [c for c in cases if c.kind not in ("correct", "rewriting")]
    counts = {k: sum(c.kind == k for c in slips) for k in KINDS}
    assert all(counts[k] >= 4 for k in ISSUE_KINDS), counts
    assert all(counts[k] >= 1 for k in KINDS), counts
    assert len(slips) >= 150 and sum(c.kind == "rewriting" for c in cases) >= 80
    for corpus in CORPORA.values():  # every correct formula is mutated, by several kinds
        for formula in {c.formula for c in corpus.cases}:
            kinds = {c.kind for c in corpus.cases if c.formula == formula} - {"correct",
                                                                                "rewriting"}
            assert len(kinds) >= 2, (corpus.name, formula, kinds)


def test_no_corpus_network_is_a_bundled_spec(root: Path):
    bundled = {yaml.safe_load(p.read_text())["name"] for p in (root / "specs").rglob("*.yaml")}
    ours = {c.spec["name"] for c in CORPORA.values()}
    assert not bundled & ours
    assert {p.stem for p in CORPUS.glob("*.yaml")} == set(CORPORA)
