"""The through-the-door population of the credit-policy what-if (issue 18), aggregated in SQL so that a policy is
evaluated on a few thousand rows (monitor.origination.whatif) in milliseconds.

The population: the applications applied in the `months` months ending as_of (the day after the same day `months`
months before, through as_of), approved and declined alike, each with its PD from application_scores (an
application without a PD is left out). One row per (channel, product, application_score): a policy decides by
these three alone, and a line multiplier by the score, so every figure of a policy is a sum of these rows' sums.

Per application, at the amount asked (a line multiplier scales every amount-weighted sum of its row):
- pricing: the APR an applicant gets is the mean annual_rate of the loans booked from the window's applications of
  the same product and PRICE_BAND-point score band (a band without booked loans takes the nearest band with some,
  of its product first; ties: the lower band). Booked and declined applicants are priced on the same grid, so that
  approved-before and approved-now are priced alike. A window without any booked loan has no price: interest 0.
- interest: an equal-installment (等额本息) loan of the amount, that APR and the term; a good pays the scheduled
  interest of the whole term, a bad (probability PD) the interest of its first MONTHS_PAID_BEFORE_DEFAULT months
  (at most the term) and then nothing: expected interest = (1 - PD) x I(term) + PD x I(min(2, term)), I(k) the
  interest of the first k installments.
- paying months (fees are charged each month a loan pays): (1 - PD) x term + PD x min(2, term).
- funding years: the average outstanding of an amortizing loan, amount x (term + 1) / (2 term), for term / 12
  years: amount x (term + 1) / 24.

Columns: channel, product, application_score, applications, recorded_approved (approved in the data, overrides
included), amount (asked, yuan), pd_sum, pd_amount (sum of PD x amount), interest (expected, yuan), paying_months
(sum of amount x paying months), funding_years (sum of amount x funding years).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import db
from monitor.months import same_day_months_before

PRICE_BAND = 20                  # score points of a pricing band
MONTHS_PAID_BEFORE_DEFAULT = 2   # a bad pays its first two installments, then defaults (stated assumption)
WINDOW_MONTHS = 12

COLUMNS = {"channel": pl.String, "product": pl.String, "application_score": pl.Int32, "applications": pl.Int64,
           "recorded_approved": pl.Int64, "amount": pl.Float64, "pd_sum": pl.Float64, "pd_amount": pl.Float64,
           "interest": pl.Float64, "paying_months": pl.Float64, "funding_years": pl.Float64}


def window(as_of: dt.date, months: int = WINDOW_MONTHS) -> tuple[dt.date, dt.date]:
    """(first, last) applied day of the `months` months ending `as_of`: first is the day after the same day
    `months` months earlier."""
    return same_day_months_before(as_of, months) + dt.timedelta(days=1), as_of


def interest_sql(rate: str, term: str, months: str) -> str:
    """SQL: the interest per yuan of the first `months` installments of an equal-installment loan at the annual rate
    `rate` over `term` months (SQL expressions). With r = rate / 12 and the level payment per yuan
    p = r / (1 - (1 + r)^-term), the balance after k installments is (1 + r)^k - p ((1 + r)^k - 1) / r and the
    interest paid k p - (1 - that balance). A zero rate pays no interest."""
    r, k = f"({rate} / 12.0)", f"({months})"
    payment = f"({r} / (1 - pow(1 + {r}, -({term}))))"
    balance = f"(pow(1 + {r}, {k}) - {payment} * (pow(1 + {r}, {k}) - 1) / {r})"
    return f"CASE WHEN {rate} > 0 THEN {k} * {payment} - (1 - {balance}) ELSE 0 END"


def pricing_sql(applied: str) -> str:
    """SQL of the pricing grid (product, band, rate): the mean annual_rate of the loans booked from the
    applications of the relation `applied` (loan_id, product, band), each band of `applied` priced by the
    nearest band with booked loans (module docstring)."""
    return f"""
        WITH booked AS (
            SELECT a.product, a.band, avg(CAST(l.annual_rate AS DOUBLE)) AS rate
            FROM ({applied}) a JOIN loans l ON l.loan_id = a.loan_id
            GROUP BY ALL
        ),
        bands AS (SELECT DISTINCT product, band FROM ({applied}))
        SELECT b.product, b.band,
               arg_min(g.rate, CAST(g.product <> b.product AS INTEGER) * 1000000 + abs(g.band - b.band) * 1000
                               + g.band) AS rate
        FROM bands b CROSS JOIN booked g GROUP BY ALL"""


# Applied from the start of $first to the end of $last, on the timestamp itself (its row groups' ranges skip the rest).
APPLIED_IN_WINDOW = "a.applied_at >= CAST($first AS TIMESTAMP) AND a.applied_at < CAST($last + 1 AS TIMESTAMP)"


def applied_sql(where: str) -> str:
    """SQL of the scored applications passing `where` (over applications a), with the columns the aggregate and the
    pricing read."""
    return f"""
        SELECT a.application_id, a.loan_id, a.channel, a.product, a.application_score,
               CAST(a.amount AS DOUBLE) AS amount,
               a.term_months AS term, a.decision = 'approved' AS recorded_approved, s.pd,
               CAST(floor(a.application_score / {PRICE_BAND}) * {PRICE_BAND} AS INTEGER) AS band
        FROM applications a JOIN application_scores s USING (application_id)
        WHERE {where}"""


def priced_sql(grid: str, terms: str) -> str:
    """SQL (product, band, term, months, good, bad): the interest per yuan of the first `months` installments that a
    good pays (good) and a bad pays (bad: the first MONTHS_PAID_BEFORE_DEFAULT of them), for each price of the grid
    (product, band, rate) and each (term, months) of the relation `terms`. A few thousand rows computed once, not
    one per application."""
    return f"""
        SELECT g.product, g.band, t.term, t.months,
               {interest_sql("g.rate", "t.term", "t.months")} AS good,
               {interest_sql("g.rate", "t.term", f"least({MONTHS_PAID_BEFORE_DEFAULT}, t.months)")} AS bad
        FROM ({grid}) g CROSS JOIN ({terms}) t"""


def expected_interest_sql(pd: str, priced: str) -> str:
    """SQL: the expected interest per yuan of an application of PD `pd` priced by the row `priced` of priced_sql: a
    good (1 - PD) pays good, a bad (PD) pays bad."""
    return f"((1 - {pd}) * {priced}.good + {pd} * {priced}.bad)"


def has_scores(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the book holds application PDs (application_scores, written by `python -m monitor
    train-application`)."""
    return db.table_exists(con, "application_scores") and bool(
        con.execute("SELECT count(*) > 0 FROM application_scores").fetchall()[0][0])


def population(con: duckdb.DuckDBPyConnection, as_of: dt.date, months: int = WINDOW_MONTHS) -> pl.DataFrame:
    """The aggregated population of the applications of the `months` months ending as_of (module docstring); empty
    (with the columns) without application_scores."""
    if not db.table_exists(con, "application_scores"):
        return pl.DataFrame(schema=COLUMNS)
    first, last = window(as_of, months)
    applied = applied_sql(APPLIED_IN_WINDOW)
    found = con.sql(f"""
        WITH applied AS MATERIALIZED ({applied}),
        grid AS ({pricing_sql("SELECT * FROM applied")}),
        priced AS ({priced_sql("SELECT * FROM grid", "SELECT DISTINCT term, term AS months FROM applied")})
        SELECT a.channel, a.product, a.application_score, count(*) AS applications,
               count(*) FILTER (WHERE a.recorded_approved) AS recorded_approved,
               sum(a.amount) AS amount, sum(a.pd) AS pd_sum, sum(a.pd * a.amount) AS pd_amount,
               coalesce(sum(a.amount * {expected_interest_sql("a.pd", "p")}), 0) AS interest,
               sum(a.amount * ((1 - a.pd) * a.term + a.pd * least({MONTHS_PAID_BEFORE_DEFAULT}, a.term)))
                   AS paying_months,
               sum(a.amount * (a.term + 1) / 24.0) AS funding_years
        FROM applied a LEFT JOIN priced p USING (product, band, term)
        GROUP BY ALL ORDER BY ALL""", params={"first": first, "last": last}).pl()
    return found.cast(COLUMNS)
