"""The Today page in headless Chromium while the live feed writes: it refreshes itself, choices survive."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from monitor.i18n import LANGUAGES, t
from ui import navigation

from .test_browser import ARTIFACTS, FINISHED, ROOT, RUN_TIMEOUT_MS, _assert_healthy, _open, _screenshot, browser, serve  # noqa: F401

pytestmark = pytest.mark.browser
REFRESH_WAIT_MS = 15_000


@pytest.fixture(scope="module")
def live_server(demo_db, tmp_path_factory):
    """A server over a copy of the demo book, with the feed writing 40 events a second into it."""
    folder = tmp_path_factory.mktemp("live")
    path = folder / "live.duckdb"
    shutil.copyfile(demo_db, path)
    feed = subprocess.Popen([sys.executable, "-m", "monitor", "feed", "--db", str(path), "--rate", "40"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with serve(path, folder) as url:
            yield url
    finally:
        feed.send_signal(signal.SIGTERM)
        _, err = feed.communicate(timeout=60)
        assert feed.returncode == 0, err[-2000:]


def _payments(page, lang: str) -> int:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=t("today.payments", lang)).first
    return int(re.sub(r"\D", "", card.locator('[data-testid="stMetricValue"]').inner_text()))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_follows_the_feed(live_server, browser, lang):  # noqa: F811
    url = f"{live_server}/{navigation.url_path('today')}?lang={lang}"
    context, page = _open(browser, url, t("today.title", lang))
    try:
        _assert_healthy(page)
        # the user's choices: rates by balance, the new loans' table
        for _ in range(3):  # a click landing while the fragment reruns may be lost: try again
            page.get_by_text(t("measure.balance", lang), exact=True).click()
            try:
                page.wait_for_url(re.compile(r"measure=balance"), timeout=5_000)
                break
            except PlaywrightTimeout:
                continue
        # one try: the selectbox sits outside the refreshing fragments, so a refresh cannot close it or drop the pick.
        # As a person does, once the run the radio started has ended, and Enter once the typed choice is listed
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        page.locator('[data-testid="stSelectbox"] input').click()
        page.keyboard.type(t("today.kind.loans", lang))
        page.get_by_role("option", name=t("today.kind.loans", lang)).wait_for(timeout=RUN_TIMEOUT_MS)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"events=loans"), timeout=RUN_TIMEOUT_MS)
        first = _payments(page, lang)
        page.wait_for_function(
            """([label, first]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => m.innerText.includes(label) && parseInt(
                     m.querySelector('[data-testid="stMetricValue"]').innerText.replace(/\\D/g, '')) > first)""",
            arg=[t("today.payments", lang), first], timeout=REFRESH_WAIT_MS)
        assert _payments(page, lang) > first
        shown = page.locator('[data-testid="stSelectbox"]').evaluate(
            "e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value + ' ' + "
            "(i.getAttribute('aria-label') || '')).join(' ')")
        assert t("today.kind.loans", lang) in shown, shown
        checked = page.locator('[data-testid="stMain"] [data-testid="stRadio"] input:checked').first
        assert checked.evaluate("e => e.closest('label').innerText") == t("measure.balance", lang)
        assert "events=loans" in page.url and "measure=balance" in page.url
        _assert_healthy(page)
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"today-{lang}.png")
    finally:
        context.close()


# the loan ID of the first row as the grid draws it (glide's accessible table), and the table's row geometry
FIRST_LOAN = """() => {
    const cell = document.querySelector('[data-testid="stDataFrame"] tbody tr td[aria-colindex="2"]');
    return cell ? cell.innerText : null;
}"""
FIRST_PAID_AT = """() => {
    const cell = document.querySelector('[data-testid="stDataFrame"] tbody tr td[aria-colindex="1"]');
    return cell ? cell.innerText : null;
}"""  # the time of the newest payment drawn: "2026-12-05 10:31:07"
ROW_HEIGHT, CHECKBOX_X = 35, 15


def test_a_click_on_an_event_opens_the_loan_clicked_while_the_feed_writes(live_server, browser):  # noqa: F811
    """While the feed writes, the events table keeps its rows (it is drawn on the user's demand only; a button says
    how many events came since), so a click on the first row opens the loan that row showed; the button then shows
    the newer events."""
    context, page = _open(browser, f"{live_server}/{navigation.url_path('today')}?lang=en", t("today.title", "en"))
    try:
        table = page.locator('[data-testid="stDataFrame"]').first
        table.scroll_into_view_if_needed()
        page.wait_for_function(f"({FIRST_LOAN})() !== null", timeout=REFRESH_WAIT_MS)
        before = page.evaluate(FIRST_LOAN)
        newer = page.get_by_role("button", name=re.compile(r"newer events?: show"))
        newer.wait_for(timeout=REFRESH_WAIT_MS)  # the feed wrote since, and the rows stayed
        assert page.evaluate(FIRST_LOAN) == before
        table.click(position={"x": CHECKBOX_X, "y": ROW_HEIGHT + ROW_HEIGHT // 2})
        page.locator('[data-testid="stMain"] h1').filter(has_text=t("account.title", "en")).wait_for(
            timeout=REFRESH_WAIT_MS)
        assert f"loan={before}" in page.url, (before, page.url)
        _assert_healthy(page)
    finally:
        context.close()


def test_the_newer_events_button_draws_them(live_server, browser):  # noqa: F811
    context, page = _open(browser, f"{live_server}/{navigation.url_path('today')}?lang=en", t("today.title", "en"))
    try:
        page.locator('[data-testid="stDataFrame"]').first.scroll_into_view_if_needed()
        page.wait_for_function(f"({FIRST_LOAN})() !== null", timeout=REFRESH_WAIT_MS)
        first = page.evaluate(FIRST_PAID_AT)
        page.get_by_role("button", name=re.compile(r"newer events?: show")).click(timeout=REFRESH_WAIT_MS)
        page.wait_for_function(f"(first) => ({FIRST_PAID_AT})() > first", arg=first, timeout=REFRESH_WAIT_MS)
        _assert_healthy(page)
    finally:
        context.close()
