"""The live feed as a real process on a copy of the demo book: what it reports is what landed, once, and valid."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from monitor import db
from monitor.compliance import violations
from monitor.live import command
from monitor.live.feed import Buffer, Feed, LiveBook

from .conftest import DEMO_AS_OF

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("payments", "loans", "collection_actions", "customers", "installments")


def _counts(path: Path) -> dict[str, int]:
    con = db.connect(path, read_only=True)
    try:
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
                  for table in (*TABLES, "ingest_batches")}
        return counts | {"max_loan": con.execute("SELECT max(loan_id) FROM loans").fetchall()[0][0]}
    finally:
        con.close()


def _feed(path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "monitor", "feed", "--db", str(path), *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _totals(process: subprocess.Popen, timeout: float = 60) -> dict:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def copy(demo_db, tmp_path) -> Path:
    path = tmp_path / "feed.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def _assert_landed(path: Path, before: dict, totals: dict) -> None:
    """Every reported event is a row, no more and no fewer, and every row keeps the book's rules."""
    after = _counts(path)
    for table in TABLES:
        assert after[table] - before[table] == totals[table], table
    assert after["ingest_batches"] - before["ingest_batches"] == totals["batches"]
    assert totals["unsaved"] == 0
    con = db.connect(path, read_only=True)
    try:
        def one(sql: str):
            return con.execute(sql).fetchall()[0]

        assert one("SELECT coalesce(sum(rows_total), 0), coalesce(sum(rows_accepted), 0) FROM ingest_batches "
                   "WHERE source = 'feed' AND kind = 'feed'") == (totals["events"], totals["events"])
        for table, key in (("payments", "payment_id"), ("loans", "loan_id"), ("collection_actions", "action_id"),
                           ("customers", "customer_id")):
            assert one(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}") == (0,)
        # payments and actions only for loans that exist, never before their origination
        assert one("""SELECT count(*) FROM payments p LEFT JOIN loans l USING (loan_id)
                      WHERE l.loan_id IS NULL OR p.paid_at < l.origination_date OR p.amount <= 0""") == (0,)
        assert one("SELECT count(*) FROM collection_actions a LEFT JOIN loans l USING (loan_id) "
                   "WHERE l.loan_id IS NULL") == (0,)
        # new loans came with their whole schedule and a customer
        assert one(f"""SELECT count(*) FROM loans l LEFT JOIN customers c USING (customer_id)
                      LEFT JOIN (SELECT loan_id, count(*) AS n, sum(principal_due) AS principal FROM installments
                                 GROUP BY 1) i USING (loan_id)
                      WHERE l.loan_id > {before["max_loan"]} AND (c.customer_id IS NULL
                         OR i.n IS DISTINCT FROM l.term_months OR i.principal IS DISTINCT FROM l.principal)""") == (0,)
        # a loan the feed paid off was paid in full
        assert one("""SELECT count(*) FROM loans l JOIN (SELECT loan_id, sum(amount) AS paid FROM payments GROUP BY 1)
                      p USING (loan_id) JOIN (SELECT loan_id, sum(amount_due) AS due FROM installments GROUP BY 1)
                      d USING (loan_id) WHERE l.status = 'paid_off' AND l.closed_date = CAST(
                      (SELECT max(paid_at) FROM payments) AS DATE) AND p.paid < d.due""") == (0,)
    finally:
        con.close()
    # every CHECK constraint holds: the rows load into a fresh database with the same schema
    fresh = db.connect(path.with_name("check.duckdb"), create=True)
    try:
        db.create_schema(fresh)
        fresh.execute(f"ATTACH '{path}' AS fed (READ_ONLY)")
        for table in (*TABLES, "ingest_batches"):
            db.run(fresh, f"INSERT INTO {table} SELECT * FROM fed.{table}")
    finally:
        fresh.close()
    # the violations and requests the feed kept current are those a rebuild finds (monitor.compliance.violations)
    judged = path.with_name("judged.duckdb")
    judged.write_bytes(path.read_bytes())
    con = db.connect(judged)
    try:
        tables = ("violations", "contact_requests")
        kept = {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in tables}
        violations.rebuild(con)
        assert {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in tables} == kept
        assert con.execute("SELECT count(*) FROM collection_actions WHERE contact_id IS NULL").fetchall() == [(0,)]
    finally:
        con.close()


def test_the_feed_reports_what_it_wrote(copy):
    before = _counts(copy)
    totals = _totals(_feed(copy, "--rate", "100", "--seconds", "4", "--seed", "3"))
    assert totals["events"] == 400  # the rate times the seconds, none lost
    assert totals["payments"] > totals["collection_actions"] > 0 and totals["loans"] > 0
    _assert_landed(copy, before, totals)


def _file_version(path: Path) -> tuple:
    """Changes whenever a process writes the book (its file or its write-ahead log)."""
    files = (path, Path(f"{path}.wal"))
    return tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.exists() else None for f in files)


def test_sigterm_commits_what_is_buffered_and_exits_0(copy):
    before, version = _counts(copy), _file_version(copy)
    process = _feed(copy, "--rate", "150", "--seed", "4")
    deadline = time.monotonic() + 120  # the start takes a few seconds, more on a busy machine
    while _file_version(copy) == version and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    time.sleep(1)  # more events drawn and buffered after the first batch
    process.send_signal(signal.SIGTERM)
    totals = _totals(process)
    assert totals["events"] > 0 and totals["batches"] > 0
    _assert_landed(copy, before, totals)


def test_a_locked_database_delays_batches_without_losing_them(copy):
    """Another process holds the file for 3 s: the feed buffers, then commits everything."""
    before = _counts(copy)
    process = _feed(copy, "--rate", "100", "--seconds", "7", "--seed", "5")
    time.sleep(2)
    holder = subprocess.run(
        [sys.executable, "-c", "import sys, time; from monitor import db; c = db.connect(sys.argv[1], "
         "read_only=True); time.sleep(3); c.close()", str(copy)], cwd=ROOT, timeout=60)
    assert holder.returncode == 0
    totals = _totals(process)
    assert totals["events"] == 700
    _assert_landed(copy, before, totals)


def test_a_book_without_arrears_gets_no_collection_actions(demo_db):
    """A fast feed can cure every loan in arrears; then there is nobody to call, and the feed goes on."""
    con = db.connect(demo_db, read_only=True)
    try:
        book = LiveBook.load(con, DEMO_AS_OF)
    finally:
        con.close()
    book.paid[:] = np.maximum(book.paid, book.due_through)  # everyone pays up
    assert not (book.active & (book.arrears() > 0)).any()
    buffer = Buffer()
    start = dt.datetime(2026, 11, 29, 10)
    Feed(book, seed=0, charge_off_dpd=181).draw(buffer, 100, start, start + dt.timedelta(seconds=1))
    assert buffer.table("collection_actions") is None
    assert buffer.events == 100  # payments and new loans take the actions' share


def test_after_a_batch_the_feed_lets_the_file_go_twice_as_long_as_it_held_it(copy):
    """The pages cannot read while the feed holds the file: after a batch the feed waits READERS_SHARE times as long
    as the batch held it, COMMIT_INTERVAL at least."""
    con = db.connect(copy, read_only=True)
    try:
        zone = ZoneInfo(db.setting(con, "timezone"))
        now = command.local_now(zone)
        feed = Feed(LiveBook.load(con, now.date()), 3, db.charge_off_dpd(con))
    finally:
        con.close()
    writer = command.Writer(copy, feed, zone)
    feed.draw(writer.buffer, 50, now - dt.timedelta(seconds=1), now)
    assert writer.commit(5) and writer.totals["batches"] == 1
    assert 0 < writer.held < 30
    assert command.pause_after(writer.held) == max(command.COMMIT_INTERVAL, 2 * writer.held)
    assert command.pause_after(1.5) == 3.0 and command.pause_after(0.01) == command.COMMIT_INTERVAL
