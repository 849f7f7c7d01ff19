"""A book is never replaced or half-written by accident (issue 13, item 3, and the full disk of item 4).

- generate refuses an existing file unless --force, and even then one that is read-only or held by another
  process; a generate killed with -9 keeps the old book.
- every writer checks write access before its long work: a read-only file or folder is refused at once.
- score writes a run of several month-ends all or nothing.
- no connection loads or downloads a DuckDB extension: a SQLite file is "not a monitor database".
- a full disk (a real one: a small tmpfs mounted in a private mount namespace) gives "disk full: <what was kept>",
  exit 2, and the book as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from monitor import db
from monitor.cli import main
from monitor.scoring import store
from tests.conftest import DEMO_AS_OF
from tests.test_cli import assert_bad_input, monitor

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-29"
SMALL = ("--loans", "300", "--seed", "3", "--as-of", AS_OF)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str):
    con = db.connect(path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def small_book(tmp_path_factory) -> Path:
    """A generated 300-loan book; copy it to change it."""
    folder = tmp_path_factory.mktemp("safety")
    result = monitor("generate", "--db", "small.duckdb", *SMALL, cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "small.duckdb"


@pytest.fixture
def book(small_book, tmp_path) -> Path:
    path = tmp_path / "book.duckdb"
    shutil.copyfile(small_book, path)
    yield path
    for p in (path, path.parent):
        p.chmod(p.stat().st_mode | stat.S_IWUSR)  # pytest must be able to clean up


def hold(path: Path, read_only: bool) -> subprocess.Popen:
    """Another process holding the book (the app reads it read-only; the feed, a load, write it)."""
    code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == '1'); "
            "print('ready', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path), "1" if read_only else "0"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=30)
    holder.stdout.close()


# ------------------------------------------------------------------------------------------ generate --
def test_generate_refuses_an_existing_book_without_force(book):
    before = digest(book)
    result = monitor("generate", "--db", book.name, "--loans", "50", "--seed", "9", "--as-of", AS_OF,
                     cwd=book.parent)
    assert_bad_input(result, "already exists", "--force")
    assert digest(book) == before
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


def test_generate_refuses_any_existing_file_without_force(tmp_path):
    other = tmp_path / "notes.duckdb"
    other.write_text("not a book, but someone's file")
    result = monitor("generate", "--db", other.name, *SMALL, cwd=tmp_path)
    assert_bad_input(result, "already exists")
    assert other.read_text() == "not a book, but someone's file"


def test_generate_never_replaces_a_folder(tmp_path):
    (tmp_path / "book.duckdb").mkdir()
    result = monitor("generate", "--db", "book.duckdb", *SMALL, "--force", cwd=tmp_path)
    assert_bad_input(result, "not a regular file")
    assert list(tmp_path.iterdir()) == [tmp_path / "book.duckdb"]


def test_generate_with_force_replaces_the_book(book):
    result = monitor("generate", "--db", book.name, "--loans", "50", "--seed", "9", "--as-of", AS_OF, "--force",
                     cwd=book.parent)
    assert result.returncode == 0, result.stderr
    assert query(book, "SELECT count(*) FROM loans")[0][0] < 100  # the new 50-loan book (and its restructurings)
    assert query(book, "SELECT event, detail->>'loans' FROM book_history") == [("generate", "50")]
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]  # no temporary file, no stale WAL


@pytest.mark.parametrize("read_only", [True, False], ids=["held-read-only", "held-read-write"])
def test_generate_never_replaces_a_book_another_process_holds(book, read_only, monkeypatch):
    """Not even with --force: the app (read-only) or the feed (read-write) has it open."""
    monkeypatch.setenv("MONITOR_LOCK_WAIT", "1")
    before = digest(book)
    holder = hold(book, read_only)
    try:
        result = monitor("generate", "--db", book.name, *SMALL, "--force", cwd=book.parent)
        assert_bad_input(result, "in use by another process", book.name)
        assert digest(book) == before
    finally:
        release(holder)
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


def test_generate_never_replaces_a_read_only_book(book):
    book.chmod(0o444)
    before = digest(book)
    result = monitor("generate", "--db", book.name, *SMALL, "--force", cwd=book.parent)
    assert_bad_input(result, "read-only", book.name)
    assert digest(book) == before


def test_a_generate_killed_midway_keeps_the_old_book(book):
    """The new book is written beside the old one and moved into place at the end: kill -9 before that, and the
    old book is there, whole."""
    before = digest(book)
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    child = subprocess.Popen([sys.executable, "-m", "monitor", "generate", "--db", book.name, "--loans", "20000",
                              "--seed", "5", "--as-of", AS_OF, "--force"], cwd=book.parent, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(book.parent.glob(".book.duckdb.*.generating")):  # it is writing the new book
        assert child.poll() is None, child.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stderr.close()
    assert digest(book) == before
    assert query(book, "SELECT count(*) FROM loans")[0][0] == 304


def test_a_feed_stops_when_its_book_is_replaced(book):
    """generate --force finds the feed between two batches: the book is replaced, and the feed, instead of writing
    the old book's events into the new one (payments of loans it does not hold), stops with one line."""
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    feed = subprocess.Popen([sys.executable, "-m", "monitor", "feed", "--db", book.name, "--rate", "50",
                             "--seconds", "120", "--seed", "1"], cwd=book.parent, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:  # the feed has landed a batch, and generate found it between two
            landed = query(book, "SELECT count(*) FROM ingest_batches WHERE source = 'feed'")[0][0]
            result = monitor("generate", "--db", book.name, "--loans", "50", "--seed", "9", "--as-of", AS_OF,
                             "--force", cwd=book.parent) if landed else None
            if result is not None and result.returncode == 0:
                break
            assert time.monotonic() < deadline, result.stderr if result else "the feed landed nothing"
            time.sleep(0.2)
        assert feed.wait(timeout=60) == 2
        err = feed.stderr.read()
        assert "was replaced by another book while the feed ran" in err and "Traceback" not in err, err
    finally:
        feed.kill()
        feed.wait()
        feed.stderr.close()
    assert query(book, "SELECT count(*) FROM ingest_batches")[0][0] == 0  # the new book holds none of the feed's
    assert query(book, "SELECT count(*) FROM payments p ANTI JOIN loans l USING (loan_id)")[0][0] == 0


# ----------------------------------------------------------------------------- write access first --
def test_train_on_a_read_only_book_fails_at_once(book, capsys):
    book.chmod(0o444)
    started = time.perf_counter()
    assert main(["train", "--db", str(book)]) == 2
    assert time.perf_counter() - started < 1.0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "read-only" in err and str(book) in err, err


@pytest.mark.parametrize("args", [["derive"], ["score"], ["train"], ["ingest", "payments.csv"],
                                  ["feed", "--seconds", "1"]], ids=lambda a: a[0])
def test_every_writer_refuses_a_read_only_file_before_working(book, args):
    (book.parent / "payments.csv").write_text("payment_id,loan_id,paid_at,amount,channel\n"
                                              "999001,1,2026-11-28 10:00:00,10.00,app\n")
    book.chmod(0o444)
    before = digest(book)
    result = monitor(args[0], "--db", book.name, *args[1:], cwd=book.parent)
    assert_bad_input(result, "read-only", book.name)
    assert digest(book) == before


def test_a_writer_refuses_a_read_only_folder(book):
    """DuckDB writes its write-ahead log beside the book: a read-only folder is a read-only book."""
    before = digest(book)
    book.parent.chmod(0o555)
    result = monitor("derive", "--db", book.name, cwd=book.parent)
    assert_bad_input(result, "folder is read-only")
    assert digest(book) == before


# ----------------------------------------------------------------------------- score all or nothing --
PAUSED_SCORE = """
import sys, time
from pathlib import Path
from monitor import db
from monitor.cli import main

signal_file, path, as_of = sys.argv[1:]
run, seen = db.run, []

def paused_run(con, sql, params=None):
    run(con, sql, params)
    if sql.lstrip().startswith("INSERT OR REPLACE INTO score_runs"):
        seen.append(sql)
        if len(seen) == 2:  # the second month-end of the run is written, two more to go
            Path(signal_file).write_text("2")
            time.sleep(300)

db.run = paused_run
sys.exit(main(["score", "--db", path, "--as-of", as_of, "--month-ends", "3"]))
"""


def test_a_score_run_killed_midway_leaves_only_the_runs_before(scored_db, tmp_path):
    path = tmp_path / "scored.duckdb"
    shutil.copyfile(scored_db, path)
    shutil.copytree(store.models_dir(scored_db), store.models_dir(path))
    runs = "SELECT as_of, scored_at FROM score_runs ORDER BY as_of"
    scores = "SELECT count(*), sum(hash(loan_id, as_of, pd, tier)) FROM scores"
    before = (query(path, runs), query(path, scores))
    assert len(before[0]) == 4
    signal_file = tmp_path / "paused"
    env = {**{k: v for k, v in os.environ.items() if k != "MONITOR_DB"}, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", PAUSED_SCORE, str(signal_file), str(path),
                              DEMO_AS_OF.isoformat()], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not signal_file.exists():
        assert child.poll() is None, child.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stderr.close()
    assert (query(path, runs), query(path, scores)) == before


def test_a_score_run_writes_every_month_end_in_one_go(scored_db, tmp_path):
    path = tmp_path / "scored.duckdb"
    shutil.copyfile(scored_db, path)
    shutil.copytree(store.models_dir(scored_db), store.models_dir(path))
    result = monitor("score", "--db", path.name, "--as-of", DEMO_AS_OF.isoformat(), "--month-ends", "3",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len({row[0] for row in query(path, "SELECT scored_at FROM score_runs")}) == 1  # one transaction


# ------------------------------------------------------------------------------------ not a book --
def test_a_sqlite_file_is_not_a_monitor_database_and_nothing_is_downloaded(tmp_path):
    lite = sqlite3.connect(tmp_path / "book.sqlite")
    lite.execute("CREATE TABLE loans (loan_id INTEGER)")
    lite.commit()
    lite.close()
    env_home = tmp_path / "home"  # DuckDB would install an extension under $HOME/.duckdb
    env = {**{k: v for k, v in os.environ.items() if k != "MONITOR_DB"}, "HOME": str(env_home)}
    for args in (["status", "--as-of", AS_OF], ["derive"]):
        result = subprocess.run([sys.executable, "-m", "monitor", *args, "--db", "book.sqlite"], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=120)
        assert_bad_input(result, "not a monitor database", "book.sqlite")
        assert "extension" not in result.stderr.lower()
    assert not env_home.exists()


def test_a_duckdb_file_without_the_schema_is_not_a_monitor_database(tmp_path):
    duckdb.connect(str(tmp_path / "other.duckdb")).execute("CREATE TABLE t AS SELECT 1 AS x").close()
    result = monitor("status", "--as-of", AS_OF, "--db", "other.duckdb", cwd=tmp_path)
    assert_bad_input(result, "not a monitor database")


def test_connections_never_load_or_install_extensions(small_book):
    con = db.connect(small_book, read_only=True)
    try:
        assert con.execute("SELECT current_setting('autoload_known_extensions'), "
                           "current_setting('autoinstall_known_extensions')").fetchall() == [(False, False)]
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ disk full --
def test_duckdb_out_of_space_errors_read_as_disk_full():
    """The texts DuckDB 2.0.1 gave on the tmpfs below: the write that failed, and every statement after it."""
    assert db.is_disk_full(duckdb.IOException('IO Error: Could not write file "/mnt/b.duckdb": '
                                              'No space left on device'))
    assert db.is_disk_full(duckdb.FatalException("FATAL Error: Failed: database has been invalidated because "
                                                 "of a previous fatal error."))
    assert not db.is_disk_full(duckdb.IOException('IO Error: Cannot open file "x": Permission denied'))
    with pytest.raises(db.DatabaseError, match=r"^disk full: the book as it was\. Free some space") as caught:
        with db.disk_full_kept(lambda lang: {"en": "the book as it was", "zh": "账簿保持原样"}[lang]):
            raise duckdb.IOException("IO Error: Could not write file: No space left on device")
    assert caught.value.text("zh") == "磁盘已满：账簿保持原样。请释放空间后重新运行。"


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


needs_tmpfs = pytest.mark.skipif(not _can_mount_tmpfs(), reason="cannot mount a tmpfs (no user namespaces)")

ON_FULL_DISK = """
set -e
mkdir -p "$DIR/full" "$DIR/out"
mount -t tmpfs -o size=$SIZE tmpfs "$DIR/full"
cp "$DIR/book.duckdb" "$DIR/full/book.duckdb"
cd "$DIR/full"
set +e
"$PY" -m monitor "$@" --db book.duckdb 2> "$DIR/out/stderr"
echo $? > "$DIR/out/rc"
ls -A "$DIR/full" > "$DIR/out/files"
cp "$DIR/full/book.duckdb" "$DIR/out/book.duckdb"
"""


def run_on_full_disk(book: Path, slack_kb: int, *args: str) -> tuple[int, str, Path]:
    """Run the command on a copy of `book` in a tmpfs only slack_kb bigger than it; exit code, stderr, the book."""
    size = book.stat().st_size // 1024 + slack_kb
    env = {**{k: v for k, v in os.environ.items() if k != "MONITOR_DB"}, "DIR": str(book.parent),
           "SIZE": f"{size}k", "PY": sys.executable, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(["unshare", "-rm", "sh", "-c", ON_FULL_DISK, "sh", *args], env=env, check=True, timeout=300)
    out = book.parent / "out"
    return int((out / "rc").read_text()), (out / "stderr").read_text(), out


@needs_tmpfs
def test_derive_on_a_full_disk_says_so_and_keeps_the_derived_tables(book):
    con = db.connect(book)
    db.run(con, "DROP TABLE loan_segment")  # derive must write a new table: space it will not find
    db.run(con, "CHECKPOINT")
    con.close()
    before = query(book, "SELECT count(*), sum(hash(loan_id, month_end, dpd)) FROM loan_month")
    rc, err, out = run_on_full_disk(book, 64, "derive")
    assert rc == 2, err
    assert err.startswith("monitor derive: disk full: the derived tables are as they were") and err.count("\n") == 1
    assert "Traceback" not in err and "rollback" not in err.lower()
    assert query(out / "book.duckdb", "SELECT count(*), sum(hash(loan_id, month_end, dpd)) FROM loan_month") == before


@needs_tmpfs
def test_generate_on_a_full_disk_keeps_the_old_book_and_leaves_no_temporary_file(book):
    before = digest(book)
    rc, err, out = run_on_full_disk(book, 256, "generate", *SMALL, "--force")
    assert rc == 2, err
    assert err == "monitor generate: disk full: the book that was there is unchanged. Free some space and run it " \
                  "again.\n"
    assert digest(out / "book.duckdb") == before
    assert (out / "files").read_text().split() == ["book.duckdb"]


@needs_tmpfs
def test_ingest_on_a_full_disk_says_so_and_lands_nothing(book):
    loans = [row[0] for row in query(book, "SELECT loan_id FROM loans WHERE status = 'active' ORDER BY loan_id")]
    lines = ["payment_id,loan_id,paid_at,amount,channel"]
    lines += [f"{900_000 + i},{loans[i % len(loans)]},2026-11-2{i % 9} 10:00:00,{1 + i % 90}.00,app"
              for i in range(200_000)]
    payments = book.parent / "payments.csv"
    payments.write_text("\n".join(lines) + "\n")
    before = query(book, "SELECT count(*) FROM payments")
    rc, err, out = run_on_full_disk(book, 256, "ingest", str(payments))
    assert rc == 2, err
    assert err == "monitor ingest: disk full: the batch that failed left nothing; the batches before it are " \
                  "kept. Free some space and run it again.\n"
    assert query(out / "book.duckdb", "SELECT count(*) FROM payments") == before
    assert query(out / "book.duckdb", "SELECT count(*) FROM ingest_batches") == [(0,)]


def test_in_memory_connections_never_load_extensions_either():
    con = db.memory()
    try:
        assert con.execute("SELECT current_setting('autoload_known_extensions')").fetchall() == [(False,)]
    finally:
        con.close()


def test_monitor_db_naming_a_pipe_is_refused_not_waited_on(tmp_path):
    # --db is checked by the parser; MONITOR_DB reaches db.connect, whose header read would wait on a pipe forever.
    os.mkfifo(tmp_path / "pipe")
    env = {**os.environ, "MONITOR_DB": str(tmp_path / "pipe")}
    result = subprocess.run([sys.executable, "-m", "monitor", "status", "--as-of", "2026-11-29"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60)
    assert_bad_input(result, "not a regular file")
