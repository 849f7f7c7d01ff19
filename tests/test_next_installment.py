"""The next installment of the features (monitor.scoring.features.next_installment_sql, SQL) against the schedule
the generator and the simulator use (monitor.schedule.amortize_fen, numpy): the same contract, said twice."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from monitor.schedule import amortize_fen
from monitor.scoring.features import next_installment_sql

LOANS = [  # principal (yuan), APR, term, method
    (10_000, 0.18, 12, "equal_installment"),
    (1_000, 0.12, 4, "equal_principal"),
    (36_000, 0.0, 6, "equal_installment"),
    (25_000, 0.0, 10, "equal_principal"),
    (7_777.77, 0.2399, 24, "equal_installment"),
    (123_456.78, 0.0899, 36, "equal_principal"),
]


def sql_installments(principal: float, rate: float, term: int, method: str) -> list[float]:
    """next_installment_sql for k = 0 .. term - 1 installments already due, in yuan."""
    con = duckdb.connect()
    try:
        return [row[0] for row in con.execute(
            f"""SELECT {next_installment_sql("k")}
                FROM (SELECT CAST(? AS DECIMAL(14, 2)) AS principal, CAST(? AS DECIMAL(6, 4)) AS annual_rate,
                             CAST(? AS INTEGER) AS term_months, CAST(? AS VARCHAR) AS repayment_method) l,
                     range(0, ?) AS t(k) ORDER BY k""", [principal, rate, term, method, term]).fetchall()]
    finally:
        con.close()


def test_worked_by_hand():
    """10,000 at 18% over 12: 10,000 x 0.015 / (1 - 1.015^-12) = 916.80; 1,000 at 12% over 4, 等额本金:
    250 of principal plus 1% of 1,000, 750, 500, 250 = 260, 257.5, 255, 252.5."""
    assert sql_installments(10_000, 0.18, 12, "equal_installment")[0] == pytest.approx(916.80, abs=0.005)
    assert sql_installments(1_000, 0.12, 4, "equal_principal") == pytest.approx([260, 257.5, 255, 252.5])


@pytest.mark.parametrize(("principal", "rate", "term", "method"), LOANS)
def test_the_sql_installment_is_the_schedules(principal, rate, term, method):
    """Each installment but the last (which absorbs the rounding) within a fen per month of rounding."""
    principal_due, interest_due = amortize_fen(np.array([round(principal * 100)]), np.array([rate]), term,
                                               np.array([method == "equal_principal"]))
    scheduled = (principal_due[0] + interest_due[0]) / 100
    from_sql = sql_installments(principal, rate, term, method)
    for k in range(term - 1):
        assert from_sql[k] == pytest.approx(scheduled[k], abs=0.01 * (k + 2)), (k, from_sql[k], scheduled[k])
