"""The page gate through AppTest, signed in as each role (AppTest.user stands in for st.user after an OpenID Connect
sign-in; the browser tests sign in for real): a page the role may not open shows one message and no data, and the
refusal is in the audit log. The real sign-in against an identity provider: tests/test_browser_access.py."""

from __future__ import annotations

import uuid

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, access_store, audit
from monitor.i18n import t
from ui import auth, navigation

from .test_pages_apptest import ROOT, TIMEOUT

PAGE_STEMS = [stem for stem, _ in navigation.PAGES]
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "not-a-secret",
        "client_id": "monitor", "client_secret": "not-a-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def signed_in(demo_db, monkeypatch, email: str, **claims) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    # a login of its own (the identity token's nonce): the server writes one sign_in per login, whatever test
    # signed the same person in before on this worker
    at.user = {"is_logged_in": True, "email": email, "sub": email, "nonce": uuid.uuid4().hex, **claims}
    at.query_params["lang"] = "en"
    return at


def shows_data(at: AppTest) -> bool:
    """Whether the run drew anything that carries data: a table, a chart, a KPI, a date input."""
    return bool(at.dataframe or at.table or at.metric or at.get("vega_lite_chart") or at.main.date_input
                or at.sidebar.date_input)


@pytest.mark.parametrize("role", access.ROLES)
def test_a_role_is_refused_the_pages_it_may_not_open_with_nothing_shown(demo_db, monkeypatch, role):
    email = f"{role}@lender.cn"
    at = signed_in(demo_db, monkeypatch, email, groups=[role])
    at.run()
    assert not at.exception
    user = access.Actor(subject=email, email=email, roles=frozenset({role}))
    default = navigation.default_page(user)
    assert [title.value for title in at.main.title] == [t(f"{default}.title", "en")]  # the root: its first page
    refused = [stem for stem in PAGE_STEMS if not access.may_open(user, stem)]
    for stem in refused:
        at.switch_page(f"pages/{stem}.py").run()
        assert not at.exception
        assert [e.value for e in at.error] == [
            t("access.no_access", "en", roles=auth.role_names(access.PAGE_ROLES[stem], "en"))], stem
        assert not at.main.title and not shows_data(at), stem
    con = access_store.connect(demo_db)
    try:
        mine = audit.entries(con, who=email).sort("seq")
    finally:
        con.close()
    assert mine.select("role", "action", "object").rows()[-len(refused) - 1:] == [
        (role, "sign_in", None), *[(role, "denied", stem) for stem in refused]]


def test_a_user_without_a_role_sees_only_the_message(demo_db, monkeypatch):
    at = signed_in(demo_db, monkeypatch, "nobody@lender.cn", groups=["staff"])
    at.run()
    assert [e.value for e in at.error] == [t("access.no_roles", "en", who="nobody@lender.cn")]
    assert not at.main.title and not shows_data(at)


def test_roles_come_from_the_users_table_when_the_token_names_none(demo_db, monkeypatch):
    from monitor import users

    con = access_store.connect(demo_db)
    try:
        users.set_roles(con, access.COMMAND_USER, "Li.Na@lender.cn", frozenset({"data_steward"}))
    finally:
        con.close()
    at = signed_in(demo_db, monkeypatch, "li.na@lender.cn")
    at.run()
    assert [title.value for title in at.main.title] == [t("today.title", "en")]
    assert at.sidebar.caption[0].value == t("access.signed_in_as", "en", who="li.na@lender.cn",
                                            roles=t("role.data_steward", "en"))
    at.switch_page("pages/data.py").run()
    assert [title.value for title in at.main.title] == [t("data.title", "en")]


def test_not_signed_in_shows_the_sign_in_screen_only(demo_db, monkeypatch):
    at = signed_in(demo_db, monkeypatch, "x@lender.cn")
    at.user = {"is_logged_in": False}
    at.run()
    assert [title.value for title in at.main.title] == [t("access.sign_in_title", "en")]
    assert [button.label for button in at.button] == [t("access.sign_in", "en")]
    assert not shows_data(at)


@pytest.fixture
def bound_to_every_interface():
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_local_mode_is_refused_on_an_address_other_than_loopback(demo_db, monkeypatch, bound_to_every_interface):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    assert [e.value for e in at.error] == [t("access.refuse_unauthenticated", "en", address="0.0.0.0")]
    assert not at.main.title and not shows_data(at)


def test_local_mode_on_loopback_is_one_user_with_every_role_and_a_badge(app):
    app.query_params["lang"] = "en"
    app.run()
    assert app.sidebar.caption[0].value.endswith(t("access.local_mode", "en"))
    assert [title.value for title in app.main.title] == [t("delinquency.title", "en")]
