"""What delinquency costs: net charge-off and expected credit loss by IFRS 9 stage (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import db, status
from monitor.metrics._sql import frame, month_end, months_before, rows, segment_filter
from monitor.metrics.delinquency import balances_at


def net_charge_off_series(con: duckdb.DuckDBPyConnection, last: dt.date, months: int = 13,
                          segment: str | None = None, value: str | None = None) -> pl.DataFrame:
    """The annualized net charge-off rate of each of the `months` calendar months up to the one containing
    `last` (which counts only through `last`): (principal balance of the loans charged off in the month,
    taken the day before charge-off, - payments received in the month on loans charged off earlier) / the
    mean active principal balance at the month-end before and the month's end (or `last`) x 12.
    Columns: month (its first day), through, gross_charge_off, recoveries, mean_balance, rate."""
    where, params = segment_filter(segment, value)
    starts = [months_before(last, k).replace(day=1) for k in range(months - 1, -1, -1)]
    grid = f"""SELECT l.loan_id, l.charge_off_date - 1 AS as_of FROM loans l JOIN loan_segment s USING (loan_id)
               WHERE l.charge_off_date BETWEEN $first AND $last AND {where}"""
    gross = dict(rows(
        con,
        f"""SELECT CAST(date_trunc('month', as_of + 1) AS DATE), sum(principal_balance)
            FROM ({status.grid_status_sql(con, grid)}) GROUP BY 1""",
        first=starts[0], last=last, charge_off_dpd=db.charge_off_dpd(con), **params,
    ))
    recovered = dict(rows(
        con,
        f"""SELECT CAST(date_trunc('month', p.paid_at) AS DATE), sum(p.amount)
            FROM payments p JOIN loans l USING (loan_id) JOIN loan_segment s USING (loan_id)
            WHERE CAST(p.paid_at AS DATE) BETWEEN $first AND $last
              AND CAST(p.paid_at AS DATE) >= l.charge_off_date AND {where} GROUP BY 1""",
        first=starts[0], last=last, **params,
    ))
    ends = {start: (start - dt.timedelta(days=1), min(month_end(start), last)) for start in starts}
    balance = balances_at(con, sorted({day for pair in ends.values() for day in pair}), segment, value)
    result = []
    for start in starts:
        opening, through = ends[start]
        mean_balance = (balance[opening] + balance[through]) / 2
        charged, recoveries = float(gross.get(start, 0)), float(recovered.get(start, 0))
        result.append({"month": start, "through": through, "gross_charge_off": charged, "recoveries": recoveries,
                       "mean_balance": mean_balance,
                       "rate": (charged - recoveries) / mean_balance * 12 if mean_balance else None})
    return pl.DataFrame(result, schema={"month": pl.Date, "through": pl.Date, "gross_charge_off": pl.Float64,
                                        "recoveries": pl.Float64, "mean_balance": pl.Float64, "rate": pl.Float64})


def net_charge_off_rate(con: duckdb.DuckDBPyConnection, month: dt.date, as_of: dt.date | None = None,
                        segment: str | None = None, value: str | None = None) -> dict:
    """The annualized net charge-off rate of the calendar month containing `month`, through `as_of` if the
    month is not over (see net_charge_off_series). Returns the parts too."""
    last = min(month_end(month), as_of or dt.date.max)
    return net_charge_off_series(con, last, 1, segment, value).row(0, named=True)


def default_rates_by_bucket(con: duckdb.DuckDBPyConnection, as_of: dt.date, horizon: int = 12) -> pl.DataFrame:
    """Observed `horizon`-month PD per bucket: of the loans in each bucket at the month-end `horizon`
    months before the last month-end on or before `as_of`, the share that defaulted (reached DPD 90+ at a
    month-end, were charged off, or settled at a discount) within the next `horizon` months.
    When the book is younger than that, the window starts at the first month-end that had loans in each of
    M1, M2 and M3 (a shorter horizon, shown by observed_from). A bucket nobody was in at the start gets the
    PD of the bucket before it (never less: PD rises with arrears), flagged observed = false.
    Columns: bucket, loans, defaulted, pd, observed, observed_from, observed_to."""
    end = months_before(as_of, 0) if month_end(as_of) == as_of else months_before(as_of, 1)
    seasoned = rows(con, """SELECT min(month_end) FROM (
                                SELECT month_end FROM loan_month WHERE bucket IN ('M1', 'M2', 'M3')
                                GROUP BY month_end HAVING count(DISTINCT bucket) = 3)""")[0][0]
    start = months_before(end, horizon)
    if seasoned is not None and start < seasoned < end:
        start = seasoned
    observed = frame(
        con,
        """
        WITH base AS (SELECT loan_id, bucket FROM loan_month WHERE month_end = $start),
        later_90 AS (SELECT DISTINCT loan_id FROM loan_month
                     WHERE month_end > $start AND month_end <= $end AND dpd >= 90),
        outcome AS (
            SELECT b.bucket,
                   b.loan_id IN (SELECT loan_id FROM later_90)
                   OR (l.status IN ('charged_off', 'settled') AND l.closed_date > $start AND l.closed_date <= $end)
                   AS defaulted
            FROM base b JOIN loans l USING (loan_id)
        )
        SELECT bucket, count(*) AS loans, count(*) FILTER (WHERE defaulted) AS defaulted,
               count(*) FILTER (WHERE defaulted) / count(*) AS pd,
               CAST($start AS DATE) AS observed_from, CAST($end AS DATE) AS observed_to
        FROM outcome GROUP BY bucket ORDER BY bucket
        """,
        start=start, end=end,
    )
    return (pl.DataFrame({"bucket": list(status.BUCKETS)})
            .join(observed.drop("observed_from", "observed_to"), on="bucket", how="left")
            .with_columns(observed=pl.col("pd").is_not_null(), pd=pl.col("pd").cum_max().forward_fill(),
                          loans=pl.col("loans").fill_null(0), defaulted=pl.col("defaulted").fill_null(0),
                          observed_from=pl.lit(start), observed_to=pl.lit(end)))


def loss_given_default(con: duckdb.DuckDBPyConnection, as_of: dt.date, seasoning_months: int = 12) -> dict:
    """Observed LGD: 1 - recoveries / balance at charge-off, over loans charged off at least
    `seasoning_months` before `as_of` (so their recoveries have had time to come in)."""
    cutoff = months_before(as_of, seasoning_months)
    grid = "SELECT loan_id, charge_off_date - 1 AS as_of FROM loans WHERE charge_off_date <= $cutoff"
    balance, recovered, loans = rows(
        con,
        f"""SELECT coalesce(sum(b.principal_balance), 0),
                   coalesce((SELECT sum(p.amount) FROM payments p JOIN loans l USING (loan_id)
                             WHERE l.charge_off_date <= $cutoff AND CAST(p.paid_at AS DATE) >= l.charge_off_date
                               AND CAST(p.paid_at AS DATE) <= $as_of), 0), count(*)
            FROM ({status.grid_status_sql(con, grid)}) b""",
        cutoff=cutoff, as_of=as_of, charge_off_dpd=db.charge_off_dpd(con),
    )[0]
    lgd = 1 - float(recovered) / float(balance) if balance else 1.0
    return {"lgd": lgd, "charged_off_loans": loans, "balance": float(balance), "recovered": float(recovered),
            "charged_off_by": cutoff}


def expected_credit_loss(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
                         value: str | None = None) -> dict:
    """ECL = PD x LGD x EAD per loan, summed by IFRS 9 stage, at the end of `as_of`.

    Stage 1: DPD <= 30 and not restructured, 12-month PD of its bucket. Stage 2: DPD 31-90, or a loan born of a
    restructuring; lifetime PD, taken as the 12-month PD of its bucket (the book's loans run 24 months at
    most), and for restructured loans not past 30 DPD the PD of M2. Stage 3: DPD > 90, PD = 1.
    PD per bucket is the observed 12-month roll-forward (default_rates_by_bucket) until the early-warning
    model exists; LGD is observed (loss_given_default); EAD is the principal balance. PD and LGD are the
    book's; a segment filter restricts the loans they apply to."""
    where, params = segment_filter(segment, value)
    pds = default_rates_by_bucket(con, as_of)
    lgd = loss_given_default(con, as_of)
    con.register("bucket_pd", pds.select("bucket", "pd"))
    try:
        stages = frame(
            con,
            f"""
            WITH loans_now AS (
                SELECT d.loan_id, d.dpd, d.bucket, d.principal_balance, l.parent_loan_id IS NOT NULL AS restructured
                FROM ({status.day_status_source(con, as_of)}) d JOIN loans l USING (loan_id)
                JOIN loan_segment s USING (loan_id) WHERE {where}
            ),
            staged AS (
                SELECT *, CASE WHEN dpd > 90 THEN 3 WHEN dpd > 30 OR restructured THEN 2 ELSE 1 END AS stage,
                       CASE WHEN restructured AND dpd <= 30 THEN 'M2' ELSE bucket END AS pd_bucket
                FROM loans_now
            )
            SELECT s.stage, count(*) AS loans, CAST(sum(s.principal_balance) AS DOUBLE) AS ead,
                   sum(CAST(s.principal_balance AS DOUBLE)
                       * CASE WHEN s.stage = 3 THEN 1.0 ELSE coalesce(p.pd, 1.0) END) * $lgd AS ecl
            FROM staged s LEFT JOIN bucket_pd p ON p.bucket = s.pd_bucket
            GROUP BY s.stage ORDER BY s.stage
            """,
            **status.status_params(con, as_of), lgd=lgd["lgd"], **params,
        )
    finally:
        con.unregister("bucket_pd")
    by_stage = {f"stage{s}": 0.0 for s in (1, 2, 3)}
    by_stage.update({f"stage{row['stage']}": float(row["ecl"]) for row in stages.iter_rows(named=True)})
    return {"ecl": by_stage, "stages": stages, "pd_by_bucket": pds, "lgd": lgd,
            "pd_source": "observed 12-month roll-forward per bucket"}
