"""Every action that writes checks the actor's role where it runs (a hidden button is not a check): a refused actor
raises AccessDenied and the book and the audit log stay as they were; an allowed one writes and is audited."""

from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, db, ingest
from monitor.i18n import t
from monitor.simulate import scenarios
from ui import auth

from .conftest import DEMO_AS_OF
from .test_admin import log_rows
from .test_pages_apptest import ROOT, TIMEOUT

STEWARD = access.Actor(subject="s", email="steward@example.com", roles=frozenset({"data_steward"}))
ANALYST = access.Actor(subject="a", email="analyst@example.com", roles=frozenset({"analyst"}))
EXECUTIVE = access.Actor(subject="e", email="exec@example.com", roles=frozenset({"executive", "risk_manager"}))
PAYMENTS = "payment_id,loan_id,paid_at,amount,channel\n{payment},{loan},2026-11-29 10:00:00,100.00,app\n"


@pytest.fixture
def book(demo_db, tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_ACCESS_DB", raising=False)
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    return path




def scalar(book, sql: str):
    con = db.connect(book, read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def payments_file(book) -> bytes:
    loan = scalar(book, "SELECT min(loan_id) FROM loans WHERE status = 'active'")
    payment = scalar(book, "SELECT max(payment_id) + 1 FROM payments")
    return PAYMENTS.format(payment=payment, loan=loan).encode()


# ---------------------------------------------------------------------------------------------- landing files

@pytest.mark.parametrize("actor", [ANALYST, EXECUTIVE, access.Actor("n", "n@example.com", frozenset())])
def test_a_role_without_land_files_lands_nothing(book, actor):
    data = payments_file(book)
    before = scalar(book, "SELECT count(*) FROM payments"), scalar(book, "SELECT count(*) FROM ingest_batches")
    with pytest.raises(access.AccessDenied):
        ingest.load_bytes(book, data, "payments.csv", source="upload", actor=actor)
    assert (scalar(book, "SELECT count(*) FROM payments"), scalar(book, "SELECT count(*) FROM ingest_batches")) \
        == before
    assert log_rows(book) == []


def test_a_data_steward_lands_a_file_and_it_is_audited_with_its_counts(book):
    payments = scalar(book, "SELECT count(*) FROM payments")
    outcome = ingest.load_bytes(book, payments_file(book), "payments.csv", source="upload", actor=STEWARD)
    assert outcome.landed and outcome.rows_accepted == 1
    assert scalar(book, "SELECT count(*) FROM payments") == payments + 1
    [row] = log_rows(book)
    assert (row["who"], row["role"], row["action"], row["object"], row["row_count"]) == (
        "steward@example.com", "data_steward", "land_files", "payments.csv", 1)
    assert json.loads(row["parameters"]) == {"batch": outcome.batch_id[:12], "kind": "payments", "source": "upload",
                                             "rows_total": 1, "accepted": 1, "rejected": 0, "duplicate": 0}


def test_the_ingest_command_lands_as_the_command_line_user(book, tmp_path):
    from tests.ingest.helpers import ingest as run_ingest
    from tests.ingest.helpers import write

    file = write(tmp_path, "p.csv", payments_file(book).decode())
    result = run_ingest(book, file)
    assert result.returncode == 0, result.stderr
    [row] = log_rows(book)
    assert (row["who"], row["action"], row["object"], row["row_count"]) == ("command-line", "land_files", str(file), 1)


# -------------------------------------------------------------------------------------------- saving scenarios

SUMMARY = {"scenario": {}, "baseline": {}}


@pytest.mark.parametrize("actor", [STEWARD, EXECUTIVE])
def test_a_role_without_save_scenario_saves_nothing(book, actor):
    with pytest.raises(access.AccessDenied):
        scenarios.save(book, "stress 1.5", DEMO_AS_OF, {"stress": 1.5}, SUMMARY, actor=actor)
    with pytest.raises(access.AccessDenied):
        scenarios.delete(book, "stress 1.5", actor=actor)
    con = db.connect(book, read_only=True)
    try:
        assert scenarios.list_scenarios(con).height == 0
    finally:
        con.close()
    assert log_rows(book) == []


def test_an_analyst_saves_a_scenario_and_it_is_audited(book):
    assert scenarios.save(book, " stress 1.5 ", DEMO_AS_OF, {"stress": 1.5}, SUMMARY, actor=ANALYST) == "stress 1.5"
    scenarios.save(book, "stress 1.5", DEMO_AS_OF, {"stress": 1.5}, SUMMARY, replace=True, actor=ANALYST)
    scenarios.delete(book, "stress 1.5", actor=ANALYST)
    rows = log_rows(book)
    assert [(r["who"], r["action"], r["object"], json.loads(r["parameters"] or "null")) for r in rows] == [
        ("analyst@example.com", "save_scenario", "stress 1.5", {"as_of": "2026-11-29", "replace": False}),
        ("analyst@example.com", "save_scenario", "stress 1.5", {"as_of": "2026-11-29", "replace": True}),
        ("analyst@example.com", "delete_scenario", "stress 1.5", None),
    ]


# ------------------------------------------------------------------------------- the pages, signed in as a role

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "not-a-secret",
        "client_id": "monitor", "client_secret": "not-a-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def signed_in(book, monkeypatch, stem: str, email: str, *roles: str) -> AppTest:
    """A session signed in through OpenID Connect (AppTest.user stands in for st.user) on the page `stem`."""
    monkeypatch.setenv("MONITOR_DB", str(book))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "sub": email, "groups": list(roles)}
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(f"pages/{stem}.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def test_an_admin_may_open_the_data_page_but_not_land_a_file(book, monkeypatch):
    """The Land button is drawn for every role of the page; the check runs when it is clicked."""
    at = signed_in(book, monkeypatch, "data", "admin@example.com", "admin")
    batches = scalar(book, "SELECT count(*) FROM ingest_batches")
    at.file_uploader(key="ingest_files").upload("payments.csv", payments_file(book), "text/csv").run()
    at.button(key="ingest_land").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        t("access.denied_action", "en", roles=auth.role_names(access.ACTION_ROLES["land_files"], "en"))]
    assert not at.success
    assert scalar(book, "SELECT count(*) FROM ingest_batches") == batches
    denied = [(r["who"], r["action"], json.loads(r["parameters"])) for r in log_rows(book)
              if r["action"] in ("denied", "land_files")]
    assert denied == [("admin@example.com", "denied", {"what": "land_files"})]
