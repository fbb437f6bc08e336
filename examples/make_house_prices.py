"""Write examples/house_prices.csv: SYNTHETIC house-price-like data for seed 004's fits.

Nothing here is measured: the rows are drawn from a made-up rule so that the three
models of seed 004 (a line, a sigmoid, and the cubic b + W·x³) can be trained and
compared.  The rule grows faster than a line and does not level off, which is the
seed's point ("there is no chance that a 10 floor building may cost the same as a
100 floor one"):

    area  ~ uniform(0.5, 2.0)                  floor area in hundreds of m², 2 decimals
    price = (0.15 + 0.17·area³) · e^ε, ε ~ N(0, 0.06²)   price in millions, 3 decimals

Run from the repository root:  python examples/make_house_prices.py
The generator is seeded, so the file it writes is always the same.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 2024
ROWS = 60
HEADER = """\
# SYNTHETIC data, made by examples/make_house_prices.py (seed 2024); not real prices.
# area: floor area in hundreds of square metres; price: in millions.
# price = (0.15 + 0.17 * area^3) * exp(noise), noise ~ N(0, 0.06^2)
area,price
"""


def rows(seed: int = SEED, count: int = ROWS) -> list[tuple[float, float]]:
    """The (area, price) rows, sorted by area."""
    rng = np.random.default_rng(seed)
    area = np.round(rng.uniform(0.5, 2.0, size=count), 2)
    price = (0.15 + 0.17 * area ** 3) * np.exp(rng.normal(0.0, 0.06, size=count))
    return sorted(zip(area.tolist(), np.round(price, 3).tolist()))


def csv_text() -> str:
    """The whole file."""
    return HEADER + "".join(f"{a:.2f},{p:.3f}\n" for a, p in rows())


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("house_prices.csv")
    out.write_text(csv_text(), encoding="utf-8")
    print(f"wrote {out}")
