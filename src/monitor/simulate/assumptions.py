"""The loan-level simulator's assumptions, each with a default estimated from the book's own history and its
source.

`estimate_book(con, as_of)` runs the set-oriented SQL once per as-of day (aggregates over loans; cache it);
`loan_defaults(book, loan)` then picks one loan's defaults in plain Python. Each default is an Assumption: its
value, the catalog keys of its source in words (simulator_loan.source.*) and the numbers behind it, which fill
those texts' placeholders.

One model for every option (DESIGN.md §6): a plan either performs or fails, and failing means defaulting: reaching
DPD 90+ at a month-end, or being charged off or settled, within 12 months. All known by the end of as_of:
- doing nothing: the loan fails as the loans of its bucket did: of the loans in the bucket at the base month-end of
  monitor.metrics.default_rates_by_bucket (the count ECL's PD is observed on), those that defaulted within 12
  months, pooled with the stated prior of ECL (PD_PRIOR) counted as PRIOR_WEIGHT loans, so that a bucket few loans
  were in (a young book) is not read off one or two of them; cure_rate = 1 - that rate.
- an option (a restructuring): the loan fails as the loans restructured out of the same bucket did (the bucket the
  old loan was in the day before its restructuring): their new loans' default within 12 months of the
  restructuring, by a monthly life table so that those restructured less than 12 months ago count for the months
  seen, pooled with doing nothing's default rate in the bucket as the prior, counted as PRIOR_WEIGHT loans: a plan
  is taken to change nothing until the book shows that it does.
- the score: where the loan has an early-warning score of the latest run (early_warning.current_score_day)
  made in the bucket it is in now, both rates are multiplied by its relative risk, its PD over the mean PD of the
  loans of that bucket scored that day (capped at 1): the book sets the level, the model ranks the loan. An older
  score, or one made in another bucket (a PD of when the loan was current), is not used, and the source says so.
- recovery after charge-off: 1 - monitor.metrics.loss_given_default of the charge-offs; delay: the amount-weighted
  mean months from charge-off to the recoveries; collection cost: a policy share of what is recovered (no cost is
  recorded).
- legal action: payments on channel 'legal' after a loan's first lawsuit / its principal balance that day, and their
  amount-weighted mean months after the lawsuit; its cost and the DPD from which it is considered are policy.
- affordability: a policy ceiling on the payment-to-income ratio.
- discount rate: the loan's own APR (a performing contract is then worth its balance); monthly income: the
  customer's record.
Without data for an estimate (a young or small book), a documented policy constant is used and named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import polars as pl

from monitor import db, derived, early_warning, freshness, memo, status
from monitor.alongside import Alongside
from monitor.memo import Memo
from monitor.metrics import default_rates_by_bucket, loss_given_default
from monitor.metrics.credit_loss import PD_PRIOR
from monitor.months import last_month_end
from monitor.query import frame
from monitor.simulate.loan import LoanState

HORIZON = 12             # months in which a plan (doing nothing included) defaults or performs
PRIOR_WEIGHT = 20        # loans the prior of a bucket's re-default rate counts as
DAYS_PER_MONTH = 30.4375
# Policy constants: where the data holds nothing to estimate from, or the value is the lender's rule.
POLICY = {"recovery_rate": 0.1, "recovery_months": 12.0, "collection_cost": 0.3, "legal_recovery_rate": 0.25,
          "legal_months": 9.0, "legal_cost": 2000.0, "legal_min_dpd": 91, "max_payment_to_income": 0.5}
ASSUMPTIONS = ("cure_rate", "redefault_rate", "recovery_rate", "recovery_months", "collection_cost",
               "legal_recovery_rate", "legal_months", "legal_cost", "legal_min_dpd", "max_payment_to_income",
               "discount_rate", "monthly_income")
SHARES = ("cure_rate", "redefault_rate", "recovery_rate", "collection_cost", "legal_recovery_rate",
          "max_payment_to_income", "discount_rate")


@dataclass(frozen=True)
class Assumption:
    """A default: `value` (a share, months, days, or yuan for legal_cost and monthly_income), `source` (the catalog
    key of where it comes from, in words), `notes` (more catalog keys, said after it) and `basis` (the numbers
    behind it, the placeholders of those texts)."""

    value: float
    source: str
    basis: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.source, *self.notes)


def _last_month_end(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dt.date | None:
    return frame(con, f"SELECT max(month_end) AS m FROM {derived.month_totals_of(con)} WHERE month_end <= $as_of",
                 as_of=as_of)["m"][0]


def restructured_outcomes(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """What became of the loans restructured by as_of, by the bucket they were restructured out of (the old loan's
    bucket the day before its new loan opened): bucket, loans (observed at least one month), defaulted (their new
    loan reached DPD 90+ at a month-end, or was charged off, settled or restructured again, within HORIZON months)
    and rate: 1 - the product over months k = 1..HORIZON of (1 - defaults in month k / loans still at risk then).
    A loan is at risk in month k while it has not defaulted and month k is seen by the last month-end on or before
    as_of (a loan paid off is seen to the end). Buckets without restructured loans are absent."""
    last = _last_month_end(con, as_of)
    if last is None:
        return pl.DataFrame(schema={"bucket": pl.String, "loans": pl.Int64, "defaulted": pl.Int64,
                                    "rate": pl.Float64})
    grid = """SELECT parent_loan_id AS loan_id, CAST(origination_date - 1 AS DATE) AS as_of FROM loans
              WHERE parent_loan_id IS NOT NULL AND origination_date <= $as_of"""
    statuses = status.grid_status_sql(grid, precomputed_sums=freshness.derived_is_fresh(con))
    table = frame(
        con,
        f"""
        WITH restructured AS (
            SELECT loan_id, parent_loan_id, origination_date AS start, status, closed_date FROM loans
            WHERE parent_loan_id IS NOT NULL AND origination_date <= $as_of
        ),
        origin AS (SELECT loan_id, as_of, bucket FROM ({statuses})),
        first_90 AS (
            SELECT r.loan_id, min(m.month_end) AS day
            FROM restructured r JOIN {derived.loan_month(con)} m ON m.loan_id = r.loan_id
            WHERE m.month_end > r.start AND m.month_end <= $last AND m.dpd >= 90 GROUP BY r.loan_id
        ),
        events AS (
            SELECT o.bucket, r.start,
                   least(f.day, CASE WHEN r.status IN ('charged_off', 'settled', 'restructured')
                                     AND r.closed_date <= $as_of THEN r.closed_date END) AS bad_day,
                   r.status = 'paid_off' AND r.closed_date <= $as_of AS paid_off
            FROM restructured r JOIN origin o ON o.loan_id = r.parent_loan_id AND o.as_of = r.start - 1
            LEFT JOIN first_90 f ON f.loan_id = r.loan_id
        ),
        spells AS (
            SELECT bucket, event_month,
                   CASE WHEN event_month IS NOT NULL THEN event_month WHEN paid_off THEN $horizon
                        ELSE least($horizon, greatest(0, date_diff('month', start, CAST($last AS DATE)))) END AS seen
            FROM (SELECT *, CASE WHEN bad_day IS NOT NULL
                                  AND greatest(1, date_diff('month', start, bad_day)) <= $horizon
                                 THEN greatest(1, date_diff('month', start, bad_day)) END AS event_month
                  FROM events)
        )
        SELECT s.bucket, k.k AS month, count(*) FILTER (WHERE s.seen >= k.k) AS at_risk,
               count(*) FILTER (WHERE s.event_month = k.k) AS defaulted,
               count(*) FILTER (WHERE s.seen >= 1) AS loans
        FROM spells s CROSS JOIN (SELECT range + 1 AS k FROM range(CAST($horizon AS BIGINT))) k
        GROUP BY s.bucket, k.k ORDER BY s.bucket, k.k
        """,
        as_of=as_of, last=last, horizon=HORIZON, charge_off_dpd=db.charge_off_dpd(con),
    )
    return (table.filter(pl.col("loans") > 0)
            .with_columns(hazard=pl.when(pl.col("at_risk") > 0).then(pl.col("defaulted") / pl.col("at_risk"))
                          .otherwise(0.0))
            .group_by("bucket", maintain_order=True)
            .agg(loans=pl.col("loans").first(), defaulted=pl.col("defaulted").sum(),
                 rate=1 - (1 - pl.col("hazard")).product()))


def score_means(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """The latest early-warning score run on or before as_of, if current (early_warning.current_score_day): day, and
    by_bucket (bucket of the scored loan's DPD that day, loans, mean_pd). day None when there is none."""
    day = early_warning.current_score_day(con, as_of)
    if day is None:
        return {"day": None, "by_bucket": {}}
    means = frame(con, f"""SELECT {status.bucket_sql('dpd')} AS bucket, count(*) AS loans, avg(pd) AS mean_pd
                            FROM scores WHERE as_of = $day GROUP BY ALL""",
                   day=day, charge_off_dpd=db.charge_off_dpd(con))
    return {"day": day, "by_bucket": {row["bucket"]: row for row in means.iter_rows(named=True)}}


def charge_off_recovery(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Recovery after charge-off, from monitor.metrics.loss_given_default's charge-offs (by_kind['charge_off']):
    rate = 1 - their loss given default (None when the book has no seasoned charge-off), loans, balance,
    recovered, charged_off_by, and months (amount-weighted mean months from charge-off to a recovery)."""
    lgd = loss_given_default(con, as_of)
    charged_off = lgd["by_kind"]["charge_off"]
    months = frame(
        con,
        """SELECT sum(p.amount * CAST(CAST(p.paid_at AS DATE) - l.charge_off_date AS DOUBLE))
                  / sum(p.amount) / $days_per_month AS months
           FROM payments p JOIN loans l USING (loan_id)
           WHERE l.charge_off_date <= $cutoff AND CAST(p.paid_at AS DATE) >= l.charge_off_date
             AND CAST(p.paid_at AS DATE) <= $as_of""",
        cutoff=lgd["charged_off_by"], as_of=as_of, days_per_month=DAYS_PER_MONTH,
    )["months"][0]
    return {"rate": None if charged_off["lgd"] is None else 1 - charged_off["lgd"], "loans": charged_off["loans"],
            "balance": charged_off["balance"], "recovered": charged_off["recovered"],
            "charged_off_by": lgd["charged_off_by"], "months": float(months) if months is not None else None}


def legal_recovery(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Legal action: loans sued by as_of, their principal balance on the day of the first lawsuit, recovered (legal
    payments after it), rate = recovered / balance, and months (amount-weighted mean months after the lawsuit)."""
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    grid = """SELECT loan_id, CAST(min(action_at) AS DATE) AS as_of FROM collection_actions
              WHERE action_type = 'lawsuit' AND action_at < $until GROUP BY loan_id"""
    found = frame(
        con,
        f"""
        WITH sued AS ({status.grid_status_sql(grid, precomputed_sums=freshness.derived_is_fresh(con))}),
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


def estimate_book(con: duckdb.DuckDBPyConnection, as_of: dt.date, past: Memo = memo.computed) -> dict:
    """The book-wide estimates behind the defaults, once per as-of day: default (default_rates_by_bucket's frame),
    restructured (restructured_outcomes' frame), scores (score_means), recovery and legal (dicts; rate None when
    nothing was observed). `past` keeps the PDs by bucket, which read the last month-end only (monitor.memo).
    The estimates do not read each other: the recoveries are computed alongside the rest (monitor.alongside)."""
    month_end = last_month_end(as_of)
    with Alongside(con) as alongside:
        recovery = alongside.submit(charge_off_recovery, as_of)
        legal = alongside.submit(legal_recovery, as_of)
        return {"as_of": as_of, "default": past(con, month_end, default_rates_by_bucket, month_end),
                "restructured": restructured_outcomes(con, as_of), "scores": score_means(con, as_of),
                "recovery": recovery.result(), "legal": legal.result()}


def _policy(key: str) -> Assumption:
    return Assumption(float(POLICY[key]), "simulator_loan.source.policy", {"value": POLICY[key]})


def _observed(value, key: str, source: str, basis: dict) -> Assumption:
    """The estimate with its source, or the policy constant for `key` when nothing was observed."""
    return _policy(key) if value is None else Assumption(float(value), source, basis)


def relative_risk(book: dict, loan: LoanState) -> tuple[float | None, dict, tuple[str, ...]]:
    """The loan's PD over the mean PD of its bucket's loans in the latest score run, when that run scored the loan
    in the bucket it is in now; else None. With the basis of the text and the note keys that say which."""
    if loan.score_pd is None:
        return None, {}, ()
    then = status.bucket_of(loan.score_dpd or 0, loan.charge_off_dpd)
    basis = {"pd": loan.score_pd, "day": loan.score_day, "then": then, "bucket": loan.bucket}
    if then != loan.bucket:
        return None, basis, ("simulator_loan.source.score_other_bucket",)
    scores = book["scores"]
    mean = scores["by_bucket"].get(loan.bucket)
    if loan.score_day != scores["day"] or not mean or not mean["mean_pd"]:
        return None, basis, ("simulator_loan.source.score_stale",)
    factor = loan.score_pd / mean["mean_pd"]
    return factor, basis | {"mean": mean["mean_pd"], "scored": mean["loans"], "factor": factor}, (
        "simulator_loan.source.score",)


def _scaled(rate: float, factor: float | None) -> float:
    return rate if factor is None else float(min(1.0, rate * factor))


def default_rate(book: dict, bucket: str) -> tuple[float, dict]:
    """Doing nothing's 12-month default rate in `bucket`: the loans in it at the base month-end of
    monitor.metrics.default_rates_by_bucket and how many defaulted, pooled with the stated prior PD_PRIOR of the
    bucket counted as PRIOR_WEIGHT loans; with the basis of its source text."""
    row = book["default"].filter(bucket=bucket).row(0, named=True)
    prior = PD_PRIOR[bucket]
    rate = (row["defaulted"] + PRIOR_WEIGHT * prior) / (row["loans"] + PRIOR_WEIGHT)
    return rate, {"bucket": bucket, "loans": row["loans"], "defaulted": row["defaulted"], "rate": rate,
                  "first": row["observed_from"], "last": row["observed_to"], "prior": prior, "weight": PRIOR_WEIGHT}


def _cure(book: dict, loan: LoanState, factor, score_basis: dict, score_notes: tuple) -> Assumption:
    rate, basis = default_rate(book, loan.bucket)
    return Assumption(1 - _scaled(rate, factor), "simulator_loan.source.cure", basis | score_basis, score_notes)


def _redefault(book: dict, loan: LoanState, factor, score_basis: dict, score_notes: tuple) -> Assumption:
    prior, _ = default_rate(book, loan.bucket)
    found = book["restructured"].filter(bucket=loan.bucket)
    basis = {"bucket": loan.bucket, "prior": prior, "weight": PRIOR_WEIGHT} | score_basis
    if not found.height:
        return Assumption(_scaled(prior, factor), "simulator_loan.source.redefault_prior", basis, score_notes)
    row = found.row(0, named=True)
    pooled = (row["loans"] * row["rate"] + PRIOR_WEIGHT * prior) / (row["loans"] + PRIOR_WEIGHT)
    basis |= {"loans": row["loans"], "defaulted": row["defaulted"], "observed": row["rate"]}
    return Assumption(_scaled(pooled, factor), "simulator_loan.source.redefault", basis, score_notes)


def loan_defaults(book: dict, loan: LoanState) -> dict[str, Assumption]:
    """One active loan's default assumptions (ASSUMPTIONS, in that order) from estimate_book's result."""
    recovery, legal = book["recovery"], book["legal"]
    factor, score_basis, score_notes = relative_risk(book, loan)
    return {
        "cure_rate": _cure(book, loan, factor, score_basis, score_notes),
        "redefault_rate": _redefault(book, loan, factor, score_basis, score_notes),
        "recovery_rate": _observed(recovery["rate"], "recovery_rate", "simulator_loan.source.recovery", recovery),
        "recovery_months": _observed(recovery["months"], "recovery_months",
                                     "simulator_loan.source.recovery_months", recovery),
        "collection_cost": Assumption(float(POLICY["collection_cost"]), "simulator_loan.source.collection_cost",
                                      {"value": POLICY["collection_cost"]}),
        "legal_recovery_rate": _observed(legal["rate"], "legal_recovery_rate", "simulator_loan.source.legal",
                                         legal),
        "legal_months": _observed(legal["months"], "legal_months", "simulator_loan.source.legal_months", legal),
        "legal_cost": Assumption(POLICY["legal_cost"], "simulator_loan.source.legal_cost",
                                 {"value": POLICY["legal_cost"]}),
        "legal_min_dpd": Assumption(float(POLICY["legal_min_dpd"]), "simulator_loan.source.legal_min_dpd",
                                    {"value": POLICY["legal_min_dpd"]}),
        "max_payment_to_income": Assumption(POLICY["max_payment_to_income"], "simulator_loan.source.affordability",
                                            {"value": POLICY["max_payment_to_income"]}),
        "discount_rate": Assumption(loan.annual_rate, "simulator_loan.source.discount", {"rate": loan.annual_rate}),
        "monthly_income": Assumption(loan.monthly_income_fen / 100, "simulator_loan.source.income", {}),
    }


def values(defaults: dict[str, Assumption]) -> dict[str, float]:
    """The values of loan_defaults' result, by name (what monitor.simulate.options.compare takes)."""
    return {name: float(default.value) for name, default in defaults.items()}
