"""Where delinquency is going: roll rates between month-ends, cure rates, the flow-rate chain and the
loss rate it implies (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import derived, freshness, month_totals, segments, status
from monitor.query import frame
from monitor.segments import segment_filter

ROLL_TO_STATES = (*status.BUCKETS, "paid_off", "charged_off", "restructured", "settled")
FLOW_STEPS = tuple(f"{a}->{b}" for a, b in zip(status.BUCKETS, (*status.BUCKETS[1:], "CO"), strict=True))


def _rates_sql(grouped: str, by: str | None) -> str:
    """Roll rates from `grouped`, moves counted and summed by pair of month-ends, from_bucket and to_state (and, with
    `by`, a first column value): each state's share of its bucket, by count and by balance at the first month-end."""
    keys = "" if by is None else "value, "
    return f"""
        SELECT {keys}from_month_end, to_month_end, from_bucket, to_state, loans, CAST(balance AS DOUBLE) AS balance,
               loans / sum(loans) OVER (PARTITION BY {keys}to_month_end, from_bucket) AS count_rate,
               CAST(balance / nullif(sum(balance) OVER (PARTITION BY {keys}to_month_end, from_bucket), 0) AS DOUBLE)
                   AS balance_rate
        FROM ({grouped}) ORDER BY {keys}to_month_end, from_bucket, to_state"""


def roll_rate_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date, segment: str | None = None,
                     value: str | None = None, delinquent_only: bool = False, by: str | None = None) -> pl.DataFrame:
    """Roll rates for every pair of consecutive month-ends whose later one is in [first, last]: of the loans
    in bucket i at t-1, the share in state j at t (a bucket, or the closing status of loans that closed in
    between), by count and by balance at t-1. Long format: from_month_end, to_month_end, from_bucket,
    to_state, loans, balance, count_rate, balance_rate. `delinquent_only` leaves out the rows from M0
    (most of the book), which cure rates do not need. `by`: every value of a segment at once, in a first column
    `value` (not with `segment`). Read from month_rolls."""
    if by is not None and segment is not None:
        raise ValueError("roll rates of one segment value, or by every value of a segment: not both")
    if by is None:
        where, params = month_totals.where(segment, value)
    else:
        where, params = "t.segment = $by_segment", {"by_segment": segments.column(by)}
    if delinquent_only:
        where += " AND t.from_bucket <> 'M0'"
    grouped = f"""SELECT {'' if by is None else 'value, '}from_month_end, to_month_end, from_bucket, to_state, loans,
                         balance
                  FROM {derived.month_rolls_of(con)} t WHERE t.to_month_end BETWEEN $first AND $last AND {where}"""
    return frame(con, _rates_sql(grouped, by), first=first, last=last, **params)


def roll_rates(con: duckdb.DuckDBPyConnection, from_month_end: dt.date, to_month_end: dt.date,
               segment: str | None = None, value: str | None = None) -> pl.DataFrame:
    """The roll-rate matrix from one month-end to the next, in long format (see roll_rate_series)."""
    result = roll_rate_series(con, to_month_end, to_month_end, segment, value)
    if result.height and result["from_month_end"][0] != from_month_end:
        raise ValueError(f"{from_month_end} and {to_month_end} are not consecutive month-ends")
    return result.drop("from_month_end", "to_month_end")


def cure_rates(rolls: pl.DataFrame) -> pl.DataFrame:
    """Cure rate per delinquent bucket: the roll from Mi (i >= 1) back to M0, from a roll-rate frame."""
    delinquent = rolls.filter(pl.col("from_bucket") != "M0")
    keys = [c for c in ("to_month_end", "from_bucket") if c in rolls.columns]
    cured = delinquent.filter(pl.col("to_state") == "M0").select(*keys, "count_rate", "balance_rate")
    return (delinquent.select(keys).unique().join(cured, on=keys, how="left")
            .with_columns(pl.col("count_rate", "balance_rate").fill_null(0.0)).sort(keys))


def flow_rate_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date, segment: str | None = None,
                     value: str | None = None) -> pl.DataFrame:
    """Flow rates (迁徙率) at each month-end t in [first, last]: balance in M(k+1) at t / balance in Mk at t-1,
    and M6 -> CO: principal charged off during the month (balance the day before charge-off) / M6 at t-1 (a loan
    found past the charge-off DPD at a month-end but not charged off, one restructured instead, is not a charge-off).
    Long format: month_end, step ('M0->M1'...'M6->CO'), rate, numerator, denominator."""
    where, params = segment_filter(segment, value)
    in_totals, totals_params = month_totals.where(segment, value)
    grid = """SELECT l.loan_id, l.charge_off_date - 1 AS as_of FROM loans l
              WHERE l.charge_off_date IS NOT NULL AND l.charge_off_date <= $last"""
    statuses = status.grid_status_sql(grid, precomputed_sums=freshness.derived_is_fresh(con))
    totals = derived.month_totals_of(con)
    return frame(
        con,
        f"""
        WITH calendar AS (SELECT month_end, lag(month_end) OVER (ORDER BY month_end) AS previous
                          FROM (SELECT DISTINCT month_end FROM {totals} WHERE segment = '{month_totals.BOOK}')),
        by_bucket AS (SELECT t.month_end, t.bucket, sum(t.balance) AS balance FROM {totals} t
                      WHERE {in_totals} AND t.bucket <> 'CO' GROUP BY 1, 2),
        charged AS (
            SELECT last_day(c.as_of + 1) AS month_end, 'CO' AS bucket, sum(c.principal_balance) AS balance
            FROM ({statuses}) c JOIN {derived.loan_segment(con)} s USING (loan_id)
            WHERE {where} GROUP BY 1
        ),
        balances AS (SELECT * FROM by_bucket UNION ALL SELECT * FROM charged),
        steps(step_no, from_bucket, to_bucket) AS (
            VALUES (0, 'M0', 'M1'), (1, 'M1', 'M2'), (2, 'M2', 'M3'), (3, 'M3', 'M4'), (4, 'M4', 'M5'),
                   (5, 'M5', 'M6'), (6, 'M6', 'CO')
        )
        SELECT c.month_end, st.from_bucket || '->' || st.to_bucket AS step,
               CAST(coalesce(num.balance, 0) / nullif(den.balance, 0) AS DOUBLE) AS rate,
               CAST(coalesce(num.balance, 0) AS DOUBLE) AS numerator, CAST(den.balance AS DOUBLE) AS denominator
        FROM calendar c CROSS JOIN steps st
        LEFT JOIN balances num ON num.month_end = c.month_end AND num.bucket = st.to_bucket
        LEFT JOIN balances den ON den.month_end = c.previous AND den.bucket = st.from_bucket
        WHERE c.month_end BETWEEN $first AND $last AND c.previous IS NOT NULL
        ORDER BY c.month_end, st.step_no
        """,
        first=first, last=last, charge_off_dpd=status.db.charge_off_dpd(con), **params, **totals_params,
    )


def implied_loss_rate(flows: pl.DataFrame, months: int = 3) -> dict:
    """The loss rate the flow-rate chain implies: the product of the seven flow rates M0->M1 ... M6->CO,
    each pooled over the last `months` month-ends (sum of numerators / sum of denominators). It is the share
    of today's current balance that would end in charge-off if the recent flows held; None when a step
    had no balance to flow from."""
    recent = flows.filter(pl.col("month_end").is_in(flows["month_end"].unique().sort().tail(months).implode()))
    pooled = recent.group_by("step").agg(numerator=pl.col("numerator").sum(),
                                         denominator=pl.col("denominator").sum())
    steps = {}
    for row in pooled.iter_rows(named=True):
        steps[row["step"]] = row["numerator"] / row["denominator"] if row["denominator"] else None
    steps = {step: steps.get(step) for step in FLOW_STEPS}
    loss = None if any(rate is None for rate in steps.values()) else 1.0
    for rate in steps.values():
        loss = loss * rate if loss is not None else None
    return {"months": months, "steps": steps, "loss_rate": loss}
