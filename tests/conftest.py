"""Shared fixtures: the bundled specs and the repository root."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.helpers import ROOT, SPECS  # noqa: F401 - re-exported for test modules


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session", autouse=True)
def kernel_cache(tmp_path_factory) -> Path:
    """Compiled numba kernels go to a folder of this test session (one per worker), never
    into the user's cache folder; tests that start processes pass it on."""
    folder = tmp_path_factory.mktemp("kernels")
    before = os.environ.get("DERIVGEN_CACHE_DIR")
    os.environ["DERIVGEN_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("DERIVGEN_CACHE_DIR", None)
    else:
        os.environ["DERIVGEN_CACHE_DIR"] = before


# CI runs the property tests on a fixed sequence of examples so that a red run is
# reproducible; locally every run explores new random networks.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
