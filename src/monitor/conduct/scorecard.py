"""The agency scorecard: for each outside agency (and the lender's own collectors, for comparison), what it was
given, what it brought back and how it behaved in a period (rates.period), and the ranking by which next month's
accounts are allocated.

Definitions:
- accounts: the loans the agency worked in the period (a call or a visit by its collectors);
- balance assigned: their principal balance at the end of the day before the period (the allocation's day);
- cash recovered: their payments from the agency's first call or visit of the period to its end;
- recovery rate: cash recovered / balance assigned;
- cure rate: the share of its accounts at DPD 0 at the end of the period, or paid off or settled within it;
- promises kept: of the promises to pay its collectors took that fell due in the period, the share kept
  (monitor.promises);
- violations per 1,000 contacts, complaints per 10,000 accounts: monitor.conduct.rates;
- cost: the agency's commission (fee_rate x cash recovered) and its monthly fee for the days of the period; cost per
  yuan recovered = cost / cash recovered (the lender's own collectors: not in the data, None);
- allocation: agencies within both conduct limits (settings compliance_agency_max_violations_per_1000 and
  compliance_agency_max_complaints_per_10000) are ranked by net recovery ((cash - cost) / balance assigned) and
  share next month's accounts in proportion to it (equally when none recovered more than it cost); an agency over a
  limit is ranked after them, for review, and gets none.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import day_status, db, promises
from monitor.conduct import rates
from monitor.status import status_params

CONDUCT_LIMITS = {"violations_per_1000": "compliance_agency_max_violations_per_1000",
                  "complaints_per_10000": "compliance_agency_max_complaints_per_10000"}

_WORK = f"""SELECT coalesce(agency_id, '{db.IN_HOUSE}') AS agency_id, loan_id, min(action_at) AS first_action
            FROM collection_actions
            WHERE action_type IN ('call', 'field_visit')
              AND action_at >= CAST($start AS TIMESTAMP) AND action_at < CAST($end AS TIMESTAMP) + INTERVAL 1 DAY
            GROUP BY ALL"""


def conduct_limits(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """The conduct limits an agency must keep to be allocated accounts (book settings)."""
    stored = db.setting_values(con, list(CONDUCT_LIMITS.values()))
    return {figure: float(stored[key]) for figure, key in CONDUCT_LIMITS.items()}


def scorecard(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pl.DataFrame:
    """One row per agency that worked accounts in the period, ranked (rank 1 first; IN_HOUSE last, unranked):
    agency_id, name, accounts, balance_assigned, cash_recovered, recovery_rate, cure_rate, promises_due,
    promises_kept_rate, contacts, violations_per_1000, complaints, complaints_per_10000, cost, cost_per_yuan,
    net_recovery_rate, within_limits, rank, allocation_share."""
    before = start - dt.timedelta(days=1)
    db.run(con, f"CREATE OR REPLACE TEMP TABLE scorecard_work AS {_WORK}", {"start": start, "end": end})
    try:
        results = _results(con, start, end, before)
    finally:
        db.run(con, "DROP TABLE IF EXISTS scorecard_work")
    conduct = rates.by_agency(con, start, end).select("agency_id", "contacts", "violations_per_1000", "complaints",
                                                       "complaints_per_10000")
    return _ranked(results.join(conduct, on="agency_id", how="left"), conduct_limits(con), start, end)


def _results(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, before: dt.date) -> pl.DataFrame:
    loans = "(SELECT DISTINCT loan_id FROM scorecard_work)"
    opening = day_status.loans_source(con, before, loans)
    opening_rows = con.sql(f"SELECT loan_id, principal_balance FROM ({opening})",
                           params=status_params(con, before)).pl()
    closing = day_status.loans_source(con, end, loans)
    closing_rows = con.sql(f"SELECT loan_id, dpd FROM ({closing})", params=status_params(con, end)).pl()
    con.register("scorecard_opening", opening_rows)
    con.register("scorecard_closing", closing_rows)
    try:
        return con.sql(f"""
            WITH cash AS (
                SELECT w.agency_id, w.loan_id, coalesce(sum(p.amount), 0) AS cash
                FROM scorecard_work w LEFT JOIN payments p
                  ON p.loan_id = w.loan_id AND p.paid_at >= w.first_action
                 AND p.paid_at < CAST($end AS TIMESTAMP) + INTERVAL 1 DAY
                GROUP BY ALL),
            cured AS (
                SELECT w.agency_id, w.loan_id,
                       coalesce(c.dpd = 0, FALSE)
                       OR (l.status IN ('paid_off', 'settled') AND l.closed_date BETWEEN $start AND $end) AS cured
                FROM scorecard_work w JOIN loans l USING (loan_id) LEFT JOIN scorecard_closing c USING (loan_id)),
            promised AS (
                SELECT coalesce(a.agency_id, '{db.IN_HOUSE}') AS agency_id, a.action_id, a.ptp_amount,
                       coalesce(sum(p.amount), 0) AS paid
                FROM collection_actions a LEFT JOIN payments p
                  ON {promises.counts_towards('a', 'p', 'CAST($end AS TIMESTAMP) + INTERVAL 1 DAY')}
                WHERE a.outcome = 'promise_to_pay' AND a.ptp_date BETWEEN $start AND $end
                GROUP BY ALL),
            kept AS (
                SELECT agency_id, count(*) AS promises_due,
                       count(*) FILTER (WHERE {promises.kept('paid', 'ptp_amount')}) AS promises_kept
                FROM promised GROUP BY agency_id)
            SELECT w.agency_id, ag.name, count(*) AS accounts,
                   coalesce(sum(o.principal_balance), 0) AS balance_assigned, sum(cash.cash) AS cash_recovered,
                   count(*) FILTER (WHERE cured.cured) / count(*) AS cure_rate,
                   any_value(kept.promises_due) AS promises_due,
                   any_value(kept.promises_kept) / any_value(kept.promises_due) AS promises_kept_rate,
                   any_value(ag.fee_rate) * sum(cash.cash)
                     + any_value(ag.monthly_fee) * (datediff('day', $start, $end) + 1)
                       / (datediff('day', $start, last_day($start)) + 1) AS cost
            FROM scorecard_work w
            JOIN cash USING (agency_id, loan_id) JOIN cured USING (agency_id, loan_id)
            LEFT JOIN scorecard_opening o USING (loan_id)
            LEFT JOIN agencies ag USING (agency_id) LEFT JOIN kept USING (agency_id)
            GROUP BY w.agency_id, ag.name""", params={"start": start, "end": end}).pl()
    finally:
        con.unregister("scorecard_opening")
        con.unregister("scorecard_closing")


def _ranked(frame: pl.DataFrame, limits: dict[str, float], start: dt.date, end: dt.date) -> pl.DataFrame:
    external = pl.col("agency_id") != db.IN_HOUSE
    money = [pl.col(c).cast(pl.Float64) for c in ("balance_assigned", "cash_recovered", "cost")]
    scored = frame.with_columns(money).with_columns(
        recovery_rate=pl.when(pl.col("balance_assigned") > 0)
        .then(pl.col("cash_recovered") / pl.col("balance_assigned")),
        cost_per_yuan=pl.when(pl.col("cash_recovered") > 0).then(pl.col("cost") / pl.col("cash_recovered")),
        net_recovery_rate=pl.when(pl.col("balance_assigned") > 0)
        .then((pl.col("cash_recovered") - pl.col("cost")) / pl.col("balance_assigned")),
        within_limits=external
        & (pl.col("violations_per_1000").fill_null(0) <= limits["violations_per_1000"])
        & (pl.col("complaints_per_10000").fill_null(0) <= limits["complaints_per_10000"]),
    )
    eligible = scored.filter("within_limits")
    allocated = eligible["net_recovery_rate"].clip(lower_bound=0).fill_null(0).sum()
    # no eligible agency recovered more than it cost: the eligible share equally
    even = pl.lit(1 / eligible.height if eligible.height else None)
    ordered = scored.sort([pl.col("agency_id") == db.IN_HOUSE, ~pl.col("within_limits"),
                           pl.col("net_recovery_rate")], descending=[False, False, True], nulls_last=True)
    return ordered.with_columns(
        rank=pl.when(external).then(pl.int_range(1, pl.len() + 1)),
        allocation_share=pl.when(pl.col("within_limits") & (allocated > 0))
        .then(pl.col("net_recovery_rate").clip(lower_bound=0).fill_null(0) / allocated)
        .when(pl.col("within_limits")).then(even)
        .when(external).then(0.0),
    ).select("agency_id", "name", "accounts", "balance_assigned", "cash_recovered", "recovery_rate", "cure_rate",
             "promises_due", "promises_kept_rate", "contacts", "violations_per_1000", "complaints",
             "complaints_per_10000", "cost", "cost_per_yuan", "net_recovery_rate", "within_limits", "rank",
             "allocation_share")
