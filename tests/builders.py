"""A tiny builder of hand-written loan books in a real DuckDB file, for tests.

    book = Book(tmp_path / "t.duckdb")
    book.loan(1, "2026-01-10", "900.00",
              schedule=[("2026-02-10", "300.00", "15.00", "5.00"), ...])
    book.payment(1, "2026-02-10 09:00:00", "320.00")
    rows = day_status.status_as_of(book.con, dt.date(2026, 2, 11))
    book.close()

Money is yuan, given as str, int or Decimal (never float) and stored as DECIMAL(14,2); `yuan(fen)` turns
integer fen into that. Dates are dt.date or 'YYYY-MM-DD'; payment times dt.datetime or 'YYYY-MM-DD HH:MM:SS'.
Every row goes in with a plain INSERT and bound parameters, so the schema's CHECK constraints apply.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from monitor import db

Money = str | int | Decimal
Day = str | dt.date

CENT = Decimal("0.01")
# The columns of collection_actions before the compliance columns (schema version 7), for tests that insert a row
# as an older book held it.
ACTION_COLUMNS = "(action_id, loan_id, action_at, action_type, agent_id, contact_party, outcome, ptp_amount, ptp_date)"


def yuan(fen: int) -> Decimal:
    """Integer fen -> Decimal yuan with 2 decimals, exactly."""
    return (Decimal(fen) * CENT).quantize(CENT)


def money(value: Money) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must be str, int or Decimal, not float")
    return Decimal(value).quantize(CENT)


def day(value: Day) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def moment(value: str | dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12, 0))
    return dt.datetime.fromisoformat(value)


class Book:
    """A new DuckDB file with the schema, and helpers that insert one row (or one loan) at a time."""

    def __init__(self, path: str | Path, con=None):
        self.path = Path(path)
        self.con = con if con is not None else db.connect(self.path, create=True)
        if con is None:
            db.create_schema(self.con)
        self._next_payment_id = 1
        self._next_restructuring_id = 1
        self._customers: set[int] = set()

    # -- rows ---------------------------------------------------------------------------------------
    def customer(self, customer_id: int = 1) -> int:
        db.run(
            self.con,
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [customer_id, f"Test {customer_id}", f"138{customer_id:08d}", f"11010119900101{customer_id:04d}",
             1990, Decimal("8000.00"), "salaried", "Beijing", 1, 650, dt.datetime(2025, 1, 1)],
        )
        self._customers.add(customer_id)
        return customer_id

    def loan(
        self,
        loan_id: int,
        origination: Day,
        principal: Money,
        schedule: list[tuple[Day, Money, Money, Money]],
        *,
        status: str | None = None,
        closed_date: Day | None = None,
        charge_off_date: Day | None = None,
        parent_loan_id: int | None = None,
        customer_id: int = 1,
    ) -> int:
        """One loan and its installments; schedule is [(due_date, principal_due, interest_due, fee_due)].

        status defaults to 'active' without a closed_date; a charge-off needs only charge_off_date
        (closed_date follows it, as the schema requires)."""
        if customer_id not in self._customers:
            self.customer(customer_id)
        if charge_off_date is not None and closed_date is None:
            closed_date = charge_off_date
        if status is None:
            if charge_off_date is not None:
                status = "charged_off"
            else:
                status = "active" if closed_date is None else "paid_off"
        db.run(
            self.con,
            "INSERT INTO loans VALUES (?, ?, 'cash_loan', 'app', ?, ?, 0.1800, ?, 'equal_installment', 650, "
            "?, ?, ?, ?)",
            [loan_id, customer_id, day(origination), money(principal), len(schedule), status,
             None if closed_date is None else day(closed_date),
             None if charge_off_date is None else day(charge_off_date), parent_loan_id],
        )
        params = []
        for no, (due, principal_due, interest_due, fee_due) in enumerate(schedule, start=1):
            p, i, f = money(principal_due), money(interest_due), money(fee_due)
            params += [loan_id, no, day(due), p, i, f, p + i + f]
        rows = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(schedule))
        db.run(self.con, f"INSERT INTO installments VALUES {rows}", params)
        return loan_id

    def payment(self, loan_id: int, paid_at: str | dt.datetime | dt.date, amount: Money,
                channel: str = "app") -> int:
        payment_id = self._next_payment_id
        self._next_payment_id += 1
        db.run(self.con, "INSERT INTO payments VALUES (?, ?, ?, ?, ?)",
               [payment_id, loan_id, moment(paid_at), money(amount), channel])
        return payment_id

    def restructuring(self, old_loan_id: int, new_loan_id: int, on: Day, kind: str = "reinstallment",
                      arrears_capitalized: Money = "0.00") -> int:
        rid = self._next_restructuring_id
        self._next_restructuring_id += 1
        db.run(self.con, "INSERT INTO restructurings VALUES (?, ?, ?, ?, ?, ?, 'tester')",
               [rid, old_loan_id, new_loan_id, day(on), kind, money(arrears_capitalized)])
        return rid

    def action(self, action_id: int, loan_id: int, action_at: str | dt.datetime | dt.date, *,
               outcome: str = "promise_to_pay", ptp_amount: Money | None = None, ptp_date: Day | None = None,
               agent_id: str = "A01", action_type: str = "call", party: str = "debtor",
               contact_id: str | None = None, answered: bool | None = None, consent: bool | None = None,
               agency_id: str | None = None) -> int:
        """One collection action; a promise to pay needs ptp_amount and ptp_date (the schema checks it). The
        compliance columns default to NULL, as in a book written before them."""
        db.run(self.con, """INSERT INTO collection_actions (action_id, loan_id, action_at, action_type, agent_id,
                                contact_party, outcome, ptp_amount, ptp_date, contact_id, answered, debtor_consent,
                                agency_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
               [action_id, loan_id, moment(action_at), action_type, agent_id, party, outcome,
                None if ptp_amount is None else money(ptp_amount), None if ptp_date is None else day(ptp_date),
                contact_id, answered, consent, agency_id])
        return action_id

    LOAN_TERMS = ("channel", "product", "annual_rate", "application_score")

    def loan_terms(self, loan_id: int, **values) -> None:
        """Set some of a loan's LOAN_TERMS (loan() writes cash_loan, app, 18% and score 650); annual_rate as a str."""
        for column, value in values.items():
            if column not in self.LOAN_TERMS:
                raise ValueError(f"loan_terms sets only {', '.join(self.LOAN_TERMS)}, not {column!r}")
            db.run(self.con, f"UPDATE loans SET {column} = ? WHERE loan_id = ?",
                   [Decimal(value) if column == "annual_rate" else value, loan_id])

    def application(self, application_id: int, applied_at: str | dt.datetime | dt.date, *, channel: str = "app",
                    product: str = "cash_loan", amount: Money = "1000.00", term: int = 12, score: int = 650,
                    cutoff: int = 600, loan_id: int | None = None, decision: str | None = None,
                    pd: float | None = None) -> int:
        """One applications row: approved when it became a loan (loan_id) or scored at or above its cut-off, else
        declined (unless `decision` says); an approval below the cut-off is an override. With `pd`, also its
        application_scores row (model 'test', points = the score)."""
        decision = decision or ("approved" if loan_id is not None or score >= cutoff else "declined")
        db.run(self.con, "INSERT INTO applications VALUES (?, ?, ?, ?, ?, ?, ?, 8000, 'salaried', 1, 35, 650, ?, ?, ?, "
                         "?, ?, ?)",
               [application_id, moment(applied_at), 1 if loan_id is not None else None, channel, product,
                money(amount), term, score, cutoff, decision,
                "score_below_cutoff" if decision == "declined" else None,
                decision == "approved" and score < cutoff, loan_id])
        if pd is not None:
            db.run(self.con, "INSERT INTO application_scores VALUES (?, 'test', ?, ?)", [application_id, pd, score])
        return application_id

    # -- housekeeping -------------------------------------------------------------------------------
    def clear(self) -> None:
        """Empty the source and derived tables (to reuse one file across many examples)."""
        for table in ("payments", "installments", "loans", "restructurings", "customers"):
            db.run(self.con, f"DELETE FROM {table}")
        for table in db.DERIVED_TABLES:
            db.run(self.con, f"DROP TABLE IF EXISTS {table}")
        self._customers.clear()
        self._next_payment_id = 1
        self._next_restructuring_id = 1

    def close(self) -> None:
        self.con.close()
