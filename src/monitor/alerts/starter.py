"""The starter set of limits every new book is given (and an older book by the migration to schema version 4), so
that the alerts, the page and the drills mean something out of the box. Owner 'risk_manager', written by 'system';
each is a version-1 row of limit_versions like any limit added by hand. The levels, and why a lender uses them:

- dpd30_balance, 30+ rate by balance: amber 4 %, red 6 %. A consumer-finance book's 30+ (by balance) sits around
  2-4 % in good times; past 4 % the collection queues lengthen, past 6 % provisions and funding covenants bite.
- roll_m1_m2, M1 -> M2 roll by balance: amber 35 %, red 45 %. Early collection cures most M1 balance; a third rolling
  on is the usual tolerance, nearly half means early collection is not working (capacity, a payment channel).
- fpd30_newest, FPD30 of the newest three cohorts: amber 4 %, red 6 %. First-payment default is the earliest read
  of underwriting and fraud; 4 % is a common tolerance for short cash loans, 6 % calls for tightening cut-offs.
- net_charge_off, annualized net charge-off rate (month to date): amber 5 %, red 8 %, the loss budget of a book
  priced at up to 24 % APR: past 8 % the margin after funding and operating costs is gone.
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
           "contact", "enabled", "version")

# name, metric, direction, amber, red, pending
STARTER = (
    ("30+ rate by balance", "dpd30_balance", "above", 0.04, 0.06, 1),
    ("M1 to M2 roll", "roll_m1_m2", "above", 0.35, 0.45, 1),
    ("FPD30, newest cohorts", "fpd30_newest", "above", 0.04, 0.06, 1),
    ("Net charge-off (annualized)", "net_charge_off", "above", 0.05, 0.08, 1),
    ("Score PSI", "model_psi", "above", 0.10, 0.25, 1),
    ("Hours since the last batch", "hours_since_batch", "above", 26.0, 50.0, 1),
    ("Collection entry rate, month to date", "entry_rate_mtd", "above", 0.20, 0.25, 2),
)


def rows() -> list[dict]:
    """The starter limits as rows of `limits` (limit_id 1, 2, ... in the order above), version 1, enabled."""
    return [dict(zip(COLUMNS, (number, name, metric, None, None, direction, amber, red, pending, OWNER, None,
                               True, 1), strict=True))
            for number, (name, metric, direction, amber, red, pending) in enumerate(STARTER, start=1)]


def write(con: duckdb.DuckDBPyConnection) -> None:
    """Add the starter set to a book that has no limit yet (idempotent: create_schema runs on older books too)."""
    if con.execute("SELECT count(*) FROM limits").fetchall()[0][0]:
        return
    for row in rows():
        con.execute(f"INSERT INTO limits VALUES ({', '.join('?' * len(COLUMNS))})", list(row.values())).fetchall()
        con.execute("INSERT INTO limit_versions VALUES (?, 1, current_timestamp, ?, NULL, ?)",
                    [row["limit_id"], BY, json.dumps(row)]).fetchall()
