"""From a feed batch that breaches a limit to the webhook receiving it (issue 16, item 6): p50, p95 and the worst.

On a copy of a derived book, with the dashboard running (a Streamlit server and a headless Chromium session on the
Today page, refreshing by itself), the live feed at --rate events/s, and the deliverer as a lender runs it
(`monitor alerts-deliver --loop 1 --intraday`: each round evaluates the intraday limits, queues what changed and
sends it), a webhook receiver on 127.0.0.1 records when each message arrives.

A breach per sample: the bench adds a limit on today's cash against the expected (cash_against_expected, direction
'above', pending 1) with its amber level just above the value the book holds at that moment, read over the same
read-write connection (no other process writes while it holds the file), so the feed's next batch (every batch
carries payments) crosses it; the previous sample's limit is disabled over the same connection. The latency of a
sample is the time from the loaded_at of the first feed batch committed after the limit was written (taken just
before the batch's write: the latency is counted from before the commit) to the arrival of the webhook message that
names the limit's amber event. Clocks: the book's local time on the same machine, for the batch and the receiver
alike.

    .venv/bin/python bench/alerts_latency.py --source BOOK.duckdb [--samples 30] [--rate 200]

Prints one JSON object. The book is copied; it needs its derived tables (run `monitor derive` on it first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor import db  # noqa: E402
from monitor.alerts import catalog, contacts, limits  # noqa: E402
from monitor.i18n import t  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _open, serve  # noqa: E402
from ui import navigation  # noqa: E402

METRIC = "cash_against_expected"
CONTACT = "bench-webhook"
WARM_UP = 45        # seconds of feed before the first sample: the first batch of a new day adds its snapshots
SAMPLE_WAIT = 30    # the longest a sample waits for its message
DELIVER_LOOP = 1.0  # seconds between the deliverer's rounds


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook on 127.0.0.1 that keeps (arrival, body) of every POST."""

    def __init__(self, zone: ZoneInfo):
        self.zone, self.received, self.lock = zone, [], threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        arrived = dt.datetime.now(self.server.zone).replace(tzinfo=None)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.received.append((arrived, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _event_limits(body: dict) -> set[tuple[int, str]]:
    """(limit id, state it moved to) of every event a plain-JSON message tells of."""
    return {(event["limit_id"], event["to_state"]) for event in body.get("events", [])}


def _set_breach(path: Path, sample: int, previous: int | None) -> tuple[int, dt.datetime]:
    """Disable the previous sample's limit and add one whose amber level sits just above today's value; returns its
    id and the book's clock when they were written."""
    con = db.connect(path)
    try:
        # no other process writes while this connection holds the file: the value read is the book's last word
        now = catalog.book_now(con)
        value = catalog.read(con, METRIC, now.date()).value or 0.0
        if previous is not None:
            limits.disable(con, "bench", previous)
        amber = value + max(1e-6, abs(value) * 1e-6)
        limit_id = limits.add(con, "bench", name=f"bench breach {sample}", metric=METRIC, direction="above",
                              amber=amber, red=amber + 1e6, owner="bench", contact=CONTACT, pending=1)
        return limit_id, catalog.book_now(con)
    finally:
        con.close()


def _first_batch_after(path: Path, moments: list[dt.datetime]) -> list[dt.datetime | None]:
    con = db.connect(path, read_only=True)
    try:
        return [con.execute("SELECT min(loaded_at) FROM ingest_batches WHERE source = 'feed' AND loaded_at > ?",
                            [moment]).fetchall()[0][0] for moment in moments]
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="a derived book, copied (never changed)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--rate", type=float, default=200)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="alerts_latency_"))
    path = folder / "book.duckdb"
    shutil.copyfile(args.source, path)
    con = db.connect(path)  # an older book is migrated first
    zone = ZoneInfo(db.setting(con, "timezone"))
    receiver = Receiver(zone)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    contacts.add(con, CONTACT, "webhook_json", f"http://127.0.0.1:{receiver.server_address[1]}/hook", who="bench")
    con.close()
    logs = {name: (folder / f"{name}.log").open("w") for name in ("feed", "deliver")}
    samples, set_at = [], []
    with serve(path, folder) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _open(browser, f"{url}/{navigation.url_path('today')}?lang=en", t("today.title", "en"))
        feed = subprocess.Popen([sys.executable, "-m", "monitor", "feed", "--db", str(path), "--rate", str(args.rate),
                                 "--seed", "1"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=logs["feed"])
        deliver = subprocess.Popen([sys.executable, "-m", "monitor", "alerts-deliver", "--db", str(path), "--loop",
                                    str(DELIVER_LOOP), "--intraday"], cwd=ROOT, stderr=logs["deliver"])
        try:
            time.sleep(WARM_UP)
            previous = None
            for sample in range(args.samples):
                limit_id, moment = _set_breach(path, sample, previous)
                deadline, arrived = time.monotonic() + SAMPLE_WAIT, None
                while arrived is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                    with receiver.lock:
                        arrived = next((when for when, body in receiver.received
                                        if (limit_id, "amber") in _event_limits(body)), None)
                samples.append((limit_id, arrived))
                set_at.append(moment)
                previous = limit_id
        finally:
            for process in (deliver, feed):
                process.terminate()
                process.wait(timeout=60)
            browser.close()
    receiver.shutdown()
    for log in logs.values():
        log.close()
    batches = _first_batch_after(path, set_at)
    latency = [(arrived - batch).total_seconds() for (_, arrived), batch in zip(samples, batches, strict=True)
               if arrived is not None and batch is not None]
    result = {"source": args.source, "rate": args.rate, "samples": args.samples, "received": len(latency),
              "missed": [limit_id for limit_id, arrived in samples if arrived is None],
              "deliver_loop_s": DELIVER_LOOP,
              "latency_s": {"p50": round(float(np.percentile(latency, 50)), 2),
                            "p95": round(float(np.percentile(latency, 95)), 2),
                            "max": round(max(latency), 2)} if latency else None,
              "deliverer_log_tail": (folder / "deliver.log").read_text().splitlines()[-3:]}
    print(json.dumps(result, indent=1, default=str))
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
