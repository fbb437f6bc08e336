"""Matrix form through the command line and the templates: goldens, shapes, PDF, --form."""
from __future__ import annotations

import json

import pytest

import derivgen
from support.helpers import bundled, run_cli
from derivgen.render.document import render
from derivgen.render.pdf import compile_pdf
from test_render import GOLDEN, UPDATE, displays, flat, needs_tex
from conftest import ROOT

MATRIX_SPECS = sorted((ROOT / "specs" / "matrix").glob("*.yaml"))
#: bundled scalar specs whose documents are written in matrix form
AS_MATRIX = [ROOT / "specs" / f"{n}.yaml" for n in (
    "seed003_softmax_ce_2layer", "seed002_relu_3_2_2_shared_bias", "seed001_sigmoid_2_3_2")]
CASES = [(p, None, lang) for p in MATRIX_SPECS for lang in ("ru", "en")] + [
    (p, "matrix", lang) for p in AS_MATRIX for lang in ("ru", "en")]


run = run_cli


@pytest.mark.parametrize("path, form, lang", CASES, ids=lambda v: getattr(v, "stem", str(v)))
def test_matrix_golden(path, form, lang):
    model = bundled(path, form)
    assert model.form == "matrix"
    text = render(model, "markdown", lang)
    golden = GOLDEN / f"{path.stem}.matrix.{lang}.md"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden {golden.name}; run with DERIVGEN_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), f"{golden.name} changed"


def test_seed003_in_its_own_notation_with_shapes():
    text = flat(render(derivgen.load(ROOT / "specs" / "seed003_softmax_ce_2layer.yaml",
                                     form="matrix"), "markdown"))
    # ∂L/∂w₂ = o₁ᵀ × (p − y) and ∂L/∂w₁ = xᵀ × (((p − y) × w₂ᵀ) ⊙ [s₁ > 0]), shapes beneath
    assert (r"\underset{[H\timesC]}{\frac{\partialL}{\partial\mathbf{w}_{2}}}" in text)
    assert r"\mathbf{o}_{1}^T\times\left(\mathbf{p}-\mathbf{y}\right)" in text
    assert (r"\mathbf{x}^T\times\left(\left(\left(\mathbf{p}-\mathbf{y}\right)\times"
            r"\mathbf{w}_{2}^T\right)\odot\left[\mathbf{s}_{1}>0\right]\right)") in text
    assert r"\underset{[N\timesH]}{\mathbf{s}_{1}}" in text


def test_columns_layout_writes_w_times_x():
    text = flat(render(derivgen.load(MATRIX_SPECS[-1]), "markdown", "en"))
    assert r"\mathbf{W}_{1}\cdot\mathbf{x}+\mathbf{b}_{1}\cdot\mathbf{1}_{N}^T" in text
    assert r"\underset{[H\timesN]}{\mathbf{z}_{1}}" in text


def test_width_does_not_change_the_derivation():
    small = derivgen.mlp([3, 4, 2], hidden="relu", output="softmax", loss="cross_entropy",
                         form="matrix", name="same")
    big = derivgen.mlp([784, 256, 10], hidden="relu", output="softmax", loss="cross_entropy",
                       form="matrix", name="same")
    shown = displays(render(small, "markdown"))
    assert shown == displays(render(big, "markdown")) and len(shown) >= 12


@needs_tex
@pytest.mark.parametrize("path, form", [(p, None) for p in MATRIX_SPECS] +
                         [(p, "matrix") for p in AS_MATRIX[:1]],
                         ids=lambda v: getattr(v, "stem", str(v)))
def test_matrix_latex_compiles(path, form, tmp_path):
    for lang in ("ru", "en"):
        out = tmp_path / f"{lang}.pdf"
        compile_pdf(render(bundled(path, form), "latex", lang), out)
        assert out.read_bytes().startswith(b"%PDF")


def test_check_with_form_matrix_judges_gradients_and_documents(capsys):
    spec = AS_MATRIX[0]
    code, out, err = run(capsys, "check", spec, "--form", "matrix", "--json")
    items = json.loads(out)["items"]
    gradients = [i for i in items if i["kind"] == "gradient"]
    assert code == 0, err
    assert [i["item"] for i in gradients] == ["dL/dw_1", "dL/db_1", "dL/dw_2", "dL/db_2"]
    assert all(i["passed"] for i in gradients)
    assert any(i["kind"] == "reference" for i in items)  # the document, on the scalar form


def test_matrix_form_refuses_worked_examples(capsys):
    code, out, err = run(capsys, "derive", AS_MATRIX[2], "--form", "matrix", "--example")
    assert code == 2 and out == "" and "scalar form" in err and "Traceback" not in err


def test_form_matrix_of_a_free_form_model_is_exit_2(capsys):
    code, out, err = run(capsys, "derive", ROOT / "specs" / "seed000_relu_1_3_1.yaml",
                         "--form", "matrix")
    assert code == 2 and "network" in err and len(err.strip().splitlines()) == 1


def test_matrix_model_shows_itself_as_markdown():
    # a small network shows its derivation; 784-128-10 a summary (tests/test_jupyter.py)
    model = derivgen.load(ROOT / "specs" / "matrix" / "seed001_sigmoid_2_3_2_columns.yaml")
    assert model._repr_markdown_() == render(model, "markdown")
    large = derivgen.load(ROOT / "specs" / "matrix" / "mlp_784_128_10.yaml")
    assert large._repr_markdown_() != render(large, "markdown")
    assert "784" in repr(large.parameter_shapes)
