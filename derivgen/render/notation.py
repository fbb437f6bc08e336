"""The symbol table of one model under one notation profile, and document order.

:class:`Notation` knows how every engine symbol prints (z_{1,n}, \\hat{y}_{0,1},
h_θ(x_i)), which function name each activation gets where (σ_h, a, ReLU), and
*arranges* expressions before printing: rebuilt unevaluated, factors and terms
in the order a person writes them (r first, then parameters, then g, then x;
bias first or last as the document does), then printed with ``order='none'``.
"""
from __future__ import annotations


import sympy as sp

from derivgen.ops.functions import as_expr, LeakyRelu, LogSumExp, Relu, Step
from derivgen.render.latex import (ACTIVATION_KEYS, FUNCTION_NAMES, LeakyPrime, NotationPrinter, SymbolLatex,
                    head_latex, name_latex, split_name, subscript)
from derivgen.render.profiles import Call, Profile
from derivgen.engine.protocol import GradientModel



class Notation:
    """The symbol table of one model under one profile, and the arranging of expressions."""

    def __init__(self, model: GradientModel, profile: Profile) -> None:
        self.model, self.profile, self.graph = model, profile, model.graph
        g = self.graph
        self.per_sample = g.reduction != "single"
        self.sample = profile.sample_index if self.per_sample else None
        order = [*g.inputs, *g.targets, *g.nodes]
        self.position = {s: i for i, s in enumerate(order)}
        self.rank: dict[sp.Symbol, float] = {s: -1.0 for s in g.inputs}
        self.rank.update({s: float(i) for i, s in enumerate(g.nodes)})
        for s, n in g.nodes.items():  # a target sits with its residual: y_c log p_c, ŷ − y
            if n.role == "residual":
                self.rank.update({t: self.rank[s] for t in n.expr.free_symbols if t in g.targets})
        #: symbol -> the first node (in graph order) whose equation reads it; one walk
        #: over the nodes, not one per parameter (that was quadratic: minutes at 1-139-139-1)
        self.first_reader: dict[sp.Symbol, sp.Symbol] = {}
        for s, n in g.nodes.items():
            for t in n.expr.free_symbols:
                self.first_reader.setdefault(t, s)
        for p in g.params:  # a parameter sits where the first equation reading it sits
            reader = self.first_reader.get(p)
            self.rank[p] = self.rank[reader] if reader is not None else -1.0
        self.table = self._symbols()
        slopes = {f.args[1] for n in g.nodes.values() for f in n.expr.atoms(LeakyRelu)}
        #: the one slope of every leaky ReLU, stated once in the notes (None: they differ)
        self.alpha = next(iter(slopes)) if len(slopes) == 1 else None
        self._expansions: dict[sp.Symbol, sp.Expr] = {}
        #: arranged expansion → the node it expands (for names of functions of it)
        self.origin: dict[sp.Expr, sp.Symbol] = {}
        self.layer_kind, self.step_owner = self._functions()

    def layer_of(self, p: sp.Symbol) -> int | None:
        """The layer of the first equation that reads ``p`` (None: nothing reads it)."""
        reader = self.first_reader.get(p)
        return self.graph.nodes[reader].layer if reader is not None else None

    # ---- symbols ----
    def _symbols(self) -> dict[sp.Symbol, SymbolLatex]:
        g, prof = self.graph, self.profile
        names = getattr(self.model.spec.network, "names", None)
        table: dict[sp.Symbol, SymbolLatex] = {}
        for s in (*g.params, *g.inputs, *g.targets, *g.nodes):
            data = s not in g.params
            override = prof.symbols.get(s.name)
            if isinstance(override, Call):
                table[s] = SymbolLatex(override.name, (), data, call=override.name)
                continue
            if override is not None:
                table[s] = SymbolLatex.parse(override, data)
                continue
            head, parts = split_name(s.name)
            node = g.nodes.get(s)
            if prof.layer_parts and names and node is not None and node.layer is not None:
                parts = (str(node.layer + names.layer_base), str(node.unit + names.unit_base))
            table[s] = SymbolLatex(prof.heads.get(head, head_latex(head)), parts, data)
        return table

    def symbol(self, s: sp.Symbol, sample: bool = True, label: str | None = None) -> str:
        """A symbol's LaTeX; ``sample`` adds the per-sample index to data (z_{1,n}), or
        ``label``, one sample's number (z_{1,2})."""
        entry = self.table.get(s)
        if entry is None:
            return name_latex(s.name)
        index = (label or self.sample,) if sample and entry.data and self.sample else ()
        if entry.call is not None:
            args = ", ".join(self.symbol(x, sample, label) for x in self.graph.inputs)
            return entry.call + r"\left(" + args + r"\right)"
        return subscript(entry.base, entry.parts + index) + entry.sup

    def loss_symbol(self) -> str:
        """The total loss (𝓛, J, Loss): the profile's, else the loss node's."""
        return self.profile.loss or self.symbol(self.graph.loss, sample=False)

    def loss_of(self, sample: bool = True, label: str | None = None) -> str:
        """L_n (or one sample's L_2, with ``label``) under a sum or mean when ``sample``,
        else the total loss's symbol (𝓛, J, Loss)."""
        if sample and self.per_sample:
            return self.symbol(self.graph.loss, True, label)
        return self.loss_symbol()

    def loss_partial(self, of: sp.Symbol, wrt: sp.Symbol, sample: bool = True,
                     label: str | None = None) -> str:
        """∂of/∂wrt with the loss written as :meth:`loss_of` says."""
        top = self.loss_of(sample, label) if of == self.graph.loss else of
        return self.partial(top, wrt, sample, label)

    # ---- what each symbol stands for ----
    def meanings(self) -> dict[str, dict[object, str]]:
        """Every symbol the document prints → {the thing it stands for: what kind of thing}.

        Kinds: parameter, input, target, node, loss, learning_rate, leaky_slope,
        sample_index, sample_count, function.  A symbol standing for two things is a
        clash (seed 004 writes α for the learning rate and for the LeakyReLU slope).
        """
        g, out = self.graph, {}

        def add(latex: str, thing: object, kind: str) -> None:
            out.setdefault(latex, {}).setdefault(thing, kind)

        for kind, group in (("parameter", g.params), ("input", g.inputs),
                            ("target", g.targets)):
            for s in group:
                add(self.symbol(s, False), s, kind)
        for s, node in g.nodes.items():
            add(self.symbol(s, False), s, "loss" if node.role == "loss" else "node")
        add(self.loss_symbol(), g.loss, "loss")
        add(self.profile.learning_rate, "learning rate", "learning_rate")
        if any(n.expr.has(LeakyRelu) for n in g.nodes.values()):
            add(r"\alpha", "leaky slope", "leaky_slope")  # the notes write the slope α
        if self.per_sample:
            add(str(self.sample), "sample index", "sample_index")
            add("N", "sample count", "sample_count")
        for f in {type(a) for n in g.nodes.values() for a in n.expr.atoms(sp.Function)}:
            key = ACTIVATION_KEYS.get(f)
            if key and not self.profile.layer_functions:
                add(self.profile.functions.get(key, FUNCTION_NAMES[key]), f, "function")
        return out

    def clashes(self) -> list[tuple[str, list[str]]]:
        """(symbol, kinds) for every symbol that stands for two things or more."""
        return [(latex, list(things.values())) for latex, things in self.meanings().items()
                if len(things) > 1]

    # ---- functions ----
    def _functions(self) -> tuple[dict[sp.Expr, str], dict[sp.Expr, str]]:
        """Which layer each pre-activation feeds (σ_h/σ_o) and which function each kink is of."""
        g = self.graph
        depth = 1 + max((n.layer for n in g.nodes.values() if n.layer is not None), default=0)
        kind: dict[sp.Expr, str] = {}
        for s, node in g.nodes.items():
            if node.role == "pre":
                name = r"\sigma_{o}" if node.layer == depth - 1 else r"\sigma_{h}"
                kind[s] = name
        owner: dict[sp.Expr, str] = {}
        for node in g.nodes.values():
            for f in sorted(node.expr.atoms(Relu, LeakyRelu), key=sp.default_sort_key):
                name = self.function_name(ACTIVATION_KEYS[f.func], f.args[0], kind)
                owner[f.args[0]] = name
        return kind, owner

    def function_name(self, key: str, arg: sp.Expr, kind: dict | None = None) -> str:
        """σ, a, ReLU, … or σ_h/σ_o for the layer ``arg`` feeds when the profile says so."""
        kind = self.layer_kind if kind is None else kind
        arg = self.origin.get(arg, arg)
        if self.profile.layer_functions and arg in kind:
            return kind[arg]
        return self.profile.functions.get(key, FUNCTION_NAMES[key])

    def step_style(self, arg: sp.Expr) -> tuple[str, SymbolLatex | None, str]:
        """(template key, g-symbol, function name) for [arg > 0], falling back when unnamed."""
        style = self.profile.step
        entry = self.table.get(arg) if isinstance(arg, sp.Symbol) else None
        if style == "g" and entry is not None and entry.parts and entry.call is None:
            return "g", SymbolLatex("g", entry.parts, True), ""
        arg = self.origin.get(arg, arg)  # an expanded argument: a'(θ_10 + θ_11 x), not g
        if style in ("g", "prime") and arg in self.step_owner:
            return "prime", None, self.step_owner[arg]
        return ("iverson" if style == "iverson" else "indicator"), None, ""

    # ---- arranging and printing ----
    def _factor_key(self, f: sp.Expr) -> tuple:
        if f.is_Number:
            return (0, 0.0, 0, sp.default_sort_key(f))
        ranks = [self.rank.get(s, -2.0) for s in f.free_symbols]
        # σ(z) before (1 − σ(z)); an indicator last: (1 − α)·1[z > 0]
        shape = 0 if f.is_Atom else 3 if f.has(Step) else 1 if isinstance(f, sp.Function) else 2
        return (1, -max(ranks, default=-3.0), shape, sp.default_sort_key(f))

    def _term_key(self, t: sp.Expr) -> tuple:
        data = sorted(self.position[s] for s in t.free_symbols if s in self.position)
        bias = not data
        return (t.could_extract_minus_sign(), bias != self.profile.bias_first, data,
                sp.default_sort_key(t))

    def arrange(self, expr: sp.Expr, inline: bool | None = None, expand: bool = False
                ) -> sp.Expr:
        """Rebuild ``expr`` unevaluated, in document order, with the profile's rewrites.

        ``expand`` writes every node by its definition (the expanded formula); the
        arranged definitions are cached so that printing can still tell which node an
        argument was (σ_h versus σ_o, whose kink a Step is).  ``inline`` writes residuals
        as ŷ − y: None follows the profile, True and False force it.
        """
        node = self.graph.nodes.get(expr) if isinstance(expr, sp.Symbol) else None
        if node is not None and expand:
            if expr not in self._expansions:
                self._expansions[expr] = self.arrange(node.expr, inline, expand)
                self.origin.setdefault(self._expansions[expr], expr)
            return self._expansions[expr]
        if node is not None and node.role == "residual" and (
                inline or inline is None and self.profile.residual_inline):
            return self.arrange(node.expr, inline, expand)
        if expr.is_Atom:
            return expr
        leaky = _leaky_prime(expr) if self.alpha is not None else None
        if leaky is not None:
            return LeakyPrime(self.arrange(leaky, inline, expand))
        lse = [t for t in sp.Add.make_args(expr.args[0]) if isinstance(-t, LogSumExp)] \
            if expr.func is sp.exp else []
        if lse:  # softmax: e^{s_k} / Σ_j e^{s_j}
            top = sp.exp(self.arrange(expr.args[0] - lse[0], inline, expand))
            bottom = sp.Add(*(sp.exp(self.arrange(a, inline, expand)) for a in (-lse[0]).args),
                            evaluate=False)
            return sp.Mul(top, sp.Pow(bottom, -1, evaluate=False), evaluate=False)
        # the order is decided on the node names, before any expansion hides them
        key = self._factor_key if expr.is_Mul else self._term_key if expr.is_Add else None
        args = [self.arrange(a, inline, expand)
                for a in (sorted(expr.args, key=key) if key else expr.args)]
        if expr.is_Mul or expr.is_Add:  # an expanded node joins its parent's sum or product
            flat = [b for a in args for b in (a.args if a.func is expr.func else (a,))]
            return expr.func(*flat, evaluate=False)
        if expr.is_Pow:
            return sp.Pow(*args, evaluate=False)
        try:  # unevaluated, so that |ŷ − y| is not turned into |y − ŷ|
            return expr.func(*args, evaluate=False)
        except TypeError:
            return expr.func(*args)

    def printer(self, sample: bool = True, mul: str | None = None,
                label: str | None = None) -> NotationPrinter:
        """A printer for this notation; ``sample`` adds the per-sample index to data,
        ``label`` one sample's number instead of the letter."""
        return NotationPrinter(self, sample, mul, label)

    def latex(self, expr: sp.Expr, sample: bool = True, inline: bool | None = None,
              expand: bool = False, mul: str | None = None, label: str | None = None) -> str:
        """Arrange and print one expression; ``expand`` writes nodes by their definitions."""
        arranged = self.arrange(as_expr(expr), inline, expand)
        return self.printer(sample, mul, label).doprint(arranged)

    def partial(self, of: sp.Symbol | str, wrt: sp.Symbol, sample: bool = True,
                label: str | None = None) -> str:
        """\\frac{\\partial of}{\\partial wrt}; ``of`` may be LaTeX already (the total loss)."""
        top = of if isinstance(of, str) else self.variable(of, sample, label)
        return (r"\frac{\partial " + top + r"}{\partial " + self.variable(wrt, sample, label)
                + "}")

    def variable(self, s: sp.Symbol, sample: bool = True, label: str | None = None) -> str:
        """A symbol as the variable of ∂: h_θ rather than h_θ(x_i), which ∂ cannot take."""
        entry = self.table.get(s)
        return (entry.call if entry is not None and entry.call
                else self.symbol(s, sample, label))


def _leaky_prime(expr: sp.Expr) -> sp.Expr | None:
    """The argument z when ``expr`` is α + (1 − α)·Step(z), LeakyReLU's derivative."""
    if not expr.is_Add or len(expr.args) != 2:
        return None
    alpha = next((a for a in expr.args if a.is_Number), None)
    rest = next((a for a in expr.args if not a.is_Number), None)
    if alpha is None or rest is None:
        return None
    coeff, step = rest.as_coeff_Mul()
    if isinstance(step, Step) and coeff == 1 - alpha:
        return step.args[0]
    return None
