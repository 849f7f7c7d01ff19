"""The Compliance page's figures: how often the collection rules are broken and how often collection is complained
about, for the book, each rule, each agency (the lender's own collectors as IN_HOUSE) and each agent, by month.

Definitions (one place, for the page, the tests and the alerts):
- a period is a calendar month up to the as-of day (the as-of month is month-to-date);
- contacts: the collection contacts made in the period (rules.CONTACT_TYPES: SMS, IVR and human calls, visits);
- violations: the rows of the violations table in the period (an action that breaks two rules counts twice);
- violations per 1,000 contacts: violations / contacts x 1,000, of the same group (a rule's: over all contacts);
- accounts in collection: the loans that received any collection action in the period (of the group);
- complaints per 10,000 accounts: complaints received in the period / accounts in collection x 10,000.
A group with no contacts (no accounts) in the period has no rate (None), never 0.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import db, pii
from monitor.compliance import rules
from monitor.months import month_end

_IS_CONTACT = f"action_type IN {rules.CONTACT_TYPES}"
_AGENCY = f"coalesce(agency_id, '{db.IN_HOUSE}')"
_PERIOD = "{at} >= CAST($start AS TIMESTAMP) AND {at} < CAST($end AS TIMESTAMP) + INTERVAL 1 DAY"


def period(as_of: dt.date, months_back: int = 0) -> tuple[dt.date, dt.date]:
    """The calendar month `months_back` months before as_of's, as (first day, last day counted): the as-of month
    ends on as_of."""
    first = as_of.replace(day=1)
    for _ in range(months_back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, min(month_end(first), as_of)


def _listed(column: str, param: str) -> str:
    """SQL: the values of the list parameter $`param` as rows (`column`, position), to list every one in order."""
    return f"SELECT unnest(${param}::VARCHAR[]) AS {column}, generate_subscripts(${param}::VARCHAR[], 1) AS position"


def _params(start: dt.date, end: dt.date, **more) -> dict:
    return {"start": start, "end": end, **more}


def _per(numerator: str, denominator: str, scale: int) -> str:
    return f"CASE WHEN {denominator} > 0 THEN {numerator} * {scale}.0 / {denominator} END"


def summary(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> dict:
    """The book's figures of the period: contacts, violations, violations_per_1000, accounts, complaints,
    complaints_per_10000."""
    row = con.sql(f"""
        WITH acts AS (SELECT count(*) FILTER (WHERE {_IS_CONTACT}) AS contacts, count(DISTINCT loan_id) AS accounts
                      FROM collection_actions WHERE {_PERIOD.format(at='action_at')}),
             v AS (SELECT count(*) AS violations FROM violations WHERE {_PERIOD.format(at='action_at')}),
             c AS (SELECT count(*) AS complaints FROM complaints WHERE {_PERIOD.format(at='received_at')})
        SELECT contacts, violations, {_per('violations', 'contacts', 1000)} AS violations_per_1000,
               accounts, complaints, {_per('complaints', 'accounts', 10000)} AS complaints_per_10000
        FROM acts, v, c""", params=_params(start, end)).pl()
    return row.row(0, named=True)


def by_rule(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Each rule (in rules.RULES order, those without violations too): rule, violations, violations_per_1000."""
    return con.sql(f"""
        WITH r AS ({_listed("rule", "rules")}),
             contacts AS (SELECT count(*) AS n FROM collection_actions
                          WHERE {_IS_CONTACT} AND {_PERIOD.format(at='action_at')}),
             v AS (SELECT rule, count(*) AS violations FROM violations
                   WHERE {_PERIOD.format(at='action_at')} GROUP BY rule)
        SELECT r.rule, coalesce(v.violations, 0) AS violations,
               {_per('coalesce(v.violations, 0)', 'contacts.n', 1000)} AS violations_per_1000
        FROM r CROSS JOIN contacts LEFT JOIN v USING (rule) ORDER BY r.position""",
        params=_params(start, end, rules=list(rules.CODES))).pl()


def _groups_sql(group: str) -> str:
    """Per `group` (agency_id or agent_id, with the agency): contacts, violations, accounts, complaints and rates."""
    keys = "agency_id" if group == "agency_id" else "agent_id, agency_id"
    return f"""
        WITH acts AS (SELECT {_AGENCY} AS agency_id, agent_id, loan_id, {_IS_CONTACT} AS is_contact
                      FROM collection_actions WHERE {_PERIOD.format(at='action_at')}),
             a AS (SELECT {keys}, count(*) FILTER (WHERE is_contact) AS contacts, count(DISTINCT loan_id) AS accounts
                   FROM acts GROUP BY ALL),
             v AS (SELECT {keys}, count(*) AS violations FROM violations
                   WHERE {_PERIOD.format(at='action_at')} GROUP BY ALL),
             c AS (SELECT {keys.replace('agency_id', _AGENCY + ' AS agency_id')}, count(*) AS complaints
                   FROM complaints WHERE {_PERIOD.format(at='received_at')} GROUP BY ALL)
        SELECT {keys}, coalesce(a.contacts, 0) AS contacts, coalesce(v.violations, 0) AS violations,
               {_per('coalesce(v.violations, 0)', 'a.contacts', 1000)} AS violations_per_1000,
               coalesce(a.accounts, 0) AS accounts, coalesce(c.complaints, 0) AS complaints,
               {_per('coalesce(c.complaints, 0)', 'a.accounts', 10000)} AS complaints_per_10000
        FROM a FULL JOIN v USING ({keys}) FULL JOIN c USING ({keys})"""


def by_agency(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Each agency that acted or was complained about in the period, IN_HOUSE included, most violations per 1,000
    contacts first: agency_id, name (NULL for IN_HOUSE), contacts, violations, violations_per_1000, accounts,
    complaints, complaints_per_10000."""
    return con.sql(f"""
        SELECT g.agency_id, ag.name, g.* EXCLUDE (agency_id)
        FROM ({_groups_sql('agency_id')}) g LEFT JOIN agencies ag USING (agency_id)
        ORDER BY g.violations_per_1000 DESC NULLS LAST, g.agency_id""", params=_params(start, end)).pl()


def by_agent(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, limit: int = 10) -> pl.DataFrame:
    """The `limit` agents with the most violations in the period (ties: the higher rate): agent_id, agency_id,
    contacts, violations, violations_per_1000, accounts, complaints, complaints_per_10000."""
    return con.sql(f"""
        SELECT * FROM ({_groups_sql('agent_id')}) WHERE violations > 0 AND agent_id IS NOT NULL
        ORDER BY violations DESC, violations_per_1000 DESC NULLS LAST, agent_id LIMIT $limit""",
        params=_params(start, end, limit=limit)).pl()


def monthly_by_agency(con: duckdb.DuckDBPyConnection, as_of: dt.date, months: int = 12) -> pl.DataFrame:
    """Violations per 1,000 contacts by agency and month, the last `months` months to as_of (the last one
    month-to-date): month (its first day), agency_id, contacts, violations, violations_per_1000."""
    start, _ = period(as_of, months - 1)
    return con.sql(f"""
        WITH a AS (SELECT CAST(date_trunc('month', action_at) AS DATE) AS month, {_AGENCY} AS agency_id,
                          count(*) AS contacts
                   FROM collection_actions WHERE {_IS_CONTACT} AND {_PERIOD.format(at='action_at')} GROUP BY ALL),
             v AS (SELECT CAST(date_trunc('month', action_at) AS DATE) AS month, agency_id, count(*) AS violations
                   FROM violations WHERE {_PERIOD.format(at='action_at')} GROUP BY ALL)
        SELECT month, agency_id, coalesce(a.contacts, 0) AS contacts, coalesce(v.violations, 0) AS violations,
               {_per('coalesce(v.violations, 0)', 'a.contacts', 1000)} AS violations_per_1000
        FROM a FULL JOIN v USING (month, agency_id) ORDER BY month, agency_id""",
        params=_params(start, as_of)).pl()


def complaints_by_category(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Each complaint category (db.COMPLAINT_CATEGORIES order): category, complaints, complaints_per_10000 (of the
    period's accounts in collection)."""
    return con.sql(f"""
        WITH k AS ({_listed("category", "categories")}),
             accounts AS (SELECT count(DISTINCT loan_id) AS n FROM collection_actions
                          WHERE {_PERIOD.format(at='action_at')}),
             c AS (SELECT category, count(*) AS complaints FROM complaints
                   WHERE {_PERIOD.format(at='received_at')} GROUP BY category)
        SELECT k.category, coalesce(c.complaints, 0) AS complaints,
               {_per('coalesce(c.complaints, 0)', 'accounts.n', 10000)} AS complaints_per_10000
        FROM k CROSS JOIN accounts LEFT JOIN c USING (category) ORDER BY k.position""",
        params=_params(start, end, categories=list(db.COMPLAINT_CATEGORIES))).pl()


def monthly_complaints(con: duckdb.DuckDBPyConnection, as_of: dt.date, months: int = 12) -> pl.DataFrame:
    """Complaints per 10,000 accounts in collection by month, the last `months` months to as_of: month,
    complaints, accounts, complaints_per_10000."""
    start, _ = period(as_of, months - 1)
    return con.sql(f"""
        WITH a AS (SELECT CAST(date_trunc('month', action_at) AS DATE) AS month, count(DISTINCT loan_id) AS accounts
                   FROM collection_actions WHERE {_PERIOD.format(at='action_at')} GROUP BY ALL),
             c AS (SELECT CAST(date_trunc('month', received_at) AS DATE) AS month, count(*) AS complaints
                   FROM complaints WHERE {_PERIOD.format(at='received_at')} GROUP BY ALL)
        SELECT month, coalesce(c.complaints, 0) AS complaints, coalesce(a.accounts, 0) AS accounts,
               {_per('coalesce(c.complaints, 0)', 'a.accounts', 10000)} AS complaints_per_10000
        FROM a FULL JOIN c USING (month) ORDER BY month""", params=_params(start, as_of)).pl()


# The filters a figure opens its actions by: the column each reads (an allow-list: values are bound parameters).
DRILL_FILTERS = {"rule": "v.rule", "agency": "v.agency_id", "agent": "v.agent_id"}


def violating_actions(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, *, limit: int | None = 500,
                      **filters: str | None) -> pl.DataFrame:
    """The actions behind a figure: the period's violations (of one rule, agency or agent: `filters`, keys of
    DRILL_FILTERS), newest first, the customer masked: action_at, rule, loan_id, customer (masked name),
    action_type, contact_party, outcome, agent_id, agency_id, agency (its name; NULL: the lender's own), contact_id
    (hashed)."""
    unknown = set(filters) - set(DRILL_FILTERS)
    if unknown:
        raise ValueError(f"no filter {', '.join(sorted(unknown))}; the filters are {', '.join(DRILL_FILTERS)}")
    where = " AND ".join([_PERIOD.format(at="v.action_at")]
                         + [f"{DRILL_FILTERS[k]} = ${k}" for k, v in filters.items() if v is not None])
    return con.sql(f"""
        SELECT v.action_at, v.rule, v.loan_id, {pii.masked_name('c.name')} AS customer, a.action_type,
               a.contact_party, a.outcome, v.agent_id, v.agency_id, ag.name AS agency, a.contact_id
        FROM violations v JOIN collection_actions a USING (action_id)
        LEFT JOIN agencies ag ON ag.agency_id = v.agency_id
        JOIN loans l ON l.loan_id = v.loan_id LEFT JOIN customers c ON c.customer_id = l.customer_id
        WHERE {where} ORDER BY v.action_at DESC, v.rule {'' if limit is None else 'LIMIT $limit'}""",
        params=_params(start, end, **{k: v for k, v in filters.items() if v is not None},
                       **({} if limit is None else {"limit": limit}))).pl()


def complaints_behind(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, category: str | None = None,
                      limit: int | None = 500) -> pl.DataFrame:
    """The complaints behind a figure: those received in the period (of one category, else all), newest first, the
    customer masked: received_at, category, channel, loan_id, customer, agency_id, agency (its name; NULL: the
    lender's own), agent_id, resolution (NULL: open), resolved_at."""
    where = _PERIOD.format(at="k.received_at") + ("" if category is None else " AND k.category = $category")
    return con.sql(f"""
        SELECT k.received_at, k.category, k.channel, k.loan_id, {pii.masked_name('c.name')} AS customer,
               coalesce(k.agency_id, '{db.IN_HOUSE}') AS agency_id, ag.name AS agency, k.agent_id, k.resolution,
               k.resolved_at
        FROM complaints k LEFT JOIN agencies ag ON ag.agency_id = k.agency_id
        JOIN loans l ON l.loan_id = k.loan_id LEFT JOIN customers c ON c.customer_id = l.customer_id
        WHERE {where} ORDER BY k.received_at DESC, k.complaint_id DESC {'' if limit is None else 'LIMIT $limit'}""",
        params=_params(start, end, **({} if category is None else {"category": category}),
                       **({} if limit is None else {"limit": limit}))).pl()
