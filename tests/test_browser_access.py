"""Sign-in for real (issue 14): a Streamlit server configured with [auth] for a local OpenID Connect provider
(tests/oidc.py), driven in headless Chromium. Per role: the menu lists exactly the pages monitor.access grants, every
other page opened by its URL shows "no access" and nothing else, and the audit log has the sign-in and each refusal.
Then: roles from the users table, a user with no role, sign-out, the refusal to serve on a public address without
[auth], local mode's badge, and a tampered audit row caught by `python -m monitor audit verify`.

Screenshots land in tests/artifacts/access-*.png for a human to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from monitor import access, access_store, users
from monitor.i18n import t
from tests import oidc
from tests.test_browser import (  # noqa: F401 (browser: a fixture)
    ARTIFACTS,
    FINISHED,
    LOADING,
    ROOT,
    RUN_TIMEOUT_MS,
    VIEWPORT,
    _free_port,
    _screenshot,
    browser,
    serve,
)
from ui import navigation
from ui.auth import role_names

# The provider (oidc-provider-mock) still calls Authlib's deprecated JOSE API: its warnings are not ours to fix.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*deprecated:DeprecationWarning")]

STEMS = [stem for stem, _ in navigation.PAGES]
MAIN = '[data-testid="stMain"]'
NAV_LINKS = '[data-testid="stSidebarNavLink"]'
# What a page shows when it loaded data: any of these in the main area (or the sidebar's as-of date) is a leak.
DATA_ELEMENTS = ('[data-testid="stDataFrame"]', '[data-testid="stTable"]', '[data-testid="stVegaLiteChart"]',
                 '[data-testid="stMetric"]', '[data-testid="stDownloadButton"]', '[data-testid="stDateInput"]')
SIGN_IN_TITLE = t("access.sign_in_title", "en")
REMOTE = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")  # the provider's page asks a CDN for its CSS


def _actor(email: str, roles) -> access.Actor:
    return access.Actor(subject=email, email=email, roles=frozenset(roles))


def _expected_menu(actor: access.Actor) -> set[str]:
    """The URL paths of the pages `actor` may open ('' for their default page)."""
    return {navigation.url_path(stem, actor) for stem in STEMS if access.may_open(actor, stem)}


@pytest.fixture(scope="module")
def book(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo book whose users table grants oidc.TABLE_USER oidc.TABLE_ROLES."""
    path = tmp_path_factory.mktemp("access-book") / "book.duckdb"
    shutil.copyfile(demo_db, path)
    con = access_store.connect(path)
    try:
        users.set_roles(con, access.COMMAND_USER, oidc.TABLE_USER, oidc.TABLE_ROLES)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def idp():
    """The local OpenID Connect provider's base URL."""
    with oidc.provider() as url:
        yield url


@pytest.fixture(scope="module")
def oidc_server(book, idp, tmp_path_factory):
    """A Streamlit server over `book` whose secrets.toml (given by --secrets.files) has [auth] for `idp`."""
    directory = tmp_path_factory.mktemp("oidc-server")
    port = _free_port()
    secrets = oidc.write_secrets(directory / "secrets.toml", idp, port)
    with serve(book, directory, port=port, args=("--secrets.files", str(secrets))) as url:
        yield url


def _context(browser):  # noqa: F811
    context = browser.new_context(locale="en-US", viewport=VIEWPORT)
    context.route(REMOTE, lambda route: route.abort())
    return context


def _settle(page) -> None:
    page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(LOADING, state="detached", timeout=RUN_TIMEOUT_MS)


def _sign_in_screen(page) -> None:
    page.locator(f"{MAIN} h1").filter(has_text=SIGN_IN_TITLE).wait_for(timeout=RUN_TIMEOUT_MS)
    _settle(page)


def _sign_in(browser, url: str, idp: str, email: str):  # noqa: F811
    """A new browser context signed in as `email` through the provider's page; returns (context, page), the page
    on the user's default page, run to its end."""
    context = _context(browser)
    page = context.new_page()
    page.goto(url)
    _sign_in_screen(page)
    page.get_by_role("button", name=t("access.sign_in", "en"), exact=True).click()
    page.wait_for_url(f"{idp}/oauth2/authorize**", timeout=RUN_TIMEOUT_MS)
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(f"{url}/**", timeout=RUN_TIMEOUT_MS)
    page.locator('[data-testid="stSidebar"]').filter(has_text=email).wait_for(timeout=RUN_TIMEOUT_MS)
    _settle(page)
    return context, page


def _menu(page, url: str) -> set[str]:
    """The URL paths the sidebar's menu links to ('' for the root)."""
    hrefs = page.locator(NAV_LINKS).evaluate_all("links => links.map(link => link.getAttribute('href'))")
    return {href.removeprefix(url).strip("/") for href in hrefs}


def _assert_only_message(page, message: str) -> None:
    """The main area shows `message` and nothing else; no data element anywhere on the page."""
    assert page.inner_text(MAIN).strip() == message
    for selector in DATA_ELEMENTS:
        assert page.locator(selector).count() == 0, selector


def _open_refused(page, url: str, stem: str, message: str) -> None:
    page.goto(f"{url}/{stem}")
    page.locator(MAIN).filter(has_text=message).wait_for(timeout=RUN_TIMEOUT_MS)
    _settle(page)
    _assert_only_message(page, message)


def _audit_rows(book: Path, email: str) -> list[tuple[str, str, str | None]]:
    """(action, role, object) of `email`'s audit rows, in order. Read from a copy of the access file, so that the
    server's own brief writes never wait on the test (and a copy caught mid-write is simply taken again)."""
    source = access_store.path_for(book)
    copy = source.with_name("audit-read.duckdb")
    deadline = time.monotonic() + 20
    while True:
        shutil.copyfile(source, copy)
        try:
            with duckdb.connect(str(copy), read_only=True) as con:
                return con.execute("SELECT action, role, object FROM audit_log WHERE who = ? ORDER BY seq",
                                   [email]).fetchall()
        except duckdb.Error:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
        finally:
            copy.unlink()


@pytest.mark.parametrize("role", access.ROLES)
def test_each_role_sees_its_pages_and_is_refused_the_others(oidc_server, idp, book, browser, role):  # noqa: F811
    email = oidc.ROLE_USERS[role]
    actor = _actor(email, {role})
    before = len(_audit_rows(book, email))
    context, page = _sign_in(browser, oidc_server, idp, email)
    try:
        sidebar = page.inner_text('[data-testid="stSidebar"]')
        assert t("access.signed_in_as", "en", who=email, roles=t(f"role.{role}", "en")) in sidebar
        assert _menu(page, oidc_server) == _expected_menu(actor)

        refused = [stem for stem in STEMS if not access.may_open(actor, stem)]
        assert refused, "every role is refused some page"
        message = t("access.no_access", "en", roles=role_names(access.PAGE_ROLES[refused[0]], "en"))
        for stem in refused:
            _open_refused(page, oidc_server, stem,
                          t("access.no_access", "en", roles=role_names(access.PAGE_ROLES[stem], "en")))
        if role == "executive":
            ARTIFACTS.mkdir(exist_ok=True)
            _open_refused(page, oidc_server, refused[0], message)
            _screenshot(page, ARTIFACTS / "access-no-access.png")
    finally:
        context.close()

    rows = _audit_rows(book, email)[before:]
    # One sign-in, however many pages the user then opened by URL (each a new browser session on the same login).
    assert [row for row in rows if row[0] == "sign_in"] == [("sign_in", role, None)]
    assert {row for row in rows if row[0] == "denied"} == {("denied", role, stem) for stem in refused}
    assert {row[1] for row in rows} == {role}  # the groups that are no role of ours ("vpn-users") are ignored


@pytest.mark.parametrize("role", ["collections", "executive"])
def test_what_a_role_does_is_in_the_audit_log(oidc_server, idp, book, browser, role):  # noqa: F811
    """Signed in for real, a collector opens an account and an executive downloads the report: each lands in the
    audit log under that user and role (the other actions' rows: tests/test_write_checks.py, test_pages_pii.py,
    test_exports_audited.py, test_admin.py)."""
    email = oidc.ROLE_USERS[role]
    before = len(_audit_rows(book, email))
    context, page = _sign_in(browser, oidc_server, idp, email)
    try:
        stem = "account" if role == "collections" else "executive"
        page.goto(f"{oidc_server}/{stem}")
        page.locator(f"{MAIN} h1").filter(has_text=t(f"{stem}.title", "en")).wait_for(timeout=RUN_TIMEOUT_MS)
        _settle(page)
        if role == "executive":
            with page.expect_download(timeout=RUN_TIMEOUT_MS) as download:
                page.get_by_role("button", name=t("executive.download", "en"), exact=True).click()
            assert download.value.suggested_filename.endswith(".html")
            _settle(page)
    finally:
        context.close()
    rows = _audit_rows(book, email)[before:]
    expected = ("view_account", "collections") if role == "collections" else ("export", "executive")
    assert expected in [row[:2] for row in rows], rows


def test_a_user_without_groups_gets_the_roles_of_the_users_table(oidc_server, idp, book, browser):  # noqa: F811
    actor = _actor(oidc.TABLE_USER, oidc.TABLE_ROLES)
    context, page = _sign_in(browser, oidc_server, idp, oidc.TABLE_USER)
    try:
        assert _menu(page, oidc_server) == _expected_menu(actor)
        assert t("access.signed_in_as", "en", who=oidc.TABLE_USER,
                 roles=role_names(oidc.TABLE_ROLES, "en")) in page.inner_text('[data-testid="stSidebar"]')
    finally:
        context.close()
    assert ("sign_in", "executive,collections", None) in _audit_rows(book, oidc.TABLE_USER)


def test_a_user_with_no_role_sees_only_the_no_role_message(oidc_server, idp, book, browser):  # noqa: F811
    message = t("access.no_roles", "en", who=oidc.NO_ROLE_USER)
    context, page = _sign_in(browser, oidc_server, idp, oidc.NO_ROLE_USER)
    try:
        assert _menu(page, oidc_server) == set()
        _assert_only_message(page, message)
        for stem in ("account", "data"):
            _open_refused(page, oidc_server, stem, message)
    finally:
        context.close()
    rows = _audit_rows(book, oidc.NO_ROLE_USER)
    assert ("sign_in", "", None) in rows
    assert {"account", "data"} <= {obj for action, _, obj in rows if action == "denied"}


def test_sign_out_is_audited_and_returns_to_the_sign_in_screen(oidc_server, idp, book, browser):  # noqa: F811
    email = oidc.ROLE_USERS["risk_manager"]
    before = len(_audit_rows(book, email))
    context, page = _sign_in(browser, oidc_server, idp, email)
    try:
        page.get_by_role("button", name=t("access.sign_out", "en"), exact=True).click()
        # The provider's end-session page (Streamlit sends the browser there when the provider has one), then back.
        page.wait_for_url(f"{idp}/oauth2/end_session**", timeout=RUN_TIMEOUT_MS)
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{oidc_server}/**", timeout=RUN_TIMEOUT_MS)
        _sign_in_screen(page)
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / "access-sign-in.png")
        page.goto(f"{oidc_server}/account")  # the identity cookie is gone: a page by URL asks to sign in again
        _sign_in_screen(page)
        assert page.locator(NAV_LINKS).count() == 0
        for selector in DATA_ELEMENTS:
            assert page.locator(selector).count() == 0, selector
    finally:
        context.close()
    actions = [action for action, _, _ in _audit_rows(book, email)[before:]]
    assert actions == ["sign_in", "sign_out"]


def test_a_public_address_without_auth_refuses_to_serve(demo_db, browser, tmp_path):  # noqa: F811
    port = _free_port()
    with serve(demo_db, tmp_path, port=port, address="0.0.0.0") as url:
        context = _context(browser)
        try:
            page = context.new_page()
            page.goto(url)
            message = t("access.refuse_unauthenticated", "en", address="0.0.0.0")
            page.locator(MAIN).filter(has_text=message).wait_for(timeout=RUN_TIMEOUT_MS)
            _settle(page)
            _assert_only_message(page, message)
            assert page.locator(NAV_LINKS).count() == 0
            page.goto(f"{url}/account")
            page.locator(MAIN).filter(has_text=message).wait_for(timeout=RUN_TIMEOUT_MS)
            _settle(page)
            _assert_only_message(page, message)
        finally:
            context.close()
    assert "refusing to serve" in (tmp_path / "streamlit.log").read_text()


def test_local_mode_shows_its_badge(demo_db, browser, tmp_path):  # noqa: F811
    with serve(demo_db, tmp_path) as url:
        context = _context(browser)
        try:
            page = context.new_page()
            page.goto(url)
            badge = page.locator('[data-testid="stSidebar"]').filter(has_text=t("access.local_mode", "en"))
            badge.wait_for(timeout=RUN_TIMEOUT_MS)
            _settle(page)
            assert _menu(page, url) == _expected_menu(access.LOCAL_USER)
            assert page.get_by_role("button", name=t("access.sign_out", "en")).count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / "access-local-mode.png")  # the viewport: the badge at its real size
        finally:
            context.close()


def _verify(book: Path) -> subprocess.CompletedProcess:
    """`python -m monitor audit verify --db BOOK` (it checks the access file beside BOOK)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env.pop("MONITOR_ACCESS_DB", None)
    return subprocess.run([sys.executable, "-m", "monitor", "audit", "verify", "--db", str(book)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_tampered_audit_row_is_detected(oidc_server, idp, book, browser, tmp_path):  # noqa: F811
    """After a real sign-in and refusal, the access file's chain holds; changing one row (here: a refusal made to
    read as another page) makes `audit verify` exit 1 and name that row."""
    email = oidc.ROLE_USERS["data_steward"]
    context, page = _sign_in(browser, oidc_server, idp, email)
    try:
        _open_refused(page, oidc_server, "executive",
                      t("access.no_access", "en", roles=role_names(access.PAGE_ROLES["executive"], "en")))
    finally:
        context.close()
    _audit_rows(book, email)  # waits until the access file can be read whole
    copy_book = tmp_path / "copy.duckdb"  # the command checks the book is there; it reads only the access file
    shutil.copyfile(book, copy_book)
    copy = access_store.path_for(copy_book)
    shutil.copyfile(access_store.path_for(book), copy)
    intact = _verify(copy_book)
    assert intact.returncode == 0, intact.stdout + intact.stderr

    con = duckdb.connect(str(copy))
    try:
        (seq,) = con.execute("SELECT max(seq) FROM audit_log WHERE who = ? AND action = 'denied'", [email]).fetchone()
        con.execute("UPDATE audit_log SET object = 'delinquency' WHERE seq = ?", [seq])
    finally:
        con.close()
    tampered = _verify(copy_book)
    assert tampered.returncode == 1
    output = tampered.stdout + tampered.stderr
    assert f"row {seq} was changed" in output, output
