"""The vocabulary every stage shares: SymPy functions of activations and kinks
(functions.py), matrix expression types (matexpr.py), stable NumPy helpers (runtime.py),
the kink finder (kinks.py), and one registry per concept: activations.py and losses.py,
from which every table of activations and losses in derivgen is derived."""
