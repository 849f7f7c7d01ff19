"""Contact points: where a limit's notifications go (schema.contact_points), each checked before it is written.

A contact point is a webhook (plain JSON, WeCom's or DingTalk's group robot: `target` an http(s) URL) or e-mail
(`target` one or more addresses, separated by commas or semicolons). A limit's events go to the contact point named
in limits.contact, else to the one named after limits.owner (ROUTE): an owner reaches people by having a contact
point of their own name, and a limit with its own contact overrides that.

A contact point is sent the events that happened from its creation on (created_at, the book's clock), not the
book's past: one added today is not flooded with every alert of the history (those are on the Limits page). So an
event whose contact point does not exist yet is not sent to one added later. Changing a contact point's kind or
target keeps its created_at: it is the same recipients at a new address, and what was queued for them follows
(monitor.alerts.notify); removing it and adding it again starts anew.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import duckdb
import polars as pl

from monitor import db
from monitor.alerts import catalog
from monitor.alerts_schema import CONTACT_KINDS
from monitor.i18n import t

MAX_NAME = 100
MASK = "***"
EMAIL_KIND = "email"
# One address: a local part and a domain of dot-separated labels (no display names: the target is addresses only).
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")
_SEPARATORS = re.compile(r"[,;]")

# The contact point name each limit's events go to, as a SQL expression over `limits l`.
ROUTE = "coalesce(nullif(trim(l.contact), ''), l.owner)"


class ContactError(ValueError):
    """A contact point refused: `field` names what is wrong; text(lang) says the rule."""

    def __init__(self, field: str, code: str, **params):
        self.field, self.code, self.params = field, code, params
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(f"notify.contact_error.{self.code}", lang, **self.params)


def addresses(target: str) -> list[str]:
    """The addresses of an e-mail contact point's target."""
    return [part.strip() for part in _SEPARATORS.split(target) if part.strip()]


def checked(name: str, kind: str, target: str) -> tuple[str, str, str]:
    """(name, kind, target) as stored, or ContactError naming the field and the rule."""
    name, kind, target = str(name).strip(), str(kind).strip(), str(target).strip()
    if not name or len(name) > MAX_NAME:
        raise ContactError("name", "name", value=name, max=MAX_NAME)
    if kind not in CONTACT_KINDS:
        raise ContactError("kind", "kind", value=kind, kinds=", ".join(CONTACT_KINDS))
    if kind == EMAIL_KIND:
        found = addresses(target)
        wrong = next((a for a in found if not _ADDRESS.fullmatch(a)), None) if found else target
        if wrong is not None:
            raise ContactError("target", "email", name=name, value=wrong)
        return name, kind, ", ".join(found)
    parts = urllib.parse.urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", target):
        raise ContactError("target", "url", name=name, value=target)
    return name, kind, target


def masked(target: str) -> str:
    """A target as it may be shown or kept in a history: a webhook URL's scheme, host and port, its path and query
    (where the robots' tokens are: key=..., access_token=...) masked; e-mail addresses as they are."""
    parts = urllib.parse.urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return target
    host = parts.netloc.rpartition("@")[2]  # user:password@ never shown
    hidden = parts.path not in ("", "/") or parts.query or parts.fragment
    return f"{parts.scheme}://{host}/{MASK if hidden else ''}"


def listing(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every contact point: name, kind, target, by name."""
    return con.sql("SELECT name, kind, target FROM contact_points ORDER BY name").pl()


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM contact_points WHERE name = ?", [name]).fetchall()[0][0])


def add(con: duckdb.DuckDBPyConnection, name: str, kind: str, target: str, *, now: dt.datetime | None = None) -> None:
    """A new contact point, created at `now` (default the book's clock): it is sent the events from then on. One of
    the same name is refused."""
    row = checked(name, kind, target)
    if _exists(con, row[0]):
        raise ContactError("name", "exists", name=row[0])
    db.run(con, "INSERT INTO contact_points VALUES (?, ?, ?, ?)", [*row, now or catalog.book_now(con)])


def change(con: duckdb.DuckDBPyConnection, name: str, kind: str, target: str) -> None:
    """A contact point's new kind and target. Messages not yet delivered go to the new target (their payload was
    made for the kind they were queued for)."""
    row = checked(name, kind, target)
    if not _exists(con, row[0]):
        raise ContactError("name", "missing", name=row[0])
    db.run(con, "UPDATE contact_points SET kind = ?, target = ? WHERE name = ?", [row[1], row[2], row[0]])


def remove(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Remove a contact point. Its undelivered messages stay undelivered, each attempt failing with the reason,
    until a contact point of that name exists again."""
    name = str(name).strip()
    if not _exists(con, name):
        raise ContactError("name", "missing", name=name)
    db.run(con, "DELETE FROM contact_points WHERE name = ?", [name])
