"""Layer letters in superscripts: Nielsen's BP1-BP4 are written for a generic layer l.

``\\delta^l = ((w^{l+1})^T \\delta^{l+1}) \\odot \\sigma'(z^l)`` holds for every layer l;
once the front matter declares the names of each layer (``w^3``, ``\\delta^2_1``, ``z^2``)
the statement is judged for every value of l that turns all of its names into declared
ones.  ``L`` takes the value the front matter gives it (``where: {L: '3'}``).
"""
from __future__ import annotations

import re
from typing import Callable

from derivgen.judge.audit.verdicts import NOT_JUDGEABLE, OK, WRONG, Verdict

#: a superscript that is a letter, or a letter plus or minus a whole number
_SUP = re.compile(r"\^\s*(?:\{\s*([A-Za-z])\s*(?:([+-])\s*(\d+))?\s*\}|([A-Za-z])(?![A-Za-z]))")


def layer_letters(part, texts: list[str]) -> dict[str, tuple[int, ...]]:
    """Superscript letters that stand for a layer, and the values each may take: a number
    the front matter binds it to, or 1-9 when declared names carry digit superscripts."""
    declared_sups = {key.sup for key in _declared(part)}
    digits = any(s.strip("()[]{}").isdigit() for s in declared_sups)
    out: dict[str, tuple[int, ...]] = {}
    for text in texts:
        for m in _SUP.finditer(text):
            letter = m.group(1) or m.group(4)
            bound = part.mapper.where_text.get(letter, "")
            if bound.strip().isdigit():
                out[letter] = (int(bound),)
            elif letter.islower() and letter != "e" and digits and \
                    letter != part.mapper.sample.name and letter not in part.mapper.by_name \
                    and letter not in part.mapper.where_text:
                out.setdefault(letter, tuple(range(1, 10)))
    return out


def _declared(part):
    from derivgen.judge.audit.notation import NameParts
    return [NameParts(*key) for key in part.notation.aliases]


def substitute(text: str, values: dict[str, int]) -> str:
    """The superscripts with their letters given values: w^{l+1} with l = 2 is w^{3}."""
    def repl(m: re.Match) -> str:
        letter = m.group(1) or m.group(4)
        if letter not in values:
            return m.group()
        value = values[letter]
        if m.group(2):
            value = value + int(m.group(3)) if m.group(2) == "+" else value - int(m.group(3))
        return f"^{{{value}}}"
    return _SUP.sub(repl, text)


def judge_layers(part, left: str, right: str, judge: Callable[[str, str], Verdict]
                 ) -> Verdict | None:
    """The link judged for every value of its layer letters; None when it has none."""
    letters = layer_letters(part, [left, right])
    if not letters:
        return None
    import itertools
    combos = [dict(zip(letters, c)) for c in itertools.product(*letters.values())][:50]
    first: Verdict | None = None
    judged: list[dict] = []
    for combo in combos:
        verdict = judge(substitute(left, combo), substitute(right, combo))
        if verdict.verdict == WRONG:
            at = ", ".join(f"{k} = {v}" for k, v in combo.items())
            verdict.message = f"for {at}: {verdict.message}"
            return verdict
        if verdict.verdict == OK:
            judged.append(combo)
        elif first is None:
            first = verdict
    if judged:
        values = ", ".join(f"{k} = {sorted({c[k] for c in judged})}" for k in letters)
        return Verdict(OK, f"holds for {values} (every layer the front matter names)",
                       "formula")
    return first or Verdict(NOT_JUDGEABLE, "no value of the layer letters names declared "
                            "symbols", "formula")
