"""One loan's state at the end of a day, as the loan-level simulator needs it: its balance, its arrears split
into principal and charges, the rest of its contract as it stood that day, the customer's income and the
latest early-warning score.

Status and facts come from monitor.account (the Account view's definitions: loan_facts, loan_status,
score_history); the contract from the installments table (contract_after). Money in integer fen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from monitor import account, db
from monitor.schedule import amortize_fen
from monitor.simulate.amortize import due_dates

CONTRACT_SCHEMA = {"installment_no": pl.Int32, "due_date": pl.Date, "principal_fen": pl.Int64,
                   "charges_fen": pl.Int64, "amount_fen": pl.Int64}


def _fen(yuan: float | None) -> int:
    return int(round((yuan or 0.0) * 100))


@dataclass(frozen=True)
class LoanState:
    """presence: 'on_book', 'not_yet' or 'unknown' (monitor.account.presence), or 'no_schedule' for a loan on the
    book whose installments have not landed yet; status: 'active' or how it
    closed by as_of. The figures below are set only while the loan is active (`active`).

    arrears_principal_fen + arrears_charges_fen = overdue_fen: the overdue principal is the principal balance
    not owed by the upcoming installments (payments settle interest and fees before principal, so what is
    left unpaid of a past-due installment is its principal first). contract_fen[i] is the amount due of the
    (i+1)-th installment still to fall due (due on or after as_of), taken as due i+1 months from now;
    contract_principal_fen[i] its principal. score_* describe the loan's latest early-warning score on or
    before as_of (None when it has none): its PD, the day and the DPD the loan had that day."""

    loan_id: int
    as_of: dt.date
    presence: str
    status: str | None = None
    dpd: int = 0
    bucket: str = "M0"
    annual_rate: float = 0.0
    repayment_method: str = "equal_installment"
    principal_balance_fen: int = 0
    overdue_fen: int = 0
    arrears_principal_fen: int = 0
    arrears_charges_fen: int = 0
    contract_fen: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    contract_principal_fen: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    contract_interest_fen: int = 0
    monthly_income_fen: int = 0
    score_pd: float | None = None
    score_day: dt.date | None = None
    score_dpd: int | None = None
    charge_off_dpd: int = db.DEFAULT_CHARGE_OFF_DPD

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def installments_left(self) -> int:
        """Installments of the contract still to fall due (0 for a loan past its last due date)."""
        return len(self.contract_fen)

    @property
    def remaining_term(self) -> int:
        """The term a plan over 'the months left' runs: installments_left, at least 1 (a loan past its last
        due date is re-planned over one month)."""
        return max(1, self.installments_left)

    @property
    def owes_nothing(self) -> bool:
        """Nothing left to pay: no principal balance and nothing overdue."""
        return self.principal_balance_fen <= 0 and self.overdue_fen <= 0


def contract_after(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> pl.DataFrame:
    """What is still to pay of the installments of the loan's contract that fall due on or after as_of, as the
    contract stood at the end of that day: installment_no, due_date, principal_fen, charges_fen (interest and
    fees), amount_fen. Payments by the end of as_of settle the installments in order, charges before principal
    (DESIGN.md §4), so an installment paid ahead is left out and one paid in part keeps what is left of it.

    The installments table holds today's schedule. It is the contract as it stood on any earlier day too, with
    one exception: an early payoff rewrites the rest of the schedule into one installment due on the payoff day
    (the generator does, as a lender's system does). For a loan paid off after as_of with fewer installments
    than its term, the installments from the first one due on or after as_of are therefore those of the
    contract's own terms (monitor.schedule.amortize_fen on principal, APR, term and repayment method, due
    monthly from origination as monitor.simulate.amortize.due_dates), with the fee of its other installments."""
    rows = con.sql(
        """SELECT i.installment_no, i.due_date, CAST(round(i.principal_due * 100) AS BIGINT) AS principal_fen,
                  CAST(round((i.interest_due + i.fee_due) * 100) AS BIGINT) AS charges_fen,
                  CAST(round(i.fee_due * 100) AS BIGINT) AS fee_fen
           FROM installments i WHERE i.loan_id = $loan_id ORDER BY i.installment_no""",
        params={"loan_id": loan_id}).pl()
    terms = con.sql(
        """SELECT CAST(round(principal * 100) AS BIGINT) AS principal_fen, CAST(annual_rate AS DOUBLE) AS rate,
                  term_months, repayment_method, origination_date,
                  status = 'paid_off' AND closed_date > $as_of AS paid_off_later,
                  (SELECT CAST(round(coalesce(sum(amount), 0) * 100) AS BIGINT) FROM payments
                   WHERE loan_id = $loan_id AND paid_at < $until) AS paid_fen
           FROM loans WHERE loan_id = $loan_id""",
        params={"loan_id": loan_id, "as_of": as_of,
                "until": dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())}).pl().row(0, named=True)
    if terms["paid_off_later"] and rows.height < terms["term_months"]:
        term = terms["term_months"]
        kept = rows.filter(pl.col("due_date") < as_of)
        principal, interest = amortize_fen(np.array([terms["principal_fen"]]), np.array([terms["rate"]]), term,
                                           np.array([terms["repayment_method"] == "equal_principal"]))
        fee = int(rows["fee_fen"].max() or 0)
        rebuilt = pl.DataFrame({
            "installment_no": np.arange(kept.height + 1, term + 1),
            "due_date": due_dates(terms["origination_date"], term)[kept.height:],
            "principal_fen": principal[0][kept.height:], "charges_fen": interest[0][kept.height:] + fee,
            "fee_fen": np.full(term - kept.height, fee)}, schema=kept.schema)
        rows = pl.concat([kept, rebuilt])
    amount = pl.col("principal_fen") + pl.col("charges_fen")
    toward = (terms["paid_fen"] - (amount.cum_sum() - amount)).clip(0, None)  # paid toward each, oldest first
    return (rows.with_columns(paid=pl.min_horizontal(toward, amount))
            .with_columns(charges_fen=pl.col("charges_fen") - pl.min_horizontal("paid", "charges_fen"),
                          principal_fen=pl.col("principal_fen")
                          - (pl.col("paid") - pl.min_horizontal("paid", "charges_fen")))
            .with_columns(amount_fen=amount)
            .filter((pl.col("due_date") >= as_of) & (pl.col("amount_fen") > 0))
            .select(list(CONTRACT_SCHEMA)).cast(CONTRACT_SCHEMA))


def loan_state(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> LoanState:
    """The loan's state at the end of as_of (see LoanState); a few small queries on one loan."""
    presence = account.presence(con, loan_id, as_of)
    if presence == "on_book" and not account.has_schedule(con, loan_id):
        presence = "no_schedule"  # landed before its installments: nothing to restructure yet
    if presence != "on_book":
        return LoanState(loan_id, as_of, presence)
    facts = account.loan_facts(con, loan_id, as_of)
    status = account.loan_status(con, loan_id, as_of)
    if status is None:
        return LoanState(loan_id, as_of, presence, facts["status"])
    contract = contract_after(con, loan_id, as_of)
    contract_principal = contract["principal_fen"].to_numpy()
    balance, overdue = _fen(status["principal_balance"]), _fen(status["overdue_amount"])
    arrears_principal = min(overdue, max(0, balance - int(contract_principal.sum())))
    scores = account.score_history(con, loan_id, as_of)
    latest = scores.row(-1, named=True) if scores.height else None
    return LoanState(
        loan_id, as_of, presence, "active", dpd=int(status["dpd"]), bucket=status["bucket"],
        annual_rate=float(facts["annual_rate"]), repayment_method=facts["repayment_method"],
        principal_balance_fen=balance, overdue_fen=overdue, arrears_principal_fen=arrears_principal,
        arrears_charges_fen=overdue - arrears_principal, contract_fen=contract["amount_fen"].to_numpy(),
        contract_principal_fen=contract_principal, contract_interest_fen=int(contract["charges_fen"].sum()),
        monthly_income_fen=_fen(facts["monthly_income"]),
        score_pd=float(latest["pd"]) if latest else None, score_day=latest["as_of"] if latest else None,
        score_dpd=int(latest["dpd"]) if latest and latest["dpd"] is not None else None,
        charge_off_dpd=db.charge_off_dpd(con),
    )
