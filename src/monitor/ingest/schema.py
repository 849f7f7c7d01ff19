"""What each loadable kind of file must hold, read from the schema itself (monitor.db.DDL), so that the columns,
their types and which are required are declared once. These names are the only identifiers ingest puts in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from monitor import db

# Also the order files of one command load in: applications after the loans they became.
KINDS = ("loans", "installments", "payments", "collection_actions", "applications", "credit_policy")
KEYS = {"loans": ("loan_id",), "installments": ("loan_id", "installment_no"), "payments": ("payment_id",),
        "collection_actions": ("action_id",), "applications": ("application_id",),
        "credit_policy": ("valid_from", "channel", "product")}
UNIQUE = {"applications": ("loan_id",)}  # columns besides the key that no two rows share (NULL aside)


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool  # NOT NULL in the table


@cache
def columns(kind: str) -> tuple[Column, ...]:
    """The table's columns in order, from an in-memory database built with the real DDL."""
    con = db.memory()
    try:
        db.run(con, db.DDL)
        frame = con.sql("""SELECT column_name, data_type, is_nullable FROM information_schema.columns
                           WHERE table_name = $kind ORDER BY ordinal_position""", params={"kind": kind}).pl()
    finally:
        con.close()
    return tuple(Column(name, sql_type, nullable == "NO")
                 for name, sql_type, nullable in frame.iter_rows())


def names(kind: str) -> list[str]:
    return [c.name for c in columns(kind)]


def required(kind: str) -> list[str]:
    return [c.name for c in columns(kind) if c.required]
