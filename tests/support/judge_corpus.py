"""The judge's mutation corpus (tests/corpus/judge/*.yaml), run through derivgen and the oracle.

Each corpus file is one network that is not among the bundled specs: a derivgen spec
(``spec:``), the oracle's own forward pass (``oracle:``) and formulas.  A formula has
a left side, the correct right side, the truth of the left side and the value of
the right side as NumPy expressions for the oracle, ``rewritings`` (equivalent right
sides, or left sides written another way) and ``slips`` (one mistake each, with its
``kind``).  derivgen judges every one of them; the oracle says, independently, which
are really right and which really wrong.  ``cd tests && PYTHONPATH=.. python -m
support.judge_corpus`` prints the catch rate by slip kind.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import derivgen
from derivgen.judge.formulas import judge_formula, read_formulas
from support.oracle import Network, evaluate

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "judge"
#: the oracle's learning rate for update rules; any positive number would do
ETA = 0.37
#: random points of the oracle
POINTS = 3
#: the kinds of slips (the issue's list, then causes of its own)
KINDS = ("dropped_factor", "flipped_sign", "wrong_index", "sigma_prime_as_sigma",
         "dropped_sum", "lost_constant", "transpose", "wrong_exponent",
         "softmax_slip", "wrong_sample", "leibniz_chain", "identically_zero")


@dataclass
class Case:
    """One formula to judge: the correct one, a rewriting, or a slip."""

    network: str
    formula: str
    kind: str  # "correct", "rewriting" or a slip kind
    latex: str
    value: str  # the oracle's value of the right side
    truth: str  # the oracle's value of the left side
    each: dict = field(default_factory=dict)
    when: Any = None
    mask: str | None = None  # per sample, which entries the comparison keeps
    given: dict = field(default_factory=dict)  # data the condition fixes (Y: 0*Y)
    form: str = "scalar"

    @property
    def ident(self) -> str:
        return f"{self.formula} | {self.kind} | {self.latex}"

    @property
    def combinations(self) -> list[dict[str, int]]:
        keys = list(self.each)
        return [dict(zip(keys, c)) for c in itertools.product(*(self.each[k] for k in keys))]


@dataclass
class Corpus:
    """One network of the corpus: its spec, its oracle and its cases."""

    name: str
    spec: dict
    network: Network
    cases: list[Case]


def load(path: Path) -> Corpus:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for f in raw["formulas"]:
        common = {"network": path.stem, "formula": f["id"], "truth": f["truth"],
                  "each": f.get("each", {}), "when": f.get("when"), "mask": f.get("mask"),
                  "given": f.get("given", {}), "form": f.get("form", "scalar")}
        cases.append(Case(kind="correct", latex=f"{f['lhs']} = {f['rhs']}", value=f["value"],
                          **common))
        for r in f.get("rewritings", []):  # "latex" replaces the whole formula
            lhs, rhs = r.get("lhs", f["lhs"]), r.get("rhs", f["rhs"])
            cases.append(Case(kind="rewriting", latex=r.get("latex", f"{lhs} = {rhs}"),
                              value=r.get("value", f["value"]), **common))
        for s in f.get("slips", []):
            assert s["kind"] in KINDS, s
            lhs = s.get("lhs", f["lhs"])
            cases.append(Case(kind=s["kind"], latex=s.get("latex", f"{lhs} = {s.get('rhs')}"),
                              value=s["value"], **common))
    return Corpus(path.stem, raw["spec"], Network(raw["oracle"]), cases)


def corpora() -> list[Corpus]:
    return [load(p) for p in sorted(CORPUS.glob("*.yaml"))]


class _Plain(yaml.SafeDumper):
    """Writes shared values out again: specs refuse YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def derivgen_verdicts(corpus: Corpus, seed: int = 0) -> dict[str, list[tuple[str, str]]]:
    """derivgen's (status, message) per combination of ``each``, for every case."""
    spec = dict(corpus.spec)
    reference = dict(spec.get("reference") or {})
    reference["formulas"] = [
        {"id": c.ident, "latex": c.latex, **({"each": c.each} if c.each else {}),
         **({"when": c.when} if c.when else {}),
         **({"form": c.form} if c.form != "scalar" else {})} for c in corpus.cases]
    spec["reference"] = reference
    model = derivgen.load(yaml.dump(spec, Dumper=_Plain, sort_keys=False, allow_unicode=True))
    rng = np.random.default_rng(seed)
    out = {}
    for formula in read_formulas(model):
        out[formula.ident] = [(status, message) for _, status, _, message in
                              judge_formula(formula, rng, symbolic=False)]
    return out


def oracle_verdicts(corpus: Corpus, seed: int = 0) -> dict[str, list[bool]]:
    """Whether the oracle finds the right side equal to the left, per combination."""
    rng = np.random.default_rng(seed)
    points = [corpus.network.point(rng) for _ in range(POINTS)]
    out: dict[str, list[bool]] = {}
    cache: dict[tuple, dict] = {}
    for case in corpus.cases:
        equal = []
        for combo in case.combinations:
            same = True
            for i, point in enumerate(points):
                key = (i, tuple(sorted(case.given.items())))
                if key not in cache:
                    data = dict(point)
                    for name, text in case.given.items():
                        data[name] = evaluate(text, {**point})
                    cache[key] = corpus.network.names(data)
                names = {**cache[key], **combo, "eta": ETA}
                try:
                    value = evaluate(case.value, names)
                except ValueError:  # shapes that do not fit (X (P - Y) with N != D): wrong
                    same = False
                    continue
                same &= _close(value, evaluate(case.truth, names),
                               None if case.mask is None else evaluate(case.mask, names))
            equal.append(same)
        out[case.ident] = equal
    return out


def _close(value: Any, truth: Any, mask: Any) -> bool:
    value, truth = np.asarray(value, dtype=float), np.asarray(truth, dtype=float)
    if value.shape != truth.shape:
        return value.size == truth.size == 1 and np.allclose(value.ravel(), truth.ravel())
    if mask is not None:
        value, truth = value[np.asarray(mask, dtype=bool)], truth[np.asarray(mask, dtype=bool)]
    return bool(np.allclose(value, truth, rtol=1e-6, atol=1e-9))


def catch_table(results: list[tuple[Case, list[tuple[str, str]], list[bool]]]
                ) -> dict[str, tuple[int, int]]:
    """(caught, total) per slip kind: a slip is caught when derivgen reports a mismatch for
    every combination the oracle finds wrong (and ok for the others)."""
    table: dict[str, list[int]] = {}
    for case, verdicts, equal in results:
        if case.kind in ("correct", "rewriting"):
            continue
        row = table.setdefault(case.kind, [0, 0])
        row[1] += 1
        row[0] += all((s == "ok") == e for (s, _), e in zip(verdicts, equal))
    return {k: (v[0], v[1]) for k, v in table.items()}


def run_all(seed: int = 0) -> list[tuple[Case, list[tuple[str, str]], list[bool]]]:
    results = []
    for corpus in corpora():
        ours, oracle = derivgen_verdicts(corpus, seed), oracle_verdicts(corpus, seed)
        results += [(c, ours[c.ident], oracle[c.ident]) for c in corpus.cases]
    return results


if __name__ == "__main__":  # the catch rate by kind, for the closing note
    rows = run_all()
    for kind, (caught, total) in sorted(catch_table(rows).items()):
        print(f"{kind:22} {caught:4}/{total:<4} {100 * caught / total:.0f}%")
    good = [r for r in rows if r[0].kind in ("correct", "rewriting")]
    wrong = sum(any(s != "ok" for s, _ in v) for _, v, _ in good)
    print(f"correct and rewritten: {len(good)}, reported wrong or not understood: {wrong}")
