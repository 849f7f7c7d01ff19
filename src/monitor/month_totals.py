"""Month-end totals: the active loans and principal balance at each month-end by bucket, with their DPD x+ parts, for
the whole book and for each value of each segment (monitor.segments.SEGMENTS).

Every month-end series a page draws (the DPD x+ trend, the balance and the buckets over time, the balances of the
flow-rate chain, the month-end a day's rate is compared with, the segment movers' month before) is a sum of loan_month
by month-end, bucket and at most one segment value. loan_month holds a row per loan and month-end: 56 million rows at
10 million loans, scanned by every such series. `derive` sums them once into the derived table month_totals, a few
thousand rows (month-ends x buckets x (1 + the values of every segment)); monitor.derive_update keeps it current with
the loans each write changes, and monitor.derived completes it with the month-ends it computes, as it completes
loan_month. The sums are exact: balances stay DECIMAL, so a series read here equals the same series summed from
loan_month to the fen (a test checks every row after derive, after the feed's writes and after completion).
"""

from __future__ import annotations

from monitor import segments

THRESHOLDS = (1, 30, 60, 90)  # DPD x+ (x <= DPD), as metrics.delinquency.DPD_THRESHOLDS reads them
BOOK = "book"  # the `segment` of the whole book's rows (their `value` is NULL)
KEY = ("month_end", "bucket", "segment", "value")
MONEY = "DECIMAL(18,2)"  # a sum of balances: ten million loans of a million yuan each fit
SUMS = ("loans", "balance", *(f"{measure}_{x}" for x in THRESHOLDS for measure in ("loans", "balance")))


def rows_sql(month_rows: str, segment_rows: str, condition: str = "TRUE") -> str:
    """The month_totals rows of the month-end rows `month_rows` (a relation with loan_month's columns, alias m) that
    pass `condition`, with the segment values of `segment_rows` (loan_segment's columns): one row per month-end,
    bucket and segment value present, in DESIGN.md §9's portable subset (GROUPING SETS, which Spark reads as DuckDB
    does)."""
    sets, segment, value = by_segment_value("m.month_end, m.bucket", "s")
    parts = ", ".join(f"CAST(count(CASE WHEN m.dpd >= {x} THEN 1 END) AS BIGINT) AS loans_{x}, "
                      f"CAST(sum(CASE WHEN m.dpd >= {x} THEN m.principal_balance ELSE 0 END) AS {MONEY}) AS balance_{x}"
                      for x in THRESHOLDS)
    return f"""
        SELECT m.month_end, m.bucket, {segment} AS segment, CAST({value} AS VARCHAR) AS value,
               CAST(count(*) AS BIGINT) AS loans, CAST(sum(m.principal_balance) AS {MONEY}) AS balance, {parts}
        FROM {month_rows} m JOIN {segment_rows} s ON s.loan_id = m.loan_id
        WHERE {condition}
        GROUP BY GROUPING SETS ({sets})"""


def by_segment_value(keys: str, alias: str) -> tuple[str, str, str]:
    """The GROUPING SETS of `keys` (SQL columns) for the whole book and with each segment column of `alias` (a relation
    with loan_segment's segment columns), and the expressions of the rows' `segment` (BOOK or the segment's name) and
    `value` (NULL for the book's rows): what month_totals and month_rolls are grouped by."""
    names = [segments.column(name) for name in segments.SEGMENTS]
    sets = ", ".join([f"({keys})", *(f"({keys}, {alias}.{name})" for name in names)])
    segment = ("CASE " + " ".join(f"WHEN grouping({alias}.{name}) = 0 THEN '{name}'" for name in names)
               + f" ELSE '{BOOK}' END")
    value = "CASE " + " ".join(f"WHEN grouping({alias}.{name}) = 0 THEN {alias}.{name}" for name in names) + " END"
    return sets, segment, value


def signed(rows: str, key: tuple[str, ...], sums: tuple[str, ...], sign: int) -> str:
    """The rows of a summed table (`rows`, its SQL: month_totals' or month_rolls') with every sum multiplied by `sign`
    (1 or -1): a change to add to the table (monitor.derive_update takes a loan's rows out before computing them
    again, and puts them back after)."""
    multiplied = ", ".join(f"{sign} * {name} AS {name}" for name in sums)
    return f"SELECT {', '.join(key)}, {multiplied} FROM ({rows})"


def where(segment: str | None, value: str | None, alias: str = "t") -> tuple[str, dict]:
    """A WHERE fragment on month_totals (table alias `alias`) selecting the rows of the whole book (`segment` None) or
    of one segment value (bound), and its parameters."""
    if segment is None:
        return f"{alias}.segment = '{BOOK}'", {}
    return (f"{alias}.segment = $totals_segment AND {alias}.value = $totals_value",
            {"totals_segment": segments.column(segment), "totals_value": str(value)})


def totals_sql(relation: str, condition: str, group: str | None = None) -> str:
    """The active loans and balance, in total and at DPD x+ (the columns loans, balance, loans_x, balance_x) of the
    month_totals rows of `relation` (alias t) passing `condition`, summed over buckets; with `group` (a column of
    month_totals) by its value, in a first column."""
    sums = ", ".join(f"coalesce(sum(t.{name}), 0) AS {name}" for name in SUMS)
    keys = "" if group is None else f"t.{group}, "
    tail = "" if group is None else f" GROUP BY t.{group}"
    return f"SELECT {keys}{sums} FROM {relation} t WHERE {condition}{tail}"
