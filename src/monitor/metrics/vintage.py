"""How each origination cohort performs as it ages: vintage curves and first/second/third payment default."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import derived, segments
from monitor.months import last_month_end, months_between_sql
from monitor.query import frame, rows
from monitor.segments import segment_filter


def vintages(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
             value: str | None = None) -> pl.DataFrame:
    """Ever-30+ and ever-90+ rates by cohort and MOB (DESIGN.md §4).

    A cohort is the new loans (parent_loan_id null) originated in one calendar month; MOB 0 is that
    month's end, MOB m the m-th month-end after it. A loan counts from the first month-end at which its
    DPD reached x (or the month of its charge-off, if earlier), for every MOB observed by `as_of`.
    Columns: cohort ('YYYY-MM'), mob, loans, principal, ever_30_count, ever_30_balance, ever_90_count,
    ever_90_balance (rates; balance = original principal)."""
    where, params = segment_filter(segment, value)
    return frame(
        con,
        f"""
        WITH loans AS (
            SELECT s.cohort, s.original_principal,
                   least(s.mob_30, s.co_mob) AS bad_30, least(s.mob_90, s.co_mob) AS bad_90
            FROM {derived.loan_segment(con)} s JOIN loans l USING (loan_id)
            WHERE s.is_new AND l.origination_date <= $last_end AND {where}
        ),
        cohorts AS (
            SELECT cohort, count(*) AS loans, sum(original_principal) AS principal,
                   {months_between_sql("CAST(cohort || '-01' AS DATE)", "$last_end")} AS max_mob
            FROM loans GROUP BY cohort
        ),
        grid AS (SELECT cohort, loans, principal, unnest(range(0, max_mob + 1)) AS mob FROM cohorts),
        milestones AS (
            SELECT cohort, bad_30 AS mob, 30 AS x, count(*) AS n, sum(original_principal) AS amount
            FROM loans WHERE bad_30 IS NOT NULL GROUP BY cohort, bad_30
            UNION ALL
            SELECT cohort, bad_90 AS mob, 90 AS x, count(*) AS n, sum(original_principal) AS amount
            FROM loans WHERE bad_90 IS NOT NULL GROUP BY cohort, bad_90
        )
        SELECT g.cohort, CAST(g.mob AS INTEGER) AS mob, g.loans, CAST(g.principal AS DOUBLE) AS principal,
               CAST(coalesce(sum(b.n) FILTER (WHERE b.x = 30), 0) AS DOUBLE) / g.loans AS ever_30_count,
               CAST(coalesce(sum(b.amount) FILTER (WHERE b.x = 30), 0) / g.principal AS DOUBLE) AS ever_30_balance,
               CAST(coalesce(sum(b.n) FILTER (WHERE b.x = 90), 0) AS DOUBLE) / g.loans AS ever_90_count,
               CAST(coalesce(sum(b.amount) FILTER (WHERE b.x = 90), 0) / g.principal AS DOUBLE) AS ever_90_balance
        FROM grid g LEFT JOIN milestones b ON b.cohort = g.cohort AND b.mob <= g.mob
        GROUP BY g.cohort, g.mob, g.loans, g.principal
        ORDER BY g.cohort, g.mob
        """,
        last_end=last_month_end(as_of), **params,
    )


def vintage_comparison(vintage: pl.DataFrame, mob: int = 3, cohorts: int = 6) -> dict:
    """The last `cohorts` cohorts observed at `mob` against the `cohorts` before them: principal-weighted
    ever-30+ balance rate at that MOB for each group."""
    at_mob = vintage.filter(pl.col("mob") == mob).sort("cohort")
    recent = at_mob.tail(cohorts)
    before = at_mob.head(max(at_mob.height - cohorts, 0)).tail(cohorts)

    def weighted(group: pl.DataFrame) -> float | None:
        total = group["principal"].sum()
        return float((group["ever_30_balance"] * group["principal"]).sum() / total) if total else None

    recent_rate, earlier_rate = weighted(recent), weighted(before)
    return {"mob": mob, "recent_cohorts": recent["cohort"].to_list(), "recent": recent_rate,
            "earlier_cohorts": before["cohort"].to_list(), "earlier": earlier_rate,
            "difference": None if recent_rate is None or earlier_rate is None else recent_rate - earlier_rate}


def payment_default(con: duckdb.DuckDBPyConnection, as_of: dt.date, days: int = 30, installment_no: int = 1,
                    segment: str | None = None, value: str | None = None) -> dict:
    """FPD/SPD/TPD x (installment 1/2/3): of new loans whose installment fell due at least `days` days
    before `as_of`, the share whose installment was still unsettled `days` days after its due date."""
    where, params = segment_filter(segment, value)
    eligible, defaulted = rows(
        con,
        f"""
        SELECT count(*), count(*) FILTER (WHERE i.settled_on IS NULL OR i.settled_on > i.due_date + $days)
        FROM {derived.installment_settlement(con)} i JOIN {derived.loan_segment(con)} s USING (loan_id)
        WHERE s.is_new AND i.installment_no = $n AND i.due_date <= $as_of - $days AND {where}
        """,
        as_of=as_of, days=days, n=installment_no, **params,
    )[0]
    return {"eligible": eligible, "defaulted": defaulted, "rate": defaulted / eligible if eligible else None}


def payment_default_by_cohort(con: duckdb.DuckDBPyConnection, as_of: dt.date, days: int = 30,
                              installment_no: int = 1, segment: str | None = None,
                              value: str | None = None, by: str | None = None) -> pl.DataFrame:
    """FPD/SPD/TPD by origination cohort (only installments due at least `days` days before `as_of`); with `by` (a
    segment) by its value and cohort, the value in a first column `value`."""
    where, params = segment_filter(segment, value)
    keys, groups = ("s.cohort", "1") if by is None else (f"s.{segments.column(by)} AS value, s.cohort", "1, 2")
    return frame(
        con,
        f"""
        SELECT {keys}, count(*) AS eligible,
               count(*) FILTER (WHERE i.settled_on IS NULL OR i.settled_on > i.due_date + $days) AS defaulted,
               count(*) FILTER (WHERE i.settled_on IS NULL OR i.settled_on > i.due_date + $days) / count(*) AS rate
        FROM {derived.installment_settlement(con)} i JOIN {derived.loan_segment(con)} s USING (loan_id)
        WHERE s.is_new AND i.installment_no = $n AND i.due_date <= $as_of - $days AND {where}
        GROUP BY {groups} ORDER BY {groups}
        """,
        as_of=as_of, days=days, n=installment_no, **params,
    )
