"""Early-warning features (DESIGN.md §5): one row per loan active at the end of a day with DPD < 30, built
from what was known at the end of that day and nothing later.

How look-ahead is kept out (tests/test_features.py proves it on a copy of the book with every later event
deleted, and on one whose future schedules were rewritten):
- status (DPD, MOB, principal balance) of the day comes from monitor.day_status.source: payments
  before the day after, installments due before the day;
- the month-end history reads loan_month rows with month_end <= as_of only (each built from the payments up
  to its month-end), or, when the derived tables do not cover the day or are stale, the same
  status.grid_status_sql over those month-ends;
- installments: only the rows due by as_of are read. installment_settlement.settled_on later than as_of is
  not a fact at as_of: such an installment is unsettled and its days late run to as_of. (When the derived
  tables do not reach as_of, settlement_query is computed with the payments up to as_of.)
- the rows of the schedule due after as_of are not read at all: the installments table holds today's
  schedule, and an early payoff rewrites the rest of it into one installment on the payoff day (synthetic
  book and lenders' systems alike). Remaining term is the contract's term less the installments already
  due; the next installment comes from the contract (principal, APR, term, repayment method);
- payments with paid_at before as_of + 1 day; collection actions with action_at before as_of + 1 day;
  promises judged only when their date is on or before as_of, with the payments up to then;
- loans, customers: static attributes only (product, channel, scores, income, term, parent); a loan's
  status and closed_date are read only through "active at as_of" (closed_date > as_of), never its outcome.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import day_status, derive, freshness, promises, status
from monitor.months import last_month_end, month_ends, months_before

WINDOWS = (3, 6, 12)  # months of month-end history
CONTACT_DAYS = 30
POPULATION_MAX_DPD = 30  # the population: DPD below this at as_of (current or early arrears)

FEATURES = (
    "dpd",
    *(f"max_dpd_{m}m" for m in WINDOWS),
    *(f"months_delinquent_{m}m" for m in WINDOWS),
    "late_installments", "avg_days_late", "paid_to_due", "days_since_payment",
    "mob", "remaining_term", "balance_ratio", "installment_to_income",
    "bureau_score", "application_score",
    "contacts_30d", "broken_promises_30d",
    "restructured", "other_active_loans", "other_loans_max_dpd",
)
CATEGORICAL = ("product", "channel", "city_tier")

DESCRIPTIONS = {
    "dpd": "days past due at the end of as_of (DESIGN.md §4)",
    **{f"max_dpd_{m}m": f"highest DPD at the last {m} month-ends up to as_of and on as_of itself" for m in WINDOWS},
    **{f"months_delinquent_{m}m": f"how many of the last {m} month-ends up to as_of found the loan at DPD > 0"
       for m in WINDOWS},
    "late_installments": "installments due by as_of settled after their due date, or still unsettled at as_of "
                         "and past due",
    "avg_days_late": "mean days late of the installments due by as_of (0 when settled on time; an unsettled one "
                     "counts to as_of); null when none is due yet",
    "paid_to_due": "paid by as_of / amount due by as_of; null when nothing is due yet",
    "days_since_payment": "days from the last payment on or before as_of to as_of; null when none",
    "mob": "months on book at as_of (0 in the month of origination)",
    "remaining_term": "installments still to fall due after as_of under the contract (term less those due)",
    "balance_ratio": "principal balance at as_of / original principal",
    "installment_to_income": "the next installment under the contract (principal and interest, 等额本息 or "
                             "等额本金) / the customer's monthly income; null when the term has run out",
    "bureau_score": "credit bureau score of the customer (null when the bureau has none)",
    "application_score": "score at application",
    "contacts_30d": "collection actions in the 30 days to as_of",
    "broken_promises_30d": "promises to pay falling due in the 30 days to as_of and not kept (monitor.promises: "
                           "less than the promised amount paid between the promise and the end of its date)",
    "restructured": "1 when the loan is the new loan of a restructuring (parent_loan_id not null), else 0",
    "other_active_loans": "the customer's other loans active at as_of",
    "other_loans_max_dpd": "highest DPD at as_of of the customer's other active loans; null when there is none",
    "product": "cash_loan or installment",
    "channel": "acquisition channel",
    "city_tier": "the customer's city tier, 1-5, as a category",
}


def population_sql(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """The scoring population at the end of `as_of`: loans active then with DPD < 30 (loan_id, customer_id,
    mob, dpd, principal_balance); parameters status.status_params(con, as_of)."""
    return f"""SELECT s.loan_id, l.customer_id, s.mob, s.dpd, s.principal_balance
               FROM ({day_status.source(con, as_of)}) s JOIN loans l USING (loan_id)
               WHERE s.dpd < {POPULATION_MAX_DPD}"""


def month_end_dpd_sql(through: dt.date | None, last_end: dt.date) -> tuple[str, bool]:
    """Month-end DPD rows (loan_id, month_end, dpd): loan_month when it is fresh and reaches `last_end`, else
    the same status.grid_status_sql over the month-ends $month_ends for the loans of a CTE named population; and
    whether the query needs $month_ends. `through` is freshness.fresh_through(con)."""
    if through is not None and through >= last_end:
        return "SELECT loan_id, month_end, dpd FROM loan_month", False
    grid = f"""SELECT l.loan_id, m.as_of FROM loans l
               JOIN (SELECT CAST(unnest($month_ends) AS DATE) AS as_of) m ON {status.ACTIVE_AT.format(d='m.as_of')}
               WHERE l.loan_id IN (SELECT loan_id FROM population)"""
    return f"SELECT loan_id, as_of AS month_end, dpd FROM ({status.grid_status_sql(grid)})", True


def _settlement_source(through: dt.date | None, as_of: dt.date) -> str:
    """Installments with the day each was settled: installment_settlement when it is fresh and reaches as_of
    (its settled_on may lie after as_of: the caller caps it), else settlement_query with the payments up to
    as_of ($as_of)."""
    columns = "loan_id, installment_no, due_date, amount_due, settled_on"
    if through is not None and through >= as_of:
        return f"SELECT {columns} FROM installment_settlement"
    return f"SELECT {columns} FROM ({derive.settlement_query()})"


def next_installment_sql(k: str) -> str:
    """The next installment in yuan of the loan l under its contract, given `k` (an SQL expression) installments
    already due: the schedule of monitor.schedule.amortize_fen, unrounded (tests/test_next_installment.py checks
    them against each other). 等额本息 P r / (1 - (1 + r)^-n), r = APR / 12; 等额本金 P / n plus interest on the
    principal still scheduled (DESIGN.md §6)."""
    return f"""CASE
    WHEN l.repayment_method = 'equal_principal'
        THEN CAST(l.principal AS DOUBLE) / l.term_months
             * (1 + (l.term_months - {k}) * CAST(l.annual_rate AS DOUBLE) / 12)
    WHEN l.annual_rate > 0
        THEN CAST(l.principal AS DOUBLE) * CAST(l.annual_rate AS DOUBLE) / 12
             / (1 - power(1 + CAST(l.annual_rate AS DOUBLE) / 12, -l.term_months))
    ELSE CAST(l.principal AS DOUBLE) / l.term_months END"""


def features_sql(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> tuple[str, dict]:
    """The feature query for `as_of` and its parameters (one row per population loan, ordered by loan_id)."""
    through = freshness.fresh_through(con)
    last_end = last_month_end(as_of)
    since = {m: months_before(last_end, m) for m in WINDOWS}  # window m: since[m] < month_end <= as_of
    history, needs_month_ends = month_end_dpd_sql(through, last_end)
    month_history = ",\n".join(
        f"max(h.dpd) FILTER (WHERE h.month_end > $since_{m}m) AS max_dpd_{m}m, "
        f"count(*) FILTER (WHERE h.month_end > $since_{m}m AND h.dpd > 0) AS months_delinquent_{m}m"
        for m in WINDOWS)
    history_columns = ",\n".join(
        f"CAST(greatest(p.dpd, coalesce(h.max_dpd_{m}m, 0)) AS DOUBLE) AS max_dpd_{m}m" for m in WINDOWS)
    history_columns += ",\n" + ",\n".join(
        f"CAST(coalesce(h.months_delinquent_{m}m, 0) AS DOUBLE) AS months_delinquent_{m}m" for m in WINDOWS)
    k = "coalesce(sf.due_installments, 0)"
    query = f"""
    WITH status_now AS MATERIALIZED (
        SELECT s.loan_id, l.customer_id, s.mob, s.dpd, s.principal_balance
        FROM ({day_status.source(con, as_of)}) s JOIN loans l USING (loan_id)
    ),
    population AS MATERIALIZED (
        SELECT * FROM status_now WHERE dpd < {POPULATION_MAX_DPD}
    ),
    month_history AS (
        SELECT h.loan_id, {month_history}
        FROM ({history}) h
        WHERE h.month_end > $since_12m AND h.month_end <= $as_of AND h.loan_id IN (SELECT loan_id FROM population)
        GROUP BY h.loan_id
    ),
    schedule_facts AS (
        SELECT s.loan_id, count(*) AS due_installments, sum(s.amount_due) AS amount_due,
               count(*) FILTER (WHERE s.days_late > 0) AS late_installments, avg(s.days_late) AS avg_days_late
        FROM (
            SELECT i.loan_id, i.amount_due,
                   greatest(0, CAST(CASE WHEN i.settled_on <= $as_of THEN i.settled_on ELSE $as_of END
                                    - i.due_date AS INTEGER)) AS days_late
            FROM ({_settlement_source(through, as_of)}) i
            WHERE i.due_date <= $as_of AND i.loan_id IN (SELECT loan_id FROM population)
        ) s
        GROUP BY s.loan_id
    ),
    payment_facts AS (
        SELECT p.loan_id, sum(p.amount) AS paid, CAST(max(p.paid_at) AS DATE) AS last_paid_on
        FROM payments p
        WHERE p.paid_at < $until AND p.loan_id IN (SELECT loan_id FROM population)
        GROUP BY p.loan_id
    ),
    contact_facts AS (
        SELECT a.loan_id, count(*) AS contacts
        FROM collection_actions a
        WHERE a.action_at >= $window_start AND a.action_at < $until
          AND a.loan_id IN (SELECT loan_id FROM population)
        GROUP BY a.loan_id
    ),
    promises AS (
        SELECT a.action_id, a.loan_id, a.action_at, a.ptp_amount, a.ptp_date
        FROM collection_actions a
        WHERE a.outcome = 'promise_to_pay' AND a.action_at < $until
          AND a.ptp_date >= $window_first AND a.ptp_date <= $as_of
          AND a.loan_id IN (SELECT loan_id FROM population)
    ),
    promise_payments AS (
        SELECT pr.action_id, pr.loan_id, pr.ptp_amount, coalesce(sum(p.amount), 0) AS paid
        FROM promises pr LEFT JOIN payments p ON {promises.counts_towards("pr", "p")}
        GROUP BY pr.action_id, pr.loan_id, pr.ptp_amount
    ),
    broken_promises AS (
        SELECT loan_id, count(*) AS broken FROM promise_payments
        WHERE NOT ({promises.kept("paid", "ptp_amount")}) GROUP BY loan_id
    ),
    other_loans AS (
        SELECT p.loan_id, count(*) AS other_active_loans, max(o.dpd) AS other_loans_max_dpd
        FROM population p JOIN status_now o ON o.customer_id = p.customer_id AND o.loan_id <> p.loan_id
        GROUP BY p.loan_id
    )
    SELECT p.loan_id,
           CAST(p.dpd AS DOUBLE) AS dpd,
           {history_columns},
           CAST(coalesce(sf.late_installments, 0) AS DOUBLE) AS late_installments,
           CAST(sf.avg_days_late AS DOUBLE) AS avg_days_late,
           CAST(coalesce(pf.paid, 0) AS DOUBLE) / CAST(nullif(sf.amount_due, 0) AS DOUBLE) AS paid_to_due,
           CAST(CAST($as_of - pf.last_paid_on AS INTEGER) AS DOUBLE) AS days_since_payment,
           CAST(p.mob AS DOUBLE) AS mob,
           CAST(greatest(0, l.term_months - {k}) AS DOUBLE) AS remaining_term,
           CAST(p.principal_balance AS DOUBLE) / CAST(l.principal AS DOUBLE) AS balance_ratio,
           CASE WHEN l.term_months > {k}
                THEN ({next_installment_sql(k)}) / CAST(c.monthly_income AS DOUBLE) END
               AS installment_to_income,
           CAST(c.bureau_score AS DOUBLE) AS bureau_score,
           CAST(l.application_score AS DOUBLE) AS application_score,
           CAST(coalesce(cf.contacts, 0) AS DOUBLE) AS contacts_30d,
           CAST(coalesce(bp.broken, 0) AS DOUBLE) AS broken_promises_30d,
           CASE WHEN l.parent_loan_id IS NOT NULL THEN 1.0 ELSE 0.0 END AS restructured,
           CAST(coalesce(ol.other_active_loans, 0) AS DOUBLE) AS other_active_loans,
           CAST(ol.other_loans_max_dpd AS DOUBLE) AS other_loans_max_dpd,
           l.product, l.channel, CAST(c.city_tier AS VARCHAR) AS city_tier
    FROM population p
    JOIN loans l ON l.loan_id = p.loan_id
    LEFT JOIN customers c ON c.customer_id = l.customer_id
    LEFT JOIN month_history h ON h.loan_id = p.loan_id
    LEFT JOIN schedule_facts sf ON sf.loan_id = p.loan_id
    LEFT JOIN payment_facts pf ON pf.loan_id = p.loan_id
    LEFT JOIN contact_facts cf ON cf.loan_id = p.loan_id
    LEFT JOIN broken_promises bp ON bp.loan_id = p.loan_id
    LEFT JOIN other_loans ol ON ol.loan_id = p.loan_id
    ORDER BY p.loan_id
    """
    window_first = as_of - dt.timedelta(days=CONTACT_DAYS - 1)
    params = {
        **status.status_params(con, as_of),
        **{f"since_{m}m": since[m] for m in WINDOWS},
        "until": dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()),
        "window_first": window_first,
        "window_start": dt.datetime.combine(window_first, dt.time()),
    }
    if needs_month_ends:
        params["month_ends"] = month_ends(months_before(last_end, max(WINDOWS) - 1), last_end)
    return query, params


def build_features(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """One row per loan active at the end of `as_of` with DPD < 30: loan_id, the FEATURES (Float64, null where
    the value is unknown) and the CATEGORICAL columns (String), from data known at the end of `as_of` only."""
    query, params = features_sql(con, as_of)
    frame = con.sql(query, params=params).pl()
    return frame.select(
        pl.col("loan_id").cast(pl.Int64),
        *(pl.col(name).cast(pl.Float64) for name in FEATURES),
        *(pl.col(name).cast(pl.String) for name in CATEGORICAL),
    )
