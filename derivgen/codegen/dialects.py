"""Printers of scalar-form expressions in the dialects generated code is written in.

- ``math``: one sample's floats (``math.exp``, ``x if c else y``), the body of the
  compiled loop over samples (numba) and of exported numba modules;
- ``numpy``, ``jax`` and ``torch``: whole columns over the batch, for exported modules.

Activations print through their registry records' ``code`` templates
(:mod:`derivgen.ops.activations`); the kinks and log-sum-exp, which are not
activations, have their templates here.  Nothing here imports NumPy, JAX or
torch: the printers only write text.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter

from derivgen.errors import UnsupportedError
from derivgen.ops.activations import ACTIVATIONS
from derivgen.ops.functions import LogSumExp, Sign, Step

DIALECTS = ("math", "numpy", "jax", "torch")
#: the module prefix each array dialect prints elementary functions with
MODULE = {"math": "math", "numpy": "numpy", "jax": "jnp", "torch": "torch"}

#: Step(x, at0) and Sign(x, at0): at0 0, at0 1 and any other value ({1})
KINKS: dict[str, dict[str, str]] = {
    "math": {"step0": "(1.0 if {0} > 0 else 0.0)", "step1": "(1.0 if {0} >= 0 else 0.0)",
             "step": "(1.0 if {0} > 0 else ({1} if {0} == 0 else 0.0))",
             "sign": "(1.0 if {0} > 0 else (-1.0 if {0} < 0 else {1}))"},
    "numpy": {"step0": "({0} > 0)", "step1": "({0} >= 0)",
              "step": "numpy.where({0} > 0, 1.0, numpy.where({0} < 0, 0.0, {1}))",
              "sign": "(numpy.sign({0}) + {1} * ({0} == 0))"},
    "jax": {"step0": "jnp.where({0} > 0, 1.0, 0.0)", "step1": "jnp.where({0} >= 0, 1.0, 0.0)",
            "step": "jnp.where({0} > 0, 1.0, jnp.where({0} < 0, 0.0, {1}))",
            "sign": "(jnp.sign({0}) + {1} * jnp.where({0} == 0, 1.0, 0.0))"},
    "torch": {"step0": "({0} > 0).double()", "step1": "({0} >= 0).double()",
              "step": "torch.where({0} > 0, 1.0, torch.where({0} < 0, 0.0, {1})).double()",
              "sign": "(torch.sign({0}) + {1} * ({0} == 0).double())"},
}


def templates(dialect: str) -> dict[type, str]:
    """SymPy function -> code template in ``dialect``, from the activation registry."""
    out = {}
    for op in ACTIVATIONS.values():
        if op.function is not None and op.function is not sp.tanh:
            if not op.code or dialect not in op.code:
                raise UnsupportedError(f"activation {op.name} has no {dialect} code template")
            out[op.function] = op.code[dialect]
    return out


def logsumexp_helper(dialect: str, arity: int, decorator: str = "") -> str:
    """A shifted log-sum-exp of ``arity`` arguments, as a module-level function."""
    xs = [f"x{i}" for i in range(arity)]
    m = MODULE[dialect]
    if dialect == "math":
        top = f"max({', '.join(xs)})"
    else:
        top = xs[0]
        for x in xs[1:]:
            top = f"{m}.maximum({top}, {x})"
    terms = " + ".join(f"{m}.exp({x} - top)" for x in xs)
    head = [decorator] if decorator else []
    return "\n".join(head + [f"def _logsumexp{arity}({', '.join(xs)}):",
                             "    # log Σ e^x, shifted by the largest x so that exp never overflows",
                             f"    top = {top}",
                             f"    return top + {m}.log({terms})", ""])


def _printer_base(dialect: str) -> type:
    return PythonCodePrinter if dialect == "math" else NumPyPrinter


def make_printer(dialect: str, names: dict[sp.Basic, str]):
    """A code printer for ``dialect`` printing symbols as ``names`` says.

    Its ``arities`` set collects the log-sum-exp helpers the printed code needs.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; dialects: {', '.join(DIALECTS)}")
    base = _printer_base(dialect)
    table = templates(dialect)
    kinks = KINKS[dialect]
    module = MODULE[dialect]

    class Printer(base):  # type: ignore[misc, valid-type]
        arities: set[int]

        if dialect in ("jax", "torch"):  # numpy.exp -> jnp.exp / torch.exp
            _kf = {k: f"{module}.{v.split('.', 1)[1]}" for k, v in NumPyPrinter._kf.items()}
            _module = module

        def _print_Symbol(self, expr: sp.Symbol) -> str:
            return names[expr]

        def _argument(self, arg: sp.Basic) -> str:
            """``arg`` as one operand of a template (``0.5 * {0}``, ``-{0}``, ``{1} * {0}``):
            bracketed unless it prints as a name, a call or a non-negative number."""
            text = self._print(arg)
            plain = (arg.is_Symbol or isinstance(arg, sp.Function)
                     or ((arg.is_Integer or arg.is_Float) and arg >= 0))
            return text if plain else f"({text})"

        def _print_Function(self, expr: sp.Function) -> str:
            template = table.get(type(expr))
            if template is None:
                return super()._print_Function(expr)
            return template.format(*(self._argument(a) for a in expr.args))

        def _kink(self, expr: sp.Function, kind: str) -> str:
            arg, at0 = self._argument(expr.args[0]), expr.args[1]
            if kind == "step" and at0 in (0, 1):
                return kinks[f"step{int(at0)}"].format(arg)
            return kinks[kind].format(arg, self._print(sp.Float(at0)))

        def _print_Step(self, expr: Step) -> str:
            return self._kink(expr, "step")

        def _print_Sign(self, expr: Sign) -> str:
            return self._kink(expr, "sign")

        def _print_LogSumExp(self, expr: LogSumExp) -> str:
            self.arities.add(len(expr.args))
            return f"_logsumexp{len(expr.args)}({', '.join(self._print(a) for a in expr.args)})"

        def _print_Mul(self, expr: sp.Mul) -> str:
            # NumPy has no unary minus for a boolean mask: negate the whole product
            if dialect == "numpy" and expr.could_extract_minus_sign() and expr.has(Step):
                return f"-({self._print(-expr)})"
            return super()._print_Mul(expr)

        def _print_Abs(self, expr: sp.Abs) -> str:
            arg = self._print(expr.args[0])
            return f"abs({arg})" if dialect == "math" else f"{module}.abs({arg})"

        def _print_Exp1(self, expr) -> str:
            return f"{module}.e"

        def _print_not_supported(self, expr):
            raise UnsupportedError(f"no {dialect} printing rule for {type(expr).__name__}")

    settings = {"fully_qualified_modules": True, "allow_unknown_functions": False}
    printer = Printer(settings)
    printer.arities = set()
    return printer
