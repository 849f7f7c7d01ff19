"""Month-end moves: where the loans of each bucket at one month-end stood at the next (a bucket, or the closing status
of a loan that closed in between), counted and summed, for the whole book and for each value of each segment.

Roll rates, cure rates and the portfolio projection's transition matrix (DESIGN.md §4, §6) pool these moves. Each
move pairs a loan's loan_month rows of two consecutive month-ends: a self-join of loan_month (56 million rows at 10
million loans) that every cold view of those figures paid again. `derive` builds the derived table month_rolls once
(month-end pairs x buckets x states x (1 + the values of every segment): tens of thousands of rows), and, like
month_totals, monitor.derive_update keeps it current with the loans each write changes and monitor.derived completes
it with the month-ends it computes. Sums stay DECIMAL: a rate read here equals the one from the loan rows exactly.
"""

from __future__ import annotations

from monitor import month_totals, segments

KEY = ("to_month_end", "from_month_end", "from_bucket", "to_state", "segment", "value")
SUMS = ("loans", "balance", "balance_after")


def moves_sql(month_rows: str, segment_rows: str, condition: str = "TRUE", later: str = "TRUE",
              calendar: str | None = None) -> str:
    """Each loan's move between consecutive month-ends of the month-end rows `month_rows` (loan_month's columns) whose
    row at the first passes `condition` (SQL on m, the first month-end's row, p, the pair of month-ends, and s, the
    loan's row of `segment_rows`): from_month_end, to_month_end, loan_id, from_bucket, to_state (its bucket at the
    second, or its closing status), balance (principal at the first), balance_after (at the second; NULL when it
    closed), and every segment column of s. `later`, a condition on f.month_end that every second month-end of the
    moves asked for passes, spares the join the month-end rows it cannot match (derive's slices). `calendar`, a
    relation of the book's month-ends (column month_end), pairs them when `month_rows` holds only some loans' rows
    (by default its own month-ends)."""
    columns = ", ".join(f"s.{segments.column(name)}" for name in segments.SEGMENTS)
    return f"""
        WITH pairs AS (
            SELECT month_end AS t1, lag(month_end) OVER (ORDER BY month_end) AS t0
            FROM (SELECT DISTINCT month_end FROM {calendar or month_rows}) ends
        )
        SELECT p.t0 AS from_month_end, p.t1 AS to_month_end, m.loan_id, m.bucket AS from_bucket,
               coalesce(f.bucket, l.status) AS to_state, m.principal_balance AS balance,
               f.principal_balance AS balance_after, {columns}
        FROM {month_rows} m JOIN pairs p ON m.month_end = p.t0
        JOIN {segment_rows} s ON s.loan_id = m.loan_id
        LEFT JOIN {month_rows} f ON f.loan_id = m.loan_id AND f.month_end = p.t1 AND {later}
        JOIN loans l ON l.loan_id = m.loan_id
        WHERE {condition}"""


def rows_sql(month_rows: str, segment_rows: str, condition: str = "TRUE", later: str = "TRUE",
             calendar: str | None = None) -> str:
    """The month_rolls rows of the moves of moves_sql: loans and their principal at the first month-end and at the
    second, by pair of month-ends, bucket and state, for the book and each segment value (GROUPING SETS)."""
    sets, segment, value = month_totals.by_segment_value(
        "mv.from_month_end, mv.to_month_end, mv.from_bucket, mv.to_state", "mv")
    money = month_totals.MONEY
    return f"""
        SELECT mv.to_month_end, mv.from_month_end, mv.from_bucket, mv.to_state, {segment} AS segment,
               CAST({value} AS VARCHAR) AS value, CAST(count(*) AS BIGINT) AS loans,
               CAST(sum(mv.balance) AS {money}) AS balance,
               CAST(coalesce(sum(mv.balance_after), 0) AS {money}) AS balance_after
        FROM ({moves_sql(month_rows, segment_rows, condition, later, calendar)}) mv
        GROUP BY GROUPING SETS ({sets})"""
