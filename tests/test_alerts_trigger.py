"""The intraday limits judged where new data lands (monitor.alerts.trigger): a loaded file and the live feed's batches
evaluate them and queue the events, with no `monitor alerts` run and no deliverer evaluating.

The book, worked out by hand at the book's today T (its clock, as the writers use it): two loans of 900.00 lent on
T-70, three installments of 300.00 principal due T-40, T-10 and T+20. Loan 1 has paid nothing (DPD 40: 30+, balance
900); loan 2 paid the first two (current, balance 300). The 30+ rate by balance is 900 / 1,200 = 0.75, red against
a limit at amber 0.5, red 0.7. A file paying loan 1's 600.00 of arrears cures it: the rate falls to 0, resolved.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from monitor import access, db
from monitor.alerts import catalog, contacts, evaluate, limits
from monitor.ingest import load
from tests.builders import Book
from tests.test_alerts_notify import Receiver

ROOT = Path(__file__).resolve().parents[1]


def _only(con, target: str = "http://127.0.0.1:9/hook", **fields) -> int:
    """Disable the starter set and add the one limit the test watches (owner 'risk', a webhook of that name)."""
    for limit_id in limits.listing(con)["limit_id"]:
        limits.disable(con, "tester", limit_id)
    contacts.add(con, "risk", "webhook_json", target, who="tester")
    return limits.add(con, "tester", owner="risk", pending=1, **fields)


@pytest.fixture
def book(tmp_path):
    book = Book(tmp_path / "b.duckdb")
    today = catalog.book_now(book.con).date()
    schedule = [(today + dt.timedelta(days=d), "300.00", "0", "0") for d in (-40, -10, 20)]
    for loan_id in (1, 2):
        book.loan(loan_id, today - dt.timedelta(days=70), "900.00", schedule, customer_id=loan_id)
    for days_ago in (40, 10):
        book.payment(2, dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9)), "300.00")
    limit_id = _only(book.con, name="30+ by balance", metric="dpd30_balance", amber=0.5, red=0.7)
    yield book, today, limit_id
    book.close()


def _events(con, limit_id: int) -> list[tuple]:
    return con.execute("""SELECT e.to_state, e.value, v.kind FROM alert_events e JOIN alert_evaluations v
                          USING (evaluation_id) WHERE limit_id = ? ORDER BY happened_at, event_id""",
                       [limit_id]).fetchall()


def _queued(con) -> list[str]:
    return sorted(row[0] for row in con.execute(
        "SELECT unnest(event_ids) FROM alert_deliveries WHERE contact = 'risk'").fetchall())


def test_a_loaded_file_that_cures_the_arrears_resolves_the_limit_and_queues_it(book):
    book, today, limit_id = book
    first = evaluate.evaluate(book.con, today, "intraday")
    assert first.states.filter(first.states["limit_id"] == limit_id)["value"].to_list() == [0.75]
    assert _events(book.con, limit_id) == [("red", 0.75, "intraday")]
    paid_at = catalog.book_now(book.con) - dt.timedelta(seconds=1)
    book.close()
    rows = ["payment_id,loan_id,paid_at,amount,channel", f"100,1,{paid_at:%Y-%m-%d %H:%M:%S},600.00,app"]
    outcome = load.load_bytes(book.path, "\n".join(rows).encode(), "payments.csv", actor=access.COMMAND_USER)
    assert outcome.rows_accepted == 1
    con = db.connect(book.path, read_only=True)
    try:
        assert _events(con, limit_id) == [("red", 0.75, "intraday"), ("resolved", 0.0, "intraday")]
        event_ids = [row[0] for row in con.execute("SELECT event_id FROM alert_events WHERE limit_id = ?",
                                                   [limit_id]).fetchall()]
        assert _queued(con) == sorted(event_ids)  # both, the earlier one too: nothing waits for the deliverer
    finally:
        con.close()


def test_a_file_that_changes_nothing_judged_writes_no_event(book):
    book, today, limit_id = book
    evaluate.evaluate(book.con, today, "intraday")
    book.close()
    paid_at = dt.datetime.combine(today - dt.timedelta(days=10), dt.time(9, 30))  # loan 2 pays ahead: still current
    rows = ["payment_id,loan_id,paid_at,amount,channel", f"101,2,{paid_at:%Y-%m-%d %H:%M:%S},100.00,app"]
    load.load_bytes(book.path, "\n".join(rows).encode(), "payments.csv", actor=access.COMMAND_USER)
    con = db.connect(book.path, read_only=True)
    try:
        assert _events(con, limit_id) == [("red", 0.75, "intraday")]
        assert con.execute("SELECT count(*) FROM alert_evaluations WHERE kind = 'intraday'").fetchall() == [(2,)]
    finally:
        con.close()


def test_the_feeds_batches_cross_a_level_and_the_feed_delivers_it_once(demo_db, tmp_path):
    """The age of the newest batch, an intraday metric, watched from above at a level the feed's first batch crosses
    at once: the feed itself evaluates, finds amber, queues it and sends it to the webhook (a real HTTP server here)
    with no deliverer running; it records the delivery before it ends. (Not today's cash against the expected: in the
    first minutes after midnight, book time, the four weeks before hold no cash that early, and it has no reading;
    the test ran at 00:16 and failed.)"""
    path = tmp_path / "feed.duckdb"
    path.write_bytes(demo_db.read_bytes())
    receiver = Receiver()
    con = db.connect(path)
    try:
        limit_id = _only(con, name="batch age", metric="hours_since_batch", direction="above", amber=1e-9,
                         red=1e9, target=receiver.url)
    finally:
        con.close()
    try:
        subprocess.run([sys.executable, "-m", "monitor", "feed", "--db", str(path), "--rate", "50", "--seconds", "3",
                        "--seed", "3"], cwd=ROOT, check=True, capture_output=True)
    finally:
        receiver.close()
    con = db.connect(path, read_only=True)
    try:
        found = _events(con, limit_id)
        assert found[0][0] == "amber" and found[0][1] > 0 and found[0][2] == "intraday"
        event_id = con.execute("SELECT event_id FROM alert_events WHERE limit_id = ? AND to_state = 'amber'",
                               [limit_id]).fetchall()[0][0]
        told = [event["event_id"] for body in receiver.taken for event in body["events"]]
        assert told.count(event_id) == 1
        assert con.execute("SELECT count(*) FROM alert_deliveries WHERE delivered_at IS NULL").fetchall() == [(0,)]
        assert con.execute("SELECT attempts FROM alert_deliveries WHERE list_contains(event_ids, ?)",
                           [event_id]).fetchall() == [(1,)]
    finally:
        con.close()
