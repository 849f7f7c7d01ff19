"""monitor.audit: an append-only, hash-chained log; an edited, removed or reordered row is found by verify."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from monitor import access, access_store, audit, db
from tests.test_cli import monitor

ANALYST = access.Actor(subject="s1", email="wang.fang@lender.cn", roles=frozenset({"analyst"}))
COLLECTOR = access.Actor(subject="s2", email="zhao.lei@lender.cn", roles=frozenset({"collections", "executive"}))


def _empty_book(folder):
    book = folder / "book.duckdb"
    con = db.connect(book, create=True)
    try:
        db.create_schema(con)
    finally:
        con.close()
    return book


@pytest.fixture
def logged(tmp_path):
    """A book path whose access file holds five audit rows."""
    book = _empty_book(tmp_path)
    con = access_store.connect(book)
    try:
        audit.record(con, ANALYST, "sign_in", parameters={"mode": "oidc"})
        audit.record(con, ANALYST, "save_scenario", "stress-2x", {"stress": 2.0, "as_of": dt.date(2026, 11, 30)})
        audit.record(con, COLLECTOR, "view_account", "loan:1001")
        audit.record(con, COLLECTOR, "reveal_phone", "loan:1001", {"reason": "customer asked for a call back"})
        audit.record(con, COLLECTOR, "export", "early_warning.csv", row_count=312)
    finally:
        con.close()
    return book


def _tamper(book, sql: str) -> None:
    con = duckdb.connect(str(access_store.path_for(book)), config=db.CONFIG)
    try:
        con.execute(sql)
    finally:
        con.close()


def _verdict(book) -> audit.Verdict:
    con = access_store.connect(book)
    try:
        return audit.verify(con)
    finally:
        con.close()


def test_rows_are_numbered_chained_and_hold_who_role_and_what(logged):
    con = access_store.connect(logged)
    try:
        rows = con.execute("SELECT seq, who, role, action, object, parameters, row_count, prev_hash, hash "
                           "FROM audit_log ORDER BY seq").fetchall()
    finally:
        con.close()
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5]
    assert rows[1][1:7] == ("wang.fang@lender.cn", "analyst", "save_scenario", "stress-2x",
                            '{"as_of":"2026-11-30","stress":2.0}', None)
    assert rows[3][2] == "executive,collections"  # in access.ROLES order
    assert rows[4][6] == 312
    assert rows[0][7] == audit.GENESIS
    assert all(row[7] == before[8] for before, row in zip(rows, rows[1:], strict=False))
    assert len({row[8] for row in rows}) == 5


def test_an_intact_log_verifies_and_reports_its_head(logged):
    verdict = _verdict(logged)
    assert (verdict.intact, verdict.rows, verdict.head_seq) == (True, 5, 5)
    assert verdict.text("en") == f"The audit log is intact: rows 1 to 5 all fit; the head's hash is {verdict.head_hash}"


@pytest.mark.parametrize(("sql", "broken_at", "reason"), [
    ("UPDATE audit_log SET object = 'loan:2002' WHERE seq = 3", 3, "changed"),
    ("UPDATE audit_log SET who = 'someone.else@lender.cn' WHERE seq = 1", 1, "changed"),
    ("UPDATE audit_log SET row_count = 1 WHERE seq = 5", 5, "changed"),
    ("DELETE FROM audit_log WHERE seq = 2", 2, "missing"),
    ("DELETE FROM audit_log WHERE seq = 1", 1, "missing"),
    # a removed row hidden by renumbering the rows after it: the chain no longer links
    ("DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2", 2, "unlinked"),
])
def test_an_edited_or_removed_row_is_found(logged, sql, broken_at, reason):
    _tamper(logged, sql)
    verdict = _verdict(logged)
    assert (verdict.intact, verdict.broken_at, verdict.reason) == (False, broken_at, reason)


def test_a_rewritten_row_with_its_hash_recomputed_breaks_the_next_link(logged):
    """Whoever edits a row and recomputes its hash must rewrite every later row too; the head then changes, which
    a copy of the head kept elsewhere shows."""
    head = _verdict(logged).head_hash
    con = access_store.connect(logged)
    try:
        seq, at, who, role, action, obj, params, count, prev, _ = con.execute(
            "SELECT * FROM audit_log WHERE seq = 3").fetchall()[0]
        forged = audit.row_hash(seq, at, who, role, action, "loan:9999", params, count, prev)
        db.run(con, "UPDATE audit_log SET object = 'loan:9999', hash = ? WHERE seq = 3", [forged])
    finally:
        con.close()
    verdict = _verdict(logged)
    assert (verdict.broken_at, verdict.reason) == (4, "unlinked")
    assert verdict.head_hash != head


def test_the_command_exits_1_naming_the_row(logged):
    result = monitor("audit", "verify", "--db", str(logged), cwd=logged.parent)
    assert result.returncode == 0, result.stderr
    assert "intact: rows 1 to 5 all fit" in result.stdout
    _tamper(logged, "UPDATE audit_log SET action = 'view_account' WHERE seq = 4")
    result = monitor("audit", "verify", "--db", str(logged), cwd=logged.parent)
    assert result.returncode == 1
    assert "row 4 was changed after it was written; the 3 rows before it fit" in result.stderr


def test_entries_filter_by_who_action_object_and_day(logged):
    con = access_store.connect(logged)
    try:
        assert audit.entries(con)["seq"].to_list() == [5, 4, 3, 2, 1]
        assert audit.entries(con, who="zhao.lei@lender.cn")["action"].to_list() == [
            "export", "reveal_phone", "view_account"]
        assert audit.entries(con, object="loan:1001", action="reveal_phone")["seq"].to_list() == [4]
        today = dt.datetime.now(dt.UTC).date()
        assert audit.entries(con, since=today, until=today).height == 5
        assert audit.entries(con, until=today - dt.timedelta(days=1)).height == 0
        assert audit.entries(con, limit=2)["seq"].to_list() == [5, 4]
        assert audit.actions(con) == ["export", "reveal_phone", "save_scenario", "sign_in", "view_account"]
        with pytest.raises(ValueError, match="no audit filter"):
            audit.entries(con, hash="x")
    finally:
        con.close()


def test_the_users_command_sets_the_first_admin(tmp_path):
    assert monitor("users", "--db", "book.duckdb", cwd=tmp_path).returncode == 2  # no book there
    assert not (tmp_path / "book.access.duckdb").exists()
    book = _empty_book(tmp_path)
    result = monitor("users", "--db", str(book), "--email", "Boss@Lender.cn", "--roles", "admin,risk_manager",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = monitor("users", "--db", str(book), cwd=tmp_path)
    assert listed.stdout.split("\t")[:2] == ["boss@lender.cn", "risk_manager,admin"]
    assert monitor("users", "--db", str(book), "--email", "x@y.cn", "--roles", "root", cwd=tmp_path).returncode == 2
    con = access_store.connect(book)
    try:
        assert audit.entries(con).select("who", "action", "object").rows() == [
            ("command-line", "edit_roles", "boss@lender.cn")]
    finally:
        con.close()


def test_an_empty_log_says_so(tmp_path):
    con = access_store.connect(_empty_book(tmp_path))
    try:
        verdict = audit.verify(con)
    finally:
        con.close()
    assert (verdict.intact, verdict.rows, verdict.head_seq) == (True, 0, None)
    assert verdict.text("en") == "The audit log is empty: nothing was recorded yet."
