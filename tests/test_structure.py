"""The package layout: layers that only import downwards, no import cycles, small modules,
one place that runs exec, and no path from user text to eval, sympify or yaml.load."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "derivgen"

#: the pipeline, bottom to top; a module may import only from its own layer or lower ones
LAYERS = {
    "errors": 0, "limits": 0, "files": 0, "report": 0,
    "ops": 1,
    "spec": 2, "reader": 2,
    "engine": 3,
    "codegen": 4,
    "render": 5,
    "model": 6, "verify": 6,
    "judge": 7, "learn": 7,
    "cli": 8,
    "__init__": 9, "__main__": 9,
}
MAX_LINES = 300


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    assert top in LAYERS, f"{module}: add its subpackage to LAYERS in this test"
    return LAYERS[top]


def _imports(path: Path, module: str, type_checking: bool) -> set[str]:
    """derivgen modules imported anywhere in ``path`` (functions included); imports under
    ``if TYPE_CHECKING:`` only when ``type_checking`` is true."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    if not type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for child in node.body for n in ast.walk(child))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in MODULES:  # from derivgen.ops import runtime: a module
                name = name.rpartition(".")[0]
            if name and name != module and name.startswith("derivgen"):
                found.add(name)
    return found


def test_every_subpackage_has_a_layer():
    for module in MODULES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module):
    here = _layer(module)
    for imported in _imports(MODULES[module], module, type_checking=True):
        if imported == "derivgen":
            continue  # only the facade's own submodules import it, and they are on top
        assert _layer(imported) <= here, f"{module} (layer {here}) imports {imported}"


def test_no_import_cycles():
    graph = {m: _imports(p, m, type_checking=False) - {"derivgen"} for m, p in MODULES.items()}
    # a package's __init__ may re-export its own modules; that is not a cycle through them
    for m in graph:
        graph[m] = {i for i in graph[m] if not (m.startswith(i + ".") and MODULES[i].name
                                                == "__init__.py")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


@pytest.mark.parametrize("module", sorted(m for m in MODULES
                                    if not m.startswith("derivgen.render.compiled.")))
def test_modules_stay_small(module):  # Jinja's compiled templates are generated, not written
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it"


def _calls(pattern: str) -> list[str]:
    hits = []
    for module, path in MODULES.items():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(pattern, code) and not code.lstrip().startswith(('"', "'", "``")):
                hits.append(f"{module}:{number}: {line.strip()}")
    return hits


def test_exec_runs_in_one_place_and_eval_nowhere():
    assert [h.split(":")[0] for h in _calls(r"\bexec\(")] == ["derivgen.codegen.compile"]
    assert _calls(r"(?<![.\w])(?<!def )eval\(") == []


def test_no_path_from_text_to_sympify_or_yaml_load():
    assert _calls(r"\bsympify\(|\bparse_expr\(|\bparse_latex\(|\bsp\.S\(") == []
    assert _calls(r"yaml\.(load|unsafe_load|full_load)\(") == []
