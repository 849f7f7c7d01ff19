"""The book's settings an admin may change on the Admin page, and the one function that changes them.

Only the keys of EDITABLE can be changed there, each within its bounds: the others (the charge-off DPD, the currency,
the time zone) define what the book's numbers mean and change only with a rebuild. A change of a collection rule's
figure judges every action again (the violations table) in the same transaction. Every change checks the actor's
role where it runs (monitor.access.require: edit_settings) and is written to the audit log with the old and the new
value.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import polars as pl

from monitor import access, access_store, db
from monitor.compliance import rules, violations
from monitor.i18n import t


@dataclasses.dataclass(frozen=True)
class Bounds:
    """A whole number from `low` to `high`, both included."""

    low: int
    high: int


EDITABLE: dict[str, Bounds] = {
    "quarantine_raw_days": Bounds(1, 3650),  # days a rejected row's raw values are kept (personal data among them)
    # the collection rules' figures (monitor.compliance.rules): a change judges every action again
    **{setting.key: Bounds(setting.low, setting.high) for setting in rules.SETTINGS},
    "compliance_agency_max_violations_per_1000": Bounds(0, 1000),
    "compliance_agency_max_complaints_per_10000": Bounds(0, 10000),
}


RULE_SETTINGS = frozenset(setting.key for setting in rules.SETTINGS)  # the violations are judged by these


class SettingError(ValueError):
    """A value a setting does not take, or a key that cannot be changed; text(lang) says which and why."""

    def __init__(self, key: str, code: str, **params):
        self.key, self.code, self.params = key, code, {"setting": key, **params}
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(f"admin.setting_error.{self.code}", lang, **self.params)


def editable(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The settings an admin may change: key, value (text, as stored), low, high, description."""
    bounds = pl.DataFrame({"key": list(EDITABLE), "low": [b.low for b in EDITABLE.values()],
                           "high": [b.high for b in EDITABLE.values()]})
    con.register("editable_settings", bounds)
    try:
        return con.sql("""SELECT s.key, s.value, e.low, e.high, s.description
                          FROM settings s JOIN editable_settings e USING (key) ORDER BY s.key""").pl()
    finally:
        con.unregister("editable_settings")


def checked(key: str, value: object) -> int:
    """`value` as the whole number `key` takes, or SettingError."""
    if key not in EDITABLE:
        raise SettingError(key, "not_editable", keys=", ".join(EDITABLE))
    bounds = EDITABLE[key]
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise SettingError(key, "not_whole", value=text, low=bounds.low, high=bounds.high)
    number = int(text)
    if not bounds.low <= number <= bounds.high:
        raise SettingError(key, "range", value=number, low=bounds.low, high=bounds.high)
    return number


def change(book: str | Path, actor: access.Actor, key: str, value: object) -> tuple[str, str]:
    """Set `key` to `value` in the book at `book`, as `actor` (who must hold edit_settings), and audit it
    (edit_settings, object the key, parameters old and new); returns (old, new) as stored."""
    access.require(actor, "edit_settings")
    new = str(checked(key, value))
    con = db.connect(book)
    try:
        with db.transaction(con):
            old = db.setting(con, key)
            db.run(con, "UPDATE settings SET value = ? WHERE key = ?", [new, key])
            if key in RULE_SETTINGS:
                violations.rebuild(con)
    finally:
        con.close()
    access_store.record(book, actor, "edit_settings", key, {"old": old, "new": new})
    return old, new
