"""The collection actions' compliance columns (issue 17, schema version 7) load with the same rules and quarantine as
the others: contact_id, debtor_consent and answered (true or false), duration_seconds (0 to a day), agency_id (one
of the book's agencies; empty: the lender's own collectors), recording_id; the new contact parties and the outcome
do_not_contact. They are optional: a file without them loads as before. A file that lands keeps the violations
table current (monitor.compliance.violations), and loading it again changes nothing."""

from __future__ import annotations

import pytest

from monitor import access, db
from monitor.i18n import t
from monitor.ingest import load, plausibility
from tests.ingest.helpers import assert_rejected, book, count, ingest, loan, query, write

OLD_HEADER = "action_id,loan_id,action_at,action_type,agent_id,contact_party,outcome,ptp_amount,ptp_date"
HEADER = f"{OLD_HEADER},contact_id,debtor_consent,answered,duration_seconds,agency_id,recording_id"
NEW_COLUMNS = ("contact_id", "debtor_consent", "answered", "duration_seconds", "agency_id", "recording_id")


def row(action_id: int, loan_id: int, **values: str) -> str:
    """A line of HEADER: an unanswered call to the debtor on 2026-11-20 at 10:00, changed by `values`."""
    line = {"action_id": str(action_id), "loan_id": str(loan_id), "action_at": "2026-11-20 10:00:00",
            "action_type": "call", "agent_id": "A0001", "contact_party": "debtor", "outcome": "no_answer",
            "ptp_amount": "", "ptp_date": "", "contact_id": "c-test-1", "debtor_consent": "false",
            "answered": "false", "duration_seconds": "0", "agency_id": "", "recording_id": "", **values}
    return ",".join(line[name] for name in HEADER.split(","))


def stored(path, first: int, last: int) -> list[dict]:
    return query(path, f"SELECT action_id, contact_party, outcome, {', '.join(NEW_COLUMNS)} FROM collection_actions "
                       "WHERE action_id BETWEEN $first AND $last ORDER BY action_id",
                 {"first": first, "last": last}).to_dicts()


def rejected(path) -> list[tuple]:
    return query(path, "SELECT file_name, row_number, rule, message, message_zh FROM quarantine "
                       "ORDER BY row_number, rule").rows()


def test_a_file_with_the_new_columns_lands_them(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "actions.csv", f"{HEADER}\n"
                 + row(900000001, loan_id, debtor_consent="true", answered="TRUE", duration_seconds="125",
                       agency_id="AG01", recording_id="R-0001", outcome="contacted") + "\n"
                 + row(900000002, loan_id, contact_party="related_third_party", contact_id="c-spouse",
                       debtor_consent="no", answered="1", duration_seconds="86400", outcome="do_not_contact") + "\n"
                 + row(900000003, loan_id, contact_party="unrelated_third_party", contact_id="",
                       debtor_consent="", answered="f", duration_seconds="", agency_id=" AG03 ") + "\n")
    before = count(path, "collection_actions")
    result = ingest(path, file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert count(path, "collection_actions") == before + 3
    assert stored(path, 900000001, 900000003) == [
        {"action_id": 900000001, "contact_party": "debtor", "outcome": "contacted", "contact_id": "c-test-1",
         "debtor_consent": True, "answered": True, "duration_seconds": 125, "agency_id": "AG01",
         "recording_id": "R-0001"},
        {"action_id": 900000002, "contact_party": "related_third_party", "outcome": "do_not_contact",
         "contact_id": "c-spouse", "debtor_consent": False, "answered": True, "duration_seconds": 86400,
         "agency_id": None, "recording_id": None},
        {"action_id": 900000003, "contact_party": "unrelated_third_party", "outcome": "no_answer",
         "contact_id": None, "debtor_consent": None, "answered": False, "duration_seconds": None,
         "agency_id": "AG03", "recording_id": None},
    ]
    assert count(path, "quarantine") == 0


def test_a_file_without_them_lands_as_before(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "actions.csv", f"{OLD_HEADER}\n"
                 f"900000001,{loan_id},2026-11-20 10:00:00,call,A0001,debtor,no_answer,,\n"
                 f"900000002,{loan_id},2026-11-20 11:00:00,sms,,,contacted,,\n")
    before = count(path, "collection_actions")
    result = ingest(path, file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 accepted, 0 rejected" in result.stdout
    assert count(path, "collection_actions") == before + 2
    rows = stored(path, 900000001, 900000002)
    assert [(r["contact_party"], r["outcome"]) for r in rows] == [("debtor", "no_answer"), (None, "contacted")]
    assert all(r[c] is None for r in rows for c in NEW_COLUMNS), rows


def test_bad_values_of_the_new_columns_go_to_quarantine(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "actions.csv", f"{HEADER}\n"
                 + row(900000001, loan_id, answered="maybe") + "\n"
                 + row(900000002, loan_id, duration_seconds="-5") + "\n"
                 + row(900000003, loan_id, agency_id="AG99") + "\n"
                 + row(900000004, loan_id, contact_party="third_party") + "\n"
                 + row(900000005, loan_id, debtor_consent="true", duration_seconds="90000") + "\n"
                 + row(900000006, loan_id, agency_id="AG0１") + "\n"  # a full-width digit: the code rule only
                 + row(900000007, loan_id, contact_id="c-good") + "\n")
    before = count(path, "collection_actions")
    result = ingest(path, file)
    assert_rejected(result, file, 1, "wrong_type", "column answered", "'maybe'", "is not true or false")
    assert_rejected(result, file, 2, "out_of_range", "column duration_seconds", "'-5'", "between 0 and 86400")
    assert_rejected(result, file, 3, "unknown_agency", "column agency_id", "'AG99'", "no collection agency")
    assert_rejected(result, file, 4, "invalid_value", "column contact_party", "'third_party'",
                    "debtor, related_third_party, unrelated_third_party")
    assert_rejected(result, file, 5, "out_of_range", "column duration_seconds", "'90000'")
    assert_rejected(result, file, 6, "invalid_value", "column agency_id", "U+FF11")
    assert count(path, "collection_actions") == before + 1  # row 7
    allowed = ", ".join(db.CONTACT_PARTIES)
    day = {"low": "0", "high": str(plausibility.DURATION_SECONDS_MAX)}
    expected = [
        (1, "wrong_type", "not_boolean", {"column": "answered", "value": "'maybe'"}),
        (2, "out_of_range", "between", {"column": "duration_seconds", "value": "'-5'", **day}),
        (3, "unknown_agency", "unknown_agency", {"value": "'AG99'"}),
        (4, "invalid_value", "not_allowed", {"column": "contact_party", "value": "'third_party'", "allowed": allowed}),
        (5, "out_of_range", "between", {"column": "duration_seconds", "value": "'90000'", **day}),
    ]
    found = rejected(path)
    assert found[:5] == [(str(file), number, rule, t(f"reject.{case}", "en", **parts),
                          t(f"reject.{case}", "zh", **parts)) for number, rule, case, parts in expected]
    assert [(number, rule) for _, number, rule, *_ in found[5:]] == [(6, "invalid_value")]  # not unknown_agency too
    assert found[2][4] == "列 agency_id：'AG99' 不是库中的催收机构（本公司自有催收员请留空）"
    assert found[0][4] == "列 answered：'maybe' 不是布尔值（true/false、yes/no 或 1/0）"


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("False", False), ("T", True), ("f", False), ("yes", True), ("NO", False), ("y", True),
    ("n", False), ("1", True), ("0", False), (" true ", True)])
def test_a_boolean_reads_as_duckdb_casts_it(demo_con, text, value):
    loan_id = demo_con.sql("SELECT min(loan_id) FROM loans WHERE status = 'active'").fetchall()[0][0]
    outcome = load.preview(demo_con, f"{HEADER}\n{row(900000001, loan_id, answered=text)}\n".encode(), "a.csv")
    assert outcome.rows_rejected == 0, outcome.rejects
    assert outcome.sample["answered"].to_list() == [value]


@pytest.mark.parametrize("text", ["2", "-1", "1.0", "on", "off", "是", "tru", "yes please"])
def test_anything_else_is_a_wrong_type(demo_con, text):
    loan_id = demo_con.sql("SELECT min(loan_id) FROM loans WHERE status = 'active'").fetchall()[0][0]
    outcome = load.preview(demo_con, f"{HEADER}\n{row(900000001, loan_id, debtor_consent=text)}\n".encode(), "a.csv")
    assert outcome.rejects.select("row_number", "rule", "message").rows() == [
        (1, "wrong_type", t("reject.not_boolean", "en", column="debtor_consent", value=f"'{text}'"))]


def test_the_seventh_unanswered_call_of_a_day_is_a_violation_once_landed(demo_db, tmp_path):
    """Seven unanswered calls to one number on one day: the seventh breaks the attempts rule (6 a day), and the load
    puts it in the violations table; loading the file again changes nothing."""
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    calls = [row(900000000 + n, loan_id, action_at=f"2026-11-20 {8 + n:02d}:15:00", contact_id="c-attempts")
             for n in range(1, 8)]
    file = write(tmp_path, "calls.csv", HEADER + "\n" + "\n".join(calls) + "\n")
    result = ingest(path, file)
    assert result.returncode == 0, result.stdout + result.stderr
    ours = "SELECT rule, action_id, loan_id, agency_id FROM violations WHERE action_id BETWEEN 900000001 AND 900000007"
    assert query(path, ours).rows() == [("attempts", 900000007, loan_id, db.IN_HOUSE)]

    def state() -> dict:
        return {"counts": {table: count(path, table) for table in
                           (*db.SOURCE_TABLES, "violations", "ingest_batches", "quarantine")},
                "violations": query(path, "SELECT * FROM violations ORDER BY rule, action_id").rows()}

    before = state()
    again = ingest(path, file)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "skipped: already loaded on" in again.stdout
    assert state() == before
    # the same rows in a file of another name and bytes: every row a duplicate, still nothing changes
    copy = write(tmp_path, "calls_again.csv", HEADER + "\n" + "\n".join(reversed(calls)) + "\n")
    outcome = load.load_bytes(path, copy.read_bytes(), copy.name, actor=access.COMMAND_USER)
    assert (outcome.rows_accepted, outcome.rows_rejected, outcome.rows_duplicate) == (0, 0, 7)
    after = state()
    assert after["violations"] == before["violations"]
    assert after["counts"] == {**before["counts"], "ingest_batches": before["counts"]["ingest_batches"] + 1}
