"""The starter set of limits every new book is given (and an older book by the migration to schema version 4), each
with the starter playbook of its metric (STARTER_PLAYBOOKS), so that the alerts, the page and the drills mean
something out of the box. It stands beside book_schema, below the alerts package, because creating a book writes it.
Owner 'risk_manager', written by 'system'; each is a version-1 row of limit_versions like any limit added by hand.
The levels, and why a lender uses them:

The levels sit above the normal range of the book they are written into (the demo lender's: 30+ by balance near 5 %,
M1 -> M2 near 40 %, FPD30 near 4.5 %, net charge-off 2-6 %), so that an ordinary month is ok and a deterioration of
the kind a contingency drill rehearses (monitor.alerts.drill, the severe stress) is not: a risk appetite is set
against the book one has. A lender moves them to its own book on the Limits page (each change versioned).

- dpd30_balance, 30+ rate by balance: amber 6 %, red 8 %. Past 6 % the collection queues lengthen beyond the
  floor's capacity; past 8 % provisions and funding covenants bite.
- roll_m1_m2, M1 -> M2 roll by balance: amber 50 %, red 60 %. Early collection cures most M1 balance; half rolling
  on means early collection is not working (capacity, a payment channel), six in ten that it has stopped.
- fpd30_newest, FPD30 of the newest three cohorts: amber 6 %, red 8 %. First-payment default is the earliest read
  of underwriting and fraud; 6 % calls for a look at the channels that sourced them, 8 % for tightening cut-offs.
- net_charge_off, annualized net charge-off rate (month to date): amber 8 %, red 12 %, the loss budget of a book
  priced at up to 24 % APR: past 12 % the margin after funding and operating costs is gone.
- model_psi, the early-warning score's PSI against its training population: amber 0.10, red 0.25, DESIGN.md §5's
  bands (< 0.1 stable, 0.1-0.25 watch, > 0.25 act: recalibrate or retrain).
- hours_since_batch, hours since the newest data batch: amber 26, red 50. Files land nightly, so 26 hours is one
  missed night with two hours' grace, 50 two missed nights: every other figure is then stale.
- entry_rate_mtd, 入催率 month to date: amber 20 %, red 25 %. Installments missed on their due day; short cash loans
  run at 10-18 % (many pay a day or two late and never reach collection); a fifth is where the collection floor's
  daily intake exceeds its capacity.
"""

from __future__ import annotations

import json

import duckdb

OWNER = "risk_manager"
BY = "system"
COLUMNS = ("limit_id", "name", "metric", "segment", "segment_value", "direction", "amber", "red", "pending", "owner",
           "contact", "enabled", "version", "name_key")

# name (stored; shown in the reader's language through alerts.limit_name.<metric>, monitor.alerts.names), metric,
# direction, amber, red, pending
STARTER = (
    ("30+ rate by balance", "dpd30_balance", "above", 0.06, 0.08, 1),
    ("M1 to M2 roll", "roll_m1_m2", "above", 0.50, 0.60, 1),
    ("FPD30, newest cohorts", "fpd30_newest", "above", 0.06, 0.08, 1),
    ("Net charge-off (annualized)", "net_charge_off", "above", 0.08, 0.12, 1),
    ("Score PSI", "model_psi", "above", 0.10, 0.25, 1),
    ("Hours since the last batch", "hours_since_batch", "above", 26.0, 50.0, 1),
    ("Collection entry rate, month to date", "entry_rate_mtd", "above", 0.20, 0.25, 2),
)


def rows() -> list[dict]:
    """The starter limits as rows of `limits` (limit_id 1, 2, ... in the order above), version 1, enabled, each
    named by the key of its metric (name_key)."""
    return [dict(zip(COLUMNS, (number, name, metric, None, None, direction, amber, red, pending, OWNER, None,
                               True, 1, metric), strict=True))
            for number, (name, metric, direction, amber, red, pending) in enumerate(STARTER, start=1)]


def write(con: duckdb.DuckDBPyConnection) -> None:
    """Add the starter set, each with the starter playbook of its metric (monitor.alerts.playbooks), to a book that has
    no limit yet (idempotent: create_schema runs on older books too)."""
    if con.execute("SELECT count(*) FROM limits").fetchall()[0][0]:
        return
    for row in rows():
        con.execute(f"INSERT INTO limits VALUES ({', '.join('?' * len(COLUMNS))})", list(row.values())).fetchall()
        con.execute("INSERT INTO limit_versions VALUES (?, 1, current_timestamp, ?, NULL, ?)",
                    [row["limit_id"], BY, json.dumps(row)]).fetchall()
    install_starters(con)


# metric -> (decision, number of steps under playbook.step.<metric>.<n> in the catalog)
STARTER_PLAYBOOKS: dict[str, tuple[str, int]] = {
    "dpd30_balance": ("tighten_cutoffs", 4),
    "roll_m1_m2": ("move_agents", 4),
    "fpd30_newest": ("tighten_cutoffs", 4),
    "net_charge_off": ("raise_provisions", 4),
    "model_psi": ("review_model", 3),
    "hours_since_batch": ("restore_data", 3),
    "entry_rate_mtd": ("move_agents", 4),
}


def starter(metric: str) -> dict | None:
    """The starter playbook of a metric (steps as catalog keys), or None where there is none."""
    if metric not in STARTER_PLAYBOOKS:
        return None
    decision, steps = STARTER_PLAYBOOKS[metric]
    return {"steps": [f"playbook.step.{metric}.{n}" for n in range(1, steps + 1)], "decision": decision}


def install_starters(con: duckdb.DuckDBPyConnection) -> int:
    """Give every limit without a playbook the starter playbook of its metric, owned by the limit's owner
    (one set-wise INSERT). Returns how many were written."""
    values = [(metric, spec["steps"], spec["decision"]) for metric in STARTER_PLAYBOOKS if (spec := starter(metric))]
    before = con.execute("SELECT count(*) FROM playbooks").fetchall()[0][0]
    con.execute("""INSERT INTO playbooks
                   SELECT l.limit_id, s.steps, l.owner, s.decision
                   FROM limits l JOIN (SELECT unnest($metrics) AS metric, unnest($steps) AS steps,
                                              unnest($decisions) AS decision) s USING (metric)
                   WHERE l.limit_id NOT IN (SELECT limit_id FROM playbooks)""",
                {"metrics": [v[0] for v in values], "steps": [v[1] for v in values],
                 "decisions": [v[2] for v in values]})
    return con.execute("SELECT count(*) FROM playbooks").fetchall()[0][0] - before
