"""Leftovers of issue 13 in the ingest path:
- a conversion of time zones is stated: in the ingest command's summary and in the Data page's upload preview;
- a Parquet date or timestamp out of every calendar's range (a physical value polars cannot show as text, where it
  panicked and killed the run) is a rejected row naming the column, not a dead process;
- a disk that fills at any point of a load (a real small tmpfs, as in tests/test_book_safety.py) gives one line,
  "disk full: ...", exit 2, and the book as it was: never DuckDB's "cannot rollback" traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from monitor import access
from monitor.i18n import t
from monitor.ingest import load
from tests.ingest.helpers import PAYMENTS_HEADER, assert_rejected, book, count, ingest, loan, query, write
from tests.ingest.test_data_page_upload import _data_page
from tests.test_book_safety import needs_tmpfs, run_on_full_disk, small_book  # noqa: F401 (a fixture)
from ui import safe_text


def _zoned_payments(path) -> str:
    loan_id = loan(path)["loan_id"]
    return (f"{PAYMENTS_HEADER}\n900000001,{loan_id},2026-03-01T00:30:00Z,10.00,app\n"
            f"900000002,{loan_id},2026-03-01 00:30:00,10.00,app\n")


# --------------------------------------------------------------------------------------- time zones stated --
def test_the_ingest_summary_states_the_conversion(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "payments.csv", _zoned_payments(path))
    result = ingest(path, file)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert f"{file}: 1 time written with a time zone was converted to local time (Asia/Shanghai)." \
        in result.stdout.splitlines()
    assert query(path, "SELECT paid_at FROM payments WHERE payment_id = 900000001")["paid_at"][0].hour == 8


def test_no_zone_no_note(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n900000001,{loan_id},2026-03-01 00:30:00,10.00,app\n")
    result = ingest(path, file)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "time zone" not in result.stdout and len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_upload_preview_states_the_conversion(demo_db, tmp_path, monkeypatch, lang):
    path = book(demo_db, tmp_path)
    at = _data_page(path, monkeypatch, lang)
    at.file_uploader(key="ingest_files").upload("payments.csv", _zoned_payments(path).encode(), "text/csv").run()
    assert not at.exception
    note = t("ingest.zone_note.one", lang, file="payments.csv", values="1", zone="Asia/Shanghai")
    assert safe_text.escape(note) in [c.value for c in at.main.caption]


# ----------------------------------------------------------------------------- Parquet values out of range --
def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("days", [-100_000_000, 2_147_483_646])
def test_a_parquet_date_out_of_range_is_a_rejected_row(demo_db, tmp_path, days):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    money = pa.array([100, 100], pa.decimal128(14, 2))
    table = pa.table({"loan_id": pa.array([loan_id, loan_id], pa.int64()),
                      "installment_no": pa.array([1, 2], pa.int32()),
                      "due_date": pa.array([days, days], pa.int32()).cast(pa.date32()),
                      "principal_due": money, "interest_due": money, "fee_due": money,
                      "amount_due": pa.array([300, 300], pa.decimal128(14, 2))})
    file = tmp_path / "installments.parquet"
    file.write_bytes(_parquet(table))
    before = count(path, "installments")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "wrong_type", "due_date", str(days))
    assert_rejected(result, file, 2, "wrong_type", "due_date", str(days))
    assert count(path, "installments") == before


def test_a_parquet_timestamp_out_of_range_is_a_rejected_row_and_the_rest_lands(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    paid_at = pa.array([2 ** 62, 1_772_325_000_000], pa.int64()).cast(pa.timestamp("ms"))  # 2026-03-01 00:30
    table = pa.table({"payment_id": pa.array([900000001, 900000002], pa.int64()),
                      "loan_id": pa.array([loan_id, loan_id], pa.int64()), "paid_at": paid_at,
                      "amount": pa.array([1000, 1000], pa.decimal128(14, 2)), "channel": ["app", "app"]})
    outcome = load.load_bytes(path, _parquet(table), "payments.parquet", actor=access.COMMAND_USER)
    assert (outcome.rows_accepted, outcome.rows_rejected) == (1, 1)
    assert outcome.rejects.select("row_number", "rule").rows() == [(1, "wrong_type")]
    assert "paid_at" in outcome.rejects["message"][0] and str(2 ** 62) in outcome.rejects["message"][0]
    landed = query(path, "SELECT payment_id, CAST(paid_at AS VARCHAR) AS paid_at FROM payments "
                         "WHERE payment_id >= 900000001")
    assert landed.rows() == [(900000002, "2026-03-01 00:30:00")]


# ---------------------------------------------------------------------------------------------- full disk --
@needs_tmpfs
@pytest.mark.parametrize(("rows", "slack_kb"), [(2_000, 0), (2_000, 32), (200_000, 2048)])
def test_ingest_on_a_disk_that_fills_anywhere_says_disk_full(small_book, tmp_path, rows, slack_kb):  # noqa: F811
    """Where the disk fills decides what DuckDB says: these sizes failed in the write itself, after which land()'s
    own ROLLBACK raised "cannot rollback - no transaction is active" with a traceback."""
    path = tmp_path / "book.duckdb"
    path.write_bytes(small_book.read_bytes())
    loans = query(path, "SELECT loan_id FROM loans WHERE status = 'active' ORDER BY loan_id")["loan_id"].to_list()
    lines = [PAYMENTS_HEADER] + [f"{900_000 + i},{loans[i % len(loans)]},2026-11-2{i % 9} 10:00:00,"
                                 f"{1 + i % 90}.00,app" for i in range(rows)]
    payments = write(tmp_path, "payments.csv", "\n".join(lines) + "\n")
    before = count(path, "payments")
    rc, err, out = run_on_full_disk(path, slack_kb, "ingest", str(payments))
    assert (rc, err) == (2, "monitor ingest: disk full: the batch that failed left nothing; the batches before it "
                            "are kept. Free some space and run it again.\n")
    assert count(out / "book.duckdb", "payments") == before


UPLOAD_ON_FULL_DISK = """
set -e
mkdir -p "$DIR/full"
mount -t tmpfs -o size=$SIZE tmpfs "$DIR/full"
cp "$DIR/book.duckdb" "$DIR/full/book.duckdb"
MONITOR_DB="$DIR/full/book.duckdb" "$PY" -c "$CODE" "$DIR/payments.csv" > "$DIR/landed"
"""
LAND = """import sys, pathlib
from ui import ingest_data
path = pathlib.Path(sys.argv[1])
from monitor import access
print(ingest_data.land(path.read_bytes(), path.name, 'zh', access.COMMAND_USER))
"""


@needs_tmpfs
def test_an_upload_on_a_full_disk_says_disk_full_in_the_readers_language(small_book, tmp_path):  # noqa: F811
    path = tmp_path / "book.duckdb"
    path.write_bytes(small_book.read_bytes())
    loans = query(path, "SELECT loan_id FROM loans WHERE status = 'active' ORDER BY loan_id")["loan_id"].to_list()
    lines = [PAYMENTS_HEADER] + [f"{900_000 + i},{loans[i % len(loans)]},2026-11-2{i % 9} 10:00:00,"
                                 f"{1 + i % 90}.00,app" for i in range(2_000)]
    write(tmp_path, "payments.csv", "\n".join(lines) + "\n")
    env = {**{k: v for k, v in os.environ.items() if k != "MONITOR_DB"}, "DIR": str(tmp_path), "CODE": LAND,
           "SIZE": f"{path.stat().st_size // 1024 + 32}k", "PY": sys.executable,
           "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(["unshare", "-rm", "sh", "-c", UPLOAD_ON_FULL_DISK], env=env, check=True, timeout=300,
                   capture_output=True)
    message = t("book.disk_full", "zh", kept=t("book.kept_ingest", "zh"))
    assert (tmp_path / "landed").read_text() == (
        f"Unusable(code='database', params={{'file': 'payments.csv', 'message': '{message}'}})\n")
