"""Credit-policy what-ifs saved by name (credit_policy_whatifs): the cut-offs, the line multipliers and the
assumptions as they were edited, so that policies can be compared later on the population of the day.

Saving a name again replaces it (a what-if is a draft, refined in place); the caller holds the read-write
connection and says who saves (the page its signed-in user, the command line `command-line`).
"""

from __future__ import annotations

import json

import duckdb

from monitor import db
from monitor.origination.whatif import Assumptions, PolicyChoice

MAX_NAME = 80


class NotSaved(LookupError):
    """No saved what-if of that name."""


def check_name(name: str) -> str:
    """The name stripped; ValueError when empty or longer than MAX_NAME."""
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > MAX_NAME:
        raise ValueError(f"a saved policy's name is 1 to {MAX_NAME} characters, got {name!r}")
    return text


def save(con: duckdb.DuckDBPyConnection, name: str, choice: PolicyChoice, assumptions: Assumptions,
         actor_name: str) -> None:
    """Save (or replace) the what-if `name`."""
    spec = {"policy": choice.as_json(), "assumptions": assumptions.as_json()}
    db.run(con, db.APPLICATIONS_DDL)  # a book of schema 8 written before the table existed
    db.run(con, "INSERT OR REPLACE INTO credit_policy_whatifs VALUES (?, current_localtimestamp(), ?, ?)",
           [check_name(name), actor_name, json.dumps(spec)])


def load(con: duckdb.DuckDBPyConnection, name: str) -> tuple[PolicyChoice, Assumptions]:
    """The saved what-if `name`; NotSaved naming the saved ones when there is none."""
    found = (con.execute("SELECT CAST(spec AS VARCHAR) FROM credit_policy_whatifs WHERE name = ?", [name]).fetchall()
             if db.table_exists(con, "credit_policy_whatifs") else [])
    if not found:
        raise NotSaved(f"no saved policy {name!r}; saved: {', '.join(names(con)) or 'none'}")
    spec = json.loads(found[0][0])
    return PolicyChoice.from_json(spec["policy"]), Assumptions.from_json(spec["assumptions"])


def names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The saved what-ifs' names, in order."""
    if not db.table_exists(con, "credit_policy_whatifs"):
        return []
    return [name for (name,) in con.execute("SELECT name FROM credit_policy_whatifs ORDER BY name").fetchall()]
