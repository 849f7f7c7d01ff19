"""The violations table: every action that broke a collection rule (monitor.compliance.rules), one row per rule; and
contact_requests, each contact that asked not to be contacted again and when it first asked (rules.REQUESTS), which
the check before a call looks up instead of reading every action.

`rebuild` judges every action (derive, a migration, a changed rule setting). `update` keeps the table current after
a write of actions, inside the writer's transaction: a rule judges an action by the action itself and by earlier
actions of the same contact or the same loan, so the actions a write can change the judgement of are the new ones
and the later actions of their loans and contacts; those are judged again, the others kept. A test checks the table
equal to a rebuild after each write.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from monitor import book_schema as db  # not monitor.db: a migration rebuilds this table (no import circle)
from monitor.compliance import rules

_COLUMNS = "v.rule, f.action_id, f.loan_id, f.action_at, f.agent_id, f.agency_id"


_REQUESTS = "SELECT contact_key, min(action_at) AS asked_at FROM ({facts}) GROUP BY contact_key"


def rebuild(con: duckdb.DuckDBPyConnection) -> int:
    """Judge every action again; the number of violations."""
    db.run(con, db.COMPLIANCE_DDL)  # a book of an early version 7 has no contact_requests
    db.run(con, "DELETE FROM contact_requests")
    db.run(con, f"INSERT INTO contact_requests {_REQUESTS.format(facts=rules.facts(rules.REQUESTS))}")
    db.run(con, "DELETE FROM violations")
    db.run(con, f"""INSERT INTO violations
                    SELECT {_COLUMNS} FROM ({rules.violations_sql(rules.facts(), rules.facts())}) v
                    JOIN ({rules.facts()}) f USING (action_id) ORDER BY f.action_at, v.rule""",
           rules.parameters(con))
    return con.execute("SELECT count(*) FROM violations").fetchall()[0][0]


def update(con: duckdb.DuckDBPyConnection, action_ids: Iterable[int]) -> int:
    """Judge again the actions a write of `action_ids` can have changed the judgement of; the violations now found
    among them."""
    written = [int(action_id) for action_id in action_ids]
    if not written:
        return 0
    db.run(con, f"""CREATE OR REPLACE TEMP TABLE compliance_new AS
                    {rules.facts("action_id IN (SELECT unnest($written::BIGINT[]))")}""", {"written": written})
    db.run(con, db.COMPLIANCE_DDL)
    new_requests = _REQUESTS.format(facts=f"SELECT * FROM compliance_new WHERE {rules.REQUESTS}")
    db.run(con, f"""INSERT INTO contact_requests {new_requests}
                    ON CONFLICT (contact_key) DO UPDATE SET asked_at = least(asked_at, excluded.asked_at)""")
    since = con.execute("SELECT min(action_at) FROM compliance_new").fetchall()[0][0]
    # The actions judged again: the new ones and every later action of their loans and contacts.
    db.run(con, f"""CREATE OR REPLACE TEMP TABLE compliance_scope AS {rules.facts(
        "action_at >= $since AND (loan_id IN (SELECT loan_id FROM compliance_new) "
        "OR contact_key IN (SELECT contact_key FROM compliance_new))")}""", {"since": since})
    parameters = rules.parameters(con)
    # What their judgement may look back on: their loans' and contacts' actions since the start of the lookback.
    history = rules.facts("action_at >= CAST($since AS DATE) - to_days(CAST($reachable_days AS INTEGER) + 1) "
                          "AND (loan_id IN (SELECT loan_id FROM compliance_scope) "
                          "OR contact_key IN (SELECT contact_key FROM compliance_scope))")
    db.run(con, "DELETE FROM violations WHERE action_id IN (SELECT action_id FROM compliance_scope)")
    db.run(con, f"""INSERT INTO violations
                    SELECT {_COLUMNS} FROM ({rules.violations_sql('SELECT * FROM compliance_scope', history)}) v
                    JOIN compliance_scope f USING (action_id) ORDER BY f.action_at, v.rule""",
           {**parameters, "since": since})
    found = con.execute("""SELECT count(*) FROM violations
                           WHERE action_id IN (SELECT action_id FROM compliance_scope)""").fetchall()[0][0]
    db.run(con, "DROP TABLE compliance_new")
    db.run(con, "DROP TABLE compliance_scope")
    return found
