"""An independent NumPy oracle for the judge's mutation corpus (tests/corpus/judge).

It shares no code with derivgen: a network is its own forward pass, written in the
corpus file as NumPy expressions over arrays (X is N×D, one sample per row, W is
out×in), and every gradient is autograd's, of the loss written there.  A formula's
value is a NumPy expression too, read by the small whitelist evaluator below (ast
nodes of arithmetic, calls of the functions listed, indexing and ``.T``); the corpus
is test data written for these tests, and no text ever reaches ``eval``.
"""
from __future__ import annotations

import ast
from typing import Any, Callable, Mapping

import autograd
import autograd.numpy as anp
import numpy as np


def _softmax(a):
    e = anp.exp(a - anp.max(a, axis=1, keepdims=True))
    return e / anp.sum(e, axis=1, keepdims=True)


FUNCTIONS: dict[str, Callable] = {
    "sum": anp.sum, "mean": anp.mean, "exp": anp.exp, "log": anp.log, "tanh": anp.tanh,
    "sqrt": anp.sqrt, "abs": anp.abs, "sign": anp.sign,
    "sigmoid": lambda a: 1 / (1 + anp.exp(-a)),
    "relu": lambda a: anp.maximum(a, 0.0),
    "leaky": lambda a, s: anp.where(a > 0, a, s * a),
    "step": lambda a: anp.where(a > 0, 1.0, 0.0),  # [a > 0], 0 at 0 (derivgen's default)
    "softmax": _softmax,
    "ones": lambda *shape: anp.ones(shape),
    "eye": lambda n: anp.eye(n),
    "outer": anp.outer,
}
def _jacobian_entries(name: str):
    """∂f_k/∂z_j of a row function (softmax), for every row: f(Z, k, j), 1-based k, j."""
    def entries(z, k, j):
        row = autograd.jacobian(lambda r: FUNCTIONS[name](r[None, :])[0])
        return anp.array([row(z[i])[k - 1, j - 1] for i in range(z.shape[0])])
    return entries


FUNCTIONS["dsoftmax"] = _jacobian_entries("softmax")
# elementwise derivatives, by autograd (never written by hand)
FUNCTIONS.update({"d" + name: autograd.elementwise_grad(FUNCTIONS[name])
                  for name in ("tanh", "sigmoid", "relu", "exp", "log", "leaky")})
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b, ast.MatMult: lambda a, b: a @ b}


class OracleError(Exception):
    """A corpus expression outside the evaluator's whitelist."""


def evaluate(text: str, names: Mapping[str, Any]) -> Any:
    """The value of a NumPy expression over ``names`` and :data:`FUNCTIONS`."""
    text = str(text)  # a plain number in YAML is read as one
    return _walk(ast.parse(text, mode="eval").body, names, text)


def _walk(node: ast.AST, names: Mapping[str, Any], text: str) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise OracleError(f"{text!r}: unknown name {node.id!r}")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_walk(node.left, names, text),
                                      _walk(node.right, names, text))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _walk(node.operand, names, text)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in FUNCTIONS:
        args = [_walk(a, names, text) for a in node.args]
        kwargs = {k.arg: _walk(k.value, names, text) for k in node.keywords
                  if k.arg in ("axis", "keepdims")}
        return FUNCTIONS[node.func.id](*args, **kwargs)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return _walk(node.value, names, text).T
    if isinstance(node, ast.Subscript):
        return _walk(node.value, names, text)[_index(node.slice, names, text)]
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(
            node.ops[0], (ast.Gt, ast.Lt)):
        left, right = _walk(node.left, names, text), _walk(node.comparators[0], names, text)
        return (left > right) if isinstance(node.ops[0], ast.Gt) else (left < right)
    raise OracleError(f"{text!r}: {ast.dump(node)[:60]} is not allowed")


def _index(node: ast.AST, names: Mapping[str, Any], text: str) -> Any:
    if isinstance(node, ast.Tuple):
        return tuple(_index(e, names, text) for e in node.elts)
    if isinstance(node, ast.Slice):
        parts = [None if p is None else int(_walk(p, names, text))
                 for p in (node.lower, node.upper, node.step)]
        return slice(*parts)
    return int(_walk(node, names, text))


class Network:
    """The oracle's own network: parameter shapes, a forward pass and a loss as text."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.samples = int(raw.get("samples", 4))
        self.parameters: dict[str, tuple[int, ...]] = {
            k: tuple(v) for k, v in raw["parameters"].items()}
        self.inputs, self.outputs = int(raw["inputs"]), int(raw["outputs"])
        self.targets = raw.get("targets", "real")
        self.forward: list[tuple[str, str]] = list(raw["forward"].items())
        self.loss: str = raw["loss"]

    def point(self, rng: np.random.Generator) -> dict[str, Any]:
        """Random parameters, inputs and targets (targets as the loss allows them)."""
        values: dict[str, Any] = {k: rng.normal(size=s) for k, s in self.parameters.items()}
        n = self.samples
        values["X"] = rng.normal(size=(n, self.inputs))
        if self.targets == "simplex":
            values["Y"] = rng.dirichlet(np.ones(self.outputs), size=n)
        elif self.targets == "unit":
            values["Y"] = rng.uniform(0.05, 0.95, size=(n, self.outputs))
        else:
            values["Y"] = rng.normal(size=(n, self.outputs))
        return values

    def run(self, values: Mapping[str, Any], override: tuple[str, Any] | None = None
            ) -> dict[str, Any]:
        """Every node of the forward pass and the loss ``L`` (``override`` replaces one)."""
        names: dict[str, Any] = {**FUNCTIONS, **values, "N": self.samples}
        for name, text in self.forward:
            names[name] = override[1] if override and override[0] == name else \
                evaluate(text, names)
        names["L"] = evaluate(self.loss, names)
        return names

    def names(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The forward pass, and d<name> = ∂L/∂name (autograd) for every parameter, the
        inputs and every node: what formulas and their truths are written in."""
        out = self.run(values)
        for key in (*self.parameters, "X"):
            def loss(v, key=key):
                return self.run({**values, key: v})["L"]
            out["d" + key] = autograd.grad(loss)(np.asarray(values[key], dtype=float))
        for key, _ in self.forward:
            def loss(v, key=key):
                return self.run(values, (key, v))["L"]
            out["d" + key] = autograd.grad(loss)(np.asarray(out[key], dtype=float))
        return out
