"""Each loan's status path: its status on every day, as intervals over which nothing it owes or paid changes.

A loan's status at the end of day d (monitor.status) moves only on the days something of its own changes: an
installment falls due (d = due_date: one installment fewer left), becomes overdue (d = due_date + 1: it counts in
what fell due before d), a payment comes in, an installment is settled (on a payment day), the loan closes. Between
two such days its balance, overdue amount, installments left and oldest unsettled installment stay the same, and its
DPD is the day less that installment's due date. So derive keeps, per loan, one row per such day: the state from
that day (valid_from) to the next (valid_to, exclusive), `active` while the loan is open. Any day's status of every
loan is then one range scan (day_rows_sql); the rows equal monitor.status.day_status_sql (tests check the
hand-worked loans' days and 200+ days of the demo book). derive stores them by the day they end (valid_to), so that a
day's scan skips the row groups that ended before it or begin after it: at a million loans (20.5 million rows) 0.01 s,
against 0.03-0.06 s stored by loan and 0.2-0.6 s computed.

The rows also carry what the loan had paid by the day before any charge-off (paid_fen), and the interest those
payments brought (interest_fen: allocated to the installments in order and, within one, to interest first), closed
loans included: what the credit-policy backtest reads of each booked loan (monitor.origination.backtest).

The rows are built in DESIGN.md §9's portable subset (one running window over the changes, no loop over loans, no
grid of loans x days: a grid joins each day to every installment of its loan) from installment_settlement's running
sums and settlement days, so Spark builds them too. Two facts of the data make it exact:
- installments are settled in order (their running sums rise, payments only add), so the unsettled ones are those
  after the last settled, and the oldest unsettled one due before d is the earliest due date from the first unsettled
  installment on, if it is before d;
- amount_due = principal_due + interest_due + fee_due (the loaders' amount rule): a settled installment has received
  all its principal and interest, a later unsettled one nothing, the first unsettled one what the payments left.
Payments count up to the build day ($as_of) and before a charge-off (DESIGN.md §4, as for the settlement days): the
rows hold for every day up to the build day (covers). Future installments are in the rows too, so a loan no write
touched keeps its rows when a new day comes (monitor.derive_update).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import db, freshness
from monitor.months import months_between_sql
from monitor.status import bucket_sql, fen_to_yuan

TABLE = "loan_status_path"
_ON_DAY = "p.valid_from <= $as_of AND $as_of < p.valid_to"  # the row of each loan that holds at the end of $as_of


def path_rows_sql(loans: str = "loans", settlement: str = "installment_settlement", payments: str = "payments") -> str:
    """The loan_status_path rows of the loans of `loans` originated by $as_of, from their installment_settlement rows
    and payments (relations; code constants or a filter of them, as monitor.derive passes them)."""
    return f"""
WITH loan AS (
    SELECT l.loan_id, l.origination_date, l.closed_date, l.charge_off_date, l.principal, n.installments
    FROM {loans} l JOIN (SELECT loan_id, count(*) AS installments FROM {settlement} GROUP BY loan_id) n
         ON n.loan_id = l.loan_id
    WHERE l.origination_date <= $as_of
),
inst AS (
    SELECT i.loan_id, i.due_date, i.settled_on,
           CAST(i.principal_due * 100 AS BIGINT) AS principal_due,
           CAST(i.interest_due * 100 AS BIGINT) AS interest_due,
           CAST((i.interest_due + i.fee_due) * 100 AS BIGINT) AS charges_due,
           CAST(i.amount_due * 100 AS BIGINT) AS amount_due,
           CAST(i.cum_due * 100 AS BIGINT) AS cum_due,
           row_number() OVER (PARTITION BY i.loan_id ORDER BY i.installment_no) AS k,
           min(i.due_date) OVER (PARTITION BY i.loan_id ORDER BY i.installment_no
                                 ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS oldest_due_from
    FROM {settlement} i
),
paid_days AS (
    SELECT p.loan_id, CAST(p.paid_at AS DATE) AS day, sum(CAST(p.amount * 100 AS BIGINT)) AS paid
    FROM {payments} p JOIN loan l ON l.loan_id = p.loan_id
    WHERE CAST(p.paid_at AS DATE) <= $as_of
      AND (l.charge_off_date IS NULL OR CAST(p.paid_at AS DATE) < l.charge_off_date)
    GROUP BY p.loan_id, CAST(p.paid_at AS DATE)
),
changes AS (
    SELECT loan_id, due_date AS day, 1 AS kind, k AS seq, 0 AS paid, 0 AS due, 1 AS fallen_due, 0 AS settled,
           0 AS settled_principal, 0 AS settled_interest FROM inst
    UNION ALL SELECT loan_id, due_date + 1, 2, k, 0, amount_due, 0, 0, 0, 0 FROM inst
    UNION ALL SELECT loan_id, settled_on, 3, k, 0, 0, 0, 1, principal_due, interest_due FROM inst
              WHERE settled_on IS NOT NULL
    UNION ALL SELECT loan_id, day, 4, 0, paid, 0, 0, 0, 0, 0 FROM paid_days
    UNION ALL SELECT loan_id, origination_date, 5, 0, 0, 0, 0, 0, 0, 0 FROM loan
    UNION ALL SELECT loan_id, closed_date, 6, 0, 0, 0, 0, 0, 0, 0 FROM loan WHERE closed_date IS NOT NULL
),
running AS (
    SELECT c.loan_id, greatest(c.day, l.origination_date) AS day,
           lead(greatest(c.day, l.origination_date)) OVER (PARTITION BY c.loan_id ORDER BY
               greatest(c.day, l.origination_date), c.kind, c.seq) AS next_day,
           CAST(sum(c.paid) OVER w AS BIGINT) AS paid,
           CAST(sum(c.due) OVER w AS BIGINT) AS due_before,
           CAST(sum(c.fallen_due) OVER w AS BIGINT) AS fallen_due,
           CAST(sum(c.settled) OVER w AS BIGINT) AS settled,
           CAST(sum(c.settled_principal) OVER w AS BIGINT) AS settled_principal,
           CAST(sum(c.settled_interest) OVER w AS BIGINT) AS settled_interest
    FROM changes c JOIN loan l ON l.loan_id = c.loan_id
    WINDOW w AS (PARTITION BY c.loan_id ORDER BY greatest(c.day, l.origination_date), c.kind, c.seq
                 ROWS UNBOUNDED PRECEDING)
)
SELECT r.loan_id, r.day AS valid_from, coalesce(r.next_day, DATE '9999-12-31') AS valid_to,
       l.closed_date IS NULL OR r.day < l.closed_date AS active,
       l.origination_date,
       j.oldest_due_from AS oldest_unsettled_due,
       CAST(l.principal * 100 AS BIGINT) - r.settled_principal
           - coalesce(least(j.principal_due, greatest(0, r.paid - (j.cum_due - j.amount_due) - j.charges_due)), 0)
           AS balance_fen,
       r.due_before AS due_fen,
       r.paid AS paid_fen,
       r.settled_interest + coalesce(least(j.interest_due, greatest(0, r.paid - (j.cum_due - j.amount_due))), 0)
           AS interest_fen,
       CAST(l.installments - r.fallen_due AS INTEGER) AS installments_left
FROM running r
JOIN loan l ON l.loan_id = r.loan_id
LEFT JOIN inst j ON j.loan_id = r.loan_id AND j.k = r.settled + 1
WHERE r.next_day IS NULL OR r.next_day > r.day"""
# The last of a day's changes in the windows' order carries the day's running sums, and its next_day is the next day
# (the WHERE keeps it): sorting the changes once costs less than grouping them by day first. The order is total
# (kind and installment break a day's ties; payments are summed by day), so that lead, which Spark allows no frame,
# and the running sums see the same order.


def covers(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> bool:
    """Whether the paths hold the day's rows: they were built (a book derived before they existed has none until its
    next derive) and hold through the day (freshness.valid_through: the day they were built through while the data
    up to it is unchanged, or the month-end before it while only later data came in since)."""
    through = freshness.valid_through(con)
    return through is not None and as_of <= through and freshness.remembered(
        con, "status_path_built", lambda: db.table_exists(con, TABLE))


def _dpd(day: str) -> str:
    return f"(CASE WHEN p.oldest_unsettled_due < {day} THEN CAST({day} - p.oldest_unsettled_due AS INTEGER) ELSE 0 END)"


def day_rows_sql(loan_filter: str = "TRUE") -> str:
    """The status of the loans passing `loan_filter` (SQL over the path's rows p) active at the end of day $as_of,
    from their path, with the columns and parameters of monitor.status.day_status_sql."""
    day = "CAST($as_of AS DATE)"
    return f"""
        SELECT p.loan_id, {day} AS as_of, {months_between_sql("p.origination_date", day)} AS mob,
               {_dpd(day)} AS dpd, {bucket_sql(_dpd(day))} AS bucket,
               CAST({fen_to_yuan("p.balance_fen")} AS DECIMAL(15, 2)) AS principal_balance,  -- principal - repaid's
               {fen_to_yuan("greatest(0, p.due_fen - p.paid_fen)")} AS overdue_amount, p.installments_left
        FROM {TABLE} p WHERE {_ON_DAY} AND p.active AND {loan_filter}"""


def held_sql(loans_sql: str) -> str:
    """What each loan of the relation `loans_sql` (loan_id) had paid by the end of day $as_of before any charge-off,
    and the interest that brought (both in fen), open or closed by then: loan_id, paid_fen, interest_fen."""
    return f"""
        SELECT p.loan_id, p.paid_fen, p.interest_fen FROM {TABLE} p
        WHERE {_ON_DAY} AND p.loan_id IN (SELECT loan_id FROM {loans_sql})"""
