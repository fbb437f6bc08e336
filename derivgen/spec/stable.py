"""Numerically stable forms of the formulas users write with exp and log.

``log(1 + exp(x))`` overflows at x = 1000 and ``1/(1 + exp(-x))`` at
x = −1000, although both have finite values (1000 and 0) and finite
derivatives.  When a spec's formula is parsed, such patterns are rewritten,
bottom-up, into forms whose generated code is stable (softplus, σ and
log-sum-exp are shifted in :mod:`derivgen.ops.runtime`).  The idea is one:
a quantity whose logarithm has a stable form is handled in log space.

- Stable logarithms: log eᵘ = u, log c = log c for a number c > 0,
  log σ(u) = −softplus(−u), and so for products and powers of these;
  log of a sum of such terms is a log-sum-exp of their logs
  (log(1 + eᵘ) = softplus(u), log(eᵃ + eᵇ) = LSE(a, b)).
- A sum of such terms raised to a negative or fractional power is
  exp(k·LSE(…)); (1 + eᵘ)^(−k) is written σ(−u)^k.
- 1 − σ(u) is σ(−u) (no cancellation near 1).
- In a product, exp factors are one exp of the summed exponents
  (eᵃ·eᵇ = e^(a+b)); e^(−u)·σ(u) = σ(−u); an exp times a sum of exps and
  numbers is distributed, so e^(−x)(1 + eˣ) = e^(−x) + 1 and
  (eˣ − e^(−x))/(eˣ + e^(−x)) = e^(x − LSE) − e^(−x − LSE).

Every rewrite is an identity for real arguments, so values and derivatives do
not change, only how they are computed.  What stays unstable (e^(−eˣ) at
x = 1000, say) shows as an explicit non-finite result in ``check``.
"""
from __future__ import annotations

import math

import sympy as sp

from derivgen.ops.functions import LogSumExp, Sigmoid, Softplus

#: terms a power of a sum of exps may be written out into
MAX_SPREAD = 64


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
    if expr.is_Add:
        return _one_minus_sigmoid(expr)
    return expr


def stable_log(t: sp.Expr) -> sp.Expr | None:
    """log(t) in a form that does not overflow, when t is built of exp, σ and positive
    numbers by products, powers and sums; None otherwise."""
    if t.func is sp.exp:
        return t.args[0]
    if t.is_number:  # 2, E, pi, sqrt(2): a constant
        return sp.log(t) if t.is_positive else None
    if isinstance(t, Sigmoid):
        return -Softplus(-t.args[0])
    if t.is_Pow:
        inner = stable_log(t.base)
        return None if inner is None else t.exp * inner
    if t.is_Mul or t.is_Add:
        logs = [stable_log(a) for a in t.args]
        if any(v is None for v in logs):
            return None
        if t.is_Mul:
            return sp.Add(*logs)
        if len(logs) == 2 and 0 in logs:  # log(1 + eᵘ)
            return Softplus(logs[1] if logs[0] == 0 else logs[0])
        return LogSumExp(*logs)
    return None


def _log(u: sp.Expr) -> sp.Expr | None:
    whole = stable_log(u)
    if whole is not None:
        return whole
    if u.is_Mul:  # log(R·P) = log R + log P for the factors P with a stable log
        sure = [(f, stable_log(f)) for f in u.args]
        sure = [(f, v) for f, v in sure if v is not None]
        if sure:
            rest = sp.Mul(*(f for f in u.args if f not in {f for f, _ in sure}))
            return sp.Add(*(v for _, v in sure)) + sp.log(rest)
    return None


def _pow(e: sp.Pow) -> sp.Expr | None:
    base, k = e.args
    if not k.is_Number or (k.is_Integer and k > 0) or not (base.is_Add or isinstance(
            base, Sigmoid)):
        return None
    if base.is_Add and k < 0:  # (1 + eᵘ)^(−k) = σ(−u)^k
        exps = [t.args[0] for t in base.args if t.func is sp.exp]
        if len(exps) == 1 and len(base.args) == 2 and sp.Integer(1) in base.args:
            return Sigmoid(-exps[0]) ** (-k)
    inner = stable_log(base)  # σ(u)^(−1) = e^softplus(−u), (eᵃ + eᵇ)^(−1) = e^(−LSE(a, b))
    return None if inner is None else sp.exp(k * inner)


def _one_minus_sigmoid(e: sp.Add) -> sp.Expr:
    """c − c·σ(u) = c·σ(−u) inside a sum."""
    terms = list(e.args)
    for t in e.args:
        coeff, rest = t.as_coeff_Mul()
        if isinstance(rest, Sigmoid) and coeff < 0 and -coeff in terms and t in terms:
            terms.remove(t)
            terms.remove(-coeff)
            terms.append(-coeff * Sigmoid(-rest.args[0]))
    return sp.Add(*terms) if len(terms) != len(e.args) or terms != list(e.args) else e


def _mul(e: sp.Mul) -> sp.Expr:
    factors = list(e.args)
    exps = [f for f in factors if f.func is sp.exp]
    if not exps:
        return e
    others = [f for f in factors if f.func is not sp.exp]
    exponent = sp.Add(*(f.args[0] for f in exps))
    # e^(−w) σ(w) = σ(−w): absorb the exponent into sigmoid factors where it cancels
    for i, f in enumerate(list(others)):
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
    if exponent != 0:  # σ(w)^p·e^E = e^(E − p·softplus(−w)): tiny times huge is never 0·inf
        folded = [f for f in others if isinstance(f.base if f.is_Pow else f, Sigmoid)]
        exponent += sp.Add(*(stable_log(f) for f in folded))
        others = [f for f in others if f not in folded]
    others = [_expanded(f) for f in others]
    sums = [f for f in others if _exp_sum(f)]
    if sums:  # e^E (Σ cᵢ e^aᵢ + c) = Σ cᵢ e^(aᵢ + E) + c e^E
        total = sums[0]
        others.remove(total)
        spread = sp.Add(*(_times_exp(t, exponent) for t in total.args))
        return sp.Mul(*others) * spread
    return sp.Mul(*others) * sp.exp(exponent)


def _exp_sum(f: sp.Expr) -> bool:
    """A sum of multiples of numbers, exps and other terms with a stable log (σ), with
    at least one exp: each term times e^E is then one exp (see _times_exp)."""
    return f.is_Add and any(_exp_term(t) for t in f.args) and all(
        stable_log(t.as_coeff_Mul()[1]) is not None for t in f.args)


def _expanded(f: sp.Expr) -> sp.Expr:
    """(Σ cᵢ e^aᵢ)^n written out when that gives at most MAX_SPREAD terms, so that an exp
    factor beside it can be distributed: (eˣ − e⁻ˣ)²·e^(−2·LSE) stays finite."""
    if not (f.is_Pow and f.exp.is_Integer and f.exp > 1 and _exp_sum(f.base)):
        return f
    n, k = int(f.exp), len(f.base.args)
    if math.comb(n + k - 1, k - 1) > MAX_SPREAD:
        return f
    return sp.Add(*(_merge_exps(t) for t in sp.Add.make_args(sp.expand_multinomial(f))))


def _merge_exps(t: sp.Expr) -> sp.Expr:
    """c·e^a·e^b as c·e^(a+b)."""
    exps = [f for f in sp.Mul.make_args(t) if f.func is sp.exp]
    if len(exps) < 2:
        return t
    rest = [f for f in sp.Mul.make_args(t) if f.func is not sp.exp]
    return sp.Mul(*rest) * sp.exp(sp.Add(*(f.args[0] for f in exps)))


def _terms(x: sp.Expr) -> int:
    return 0 if x == 0 else len(sp.Add.make_args(x))


def _exp_term(t: sp.Expr) -> bool:
    coeff, rest = t.as_coeff_Mul()
    return coeff.is_Number and rest.func is sp.exp


def _times_exp(t: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """c·T·e^E as c·e^(log T + E), T an exp, a σ or a constant."""
    coeff, rest = t.as_coeff_Mul()
    if rest == 1:
        return coeff * sp.exp(exponent)
    return coeff * sp.exp(stable_log(rest) + exponent)
