"""The Admin page and the settings an admin may change: the users table edited, the audit log listed, filtered and
exported (the export itself audited), the chain's verdict, a setting changed within its bounds and audited with its
old and new value; a refused actor changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, access_store, audit, book_settings, db, users
from monitor.i18n import LANGUAGES, t

from .conftest import APPTEST_TIMEOUT, ROOT

ANALYST = access.Actor(subject="a", email="analyst@example.com", roles=frozenset({"analyst"}))
ADMIN = access.Actor(subject="b", email="admin@example.com", roles=frozenset({"admin"}))


@pytest.fixture
def book(demo_db, tmp_path, monkeypatch):
    """A copy of the demo book with an access file of its own."""
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.delenv("MONITOR_ACCESS_DB", raising=False)
    return path


def log_rows(book) -> list[dict]:
    con = access_store.connect(book)
    try:
        return audit.entries(con, since=dt.date(2000, 1, 1), until=dt.date(2100, 1, 1)).reverse().to_dicts()
    finally:
        con.close()


def setting(book, key: str) -> str:
    con = db.connect(book, read_only=True)
    try:
        return db.setting(con, key)
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------------- settings

def test_an_admin_changes_a_setting_and_the_change_is_audited(book):
    assert book_settings.change(book, ADMIN, "quarantine_raw_days", "30") == ("90", "30")
    assert setting(book, "quarantine_raw_days") == "30"
    [row] = log_rows(book)
    assert (row["who"], row["role"], row["action"], row["object"]) == ("admin@example.com", "admin", "edit_settings",
                                                                      "quarantine_raw_days")
    assert json.loads(row["parameters"]) == {"old": "90", "new": "30"}


def test_a_role_without_edit_settings_is_refused_and_nothing_is_written(book):
    with pytest.raises(access.AccessDenied):
        book_settings.change(book, ANALYST, "quarantine_raw_days", 30)
    assert setting(book, "quarantine_raw_days") == "90"
    assert log_rows(book) == []


@pytest.mark.parametrize(("key", "value", "code"), [
    ("quarantine_raw_days", 0, "range"), ("quarantine_raw_days", 3651, "range"),
    ("quarantine_raw_days", "ten", "not_whole"), ("quarantine_raw_days", "2.5", "not_whole"),
    ("charge_off_dpd", 90, "not_editable"), ("timezone", "UTC", "not_editable"),
])
def test_a_value_or_key_outside_the_allow_list_is_refused_with_its_rule(book, key, value, code):
    before = setting(book, key)
    with pytest.raises(book_settings.SettingError) as raised:
        book_settings.change(book, ADMIN, key, value)
    assert raised.value.code == code
    assert key in raised.value.text("en") and key in raised.value.text("zh")
    assert setting(book, key) == before and log_rows(book) == []


def test_the_bounds_are_inclusive(book):
    assert book_settings.checked("quarantine_raw_days", 1) == 1
    assert book_settings.checked("quarantine_raw_days", " 3650 ") == 3650


def test_the_editable_settings_are_listed_with_their_bounds(demo_con):
    listing = book_settings.editable(demo_con)
    assert listing.select("key", "value", "low", "high").rows() == [
        ("compliance_agency_max_complaints_per_10000", "50", 0, 10000),
        ("compliance_agency_max_violations_per_1000", "5", 0, 1000),
        ("compliance_debtor_reachable_days", "30", 1, 60),
        ("compliance_max_unanswered_attempts", "6", 1, 20),
        ("compliance_quiet_end_hour", "8", 0, 10),
        ("compliance_quiet_start_hour", "22", 18, 24),
        ("quarantine_raw_days", "90", 1, 3650)]


def test_a_changed_rule_setting_judges_every_action_again(book):
    def quiet_hour_violations() -> int:
        con = db.connect(book, read_only=True)
        try:
            return con.execute("SELECT count(*) FROM violations WHERE rule = 'quiet_hours'").fetchall()[0][0]
        finally:
            con.close()

    before = quiet_hour_violations()
    assert before > 0  # the demo's collectors who push the rules call after 22:00
    book_settings.change(book, ADMIN, "compliance_quiet_start_hour", "24")  # no evening limit: only early calls
    assert 0 < quiet_hour_violations() < before


# ------------------------------------------------------------------------------------------------ the page

def admin_page(book, monkeypatch, lang: str = "en") -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(book))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert [title.value for title in at.main.title] == [t("admin.title", lang)]
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_the_verdict_and_the_log(book, monkeypatch, lang):
    at = admin_page(book, monkeypatch, lang)
    con = access_store.connect(book)
    try:
        verdict = audit.verify(con)
    finally:
        con.close()
    assert verdict.intact and verdict.rows >= 1  # this session's sign_in at least
    assert verdict.text(lang) in [s.value for s in at.main.success]
    log = at.main.dataframe[-1].value
    assert "sign_in" in list(log["action"])


def test_an_admin_gives_roles_on_the_page(book, monkeypatch):
    at = admin_page(book, monkeypatch)
    at.text_input(key="admin_email").set_value(" Steward@Example.com ")
    at.multiselect(key="admin_roles").set_value(["data_steward", "analyst"])
    at.main.get("form")[0].button[0].click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    con = access_store.connect(book)
    try:
        assert users.roles_of(con, "steward@example.com") == {"data_steward", "analyst"}
    finally:
        con.close()
    row = [r for r in log_rows(book) if r["action"] == "edit_roles"][-1]
    assert (row["who"], row["object"], json.loads(row["parameters"])) == (
        "local", "steward@example.com", {"roles": ["analyst", "data_steward"]})
    listed = at.main.dataframe[0].value
    assert listed[["email", "roles"]].values.tolist() == [["steward@example.com", "Analyst, Data steward"]]


def test_a_bad_address_says_so_and_writes_nothing(book, monkeypatch):
    at = admin_page(book, monkeypatch)
    at.text_input(key="admin_email").set_value("not an address")
    at.multiselect(key="admin_roles").set_value(["analyst"])
    at.main.get("form")[0].button[0].click()
    at.run()
    assert [e.value for e in at.error] == [t("admin.bad_email", "en", email="not an address")]
    assert [r for r in log_rows(book) if r["action"] == "edit_roles"] == []


def test_the_log_filters_by_action_and_dates(book, monkeypatch):
    con = access_store.connect(book)
    try:
        audit.record(con, ADMIN, "view_account", "loan 7", {"loan_id": 7})
    finally:
        con.close()
    at = admin_page(book, monkeypatch)
    at.selectbox(key="admin_action").set_value("view_account").run()
    log = at.main.dataframe[-1].value
    assert list(log["action"]) == ["view_account"] and list(log["object"]) == ["loan 7"]
    at.date_input(key="admin_dates").set_value((dt.date(2020, 1, 1), dt.date(2020, 1, 2))).run()
    assert at.main.dataframe[-1].value.empty


def test_the_export_is_audited_with_its_row_count(book, monkeypatch):
    at = admin_page(book, monkeypatch)
    listed = len(at.main.dataframe[-1].value)
    at.download_button(key="admin_export").click().run()
    assert not at.exception
    exports = [r for r in log_rows(book) if r["action"] == "export"]
    assert [(r["object"], r["row_count"], r["who"]) for r in exports] == [("audit_log_csv", listed, "local")]


def test_a_setting_changed_on_the_page(book, monkeypatch):
    at = admin_page(book, monkeypatch)
    at.number_input(key="admin_setting_quarantine_raw_days").set_value(45)
    at.button(key="admin_save_quarantine_raw_days").click().run()
    assert t("admin.setting_saved", "en", setting="quarantine_raw_days", old="90", new="45") in [
        s.value for s in at.main.success]
    assert setting(book, "quarantine_raw_days") == "45"
