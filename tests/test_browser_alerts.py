"""The Limits and alerts page in headless Chromium, over an evaluated copy of the demo book with a red and an amber
breach (tests/test_pages_alerts.py's book) whose message could not be delivered, in both languages: no error, the
breaches, the undelivered message and the trend chart drawn, no code or raw column name on screen, and the
Executive summary's link opening the page. Screenshots land in tests/artifacts/alerts-<lang>.png and
executive-alerts-<lang>.png for a human to look at."""

from __future__ import annotations

import pytest

from monitor.i18n import LANGUAGES, t

from .test_browser import (
    ARTIFACTS,
    MAIN_TITLE,
    RUN_TIMEOUT_MS,
    _assert_charts_drawn,
    _assert_healthy,
    _open,
    _screenshot,
    browser,  # noqa: F401  (a fixture)
    serve,
)
from .test_pages_alerts import SECRET, _copy, alerts_book, with_undelivered  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

RAW = ("dpd30_count", "dpd1_balance", "dpd30_balance", "risk_manager", "hours_since_batch", "no_batch", "None",
       "nan", "alerts_page.", "alerts.why", "last_error", "next_attempt_at", "created_at")


@pytest.fixture(scope="module")
def alerts_server(alerts_book, tmp_path_factory):  # noqa: F811 - the fixture
    """The page over a copy of the book whose red breach's message could not be delivered (a closed port)."""
    path = _copy(alerts_book["path"], tmp_path_factory.mktemp("alerts-undelivered"))
    with_undelivered(path)
    with serve(path, tmp_path_factory.mktemp("alerts-server")) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_alerts_page_in_the_browser(alerts_server, browser, lang):  # noqa: F811 - the fixture
    context, page = _open(browser, f"{alerts_server}/alerts?lang={lang}", t("alerts.title", lang))
    try:
        _assert_healthy(page)
        _assert_charts_drawn(page, 1)
        text = page.inner_text('[data-testid="stMain"]')
        assert "Red test limit" in text and "Amber test limit" in text
        assert t("alerts_page.breaches", lang) in text and t("alerts_page.history", lang) in text
        assert t("alerts_page.undelivered", lang) in text and t("alerts_page.undelivered_caption", lang) in text
        assert SECRET not in text  # (the table's cells are drawn on a canvas: tests/test_pages_alerts.py reads them)
        for raw in RAW:
            assert raw not in text, raw
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"alerts-{lang}.png")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_executive_link_opens_the_page(alerts_book, alerts_server, browser, lang):  # noqa: F811 - fixtures
    context, page = _open(browser, f"{alerts_server}/executive?lang={lang}", t("executive.title", lang))
    try:
        _assert_healthy(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"executive-alerts-{lang}.png")
        states = [state for state, _, _ in alerts_book["states"].values()]
        line = t("executive.alerts", lang, red=states.count("red"), amber=states.count("amber"))
        page.locator('[data-testid="stPageLink"]').filter(has_text=line).click()
        page.locator(MAIN_TITLE).filter(has_text=t("alerts.title", lang)).wait_for(timeout=RUN_TIMEOUT_MS)
        _assert_healthy(page)
    finally:
        context.close()
