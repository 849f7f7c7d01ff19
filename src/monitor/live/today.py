"""What happened on one day: the figures of the Today page, in set-oriented SQL over one connection.

The status of the day and of the day before is pinned once each by monitor.day_status (monitor.status is the one
DPD definition): the DPD rates, the loans that entered M1 (DPD 0 at the end of yesterday, >= 1 at the end of the
day) and those that cured (DPD >= 1 yesterday, 0 now: still active, or paid off during the day) all read it. The
day's status is read from the derived snapshot, which the live feed keeps current (monitor.derive_update), or
else pinned from yesterday's (day_status.pin_day: only the loans that can have moved are computed); a
monitor.memo.PastDayMemo keeps yesterday's between the refreshes of a live page, so that a refresh computes only today.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import day_status, memo, metrics, pii, status
from monitor.memo import Memo
from monitor.query import frame

LATEST_EVENTS = 50

_DAY = "CAST($day AS TIMESTAMP) <= {at} AND {at} < CAST($day + 1 AS TIMESTAMP)"

_MOVEMENTS_SQL = """
WITH now AS (SELECT * FROM ({today})), before AS (SELECT * FROM ({yesterday}))
SELECT count(*) FILTER (WHERE b.dpd = 0 AND n.dpd >= 1) AS entered_m1,
       coalesce(sum(n.principal_balance) FILTER (WHERE b.dpd = 0 AND n.dpd >= 1), 0) AS entered_m1_balance,
       count(*) FILTER (WHERE b.dpd >= 1 AND (n.dpd = 0 OR paid_off)) AS cured,
       coalesce(sum(b.principal_balance) FILTER (WHERE b.dpd >= 1 AND (n.dpd = 0 OR paid_off)), 0) AS cured_balance
FROM before b
LEFT JOIN now n USING (loan_id)
JOIN (SELECT loan_id, status = 'paid_off' AND closed_date = $day AS paid_off FROM loans) l USING (loan_id)
"""

_COUNTS_SQL = f"""
SELECT (SELECT count(*) FROM payments WHERE {_DAY.format(at='paid_at')}) AS payments,
       (SELECT coalesce(CAST(sum(amount) AS DOUBLE), 0) FROM payments WHERE {_DAY.format(at='paid_at')}) AS collected,
       (SELECT count(*) FROM loans WHERE origination_date = $day) AS new_loans,
       (SELECT coalesce(CAST(sum(principal) AS DOUBLE), 0) FROM loans WHERE origination_date = $day) AS new_principal,
       (SELECT count(*) FROM collection_actions WHERE {_DAY.format(at='action_at')}) AS actions,
       (SELECT count(*) FROM collection_actions WHERE {_DAY.format(at='action_at')}
          AND outcome = 'promise_to_pay') AS promises
"""

_BY_HOUR_SQL = f"""
SELECT CAST(h.hour AS INTEGER) AS hour, coalesce(p.payments, 0) AS payments, coalesce(p.amount, 0) AS amount
FROM range(24) AS h(hour)
LEFT JOIN (SELECT hour(paid_at) AS hour, count(*) AS payments, CAST(sum(amount) AS DOUBLE) AS amount
           FROM payments WHERE {_DAY.format(at='paid_at')} GROUP BY 1) p USING (hour)
ORDER BY hour
"""

EVENT_KINDS = ("payments", "loans", "actions")
_CUSTOMER = f"coalesce({pii.masked_name('c.name')}, '') AS customer"
# The day's newest events are picked first and only they are joined to their loans and customers: the planner cannot
# tell that a day's rows are few, and joined the whole day to every loan and customer (1.6 s at 10,000,000 loans).
_EVENTS_SQL = {
    "payments": f"""
        WITH newest AS (SELECT payment_id, paid_at, loan_id, amount, channel FROM payments
                        WHERE {_DAY.format(at='paid_at')} ORDER BY paid_at DESC, payment_id DESC LIMIT $limit)
        SELECT p.paid_at AS at, p.loan_id, {_CUSTOMER}, CAST(p.amount AS DOUBLE) AS amount, p.channel
        FROM newest p JOIN loans l USING (loan_id) LEFT JOIN customers c ON c.customer_id = l.customer_id
        ORDER BY p.paid_at DESC, p.payment_id DESC""",
    "loans": f"""
        WITH newest AS (SELECT loan_id FROM loans WHERE origination_date = $day ORDER BY loan_id DESC LIMIT $limit)
        SELECT l.loan_id, {_CUSTOMER}, l.product, l.channel, CAST(l.principal AS DOUBLE) AS principal, l.term_months
        FROM newest n JOIN loans l USING (loan_id) LEFT JOIN customers c ON c.customer_id = l.customer_id
        ORDER BY l.loan_id DESC""",
    "actions": f"""
        WITH newest AS (SELECT action_id, action_at, loan_id, action_type, outcome, ptp_amount, ptp_date
                        FROM collection_actions WHERE {_DAY.format(at='action_at')}
                        ORDER BY action_at DESC, action_id DESC LIMIT $limit)
        SELECT a.action_at AS at, a.loan_id, {_CUSTOMER}, a.action_type, a.outcome,
               CAST(a.ptp_amount AS DOUBLE) AS ptp_amount, a.ptp_date
        FROM newest a JOIN loans l USING (loan_id) LEFT JOIN customers c ON c.customer_id = l.customer_id
        ORDER BY a.action_at DESC, a.action_id DESC""",
}


def events(con: duckdb.DuckDBPyConnection, day: dt.date, kind: str, limit: int | None = LATEST_EVENTS) -> pl.DataFrame:
    """The events of `kind` (one of EVENT_KINDS) on `day`, newest first, at most `limit` (None: all of them: the
    export), customers masked: payments (at, loan_id, customer, amount, channel), loans (loan_id, customer,
    product, channel, principal, term_months) or actions (at, loan_id, customer, action_type, outcome, ptp_amount,
    ptp_date)."""
    return frame(con, _EVENTS_SQL[kind], day=day, limit=limit)


def today_view(con: duckdb.DuckDBPyConnection, day: dt.date, past: Memo = memo.computed) -> dict:
    """Everything the Today page shows for `day`, compared with the day before:

    day, previous, latest (the newest day in the data), active_loans; payments, collected (yuan), new_loans,
    new_principal, actions, promises;
    entered_m1, entered_m1_balance (their balance at the end of the day), cured, cured_balance (their
    balance the day before); rates {"today"|"yesterday": {"1+"|"30+": {"count", "balance"}}};
    by_hour (hour 0-23, payments, amount); events {"payments"|"loans"|"actions": newest first, customers masked}.
    `past` keeps yesterday's status for the next call (monitor.memo.PastDayMemo.pin_day), and the day's own unless it
    is the newest day in the data, which a live feed changes with every batch.
    """
    previous = day - dt.timedelta(days=1)
    latest = status.latest_data_date(con)
    past.pin_day(con, previous)
    (past if day != latest else memo.computed).pin_day(con, day)
    params = status.status_params(con, day)
    movements = frame(con, _MOVEMENTS_SQL.format(today=day_status.source(con, day),
                                                 yesterday=day_status.source(con, previous)
                                                 .replace("$as_of", "$previous")),
                      as_of=day, previous=previous, day=day, charge_off_dpd=params["charge_off_dpd"])
    counts = frame(con, _COUNTS_SQL, day=day)
    rates = {}
    for name, d in (("today", day), ("yesterday", previous)):
        found = metrics.dpd_rates(con, d)
        rates[name] = {x: found[x] for x in ("1+", "30+")}
    return {
        "day": day,
        "previous": previous,
        "latest": latest,
        "active_loans": metrics.day_totals(con, day)["loans"],
        **counts.row(0, named=True),
        **{k: (float(v) if "balance" in k else v) for k, v in movements.row(0, named=True).items()},
        "rates": rates,
        "by_hour": frame(con, _BY_HOUR_SQL, day=day),
        "events": {kind: events(con, day, kind) for kind in EVENT_KINDS},
    }

