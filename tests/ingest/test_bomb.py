"""Files that would cost the server or a command more than they are worth are refused before their rows are read:
a Parquet decompression bomb (238 KB holding 20,000,000 rows) by its footer, a file over the size or row limit, a
Parquet file over the decompressed-size limit, nested Parquet columns, and paths that are not regular files (a
device, a pipe, a directory). Each gives one line naming the file and the rule (the limit and its setting), exit 2,
and the book unchanged; on the Data page, the same refusal in words and no preview. The preview of a large file
reads and checks its first rows only, and says so.

Every command runs in a child process limited to 3 GB of address space, so that code which did read such a file
fails there instead of growing on a shared machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from monitor import ingest
from monitor.i18n import t
from monitor.ingest.load import PREVIEW_CHECKED_ROWS
from tests.conftest import APPTEST_TIMEOUT, ROOT
from tests.ingest.helpers import PAYMENTS_HEADER, book, loan
from tests.test_cli import snapshot
from ui.safe_text import escape_all

BOMB_ROWS = 20_000_000
ADDRESS_SPACE = 3 << 30
SRC = ROOT / "src"


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(*args: str, cwd: Path, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m monitor ARGS` in a child limited to ADDRESS_SPACE; a command that hangs fails the test."""
    environ = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"} | (env or {})
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=_limited)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr, result.stderr[-2000:]
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr[-2000:]
    for word in words:
        assert word.lower() in result.stderr.lower(), (word, result.stderr)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A payments file of 20,000,000 identical rows: zstd packs it into about 238 KB (built once, 3 s)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.parquet"
    pl.select(payment_id=pl.repeat(900_000_001, BOMB_ROWS, dtype=pl.Int64)).with_columns(
        loan_id=pl.lit(1, dtype=pl.Int64), paid_at=pl.lit("2026-11-20 10:00:00"), amount=pl.lit("10.00"),
        channel=pl.lit("app")).write_parquet(path, compression="zstd")
    assert path.stat().st_size < 500_000
    return path


@pytest.fixture
def copy(demo_db, tmp_path) -> Path:
    return book(demo_db, tmp_path)


def _ingest(copy: Path, *files, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return run("ingest", "--db", str(copy), *map(str, files), cwd=copy.parent, env=env, timeout=timeout)


def _unchanged(copy: Path, before: dict) -> None:
    assert snapshot(copy.parent) == before


# ---------------------------------------------------------------------------------------------- the bomb --
def test_the_bomb_is_refused_by_ingest_in_one_line(copy, bomb):
    before = snapshot(copy.parent)
    result = _ingest(copy, bomb)
    assert_refused(result, "bomb.parquet", "20,000,000 rows", "2,000,000", "MONITOR_MAX_FILE_ROWS")
    _unchanged(copy, before)


def test_the_bomb_preview_is_refused_in_under_a_second_without_reading_the_rows(demo_db, bomb, tmp_path):
    """The preview (what the upload runs) in a fresh process: the time of the call and the process's peak memory,
    imports included."""
    script = textwrap.dedent(f"""
        import json, resource, time
        from monitor import ingest
        data = open({str(bomb)!r}, "rb").read()
        started = time.perf_counter()
        try:
            ingest.preview({str(demo_db)!r}, data, "bomb.parquet")
            code = None
        except ingest.FileError as exc:
            code = exc.code
        print(json.dumps({{"code": code, "seconds": time.perf_counter() - started,
                          "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
    """)
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)])}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env,
                            preexec_fn=_limited)
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout)
    assert measured["code"] == "too_many_rows", measured
    assert measured["seconds"] < 1.0, measured
    assert measured["peak_mb"] < 500, measured


def _data_page(copy: Path, monkeypatch, lang: str = "en") -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def test_the_bomb_upload_says_why_and_shows_no_preview(copy, bomb, monkeypatch):
    at = _data_page(copy, monkeypatch)
    at.file_uploader(key="ingest_files").upload("bomb.parquet", bomb.read_bytes(), "application/octet-stream").run()
    assert not at.exception
    assert [e.value for e in at.main.error] == [
        t("ingest.error.too_many_rows", "en", **escape_all({"file": "bomb.parquet", "rows": "20,000,000",
                                                            "limit": "2,000,000"}))]
    assert at.button(key="ingest_land").disabled


# ------------------------------------------------------------------------------------------- other limits --
def test_a_parquet_file_over_the_decompressed_limit_is_refused(copy, tmp_path):
    path = tmp_path / "wide.parquet"
    # 20,000 distinct 200-character values, 4 MB unpacked, that zstd packs small: over a 1 MB decompressed limit
    pl.select(payment_id=pl.int_range(900_000_001, 900_020_001, dtype=pl.Int64)).with_columns(
        loan_id=pl.lit(1, dtype=pl.Int64), paid_at=pl.lit("2026-11-20 10:00:00"), amount=pl.lit("10.00"),
        channel=pl.col("payment_id").cast(pl.String).str.pad_start(200, "x")).write_parquet(path, compression="zstd")
    assert path.stat().st_size < 1_000_000
    before = snapshot(copy.parent)
    result = _ingest(copy, path, env={"MONITOR_MAX_PARQUET_MB": "1"})
    assert_refused(result, "wide.parquet", "decompresses to", "1.0 MB", "MONITOR_MAX_PARQUET_MB")
    _unchanged(copy, before)


def test_nested_parquet_columns_are_refused_in_one_line(copy, tmp_path):
    path = tmp_path / "nested.parquet"
    pl.DataFrame({"payment_id": [900_000_001], "loan_id": [loan(copy)["loan_id"]], "paid_at": ["2026-11-20 10:00:00"],
                  "amount": [[10.0, 2.0]], "channel": [{"code": "app"}]}).write_parquet(path)
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, path), "nested.parquet", "nested column(s) amount, channel")
    _unchanged(copy, before)


def test_a_parquet_column_that_has_no_text_form_is_one_line(copy, tmp_path):
    path = tmp_path / "durations.parquet"
    pl.DataFrame({"payment_id": [900_000_001], "loan_id": [loan(copy)["loan_id"]],
                  "paid_at": [dt.timedelta(hours=3)], "amount": ["10.00"], "channel": ["app"]}).write_parquet(path)
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, path), "durations.parquet", "cannot be read as Parquet", "Duration")
    _unchanged(copy, before)


def test_a_csv_file_over_the_row_limit_is_refused(copy, tmp_path):
    loan_id = loan(copy)["loan_id"]
    path = tmp_path / "many.csv"
    path.write_text(PAYMENTS_HEADER + "\n" + "".join(f"{900_000_001 + i},{loan_id},2026-11-20 10:00:00,10.00,app\n"
                                                     for i in range(150)))
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, path, env={"MONITOR_MAX_FILE_ROWS": "100"}),
                   "many.csv", "150 lines", "limit of 100 rows", "MONITOR_MAX_FILE_ROWS")
    _unchanged(copy, before)


def test_a_file_over_the_size_limit_is_refused_unread(copy, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(PAYMENTS_HEADER.encode() + b"\n" + b"x" * 1_500_000)
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, path, env={"MONITOR_MAX_FILE_MB": "1"}),
                   "big.csv", "1.5 MB", "limit of 1.0 MB", "MONITOR_MAX_FILE_MB")
    _unchanged(copy, before)


def test_a_bad_limit_setting_is_one_line(copy, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(f"{PAYMENTS_HEADER}\n900000001,{loan(copy)['loan_id']},2026-11-20 10:00:00,10.00,app\n")
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, path, env={"MONITOR_MAX_FILE_ROWS": "lots"}), "MONITOR_MAX_FILE_ROWS", "'lots'")
    _unchanged(copy, before)


# ------------------------------------------------------------------------------------- not a regular file --
def test_a_device_is_refused_unread(copy):
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, "/dev/zero"), "/dev/zero", "not a regular file", "device")
    _unchanged(copy, before)


def test_a_pipe_is_refused_without_waiting_for_a_writer(copy, tmp_path):
    fifo = tmp_path / "payments.csv"
    os.mkfifo(fifo)
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, fifo, timeout=30), "payments.csv", "not a regular file", "pipe")
    _unchanged(copy, before)


def test_a_directory_is_refused(copy, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    before = snapshot(copy.parent)
    assert_refused(_ingest(copy, folder), "inbox", "not a regular file", "directory")
    _unchanged(copy, before)


# ----------------------------------------------------------------------------------------- the preview --
def test_the_preview_checks_the_first_rows_and_counts_them_all(copy):
    loan_id = loan(copy)["loan_id"]
    rows = PREVIEW_CHECKED_ROWS + 50
    data = (PAYMENTS_HEADER + "\n" + "".join(f"{900_000_001 + i},{loan_id},2026-11-20 10:00:00,-1,app\n"
                                             for i in range(rows))).encode()
    seen = ingest.preview(copy, data, "many.csv")
    assert (seen.rows_total, seen.rows_checked, seen.rows_rejected) == (rows, PREVIEW_CHECKED_ROWS,
                                                                        PREVIEW_CHECKED_ROWS)
    assert seen.rejects["row_number"].max() == PREVIEW_CHECKED_ROWS
    small = ingest.preview(copy, data[:data.index(b"\n", len(PAYMENTS_HEADER) + 1) + 1], "one.csv")
    assert (small.rows_total, small.rows_checked) == (1, None)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_states_that_the_preview_checks_the_first_rows(copy, monkeypatch, lang):
    loan_id = loan(copy)["loan_id"]
    rows = PREVIEW_CHECKED_ROWS + 50
    data = (PAYMENTS_HEADER + "\n" + "".join(f"{900_000_001 + i},{loan_id},2026-11-20 10:00:00,10.00,app\n"
                                             for i in range(rows))).encode()
    at = _data_page(copy, monkeypatch, lang)
    assert t("ingest.preview_sample", lang, rows="10,000") in [c.value for c in at.main.caption]
    at.file_uploader(key="ingest_files").upload("many.csv", data, "text/csv").run()
    assert not at.exception
    counts = t("ingest.counts_sample", lang, total="10,050", checked="10,000", accepted="10,000", rejected="0",
               duplicates="0")
    assert counts in [m.value for m in at.main.markdown]


def test_a_bad_limit_setting_on_the_server_is_a_message_not_a_crash(copy, monkeypatch):
    at = _data_page(copy, monkeypatch)
    monkeypatch.setenv("MONITOR_MAX_FILE_MB", "a lot")
    at.file_uploader(key="ingest_files").upload("p.csv", f"{PAYMENTS_HEADER}\n".encode(), "text/csv").run()
    assert not at.exception
    message = "$MONITOR_MAX_FILE_MB is 'a lot': it must be a positive whole number (default 100)"
    shown = t("ingest.error.setting", "en", **escape_all({"file": "p.csv", "message": message}))
    assert [e.value for e in at.main.error] == [shown]
