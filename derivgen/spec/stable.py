"""Numerically stable forms of the formulas users write with exp and log.

``log(1 + exp(x))`` overflows at x = 1000 and ``1/(1 + exp(-x))`` at
x = −1000, although both have finite values (1000 and 0) and finite
derivatives.  When a spec's formula is parsed, such patterns are rewritten,
bottom-up, into the activations whose generated code is stable
(:mod:`derivgen.codegen.runtime`):

- log(1 + eᵘ) → softplus(u); log(e^a + e^b + …) → LogSumExp(a, b, …);
  log(c + eᵘ) → log c + softplus(u − log c) for a number c > 0;
- log(eᵘ) → u; log(σ(u)) → −softplus(−u); log(1 − σ(u)) → −softplus(u);
  log of a product or power splits off its exp and σ factors;
- (1 + eᵘ)^(−k) → σ(−u)^k; (e^a + e^b + …)^(−k) → exp(−k·LogSumExp(a, b, …));
- in a product, exp factors are one exp of the summed exponents
  (eᵃ·eᵇ → e^(a+b)); e^(−u)·σ(u) → σ(−u); an exp times a sum of exps and
  numbers is distributed, so e^(−x)(1 + eˣ) → e^(−x) + 1 and
  (eˣ − e^(−x))/(eˣ + e^(−x)) → e^(x − LSE) − e^(−x − LSE).

Every rewrite is an identity for real arguments, so values and derivatives do
not change, only how they are computed.  What stays unstable (e^(−eˣ) at
x = 1000, say) shows as an explicit non-finite result in ``check``.
"""
from __future__ import annotations

import sympy as sp

from derivgen.ops.functions import LogSumExp, Sigmoid, Softplus


def stabilize(expr: sp.Expr) -> sp.Expr:
    """``expr`` with the rewrites above applied bottom-up."""
    if expr.is_Atom:
        return expr
    args = tuple(stabilize(a) for a in expr.args)
    if args != expr.args:
        expr = expr.func(*args)
    if expr.func is sp.log:
        return _log(expr.args[0]) or expr
    if expr.is_Pow:
        return _pow(expr) or expr
    if expr.is_Mul:
        return _mul(expr)
    return expr


def _exp_terms(u: sp.Expr) -> tuple[list[sp.Expr], list[sp.Expr]] | None:
    """(exponents, other terms) of a sum whose exp terms have coefficient 1; None otherwise."""
    if not u.is_Add:
        return None
    exps = [t.args[0] for t in u.args if t.func is sp.exp]
    rest = [t for t in u.args if t.func is not sp.exp]
    return (exps, rest) if exps else None


def _log(u: sp.Expr) -> sp.Expr | None:
    if u.func is sp.exp:
        return u.args[0]
    if isinstance(u, Sigmoid):
        return -Softplus(-u.args[0])
    if u.is_Mul or (u.is_Pow and _positive(u.base)):
        factors = sp.Mul.make_args(u)
        sure = [f for f in factors if _positive(f.base if f.is_Pow else f)]
        if not sure:
            return None
        rest = sp.Mul(*(f for f in factors if f not in sure))
        logs = [f.exp * _log_positive(f.base) if f.is_Pow else _log_positive(f) for f in sure]
        return sp.Add(*logs) + (sp.log(rest) if rest != 1 else 0)
    split = _exp_terms(u)
    if split is not None:
        exps, rest = split
        if not rest:
            return LogSumExp(*exps) if len(exps) > 1 else exps[0]
        if len(rest) == 1 and rest[0].is_Number and rest[0] > 0:
            if len(exps) == 1 and rest[0] == 1:
                return Softplus(exps[0])
            if len(exps) == 1:
                c = rest[0]
                return sp.log(c) + Softplus(exps[0] - sp.log(c))
            return LogSumExp(sp.log(rest[0]), *exps)
        return None
    if u.is_Add and len(u.args) == 2 and sp.Integer(1) in u.args:
        other = u.args[0] if u.args[1] == 1 else u.args[1]
        if isinstance(-other, Sigmoid):  # 1 − σ(v) = σ(−v)
            return -Softplus((-other).args[0])
    return None


def _positive(f: sp.Expr) -> bool:
    """A factor known positive whose log has a stable form."""
    if f.func is sp.exp or isinstance(f, Sigmoid):
        return True
    split = _exp_terms(f)
    return split is not None and all(t.is_Number and t > 0 for t in split[1])


def _log_positive(f: sp.Expr) -> sp.Expr:
    return _log(f) or sp.log(f)


def _pow(e: sp.Pow) -> sp.Expr | None:
    base, k = e.args
    if not (k.is_Number and k < 0):
        return None
    split = _exp_terms(base)
    if split is None:
        return None
    exps, rest = split
    if len(exps) == 1 and rest == [sp.Integer(1)]:  # (1 + eᵘ)^(−k) = σ(−u)^k
        return Sigmoid(-exps[0]) ** (-k)
    if not rest:
        return sp.exp(k * LogSumExp(*exps)) if len(exps) > 1 else None
    if len(rest) == 1 and rest[0].is_Number and rest[0] > 0:
        return sp.exp(k * LogSumExp(sp.log(rest[0]), *exps))
    return None


def _mul(e: sp.Mul) -> sp.Expr:
    factors = list(e.args)
    exps = [f for f in factors if f.func is sp.exp]
    if not exps:
        return e
    others = [f for f in factors if f.func is not sp.exp]
    exponent = sp.Add(*(f.args[0] for f in exps))
    # e^(−w) σ(w) = σ(−w): absorb the exponent into sigmoid factors where it cancels
    for i, f in enumerate(others):
        base, power = (f.base, f.exp) if f.is_Pow else (f, sp.Integer(1))
        if not isinstance(base, Sigmoid) or not (power.is_Integer and power > 0):
            continue
        w = base.args[0]
        for _ in range(int(power)):
            reduced = exponent + w
            if _terms(reduced) >= _terms(exponent) + _terms(w):
                break
            exponent, power = reduced, power - 1
            others.append(Sigmoid(-w))
        others[i] = base ** power
    sums = [f for f in others if _exp_terms(f) is not None
            and all(t.is_Number or t.func is sp.exp or _neg_exp(t) for t in f.args)]
    if sums:  # e^E (Σ cᵢ e^aᵢ + c) = Σ cᵢ e^(aᵢ + E) + c e^E
        total = sums[0]
        others.remove(total)
        spread = sp.Add(*(_times_exp(t, exponent) for t in total.args))
        return sp.Mul(*others) * spread
    return sp.Mul(*others) * sp.exp(exponent)


def _terms(x: sp.Expr) -> int:
    return 0 if x == 0 else len(sp.Add.make_args(x))


def _neg_exp(t: sp.Expr) -> bool:
    coeff, rest = t.as_coeff_Mul()
    return coeff.is_Number and rest.func is sp.exp


def _times_exp(t: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    coeff, rest = t.as_coeff_Mul()
    if rest.func is sp.exp:
        return coeff * sp.exp(rest.args[0] + exponent)
    return t * sp.exp(exponent)
