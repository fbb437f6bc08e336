"""Reference formulas in matrix notation, judged with NumPy arrays.

Seed 003 writes ∂L/∂w₂ = o₁ᵀ × (P − Y) for a batch, seed 001 writes
z₁ = W₁ · x + b₁ for one sample, seed 002 writes whole vectors as bmatrix.
The parser reads the names listed under ``matrices`` as non-commuting symbols,
so products keep their order; here each such name is bound to an array built
from the scalar model (a parameter group, a family of nodes or their adjoints,
the inputs or the targets) and the formula is evaluated at random points, as
numbers, next to the engine's arrays.  Scalar parts (bmatrix entries, Loss,
∂Loss/∂ŷ₁₁) are the scalar judge's business: a callback evaluates them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derivgen.ops.activations import ACTIVATIONS, DEFAULT_LEAKY_SLOPE
from derivgen.errors import UnsupportedError
from derivgen.spec.naming import format_name
from derivgen.reader.tree import BMATRIX, ONES

if TYPE_CHECKING:
    from derivgen.model.scalar import Model

#: document functions, elementwise on arrays: the registry's activations, exp and log
ARRAY_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    **{op.name: (lambda a, op=op: op.array(a, float(DEFAULT_LEAKY_SLOPE)))
       for op in ACTIVATIONS.values() if op.array is not None},
    "exp": np.exp,
    "log": np.log,
}


def array_derivative(name: str, values: np.ndarray, at0: float) -> np.ndarray:
    """σ'(a) of the registry's activation ``name``, elementwise (ReLU'(ŷ₁) in seed 002)."""
    op = ACTIVATIONS[name]
    return op.array_derivative(values, float(DEFAULT_LEAKY_SLOPE), at0)


#: the product signs a document can use (\cdot, \times, …)
PRODUCT_SIGNS = frozenset({"cdot", "times", "odot", "circ", "otimes"})


class ShapeMismatch(Exception):
    """The formula multiplies or adds arrays whose shapes do not fit: it is wrong."""


class NoValue(Exception):
    """A side that names no array (∂s₂/∂o₁ is a Jacobian, not a matrix)."""


@dataclass(frozen=True)
class Binding:
    """Where a document matrix comes from: inputs, targets, a group, a node family, the
    adjoints ∂L/∂node of a family, or nowhere (``defined``: a name the formula defines)."""

    kind: str
    names: tuple[str, ...] = ()
    shape: tuple[int, ...] = ()


def read_bindings(model: "Model", raw: Mapping[str, Any], error
                  ) -> tuple[str, dict, frozenset[str], frozenset[str]]:
    """Validate ``matrices:``: layout, the elementwise and the contracting product signs,
    one binding per name."""
    layout = raw.get("layout", "rows")
    if layout not in ("rows", "columns"):
        raise error("layout", "'layout' is rows (a batch, one sample per row) or columns")
    signs = {}
    for key, default in (("hadamard", ["odot", "circ", "otimes"]), ("contraction", [])):
        signs[key] = raw.get(key, default)
        if not isinstance(signs[key], list) or not set(signs[key]) <= PRODUCT_SIGNS:
            raise error(key, f"'{key}' lists product signs among "
                        + ", ".join(sorted(PRODUCT_SIGNS)))
    if "contraction" in raw and "hadamard" not in raw:
        signs["hadamard"] = [s for s in signs["hadamard"] if s not in signs["contraction"]]
    if set(signs["hadamard"]) & set(signs["contraction"]):
        raise error("contraction", "a product sign cannot be both elementwise and contracting")
    bindings: dict[str, Binding] = {}
    nodes = {s.name for s in model.graph.nodes}
    for name, source in raw.items():
        if name in ("layout", "hadamard", "contraction"):
            continue
        if source in ("inputs", "targets", "defined"):
            bindings[name] = Binding(source)
        elif isinstance(source, dict) and set(source) == {"group"} and \
                source["group"] in model.graph.groups:
            bindings[name] = Binding("group", (source["group"],))
        elif isinstance(source, dict) and len(source) == 1 and set(source) <= {"nodes",
                                                                               "adjoint"}:
            [(kind, template)] = source.items()
            family = []
            for k in range(1, 10_000):
                member = format_name(str(template), k=(k, 2))
                if member not in nodes or member in family:  # "yhat": one node, no {k}
                    break
                family.append(member)
            if not family:
                raise error(name, f"no node matches the template {template!r}")
            bindings[name] = Binding(kind, tuple(family))
        else:
            raise error(name, f"matrix {name!r} must be inputs, targets, defined, "
                        f"{{group: NAME}} with NAME in {sorted(model.graph.groups)}, "
                        "{nodes: TEMPLATE} or {adjoint: TEMPLATE}")
    return layout, bindings, frozenset(signs["hadamard"]), frozenset(signs["contraction"])


class Evaluator:
    """Evaluates a parsed matrix formula at one point of parameters and data."""

    def __init__(self, model: "Model", layout: str, bindings: dict[str, Binding],
                 functions: Mapping[str, str], params: dict, x: np.ndarray, y: np.ndarray,
                 rate: float, scalar: Callable[[sp.Expr], float] | None = None) -> None:
        self.model, self.layout, self.bindings = model, layout, bindings
        self.functions = functions
        #: evaluates a commutative part (a bmatrix entry, Loss) in the scalar engine
        self.scalar = scalar
        self.x, self.y, self.rate = x, y, rate
        self.values = model.values(params, x, y)
        self.grads = model.gradient_fn()(params, x, y)
        self.params = params
        self.scale = 1.0 / x.shape[0] if model.graph.reduction == "mean" else 1.0

    def _orient(self, rows: np.ndarray) -> np.ndarray:
        """Samples × units as rows, or one sample as a column."""
        return rows if self.layout == "rows" else rows.T

    def matrix(self, name: str, gradient: bool = False) -> np.ndarray:
        binding = self.bindings.get(name)
        if binding is None:
            raise UnsupportedError(f"{name!r} is not listed under 'matrices'")
        if binding.kind == "defined":
            raise NoValue(f"{name!r} is defined by the formula, not bound to an array")
        g = self.model.graph
        if binding.kind == "group":
            layout = np.array(g.groups[binding.names[0]], dtype=object)
            source = self.grads if gradient else self.params
            out = np.vectorize(lambda n: float(source[n]))(layout).astype(float)
            if out.ndim == 1:  # a bias vector: a row next to a batch, a column next to Wx
                return out.reshape(1, -1) if self.layout == "rows" else out.reshape(-1, 1)
            return out
        if binding.kind in ("inputs", "targets"):
            symbols = g.inputs if binding.kind == "inputs" else g.targets
            if gradient:
                if binding.kind == "targets":
                    raise NoValue
                cols = [self.scale * self.values[f"dL/d{s.name}"] for s in symbols]
                return self._orient(np.stack(cols, axis=1))
            return self._orient(self.x if binding.kind == "inputs" else self.y)
        if binding.kind == "adjoint":  # L'_1 of seed 002: ∂L/∂z of a layer
            if gradient:
                raise NoValue
            gradient = True
        key = "dL/d{}" if gradient else "{}"
        cols = [(self.scale if gradient else 1.0) * self.values[key.format(n)]
                for n in binding.names]
        return self._orient(np.stack(cols, axis=1))

    def __call__(self, expr: sp.Expr) -> np.ndarray | float:
        if expr.is_Number:
            return float(expr)
        if expr == ONES:  # 1 added to every entry: broadcast
            return 1.0
        if isinstance(expr, sp.Symbol):
            if not expr.is_commutative:
                return self.matrix(expr.name)
            binding = self.bindings.get(expr.name)
            if binding is not None and binding.kind == "param":  # seed 002's shared bias
                return float(self.params[binding.names[0]])
            if expr.name in ("eta", "alpha"):
                return self.rate
        if expr.is_commutative and self.scalar is not None:  # w_{01}, Loss, ∂Loss/∂ŷ_{11}
            return self.scalar(expr)
        if isinstance(expr, sp.Symbol):
            raise UnsupportedError(f"{expr.name!r} in a matrix formula is not a matrix")
        try:
            if expr.is_Add:
                total = 0.0
                for a in expr.args:
                    total = total + self(a)
                return total
            if expr.is_Mul:
                acc: Any = 1.0
                for v in self._factors(expr.args):
                    both = np.ndim(acc) == 2 and np.ndim(v) == 2
                    acc = acc @ v if both else acc * v
                return acc
        except ValueError as exc:  # numpy: operands could not be broadcast / matmul sizes
            raise ShapeMismatch(str(exc).split(":")[0] + ": shapes do not fit") from None
        if expr.is_Pow and expr.exp.is_Integer:
            base = self(expr.base)
            if np.size(base) != 1:  # (ŷ − target)² of a vector: elementwise, or |·|²?
                raise NoValue("the power of an array is ambiguous")
            return float(np.ravel(base)[0]) ** int(expr.exp)
        if isinstance(expr, AppliedUndef):
            return self.apply(str(expr.func), expr.args)
        raise UnsupportedError(f"{type(expr).__name__} is not supported in a matrix formula")

    def _factors(self, args: tuple) -> list:
        """The factors of a product; \\mathbf{1}^T before a matrix is a row of ones as long
        as its columns (a sum over the rows: 1ᵀ(P − Y)), \\mathbf{1} after one a column,
        and elsewhere (−1 · 1 in P − 1) the number 1, added to every entry."""
        row, values = sp.Function("transpose")(ONES), []
        for a in args:
            values.append(a if a in (ONES, row) else self(a))
        for i, a in enumerate(values):
            if isinstance(a, sp.Basic) and a == ONES:  # after a matrix: A 1 sums its columns
                left = values[i - 1] if i else None
                values[i] = np.ones((np.shape(left)[1], 1)) if np.ndim(left) == 2 else 1.0
            elif isinstance(a, sp.Basic) and a == row:
                right = values[i + 1] if i + 1 < len(values) else None
                if np.ndim(right) != 2:
                    raise UnsupportedError("\\mathbf{1}^T must stand before a matrix (1^T A)")
                values[i] = np.ones((1, np.shape(right)[0]))
        return values

    def apply(self, fname: str, args: tuple) -> np.ndarray | float:
        if fname == "transpose":
            return np.transpose(self(args[0]))
        if fname == "hadamard":
            return self(args[0]) * self(args[1])
        if fname == "contract":
            return contract(self(args[0]), self(args[1]))
        if fname == BMATRIX.__name__:
            return np.array([[float(np.ravel(self(e))[0]) for e in row] for row in args[0]])
        if fname.startswith("indicator_"):  # [s1 > 0]
            lhs, rhs = self(args[0]), self(args[1])
            return {"indicator_gt": np.greater, "indicator_lt": np.less,
                    "indicator_ge": np.greater_equal,
                    "indicator_le": np.less_equal}[fname](lhs, rhs).astype(float)
        if fname == "D":
            of, wrt = args[0], args[1]
            if str(of) in ("L", "J", "Loss") and isinstance(wrt, sp.Symbol):
                return self.matrix(wrt.name, gradient=True)
            raise NoValue
        target = self.functions.get(fname, fname)
        if target == "softmax" and len(args) == 1:  # over the units of each sample
            value = np.asarray(self(args[0]), dtype=float)
            axis = 1 if self.layout == "rows" else 0
            shifted = np.exp(value - value.max(axis=axis, keepdims=True))
            return shifted / shifted.sum(axis=axis, keepdims=True)
        if target in ARRAY_FUNCTIONS and len(args) == 1:
            return ARRAY_FUNCTIONS[target](self(args[0]))
        base = self.functions.get(fname.removesuffix("_prime"))
        if fname.endswith("_prime") and base in ACTIVATIONS and len(args) == 1 \
                and ACTIVATIONS[base].array_derivative is not None:
            at0 = float(self.model.graph.at0)
            return array_derivative(base, np.asarray(self(args[0]), dtype=float), at0)
        raise UnsupportedError(f"the matrix formula applies {fname!r}; map it under 'functions'")


def contract(a: Any, b: Any) -> Any:
    """Seed 002's ⊗: Σ_j a_j· b_j·, the first (row) index of both summed, the result a
    column: [3; 24; 2] ⊗ w₀ (3×2) is w₀ᵀ [3; 24; 2], [c; d] ⊗ [a'; b'] is ca' + db'.
    A 1×1 operand scales the other, as [ca' + db'] ⊗ [3; 24; 2] does."""
    if np.size(a) == 1 or np.size(b) == 1:
        return a * b
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    if a.shape[0] != b.shape[0]:
        raise ShapeMismatch(f"⊗ contracts {a.shape[0]} rows with {b.shape[0]}: shapes do not fit")
    return b.T @ a


def close(a: Any, b: Any, rtol: float = 1e-7, atol: float = 1e-9) -> str:
    """Empty when two arrays agree in shape and value (a 1×1 array is a number); else what
    differs."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 1 and b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    if a.shape != b.shape:
        return f"shape {a.shape} where derivgen has {b.shape}"
    if np.allclose(a, b, rtol=rtol, atol=atol):
        return ""
    i = np.unravel_index(np.argmax(np.abs(a - b)), a.shape)
    return f"entry {tuple(int(v) for v in i)}: the formula gives {a[i]:.10g}, derivgen {b[i]:.10g}"
