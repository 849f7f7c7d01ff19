"""python -m monitor feed: the live feed's loop, its writer, and what it reports.

Every COMMIT_INTERVAL the feed draws the events due at the rate (monitor.live.feed) and commits all it has
buffered in one transaction over a short read-write connection: open, insert, log the batch in
ingest_batches, commit, close (DESIGN.md §7: every process holds the file only while it works). After a batch that
held the file h seconds it lets the file go for READERS_SHARE x h at least (pause_after): at 1,000,000 loans a batch
and its evaluation of the limits hold it for a second or more, and the pages, which cannot read while it does, get
two thirds of the time instead of the gaps between batches. When another
process holds the file, the commit waits BUSY_WAIT at most and the feed keeps buffering; the next commit
takes everything. A batch leaves the buffer only once committed, so nothing is lost or written twice. After a
batch, every JUDGE_INTERVAL at most, the intraday limits are evaluated on the same connection
(monitor.alerts.trigger): a batch that crosses a level is queued for its contact points before the file is let go,
and the feed delivers what is due itself (monitor.alerts.courier), sending after the file is let go.
SIGTERM and SIGINT stop the loop; what is buffered is committed (waiting out locks as long as every command
does) before the totals are printed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import signal
import sys
import threading
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from monitor import db, derive_update
from monitor.alerts import notify, trigger
from monitor.alerts.courier import Courier
from monitor.compliance import contacts, violations
from monitor.i18n import t
from monitor.live.feed import KINDS, Buffer, Feed, LiveBook
from monitor.status import fen_to_yuan
from monitor.synth.collections import FEED_COMPLAINTS_SQL
from monitor.usage import UsageError

COMMIT_INTERVAL = 0.5  # seconds between batches, at least
READERS_SHARE = 2.0    # the file let go after a batch for this many times as long as the batch held it, at least
BUSY_WAIT = 0.25       # the longest a batch waits for another process's lock before the feed buffers on
JUDGE_INTERVAL = 2.0   # seconds at least between two evaluations of the intraday limits after a batch
REPORT_INTERVAL = 5.0  # seconds between the progress lines on stderr
COUNTED = (*KINDS, "customers", "installments", "payoffs", "charge_offs", "applications_approved",
           "applications_declined")

_IDS_SQL = """SELECT (SELECT coalesce(max(loan_id), 0) FROM loans),
                     (SELECT coalesce(max(customer_id), 0) FROM customers),
                     (SELECT coalesce(max(payment_id), 0) FROM payments),
                     (SELECT coalesce(max(action_id), 0) FROM collection_actions),
                     (SELECT coalesce(max(application_id), 0) FROM applications)"""
_INSERTS = {
    "customers": """INSERT INTO customers SELECT customer_id, name, phone, id_number, birth_year, monthly_income,
        employment_type, province, city_tier, CAST(CASE WHEN NOT isnan(bureau_score) THEN bureau_score END AS INTEGER),
        created_at FROM frame ORDER BY customer_id""",
    "loans": f"""INSERT INTO loans SELECT loan_id, customer_id, product, channel, origination_date,
        {fen_to_yuan('principal_fen')}, annual_rate, term_months, repayment_method, application_score, 'active', NULL,
        NULL, NULL FROM frame ORDER BY loan_id""",
    "installments": f"""INSERT INTO installments SELECT loan_id, installment_no, due_date,
        {fen_to_yuan('principal_fen')}, {fen_to_yuan('interest_fen')}, {fen_to_yuan('fee_fen')},
        {fen_to_yuan('amount_fen')} FROM frame ORDER BY loan_id, installment_no""",
    # an approved application reads its customer's income, employment, city tier, age and bureau score (written just
    # above for a new customer); a declined one brings the applicant's own
    "applications": f"""INSERT INTO applications SELECT f.application_id, f.applied_at, f.customer_id, f.channel,
        f.product, {fen_to_yuan('f.amount_fen')}, f.term_months, coalesce(c.monthly_income, f.monthly_income),
        coalesce(c.employment_type, f.employment_type), coalesce(c.city_tier, f.city_tier),
        year(f.applied_at) - coalesce(c.birth_year, f.birth_year),
        CASE WHEN c.customer_id IS NOT NULL THEN c.bureau_score
             WHEN NOT isnan(f.bureau_score) THEN CAST(f.bureau_score AS INTEGER) END,
        f.application_score, f.cutoff, f.decision,
        CASE WHEN f.decision = 'declined' THEN 'score_below_cutoff' END, f.override, f.loan_id
        FROM frame f LEFT JOIN customers c ON c.customer_id = f.customer_id ORDER BY f.application_id""",
    "synthetic_truth": """INSERT INTO synthetic_truth SELECT loan_id, customer_id, latent_risk, monthly_miss_prob,
        behaviour FROM frame ORDER BY loan_id""",
    "payments": f"""INSERT INTO payments SELECT payment_id, loan_id, paid_at, {fen_to_yuan('amount_fen')}, channel
        FROM frame ORDER BY payment_id""",
    "collection_actions": f"""INSERT INTO collection_actions BY NAME SELECT action_id, f.loan_id, action_at,
        action_type, agent_id, contact_party, outcome, {fen_to_yuan('ptp_amount_fen')} AS ptp_amount, ptp_date,
        {contacts.action_contact('contact_party', 'action_type', 'f.loan_id', 'l.customer_id', 'c.phone',
                                 'contact_slot')} AS contact_id,
        debtor_consent, answered, duration_seconds, agency_id, recording_id
        FROM frame f JOIN loans l ON l.loan_id = f.loan_id JOIN customers c ON c.customer_id = l.customer_id
        ORDER BY action_id""",
    "closures": """UPDATE loans SET status = frame.status, closed_date = frame.closed_date,
        charge_off_date = frame.charge_off_date FROM frame WHERE loans.loan_id = frame.loan_id""",
}


def local_now(zone: ZoneInfo) -> dt.datetime:
    """The book's wall clock: local time in its time zone, naive (event timestamps are local, DESIGN.md §3)."""
    return dt.datetime.now(zone).replace(tzinfo=None)


def with_ids(buffer: Buffer, maxima: tuple[int, int, int, int, int]) -> dict[str, pl.DataFrame]:
    """The buffered frames with final ids that continue the tables' maxima: new loans max + 1.. in order of
    their provisional refs, new customers likewise (refs -1, -2, ...), payments, actions and applications in time
    order (an application keeps its loan and customer, none for a declined one)."""
    max_loan, max_customer, max_payment, max_action, max_application = maxima
    customer = pl.when(pl.col("customer_id") < 0).then(max_customer - pl.col("customer_id")) \
        .otherwise(pl.col("customer_id")).alias("customer_id")
    loan = (max_loan + pl.col("loan_ref")).alias("loan_id")
    frames = {}
    for name, ids in (("customers", [customer]), ("loans", [loan, customer]), ("installments", [loan]),
                      ("synthetic_truth", [loan, customer]), ("closures", []), ("applications", [loan, customer])):
        if (frame := buffer.table(name)) is not None:
            frames[name] = frame.with_columns(*ids)
    for name, column, at, first in (("payments", "payment_id", "paid_at", max_payment),
                                    ("collection_actions", "action_id", "action_at", max_action),
                                    ("applications", "application_id", "applied_at", max_application)):
        if (frame := frames.get(name, buffer.table(name))) is not None:
            frames[name] = frame.sort(at, maintain_order=True).with_row_index(column, offset=first + 1) \
                .with_columns(pl.col(column).cast(pl.Int64))
    return frames


def write_batch(con: duckdb.DuckDBPyConnection, buffer: Buffer, batch_id: str, loaded_at: dt.datetime,
                seconds: float = COMMIT_INTERVAL) -> pl.DataFrame:
    """Write the buffer and its ingest_batches row in one transaction, with the complaints of the `seconds` since the
    previous batch (synth.collections.FEED_COMPLAINTS_SQL); returns the new loans as committed (loan_id,
    customer_id, miss_prob, total, first_due) for the working set."""
    con.begin()
    try:
        db.run(con, db.INGEST_DDL)  # a database built before the table existed gets it
        derived_before = derive_update.before_write(con)
        frames = with_ids(buffer, tuple(con.execute(_IDS_SQL).fetchall()[0]))
        for name, sql in _INSERTS.items():
            if name in frames:  # registered for this short connection only
                con.register(f"feed_{name}", frames[name])
                db.run(con, sql.replace("frame", f"feed_{name}"))
        events = buffer.events
        db.run(con, "INSERT INTO ingest_batches VALUES (?, 'feed', 'live feed', 'feed', ?, ?, ?, 0, 0)",
               [batch_id, loaded_at, events, events])
        derive_update.after_write(con, derived_before, _loans_written(frames))
        if "collection_actions" in frames:
            violations.update(con, frames["collection_actions"]["action_id"])
        db.run(con, FEED_COMPLAINTS_SQL, {"now": loaded_at, "seconds": seconds})
        con.commit()
    except BaseException:
        con.rollback()
        raise
    loans = frames.get("loans")
    if loans is None:
        return pl.DataFrame(schema={"loan_id": pl.Int64, "customer_id": pl.Int64, "miss_prob": pl.Float64,
                                    "total": pl.Int64, "first_due": pl.Int64})
    return loans.select("loan_id", "customer_id", "miss_prob", "total", "first_due")


def _loans_written(frames: dict[str, pl.DataFrame]) -> pl.Series:
    """The loans whose derived rows the batch changes: new loans and their schedules, payments, closures (collection
    actions change none)."""
    written = [frames[name]["loan_id"] for name in ("loans", "installments", "payments", "closures") if name in frames]
    return pl.concat(written).unique() if written else pl.Series("loan_id", [], pl.Int64)


class Writer:
    """Commits the feed's buffer in batches and keeps the totals of what was committed."""

    def __init__(self, path: Path, feed: Feed, zone: ZoneInfo):
        self.path, self.feed, self.zone = path, feed, zone
        self.book_file = db.file_identity(path)  # a book put in its place (generate --force) is not this feed's
        self.buffer = Buffer()
        self.totals = dict.fromkeys(COUNTED, 0) | {"events": 0, "batches": 0}
        self.judged_at: float | None = None  # monotonic time of the last evaluation of the intraday limits
        self.held = 0.0  # seconds the last commit held the file
        self.written_at: float | None = None  # monotonic time of the last batch written
        self.courier = Courier()  # the notifications this feed's connections claim and record

    def commit(self, wait: float) -> bool:
        """Commit everything buffered (and, on a new day, reload the working set) unless another process holds
        the file for more than `wait` seconds; False then, and the buffer is kept for the next try. `held`: how long
        this commit held the file (0 when it did not open it)."""
        self.held = 0.0
        new_day = local_now(self.zone).date() != self.feed.book.day
        if self.buffer.empty() and not new_day:
            return True
        try:
            con = db.connect(self.path, wait=wait)
        except db.DatabaseError as exc:
            if "locked" in str(exc):
                return False
            raise
        opened = time.monotonic()
        claimed = []
        try:
            if db.file_identity(self.path) != self.book_file:  # while this connection holds it, it cannot change
                events = self.buffer.events
                raise db.refused(lambda lang: t("book.replaced", lang, path=self.path, events=events))
            if not self.buffer.empty():
                now = time.monotonic()
                since = COMMIT_INTERVAL if self.written_at is None else now - self.written_at
                loans = write_batch(con, self.buffer, f"feed-{uuid.uuid4()}", local_now(self.zone), since)
                self.written_at = now
                for key, n in self.buffer.counts.items():
                    self.totals[key] = self.totals.get(key, 0) + n
                self.totals["events"] += self.buffer.events
                self.totals["batches"] += 1
                self.buffer = Buffer()
                self.feed.book.add(loans)
                self._judge(con)
            if new_day:  # the due dates of the new day, and the charge-offs they bring
                self.feed.book = LiveBook.load(con, local_now(self.zone).date())
                self.feed.charge_offs(self.buffer)
            claimed = self.courier.exchange(con, local_now(self.zone))
        finally:
            con.close()
            self.held = time.monotonic() - opened
        self.courier.dispatch(claimed)
        return True

    def settle(self, wait: float) -> None:
        """When the feed stops: wait for the notifications under way and record their outcomes."""
        if not self.courier.settle(notify.TIMEOUT):
            return
        try:
            con = db.connect(self.path, wait=wait)
        except db.DatabaseError as exc:
            print(f"monitor feed: {exc}; the notifications sent last stay undelivered and are sent again after "
                  "their backoff", file=sys.stderr)
            return
        try:
            self.courier.record(con, local_now(self.zone))
        finally:
            con.close()

    def _judge(self, con: duckdb.DuckDBPyConnection) -> None:
        """Evaluate the intraday limits on the batch just committed, at most every JUDGE_INTERVAL: at 1M loans an
        evaluation costs about as much as a batch, and the file it holds meanwhile is the pages' too."""
        clock = time.monotonic()
        if self.judged_at is None or clock - self.judged_at >= JUDGE_INTERVAL:
            trigger.after_batch(con, "feed")
            self.judged_at = clock


def pause_after(held: float) -> float:
    """Seconds the feed lets the file go after a commit that held it `held` seconds: COMMIT_INTERVAL, or READERS_SHARE
    times as long as it held it when that is longer."""
    return max(COMMIT_INTERVAL, READERS_SHARE * held)


def run_feed(args) -> int:
    """Run the feed until --seconds have passed or a signal stops it; print totals as one JSON line."""
    if not args.rate > 0:
        raise UsageError(f"--rate must be a positive number of events per second, got {args.rate}")
    if args.seconds is not None and not args.seconds > 0:
        raise UsageError(f"--seconds must be positive, got {args.seconds}")
    stop = threading.Event()  # first: a signal during the start (loading the book takes seconds) stops it cleanly
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    path = db.resolve_db_path(args.db)
    con = db.connect(path, read_only=True)
    try:
        zone = ZoneInfo(db.setting(con, "timezone"))
        feed = Feed(LiveBook.load(con, local_now(zone).date()), args.seed, db.charge_off_dpd(con))
    finally:
        con.close()
    writer = Writer(path, feed, zone)
    feed.charge_offs(writer.buffer)

    started, drawn, last = time.monotonic(), 0, local_now(zone)
    limit = args.seconds or math.inf
    reported, reported_totals = started, dict(writer.totals)
    while not stop.is_set():
        stop.wait(pause_after(writer.held))
        elapsed = min(time.monotonic() - started, limit)
        now = local_now(zone)
        due = int(args.rate * elapsed) - drawn
        feed.draw(writer.buffer, due, last, now)
        drawn, last = drawn + due, now
        writer.commit(BUSY_WAIT)
        if time.monotonic() - reported >= REPORT_INTERVAL:
            _report(writer, reported_totals, time.monotonic() - reported)
            reported, reported_totals = time.monotonic(), dict(writer.totals)
        if elapsed >= limit:
            break
    committed = writer.commit(db.lock_wait())
    writer.settle(db.lock_wait())
    seconds = time.monotonic() - started
    totals = writer.totals | {"unsaved": writer.buffer.events, "seconds": round(seconds, 1),
                              "events_per_second": round(writer.totals["events"] / max(seconds, 1e-9), 1)}
    print(json.dumps(totals), flush=True)
    if not committed:
        print(f"monitor feed: the database stayed locked; {writer.buffer.events} events were not saved",
              file=sys.stderr)
        return 1
    return 0


def _report(writer: Writer, before: dict, seconds: float) -> None:
    parts = ", ".join(f"+{writer.totals[k] - before[k]} {k}" for k in KINDS)
    print(f"monitor feed: {seconds:.1f} s: {parts}; {writer.totals['batches']} batches, "
          f"{writer.buffer.events} buffered", file=sys.stderr, flush=True)
