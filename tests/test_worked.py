"""The worked example: formula, numbers substituted, result, for every step; the numbers
are the engine's and every substituted line's arithmetic is redone from its printed text."""
from __future__ import annotations

import math
import re

import pytest
import sympy as sp

from derivgen.reader.latex import parse_expression
from derivgen.render.document import render
from derivgen.render.notation import Notation
from derivgen.render.numlatex import exact, number, updated
from derivgen.render.profiles import read_notation
from derivgen.render.sections import DocumentBuilder
from derivgen.render.worked import worked_example
from support.helpers import ROOT, SPECS, bundled, flat, run_cli
from support.readback import Reader



def worked(path, digits=3, seed=0, values=None):
    model = bundled(path)
    nt = Notation(model, read_notation(model))
    return model, nt, worked_example(DocumentBuilder(model, nt), values, digits, seed)


def _tolerance(value: sp.Rational, digits: int) -> float:
    """Half a unit in the last digit a printed number keeps: it shows no more decimals than
    its denominator needs, and at most ``digits`` significant digits were kept."""
    shown = next(d for d in range(40) if 10 ** d % value.q == 0)
    by_decimals = 0.5 * 10.0 ** -shown
    if value == 0:
        return by_decimals
    by_digits = 0.5 * 10.0 ** (math.floor(math.log10(abs(float(value)))) - digits + 1)
    return min(by_decimals, by_digits)


class Arithmetic:
    """Parses a substituted side back, as a reader of the document would, and evaluates it."""

    def __init__(self, model, nt):
        self.reader = Reader(model, nt)
        self.sample = nt.profile.sample_index

    def parse(self, latex: str) -> sp.Expr:
        with sp.evaluate(False):
            return parse_expression(latex, sample_index=self.sample,
                                    functions=self.reader.mapper.parse_functions)

    def value(self, parsed: sp.Expr) -> float:
        mapped = self.reader.mapper.map(self.reader._restore(parsed))
        return float(sp.N(mapped, 30))

    def check(self, line, digits: int) -> None:
        parsed = self.parse(line.sides[line.substituted])
        result = parse_expression(line.sides[-1])  # a number: exact as printed
        assert result.is_Rational, line.latex
        rel = line.relations[-1]
        if rel == "=":  # the printed numbers give the printed result exactly
            assert self.reader.mapper.map(self.reader._restore(parsed)) == result, line.latex
            return
        assert rel == r"\approx", line.latex
        # each printed number may be off by half a unit in its last digit: the result may
        # be off by what those errors make of it, to first order, plus its own rounding
        got, spread = self.value(parsed), 0.0
        with sp.evaluate(False):
            numbers = {a for a in parsed.atoms(sp.Rational) if not a.is_Integer}
        for a in numbers:
            with sp.evaluate(False):
                nudged = parsed.xreplace({a: a + sp.Float(_tolerance(a, digits), 30)})
            spread += abs(self.value(nudged) - got)
        room = 1.5 * spread + 1.01 * _tolerance(result, digits) + 1e-12
        assert abs(got - float(result)) <= room, (line.latex, got, float(result), room)


# ---- seed 001's section 6, as the seed writes it ----
def test_seed001_111_reads_as_the_seed(capsys):
    code, out, _ = run_cli(capsys, "derive", ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml",
                           "--example")
    assert code == 0
    text = flat(out)
    for fragment in [
            r"z_{1}=w_{1}\cdotx+b_{1}=0.3\cdot1-0.2=0.1",
            r"h=\sigma_{h}\left(z_{1}\right)=\sigma_{h}\left(0.1\right)\approx0.525",
            r"z_{2}=w_{2}\cdoth+b_{2}=0.4\cdot0.525+0.1=0.31",
            r"\hat{y}=\sigma_{o}\left(z_{2}\right)=\sigma_{o}\left(0.31\right)\approx0.577",
            # the seed rounds 0.0769 to 0.077; here the value keeps three digits
            r"\frac{\partialL}{\partial\hat{y}}=\hat{y}-y=0.577-0.5\approx0.0769",
            r"\frac{\partial\hat{y}}{\partialz_{2}}=\hat{y}\cdot\left(1-\hat{y}\right)"
            r"=0.577\cdot\left(1-0.577\right)\approx0.244",
            r"=0.0769\cdot0.244\cdot0.525\approx0.00985",
            r"w_{2}\leftarrow0.4-0.1\cdot0.00985=0.399015",
            r"L=\frac{r^{2}}{2}=\frac{1}{2}\cdot0.0769^{2}\approx0.00296"]:
        assert fragment in text, fragment


def test_an_update_shows_its_change():
    _, _, w = worked(ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml")
    first = w.updates[0]
    assert first.sides[-1] == "0.299813"  # 0.3 − 0.1 · 0.00187…, not "0.3"
    assert updated(0.29981278, 0.00018722, 3).latex == "0.299813"
    assert updated(0.149780716135, 0.000219283865, 9).latex == "0.149780716"
    assert updated(0.5, 0.0, 3).latex == "0.5"


@pytest.mark.parametrize("value, digits, latex, is_exact", [
    (0.52497918747894, 3, "0.525", False), (0.1, 3, "0.1", True), (-0.65, 3, "-0.65", True),
    (1.234e-5, 3, r"1.23 \cdot 10^{-5}", False), (0.99996, 3, "1.00", False),
    (2.0, 3, "2", True), (0.000438567733, 9, "0.000438567733", True)])
def test_numbers(value, digits, latex, is_exact):
    printed = number(value, digits)
    assert (printed.latex, printed.exact) == (latex, is_exact)
    assert exact(24.0).latex == "24" and exact(-0.2).latex == "-0.2"


# ---- every substituted line, read back ----
@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_every_substituted_line_reads_back_and_adds_up(path):
    model, nt, w = worked(path)
    text = render(model, "markdown", "en", example=True)
    check = Arithmetic(model, nt)
    lines = w.lines()
    assert lines and sum(line.substituted is not None for line in lines) >= len(lines) // 2
    kinds = {line.kind for line in lines if line.substituted is not None}
    assert {"forward", "backward", "gradient", "update"} <= kinds
    for line in lines:
        assert f"${line.latex}$" in text, line.latex
        if line.substituted is not None:
            # a negative number after a sign is bracketed: 8.62 - (-0.13), never 8.62 - -0.13
            assert not re.search(r"[-+=]\s*-", line.sides[line.substituted]), line.latex
            check.check(line, w.digits)


def test_a_wrong_sum_is_caught():
    model, nt, w = worked(ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml")
    line = w.per_sample[0].forward[2]  # z_2 = 0.4 · 0.525 + 0.1 = 0.31
    wrong = type(line)(line.kind, line.sides[:-1] + ("0.32",), ops=line.ops,
                       substituted=line.substituted)
    with pytest.raises(AssertionError):
        Arithmetic(model, nt).check(wrong, 3)
    approx = type(line)(line.kind, line.sides[:-1] + ("0.33",), ops=line.ops[:-1] +
                        (r"\approx",), substituted=line.substituted)
    with pytest.raises(AssertionError):
        Arithmetic(model, nt).check(approx, 3)


def test_results_are_the_engines():
    path = ROOT / "specs" / "seed001_sigmoid_2_3_2.yaml"
    model, _, w = worked(path, digits=6)
    params, x, y = model.example_arrays()
    grads = model.gradient_fn()(params, x, y)
    values = model.values(params, x, y)
    for line, p in zip(w.per_sample[0].gradients, model.parameters):
        assert line.sides[-1] == number(float(grads[p]), 6).latex
    forward = {line.sides[0]: line.sides[-1] for line in w.per_sample[0].forward}
    assert forward[r"h_{2}"] == number(float(values["h_2"][0]), 6).latex


# ---- filling what the spec leaves out ----
def test_a_partial_example_is_filled_and_says_so(capsys):
    path = ROOT / "specs" / "seed002_relu_3_2_2_shared_bias.yaml"
    code, out, err = run_cli(capsys, "derive", path, "--example", "--lang", "en")
    assert code == 0, err
    assert r"\text{Input}_{1} = 3" in out  # the document's own input, kept
    filled = re.search(r"drawn with seed 0 .*?: (.*)\.\n", out).group(1)
    assert r"\text{Input}" not in filled and r"$\text{target}_{1}$" in filled
    assert r"$w_{01}$" in filled and r"$\eta$" in filled
    again = run_cli(capsys, "derive", path, "--example", "--lang", "en")[1]
    other = run_cli(capsys, "derive", path, "--example", "--lang", "en", "--seed", "3")[1]
    assert again == out and other != out and "seed 3" in other


def test_a_full_example_fills_nothing(capsys):
    out = run_cli(capsys, "derive", ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml",
                  "--example", "--lang", "en")[1]
    assert "drawn with seed" not in out


def test_a_drawn_example_moves_every_parameter():
    model, _, w = worked(ROOT / "specs" / "seed000_relu_1_3_1.yaml")
    assert all(line.sides[-1] != "0" for line in w.gradients)


def test_reduced_loss_and_gradients_are_printed():
    model, _, w = worked(ROOT / "specs" / "seed004_linear_mse.yaml")
    assert w.loss is not None and w.loss.sides[0] == "J"
    assert w.loss.sides[1].startswith(r"\frac{1}{N} \sum_{i=1}^{N}")
    assert w.loss.sides[2].startswith(r"\frac{1}{2}")
    point = model.spec.example
    assert point is None  # drawn: two samples
    assert len(w.per_sample) == 2 and len(w.gradients) == len(model.parameters)


def test_digits_option(capsys):
    path = ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml"
    out = run_cli(capsys, "derive", path, "--example", "--digits", "6")[1]
    assert r"\approx 0.524979" in out
    code, _, err = run_cli(capsys, "derive", path, "--example", "--digits", "0")
    assert code == 2 and "--digits" in err
