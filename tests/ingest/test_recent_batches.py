"""The Data page's recent batches (issue 15 item 6): a file is one line; the live feed's micro-batches are one line
per hour, so that 159 of them after 150 s do not bury an uploaded file."""

from __future__ import annotations

import datetime as dt

from monitor import db, ingest


def test_the_feed_is_one_line_an_hour_and_a_file_stays_in_sight(tmp_path):
    con = db.connect(tmp_path / "book.duckdb", create=True)
    try:
        db.create_schema(con)
        feed = [("f1", "10:01", 5), ("f2", "10:30", 7), ("f3", "10:59", 1), ("f4", "11:05", 2), ("f5", "11:10", 3)]
        for batch, at, events in feed:
            db.run(con, "INSERT INTO ingest_batches VALUES (?, 'feed', 'live feed', 'feed', ?, ?, ?, 0, 0)",
                   [batch, dt.datetime.fromisoformat(f"2026-12-04 {at}:00"), events, events])
        db.run(con, "INSERT INTO ingest_batches VALUES ('abc', 'upload', 'payments.csv', 'payments', ?, 10, 8, 2, 0)",
               [dt.datetime(2026, 12, 4, 10, 45)])
        shown = ingest.recent_batches(con)
    finally:
        con.close()
    assert shown.select("batch_id", "source", "file_name", "loaded_at", "rows_total", "rows_accepted",
                        "rows_rejected", "batches").rows() == [
        (None, "feed", "live feed", dt.datetime(2026, 12, 4, 11, 10), 5, 5, 0, 2),
        (None, "feed", "live feed", dt.datetime(2026, 12, 4, 10, 59), 13, 13, 0, 3),
        ("abc", "upload", "payments.csv", dt.datetime(2026, 12, 4, 10, 45), 10, 8, 2, 1),
    ]


def test_the_page_names_the_feeds_hour_lines_in_the_readers_language(tmp_path):
    import polars as pl

    from monitor.i18n import t
    from ui import ingest_data

    batches = pl.DataFrame({"batch_id": [None, "0123456789abcdef"], "source": ["feed", "upload"],
                            "file_name": ["live feed", "payments.csv"], "batches": [3, 1]})
    for lang in ("zh", "en"):
        shown, _ = ingest_data.localized(batches, lang)
        assert shown.rows() == [(t("ingest.feed_hour", lang), t("source.feed", lang), t("source.feed", lang), 3),
                                ("0123456789ab", t("source.upload", lang), "payments.csv", 1)]
    assert ingest_data.batch_names(batches) == {"0123456789abcdef": "payments.csv"}
