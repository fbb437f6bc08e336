"""Code from a derivation: NumPy source printed from the adjoints (scalar.py, matrix.py),
turned into functions in one place (compile.py)."""
