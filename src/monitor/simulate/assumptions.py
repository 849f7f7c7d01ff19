"""The loan-level simulator's assumptions, each with a default estimated from the data and its source.

`estimate_book(con, as_of)` runs the set-oriented SQL once per as-of day (aggregates over loans; cache it);
`loan_defaults(book, loan)` then picks one loan's defaults in plain Python. Each default is an Assumption:
its value, the catalog key of its source in words (simulator_loan.source.*) and the numbers behind it, which
fill that text's placeholders.

Estimates, all observed by the end of as_of:
- cure rate, per bucket: of the loans in the bucket at one of the 12 month-ends that end 6 months before the
  latest month-end, the share back in M0 (or paid off) at a month-end within the next 6; for M0, the share
  that did not reach DPD 90+ and was not charged off or settled in those 6 months. A loan with an early-warning
  PD that is current (M0) uses 1 - PD instead.
- re-default rate: the loan's latest early-warning PD on or before as_of; without one, the share of
  restructured loans (parent_loan_id set) that reached DPD 30+ at a month-end, or were charged off or settled,
  within 12 months of their restructuring (those restructured less than 12 months ago count over the months
  seen so far); months to re-default: their mean months to the first such month-end.
- recovery rate after charge-off: 1 - monitor.metrics.loss_given_default (recoveries over the balance at
  charge-off, loans charged off at least 12 months ago); delay: the amount-weighted mean months from
  charge-off to those recoveries.
- legal action: payments on channel 'legal' after a loan's first lawsuit / its principal balance that day,
  and their amount-weighted mean months after the lawsuit; the cost is a policy constant (no cost is recorded).
- discount rate: the loan's own APR (a performing contract is then worth its balance); monthly income: the
  customer's record.
Without data for an estimate (a young or small book), a documented policy constant is used and named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import polars as pl

from monitor import db, status
from monitor.metrics import loss_given_default
from monitor.metrics._sql import months_before
from monitor.simulate.loan import LoanState

CURE_HORIZON = 6        # months a delinquent loan has to return to M0
CURE_WINDOW = 12        # month-ends the cure rate is pooled over
REDEFAULT_HORIZON = 12  # months after a restructuring in which a 30+ month-end counts as re-default
DAYS_PER_MONTH = 30.4375
# Policy constants, used where the data holds nothing to estimate from.
POLICY = {"cure_rate": 0.3, "redefault_rate": 0.3, "redefault_months": 4.0, "recovery_rate": 0.1,
          "recovery_months": 12.0, "legal_recovery_rate": 0.25, "legal_months": 9.0, "legal_cost": 2000.0}
ASSUMPTIONS = ("cure_rate", "redefault_rate", "redefault_months", "recovery_rate", "recovery_months",
               "legal_recovery_rate", "legal_months", "legal_cost", "discount_rate", "monthly_income")
SHARES = ("cure_rate", "redefault_rate", "recovery_rate", "legal_recovery_rate", "discount_rate")


@dataclass(frozen=True)
class Assumption:
    """A default: `value` (a share, months, or yuan for legal_cost and monthly_income), `source` (the catalog
    key of where it comes from, in words) and `basis` (the numbers behind it, the source text's placeholders)."""

    value: float
    source: str
    basis: dict = field(default_factory=dict)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return _frame(con, "SELECT count(*) AS n FROM duckdb_tables() WHERE NOT temporary AND table_name = $name",
                  name=name)["n"][0] > 0


def cure_by_bucket(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """Cure rate per bucket (see the module doc): bucket, loans, performing, rate, first_base, last_base."""
    latest = _frame(con, "SELECT max(month_end) AS m FROM loan_month WHERE month_end <= $as_of", as_of=as_of)["m"][0]
    if latest is None:
        return pl.DataFrame(schema={"bucket": pl.String, "loans": pl.Int64, "performing": pl.Int64,
                                    "rate": pl.Float64, "first_base": pl.Date, "last_base": pl.Date})
    last_base = months_before(latest, CURE_HORIZON)
    first_base = months_before(latest, CURE_HORIZON + CURE_WINDOW - 1)
    return _frame(
        con,
        """
        WITH base AS (
            SELECT loan_id, month_end AS t0, bucket,
                   last_day(month_end + INTERVAL (CAST($horizon AS INTEGER)) MONTH) AS t1
            FROM loan_month WHERE month_end BETWEEN $first_base AND $last_base
        ),
        later AS (
            SELECT b.loan_id, b.t0, bool_or(m.bucket = 'M0') AS back_to_m0, bool_or(m.dpd >= 90) AS reached_90
            FROM base b JOIN loan_month m ON m.loan_id = b.loan_id AND m.month_end > b.t0 AND m.month_end <= b.t1
            GROUP BY b.loan_id, b.t0
        ),
        outcome AS (
            SELECT b.bucket,
                   CASE WHEN b.bucket = 'M0' THEN NOT (coalesce(x.reached_90, false)
                            OR (l.status IN ('charged_off', 'settled') AND l.closed_date > b.t0
                                AND l.closed_date <= b.t1))
                        ELSE coalesce(x.back_to_m0, false)
                            OR (l.status = 'paid_off' AND l.closed_date > b.t0 AND l.closed_date <= b.t1)
                   END AS performing
            FROM base b JOIN loans l USING (loan_id) LEFT JOIN later x USING (loan_id, t0)
        )
        SELECT bucket, count(*) AS loans, count(*) FILTER (WHERE performing) AS performing,
               count(*) FILTER (WHERE performing) / count(*) AS rate,
               CAST($first_base AS DATE) AS first_base, CAST($last_base AS DATE) AS last_base
        FROM outcome GROUP BY bucket ORDER BY bucket
        """,
        horizon=CURE_HORIZON, first_base=first_base, last_base=last_base,
    )


def restructured_redefault(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Re-default of restructured loans (see the module doc): loans, redefaulted, rate, months."""
    found = _frame(
        con,
        """
        WITH r AS (
            SELECT loan_id, origination_date, status, closed_date,
                   last_day(origination_date + INTERVAL (CAST($horizon AS INTEGER)) MONTH) AS until
            FROM loans WHERE parent_loan_id IS NOT NULL AND origination_date <= $as_of
        ),
        first_30 AS (
            SELECT r.loan_id, min(m.month_end) AS day
            FROM r JOIN loan_month m ON m.loan_id = r.loan_id AND m.month_end <= r.until AND m.month_end <= $as_of
            WHERE m.dpd >= 30 GROUP BY r.loan_id
        ),
        outcome AS (
            SELECT r.loan_id, r.origination_date,
                   coalesce(f.day, CASE WHEN r.status IN ('charged_off', 'settled') AND r.closed_date <= r.until
                                         AND r.closed_date <= $as_of THEN r.closed_date END) AS bad_day
            FROM r LEFT JOIN first_30 f USING (loan_id)
        )
        SELECT count(*) AS loans, count(bad_day) AS redefaulted,
               avg(CAST(bad_day - origination_date AS DOUBLE)) / $days_per_month AS months
        FROM outcome
        """,
        horizon=REDEFAULT_HORIZON, as_of=as_of, days_per_month=DAYS_PER_MONTH,
    ).row(0, named=True)
    return found | {"rate": found["redefaulted"] / found["loans"] if found["loans"] else None}


def charge_off_recovery(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Recovery after charge-off: monitor.metrics.loss_given_default's loans, balance and recoveries, rate =
    recovered / balance, and months (amount-weighted mean months from charge-off to a recovery)."""
    lgd = loss_given_default(con, as_of)
    months = _frame(
        con,
        """SELECT sum(p.amount * CAST(CAST(p.paid_at AS DATE) - l.charge_off_date AS DOUBLE))
                  / sum(p.amount) / $days_per_month AS months
           FROM payments p JOIN loans l USING (loan_id)
           WHERE l.charge_off_date <= $cutoff AND CAST(p.paid_at AS DATE) >= l.charge_off_date
             AND CAST(p.paid_at AS DATE) <= $as_of""",
        cutoff=lgd["charged_off_by"], as_of=as_of, days_per_month=DAYS_PER_MONTH,
    )["months"][0]
    rate = lgd["recovered"] / lgd["balance"] if lgd["balance"] else None
    return {"loans": lgd["charged_off_loans"], "balance": lgd["balance"], "recovered": lgd["recovered"],
            "charged_off_by": lgd["charged_off_by"], "rate": rate,
            "months": float(months) if months is not None else None}


def legal_recovery(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Legal action (see the module doc): loans sued, balance on the day of the first lawsuit, recovered
    (legal payments after it), rate and months."""
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    grid = """SELECT loan_id, CAST(min(action_at) AS DATE) AS as_of FROM collection_actions
              WHERE action_type = 'lawsuit' AND action_at < $until GROUP BY loan_id"""
    found = _frame(
        con,
        f"""
        WITH sued AS ({status.grid_status_sql(con, grid)}),
        paid AS (
            SELECT p.amount, CAST(CAST(p.paid_at AS DATE) - s.as_of AS DOUBLE) AS days
            FROM payments p JOIN sued s USING (loan_id)
            WHERE p.channel = 'legal' AND CAST(p.paid_at AS DATE) >= s.as_of AND p.paid_at < $until
        )
        SELECT (SELECT count(*) FROM sued) AS loans,
               (SELECT CAST(coalesce(sum(principal_balance), 0) AS DOUBLE) FROM sued) AS balance,
               CAST(coalesce(sum(amount), 0) AS DOUBLE) AS recovered,
               sum(amount * days) / sum(amount) / $days_per_month AS months
        FROM paid
        """,
        until=until, charge_off_dpd=db.charge_off_dpd(con), days_per_month=DAYS_PER_MONTH,
    ).row(0, named=True)
    return found | {"rate": found["recovered"] / found["balance"] if found["balance"] else None}


def estimate_book(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """The book-wide estimates behind the defaults, once per as-of day: cure (cure_by_bucket's frame),
    redefault, recovery and legal (dicts, see their functions; rate None when nothing was observed)."""
    return {"as_of": as_of, "cure": cure_by_bucket(con, as_of), "redefault": restructured_redefault(con, as_of),
            "recovery": charge_off_recovery(con, as_of), "legal": legal_recovery(con, as_of)}


def _observed(value, key: str, source: str, basis: dict) -> Assumption:
    """The estimate with its source, or the policy constant for `key` when nothing was observed."""
    if value is None:
        return Assumption(POLICY[key], "simulator_loan.source.policy", {"value": POLICY[key]})
    return Assumption(float(value), source, basis)


def _cure(book: dict, loan: LoanState) -> Assumption:
    if loan.pd is not None and loan.bucket == "M0":
        return Assumption(1 - loan.pd, "simulator_loan.source.cure_pd", {"pd": loan.pd, "day": loan.pd_as_of})
    row = book["cure"].filter(bucket=loan.bucket)
    if not row.height:
        return _observed(None, "cure_rate", "", {})
    found = row.row(0, named=True)
    key = "simulator_loan.source.cure_m0" if loan.bucket == "M0" else "simulator_loan.source.cure"
    return Assumption(float(found["rate"]), key, {
        "bucket": loan.bucket, "loans": found["loans"], "performing": found["performing"],
        "first": found["first_base"], "last": found["last_base"], "horizon": CURE_HORIZON})


def loan_defaults(book: dict, loan: LoanState) -> dict[str, Assumption]:
    """One active loan's default assumptions (ASSUMPTIONS, in that order) from estimate_book's result."""
    redefault, recovery, legal = book["redefault"], book["recovery"], book["legal"]
    if loan.pd is not None:
        redefault_rate = Assumption(loan.pd, "simulator_loan.source.redefault_pd",
                                    {"pd": loan.pd, "day": loan.pd_as_of})
    else:
        redefault_rate = _observed(redefault["rate"], "redefault_rate", "simulator_loan.source.redefault", redefault)
    return {
        "cure_rate": _cure(book, loan),
        "redefault_rate": redefault_rate,
        "redefault_months": _observed(redefault["months"], "redefault_months",
                                      "simulator_loan.source.redefault_months", redefault),
        "recovery_rate": _observed(recovery["rate"], "recovery_rate", "simulator_loan.source.recovery", recovery),
        "recovery_months": _observed(recovery["months"], "recovery_months",
                                     "simulator_loan.source.recovery_months", recovery),
        "legal_recovery_rate": _observed(legal["rate"], "legal_recovery_rate", "simulator_loan.source.legal",
                                         legal),
        "legal_months": _observed(legal["months"], "legal_months", "simulator_loan.source.legal_months", legal),
        "legal_cost": Assumption(POLICY["legal_cost"], "simulator_loan.source.legal_cost",
                                 {"value": POLICY["legal_cost"]}),
        "discount_rate": Assumption(loan.annual_rate, "simulator_loan.source.discount", {"rate": loan.annual_rate}),
        "monthly_income": Assumption(loan.monthly_income_fen / 100, "simulator_loan.source.income", {}),
    }
