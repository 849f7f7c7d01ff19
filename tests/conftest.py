"""Shared fixtures: a small synthetic book, generated once per test session into a real DuckDB file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from monitor.synth.book import generate

DEMO_AS_OF = dt.date(2026, 11, 29)
DEMO_LOANS = 4000
DEMO_SEED = 7


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path to a generated book of 4,000 loans as of 2026-11-29 (seed 7). Treat it as read-only."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate(path, DEMO_LOANS, DEMO_SEED, DEMO_AS_OF)
    return path
