"""Reading documents: the strict lark grammar for the LaTeX of hand-written notes
(latex.lark, latex.py) and the builder that turns its trees into SymPy (build.py, with
names.py, sums.py, derivatives.py and leibniz.py, structures.py, tree.py).  Text is
parsed, never evaluated."""
