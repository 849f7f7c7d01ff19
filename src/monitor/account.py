"""One loan's story at the end of a day, for the Account view: the loan and its customer (masked), its status,
the schedule against the payments, the DPD history, collection actions with their promises to pay, and the
early-warning scores.

Everything is as of the end of `as_of` (DESIGN.md §4): payments and collection actions before as_of + 1 day,
restructurings, closures and scores on or before as_of; a loan originated later is not on the book yet.
Status figures (DPD, bucket, balances) come from monitor.status, the one definition, over a grid of this
loan's days. Personal data leaves the database masked (monitor.pii). Each part is one query for one loan.

The installments table holds today's schedule, and an early payoff rewrites the rest of it into one
installment due on the payoff day: for a loan that left the book after as_of, the installments due after
as_of are therefore left out (they may tell of the payoff), and only those due by as_of are shown.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import day_status, db, derive, freshness, pii, promises, status
from monitor.metrics.credit_loss import default_losses_sql
from monitor.metrics.delinquency import worst_first
from monitor.query import frame

MAX_HISTORY_POINTS = 1000  # the DPD history keeps every day up to this many, else every k-th day and month-ends
PROMISE_STATES = ("kept", "broken", "pending")
INSTALLMENT_STATES = ("settled", "overdue", "upcoming", "closed")

SCORE_SCHEMA = {"as_of": pl.Date, "pd": pl.Float64, "points": pl.Float64, "tier": pl.String,
                "reason_1": pl.String, "reason_2": pl.String, "reason_3": pl.String, "treatment": pl.String,
                "model_version": pl.String, "dpd": pl.Int32, "principal_balance": pl.Float64}


# The loan's default by as_of, if any: its charge-off (recovered: its own payments), or its settlement at a discount
# (the old loan closes settled; recovered: what the settlement loan paid), as monitor.metrics.credit_loss counts them.
_DEFAULT = """
    SELECT loan_id, 'charge_off' AS kind, charge_off_date AS default_date, loan_id AS paying_loan
    FROM loans WHERE loan_id = $loan_id AND charge_off_date <= $as_of
    UNION ALL
    SELECT old_loan_id, 'settlement', restructured_on, new_loan_id
    FROM restructurings WHERE old_loan_id = $loan_id AND kind = 'settlement' AND restructured_on <= $as_of"""
DEFAULTED = ("charged_off", "settled")  # the statuses of a loan that left the book by default


def _until(as_of: dt.date) -> dt.datetime:
    """The first moment after the end of `as_of`: events before it are known at as_of."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def presence(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> str:
    """'on_book' when the loan was originated by as_of, 'not_yet' when later, 'unknown' when there is no such
    loan. (A loan on the book may have closed since: see loan_facts' status.)"""
    found = frame(con, "SELECT origination_date <= $as_of AS originated FROM loans WHERE loan_id = $loan_id",
                   loan_id=loan_id, as_of=as_of)
    if not found.height:
        return "unknown"
    return "on_book" if found["originated"][0] else "not_yet"


def loan_facts(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> dict | None:
    """The loan and its customer, one dict (None when the loan is not on the book at as_of): loan_id,
    customer_id, product, channel, origination_date, principal, annual_rate, term_months, repayment_method,
    application_score, parent_loan_id; status at as_of ('active', or how it closed) and closed_date (None while
    active at as_of); the customer's name, phone and id_number masked (monitor.pii), monthly_income and its
    income_band (a code of pii.INCOME_BANDS), employment_type, province, city_tier, bureau_score. Money in yuan
    (float). No birth year: beside the masked ID number it would give the birth date away (monitor.pii)."""
    facts = frame(
        con,
        f"""
        SELECT l.loan_id, l.customer_id, l.product, l.channel, l.origination_date,
               CAST(l.principal AS DOUBLE) AS principal, CAST(l.annual_rate AS DOUBLE) AS annual_rate,
               l.term_months, l.repayment_method, l.application_score, l.parent_loan_id,
               CASE WHEN l.closed_date <= $as_of THEN l.status ELSE 'active' END AS status,
               CASE WHEN l.closed_date <= $as_of THEN l.closed_date END AS closed_date,
               {pii.masked_name("c.name")} AS name, {pii.masked_phone("c.phone")} AS phone,
               {pii.masked_id_number("c.id_number")} AS id_number,
               CAST(c.monthly_income AS DOUBLE) AS monthly_income,
               {pii.income_band("c.monthly_income")} AS income_band, c.employment_type, c.province,
               c.city_tier, c.bureau_score
        FROM loans l LEFT JOIN customers c USING (customer_id)
        WHERE l.loan_id = $loan_id AND l.origination_date <= $as_of
        """,
        loan_id=loan_id, as_of=as_of,
    )
    return facts.row(0, named=True) if facts.height else None


def _one_loan_grid(days: str) -> str:
    """A status grid (loan_id, as_of) of the loan $loan_id on the days `days` (an SQL expression over l)."""
    return f"SELECT l.loan_id, {days} AS as_of FROM loans l WHERE l.loan_id = $loan_id"


def loan_status(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> dict | None:
    """DPD, bucket, mob, principal_balance and overdue_amount (yuan) at the end of as_of, from
    monitor.status; None when the loan is not active then (not yet originated, or closed)."""
    grid = f"{_one_loan_grid('CAST($as_of AS DATE)')} AND {status.ACTIVE_AT.format(d='$as_of')}"
    found = frame(
        con,
        f"""SELECT dpd, bucket, mob, CAST(principal_balance AS DOUBLE) AS principal_balance,
                   CAST(overdue_amount AS DOUBLE) AS overdue_amount
            FROM ({status.grid_status_sql(grid, precomputed_sums=freshness.derived_is_fresh(con))})""",
        **status.status_params(con, as_of), loan_id=loan_id,
    )
    return found.row(0, named=True) if found.height else None


def dpd_history(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date,
                max_points: int = MAX_HISTORY_POINTS) -> pl.DataFrame:
    """The loan's status on each day it was active, from origination to as_of (or the day before it closed):
    day, dpd, bucket, principal_balance, overdue_amount (yuan). Over max_points days, every k-th day is kept,
    plus every month-end and the last day, so that it still agrees with loan_month at month-ends."""
    days = """
        SELECT loan_id, as_of FROM (
            SELECT l.loan_id, CAST(unnest(generate_series(l.origination_date, e.end_day, INTERVAL 1 DAY)) AS DATE)
                       AS as_of,
                   l.origination_date AS first_day, e.end_day,
                   greatest(1, CAST(ceil((e.end_day - l.origination_date + 1) / $max_points) AS INTEGER)) AS step
            FROM loans l
            JOIN (SELECT loan_id, least(CAST($as_of AS DATE), coalesce(closed_date - 1, CAST($as_of AS DATE)))
                             AS end_day
                  FROM loans WHERE loan_id = $loan_id) e USING (loan_id)
            WHERE l.origination_date <= e.end_day
        )
        WHERE CAST(as_of - first_day AS INTEGER) % step = 0 OR as_of = last_day(as_of) OR as_of = end_day"""
    return frame(
        con,
        f"""SELECT as_of AS day, dpd, bucket, CAST(principal_balance AS DOUBLE) AS principal_balance,
                   CAST(overdue_amount AS DOUBLE) AS overdue_amount
            FROM ({status.grid_status_sql(days, precomputed_sums=freshness.derived_is_fresh(con))}) ORDER BY day""",
        **status.status_params(con, as_of), loan_id=loan_id, max_points=max_points,
    )


def _settlement_source(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """Installments of the loan $loan_id with the day each was settled: installment_settlement while the
    derived tables are fresh and reach as_of (its settled_on may lie after as_of: the caller caps it), else
    monitor.derive.settlement_query over this loan's rows, with the payments up to $as_of."""
    through = freshness.fresh_through(con)
    if through is not None and through >= as_of:
        return "SELECT * FROM installment_settlement WHERE loan_id = $loan_id"
    one = "(SELECT * FROM {} WHERE loan_id = $loan_id)"
    return derive.settlement_query(one.format("loans"), one.format("installments"), one.format("payments"))


def schedule(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> pl.DataFrame:
    """The installments: installment_no, due_date, principal_due, interest_due, fee_due, amount_due (yuan),
    settled_on (None when not settled by as_of), state at as_of (settled, overdue: past due and unsettled,
    upcoming: due on or after as_of, closed: unsettled when the loan left the book) and days_late (settled:
    days after the due date, 0 when on time; overdue: days past due at as_of)."""
    return frame(
        con,
        f"""
        WITH s AS (
            SELECT s.installment_no, s.due_date, s.principal_due, s.interest_due, s.fee_due, s.amount_due,
                   CASE WHEN s.settled_on <= $as_of THEN s.settled_on END AS settled_on,
                   l.closed_date <= $as_of AS closed
            FROM ({_settlement_source(con, as_of)}) s JOIN loans l USING (loan_id)
            WHERE s.due_date <= $as_of OR l.closed_date IS NULL OR l.closed_date <= $as_of
        )
        SELECT installment_no, due_date, CAST(principal_due AS DOUBLE) AS principal_due,
               CAST(interest_due AS DOUBLE) AS interest_due, CAST(fee_due AS DOUBLE) AS fee_due,
               CAST(amount_due AS DOUBLE) AS amount_due, settled_on,
               CASE WHEN settled_on IS NOT NULL THEN 'settled' WHEN closed THEN 'closed'
                    WHEN due_date < $as_of THEN 'overdue' ELSE 'upcoming' END AS state,
               CASE WHEN settled_on IS NOT NULL THEN greatest(0, CAST(settled_on - due_date AS INTEGER))
                    WHEN NOT coalesce(closed, false) AND due_date < $as_of
                        THEN CAST(CAST($as_of AS DATE) - due_date AS INTEGER) END AS days_late
        FROM s ORDER BY installment_no
        """,
        loan_id=loan_id, as_of=as_of,
    )


def payments(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> pl.DataFrame:
    """The loan's payments up to the end of as_of: payment_id, paid_at, paid_on, amount (yuan), channel."""
    return frame(
        con,
        """SELECT payment_id, paid_at, CAST(paid_at AS DATE) AS paid_on, CAST(amount AS DOUBLE) AS amount, channel
           FROM payments WHERE loan_id = $loan_id AND paid_at < $until ORDER BY paid_at, payment_id""",
        loan_id=loan_id, until=_until(as_of),
    )


def collection_actions(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> pl.DataFrame:
    """The loan's collection actions up to the end of as_of, newest first: action_id, action_at, action_type,
    contact_party, outcome, agent_id, agency (the outside agency's name; NULL: the lender's own), ptp_amount,
    ptp_date, ptp_paid, promise, rules (the collection rules it broke, monitor.compliance; empty when none).

    For a promise to pay, ptp_paid is what was paid from the moment of the promise to the end of its date (or
    of as_of, if earlier); kept, pending or broken as monitor.promises defines them. promise is
    None for other outcomes."""
    return frame(
        con,
        f"""
        WITH actions AS (
            SELECT * FROM collection_actions WHERE loan_id = $loan_id AND action_at < $until
        ),
        paid AS (
            SELECT a.action_id, coalesce(sum(p.amount), 0) AS ptp_paid
            FROM actions a LEFT JOIN payments p ON {promises.counts_towards("a", "p")}
            WHERE a.outcome = 'promise_to_pay'
            GROUP BY a.action_id
        )
        SELECT a.action_id, a.action_at, a.action_type, a.contact_party, a.outcome, a.agent_id, ag.name AS agency,
               CAST(a.ptp_amount AS DOUBLE) AS ptp_amount, a.ptp_date, CAST(p.ptp_paid AS DOUBLE) AS ptp_paid,
               CASE WHEN a.outcome <> 'promise_to_pay' THEN NULL
                    WHEN {promises.kept("p.ptp_paid", "a.ptp_amount")} THEN 'kept'
                    WHEN a.ptp_date > $as_of THEN 'pending'
                    ELSE 'broken' END AS promise,
               coalesce(v.rules, []) AS rules
        FROM actions a LEFT JOIN paid p USING (action_id) LEFT JOIN agencies ag ON ag.agency_id = a.agency_id
        LEFT JOIN (SELECT action_id, list(rule ORDER BY rule) AS rules FROM violations
                   WHERE loan_id = $loan_id GROUP BY action_id) v USING (action_id)
        ORDER BY a.action_at DESC, a.action_id DESC
        """,
        loan_id=loan_id, until=_until(as_of), as_of=as_of,
    )


def promise_counts(actions: pl.DataFrame) -> dict[str, int]:
    """How many of the promises in collection_actions' frame are kept, broken and pending."""
    counts = dict(actions["promise"].drop_nulls().value_counts().iter_rows())
    return {state: int(counts.get(state, 0)) for state in PROMISE_STATES}


def restructuring_links(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> pl.DataFrame:
    """The loans this one came from and turned into by restructuring, by as_of: link ('parent': the loan it
    replaced; 'child': the loan that replaced it), loan_id, restructured_on, kind, arrears_capitalized (yuan).
    From restructurings, and from loans.parent_loan_id where a restructuring row is missing (kind None)."""
    return frame(
        con,
        """
        SELECT 'parent' AS link, old_loan_id AS loan_id, restructured_on, kind,
               CAST(arrears_capitalized AS DOUBLE) AS arrears_capitalized
        FROM restructurings WHERE new_loan_id = $loan_id AND restructured_on <= $as_of
        UNION ALL
        SELECT 'child', new_loan_id, restructured_on, kind, CAST(arrears_capitalized AS DOUBLE)
        FROM restructurings WHERE old_loan_id = $loan_id AND restructured_on <= $as_of
        UNION ALL
        SELECT 'parent', l.parent_loan_id, l.origination_date, NULL, NULL
        FROM loans l
        WHERE l.loan_id = $loan_id AND l.parent_loan_id IS NOT NULL AND l.origination_date <= $as_of
          AND NOT EXISTS (SELECT 1 FROM restructurings r WHERE r.new_loan_id = l.loan_id)
        UNION ALL
        SELECT 'child', l.loan_id, l.origination_date, NULL, NULL
        FROM loans l
        WHERE l.parent_loan_id = $loan_id AND l.origination_date <= $as_of
          AND NOT EXISTS (SELECT 1 FROM restructurings r WHERE r.new_loan_id = l.loan_id)
        ORDER BY restructured_on, link DESC, loan_id
        """,
        loan_id=loan_id, as_of=as_of,
    )


def score_history(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> pl.DataFrame:
    """The loan's early-warning scores on or before as_of, oldest first: as_of, pd, points, tier,
    reason_1..3 (feature names), treatment, model_version, dpd, principal_balance (yuan). Empty (same columns)
    when nothing was scored, or the database predates the scores table."""
    if not db.table_exists(con, "scores"):
        return pl.DataFrame(schema=SCORE_SCHEMA)
    found = frame(
        con,
        """SELECT as_of, pd, points, tier, reason_1, reason_2, reason_3, treatment, model_version, dpd,
                  CAST(principal_balance AS DOUBLE) AS principal_balance
           FROM scores WHERE loan_id = $loan_id AND as_of <= $as_of ORDER BY as_of""",
        loan_id=loan_id, as_of=as_of,
    )
    return found.cast(SCORE_SCHEMA)


def recovery(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date) -> dict | None:
    """What a loan charged off or settled by as_of lost and got back since (credit_loss.default_losses_sql, the LGD's
    definition): kind ('charge_off' or 'settlement'), default_date, paying_loan (the loan paying the recoveries:
    itself, or its settlement loan), balance (its principal balance the day before the default), recovered (the
    payments from the default day to the end of as_of), net (balance - recovered: what is lost so far), all money
    in yuan. None when the loan did not default by as_of."""
    found = frame(con, f"""SELECT kind, default_date, paying_loan, CAST(balance AS DOUBLE) AS balance,
                                  CAST(recovered AS DOUBLE) AS recovered,
                                  CAST(balance - recovered AS DOUBLE) AS net
                           FROM ({default_losses_sql(con, _DEFAULT)}) ORDER BY default_date LIMIT 1""",
                  loan_id=loan_id, as_of=as_of, charge_off_dpd=db.charge_off_dpd(con))
    return found.row(0, named=True) if found.height else None


def default_loan(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int | None:
    """The loan the Account view opens on when none is chosen: the worst delinquent loan active at as_of
    (highest DPD, then largest balance), else the active loan with the largest balance; None when no loan
    is active."""
    worst = con.execute(f"""SELECT d.loan_id FROM ({day_status.source(con, as_of)}) d
                            ORDER BY {worst_first("d")} LIMIT 1""",
                        status.status_params(con, as_of)).fetchall()
    return int(worst[0][0]) if worst else None


def account_view(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date, see_income: bool = False) -> dict:
    """Everything the Account view shows for one loan at the end of as_of. The customer's monthly_income is None
    unless `see_income` (the user may see the figure: access action see_income); its income_band is always there.

    Always: loan_id, as_of, presence ('on_book', 'not_yet', 'unknown'; see presence). When on the book:
    loan (loan_facts), status (loan_status; None when closed by as_of), links (restructuring_links),
    schedule, payments, dpd_history, actions (collection_actions), promises (promise_counts), scores
    (score_history), charge_off_dpd (the policy's, for the DPD history's scale), has_schedule (False for a loan
    landed before its installments: the files may come apart, so it has no status figures, not a closure) and
    recovery (for a loan charged off or settled by as_of, see recovery; else None)."""
    view: dict = {"loan_id": loan_id, "as_of": as_of, "presence": presence(con, loan_id, as_of)}
    if view["presence"] != "on_book":
        return view
    actions = collection_actions(con, loan_id, as_of)
    loan = loan_facts(con, loan_id, as_of)
    return view | {
        "loan": loan | {"monthly_income": loan["monthly_income"] if see_income else None},
        "status": loan_status(con, loan_id, as_of),
        "links": restructuring_links(con, loan_id, as_of),
        "schedule": schedule(con, loan_id, as_of),
        "payments": payments(con, loan_id, as_of),
        "dpd_history": dpd_history(con, loan_id, as_of),
        "actions": actions,
        "promises": promise_counts(actions),
        "scores": score_history(con, loan_id, as_of),
        "charge_off_dpd": db.charge_off_dpd(con),
        "has_schedule": has_schedule(con, loan_id),
        "recovery": recovery(con, loan_id, as_of) if loan["status"] in DEFAULTED else None,
    }


def has_schedule(con: duckdb.DuckDBPyConnection, loan_id: int) -> bool:
    """Whether the book holds any installment of the loan."""
    return bool(frame(con, "SELECT EXISTS (SELECT 1 FROM installments WHERE loan_id = $loan_id) AS found",
                      loan_id=loan_id)["found"][0])
