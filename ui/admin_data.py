"""The Admin page's data: the users table and the audit log (the access file, read and written briefly, never
cached: the log grows with every click), the book's editable settings, and the writes, each as this session's user.
The functions that write check the role again where they run (monitor.users, monitor.book_settings)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from monitor import access, access_store, audit, book_settings, users
from monitor.export import csv_bytes
from monitor.i18n import t
from ui import auth, data

AUDIT_ROWS = 1000  # the newest rows the page lists and exports for one filter


def _with_access(read, *args, **kwargs):
    with access_store.opened(data.db_path()) as con:
        return read(con, *args, **kwargs)


def user_listing(lang: str) -> pl.DataFrame:
    """monitor.users.listing with the roles in words (one text, in monitor.access.ROLES order)."""
    listing = _with_access(users.listing)
    return listing.with_columns(pl.col("roles").map_elements(lambda roles: auth.role_names(roles, lang),
                                                             return_dtype=pl.String))


def set_roles(email: str, roles: frozenset[str]) -> None:
    """monitor.users.set_roles as this session's user (ValueError for an address or a role that is none)."""
    _with_access(users.set_roles, auth.actor(), email, roles)


def audit_entries(since: dt.date | None, until: dt.date | None, who: str | None, action: str | None,
                  object_: str | None) -> pl.DataFrame:
    """monitor.audit.entries: the newest AUDIT_ROWS rows that match, newest first (None: no bound, no filter)."""
    return _with_access(audit.entries, since=since, until=until, limit=AUDIT_ROWS, who=who, action=action,
                        object=object_)


def audit_actions() -> list[str]:
    return _with_access(audit.actions)


def verdict() -> audit.Verdict:
    return _with_access(audit.verify)


def in_words(entries: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The audit rows as the page lists them: the roles held in words (a role the catalog does not know as it is);
    the export keeps the codes as written."""
    def words(roles: str) -> str:
        return ", ".join(t(f"role.{role}", lang) if role in access.ROLES else role for role in roles.split(",") if role)

    return entries.with_columns(pl.col("role").map_elements(words, return_dtype=pl.String))


def audit_csv(entries: pl.DataFrame) -> bytes:
    """The listed rows as CSV (monitor.export: no cell runs as a formula)."""
    return csv_bytes(entries)


def settings() -> pl.DataFrame:
    """monitor.book_settings.editable: the settings an admin may change, with their bounds."""
    return data.load(book_settings.editable)


def change_setting(key: str, value: object) -> tuple[str, str]:
    """monitor.book_settings.change as this session's user: (old, new); SettingError for a value it does not take."""
    return book_settings.change(data.db_path(), auth.actor(), key, value)
