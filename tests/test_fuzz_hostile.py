"""Fuzz test of hostile input (issue 13): every command with arguments out of range or malformed, the upload path
with hostile files, and rows of hostile values drawn by Hypothesis. Each must end in a one-line error (exit 2) or a
clean quarantine: no traceback, memory bounded, and the book afterwards opens with every page and command working.

The command and file cases run in one child process through `monitor.cli.main` and `monitor.ingest` as a user's
command would. Its resident memory is what is bounded (test_memory_stays_bounded, from VmHWM). Two guards keep a case
that grows memory from taking the machine down, each failing with a traceback the tests report: DuckDB's own limit
(CHILD_DUCKDB_MEMORY) and, behind it, an address-space limit (CHILD_ADDRESS_SPACE). The address space is not the
resident memory: thread stacks and the allocator arenas of DuckDB and polars reserve about 3.1 GB of it in a child
whose resident peak is about 430 MB, and how much depends on how the threads are scheduled. A limit of 3 GB, tried
before, failed on a DuckDB allocation of 2 MB whenever the machine was busy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import traceback
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from monitor import access, db, ingest, limits
from monitor.ingest.read import FileError
from tests.conftest import APPTEST_TIMEOUT, DEMO_AS_OF, ROOT
from tests.test_pages_apptest import PAGE_STEMS, open_page, run

CHILD_DUCKDB_MEMORY = "1GB"    # DuckDB's memory limit in the child that runs the cases
CHILD_ADDRESS_SPACE = 8 << 30  # bytes of address space for that child: above its reservations, below the machine
AS_OF = DEMO_AS_OF.isoformat()

BAD_NATURAL = ["-1", "1.5", "1e3", "0x10", "inf", "nan", "", " ", "99999999999999999999999", "-9223372036854775809"]
BAD_WHOLE = ["0", *BAD_NATURAL]  # for arguments of at least 1 (0 is a good seed or --month-ends)
BAD_DAYS = ["9999-12-31", "0001-01-01", "0044-03-15", "-infinity", "infinity", "2026-02-30", "2026-13-01",
            "", "1969-12-31", "2026-11-29T00:00"]
BAD_REALS = ["inf", "-inf", "nan", "0", "-1", "1e309", "", "abc"]


def command_cases(book: str, scratch: str) -> list[list[str]]:
    """Argument lists every one of which must be refused with one line and exit 2, the book untouched."""
    cases = []
    for value in BAD_WHOLE + [str(limits.MAX_LOANS + 1)]:
        cases.append(["generate", "--db", f"{scratch}/new.duckdb", "--loans", value])
    for value in BAD_NATURAL + ["4294967296"]:
        cases.append(["generate", "--db", f"{scratch}/new.duckdb", "--loans", "10", "--seed", value])
    for day in BAD_DAYS + ["2001-12-31", "2999-01-01"]:
        cases.append(["generate", "--db", f"{scratch}/new.duckdb", "--loans", "10", "--as-of", day])
    cases.append(["generate", "--db", book, "--loans", "10"])                   # an existing book, no --force
    for command in ("derive", "status", "report", "score", "simulate", "simulate-loan"):
        extra = ["--loan-id", "1"] if command == "simulate-loan" else []
        for day in BAD_DAYS:
            cases.append([command, "--db", book, "--as-of", day, *extra])
    for flag, bad in (("--months", BAD_WHOLE + ["121", "1000000000"]), ("--window", BAD_WHOLE + ["61"]),
                      ("--paths", BAD_WHOLE + ["10001"]), ("--seed", BAD_NATURAL + ["4294967296"]),
                      ("--stress", BAD_REALS + ["1e300", "10.5", "mild; DROP TABLE loans"]),
                      ("--segment", ["x" * 10_000, "channel'; DROP TABLE loans; --"])):
        for value in bad:
            cases.append(["simulate", "--db", book, "--as-of", AS_OF, flag, value])
    for value in BAD_WHOLE + ["9007199254740992", "9223372036854775807"]:
        cases.append(["simulate-loan", "--db", book, "--loan-id", value])
    for value in BAD_NATURAL + ["121"]:
        cases.append(["score", "--db", book, "--month-ends", value])
    for flag, bad in (("--max-rows", BAD_WHOLE + ["999", "50000001"]), ("--train-months", BAD_WHOLE + ["61"])):
        for value in bad:
            cases.append(["train", "--db", book, flag, value])
    for flag, bad in (("--rate", BAD_REALS + ["10001"]), ("--seconds", BAD_REALS + ["31622401"]),
                      ("--seed", BAD_NATURAL)):
        for value in bad:
            cases.append(["feed", "--db", book, flag, value])
    for path in ("/dev/zero", scratch, f"{scratch}/fifo", f"{scratch}/sqlite.db", f"{scratch}/text.duckdb",
                 f"{scratch}/missing/book.duckdb"):
        for command in ("status", "report", "derive", "score", "simulate", "train", "migrate"):
            cases.append([command, "--db", path])
    for path in ("/dev/zero", scratch, f"{scratch}/fifo", f"{scratch}/missing.csv"):
        cases.append(["ingest", "--db", book, path])
    cases.append(["simulate", "--db", book, "--as-of", AS_OF, "--policy", "/dev/zero"])
    cases.append(["simulate", "--db", book, "--as-of", AS_OF, "--policy", f"{scratch}/fifo"])
    return cases


def bomb(path: Path, rows: int = 20_000_000) -> Path:
    pl.select(payment_id=pl.repeat(1, rows, dtype=pl.Int64), loan_id=pl.lit(1, pl.Int64),
              paid_at=pl.lit("2026-11-20 10:00:00"), amount=pl.lit("-1.00"), channel=pl.lit("app")
              ).write_parquet(path, compression="zstd", row_group_size=rows)
    return path


def hostile_files(scratch: Path, loan_id: int) -> list[Path]:
    """Files the upload path must refuse (FileError) or quarantine row by row."""
    files = [bomb(scratch / "bomb.parquet")]
    pl.DataFrame({"payment_id": [[1, 2]], "loan_id": [{"a": 1}]}).write_parquet(scratch / "nested.parquet")
    files.append(scratch / "nested.parquet")
    (scratch / "garbage.csv").write_bytes(os.urandom(4096))
    (scratch / "empty.csv").write_bytes(b"")
    (scratch / "header_only.csv").write_text("payment_id,loan_id,paid_at,amount,channel\n")
    (scratch / "not_a_table.csv").write_text("a,b\n1,2\n")
    files += [scratch / "garbage.csv", scratch / "empty.csv", scratch / "header_only.csv", scratch / "not_a_table.csv"]
    rows = [
        f"1,{loan_id},0044-03-15 10:00:00,10.00,app",
        f"2,{loan_id},infinity,10.00,app",
        f"3,{loan_id},-infinity,10.00,app",
        f"9223372036854775807,{loan_id},2026-11-20 10:00:00,10.00,app",
        f"0,{loan_id},2026-11-20 10:00:00,10.00,app",
        f"-5,{loan_id},2026-11-20 10:00:00,10.00,app",
        f"6,{loan_id},2026-11-20 10:00:00,100.999,app",
        f"7,{loan_id},2026-11-20 10:00:00,10.00,app\u200b",
        f"8,{loan_id},2026-11-20 10:00:00,10.00,\u0430pp",
        f"9,{loan_id},2026-11-20 10:00:00,10.00,=HYPERLINK(\"http://x\")",
        f"10,{loan_id},2026-11-20 10:00:00,1e309,app",
        f"11,{loan_id},2026-11-20 10:00:00,nan,app",
        f"12,{loan_id},9999-12-31 23:59:59,10.00,app",
    ]
    (scratch / "payments.csv").write_text("payment_id,loan_id,paid_at,amount,channel\n" + "\n".join(rows) + "\n")
    (scratch / "installments.csv").write_text(
        "loan_id,installment_no,due_date,principal_due,interest_due,fee_due,amount_due\n"
        f"{loan_id},1,2026-12-20,999999999.00,0,0,999999999.00\n"
        f"{loan_id},600000000,2026-12-20,1.00,0,0,1.00\n")
    (scratch / "loans.csv").write_text(
        "loan_id,customer_id,product,channel,origination_date,principal,annual_rate,term_months,"
        "repayment_method,application_score,status\n"
        "900000001,999999999,cash_loan,app,2026-11-01,1000.00,0.240049,12,equal_installment,700,active\n"
        "900000002,1,cash_loan,app,0044-03-15,1000.00,0.2,12,equal_installment,700,active\n"
        "900000003,1,cash_loan,app,2026-11-01,1000.00,0.2,600000000,equal_installment,700,active\n"
        "9223372036854775807,1,cash_loan,app,2026-11-01,1000.00,0.2,12,equal_installment,700,active\n")
    return [*files, scratch / "payments.csv", scratch / "installments.csv", scratch / "loans.csv"]


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def drive() -> None:
    """In the child: run each case of the JSON on stdin, print one JSON result per case."""
    from monitor import cli

    job = json.load(sys.stdin)
    book_bytes = Path(job["book"]).read_bytes()
    for argv in job["commands"]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = cli.main(argv)
            except SystemExit as exc:
                code = exc.code
            except BaseException:  # the case failed: say how
                code, err = "raised", io.StringIO(traceback.format_exc())
        print(json.dumps({"case": argv, "code": code, "stderr": err.getvalue(), "peak_mb": _peak_mb()}), flush=True)
    print(json.dumps({"book_unchanged_by_commands": Path(job["book"]).read_bytes() == book_bytes}), flush=True)
    for name in job["files"]:
        for action in ("preview", "load"):
            try:
                data = Path(name).read_bytes()
                if action == "preview":
                    outcome = ingest.preview(job["book"], data, Path(name).name)
                else:
                    outcome = ingest.load_bytes(job["book"], data, Path(name).name, actor=access.COMMAND_USER)
                result = {"outcome": [outcome.rows_total, outcome.rows_accepted, outcome.rows_rejected,
                                      outcome.rows_duplicate, outcome.rows_checked]}
            except FileError as exc:
                result = {"file_error": str(exc)}
            except BaseException:  # the case failed: say how
                result = {"raised": traceback.format_exc()}
            print(json.dumps({"case": [action, name], **result, "peak_mb": _peak_mb()}), flush=True)


@pytest.fixture(scope="module")
def fuzzed(demo_db, tmp_path_factory):
    """A copy of the demo book after every command and file case ran against it in one memory-limited child."""
    scratch = tmp_path_factory.mktemp("fuzz")
    book = scratch / "book.duckdb"
    shutil.copyfile(demo_db, book)
    os.mkfifo(scratch / "fifo")
    sqlite3.connect(scratch / "sqlite.db").execute("CREATE TABLE t (x)").connection.close()
    (scratch / "text.duckdb").write_text("not a database\n")
    con = db.connect(book, read_only=True)
    loan_id = con.execute("SELECT min(loan_id) FROM loans WHERE status = 'active'").fetchone()[0]
    con.close()
    files = hostile_files(scratch, loan_id)
    job = {"commands": command_cases(str(book), str(scratch)), "files": [str(f) for f in files], "book": str(book)}
    child = subprocess.run([sys.executable, "-c", "from tests.test_fuzz_hostile import drive; drive()"],
                           input=json.dumps(job), capture_output=True, text=True, cwd=ROOT, timeout=1200,
                           preexec_fn=_limit_address_space,
                           env={**os.environ, "MONITOR_DUCKDB_MEMORY": CHILD_DUCKDB_MEMORY})
    assert child.returncode == 0, child.stderr[-4000:]
    results = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    return {"book": book, "scratch": scratch, "results": results, "job": job, "loan_id": loan_id}


def test_every_bad_argument_is_one_line_and_exit_2(fuzzed):
    commands = [r for r in fuzzed["results"] if "code" in r]
    assert len(commands) == len(fuzzed["job"]["commands"])
    wrong = [(r["case"], r["code"], r["stderr"][-300:]) for r in commands
             if r["code"] != 2 or "Traceback" in r["stderr"] or r["stderr"].count("\n") != 1]
    assert not wrong, wrong
    assert [r["book_unchanged_by_commands"] for r in fuzzed["results"] if "book_unchanged_by_commands" in r] == [True]


def test_every_hostile_file_is_refused_or_quarantined(fuzzed):
    files = [r for r in fuzzed["results"] if r.get("case", [""])[0] in ("preview", "load")]
    assert len(files) == 2 * len(fuzzed["job"]["files"])
    assert "rows" in next(r["file_error"] for r in files if r["case"] == ["preview", fuzzed["job"]["files"][0]])
    assert not [r for r in files if "raised" in r], [r["raised"][-500:] for r in files if "raised" in r]
    for r in files:
        if "file_error" in r:
            assert "\n" not in r["file_error"] and Path(r["case"][1]).name in r["file_error"]
        else:
            total, accepted, rejected, duplicate, _ = r["outcome"]
            assert accepted + rejected + duplicate == total, r
    by_name = {(r["case"][0], Path(r["case"][1]).name): r for r in files}
    assert "file_error" in by_name[("preview", "bomb.parquet")]
    assert "file_error" in by_name[("preview", "nested.parquet")]
    for name in ("payments.csv", "installments.csv", "loans.csv"):  # every hostile row rejected, none landed
        total, accepted, rejected, _, _ = by_name[("load", name)]["outcome"]
        assert (accepted, rejected) == (0, total), (name, by_name[("load", name)])


def test_memory_stays_bounded(fuzzed):
    peak = max(r["peak_mb"] for r in fuzzed["results"] if "peak_mb" in r)
    assert peak < 1000, peak


def test_the_book_still_works_after_the_fuzz(fuzzed):
    book = fuzzed["book"]
    con = db.connect(book, read_only=True)
    try:  # nothing implausible landed; the hostile rows are in the quarantine
        assert con.execute("""SELECT count(*) FROM payments WHERE payment_id NOT BETWEEN 1 AND 2^53 - 1
                          OR year(paid_at) < 2000 OR channel NOT IN ('auto_debit', 'app', 'collections', 'legal',
                          'recovery')""").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM loans WHERE term_months > 120 OR loan_id >= 2^53").fetchone()[0] == 0
        assert con.execute("SELECT max(amount_due) FROM installments").fetchone()[0] < 1_000_000
        quarantined = dict(con.execute("SELECT file_name, count(*) FROM quarantine GROUP BY ALL").fetchall())
        assert quarantined.keys() >= {"payments.csv", "installments.csv", "loans.csv"}
    finally:
        con.close()
    from monitor import cli

    for argv in (["status", "--db", str(book), "--as-of", AS_OF, "--format", "json"],
                 ["report", "--db", str(book), "--as-of", AS_OF, "--format", "json"],
                 ["simulate", "--db", str(book), "--as-of", AS_OF, "--months", "3", "--paths", "10"],
                 ["simulate-loan", "--db", str(book), "--loan-id", str(fuzzed["loan_id"])]):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert cli.main(argv) == 0, argv
        assert out.getvalue().strip()


def test_every_page_opens_after_the_fuzz(fuzzed, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(fuzzed["book"]))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang="en")
    for stem in PAGE_STEMS:
        open_page(at, stem)
        assert not at.error, (stem, [e.value for e in at.error])


# ------------------------------------------------------------------------------------- row level (Hypothesis)

HOSTILE_TEXT = st.one_of(
    st.sampled_from(["", " ", "0", "-0", "1e309", "nan", "inf", "-infinity", "0044-03-15", "9999-12-31",
                     "9223372036854775807", "-1", "100.999", "0.240049", "app\u200b", "\u0430pp", "=1+1",
                     "'; DROP TABLE loans; --", "\x00", "[x](http://evil)", "2026-03-01T00:30:00Z",
                     "2026-03-01 00:30:00+14:00", "１２３"]),
    st.text(max_size=12))
PAYMENT_COLUMNS = ("payment_id", "loan_id", "paid_at", "amount", "channel")


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({c: HOSTILE_TEXT for c in PAYMENT_COLUMNS}), min_size=1, max_size=8))
def test_hostile_payment_rows_are_quarantined_or_landed_whole(demo_db, rows):
    """Any row of text values: the preview says what lands and what is rejected, every row counted once, and a row
    that would land holds plausible values."""
    text = ",".join(PAYMENT_COLUMNS) + "\n" + "\n".join(
        ",".join(_csv_cell(row[c].replace("\x00", "")) for c in PAYMENT_COLUMNS) for row in rows) + "\n"
    try:
        outcome = ingest.preview(demo_db, text.encode(), "payments.csv")
    except FileError as exc:
        assert "\n" not in str(exc)
        return
    assert outcome.rows_accepted + outcome.rows_rejected + outcome.rows_duplicate == outcome.rows_total == len(rows)
    landing = outcome.sample
    if landing.height:
        assert landing["payment_id"].min() >= 1 and landing["payment_id"].max() < 2**53
        assert landing["paid_at"].dt.year().min() >= 2000
        assert landing["paid_at"].dt.date().max() <= dt.date.today() + dt.timedelta(days=1)
