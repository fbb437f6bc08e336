"""Layout: every PDF derivgen writes fits the page.

Every bundled spec, in both languages, in scalar and matrix form (and in compact form
where it is a network), with and without the worked example, is rendered to LaTeX and
compiled; pdflatex's log must report no overfull box wider than 1 pt.  To keep the run
short, the documents of one language are compiled in one pdflatex run: each document's
body, exactly as derivgen writes it, after derivgen's preamble for that language, each
on new pages and announced in the log, so that a box is traced to its document.  The
two languages compile in parallel.
"""
from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from derivgen.errors import DerivgenError
from derivgen.render.compact import COMPACT_ABOVE
from derivgen.spec.forms import parameter_count
from derivgen.render.breaking import Layout
from derivgen.render.widths import estimate
from derivgen.render.document import render
from derivgen.render.notation import Notation
from derivgen.render.profiles import read_notation
from derivgen.render.sections import build_document
from support.helpers import MATRIX_SPECS, PDFLATEX, SPECS, bundled, flat, needs_tex

#: an overfull box up to this wide is invisible (TeX reports boxes from 0.1 pt)
SLACK_PT = 1.0
BOX = re.compile(r"^Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\)(.*)$")
MARK = re.compile(r"^DERIVGEN-DOCUMENT (\S+)$")


def variants():
    """(label, model, example, compact) for every document of every bundled spec."""
    for path in SPECS + MATRIX_SPECS:
        for form in ("scalar", "matrix", "compact"):
            try:
                model = bundled(path, "matrix" if form == "compact" else form)
            except DerivgenError:  # a free-form model has no matrix form; a big net no
                continue           # scalar one
            examples = (False, True) if model.form == "scalar" or (
                form == "compact" and parameter_count(model.spec.network) <= COMPACT_ABOVE) \
                else (False,)
            for example in examples:
                yield (f"{path.stem}.{form}{'.example' if example else ''}", model, example,
                       form == "compact")


def documents(lang: str) -> list[tuple[str, str]]:
    out = []
    for label, model, example, compact in variants():
        try:
            tex = render(model, "latex", lang, example=example, compact=compact)
        except DerivgenError:  # compact mode refuses flat weight names (w_{c}, w_{m})
            assert compact, label
            continue
        out.append((f"{label}.{lang}", tex))
    return out


def combined(docs: list[tuple[str, str]]) -> str:
    """One LaTeX file: the first document's preamble, then every body on new pages."""
    preamble = docs[0][1].split(r"\begin{document}")[0]
    parts = [preamble, r"\begin{document}"]
    for label, tex in docs:
        head, body = tex.split(r"\begin{document}")
        assert head == preamble, f"{label}: another preamble"
        body = body.split(r"\end{document}")[0]
        parts += [r"\clearpage", r"\typeout{DERIVGEN-DOCUMENT " + label + "}", body]
    return "\n".join(parts + [r"\end{document}", ""])


def overfull(log: str) -> dict[str, list[str]]:
    """document → the overfull boxes wider than SLACK_PT that pdflatex reported in it."""
    found: dict[str, list[str]] = {}
    current = "preamble"
    for line in log.splitlines():
        mark = MARK.match(line)
        if mark:
            current = mark.group(1)
            continue
        box = BOX.match(line)
        if box and float(box.group(1)) > SLACK_PT:
            found.setdefault(current, []).append(line)
    return found


def compile_all(tmp_path: Path, lang: str) -> tuple[int, str, str]:
    docs = documents(lang)
    source = tmp_path / f"all-{lang}.tex"
    source.write_text(combined(docs), encoding="utf-8")
    done = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", source.name], cwd=tmp_path,
                          capture_output=True, timeout=600, stdin=subprocess.DEVNULL)
    log = (tmp_path / f"all-{lang}.log").read_text(encoding="utf-8", errors="replace")
    return done.returncode, log, "\n".join(label for label, _ in docs)


@needs_tex
def test_no_overfull_box_in_any_document(tmp_path):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda lang: compile_all(tmp_path, lang), ("ru", "en")))
    for code, log, labels in results:
        errors = [line for line in log.splitlines() if line.startswith("!")]
        assert code == 0, errors[:5]
        assert len(re.findall(r"^DERIVGEN-DOCUMENT ", log, re.M)) == len(labels.splitlines())
        assert overfull(log) == {}, overfull(log)


def test_the_log_reader_finds_a_box():
    log = "DERIVGEN-DOCUMENT a.en\nOverfull \\hbox (12.5pt too wide) in paragraph at lines 3--3\n" \
          "DERIVGEN-DOCUMENT b.en\nOverfull \\hbox (0.4pt too wide) detected at line 9\n"
    assert list(overfull(log)) == ["a.en"]


@pytest.mark.parametrize("path", [p for p in SPECS if "seed001_sigmoid_1_2_1" in p.name],
                         ids=lambda p: p.stem)
def test_long_formulas_break_and_short_ones_do_not(path):
    model = bundled(path)
    doc = build_document(model, Notation(model, read_notation(model)))
    broken = [d for d in doc.displays() if d.lines]
    assert broken and all(estimate(d.latex) > 40 for d in broken)
    for d in doc.displays():
        if not d.lines:  # a chain that fits is set on one line
            assert estimate(d.latex) <= 40
            continue
        # the lines hold the display, term for term: only alignment and the brackets of
        # a break were added
        joined = flat("".join(d.lines)).replace("&", "").replace(r"\quad", "").replace(
            "{}", "").replace(r"\left.", "").replace(r"\right.", "")
        assert joined == flat(d.latex), d.latex
        assert all(estimate(line) <= 42 for line in d.lines), d.lines


def test_a_title_may_break_after_each_underscore():
    model = bundled([p for p in SPECS if "seed002" in p.name][0])
    tex = render(model, "latex", "ru")
    assert r"seed002\_\allowbreak{}relu" in tex and r"\section*{\raggedright" in tex


def test_estimate_orders_widths():
    layout = Layout()
    assert estimate(r"\frac{\partial L}{\partial w_{1}}") < estimate("w_{1} + w_{2} + w_{3}")
    assert layout.text("x") == "x"
