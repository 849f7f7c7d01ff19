"""The backtest of a credit policy on history (issue 18): "had this cut-off applied over the last 12 months".

The booked loans: the loans booked from the applications applied in the 12 months ending OUTCOME_MONTHS (6) months
before as_of (monitor.origination.whatif_population.window) whose outcome window has ended by as_of (a loan booked a
day or two after its application, in the window's last days, can end it after as_of: it is left out). The swap-out
set: those whose application_score is below the policy's cut-off, i.e. the booked loans the policy would have
declined (overrides and loans of older, looser policies included).

For the swap-out set, side by side, each with the keys loans, bad_rate, loss and interest:
- projected, from the same PDs, pricing and assumptions as the what-if, at the amount lent (line multiplier 1, as
  booked): loans; bad_rate, the expected bad rate (mean PD); loss, the expected loss (PD x the share of bads
  that default x LGD x amount x ead_share); interest, the expected interest over the installments due by as_of
  (whole months from origination to as_of, at most the term; a bad pays its first two), so that it is comparable
  with what can have been received.
- actual, observable at as_of: loans; bad_rate (monitor.origination.outcomes: 30+ DPD, restructured or charged off
  within 6 months on book); loss, the net loss: for each loan charged off or settled at a discount by as_of, its
  principal balance the day before less the payments recovered since, to as_of (metrics.credit_loss
  .default_losses_sql, the LGD's own definition; a loan restructured into a new one is bad, the new loan's later
  loss is not followed); interest, the interest received: the loan's payments to as_of before any charge-off,
  allocated to its installments in order and, within each installment, to interest first: min(interest_due, what
  reached the installment), a partly paid installment included.
- error = projected - actual, each (loans: 0 by construction).
Losses and interest after as_of are not observed: a young loan's net loss is a floor of its final loss.
An empty swap-out set gives zero loans and money, None for the bad rates and their error, and empty true.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from monitor import db, derived, status_path
from monitor.metrics.credit_loss import default_losses_sql, defaults_sql
from monitor.months import same_day_months_before
from monitor.origination import outcomes
from monitor.origination.whatif_assumptions import Assumptions
from monitor.origination.whatif_population import (
    APPLIED_IN_WINDOW,
    applied_sql,
    expected_interest_sql,
    priced_sql,
    pricing_sql,
    window,
)
from monitor.status import fen_to_yuan

if TYPE_CHECKING:
    from monitor.origination.whatif import PolicyChoice

COLUMNS = {"channel": pl.String, "product": pl.String, "application_score": pl.Int32, "loans": pl.Int64,
           "pd_sum": pl.Float64, "pd_amount": pl.Float64, "projected_interest": pl.Float64, "bad": pl.Int64,
           "net_loss": pl.Float64, "interest_received": pl.Float64}

# The installments due by $as_of: whole months from origination (due on the origination's day, at most the 28th).
_MONTHS_DUE = """(12 * (year($as_of) - year(l.origination_date)) + month($as_of) - month(l.origination_date)
                  - CASE WHEN day($as_of) < least(day(l.origination_date), 28) THEN 1 ELSE 0 END)"""


def backtest_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last) applied day of the backtest's applications."""
    return window(same_day_months_before(as_of, outcomes.OUTCOME_MONTHS))


def backtest_population(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """The backtest's booked loans aggregated by (channel, product, application_score): loans, pd_sum, pd_amount,
    projected_interest (to as_of), bad, net_loss and interest_received (module docstring). Empty without
    application_scores."""
    if not db.table_exists(con, "application_scores"):
        return pl.DataFrame(schema=COLUMNS)
    first, last = backtest_window(as_of)
    applied = applied_sql(f"{APPLIED_IN_WINDOW} AND a.loan_id IS NOT NULL")
    defaults = f"SELECT d.* FROM ({defaults_sql('$as_of')}) d SEMI JOIN booked b USING (loan_id)"
    found = con.sql(f"""
        WITH outcome AS ({outcomes.booked_outcomes_sql(con, APPLIED_IN_WINDOW)}),
        booked AS MATERIALIZED (
            SELECT a.*, o.bad, l.origination_date, l.charge_off_date,
                   greatest(0, least(a.term, {_MONTHS_DUE})) AS months_due,
                   -- payments count up to as_of and before any charge-off: one comparison per payment
                   CAST(least($as_of + 1, coalesce(l.charge_off_date, $as_of + 1)) AS TIMESTAMP) AS paid_before
            FROM ({applied}) a JOIN outcome o USING (application_id) JOIN loans l ON l.loan_id = o.loan_id
            WHERE o.observed
        ),
        grid AS ({pricing_sql("SELECT * FROM booked")}),
        priced AS ({priced_sql("SELECT * FROM grid", "SELECT DISTINCT term, months_due AS months FROM booked")}),
        losses AS (SELECT loan_id, sum(balance - recovered) AS net_loss
                   FROM ({default_losses_sql(con, defaults)}) GROUP BY loan_id),
        received AS ({_interest_received_sql(con, as_of)})
        SELECT b.channel, b.product, b.application_score, count(*) AS loans, sum(b.pd) AS pd_sum,
               sum(b.pd * b.amount) AS pd_amount,
               sum(b.amount * {expected_interest_sql("b.pd", "p")}) AS projected_interest,
               count(*) FILTER (WHERE b.bad) AS bad,
               CAST(coalesce(sum(s.net_loss), 0) AS DOUBLE) AS net_loss,
               CAST(coalesce(sum(r.interest), 0) AS DOUBLE) AS interest_received
        FROM booked b LEFT JOIN priced p ON p.product = b.product AND p.band = b.band AND p.term = b.term
                                       AND p.months = b.months_due
        LEFT JOIN losses s USING (loan_id)
        LEFT JOIN received r USING (loan_id)
        GROUP BY ALL ORDER BY ALL""",
        params={"first": first, "last": last, "as_of": as_of, "charge_off_dpd": db.charge_off_dpd(con)}).pl()
    return found.cast(COLUMNS)


def _interest_received_sql(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """Each booked loan's interest received (loan_id, interest; SQL over the relation booked, parameter $as_of): read
    from the loans' status paths where they cover as_of, else computed from the payments (the same numbers: a test
    compares them). Its payments count up to as_of and before any charge-off."""
    if status_path.covers(con, as_of):
        return f"SELECT loan_id, {fen_to_yuan('interest_fen')} AS interest FROM ({status_path.held_sql('booked')})"
    return f"""
        WITH paid AS (
            SELECT p.loan_id, sum(p.amount) AS paid
            FROM payments p JOIN booked b ON b.loan_id = p.loan_id AND p.paid_at < b.paid_before
            GROUP BY p.loan_id
        )
        SELECT i.loan_id, sum(least(i.interest_due, p.paid - (i.cum_due - i.amount_due))) AS interest
        -- an installment the payments did not reach received nothing: not read
        FROM paid p JOIN {derived.installment_settlement(con)} i
          ON i.loan_id = p.loan_id AND i.cum_due - i.amount_due < p.paid
        GROUP BY i.loan_id"""


def backtest_figures(pop: pl.DataFrame, choice: PolicyChoice, assumptions: Assumptions) -> dict:
    """The swap-out set of `choice` in the backtest population: projected, actual and error (module docstring),
    with booked (the loans in the backtest) and empty."""
    cut = choice.cutoffs.cutoffs_for(pop["channel"].to_numpy(), pop["product"].to_numpy())
    out = pop.filter(pl.Series(pop["application_score"].to_numpy() < cut))
    count = int(out["loans"].sum())

    def rate(numerator: float) -> float | None:
        return float(numerator / count) if count else None

    projected = {"loans": count, "bad_rate": rate(out["pd_sum"].sum()),
                 "loss": float(assumptions.lgd.value * assumptions.ead_share.value
                               * (assumptions.default_shares(out["application_score"].to_numpy())
                                  * out["pd_amount"].to_numpy()).sum()),
                 "interest": float(out["projected_interest"].sum())}
    actual = {"loans": count, "bad_rate": rate(out["bad"].sum()), "loss": float(out["net_loss"].sum()),
              "interest": float(out["interest_received"].sum())}
    error = {name: None if projected[name] is None else projected[name] - actual[name] for name in projected}
    return {"booked": int(pop["loans"].sum()), "empty": not count, "projected": projected, "actual": actual,
            "error": error}


def backtest(con: duckdb.DuckDBPyConnection, as_of: dt.date, choice: PolicyChoice, assumptions: Assumptions) -> dict:
    """The backtest of `choice` at as_of: first and last (the applications' applied days), booked, empty,
    projected, actual and error (backtest_figures)."""
    first, last = backtest_window(as_of)
    return {"first": first, "last": last,
            **backtest_figures(backtest_population(con, as_of), choice, assumptions)}

