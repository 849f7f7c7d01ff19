"""Calendar-month arithmetic on dates: month-ends, and the month-end some months before a day."""

from __future__ import annotations

import datetime as dt


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def months_before(day: dt.date, months: int) -> dt.date:
    """The month-end `months` calendar months before the month of `day` (0: the end of day's month)."""
    index = day.year * 12 + day.month - 1 - months
    return month_end(dt.date(index // 12, index % 12 + 1, 1))


def same_day_months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` calendar months before `day`, or that month's end when it is shorter."""
    end = months_before(day, months)
    return end.replace(day=min(day.day, end.day))


def last_month_end(day: dt.date) -> dt.date:
    """The latest month-end on or before `day`."""
    end = month_end(day)
    return end if end == day else months_before(day, 1)


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every calendar month-end e with first <= e <= last."""
    ends, end = [], month_end(first)
    while end <= last:
        ends.append(end)
        end = month_end(end + dt.timedelta(days=1))
    return ends


def months_between(first: dt.date, last: dt.date) -> int:
    """Calendar months from the month of `first` to the month of `last` (months_between_sql in SQL)."""
    return 12 * (last.year - first.year) + last.month - first.month


def months_between_sql(first: str, last: str) -> str:
    """months_between as an SQL expression over two date expressions (an INTEGER)."""
    return f"CAST(12 * (year({last}) - year({first})) + month({last}) - month({first}) AS INTEGER)"
