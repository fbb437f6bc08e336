"""SymPy functions for the activations and kinks derivgen knows.

They stay unevaluated on symbols so that derivations keep the documents'
vocabulary (σ(z), ReLU(z), [z > 0]); their derivatives live in
:mod:`derivgen.rules`, their printing in :mod:`derivgen.codegen` and the
renderer.  None of them defines ``fdiff``: derivgen never lets ``sympy.diff``
choose a value at a kink.
"""
from __future__ import annotations

import sympy as sp


class _Elementwise(sp.Function):
    """An elementwise function; evaluates on numbers so tests can compare values."""

    nargs = 1

    @classmethod
    def eval(cls, x):  # noqa: D102 - SymPy hook
        if x.is_Number:
            return cls._value(x)
        return None

    @staticmethod
    def _value(x):  # pragma: no cover - overridden
        raise NotImplementedError

    def fdiff(self, argindex=1):
        from derivgen.errors import UnsupportedError
        raise UnsupportedError(f"{self.func.__name__} is differentiated by derivgen.rules only")


class Sigmoid(_Elementwise):
    """σ(x) = 1 / (1 + e^{-x})."""

    @staticmethod
    def _value(x):
        return 1 / (1 + sp.exp(-x))


class Relu(_Elementwise):
    """max(0, x)."""

    @staticmethod
    def _value(x):
        return x if x > 0 else sp.Integer(0)


class Softplus(_Elementwise):
    """log(1 + e^{x})."""

    @staticmethod
    def _value(x):
        return sp.log(1 + sp.exp(x))


class LeakyRelu(sp.Function):
    """x for x > 0, α·x otherwise; ``LeakyRelu(x, alpha)``."""

    nargs = 2

    @classmethod
    def eval(cls, x, alpha):  # noqa: D102
        if x.is_Number and alpha.is_Number:
            return x if x > 0 else alpha * x
        return None

    def fdiff(self, argindex=1):
        from derivgen.errors import UnsupportedError
        raise UnsupportedError("LeakyRelu is differentiated by derivgen.rules only")


class _Kink(sp.Function):
    """A piecewise-constant function with an explicit value ``at0`` at x = 0."""

    nargs = 2
    left: int = 0

    @classmethod
    def eval(cls, x, at0):  # noqa: D102
        if x.is_Number:
            if x > 0:
                return sp.Integer(1)
            if x < 0:
                return sp.Integer(cls.left)
            return at0
        return None

    def fdiff(self, argindex=1):
        from derivgen.errors import UnsupportedError
        raise UnsupportedError(f"{self.func.__name__} is differentiated by derivgen.rules only")


class Step(_Kink):
    """The indicator [x > 0] with an explicit value ``at0`` at x = 0.

    ``Step(x, 0)`` is ReLU'(x) under the torch/JAX convention, ``Step(x, 1)``
    the other common choice.  Unlike ``Heaviside`` it never yields 1/2.
    """

    left = 0


class Sign(_Kink):
    """sign(x) with an explicit value ``at0`` at x = 0 (the subgradient of |x|)."""

    left = -1


class LogSumExp(sp.Function):
    """log Σ_k e^{x_k}, kept whole so that generated code can shift it."""

    @classmethod
    def eval(cls, *args):  # noqa: D102
        if len(args) == 1:
            return args[0]
        return None

    def fdiff(self, argindex=1):
        from derivgen.errors import UnsupportedError
        raise UnsupportedError("LogSumExp is differentiated by derivgen.rules only")



def as_expr(value: object) -> sp.Basic:
    """A SymPy object from one derivgen built or a plain int/float; never parses text."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a SymPy expression or a number, got {type(value).__name__}")
    return sp.Integer(value) if isinstance(value, int) else sp.Float(value)
