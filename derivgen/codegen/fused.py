"""The compiled backend's source: the scalar derivation as one fused loop over samples.

Every node, adjoint and parameter gradient of the scalar form becomes one
statement on plain floats inside a loop over the samples of the batch; the
gradient accumulates in local variables, so nothing is allocated per sample.
numba compiles the module (``@njit(cache=True)``); :mod:`derivgen.codegen.cache`
keeps it on disk.  The module defines

- ``batch_pass(theta, x, y, rows, start, stop, full, want_grad, grad) -> loss``:
  the reduced loss over samples ``rows[start:stop]`` (all of x when ``full``),
  and with ``want_grad`` its gradient written into ``grad``;
- ``value_and_grad(params, x, y) -> (∂L/∂p_0, …, ∂L/∂p_{P-1}, L)`` and
  ``loss_only(params, x, y) -> L``: the same over all of x, parameters as a tuple of
  P floats.  A tuple in and a tuple out is the cheapest call numba has (no array to
  build or to read back); the caller compiles them for one fixed signature and calls
  the compiled entry point directly (:mod:`derivgen.model.backends`);
- ``train(theta, x, y, order, bounds, full, steps, lr, opt, mu, velocity, losses)
  -> diverged step or -1``: ``steps`` descent steps in one call, step k on the
  rows ``order[bounds[k]:bounds[k + 1]]`` (all of x when ``full``); opt 0 is
  plain descent, 1 the heavy ball with momentum ``mu``; ``losses[k]`` is the
  loss of step k's batch before its update.

Parameters are one float vector ``theta`` in the order the caller chose.
"""
from __future__ import annotations

import sympy as sp

from derivgen.codegen.dialects import logsumexp_helper, make_printer
from derivgen.codegen.scalar import forward_backward, identifiers
from derivgen.engine.reverse import Derivation

DECORATOR = "@numba.njit(cache=True, nogil=True, error_model='numpy')"
#: batch_pass is compiled for this one signature: every caller's constants (start 0,
#: want_grad True or False) would otherwise compile it again as literals, and it is
#: most of the module's compile time
PASS_SIGNATURE = ("float64(float64[::1], float64[:, :], float64[:, :], int64[::1], int64, "
                  "int64, boolean, boolean, float64[::1])")
PASS_DECORATOR = (f'@numba.njit("{PASS_SIGNATURE}", cache=True, nogil=True, '
                  "error_model='numpy')")

_ENTRIES = '''

{decorator}
def value_and_grad(params, x, y):
    theta = numpy.empty({size})
    for i in range({size}):
        theta[i] = params[i]
    grad = numpy.empty({size})
    loss = batch_pass(theta, x, y, numpy.empty(0, dtype=numpy.int64), 0, x.shape[0], True,
                      True, grad)
    return ({grads}loss)


{decorator}
def loss_only(params, x, y):
    theta = numpy.empty({size})
    for i in range({size}):
        theta[i] = params[i]
    return batch_pass(theta, x, y, numpy.empty(0, dtype=numpy.int64), 0, x.shape[0], True,
                      False, theta[:0])


{decorator}
def train(theta, x, y, order, bounds, full, steps, lr, opt, mu, velocity, losses):
    grad = numpy.empty(theta.shape[0])
    for k in range(steps):
        lo = 0 if full else bounds[k]
        hi = x.shape[0] if full else bounds[k + 1]
        loss = batch_pass(theta, x, y, order, lo, hi, full, True, grad)
        losses[k] = loss
        if not math.isfinite(loss):
            return k
        if opt == 1:
            for i in range(theta.shape[0]):
                velocity[i] = mu * velocity[i] + grad[i]
                theta[i] -= lr * velocity[i]
        else:
            for i in range(theta.shape[0]):
                theta[i] -= lr * grad[i]
    return -1
'''


def fused_source(derivation: Derivation, order: list[sp.Symbol]) -> str:
    """The numba module of ``derivation`` with parameters in ``order`` (see the docstring)."""
    head = ['"""derivgen compiled kernel (generated; do not edit)."""',
            "import math", "", "import numba", "import numpy", ""]
    text = "\n".join(head) + "\n" + batch_pass_source(derivation, order)
    grads = "".join(f"grad[{i}], " for i in range(len(order)))
    return text + _ENTRIES.format(decorator=DECORATOR, size=len(order), grads=grads)


def batch_pass_source(derivation: Derivation, order: list[sp.Symbol]) -> str:
    """``batch_pass`` and the helpers it calls, with parameters in ``order``: the body of
    the compiled module and of an exported numba module."""
    g = derivation.graph
    names: dict[sp.Basic, str] = identifiers(derivation)
    names.update({p: f"p_{i}" for i, p in enumerate(order)})  # every parameter is in order
    printer = make_printer("math", names)
    grads = [derivation.param_adjoints[p] for p in order]
    forward, backward = forward_backward(derivation, grads)
    for target, _ in forward + backward:
        names.setdefault(target, target.name)
    ind = " " * 8
    lines = [PASS_DECORATOR,
             "def batch_pass(theta, x, y, rows, start, stop, full, want_grad, grad):"]
    lines += [f"    p_{i} = theta[{i}]" for i in range(len(order))]
    lines += [f"    a_{i} = 0.0" for i in range(len(order))]
    lines += ["    total = 0.0", "    for t in range(start, stop):",
              "        n = t if full else rows[t]"]
    lines += [f"{ind}{names[s]} = x[n, {i}]" for i, s in enumerate(g.inputs)]
    lines += [f"{ind}{names[s]} = y[n, {i}]" for i, s in enumerate(g.targets)]
    lines += [f"{ind}{names[t]} = {printer.doprint(e)}" for t, e in forward]
    lines.append(f"{ind}total += {names[g.loss]}")
    lines.append(f"{ind}if want_grad:")
    lines += [f"{ind}    {names[t]} = {printer.doprint(e)}" for t, e in backward]
    lines += [f"{ind}    a_{i} += {printer.doprint(e)}" for i, e in enumerate(grads) if e != 0]
    scale = "1.0 / (stop - start)" if g.reduction == "mean" else "1.0"
    lines += [f"    scale = {scale}", "    if want_grad:"]
    lines += [f"        grad[{i}] = a_{i} * scale" for i in range(len(order))]
    lines.append("    return total * scale")
    helpers = [logsumexp_helper("math", k, DECORATOR) for k in sorted(printer.arities)]
    return "\n".join(helpers + lines) + "\n"
