"""Names for the reference-formula builder: letters, subscripts, primes, accents.

A run of letters is one name only when the caller declares it (``names=``) or it
is a known function; two letters side by side are a product, as in TeX
(``xw_{11}`` is x·w₁₁), and a longer run that nobody declared is refused with a
message saying how to declare it: ``net_{h1}`` is never silently n·e·t_{h1}.
"""
from __future__ import annotations

import re
from dataclasses import replace

import sympy
from lark import Token, Tree

from derivgen.reader.tree import ONES, Name as _Name, fail, is_tree as _is

#: the longest run of letters still read as a product of single letters (TeX's xw)
PRODUCT_RUN = 2


class Names:
    """Mixin of :class:`derivgen.reader.build.Builder`: names and their decorations."""

    def piece(self, tok: Token) -> str:
        """The text one token contributes to a name."""
        text = {"GREEK": tok[1:], "SUB1": tok[-1], "SUP1": tok[-1]}.get(tok.type, str(tok))
        if tok.type == "TEXT":
            text = tok[tok.index("{") + 1:-1].strip()
        if tok.type == "TEXT" and not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text) \
                or tok.type == "NUMBER" and "." in tok or tok == ";":
            raise self.fail(f"unsupported {text!r} in a name", tok)
        return text

    def name(self, tree: Tree) -> _Name:
        head, *decor = tree.children
        if isinstance(head, Token):
            nm = _Name(self.piece(head), head.start_pos, word=head.type == "WORD")
        elif head.data == "hat":
            kind, arg = head.children
            if _is(arg, "name") and _is(arg.children[0], "hat"):
                raise self.fail("nested accents are not supported", arg)
            inner = self.name(arg) if _is(arg, "name") else _Name(self.piece(arg), arg.start_pos)
            nm = replace(inner, core=inner.core + ("hat" if "hat" in kind else ""), word=False)
        else:  # bold keeps all its letters in one name: \mathbf{o1} is "o1"
            subs = [self.sub(c) for c in head.children if isinstance(c, Tree)]
            text = "".join(self.piece(c) for c in head.children if isinstance(c, Token))
            nm = _Name(text, head.meta.start_pos, parts=subs[0] if subs else ())
        for d in decor:
            if nm.parts and isinstance(d, Tree):
                raise self.fail("double subscript", d)
            nm = replace(nm, parts=self.sub(d)) if isinstance(d, Tree) else \
                replace(nm, primes=nm.primes + 1)
        return nm

    def sub(self, tree: Tree) -> tuple[str, ...]:
        parts = tuple("".join("," if t == "," else self.piece(t) for t in tree.children).split(","))
        if "" in parts:
            raise self.fail("empty part in a subscript", tree)
        return parts

    def declared(self, nm: _Name) -> bool:
        """Whether a run of letters is one name: declared by the caller, or a function."""
        # no union of the two sets: the caller's names can be thousands, read per word
        return any(t in self.names or t in self.functions
                   for t in (nm.core, nm.text(primes=False), nm.text()))

    def split(self, nm: _Name) -> tuple[list[sympy.Expr], _Name]:
        """A run of letters: one declared name, or single-letter factors with the
        decorations on the last; a declared name may end the run (x net_{h1})."""
        if not nm.word or len(nm.core) == 1:
            return [], nm
        if self.declared(nm):
            return [], replace(nm, word=False)
        for cut in range(1, len(nm.core) - 1):
            tail = replace(nm, core=nm.core[cut:], word=False)
            if self.declared(tail) and cut <= PRODUCT_RUN:
                return [self.sym(ch) for ch in nm.core[:cut]], tail
        if len(nm.core) > PRODUCT_RUN:
            shown = nm.text(primes=False)
            where = f" (in {shown})" if shown != nm.core else ""
            raise fail(f"'{nm.core}'{where} is not a known name: a name of several "
                       f"letters is read as one only when it is declared (reference: where: "
                       f"{{{shown}: ...}}, or names= when parsing); a product of single "
                       f"letters is written with spaces ({' '.join(nm.core)})",
                       self.src, nm.pos)
        return [self.sym(ch) for ch in nm.core[:-1]], replace(nm, core=nm.core[-1])

    def factors(self, nm: _Name) -> list[sympy.Expr]:
        if nm.core.isdigit():  # \mathbf{1}
            if nm.parts or nm.primes:
                raise fail("a number cannot carry a subscript or prime", self.src, nm.pos)
            return [ONES if self.matrices and nm.core == "1" else sympy.Integer(nm.core)]
        head, nm = self.split(nm)
        kronecker = self.kronecker(nm)
        if kronecker is not None:
            return [*head, kronecker]
        if nm.text() in self.matrices:
            return [*head, self.sym(nm.text())]
        if nm.parts and nm.parts[-1] in self.indices:
            base = sympy.IndexedBase(nm.text(nm.parts[:-1]))
            return [*head, base[sympy.Symbol(nm.parts[-1], integer=True)]]
        sample = self.indices[0]
        if len(nm.parts) > 1 and nm.parts[0] == sample:  # x_{n,1}: feature 1 of sample n
            return [*head, self.per_sample(nm, nm.parts[1:])]
        if len(nm.parts) == 1 and len(nm.parts[0]) > 1:  # x_{n1}, x_{1n}
            part = nm.parts[0]
            if part[0] == sample and not nm.primes:
                return [*head, self.per_sample(nm, (part[1:],))]
            if part[-1] == sample and part[:-1].isdigit() and not nm.primes:
                return [*head, self.per_sample(nm, (part[:-1],))]
        return [*head, self.sym(nm.text())]

    def per_sample(self, nm: _Name, rest: tuple[str, ...]) -> sympy.Expr:
        base = sympy.IndexedBase(nm.text(rest))
        return base[sympy.Symbol(self.indices[0], integer=True)]

    def kronecker(self, nm: _Name) -> sympy.Expr | None:
        """\\delta_{kj} (or \\delta_{k,j}) of two index letters, or of the index of an
        enclosing sum and a number (\\sum_k y_k \\delta_{k1}): the Kronecker delta, unless
        the caller declares delta_kj as a name (an error signal δ of unit kj)."""
        if nm.core != "delta" or nm.primes or nm.word or self.declared(nm):
            return None
        letters = nm.parts if len(nm.parts) == 2 else tuple(nm.parts[0]) if \
            len(nm.parts) == 1 else ()
        if len(letters) != 2 or not all(len(a) == 1 and a.isalnum() for a in letters):
            return None
        bound = any(a in self.indices[1:] for a in letters)
        if not (all(a.isalpha() for a in letters) or bound):
            return None
        a, b = (sympy.Integer(x) if x.isdigit() else sympy.Symbol(x, integer=True)
                for x in letters)
        return sympy.KroneckerDelta(a, b)

    def single_name(self, tree: object) -> str | None:
        """The name a name/call tree stands for; None for a product of letters."""
        if not _is(tree, "name", "call"):
            return None
        nm = self.name(tree.children[0] if tree.data == "call" else tree)  # type: ignore
        whole = tree.data == "call" and nm.text(primes=False) in self.functions  # type: ignore
        if whole:
            return nm.text()
        head, rest = self.split(nm)
        return None if head else rest.text()
