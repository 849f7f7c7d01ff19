"""Contingency playbooks (应急预案, issue 16 item 5): one per limit, the steps a breach calls for, who owns them and
the decision they lead to (DECISIONS), in the table playbooks of monitor.alerts.schema.

A step is free text, or a key of the text catalog (monitor.texts.playbooks): the starter playbooks (STARTER, one
for each kind of metric the starter limits watch) are stored as keys, so that each reader sees them in their own
language (step_text).
"""

from __future__ import annotations

import duckdb

from monitor.i18n import CATALOG, t
from monitor.query import rows

DECISIONS = ("tighten_cutoffs", "move_agents", "offer_plans", "raise_provisions", "review_model", "restore_data")
MAX_STEPS = 20
MAX_STEP_CHARS = 500

# metric -> (decision, number of steps under playbook.step.<metric>.<n> in the catalog)
STARTER: dict[str, tuple[str, int]] = {
    "dpd30_balance": ("tighten_cutoffs", 4),
    "roll_m1_m2": ("move_agents", 4),
    "fpd30_newest": ("tighten_cutoffs", 4),
    "net_charge_off": ("raise_provisions", 4),
    "model_psi": ("review_model", 3),
    "hours_since_batch": ("restore_data", 3),
    "entry_rate_mtd": ("move_agents", 4),
}


class PlaybookError(ValueError):
    """A playbook refused: the message names the field and the rule."""


def starter(metric: str) -> dict | None:
    """The starter playbook of a metric (steps as catalog keys), or None where there is none."""
    if metric not in STARTER:
        return None
    decision, steps = STARTER[metric]
    return {"steps": [f"playbook.step.{metric}.{n}" for n in range(1, steps + 1)], "decision": decision}


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


def install_starters(con: duckdb.DuckDBPyConnection) -> int:
    """Give every limit without a playbook the starter playbook of its metric, owned by the limit's owner
    (one set-wise INSERT). Returns how many were written."""
    values = [(metric, spec["steps"], spec["decision"]) for metric in STARTER if (spec := starter(metric))]
    before = rows(con, "SELECT count(*) FROM playbooks")[0][0]
    con.execute("""INSERT INTO playbooks
                   SELECT l.limit_id, s.steps, l.owner, s.decision
                   FROM limits l JOIN (SELECT unnest($metrics) AS metric, unnest($steps) AS steps,
                                              unnest($decisions) AS decision) s USING (metric)
                   WHERE l.limit_id NOT IN (SELECT limit_id FROM playbooks)""",
                {"metrics": [v[0] for v in values], "steps": [v[1] for v in values],
                 "decisions": [v[2] for v in values]})
    return rows(con, "SELECT count(*) FROM playbooks")[0][0] - before


def step_text(step: str, lang: str) -> str:
    """A step as a reader sees it: a catalog key (a starter playbook's) in `lang`, else the text as written."""
    return t(step, lang) if step in CATALOG else step


def decision_text(decision: str, lang: str) -> str:
    return t(f"playbook.decision.{decision}", lang)
