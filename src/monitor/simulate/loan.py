"""One loan's state at the end of a day, as the loan-level simulator needs it: its balance, its arrears split
into principal and charges, the rest of its contract, the customer's income and the latest early-warning PD.

Built from monitor.account (the Account view's definitions): loan_facts, loan_status, schedule, score_history.
Money in integer fen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np

from monitor import account, db


def _fen(yuan: float | None) -> int:
    return int(round((yuan or 0.0) * 100))


@dataclass(frozen=True)
class LoanState:
    """presence: 'on_book', 'not_yet' or 'unknown' (monitor.account.presence); status: 'active' or how it
    closed by as_of. The figures below are set only while the loan is active (`active`).

    arrears_principal_fen + arrears_charges_fen = overdue_fen: the overdue principal is the principal balance
    not owed by the upcoming installments (payments settle interest and fees before principal, so what is
    left unpaid of a past-due installment is its principal first). contract_fen[i] is the amount due of the
    (i+1)-th upcoming installment, taken as due i+1 months from now; contract_principal_fen[i] its principal."""

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
    pd: float | None = None
    pd_as_of: dt.date | None = None
    charge_off_dpd: int = db.DEFAULT_CHARGE_OFF_DPD

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def remaining_term(self) -> int:
        """Upcoming installments (at least 1: a loan past its last due date is re-planned over one month)."""
        return max(1, len(self.contract_fen))


def loan_state(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> LoanState:
    """The loan's state at the end of as_of (see LoanState); five small queries on one loan."""
    presence = account.presence(con, loan_id, as_of)
    if presence != "on_book":
        return LoanState(loan_id, as_of, presence)
    facts = account.loan_facts(con, loan_id, as_of)
    status = account.loan_status(con, loan_id, as_of)
    if status is None:
        return LoanState(loan_id, as_of, presence, facts["status"])
    upcoming = account.schedule(con, loan_id, as_of).filter(state="upcoming")
    contract = np.rint(upcoming["amount_due"].to_numpy() * 100).astype(np.int64)
    contract_principal = np.rint(upcoming["principal_due"].to_numpy() * 100).astype(np.int64)
    upcoming_principal = int(contract_principal.sum())
    balance, overdue = _fen(status["principal_balance"]), _fen(status["overdue_amount"])
    arrears_principal = min(overdue, max(0, balance - upcoming_principal))
    scores = account.score_history(con, loan_id, as_of)
    return LoanState(
        loan_id, as_of, presence, "active", dpd=int(status["dpd"]), bucket=status["bucket"],
        annual_rate=float(facts["annual_rate"]), repayment_method=facts["repayment_method"],
        principal_balance_fen=balance, overdue_fen=overdue, arrears_principal_fen=arrears_principal,
        arrears_charges_fen=overdue - arrears_principal, contract_fen=contract,
        contract_principal_fen=contract_principal,
        contract_interest_fen=_fen(upcoming["interest_due"].sum()) + _fen(upcoming["fee_due"].sum()),
        monthly_income_fen=_fen(facts["monthly_income"]),
        pd=float(scores["pd"][-1]) if scores.height else None,
        pd_as_of=scores["as_of"][-1] if scores.height else None,
        charge_off_dpd=db.charge_off_dpd(con),
    )
