"""One budget for everything a spec, a values file or a document's LaTeX can make derivgen do.

Every limit that protects derivgen from hostile or extreme input lives here, so
that the readers (YAML, formulas, LaTeX, command-line values) apply the same
numbers and a reviewer can see them in one place.  The readers check them
*while* reading, before anything expensive happens; a refusal is a
:class:`~derivgen.errors.SpecError` or :class:`~derivgen.errors.ReferenceParseError`
with a position, which the CLI turns into exit code 2.

Layer 0: this module imports nothing from derivgen.
"""
from __future__ import annotations

import contextlib
import math
import sys
from typing import Any, Iterator

# ---- files and YAML ----
#: bytes of a spec or a --values file
MAX_FILE_BYTES = 1 << 20
#: YAML nodes (scalars, lists, mappings) in one file: a spec needs a few hundred
MAX_YAML_NODES = 20_000
#: nesting of YAML lists and mappings
MAX_YAML_DEPTH = 40
#: digits of a number, in YAML, in a formula, in LaTeX or on the command line
MAX_DIGITS = 100

# ---- formulas in specs (model equations, custom activations) ----
#: characters of one formula
MAX_FORMULA_CHARS = 10_000
#: nesting of calls, powers and brackets in one formula
MAX_FORMULA_DEPTH = 60
#: |exponent| of a power with a numeric exponent
MAX_EXPONENT = 64
#: bits of a power of two numbers (9**9**9 would have billions of digits)
MAX_POWER_BITS = 4096
#: largest magnitude of a number that evaluation in float64 must be able to hold
MAX_MAGNITUDE = 1e300

# ---- reference LaTeX of documents ----
#: characters of one reference formula
MAX_LATEX_CHARS = 5000
#: depth of the parse tree walked recursively (well clear of Python's recursion limit)
MAX_LATEX_DEPTH = 250
#: combinations of index values one reference entry is judged for (``each:``)
MAX_EACH_COMBINATIONS = 2000
#: entries of one ``reference.formulas``, ``claims`` or ``where`` section
MAX_ENTRIES = 2000

# ---- networks ----
#: units of one layer, and inputs
MAX_UNITS = 4096
#: dense layers of one network (matrix form nests one expression per layer)
MAX_LAYERS = 256
#: dense layers in scalar form, whose derivation prints every chain of partials:
#: its size grows with the square of the depth (64 layers: 0.9 MB of Markdown)
MAX_SCALAR_LAYERS = 64
#: Python frames the printers may use for the deepest allowed network (MAX_LAYERS)
RECURSION_ROOM = 20_000
#: parameters of a network in scalar form (one symbol each)
MAX_SCALAR_PARAMETERS = 20_000
#: parameters of a network in matrix form (float64 arrays, 40 MB; checks copy one at a time)
MAX_MATRIX_PARAMETERS = 5_000_000

# ---- output ----
#: longest expanded formula (in operations, as sympy.count_ops counts) a derivation shows
EXPANDED_MAX_OPS = 40
#: characters of a user's value quoted back in a message
MAX_ECHO = 40
#: parameters a full per-parameter listing (`derive --full`) may have: its text grows
#: with every parameter's chain (2,000 take seconds; 1-139-139-1's 19,878 took minutes
#: and 18 MB), and the compact form says the same for any size
MAX_FULL_LISTING = 2000


def clip(text: Any, limit: int = MAX_ECHO) -> str:
    """``repr``-free short form of a user's value for messages: never the whole of a huge one."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 10]}…({len(text)} characters)"


def digits(text: str) -> int:
    """How many digits a number's text has (letters count too: 0xff, 1e5)."""
    return sum(ch.isalnum() for ch in text)


def within_size(expr: Any, limit: int) -> bool:
    """True when the tree of ``expr`` (every path counted, as printers and
    ``sympy.count_ops`` walk it) has at most ``limit`` nodes.

    Stops after ``limit + 1`` nodes, so it costs O(limit) however large a
    shared (DAG) expression would be when written out.
    """
    count, stack = 0, [expr]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            return False
        stack.extend(getattr(node, "args", ()))
    return True


def ops_at_most(expr: Any, limit: int) -> bool:
    """``sympy.count_ops(expr) <= limit``, without counting a huge expression.

    An expression whose tree has more than ``10 * limit + 10`` nodes counts as
    longer without being counted: in the vocabulary derivgen prints, an
    operation (a + b, a·b, −a, 1/a, a², f(a)) takes about three nodes, so
    only the cost changes, not the answer.
    """
    if not within_size(expr, 10 * limit + 10):
        return False
    import sympy
    return sympy.count_ops(expr) <= limit


def _log2(value: Any) -> float:
    """log2 of a positive SymPy number of any size, without converting it to a float."""
    if value.is_Integer:
        return math.log2(int(value))
    if value.is_Rational:
        return math.log2(int(value.p)) - math.log2(int(value.q))
    return math.log2(float(value))


def power_problem(base: Any, exponent: Any, bits: float = MAX_POWER_BITS) -> str | None:
    """Why SymPy must not compute ``base ** exponent`` (SymPy numbers), or None.

    9**9**9 would have billions of digits and 10**-100000000 as many; a numeric
    exponent is limited to ±MAX_EXPONENT and a power of two numbers to ``bits``
    bits either way.
    """
    if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
        return f"exponents are limited to -{MAX_EXPONENT}..{MAX_EXPONENT}"
    if base.is_Number and exponent.is_Number and base != 0 and (
            float(abs(exponent)) * abs(_log2(abs(base))) > bits):
        return "this power is too large"
    return None


def out_of_range(numbers: Any) -> Any:
    """The first SymPy number that float64 cannot hold (beyond ±MAX_MAGNITUDE, or a
    non-zero below 1/MAX_MAGNITUDE), or None."""
    for n in numbers:
        size = abs(n)
        if size > MAX_MAGNITUDE or (size != 0 and size < 1 / MAX_MAGNITUDE):
            return n
    return None


@contextlib.contextmanager
def recursion_room(frames: int = RECURSION_ROOM) -> Iterator[None]:
    """Let SymPy's recursive printers nest as deep as the deepest allowed network needs
    (a 256-layer matrix form nests each gradient 256 products deep); restored after."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, frames))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
