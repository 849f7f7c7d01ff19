"""What the credit-policy what-if reads from the book at a day, read at once: the through-the-door population, the
policy in force, the assumptions' defaults and the backtest's booked loans.

None of the four reads another, and at 1,000,000 loans each takes a fraction of a second in which DuckDB keeps the
two cores only partly busy, so the assumptions and the backtest are computed alongside the population (monitor
.alongside): the page waits for the slowest, not for their sum (bench/RESULTS.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from monitor.alongside import Alongside
from monitor.origination import backtest, whatif, whatif_assumptions, whatif_population
from monitor.origination.whatif import PolicyChoice
from monitor.origination.whatif_assumptions import Assumptions


@dataclass(frozen=True)
class PolicyInputs:
    """population (whatif_population.population), today (whatif.today_policy), assumptions
    (whatif_assumptions.default_assumptions) and backtest (backtest.backtest_population), all of one day."""

    population: pl.DataFrame
    today: PolicyChoice
    assumptions: Assumptions
    backtest: pl.DataFrame


def policy_inputs(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> PolicyInputs:
    """The four reads of `as_of` (module docstring), the assumptions and the backtest each on its own cursor."""
    with Alongside(con) as alongside:
        assumptions = alongside.submit(whatif_assumptions.default_assumptions, as_of)
        booked = alongside.submit(backtest.backtest_population, as_of)
        population = whatif_population.population(con, as_of)
        today = whatif.today_policy(con, as_of)
    return PolicyInputs(population, today, assumptions.result(), booked.result())
