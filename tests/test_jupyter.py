"""What models, reports and training results show in a notebook; no display is needed.

Each test calls what Jupyter calls (``_repr_markdown_``, ``_repr_latex_``,
``_repr_html_``) on models read from the bundled spec files.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from support.helpers import ROOT

import derivgen
from derivgen.engine import rules
from derivgen.judge.formulas import check_documents
from derivgen.ops.functions import Sigmoid
from derivgen.render.document import render
from derivgen.render.jupyter import LARGE_VALUES, is_large
from derivgen.render.tables import ItemRows, items_html

SPECS = ROOT / "specs"


def test_the_784_128_10_model_shows_a_summary_under_20_kb():
    model = derivgen.load(SPECS / "matrix" / "mlp_784_128_10.yaml")
    text = model._repr_markdown_()
    assert len(text.encode("utf-8")) < 20_000
    assert "784 → 128 (relu) → 10 (softmax)" in text
    assert all(f"`{name}` {'×'.join(map(str, shape))}" in text
               for name, shape in model.parameter_shapes.items())
    assert "101770" in text and "model.show('W_1')" in text and "derivgen derive" in text


def test_a_wide_scalar_model_shows_a_summary_without_deriving_its_formulas():
    model = derivgen.mlp([8, 32, 4])
    text = model._repr_markdown_()
    assert len(text.encode("utf-8")) < 20_000 and "420" in text
    assert "`W_1` 32×8" in text
    # the summary derived no gradient formula: nothing the full document needs was built
    assert "compact_gradients" not in model.__dict__ and "sample_gradients" not in model.__dict__


@pytest.mark.parametrize("spec", sorted(SPECS.glob("seed00*.yaml")), ids=lambda p: p.stem)
def test_small_models_still_show_their_whole_derivation(spec):
    model = derivgen.load(spec)
    assert len(model.parameters) <= LARGE_VALUES and not is_large(model)
    assert model._repr_markdown_() == render(model, "markdown")


def test_one_gradient_is_its_chain_and_formulas():
    model = derivgen.load(SPECS / "seed001_sigmoid_1_2_1.yaml")
    text = model.gradient_markdown("w_11")
    blocks = re.findall(r"\$\$\n(.*?)\n\$\$", text, re.S)
    assert len(blocks) >= 2
    chain = blocks[0]
    assert chain.count(r"\frac{\partial") == 6  # ∂L/∂w₁₁ = five factors
    assert r"\partial w_{11}" in chain and r"\partial z_{11}" in chain
    assert model.gradient_markdown("b_2") != text
    with pytest.raises(KeyError, match="'w_99' is not a parameter"):
        model.gradient_markdown("w_99")


def test_one_gradient_of_a_matrix_model():
    model = derivgen.load(SPECS / "matrix" / "mlp_784_128_10.yaml")
    text = model.gradient_markdown("W_2")
    assert r"\frac{\partial L}{\partial \mathbf{W}_{2}}" in text and r"\mathbf{h}_{1}^T" in text


def test_show_prints_outside_a_notebook(capsys):
    model = derivgen.load(SPECS / "seed004_cubic_mse.yaml")
    model.show("W")
    assert capsys.readouterr().out == model.gradient_markdown("W") + "\n"


def test_latex_view_is_one_aligned_block():
    model = derivgen.load(SPECS / "seed004_cubic_mse.yaml")
    text = model._repr_latex_()
    assert text.startswith("$$\n\\begin{aligned}") and text.endswith("\\end{aligned}\n$$")
    body = text[len("$$\n\\begin{aligned}\n"):-len("\n\\end{aligned}\n$$")]
    rows = body.split(" \\\\\n")
    assert len(rows) == len(model.graph.nodes) - 1 + 1 + len(model.parameters)
    assert all(row.count("&=") == 1 for row in rows)
    assert body.count("{") == body.count("}")
    wide = derivgen.mlp([8, 32, 4])._repr_latex_()
    assert wide.count(r"\\") <= 14 and r"\vdots" in wide


def test_gradient_report_is_a_table_that_shows_a_wrong_rule(monkeypatch):
    model = derivgen.load(SPECS / "seed001_sigmoid_1_1_1.yaml")
    good = derivgen.check_gradients(model)._repr_html_()
    assert "all gradients agree" in good and good.count("<tr") == 1 + len(model.parameters)
    monkeypatch.setitem(rules.DERIVATIVES, Sigmoid, lambda a, k: (Sigmoid(a[0]),))
    bad = derivgen.check_gradients(derivgen.load(SPECS / "seed001_sigmoid_1_1_1.yaml"))
    page = bad._repr_html_()
    assert "some gradients disagree" in page
    rows = re.findall(r"<tr([^>]*)><td>(\w+)</td><td>(\w+)</td>", page)
    assert {name: status for _, name, status in rows} == {c.name: c.status for c in bad.checks}
    assert any(status == "mismatch" and "#fce8e6" in style for style, _, status in rows)
    ET.fromstring(page[page.index("<table>"):])  # well-formed


def test_check_results_are_a_table_with_the_known_document_errors():
    model = derivgen.load(SPECS / "seed001_sigmoid_1_2_1.yaml")
    rows = check_documents(model)
    assert isinstance(rows, ItemRows)
    page = rows._repr_html_()
    known = sum(1 for r in rows if r.status == "mismatch" and r.passed)
    assert known > 0 and f"{len(rows)} items: {len(rows)} passed ({known} known" in page
    assert page.count("<tr") == 1 + len(rows)
    notes = [r.note for r in rows if r.note]
    assert html.escape(notes[0]) in page


def test_item_tables_escape_what_documents_write():
    page = items_html([{"item": "<script>alert(1)</script>", "kind": "claim",
                        "status": "mismatch", "passed": False, "message": "a & b"}])
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page
    assert "<b>1 failed</b>" in page


def test_train_result_in_a_notebook_is_a_curve_and_a_table():
    model = derivgen.load(SPECS / "seed004_linear_mse.yaml")
    x = np.linspace(0, 1, 20)
    result = derivgen.train(model, x, 2 * x + 1, 200, 0.5)
    page = result._repr_html_()
    svg = page[page.index("<svg"):page.index("</svg>") + 6]
    ET.fromstring(svg)  # well-formed SVG
    assert "log scale" in svg and "200 steps of gd" in page
    assert result.params["theta_1"] == pytest.approx(2.0, abs=0.05)
    assert repr(result.params["theta_0"]) in page
