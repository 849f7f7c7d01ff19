"""What the Compliance page (催收合规) shows, one section at a time, each from one call here: the figures of a
month (monitor.conduct.rates.period; the as-of month is month-to-date) and of the month before it (the deltas).

Sections: conduct (violations by rule, agency and agent, and by agency over the last 12 months), complaints (by
category, and by month), scorecard (the agency scorecard and its allocation ranking).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor.compliance import rules
from monitor.conduct import rates, scorecard

SECTIONS = ("conduct", "complaints", "scorecard")
MONTHS_SHOWN = 12  # the months a page may choose, and the months of its trends


def months(as_of: dt.date) -> list[str]:
    """The months the page offers, newest first, as YYYY-MM: the as-of month and the 11 before it."""
    return [rates.period(as_of, back)[0].strftime("%Y-%m") for back in range(MONTHS_SHOWN)]


def month_period(as_of: dt.date, month: str) -> tuple[dt.date, dt.date]:
    """The period of a month of months(as_of) (its first day to its last, or to as_of)."""
    return rates.period(as_of, months(as_of).index(month))


def section_view(con: duckdb.DuckDBPyConnection, section: str, as_of: dt.date, month: str) -> dict:
    """The figures of one section for `month` (YYYY-MM, one of months(as_of)): always the month's summary and the
    previous month's (the deltas), the period, the rules' parameters and the agencies' names; then the section's own
    frames."""
    back = months(as_of).index(month)
    start, end = rates.period(as_of, back)
    before = rates.period(as_of, back + 1)
    view = {"start": start, "end": end, "summary": rates.summary(con, start, end),
            "previous": rates.summary(con, *before), "previous_start": before[0],
            "parameters": rules.parameters(con), "names": dict(con.execute("SELECT agency_id, name FROM agencies")
                                                               .fetchall())}
    if section == "conduct":
        view |= {"rules": rates.by_rule(con, start, end), "agencies": rates.by_agency(con, start, end),
                 "agents": rates.by_agent(con, start, end),
                 "trend": rates.monthly_by_agency(con, as_of if back == 0 else end, MONTHS_SHOWN)}
    elif section == "complaints":
        view |= {"categories": rates.complaints_by_category(con, start, end),
                 "trend": rates.monthly_complaints(con, as_of if back == 0 else end, MONTHS_SHOWN)}
    elif section == "scorecard":
        view |= {"scorecard": scorecard.scorecard(con, start, end), "limits": scorecard.conduct_limits(con)}
    else:
        raise ValueError(f"no section {section!r}; the sections are {', '.join(SECTIONS)}")
    return view
