"""Where delinquency stands: buckets and DPD x+ rates, on a day, over month-ends, and by segment."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import day_status, derived, freshness, month_totals, pii, segments, status
from monitor.months import months_before
from monitor.query import frame, rows
from monitor.segments import segment_filter

BUCKET_ORDER = (*status.BUCKETS, "CO")
DPD_THRESHOLDS = (1, 30, 60, 90)


def _day_status_in_segment(con, as_of: dt.date, segment: str | None) -> str:
    if segment is None:
        return day_status.source(con, as_of)
    where, _ = segment_filter(segment, None)
    return f"""SELECT d.* FROM ({day_status.source(con, as_of)}) d
               JOIN {derived.loan_segment(con)} s USING (loan_id) WHERE {where}"""


def bucket_distribution(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
                        value: str | None = None) -> pl.DataFrame:
    """Active loans and principal balance by bucket at the end of `as_of`; every bucket M0..M6 present
    (zero when empty), in order. Columns: bucket, loans, balance (yuan), loan_share, balance_share."""
    _, params = segment_filter(segment, value)
    counts = frame(
        con,
        f"""SELECT bucket, count(*) AS loans, sum(principal_balance) AS balance
            FROM ({_day_status_in_segment(con, as_of, segment)}) GROUP BY bucket""",
        **status.status_params(con, as_of), **params,
    )
    result = (
        pl.DataFrame({"bucket": list(status.BUCKETS)})
        .join(counts, on="bucket", how="left")
        .with_columns(pl.col("loans").fill_null(0), pl.col("balance").cast(pl.Float64).fill_null(0.0))
    )
    return result.with_columns(
        loan_share=pl.col("loans") / pl.col("loans").sum().clip(1),
        balance_share=pl.col("balance") / pl.col("balance").sum().clip(1e-9),
    )


def _totals_sql(source: str, group: str | None = None) -> str:
    parts = ", ".join(
        f"count(*) FILTER (WHERE dpd >= {x}) AS loans_{x}, "
        f"coalesce(sum(principal_balance) FILTER (WHERE dpd >= {x}), 0) AS balance_{x}"
        for x in DPD_THRESHOLDS
    )
    sql = f"SELECT count(*) AS loans, coalesce(sum(principal_balance), 0) AS balance, {parts} FROM ({source})"
    return sql if group is None else f"SELECT {group} AS value, {sql[len('SELECT '):]} GROUP BY {group}"


def day_totals(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
               value: str | None = None) -> dict:
    """Active loans and balance at the end of `as_of`, in total and at DPD >= 1/30/60/90."""
    _, params = segment_filter(segment, value)
    result = con.sql(_totals_sql(_day_status_in_segment(con, as_of, segment)),
                     params={**status.status_params(con, as_of), **params})
    return dict(zip(result.columns, result.fetchall()[0], strict=True))


def day_totals_by_value(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str) -> dict[str, dict]:
    """day_totals of every value of `segment` in one query, by value (a value without active loans is absent)."""
    source = f"""SELECT d.*, s.{segments.column(segment)} AS segment_value FROM ({day_status.source(con, as_of)}) d
                 JOIN {derived.loan_segment(con)} s USING (loan_id)"""
    result = con.sql(_totals_sql(source, "segment_value"), params=status.status_params(con, as_of))
    return {found[0]: dict(zip(result.columns[1:], found[1:], strict=True)) for found in result.fetchall()}


def balances_at(con: duckdb.DuckDBPyConnection, days: list[dt.date], segment: str | None = None,
                value: str | None = None) -> dict[dt.date, float]:
    """Active principal balance at the end of each day (in a segment); for the whole book the precomputed
    month-end and snapshot days in one query while their rows hold (freshness.derived_covers), the others one by
    one."""
    found: dict[dt.date, float] = {}
    covered = [day for day in days if freshness.derived_covers(con, day)] if segment is None else []
    if covered:
        found.update(rows(con, f"""
            SELECT month_end, CAST(sum(balance) AS DOUBLE) FROM month_totals
            WHERE segment = '{month_totals.BOOK}' AND month_end IN (SELECT unnest($days::DATE[])) GROUP BY 1
            UNION ALL
            SELECT as_of, CAST(sum(principal_balance) AS DOUBLE) FROM day_snapshot
            WHERE as_of IN (SELECT unnest($days::DATE[])) GROUP BY 1""", days=covered))
    for day in days:
        if day not in found:
            found[day] = float(day_totals(con, day, segment, value)["balance"])
    return found


def _month_end_totals(con, month_end: dt.date, segment: str | None, value: str | None) -> dict:
    where, params = month_totals.where(segment, value)
    result = con.sql(month_totals.totals_sql(derived.month_totals_of(con), f"t.month_end = $month_end AND {where}"),
                     params={"month_end": month_end, **params})
    return dict(zip(result.columns, result.fetchall()[0], strict=True))


def _ratio(numerator, denominator) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def dpd_rates(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
              value: str | None = None, lags: tuple[int, ...] = ()) -> dict:
    """DPD x+ rates at the end of `as_of` (x+ means DPD >= x), by count and by balance:
    {"1+": {"count": r, "balance": r}, ...}. With `lags`, also {"count_lag3": r, "balance_lag3": r, ...}:
    the same numerator over the loans active at the month-end k months earlier (递延). None when empty."""
    now = day_totals(con, as_of, segment, value)
    earlier = {k: _month_end_totals(con, months_before(as_of, k), segment, value) for k in lags}
    result = {}
    for x in DPD_THRESHOLDS:
        rates = {"count": _ratio(now[f"loans_{x}"], now["loans"]),
                 "balance": _ratio(now[f"balance_{x}"], now["balance"])}
        for k, then in earlier.items():
            rates[f"count_lag{k}"] = _ratio(now[f"loans_{x}"], then["loans"])
            rates[f"balance_lag{k}"] = _ratio(now[f"balance_{x}"], then["balance"])
        result[f"{x}+"] = rates
    return result


def dpd_rate_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date, segment: str | None = None,
                    value: str | None = None) -> pl.DataFrame:
    """DPD x+ rates at every month-end from `first` to `last`, coincident and lagged 3 and 6 months.
    Long format: month_end, threshold ('1+'..'90+'), measure ('count'|'balance'), coincident, lag3, lag6,
    plus the month-end's active loans and balance."""
    where, params = month_totals.where(segment, value)
    sums = ", ".join(f"sum(t.loans_{x}) AS count_{x}, sum(t.balance_{x}) AS balance_{x}" for x in DPD_THRESHOLDS)
    unpivot = " UNION ALL ".join(
        f"SELECT month_end, '{x}+' AS threshold, '{measure}' AS measure, {measure}_{x} AS numerator, "
        f"{measure}_all AS denominator, lag({measure}_all, 3) OVER w AS lag3_denominator, "
        f"lag({measure}_all, 6) OVER w AS lag6_denominator FROM totals "
        f"WINDOW w AS (ORDER BY month_end)"
        for x in DPD_THRESHOLDS for measure in ("count", "balance")
    )
    totals = derived.month_totals_of(con)
    result = frame(
        con,
        f"""
        WITH calendar AS (SELECT DISTINCT month_end FROM {totals} WHERE segment = '{month_totals.BOOK}'),
        sums AS (
            SELECT t.month_end, sum(t.loans) AS count_all, sum(t.balance) AS balance_all, {sums}
            FROM {totals} t WHERE {where} GROUP BY t.month_end
        ),
        totals AS (SELECT * FROM calendar LEFT JOIN sums USING (month_end)),
        long AS ({unpivot})
        SELECT month_end, threshold, measure,
               CAST(numerator AS DOUBLE) / nullif(denominator, 0) AS coincident,
               CAST(numerator AS DOUBLE) / nullif(lag3_denominator, 0) AS lag3,
               CAST(numerator AS DOUBLE) / nullif(lag6_denominator, 0) AS lag6,
               CAST(denominator AS DOUBLE) AS base
        FROM long WHERE month_end BETWEEN $first AND $last
        ORDER BY month_end, threshold, measure
        """,
        first=first, last=last, **params,
    )
    return result.with_columns(pl.col("coincident", "lag3", "lag6", "base").cast(pl.Float64))


def segment_movers(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | tuple[str, ...],
                   min_share: float = 0.0, threshold: int = 30) -> pl.DataFrame:
    """Each value of one or more segments: loans, balance and its DPD x+ balance rate at `as_of` against
    the last month-end before the as-of month, sorted by the largest movers (absolute change).
    Columns: segment, value, loans, balance, rate, rate_before, change, balance_share (within its segment)."""
    names = (segment,) if isinstance(segment, str) else segment
    columns = [segments.column(name) for name in names]
    if threshold not in DPD_THRESHOLDS:
        raise ValueError(f"threshold {threshold}: one of {', '.join(map(str, DPD_THRESHOLDS))}")

    def grouped(rows: str) -> str:
        return " UNION ALL ".join(
            f"""SELECT '{col}' AS segment, {col} AS value, count(*) AS loans, sum(principal_balance) AS balance,
                       sum(principal_balance) FILTER (WHERE dpd >= $x) AS bad FROM {rows} GROUP BY {col}"""
            for col in columns)

    result = frame(
        con,
        f"""
        WITH now_rows AS MATERIALIZED (
            SELECT s.*, d.principal_balance, d.dpd
            FROM ({day_status.source(con, as_of)}) d JOIN {derived.loan_segment(con)} s USING (loan_id)
        ),
        now AS ({grouped("now_rows")}),
        before AS (
            SELECT t.segment, t.value, sum(t.balance) AS balance, sum(t.balance_{threshold}) AS bad
            FROM {derived.month_totals_of(con)} t
            WHERE t.month_end = $before AND list_contains($segments, t.segment) GROUP BY t.segment, t.value
        )
        SELECT now.segment, now.value, now.loans, CAST(now.balance AS DOUBLE) AS balance,
               CAST(coalesce(now.bad, 0) / now.balance AS DOUBLE) AS rate,
               CAST(coalesce(before.bad, 0) / nullif(before.balance, 0) AS DOUBLE) AS rate_before,
               CAST(now.balance / sum(now.balance) OVER (PARTITION BY now.segment) AS DOUBLE) AS balance_share
        FROM now LEFT JOIN before USING (segment, value)
        """,
        **status.status_params(con, as_of), x=threshold, before=months_before(as_of, 1), segments=columns,
    )
    return (result.with_columns(change=pl.col("rate") - pl.col("rate_before"))
            .filter(pl.col("balance_share") >= min_share)
            .sort(pl.col("change").abs(), "segment", "value", descending=[True, False, False], nulls_last=True))


def largest_movers(con: duckdb.DuckDBPyConnection, as_of: dt.date, n: int = 3, min_share: float = 0.02,
                   dimensions: tuple[str, ...] = ("product", "channel", "province", "city_tier", "score_band"),
                   ) -> pl.DataFrame:
    """The `n` segments, across dimensions, whose 30+ balance rate moved most since the last month-end;
    segments under `min_share` of their dimension's balance are left out as noise."""
    return (segment_movers(con, as_of, dimensions, min_share).drop_nulls("change").head(n)
            .select("segment", "value", "rate_before", "rate", "change", "balance"))


def worst_first(alias: str) -> str:
    """The order of status rows (of table alias `alias`) from the worst loan: highest DPD, then largest balance."""
    return f"{alias}.dpd DESC, {alias}.principal_balance DESC, {alias}.loan_id"


def delinquent_loans(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
                     value: str | None = None, min_dpd: int = 1, limit: int = 500) -> pl.DataFrame:
    """The delinquent loans (DPD >= min_dpd) of a segment at `as_of`, worst first, at most `limit` of them;
    customer names and phone numbers masked. delinquent_total counts them all."""
    where, params = segment_filter(segment, value)
    return frame(
        con,
        f"""
        SELECT d.loan_id, {pii.masked_name("c.name")} AS customer, {pii.masked_phone("c.phone")} AS phone,
               l.product, l.channel, c.province, d.dpd, d.bucket,
               CAST(d.principal_balance AS DOUBLE) AS principal_balance,
               CAST(d.overdue_amount AS DOUBLE) AS overdue_amount,
               count(*) OVER () AS delinquent_total
        FROM ({day_status.source(con, as_of)}) d
        JOIN {derived.loan_segment(con)} s USING (loan_id) JOIN loans l USING (loan_id)
        JOIN customers c USING (customer_id)
        WHERE d.dpd >= $min_dpd AND {where}
        ORDER BY {worst_first("d")}
        LIMIT $limit
        """,
        **status.status_params(con, as_of), **params, min_dpd=min_dpd, limit=limit,
    )


def balance_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Active loans and principal balance at each month-end from `first` to `last`."""
    return frame(con, f"""SELECT month_end, CAST(sum(loans) AS BIGINT) AS loans, CAST(sum(balance) AS DOUBLE) AS balance
                          FROM {derived.month_totals_of(con)}
                          WHERE segment = '{month_totals.BOOK}' AND month_end BETWEEN $first AND $last
                          GROUP BY 1 ORDER BY 1""", first=first, last=last)


def bucket_series(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Loans and balance by bucket at each month-end (long format)."""
    return frame(con, f"""SELECT month_end, bucket, loans, CAST(balance AS DOUBLE) AS balance
                          FROM {derived.month_totals_of(con)}
                          WHERE segment = '{month_totals.BOOK}' AND month_end BETWEEN $first AND $last
                          ORDER BY 1, 2""", first=first, last=last)


__all__ = ["BUCKET_ORDER", "DPD_THRESHOLDS", "balance_series", "bucket_distribution", "bucket_series",
           "day_totals", "delinquent_loans", "dpd_rate_series", "dpd_rates", "largest_movers", "segment_movers",
           "worst_first"]
