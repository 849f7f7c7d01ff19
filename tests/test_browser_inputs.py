"""The sidebar's date as a person types it, in the real server and headless Chromium (issue 15 item 3): a date
typed into the field applies on Enter, and a click on another page in the menu made while the field still has the
typed date is not swallowed (the field's own rerun, sent a moment after the click's, used to take the app back to
the page it was on)."""

from __future__ import annotations

import pytest

from monitor.i18n import t
from ui import navigation

from .test_browser import (
    FINISHED,
    MAIN_TITLE,
    RUN_TIMEOUT_MS,
    _assert_healthy,
    _open,
    browser,  # noqa: F401 - the fixture, shared
    server,  # noqa: F401 - the fixture, shared
)

pytestmark = pytest.mark.browser

SEGMENTS = '[data-testid="stSidebar"] [data-testid="stDateInputField"] [role="spinbutton"]'  # year, month, day
MENU_LINKS = '[data-testid="stSidebarNav"] a'
APPLIED_MS = 15_000  # a typed date reaches the URL within this, or it was not applied


def _url_has(page, part: str) -> None:
    """Wait until the page's URL holds `part` (the app writes its choices there with history.replaceState)."""
    page.wait_for_function("part => window.location.search.includes(part)", arg=part, timeout=APPLIED_MS)


def _typed(page, segment: int, digits: str) -> None:
    """Type `digits` into the sidebar date's segment (0 year, 1 month, 2 day), as a person does: click, type."""
    page.locator(SEGMENTS).nth(segment).click()
    page.keyboard.type(digits, delay=50)


def test_a_typed_date_applies_on_enter(server, browser):  # noqa: F811 - the fixtures
    context, page = _open(browser, f"{server}/{navigation.url_path('executive')}?lang=en",
                          t("executive.title", "en"))
    try:
        assert "as_of=2026-11-29" in page.url
        _typed(page, 2, "15")
        page.keyboard.press("Enter")
        _url_has(page, "as_of=2026-11-15")
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        assert t("executive.caption", "en", as_of="2026-11-15") in page.inner_text('[data-testid="stMain"]')
        assert page.locator(SEGMENTS).all_inner_texts() == ["2026", "11", "15"]
        _assert_healthy(page)
    finally:
        context.close()


@pytest.mark.parametrize(("start", "target"), [("executive", "today"), ("today", "delinquency")])
def test_a_menu_click_while_the_date_has_focus_is_not_swallowed(server, browser, start, target):  # noqa: F811
    """Type a month (the field keeps the focus, the date not yet applied), then click another page in the menu: that
    page opens at the typed date, on the first click."""
    context, page = _open(browser, f"{server}/{navigation.url_path(start)}?lang=en", t(f"{start}.title", "en"))
    try:
        _typed(page, 1, "10")
        page.locator(MENU_LINKS).filter(has_text=t(f"nav.{target}", "en")).click()
        page.locator(MAIN_TITLE).filter(has_text=t(f"{target}.title", "en")).wait_for(timeout=APPLIED_MS)
        _url_has(page, "as_of=2026-10-29")
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        assert page.locator(MAIN_TITLE).filter(has_text=t(f"{target}.title", "en")).count() == 1
        _assert_healthy(page)
    finally:
        context.close()


def _menu(page, stem: str) -> None:
    """Open the page `stem` from the sidebar's menu and wait until it has run."""
    page.locator(MENU_LINKS).filter(has_text=t(f"nav.{stem}", "en")).click()
    page.locator(MAIN_TITLE).filter(has_text=t(f"{stem}.title", "en")).wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(300)  # the run has started
    page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)


@pytest.mark.parametrize("stem", ["simulator_loan", "simulator_portfolio"])
def test_a_what_if_choice_survives_a_visit_to_another_page(server, browser, stem):  # noqa: F811 - the fixtures
    """Set a choice (the loan's cure rate, typed; the portfolio's stress, clicked), open Data from the menu and come
    back: the choice is shown and in the URL."""
    context, page = _open(browser, f"{server}/{navigation.url_path(stem)}?lang=en", t(f"{stem}.title", "en"))
    try:
        if stem == "simulator_loan":
            field = (page.locator('[data-testid="stNumberInput"]')
                     .filter(has_text=t("simulator_loan.assumption.cure_rate", "en")).locator("input"))
            field.fill("12.5")
            field.press("Enter")
            chosen = "cure_rate=12.5"
        else:
            page.get_by_text(t("simulator_portfolio.preset.severe", "en"), exact=True).click()
            chosen = "stress=severe"
        _url_has(page, chosen)
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        _menu(page, "data")
        assert chosen not in page.url
        _menu(page, stem)
        _url_has(page, chosen)
        if stem == "simulator_loan":
            assert field.input_value() == "12.50"
        else:
            severe = page.get_by_role("radio", name=t("simulator_portfolio.preset.severe", "en"))
            assert severe.is_checked()
        _assert_healthy(page)
    finally:
        context.close()
