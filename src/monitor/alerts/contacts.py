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

Every change (add, change, remove) is recorded as limits' are (monitor.alerts.limits): a row of
contact_point_versions with who, when (the book's clock) and the contact point before and after, its target masked
(masked(): a webhook URL's path and query hold the robot's token; e-mail addresses are kept as they are).
"""

from __future__ import annotations

import datetime as dt
import json
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


def _current(con: duckdb.DuckDBPyConnection, name: str) -> dict | None:
    found = con.execute("SELECT name, kind, target FROM contact_points WHERE name = ?", [name]).fetchall()
    return dict(zip(("name", "kind", "target"), found[0], strict=True)) if found else None


def _who(who: str) -> str:
    if not str(who or "").strip():
        raise ContactError("who", "who")
    return str(who).strip()


def _kept(row: dict | None) -> str | None:
    """A contact point as its history keeps it: the target masked (a webhook URL's token is a secret)."""
    return None if row is None else json.dumps({**row, "target": masked(row["target"])})


def _version(con: duckdb.DuckDBPyConnection, who: str, now: dt.datetime, before: dict | None,
             after: dict | None) -> None:
    """One row of contact_point_versions: the next version of that name (a name removed and added again goes on
    counting), who, when, the contact point before and after (None: not there)."""
    name = (after or before)["name"]
    db.run(con, """INSERT INTO contact_point_versions
                   SELECT $name, coalesce(max(version), 0) + 1, $now, $who, $before, $after
                   FROM contact_point_versions WHERE name = $name""",
           {"name": name, "now": now, "who": who, "before": _kept(before), "after": _kept(after)})


def add(con: duckdb.DuckDBPyConnection, name: str, kind: str, target: str, *, who: str,
        now: dt.datetime | None = None) -> None:
    """A new contact point, created by `who` at `now` (default the book's clock): it is sent the events from then
    on. One of the same name is refused."""
    row = dict(zip(("name", "kind", "target"), checked(name, kind, target), strict=True))
    who, now = _who(who), now or catalog.book_now(con)
    with db.transaction(con):
        if _current(con, row["name"]):
            raise ContactError("name", "exists", name=row["name"])
        db.run(con, "INSERT INTO contact_points VALUES (?, ?, ?, ?)", [*row.values(), now])
        _version(con, who, now, None, row)


def change(con: duckdb.DuckDBPyConnection, name: str, kind: str, target: str, *, who: str,
           now: dt.datetime | None = None) -> None:
    """A contact point's new kind and target, by `who`. Messages not yet delivered go to the new target (their
    payload was made for the kind they were queued for). The same kind and target again: nothing is recorded."""
    row = dict(zip(("name", "kind", "target"), checked(name, kind, target), strict=True))
    who, now = _who(who), now or catalog.book_now(con)
    with db.transaction(con):
        before = _current(con, row["name"])
        if before is None:
            raise ContactError("name", "missing", name=row["name"])
        if before == row:
            return
        db.run(con, "UPDATE contact_points SET kind = ?, target = ? WHERE name = ?",
               [row["kind"], row["target"], row["name"]])
        _version(con, who, now, before, row)


def remove(con: duckdb.DuckDBPyConnection, name: str, *, who: str, now: dt.datetime | None = None) -> None:
    """Remove a contact point, by `who`. Its undelivered messages stay undelivered, each attempt failing with the
    reason, until a contact point of that name exists again."""
    name, who, now = str(name).strip(), _who(who), now or catalog.book_now(con)
    with db.transaction(con):
        before = _current(con, name)
        if before is None:
            raise ContactError("name", "missing", name=name)
        db.run(con, "DELETE FROM contact_points WHERE name = ?", [name])
        _version(con, who, now, before, None)


def versions(con: duckdb.DuckDBPyConnection, name: str) -> list[dict]:
    """A contact point's history, oldest first: version, changed_at, changed_by, before and after (dicts, targets
    masked; None where it did not exist)."""
    found = con.execute("SELECT version, changed_at, changed_by, before, after FROM contact_point_versions "
                        "WHERE name = ? ORDER BY version", [name]).fetchall()
    return [{"version": v, "changed_at": at, "changed_by": by, "before": json.loads(b) if b else None,
             "after": json.loads(a) if a else None} for v, at, by, b, a in found]
