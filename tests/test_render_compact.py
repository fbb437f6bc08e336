"""Compact mode: one generic unit per layer, read back through the judge for every value
of its index letters, and short whatever the width of the layers."""
from __future__ import annotations

import pytest
import yaml

import derivgen
from derivgen.judge.formulas import check_references
from derivgen.render.compact import COMPACT_ABOVE, build_compact
from derivgen.render.document import render
from derivgen.render.profiles import PROFILES
import os

from support.helpers import GOLDEN, MATRIX_SPECS, ROOT, run_cli

UPDATE = os.environ.get("DERIVGEN_UPDATE_GOLDEN") == "1"

#: name → (spec text, profile, judge every unit or only the last of each layer)
NETS = {
    "sigmoid-232-sum": ("network:\n  inputs: 2\n  layers:\n    - {units: 3, activation: sigmoid}\n"
                        "    - {units: 2, activation: sigmoid}\nloss: half_sse\nreduction: sum\n",
                        "seed001", False),
    "relu-softmax-mean": ("network:\n  inputs: 2\n  layers:\n    - {units: 3, activation: relu}\n"
                          "    - {units: 3, activation: softmax}\nloss: cross_entropy\n"
                          "reduction: mean\n", "seed003", False),
    "tanh-leaky-mse-single": ("network:\n  inputs: 3\n  layers:\n"
                              "    - {units: 2, activation: tanh}\n"
                              "    - {units: 2, activation: leaky_relu}\n"  # the judge reads LeakyReLU at 0.01
                              "loss: mse\nreduction: single\n", "default", True),
    "shared-bias-3-layers": ("network:\n  inputs: 2\n  bias: shared\n  layers:\n"
                             "    - {units: 2, activation: softplus}\n"
                             "    - {units: 2, activation: relu}\n"
                             "    - {units: 1, activation: identity}\n"
                             "loss: sse\nreduction: sum\n", "default", False),
}


def judged(text: str, profile: str, every: bool = True, mutate=None) -> list:
    """The compact derivation's formulas, judged as a document's reference formulas, for
    every value of their index letters (``every``) or for the last unit of each layer;
    ``mutate`` changes a formula, and only the formulas it changes are judged."""
    spec = f"name: t\n{text}notation: {{profile: {profile}}}\n"
    doc = build_compact(derivgen.load(spec, form="matrix"), PROFILES[profile])
    formulas = []
    for i, d in enumerate(doc.displays()):
        if d.kind in ("note", "kink"):
            continue
        latex = mutate(d.latex) if mutate else d.latex
        if mutate and latex == d.latex:
            continue
        entry = {"id": f"{d.kind} {i}", "latex": latex}
        if d.each:  # (every unit of the bigger nets would take the judge too long)
            entry["each"] = {letter: list(range(1, count + 1)) if every else [count]
                             for letter, count in d.each}
        formulas.append(entry)
    reference = {"sample_index": PROFILES[profile].sample_index, "formulas": formulas}
    model = derivgen.load(spec + yaml.safe_dump({"reference": reference}))
    return check_references(model)


@pytest.mark.parametrize("name", NETS)
def test_every_compact_formula_holds_for_every_unit(name):
    items = judged(*NETS[name])
    assert items and all(i.status == "ok" for i in items), [
        (i.item, i.message) for i in items if i.status != "ok"]
    # the letters took their values: 3 hidden units × 2 inputs for w_{1kj} …
    assert any("[" in i.item for i in items)
    if NETS[name][2]:
        assert len(items) > len({i.item.split(" [")[0] for i in items})


def test_a_wrong_compact_formula_is_caught():
    text, profile, _ = NETS["sigmoid-232-sum"]
    items = judged(text, profile, False, lambda s: s.replace(r"\left(1 - h_{k,n}\right)",
                                                             r"\left(1 + h_{k,n}\right)"))
    assert items and all(i.status == "mismatch" for i in items)


def test_784_128_10_is_short(capsys):
    path = next(p for p in MATRIX_SPECS if p.stem == "mlp_784_128_10")
    code, out, err = run_cli(capsys, "derive", path, "--form", "scalar")  # compact by default
    assert code == 0, err
    assert len(out.splitlines()) < 200
    assert r"z_{1,k,n} = \sum_{j=1}^{784} w_{1,k,j} x_{j,n} + b_{1,k}" in out
    assert "the other units alike" in out
    assert run_cli(capsys, "derive", path, "--compact")[1] == out


def test_compact_is_the_default_above_a_size_and_full_stays_available(capsys):
    text = ("name: wide\nnetwork:\n  inputs: 8\n  layers:\n    - {units: 8, activation: relu}\n"
            "    - {units: 2, activation: identity}\nloss: half_sse\nreduction: single\n")
    model = derivgen.load(text)
    assert len(model.parameters) > COMPACT_ABOVE
    compact = render(derivgen.load(text, form="matrix"), "markdown", "en", compact=True)
    full = render(model, "markdown", "en")
    # one digit each: w_188 (the unused flat index {m} no longer asks for separators)
    assert "the other units alike" in compact and "w_{188}" in full
    assert len(compact.splitlines()) < len(full.splitlines()) / 5


@pytest.mark.parametrize("args, message", [
    (["specs/seed000_relu_1_3_1.yaml", "--compact"], "model of named equations"),
    (["specs/seed001_sigmoid_1_2_1.yaml", "--compact", "--form", "matrix"], "choose one"),
    (["specs/mazur_2_2_2_sigmoid.yaml", "--compact"], "numbers them flat"),
])
def test_compact_refusals(capsys, args, message):
    code, out, err = run_cli(capsys, "derive", *[ROOT / a if a.endswith(".yaml") else a
                                                for a in args])
    assert code == 2 and out == "" and message in err


def test_a_big_network_has_no_worked_example(capsys):
    path = next(p for p in MATRIX_SPECS if p.stem == "mlp_784_128_10")
    code, _, err = run_cli(capsys, "derive", path, "--compact", "--example")
    assert code == 2 and f"up to {COMPACT_ABOVE} parameters" in err


def test_a_small_compact_derivation_keeps_its_example(capsys):
    code, out, _ = run_cli(capsys, "derive", ROOT / "specs" / "seed001_sigmoid_2_3_2.yaml",
                           "--compact", "--example", "--lang", "en")
    assert code == 0 and "## Worked example" in out and r"z_{1k} = " in out


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_compact_golden(lang):
    path = next(p for p in MATRIX_SPECS if p.stem == "mlp_784_128_10")
    text = render(derivgen.load(path, form="matrix"), "markdown", lang, compact=True)
    golden = GOLDEN / f"{path.stem}.compact.{lang}.md"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden.name} changed; inspect the diff, then DERIVGEN_UPDATE_GOLDEN=1 to accept it")


@pytest.mark.parametrize("name", list(NETS))
def test_the_intro_counts_the_parameters_the_model_has(name):
    """One bias per layer when it is shared: the compact intro said 15 for a network of 13."""
    text, profile, _ = NETS[name]
    model = derivgen.load(f"name: t\n{text}notation: {{profile: {profile}}}\n", form="matrix")
    doc = build_compact(model, PROFILES[profile])
    assert doc.architecture["parameters"] == len(model.scalar.parameters)
