"""Schema version 5 (monitor.migrations._v4_to_v5) on a book of version 4 as such books were: a contact point of
the old book keeps receiving every event not sent yet (created 1970-01-01), and a new one only what follows (its
creation kept in contact_point_versions); the starter limits still named as written are shown in the reader's
language, one renamed keeps the name typed."""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import alerts_starter, db
from monitor.alerts import contacts, names, notify
from tests.builders import Book

V4_CONTACT_POINTS = """CREATE TABLE contact_points (
    name    VARCHAR PRIMARY KEY,
    kind    VARCHAR NOT NULL CHECK (kind IN ('webhook_json', 'wecom', 'dingtalk', 'email')),
    target  VARCHAR NOT NULL)"""
V4_LIMITS = """CREATE TABLE limits (
    limit_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, metric VARCHAR NOT NULL, segment VARCHAR,
    segment_value VARCHAR, direction VARCHAR NOT NULL CHECK (direction IN ('above', 'below')), amber DOUBLE NOT NULL,
    red DOUBLE NOT NULL, pending INTEGER NOT NULL CHECK (pending >= 1), owner VARCHAR NOT NULL, contact VARCHAR,
    enabled BOOLEAN NOT NULL, version INTEGER NOT NULL, CHECK ((segment IS NULL) = (segment_value IS NULL)))"""
AT = dt.datetime(2026, 11, 30, 1, 30)


def version_4_book(path) -> None:
    """A book of this version with the tables of version 4 where they differ, one contact point and one event."""
    Book(path).close()
    raw = duckdb.connect(str(path), config=db.CONFIG)
    raw.execute("DROP TABLE contact_points")
    raw.execute("DROP TABLE contact_point_versions")
    raw.execute(V4_CONTACT_POINTS)
    raw.execute("INSERT INTO contact_points VALUES ('risk_manager', 'email', 'risk@lender.example')")
    raw.execute("DROP TABLE limits")
    raw.execute(V4_LIMITS)
    for row in alerts_starter.rows():  # as version 4 wrote them, the second renamed since
        name = "Roll, ours" if row["limit_id"] == 2 else row["name"]
        raw.execute("INSERT INTO limits VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, NULL, true, 1)",
                    [row["limit_id"], name, row["metric"], row["direction"], row["amber"], row["red"],
                     row["pending"], row["owner"]])
    raw.execute("INSERT INTO alert_events VALUES ('e1', 1, 'nightly', ?, DATE '2026-11-29', 'ok', 'red', 0.09, 0.08, "
                "false)", [AT])
    raw.execute("DELETE FROM schema_info")
    raw.execute("INSERT INTO schema_info VALUES (4, current_timestamp)")
    raw.close()


def test_a_version_4_books_contact_points_keep_their_pending_events(tmp_path):
    path = tmp_path / "v4.duckdb"
    version_4_book(path)
    con = db.connect(path)  # a read-write open migrates
    try:
        assert db.schema_version(con) == db.SCHEMA_VERSION
        assert con.execute("SELECT name, created_at FROM contact_points").fetchall() == [
            ("risk_manager", dt.datetime(1970, 1, 1))]
        contacts.add(con, "late-hook", "webhook_json", "http://127.0.0.1:9/hook", who="tester",
                     now=AT + dt.timedelta(hours=1))
        assert [(v["version"], v["changed_by"], v["after"]["target"]) for v in contacts.versions(con, "late-hook")
                ] == [(1, "tester", "http://127.0.0.1:9/***")]
        with db.transaction(con):
            assert notify.enqueue(con, AT + dt.timedelta(hours=2)) == 1  # the old contact point's, not late-hook's
        assert con.execute("SELECT contact, event_ids FROM alert_deliveries").fetchall() == [
            ("risk_manager", ["e1"])]
        assert con.execute("SELECT detail->>'from', detail->>'to' FROM book_history WHERE event = 'migrate' "
                           "ORDER BY 1").fetchall()[0] == ("4", "5")
    finally:
        con.close()


def test_a_version_4_books_starter_limits_get_their_names_in_words(tmp_path):
    path = tmp_path / "v4.duckdb"
    version_4_book(path)
    con = db.connect(path)
    try:
        found = con.execute("SELECT limit_id, name, name_key FROM limits ORDER BY limit_id").fetchall()
    finally:
        con.close()
    assert found[:3] == [(1, "30+ rate by balance", "dpd30_balance"), (2, "Roll, ours", None),
                         (3, "FPD30, newest cohorts", "fpd30_newest")]
    assert [key for *_, key in found] == ["dpd30_balance", None, "fpd30_newest", "net_charge_off", "model_psi",
                                          "hours_since_batch", "entry_rate_mtd"]
    assert [names.shown(name, key, "zh") for _, name, key in found[:2]] == ["30+ 逾期率（按余额）", "Roll, ours"]
