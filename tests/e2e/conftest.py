"""Fixtures shared by the browser tests."""

from __future__ import annotations

import pytest

from .stack import running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """localvt and daphne for one test module (each browser gets a fresh database)."""
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running
