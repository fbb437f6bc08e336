"""The engine: graphs of named intermediates and the reverse pass.

Two graph builders (scalar.py: one node per unit; matgraph.py: one node per layer over the
batch), two rule tables (rules.py: derivatives of scalar primitives; matrules.py: one
vector-Jacobian product per matrix operation), one reverse pass (reverse.py) and one model
interface (protocol.py)."""
