"""Fuzzing specs: mutants of the bundled specs, and specs drawn by hypothesis.

Each case runs ``derivgen check`` or ``derivgen derive`` in-process in a fresh
folder and must keep the promises of :mod:`tests.support.fuzzing`: exit 0, 1 or
2, no traceback, at most 10 s of CPU, nothing written but the output path,
strict JSON.  The bundled specs are cut to two reference formulas and two claims
each, so that a case measures derivgen's reading and judging rather than the
length of a document.  ``DERIVGEN_FUZZ=long`` runs thousands of cases.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fuzzing import check_promises, count, record, run_case
from support.helpers import MATRIX_SPECS
from support.helpers import SPECS as BUNDLED
from support.mutate import mutate_spec

SPECS = sorted([*BUNDLED, *MATRIX_SPECS])
#: (argv before the spec, the output file it writes or None)
COMMANDS = [
    (["check", "--points", "1"], None),
    (["check", "--points", "1", "--json"], None),
    (["derive"], None),
    (["derive", "--format", "latex", "-o", "out.tex"], "out.tex"),
    (["derive", "--example"], None),
    (["check", "--points", "1", "--form", "matrix"], None),
    (["derive", "--form", "matrix", "-o", "out.md"], "out.md"),
]


def trimmed(path: Path) -> str:
    """A bundled spec with at most two reference formulas and two claims."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # our own files, for the tests
    ref = data.get("reference")
    if isinstance(ref, dict) and isinstance(ref.get("formulas"), list):
        keep = ref["formulas"][:2]
        ids = {f.get("id") for f in keep}
        ref["formulas"] = [f for f in keep if f.get("continues") in (None, *ids)]
    if isinstance(data.get("claims"), list):
        data["claims"] = data["claims"][:2]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


BASES = {p.stem: trimmed(p) for p in SPECS}
CASES = count(120, 3000)


def run_one(tmp_path: Path, seed: int, category: str, text: str, mutation: str) -> None:
    rng = random.Random(seed)
    argv, output = rng.choice(COMMANDS)
    folder = tmp_path / f"case{seed}"
    folder.mkdir()
    result = run_case(folder, [*argv, "s.yaml"], {"s.yaml": text})
    label = f"{category} seed {seed} {mutation} {' '.join(argv)}"
    record(category, f"exit {result.rc}", result.cpu, label)
    check_promises(result, folder, output, label, json_out="--json" in argv)


@pytest.mark.parametrize("seed", range(CASES))
def test_mutated_bundled_spec(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    name = sorted(BASES)[seed % len(BASES)]
    mutation, text = mutate_spec(BASES[name], rng)
    run_one(tmp_path, seed, "spec mutant", text, f"{name} {mutation}")


# ---- specs drawn by hypothesis -------------------------------------------------

ACTIVATIONS = ["identity", "relu", "leaky_relu", "sigmoid", "tanh", "softplus"]
FORMULAS = ["x**3", "log(1 + exp(x))", "1/(1 + exp(-x))", "exp(x)/(1 + exp(x))", "x*exp(-x)",
            "exp(exp(x))", "tanh(x)*x", "abs(x)", "sqrt(x**2 + 1)", "sin(x)", "relu(x)**2",
            "leaky_relu(x, 0.3)", "max(0, x)", "log(sigmoid(x))", "exp(x)*exp(-x)*x"]
NUMBERS = st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=64),
                    st.sampled_from([0.0, -0.0, 1e300, -1e300, 5e-324, 1e-320, 1000.0, -1000.0]),
                    st.integers(-10**30, 10**30))


@st.composite
def network_specs(draw) -> str:
    """A network spec of up to 4 layers, its example values anywhere in float64."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))
    layers = []
    for units in sizes[1:]:
        act = draw(st.sampled_from(ACTIVATIONS + ["custom"]))
        body = f"{{custom: {draw(st.sampled_from(FORMULAS))!r}}}" if act == "custom" else act
        alpha = f", alpha: {draw(st.floats(0, 1))!r}" if act == "leaky_relu" else ""
        layers.append(f"    - {{units: {units}, activation: {body}{alpha}}}")
    loss = draw(st.sampled_from(["half_sse", "sse", "mse", "mae"]))
    lines = ["name: drawn", "network:", f"  inputs: {sizes[0]}",
             f"  form: {draw(st.sampled_from(['scalar', 'matrix']))}", "  layers:", *layers,
             f"loss: {loss}", f"reduction: {draw(st.sampled_from(['single', 'sum', 'mean']))}"]
    if draw(st.booleans()):
        xs = draw(st.lists(NUMBERS, min_size=sizes[0], max_size=sizes[0]))
        ys = draw(st.lists(NUMBERS, min_size=sizes[-1], max_size=sizes[-1]))
        lines += ["example:", f"  x: {[float(v) for v in xs]!r}",
                  f"  y: {[float(v) for v in ys]!r}"]
    return "\n".join(lines) + "\n"


@settings(max_examples=count(20, 600), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(text=network_specs(), seed=st.integers(0, 2**31 - 1))
def test_drawn_spec(text: str, seed: int, tmp_path_factory) -> None:
    run_one(tmp_path_factory.mktemp("drawn"), seed, "drawn spec", text, "drawn")
