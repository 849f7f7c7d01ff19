"""monitor.limits: the argument types refuse a value outside its range with a line that states the range; the file
limits come from their settings (defaults, overrides, a bad value named); a path that is not a regular file or is
too large is told from its metadata; an --as-of must lie from the first origination to the book's today; the upload
is held to the same size as ingest, and the preview's cache is small and expires."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tomllib

import pytest

from monitor import limits
from monitor.usage import UsageError
from tests.builders import Book
from tests.conftest import ROOT


@pytest.mark.parametrize(("parse", "text", "words"), [
    (limits.whole(1, 10), "11", ["positive whole number", "at most 10", "got 11"]),
    (limits.whole(1, 10), "0", ["positive whole number", "at least 1", "got 0"]),
    (limits.whole(0, limits.MAX_SEED), "-1", ["at least 0", "4,294,967,295", "got -1"]),
    (limits.whole(0, limits.MAX_SEED), "4294967296", ["4,294,967,295", "got 4,294,967,296"]),
    (limits.whole(1, 10), "ten", ["'ten'", "not a whole number"]),
    (limits.number(0, 100), "inf", ["above 0", "at most 100", "got inf"]),
    (limits.number(0, 100), "nan", ["got nan"]),
    (limits.number(0, 100), "0", ["above 0", "got 0"]),
    (limits.number(0, 100), "-inf", ["got -inf"]),
    (limits.number(0, 100), "fast", ["'fast'", "not a number"]),
    (limits.day, "9999-99-99", ["'9999-99-99'", "YYYY-MM-DD"]),
    (limits.generate_day, "9999-12-31", ["9999-12-31", "2002-01-01", "today"]),
    (limits.generate_day, "2001-12-31", ["2001-12-31", "2002-01-01"]),
    (limits.text(5), "abcdef", ["6 characters", "at most 5"]),
])
def test_a_value_outside_its_range_is_refused_with_the_range(parse, text, words):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        parse(text)
    message = str(refused.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)


def test_values_at_the_ends_of_a_range_pass():
    assert limits.whole(1, 10)("1") == 1 and limits.whole(1, 10)("10") == 10
    assert limits.number(0, 100)("100") == 100.0 and limits.number(0, 100)("0.001") == 0.001
    assert limits.generate_day(limits.today().isoformat()) == limits.today()
    assert limits.generate_day("2002-01-01") == dt.date(2002, 1, 1)
    assert limits.text(5)("abcde") == "abcde"


def test_file_limits_come_from_their_settings(monkeypatch):
    for name in ("MONITOR_MAX_FILE_MB", "MONITOR_MAX_FILE_ROWS", "MONITOR_MAX_PARQUET_MB"):
        monkeypatch.delenv(name, raising=False)
    assert limits.file_limits() == limits.FileLimits(100_000_000, 2_000_000, 1_000_000_000)
    monkeypatch.setenv("MONITOR_MAX_FILE_MB", "5")
    monkeypatch.setenv("MONITOR_MAX_FILE_ROWS", "10")
    monkeypatch.setenv("MONITOR_MAX_PARQUET_MB", "7")
    assert limits.file_limits() == limits.FileLimits(5_000_000, 10, 7_000_000)


@pytest.mark.parametrize("value", ["0", "-3", "ten", "1.5"])
def test_a_bad_setting_is_named(monkeypatch, value):
    monkeypatch.setenv("MONITOR_MAX_FILE_ROWS", value)
    with pytest.raises(UsageError, match=r"\$MONITOR_MAX_FILE_ROWS is .*positive whole number \(default 2,000,000\)"):
        limits.file_limits()


def test_what_is_not_a_regular_file_is_told_from_its_metadata(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2_500_000)
    assert limits.file_problem(fifo, 10**9)[0] == "not_a_file" and "a pipe" in limits.file_problem(fifo, 10**9)[1]
    assert limits.file_problem("/dev/zero", 10**9) == ("not_a_file",
                                                      "is not a regular file (it is a device); give a file")
    assert "a directory" in limits.file_problem(tmp_path, 10**9)[1]
    assert limits.file_problem(big, 2_000_000, "MONITOR_MAX_FILE_MB") == (
        "too_large", "is 2.5 MB, over the limit of 2.0 MB ($MONITOR_MAX_FILE_MB)")
    assert limits.file_problem(big, 2_500_000) is None
    assert limits.file_problem(tmp_path / "missing.csv", 1) is None  # the reader says it is missing


def test_the_upload_limit_is_the_file_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == limits.DEFAULT_MAX_FILE_MB


def test_the_preview_cache_is_small_and_expires():
    from ui import ingest_data

    info = ingest_data._preview._info
    assert (info.max_entries, info.max_size_bytes, info.ttl) == (8, 64 * 2**20, 600)


@pytest.fixture
def small_book(tmp_path):
    book = Book(tmp_path / "span.duckdb")
    book.loan(1, "2026-01-10", "900.00", schedule=[("2026-02-10", "900.00", "15.00", "0.00")])
    yield book
    book.close()


def test_an_as_of_lies_from_the_first_origination_to_the_books_today(small_book):
    con = small_book.con
    today = limits.today("Asia/Shanghai")
    assert limits.as_of_span(con) == (dt.date(2026, 1, 10), max(today, dt.date(2026, 1, 10)))
    limits.check_as_of(con, dt.date(2026, 1, 10))
    limits.check_as_of(con, today)
    with pytest.raises(UsageError) as early:
        limits.check_as_of(con, dt.date(2026, 1, 9))
    assert str(early.value) == (f"--as-of 2026-01-09 is before all data (the first loan starts 2026-01-10); "
                                f"choose a day from 2026-01-10 to {today}")
    with pytest.raises(UsageError) as late:
        limits.check_as_of(con, today + dt.timedelta(days=limits.AS_OF_MARGIN_DAYS + 1))
    assert f"is after the book's today ({today}); choose a day from 2026-01-10 to {today}" in str(late.value)


def test_a_book_ahead_of_the_calendar_keeps_its_own_days(small_book):
    ahead = limits.today() + dt.timedelta(days=40)
    small_book.payment(1, dt.datetime.combine(ahead, dt.time(9)), "100.00")
    assert limits.as_of_span(small_book.con)[1] == ahead
    limits.check_as_of(small_book.con, ahead)


def test_an_empty_book_says_what_to_load(tmp_path):
    book = Book(tmp_path / "empty.duckdb")
    try:
        with pytest.raises(UsageError, match="holds no loans"):
            limits.check_as_of(book.con, dt.date(2026, 1, 1))
    finally:
        book.close()
