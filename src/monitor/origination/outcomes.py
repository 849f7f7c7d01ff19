"""What became of each booked application: the outcome the application scorecard learns and the backtest of a policy
judges (issue 18).

Bad: the loan reached DPD 30 (DESIGN.md §4: 30+ includes DPD 30) within its first OUTCOME_MONTHS months on book, or
was restructured or charged off by then. DPD reaches 30 on the day its earliest late installment is 30 days past
due unsettled: an installment settled after due_date + 30 days, or not settled yet, made the loan 30+ on due_date +
30. The window ends on the same day OUTCOME_MONTHS calendar months after origination; an application is observed once
that day is on or before the day judged. Installments are judged as every metric judges them (monitor.derived): with
the payments up to the data's latest day, before the nightly derive too.
"""

from __future__ import annotations

import duckdb

from monitor import derived

OUTCOME_MONTHS = 6
BAD_DPD = 30


def booked_outcomes_sql(con: duckdb.DuckDBPyConnection, applications_where: str = "TRUE") -> str:
    """One row per approved application that became a loan and passes `applications_where` (SQL over applications
    a; its parameters are the caller's): application_id, loan_id, origination_date, window_end, observed (its window
    ended by $as_of), bad (known bad by $as_of: a bad that happened by then counts even while the window is open).
    Parameter $as_of. A caller that needs some applications' outcomes says which: the installments of the others
    are not read."""
    settlement = derived.installment_settlement(con)
    return f"""
        WITH booked AS (
            SELECT a.application_id, l.loan_id, l.origination_date, l.status, l.closed_date,
                   CAST(l.origination_date + INTERVAL {OUTCOME_MONTHS} MONTH AS DATE) AS window_end
            FROM applications a JOIN loans l USING (loan_id)
            WHERE l.origination_date <= $as_of AND ({applications_where})
        ),
        thirty AS (
            SELECT s.loan_id, min(s.due_date + {BAD_DPD}) AS reached_on
            FROM {settlement} s SEMI JOIN booked b USING (loan_id)
            -- an installment 30 days past due after $as_of cannot make a loan bad by $as_of: not read
            WHERE s.due_date <= CAST($as_of AS DATE) - {BAD_DPD}
              AND (s.settled_on IS NULL OR s.settled_on > s.due_date + {BAD_DPD})
            GROUP BY s.loan_id
        )
        SELECT b.application_id, b.loan_id, b.origination_date, b.window_end, b.window_end <= $as_of AS observed,
               coalesce(t.reached_on <= least(b.window_end, $as_of), false)
               OR coalesce(b.status IN ('charged_off', 'restructured')
                           AND b.closed_date <= least(b.window_end, $as_of), false) AS bad
        FROM booked b LEFT JOIN thirty t USING (loan_id)"""
