"""The notes of a derivation: one symbol for two things, the value at a kink, shared biases."""
from __future__ import annotations

import pytest

import derivgen
from derivgen.render.document import render
from derivgen.render.notation import Notation
from derivgen.render.profiles import read_notation
from support.helpers import ROOT, SPECS, bundled, run_cli

TANH_LEAKY = ROOT / "specs" / "seed004_tanh_leaky_mae.yaml"
FREE = ("name: t\nmodel:\n  inputs: [u, v]\n  parameters: [alpha, eta]\n  equations:\n"
        "    s: alpha*u + eta*v\n    t: leaky_relu(s, 0.1)\nloss: sse\nreduction: sum\n")


def test_seed004_alpha_is_two_things_and_the_document_says_so(capsys):
    code, out, err = run_cli(capsys, "derive", TANH_LEAKY, "--lang", "en")
    assert code == 0
    assert err.startswith(r"derivgen: warning: \alpha stands for learning rate and leaky slope")
    assert (r"Mind the notation: $\alpha$ stands for the learning rate and the slope of the "
            "leaky ReLU") in out
    ru = run_cli(capsys, "derive", TANH_LEAKY, "--lang", "ru")[1]
    assert r"$\alpha$ обозначает скорость обучения и наклон Leaky ReLU" in ru


def test_a_parameter_named_like_the_learning_rate_is_a_clash():
    model = derivgen.load(FREE)
    clashes = dict(Notation(model, read_notation(model)).clashes())
    assert clashes == {r"\alpha": ["parameter", "leaky_slope"],
                       r"\eta": ["parameter", "learning_rate"]}
    warnings: list[str] = []
    text = render(model, "markdown", "en", warnings=warnings)
    assert len(warnings) == 2 and text.count("Mind the notation") == 2


@pytest.mark.parametrize("path", [p for p in SPECS if "tanh_leaky" not in p.name],
                         ids=lambda p: p.stem)
def test_no_clash_where_there_is_none(path):
    model = bundled(path)
    assert Notation(model, read_notation(model)).clashes() == []
    warnings: list[str] = []
    assert "Mind the notation" not in render(model, "markdown", "en", warnings=warnings)
    assert warnings == []


def test_the_leaky_kink_note_says_what_passes():
    text = render(bundled(TANH_LEAKY), "markdown", "en")
    note = text[text.index("The leaky ReLU has a kink"):]
    note = note[:note.index("$$")]
    assert "no gradient" not in note and r"the fraction $\alpha$ of the gradient" in note
    assert r"\text{LeakyReLU}'\left(0\right) = \alpha" in text
    at1 = derivgen.load(TANH_LEAKY.read_text().replace("subgradient: 0", "subgradient: 1"))
    text1 = render(at1, "markdown", "en")
    assert "exactly at zero passes all of it" in text1
    assert r"\text{LeakyReLU}'\left(0\right) = 1" in text1


def test_the_relu_kink_note_is_unchanged():
    text = render(bundled(ROOT / "specs" / "seed000_relu_1_3_1.yaml"), "markdown", "en")
    assert "including one exactly at zero passes no gradient" in text
    assert "leaky" not in text.lower()


@pytest.mark.parametrize("lang, words", [("en", "a matrix of ones carries the one bias"),
                                         ("ru", "матрица из единиц переносит одно смещение")])
def test_shared_bias_prose_matches_the_formula(lang, words):
    model = bundled(ROOT / "specs" / "seed002_relu_3_2_2_shared_bias.yaml", "matrix")
    text = render(model, "markdown", lang)
    assert r"b_{0} \mathbf{1}_{N \times H}" in text  # in the formula …
    prose = next(line for line in text.splitlines() if words in line)
    assert r"$b_{0} \mathbf{1}_{N \times H}$" in prose  # … and the prose names it
    assert r"\mathbf{1}_N$" not in prose and "column of ones" not in prose
    vector = render(bundled(ROOT / "specs" / "seed003_softmax_ce_2layer.yaml", "matrix"),
                    "markdown", "en")
    assert "column of ones that copies a bias to every row" in vector
    assert "matrix of ones" not in vector
