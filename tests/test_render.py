"""`derivgen derive`: notation profiles, read-back of every formula, goldens, LaTeX, PDF.

Goldens live in tests/golden/; regenerate them with
``DERIVGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_render.py -k golden``.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from sympy.printing.latex import LatexPrinter

import derivgen
from derivgen.ops.functions import Step
from derivgen.render.latex import NotationPrinter, name_latex
from derivgen.render.notation import Notation
from derivgen.render.profiles import PROFILES, read_notation
from support.readback import Reader, judge
from derivgen.reader.latex import parse_reference
from derivgen.render.document import environment, render
from derivgen.render.sections import build_document
from conftest import ROOT, SPECS
from support.helpers import bundled, flat, needs_tex, run_cli

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("DERIVGEN_UPDATE_GOLDEN") == "1"
SEEDS = [p for p in SPECS if p.name.startswith("seed")]
# full worked examples: seed 001's and Mazur's
EXAMPLES = [p for p in SPECS if p.name.startswith(("seed001", "mazur"))]
JUDGED = ("forward", "residual", "error", "definition", "chain", "compact", "expanded",
          "update", "loss", "note", "kink", "half")


def displays(markdown: str) -> list[str]:
    return [m.strip() for m in re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, re.S | re.M)]


def derive(capsys, *args):
    return run_cli(capsys, "derive", *args)


# ---- names and the printer ----
@pytest.mark.parametrize("name, latex", [
    ("w_111", "w_{111}"), ("theta_10", r"\theta_{10}"), ("yhat", r"\hat{y}"),
    ("yhat_1", r"\hat{y}_{1}"), ("w_1_12_3", "w_{1,12,3}"), ("target_2", r"\text{target}_{2}"),
    ("yprime", "y'"), ("phi_0", r"\phi_{0}")])
def test_engine_names_print_as_the_documents_write_them(name, latex):
    assert name_latex(name) == latex


NET_121 = ("name: t\nnetwork:\n  inputs: 1\n  layers:\n    - {units: 2, activation: relu}\n"
           "    - {units: 1, activation: sigmoid}\nloss: half_sse\nreduction: single\n")


@pytest.mark.parametrize("profile, at0, expected", [
    ("seed001", 0, r"\sigma_{h}'\left(z_{11}\right)"), ("seed002", 0, r"\text{ReLU}'\left(z_{1,1}\right)"),
    ("seed003", 0, r"\left[z_{11} > 0\right]"), ("default", 1, r"\mathbf{1}\left[z_{11} \geq 0\right]")])
def test_step_is_printed_per_profile_by_a_latex_printer_subclass(profile, at0, expected):
    model = derivgen.load(NET_121 + f"subgradient: {at0}\n")
    printer = Notation(model, PROFILES[profile]).printer()
    assert isinstance(printer, NotationPrinter) and isinstance(printer, LatexPrinter)
    assert printer.doprint(Step(sp.Symbol("z_11", real=True), sp.Integer(at0))) == expected


def test_step_is_g_in_seed000():
    model = derivgen.load(ROOT / "specs" / "seed000_relu_1_3_1.yaml")
    printer = Notation(model, PROFILES["seed000"]).printer(sample=True)
    assert printer.doprint(Step(sp.Symbol("z_1", real=True), sp.Integer(0))) == "g_{1,n}"


def test_the_loss_in_a_partial_is_per_sample_under_a_sum_and_total_otherwise():
    """One rule for the whole document and the worked example: ∂L_n/∂w under a sum or
    mean (one sample's L_2 in the example), the total loss for one sample or on request."""
    summed = derivgen.load(ROOT / "specs" / "seed000_relu_1_3_1.yaml")
    nt = Notation(summed, PROFILES["seed000"])
    loss, w = summed.graph.loss, summed.graph.params[0]
    total = nt.loss_symbol()
    assert nt.loss_of() != total and nt.loss_of(sample=False) == total
    assert nt.loss_partial(loss, w) == nt.partial(nt.loss_of(), w)
    assert nt.loss_partial(loss, w, sample=False) == nt.partial(total, w, False)
    assert "2" in nt.loss_of(label="2") and nt.loss_of(label="2") != nt.loss_of()
    node = next(iter(summed.graph.nodes))  # not the loss: printed as itself
    assert nt.loss_partial(node, w) == nt.partial(node, w)
    single = derivgen.load(NET_121)
    one = Notation(single, PROFILES["default"])
    assert one.loss_of() == one.loss_symbol()


def test_templates_use_latex_safe_delimiters():
    env = environment()
    assert (env.block_start_string, env.variable_start_string, env.comment_start_string) == (
        r"\BLOCK{", r"\VAR{", r"\#{")
    assert env.trim_blocks and env.lstrip_blocks and not env.autoescape


# ---- every formula reads back equal to the engine ----
@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_every_display_parses_and_equals_the_engine(path):
    model = bundled(path)
    nt = Notation(model, read_notation(model))
    doc = build_document(model, nt)
    text = render(model, "markdown", "en")
    shown = displays(text)
    for latex in shown:  # a display may pair formulas as the documents do: a, \quad b
        for formula in latex.split(r", \quad"):
            parse_reference(formula, sample_index=nt.profile.sample_index)
    judged = [d for d in doc.displays() if d.kind in JUDGED]
    assert {d.kind for d in judged} >= {"forward", "chain", "compact"}
    assert {d.kind for d in doc.displays()} <= set(JUDGED) | {"layer"}  # nothing unjudged
    reader = Reader(model, nt)
    for d in doc.displays():
        assert any(d.latex in s for s in shown), d.latex
        verdict = (reader.judge_layer(d.latex, d.matrices) if d.kind == "layer"
                   else reader.judge(d.latex, kind=d.kind))
        assert verdict.equal, f"{d.kind} {d.param}: {verdict.message}\n{d.latex}"


@pytest.mark.parametrize("kind, wrong", [
    ("note", r"\sigma'\left(z\right) = \sigma\left(z\right)"),
    ("kink", r"\text{ReLU}'\left(0\right) = 1"),
    ("half", r"\frac{\partial \tilde{L}}{\partial p} = \frac{\partial L}{\partial p}"),
])
def test_wrong_notes_are_caught_by_the_read_back(kind, wrong):
    spec = "specs/seed002_relu_3_2_2_shared_bias.yaml" if kind == "kink" else \
        "specs/seed001_sigmoid_1_1_1.yaml"
    model = bundled(spec)
    nt = Notation(model, read_notation(model))
    assert not Reader(model, nt).judge(wrong, kind=kind).equal


@pytest.mark.parametrize("spec, right, wrong", [
    ("specs/seed001_sigmoid_2_3_2.yaml", r"W_{1} \cdot \mathbf{x}", r"\mathbf{x}^T \cdot W_{1}"),
    ("specs/seed003_softmax_ce_2layer.yaml", r"o_{1} \times w_{2} + b_{2}",
     r"o_{1} \times w_{2} - b_{2}"),
])
def test_a_wrong_layer_equation_is_caught(spec, right, wrong):
    model = bundled(spec)
    nt = Notation(model, read_notation(model))
    layer = next(d for d in build_document(model, nt).displays()
                 if d.kind == "layer" and right in d.latex)
    reader = Reader(model, nt)
    assert reader.judge_layer(layer.latex, layer.matrices).equal
    assert not reader.judge_layer(layer.latex.replace(right, wrong), layer.matrices).equal


def test_a_wrong_formula_is_caught_by_the_read_back():
    model = derivgen.load(ROOT / "specs" / "seed000_relu_1_3_1.yaml")
    nt = Notation(model, read_notation(model))
    good = r"\frac{\partial \mathcal{L}}{\partial \theta_{11}} = \sum_{n=1}^{N} r_{n} \phi_{1} g_{1,n} x_{n}"
    assert judge(model, nt, good).equal
    assert not judge(model, nt, good.replace(r"\phi_{1}", r"\phi_{2}")).equal
    assert not judge(model, nt, good.replace("x_{n}", "")).equal


@pytest.mark.parametrize("text", [
    "network:\n  inputs: 2\n  layers:\n    - {units: 2, activation: tanh}\n"
    "    - {units: 1, activation: sigmoid}\nloss: bce\nreduction: mean\n",
    "network:\n  inputs: 1\n  bias: none\n  layers:\n    - {units: 2, activation: leaky_relu, alpha: 0.2}\n"
    "    - {units: 2, activation: relu}\nloss: mae\nreduction: single\nsubgradient: 1\n",
    "model:\n  inputs: [u, v]\n  parameters: [alpha, beta]\n  equations:\n"
    "    s: alpha*u + exp(beta*v) + log(1 + u**2) + sin(alpha)*cos(v)\n    t: softplus(s)\n"
    "loss: sse\nreduction: sum\n"], ids=["bce-tanh", "leaky-mae-at0=1", "free-form"])
def test_other_activations_and_losses_read_back(text):
    model = derivgen.load("name: t\n" + text)
    nt = Notation(model, read_notation(model))
    reader = Reader(model, nt)
    for d in build_document(model, nt).displays():
        if d.kind in ("compact", "expanded", "error"):
            assert reader.judge(d.latex).equal, d.latex


# ---- the documents' notation ----
def test_seed000_symbols_and_structure():
    text = flat(render(derivgen.load(ROOT / "specs" / "seed000_relu_1_3_1.yaml"), "markdown"))
    for fragment in [
        r"\frac{\partial\mathcal{L}}{\partial\theta_{10}}=\sum_{n=1}^{N}r_{n}\phi_{1}g_{1,n}",
        r"\frac{\partial\mathcal{L}}{\partial\theta_{11}}=\sum_{n=1}^{N}r_{n}\phi_{1}g_{1,n}x_{n}",
        r"\frac{\partial\mathcal{L}}{\partial\phi_{1}}=\sum_{n=1}^{N}r_{n}a\left(z_{1,n}\right)",
        r"\frac{\partial\mathcal{L}}{\partial\phi_{0}}=\sum_{n=1}^{N}r_{n}",
        r"z_{1,n}=\theta_{10}+\theta_{11}x_{n}", r"r_{n}=f_{n}-y_{n}",
        r"g_{1,n}=a'\left(z_{1,n}\right)=\mathbf{1}\left[z_{1,n}>0\right]",
        r"\mathcal{L}=\frac{1}{2}\sum_{n=1}^{N}", r"a'\left(0\right)=0",
        r"\frac{\partial\tilde{\mathcal{L}}}{\partialp}=2\frac{\partial\mathcal{L}}{\partialp}"]:
        assert fragment in text, fragment


def test_seed001_symbols_and_structure():
    text = flat(render(derivgen.load(ROOT / "specs" / "seed001_sigmoid_1_2_1.yaml"), "markdown"))
    for fragment in [
        r"z_{11}=w_{11}\cdotx+b_{11}", r"h_{1}=\sigma_{h}\left(z_{11}\right)",
        r"z_{2}=w_{21}\cdoth_{1}+w_{22}\cdoth_{2}+b_{2}", r"\hat{y}=\sigma_{o}\left(z_{2}\right)",
        r"L=\frac{1}{2}r^{2}=\frac{1}{2}\left(\hat{y}-y\right)^{2}", r"\frac{\partialL}{\partial\hat{y}}=r=\hat{y}-y",
        # the chain of seed 001 §3, factor for factor
        r"\frac{\partialL}{\partialw_{11}}=\frac{\partialL}{\partial\hat{y}}\cdot\frac{\partial\hat{y}}"
        r"{\partialz_{2}}\cdot\frac{\partialz_{2}}{\partialh_{1}}\cdot\frac{\partialh_{1}}"
        r"{\partialz_{11}}\cdot\frac{\partialz_{11}}{\partialw_{11}}",
        r"w_{11}\leftarroww_{11}-\eta\cdot\frac{\partialL}{\partialw_{11}}",
        r"\sigma'\left(z\right)=\sigma\left(z\right)\cdot\left(1-\sigma\left(z\right)\right)"]:
        assert fragment in text, fragment


@pytest.mark.parametrize("spec, fragments", [
    ("seed002_relu_3_2_2_shared_bias", [r"\text{Input}\otimesw_{0}+\text{bias}_{0}",
                                        r"\hat{y}_{0}=\text{ReLU}", r"\hat{y}_{1}=\text{ReLU}",
                                        r"\text{target}_{1}", r"\text{Loss}="]),
    ("seed003_softmax_ce_2layer", [r"s_{1}=x\timesw_{1}", r"o_{1}=\text{ReLU}\left(s_{1}\right)",
                                   r"[D\timesH]=[2\times3]", r"\left[s_{11,i}>0\right]",
                                   r"=p_{1,i}-y_{1,i}", r"p_{1,i}=\frac{e^{s_{21,i}}}"]),
    ("seed004_linear_mse", [r"h_{\theta}\left(x_{i}\right)=\theta_{0}+\theta_{1}\cdotx_{i}",
                            r"\frac{\partialJ}{\partial\theta_{1}}=\frac{2}{N}\sum_{i=1}^{N}\left("
                            r"\theta_{0}+\theta_{1}\cdotx_{i}-y_{i}\right)\cdotx_{i}",
                            r"\theta_{0}:=\theta_{0}-\alpha\cdot\frac{\partialJ}{\partial\theta_{0}}"]),
    ("seed004_tanh_leaky_mae", [r"\text{LeakyReLU}'\left(k_{i}\right)", r"\frac{r_{i}}{\left|r_{i}\right|}",
                                r"\alpha=0.01"]),
])
def test_seed002_to_004_symbols(spec, fragments):
    text = flat(render(derivgen.load(ROOT / "specs" / f"{spec}.yaml"), "markdown", "en"))
    for fragment in fragments:
        assert fragment in text, fragment


@pytest.mark.parametrize("reduction, fragment", [
    ("single", r"\frac{\partialL}{\partialb_{2}}=r\cdot"), ("sum", r"=\sum_{n=1}^{N}r_{n}"),
    ("mean", r"=\frac{1}{N}\sum_{n=1}^{N}r_{n}")])
def test_the_reduction_decides_the_sum(reduction, fragment):
    model = derivgen.load("name: seed001_r\nnetwork:\n  inputs: 1\n  layers:\n"
                          "    - {units: 1, activation: sigmoid}\n    - {units: 1, activation: sigmoid}\n"
                          f"loss: half_sse\nreduction: {reduction}\nnotation: {{profile: seed001}}\n")
    text = flat(render(model, "markdown"))
    assert fragment in text
    assert (r"\sum" in text) == (reduction != "single")


def test_profiles_follow_the_notation_key_not_the_name(tmp_path):
    named = derivgen.load(NET_111)  # named seed001_net, but with no notation: key
    assert read_notation(named).name == "default"
    path = tmp_path / "n.yaml"
    path.write_text(NET_111 + "notation: {profile: seed004, symbols: {yhat: 'o', w_1: '\\omega_{1}'}}\n")
    text = render(derivgen.load(path), "markdown")
    assert r"o=\sigma\left(z_{2}\right)" in flat(text)
    assert r"\omega_{1}:=\omega_{1}-\alpha" in flat(text)
    assert "Gradients by backpropagation" in text  # seed 004's language


NET_111 = ("name: seed001_net\nnetwork:\n  inputs: 1\n  layers:\n"
           "    - {units: 1, activation: sigmoid}\n    - {units: 1, activation: sigmoid}\n"
           "loss: half_sse\nreduction: single\n")


@pytest.mark.parametrize("notation, column, message", [
    ("{profile: seed9}", 21, "allowed: default, seed000"),
    ("{symbols: {nope: x}}", 22, "'nope' is not a name of this spec"),
    ("{symbols: {yhat: '\\hat{y'}}", 33, "unclosed '{'"),
    ("{colour: red}", 12, "unknown key 'colour'"),
    ("[seed000]", 11, "must be a mapping"),
])
def test_bad_notation_is_exit_2_with_a_position(capsys, tmp_path, notation, column, message):
    path = tmp_path / "bad.yaml"
    path.write_text(NET_111 + f"notation: {notation}\n")
    code, out, err = derive(capsys, path)
    assert code == 2 and out == ""
    assert err.startswith(f"derivgen: {path}:9:{column}: ") and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


# ---- the worked example ----
def test_example_numbers_are_the_engines(capsys, tmp_path):
    model = derivgen.load(ROOT / "specs" / "seed001_sigmoid_2_3_2.yaml")
    values = tmp_path / "v.yaml"
    values.write_text("x: [[0.5, -1.0], [2.0, 0.25]]\ny: [[0.1, 0.9], [0.7, 0.2]]\n"
                      "params: {W_1: [[1, 2], [3, 4], [5, 6]], b_1: [0, 0, 1],\n"
                      "         W_2: [[1, 0, -1], [0.5, 0.5, 0.5]], b_2: [0.1, -0.1]}\n"
                      "learning_rate: 0.5\n")
    spec = tmp_path / "batch.yaml"  # the same net over a batch, so that several samples show
    spec.write_text((ROOT / "specs" / "seed001_sigmoid_2_3_2.yaml").read_text()
                    .replace("reduction: single", "reduction: mean"))
    code, out, err = derive(capsys, spec, "--values", values)
    assert code == 0, err
    batch = derivgen.load(spec)
    params = batch.flat_params({"W_1": [[1, 2], [3, 4], [5, 6]], "b_1": [0, 0, 1],
                                "W_2": [[1, 0, -1], [0.5, 0.5, 0.5]], "b_2": [0.1, -0.1]})
    grads = batch.gradient_fn()(params, [[0.5, -1.0], [2.0, 0.25]], [[0.1, 0.9], [0.7, 0.2]])
    text = flat(out)
    for name in ("w_111", "b_22"):
        printed = f"{float(grads[name]):.3g}"
        lhs = rf"\frac{{\partialL}}{{\partial{name_latex(name)}}}=\frac{{1}}{{N}}\sum"
        assert re.search(re.escape(lhs) + r"[^$]*(=|\\approx)" + re.escape(printed) + r"\$",
                         text), (name, printed)
    assert r"x_{1,n}=\left(0.5,2\right)" in text and model is not None


@pytest.mark.parametrize("values, message", [
    ("x: [1.0, 2.0]\n", "expected x of shape (N, 1)"),
    ("x: [1.0]\ny: [0.5]\nparams: {w_9: 0.3}\n", "unknown parameter 'w_9'"),
    ("x: [1.0]\ny: [0.5]\nparams: {}\nrate: 1\n", "unknown key 'rate'"),
])
def test_bad_values_file_is_exit_2(capsys, tmp_path, values, message):
    path = tmp_path / "v.yaml"
    path.write_text(values)
    code, _, err = derive(capsys, ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml", "--values", path)
    assert code == 2 and err.startswith(f"derivgen: {path}:") and message in err, err


def test_example_without_values_draws_them(capsys):
    code, out, err = derive(capsys, ROOT / "specs" / "seed000_relu_1_3_1.yaml", "--example",
                            "--lang", "en")
    assert code == 0, err
    assert r"drawn with seed 0 (option `--seed`) and rounded to two decimals: $x$, $y$" in out


# ---- goldens and determinism ----
MAZUR = [p for p in SPECS if p.name.startswith("mazur")]
CASES = [(p, lang, False) for p in SEEDS + MAZUR for lang in ("ru", "en")] + [
    (p, lang, True) for p in EXAMPLES for lang in ("ru", "en")]


@pytest.mark.parametrize("path, lang, example", CASES,
                         ids=lambda v: v.stem if isinstance(v, Path) else str(v))
def test_golden(path, lang, example):
    name = f"{path.stem}{'.example' if example else ''}.{lang}.md"
    text = render(bundled(path), "markdown", lang, example=example)
    golden = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden {name}; run with DERIVGEN_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name} changed; inspect the diff, then DERIVGEN_UPDATE_GOLDEN=1 to accept it")


def test_same_spec_same_bytes():
    path = ROOT / "specs" / "seed003_softmax_ce_2layer.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "random"}
    runs = [subprocess.run([sys.executable, "-m", "derivgen", "derive", str(path), "--format",
                            "latex"], capture_output=True, env=env, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] == render(derivgen.load(path), "latex").encode()


# ---- formats and the command ----
def test_markdown_to_stdout_and_file(capsys, tmp_path):
    spec = ROOT / "specs" / "seed004_cubic_mse.yaml"
    code, out, err = derive(capsys, spec)
    assert code == 0 and err == "" and out.startswith("# ") and "$$\n" in out
    target = tmp_path / "d.md"
    assert derive(capsys, spec, "-o", target)[0] == 0
    assert target.read_text(encoding="utf-8") == out
    assert derivgen.load(spec)._repr_markdown_() == out


@pytest.mark.parametrize("lang, present, absent", [
    ("ru", [r"\usepackage[T2A]{fontenc}", r"\usepackage[english,russian]{babel}"], []),
    ("en", [r"\usepackage[english]{babel}"], ["T2A"])])
def test_latex_preamble(capsys, lang, present, absent):
    code, out, _ = derive(capsys, ROOT / "specs" / "seed000_relu_1_3_1.yaml", "--format", "latex",
                          "--lang", lang)
    assert code == 0 and out.startswith(r"\documentclass") and out.rstrip().endswith(r"\end{document}")
    assert all(p in out for p in present + [r"\usepackage{amsmath,amssymb}", r"\usepackage[utf8]{inputenc}"])
    assert not any(a in out for a in absent)


def test_pdf_without_pdflatex_names_the_packages(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, _, err = derive(capsys, ROOT / "specs" / "seed004_linear_mse.yaml", "--format", "pdf",
                          "-o", tmp_path / "x.pdf")
    assert code == 2 and len(err.strip().splitlines()) == 1
    for package in ("texlive-latex-base", "texlive-latex-recommended", "texlive-lang-cyrillic"):
        assert package in err


def test_unwritable_output_is_exit_2(capsys, tmp_path):
    code, _, err = derive(capsys, ROOT / "specs" / "seed004_linear_mse.yaml", "-o",
                          tmp_path / "no" / "such" / "dir.md")
    assert code == 2 and "cannot write" in err


def test_missing_spec_is_exit_2(capsys, tmp_path):
    code, _, err = derive(capsys, tmp_path / "nope.yaml")
    assert code == 2 and err == f"derivgen: {tmp_path / 'nope.yaml'}: no such file\n"


# every spec's LaTeX is compiled, and its layout checked, by tests/test_layout.py


@needs_tex
def test_pdf_format_writes_a_pdf(capsys, tmp_path):
    target = tmp_path / "seed.pdf"
    code, _, err = derive(capsys, ROOT / "specs" / "seed001_sigmoid_1_2_1.yaml", "--format", "pdf",
                          "--example", "-o", target)
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")


def test_templates_are_found_inside_an_installed_package(tmp_path):
    # the wheel layout: the package alone, templates inside it, no checkout around it
    shutil.copytree(ROOT / "derivgen", tmp_path / "derivgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import derivgen, derivgen.render.document as r; print(r.template_dirs()[0]); "
            f"print(r.render(derivgen.load({str(SEEDS[0])!r}))[:2])")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)}, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(tmp_path / "derivgen" / "render" / "templates"), "# "]


def test_many_paths_give_a_one_step_chain():
    model = derivgen.mlp([2, 3, 3, 5], hidden="sigmoid", output="identity", loss="mse")
    nt = Notation(model, read_notation(model))
    doc = build_document(model, nt)
    first = doc.gradients[0]
    assert first.paths == 15 and len(first.chain.sides) == 2
    assert judge(model, nt, first.chain.latex).equal
