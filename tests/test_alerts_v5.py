"""Schema version 5 (monitor.migrations._v4_to_v5) on a book of version 4 as such books were: a contact point of
the old book keeps receiving every event not sent yet (created 1970-01-01), and a new one only what follows."""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import db
from monitor.alerts import contacts, notify
from tests.builders import Book

V4_CONTACT_POINTS = """CREATE TABLE contact_points (
    name    VARCHAR PRIMARY KEY,
    kind    VARCHAR NOT NULL CHECK (kind IN ('webhook_json', 'wecom', 'dingtalk', 'email')),
    target  VARCHAR NOT NULL)"""
AT = dt.datetime(2026, 11, 30, 1, 30)


def version_4_book(path) -> None:
    """A book of this version with the tables of version 4 where they differ, one contact point and one event."""
    Book(path).close()
    raw = duckdb.connect(str(path), config=db.CONFIG)
    raw.execute("DROP TABLE contact_points")
    raw.execute(V4_CONTACT_POINTS)
    raw.execute("INSERT INTO contact_points VALUES ('risk_manager', 'email', 'risk@lender.example')")
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
        assert db.schema_version(con) == db.SCHEMA_VERSION == 5
        assert con.execute("SELECT name, created_at FROM contact_points").fetchall() == [
            ("risk_manager", dt.datetime(1970, 1, 1))]
        contacts.add(con, "late-hook", "webhook_json", "http://127.0.0.1:9/hook", now=AT + dt.timedelta(hours=1))
        with db.transaction(con):
            assert notify.enqueue(con, AT + dt.timedelta(hours=2)) == 1  # the old contact point's, not late-hook's
        assert con.execute("SELECT contact, event_ids FROM alert_deliveries").fetchall() == [
            ("risk_manager", ["e1"])]
        assert con.execute("SELECT detail->>'from', detail->>'to' FROM book_history WHERE event = 'migrate'"
                           ).fetchall() == [("4", "5")]
    finally:
        con.close()
