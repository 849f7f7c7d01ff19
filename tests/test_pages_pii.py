"""Personal data on the Account view through AppTest, signed in with one role at a time (st.user seeded, [auth]
configured): no birth year, the income as a band unless the role needs the figure, the logged reveal of a phone
for collections only, and each loan shown written to the audit log once."""

from __future__ import annotations

import json

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from monitor import account, db, pii
from monitor.i18n import t
from ui import format as fmt

from .conftest import DEMO_AS_OF
from .test_pages_apptest import open_page, run

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
        "client_id": "monitor", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def signed_in(app: AppTest, role: str) -> AppTest:
    """The session of a user signed in with one role (the identity token's groups claim)."""
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": f"{role}@lender.cn", "sub": role, "groups": [role]}
    return app


@pytest.fixture
def access_db(tmp_path, monkeypatch):
    path = tmp_path / "access.duckdb"
    monkeypatch.setenv("MONITOR_ACCESS_DB", str(path))
    return path


def audit_rows(path, action: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT who, action, object, parameters FROM audit_log WHERE action = ? ORDER BY seq",
                           [action]).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def customer(demo_db) -> dict:
    """The default loan of the Account view (the most delinquent) and its customer's clear values."""
    con = db.connect(demo_db, read_only=True)
    try:
        loan_id = account.default_loan(con, DEMO_AS_OF)
        row = con.execute("""SELECT c.name, c.phone, c.id_number, c.birth_year, c.monthly_income FROM loans l
                             JOIN customers c USING (customer_id) WHERE l.loan_id = ?""", [loan_id]).fetchone()
    finally:
        con.close()
    return dict(zip(("loan_id", "name", "phone", "id_number", "birth_year", "income"), (loan_id, *row), strict=True))


def facts(at: AppTest) -> dict[str, str]:
    """The Account view's fact tables: item -> value."""
    rows = {}
    for table in at.main.dataframe:
        if list(table.value.columns) == ["fact", "value"]:
            rows |= dict(zip(table.value["fact"], table.value["value"], strict=True))
    return rows


def band_of(income) -> str:
    con = db.memory()
    try:
        return con.execute(f"SELECT {pii.income_band('$i')}", {"i": income}).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_risk_manager_sees_the_income_band_and_no_birth_year(app, access_db, customer, lang):
    at = open_page(run(signed_in(app, "risk_manager"), lang=lang), "account")
    shown = facts(at)
    assert shown[t("pii.income_band", lang)] == t(f"income_band.{band_of(customer['income'])}", lang)
    assert t("col.monthly_income", lang) not in shown and t("col.birth_year", lang) not in shown
    assert str(customer["birth_year"]) not in shown.values()
    assert shown[t("col.id_number", lang)] == customer["id_number"][:6] + "*" * 8 + customer["id_number"][-4:]
    assert not [e for e in at.main.expander if e.label == t("pii.reveal", lang)]  # no reveal for this role
    at.run()  # the same loan again: written to the audit log once
    assert audit_rows(access_db, "view_account") == [
        ("risk_manager@lender.cn", "view_account", f"loan:{customer['loan_id']}", None)]


def test_collections_see_the_figure_and_reveal_a_phone_with_a_reason_logged(app, access_db, customer):
    at = open_page(run(signed_in(app, "collections"), lang="en"), "account")
    shown = facts(at)
    assert shown[t("col.monthly_income", "en")] == fmt.exact_money(float(customer["income"]))
    assert t("pii.income_band", "en") not in shown
    assert customer["phone"] not in repr(at.main)
    at.main.selectbox(key="reveal_reason").set_value("promise_follow_up")
    at.main.text_input(key="reveal_note").input("called twice, no answer")
    at.main.button[[b.label for b in at.main.button].index(t("pii.reveal_button", "en"))].click().run()
    assert [s.value for s in at.main.success] == [
        t("pii.revealed", "en", customer=shown[t("col.customer_id", "en")], phone=customer["phone"])]
    assert [(who, action, obj, json.loads(params)) for who, action, obj, params in audit_rows(access_db,
                                                                                               "reveal_phone")] == [
        ("collections@lender.cn", "reveal_phone", f"loan:{customer['loan_id']}",
         {"reason": "promise_follow_up: called twice, no answer"})]
    at.run()  # shown for that view only
    assert not at.main.success and customer["phone"] not in repr(at.main)


def test_a_reveal_without_a_reason_shows_nothing_and_logs_nothing(app, access_db, customer):
    at = open_page(run(signed_in(app, "collections"), lang="zh"), "account")
    at.main.selectbox(key="reveal_reason").set_value("other")
    at.main.text_input(key="reveal_note").input("ok")
    at.main.button[[b.label for b in at.main.button].index(t("pii.reveal_button", "zh"))].click().run()
    assert [e.value for e in at.main.error] == [t("pii.reveal_reason_short", "zh", n=4)]
    assert customer["phone"] not in repr(at.main) and audit_rows(access_db, "reveal_phone") == []
