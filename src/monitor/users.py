"""The `users` table: the roles of people whose identity token names none of ours (monitor.access), edited by an
admin on the Admin page. Every change is written to the audit log in the same transaction."""

from __future__ import annotations

import duckdb
import polars as pl

from monitor import access, audit
from monitor.book_schema import run, transaction
from monitor.query import frame


def normalised_email(email: str) -> str:
    return email.strip().lower()


def roles_of(con: duckdb.DuckDBPyConnection, email: str) -> frozenset[str]:
    """The roles the table grants `email` (none when it is not listed)."""
    found = con.execute("SELECT roles FROM users WHERE email = ?", [normalised_email(email)]).fetchall()
    return access.valid_roles(found[0][0]) if found else frozenset()


def listing(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every listed user: email, roles (a list, in access.ROLES order), updated_at, updated_by."""
    return frame(con, "SELECT email, roles, updated_at, updated_by FROM users ORDER BY email")


def set_roles(con: duckdb.DuckDBPyConnection, actor: access.Actor, email: str, roles: frozenset[str]) -> None:
    """Give `email` exactly `roles` (none: remove the user), as `actor`, who must hold edit_roles."""
    access.require(actor, "edit_roles")
    email = normalised_email(email)
    if not email or "@" not in email:
        raise ValueError(f"not an email address: {email!r}")
    unknown = set(roles) - set(access.ROLES)
    if unknown:
        raise ValueError(f"not roles: {sorted(unknown)}; the roles are {access.ROLES}")
    ordered = [role for role in access.ROLES if role in roles]
    with transaction(con):
        run(con, "DELETE FROM users WHERE email = ?", [email])
        if ordered:
            run(con, "INSERT INTO users VALUES (?, ?, current_timestamp, ?)", [email, ordered, actor.who])
    audit.record(con, actor, "edit_roles", email, {"roles": ordered})
