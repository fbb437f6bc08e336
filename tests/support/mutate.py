"""Mutations for the fuzz suite: spec texts (YAML) and reference formulas (LaTeX).

Every mutation is a function of a ``random.Random``, so a failing case is
reproduced by its seed.  The hostile values are the kinds of input issue 12
found: code-execution payloads, resource bombs, numeric extremes, odd
characters, wrong types.
"""
from __future__ import annotations

import random
import re
from typing import Callable

#: values put where a spec has a scalar (YAML text, inserted as is)
HOSTILE_VALUES = [
    "9" * 4301, "1e400", "-1e400", ".nan", ".inf", "-.inf", "0", "-1", "1e-400", "2.5",
    "99999999999999999999", "null", "true", "[]", "{}", "[1, 2]", "{a: 1}", "''",
    "'" + "x" * 5000 + "'", "!!python/object/apply:os.system ['touch PWNED']",
    "!!python/name:os.system", "&a 1", "*a", "'../../escaped'", "'/tmp/abs'",
    "\"line\\nbreak\"", "'\U0001F642'", "'\u2202'", "'\u0177'", "'Привет'", "'# h <script>'",
    "'exp(exp(exp(exp(exp(x)))))'", "'9**9**9'", "'log(1 + exp(x))'", "'1/(1 + exp(-x))'",
    "'exp(x)*exp(-x)'", "'sin(10**20)*x'", "'sigmoid(99999999999999999999)*x'",
    "'__import__(\"os\")'", "'x.__class__'", "'(lambda: 1)()'", "'x' ", "abc",
    "'" + "(" * 300 + "x" + ")" * 300 + "'", "'" + "-" * 300 + "x'",
    "'y_1'''", "'y_{a}^{2}'", "'y_\\alpha'", "'\\bm{y}'", "'\\input{/etc/passwd}'",
    "'\\write18{touch PWNED}'", "'9^{9^{9}}'", "'10^{-100000000}'", "'10^{1000}'",
    "'2^{2^{2^{2^{2}}}}'", "parameters", "'{l}{k}'", "'w_{q}'", "'w_{0.__class__}'",
    "[" * 60 + "]" * 60, "{i: abc}", "{i: 5}", "{i: null}", "[" + ", ".join(["1"] * 3000) + "]",
]

#: keys put into a mapping of a spec (with one of the values above)
HOSTILE_KEYS = ["bogus", "<<", "domain", "each", "continues", "tolerance", "functions",
                "where", "claims", "notation", "symbols", "alpha", "l2", "form", "layout",
                "names", "example", "values", "name", "inputs", "units", "'\u2202'"]

#: bits of LaTeX put into reference formulas
LATEX_SNIPPETS = [
    r"\frac{", "}", "{", r"\partial", r"\sum_{n=1}^{N}", "^{2}", "_{n}", r"\cdot", r"\odot",
    r"\left(", r"\right)", "|", r"\begin{cases}", r"\end{cases}", r"\\", "&", "=", ":=",
    r"\leftarrow", r"\Rightarrow", "9^{9^{9}}", "10^{-100000000}", "10^{1000}",
    "2^{2^{2^{2^{2}}}}", "1" * 150, r"\input{x}", r"\write18{x}", r"\def\x{}", r"\bm{y}",
    r"\gt", "e^{1000}", r"\log(0)", r"\frac{1}{0}", r"\sqrt{-1}", r"\hat{\hat{y}}",
    "x_12", r"\text{a#b}", r"\mathbf{W}^T", r"\max(0, z)", r"\sigma'(z)", "(" * 300,
    ")" * 300, r"\frac{\partial L}{\partial w_1}", "y'", r"\nabla_{W} L", r"\tanh",
]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def swap_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


_SCALAR = re.compile(r"(:\s+)([^\s{\[][^,}\]\n]*)")


def replace_value(text: str, rng: random.Random) -> str:
    """A scalar value after "key: " becomes a hostile one."""
    spots = list(_SCALAR.finditer(text))
    if not spots:
        return text
    m = rng.choice(spots)
    return text[:m.start(2)] + rng.choice(HOSTILE_VALUES) + text[m.end(2):]


def insert_key(text: str, rng: random.Random) -> str:
    """A hostile key: value line at some indentation of an existing line."""
    lines = _lines(text)
    i = rng.randrange(len(lines))
    indent = len(lines[i]) - len(lines[i].lstrip(" "))
    lines.insert(i, " " * indent + f"{rng.choice(HOSTILE_KEYS)}: {rng.choice(HOSTILE_VALUES)}")
    return "\n".join(lines)


def flip_chars(text: str, rng: random.Random) -> str:
    """A few characters replaced, inserted or deleted."""
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.4 and i < len(chars):
            chars[i] = rng.choice("{}[]:,-'\"\\#&*!|>%@`\t\n 0123456789xyz_^()")
        elif op < 0.7:
            chars.insert(i, rng.choice("{}[]:,-'\"\\#&*!\u2202\u00ff\x00\t\n"))
        elif i < len(chars):
            del chars[i]
    return "".join(chars)


def truncate(text: str, rng: random.Random) -> str:
    return text[:rng.randrange(len(text) + 1)]


def mutate_latex_value(text: str, rng: random.Random) -> str:
    """One quoted LaTeX value of the spec mutated as a formula."""
    spots = list(re.finditer(r"latex: '((?:[^']|'')*)'", text))
    if not spots:
        return flip_chars(text, rng)
    m = rng.choice(spots)
    mutated = mutate_latex(m.group(1).replace("''", "'"), rng).replace("'", "''")
    return text[:m.start(1)] + mutated + text[m.end(1):]


SPEC_MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "delete_line": delete_line, "duplicate_line": duplicate_line, "swap_lines": swap_lines,
    "hostile_value": replace_value, "hostile_key": insert_key, "flip_chars": flip_chars,
    "truncate": truncate, "latex": mutate_latex_value,
}


def mutate_spec(text: str, rng: random.Random) -> tuple[str, str]:
    """(mutation name(s), mutated text): one to three mutations in a row."""
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        name = rng.choice(sorted(SPEC_MUTATIONS))
        text = SPEC_MUTATIONS[name](text, rng) if text else text
        names.append(name)
    return "+".join(names), text


_LATEX_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_()\[\]|&=+\-*/,']|[A-Za-z]+|\d+|\s+|.", re.S)


def mutate_latex(text: str, rng: random.Random) -> str:
    """Token-level mutations of a formula: delete, duplicate, swap, insert a snippet."""
    tokens = _LATEX_TOKEN.findall(text) or [""]
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        i = rng.randrange(len(tokens))
        if op < 0.25 and len(tokens) > 1:
            del tokens[i]
        elif op < 0.45:
            tokens.insert(i, tokens[rng.randrange(len(tokens))])
        elif op < 0.6:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:
            tokens.insert(i, rng.choice(LATEX_SNIPPETS))
    return "".join(tokens)
