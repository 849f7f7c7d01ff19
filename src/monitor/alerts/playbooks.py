"""Contingency playbooks (应急预案, issue 16 item 5): one per limit, the steps a breach calls for, who owns them and
the decision they lead to (DECISIONS), in the table playbooks (monitor.alerts_schema).

A step is free text, or a key of the text catalog (monitor.texts.playbooks): the starter playbooks
(monitor.alerts_starter, one for each kind of metric the starter limits watch) are stored as keys, so that each
reader sees them in their own language (step_text).
"""

from __future__ import annotations

import duckdb

from monitor.i18n import CATALOG, t
from monitor.query import rows

DECISIONS = ("tighten_cutoffs", "move_agents", "offer_plans", "raise_provisions", "review_model", "restore_data")
MAX_STEPS = 20
MAX_STEP_CHARS = 500

class PlaybookError(ValueError):
    """A playbook refused: the message names the field and the rule."""


def check(steps, owner, decision) -> tuple[list[str], str, str]:
    if not isinstance(steps, list | tuple) or not steps:
        raise PlaybookError("steps: give at least one step")
    if len(steps) > MAX_STEPS:
        raise PlaybookError(f"steps: at most {MAX_STEPS} steps, got {len(steps)}")
    for n, step in enumerate(steps, 1):
        if not isinstance(step, str) or not step.strip():
            raise PlaybookError(f"steps: step {n} is empty; write what to do")
        if len(step) > MAX_STEP_CHARS:
            raise PlaybookError(f"steps: step {n} is longer than {MAX_STEP_CHARS} characters")
    if not isinstance(owner, str) or not owner.strip():
        raise PlaybookError("owner: name who runs the playbook")
    if decision not in DECISIONS:
        raise PlaybookError(f"decision: unknown decision {decision!r}; choose one of {', '.join(DECISIONS)}")
    return [step.strip() for step in steps], owner.strip(), decision


def set_playbook(con: duckdb.DuckDBPyConnection, limit_id: int, steps, owner, decision) -> dict:
    """Write (or replace) the playbook of a limit; a limit that does not exist or a bad field raises PlaybookError."""
    steps, owner, decision = check(steps, owner, decision)
    if not rows(con, "SELECT count(*) FROM limits WHERE limit_id = $id", id=limit_id)[0][0]:
        raise PlaybookError(f"limit_id: no limit {limit_id!r}")
    con.execute("INSERT OR REPLACE INTO playbooks VALUES ($id, $steps, $owner, $decision)",
                {"id": limit_id, "steps": steps, "owner": owner, "decision": decision})
    return {"limit_id": limit_id, "steps": steps, "owner": owner, "decision": decision}


def playbook(con: duckdb.DuckDBPyConnection, limit_id: int) -> dict | None:
    found = read_all(con, [limit_id])
    return found.get(limit_id)


def read_all(con: duckdb.DuckDBPyConnection, limit_ids: list[int] | None = None) -> dict[int, dict]:
    """The playbooks by limit (all, or those of `limit_ids`)."""
    found = rows(con, """SELECT limit_id, steps, owner, decision FROM playbooks
                         WHERE $ids IS NULL OR list_contains($ids, limit_id) ORDER BY limit_id""",
                 ids=None if limit_ids is None else list(limit_ids))
    return {row[0]: {"limit_id": row[0], "steps": list(row[1]), "owner": row[2], "decision": row[3]}
            for row in found}


def step_text(step: str, lang: str) -> str:
    """A step as a reader sees it: a catalog key (a starter playbook's) in `lang`, else the text as written."""
    return t(step, lang) if step in CATALOG else step


def decision_text(decision: str, lang: str) -> str:
    return t(f"playbook.decision.{decision}", lang)
