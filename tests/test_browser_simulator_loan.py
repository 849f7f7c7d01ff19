"""The loan-level simulator in the real server and headless Chromium, in both languages (tests/test_browser.py
opens every page too). Screenshots: tests/artifacts/simulator_loan-<lang>.png."""

from __future__ import annotations

import pytest

from monitor.i18n import LANGUAGES, t
from ui import navigation

from .test_browser import (
    ARTIFACTS,
    _assert_charts_drawn,
    _assert_healthy,
    _open,
    _screenshot,
    browser,  # noqa: F401 - the fixture, shared
    server,  # noqa: F401 - the fixture, shared
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_simulator_renders(server, browser, lang):  # noqa: F811 - the fixture
    title = t("simulator_loan.title", lang)
    context, page = _open(browser, f"{server}/{navigation.url_path('simulator_loan')}?lang={lang}", title)
    try:
        _assert_healthy(page)
        _assert_charts_drawn(page, 3)
        text = page.inner_text('[data-testid="stMain"]')
        for key in ("simulator_loan.options", "simulator_loan.assumptions", "simulator_loan.params"):
            assert t(key, lang) in text
        assert "simulator_loan." not in text and "_fen" not in text
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"simulator_loan-{lang}.png")
    finally:
        context.close()


def test_what_does_not_apply_is_marked_and_explained(server, browser, demo_con):  # noqa: F811 - the fixture
    """A loan in no arrears: the waiver and legal action are marked n/a in the table, and said why beneath it."""
    from monitor import day_status

    from .conftest import DEMO_AS_OF
    loan_id = int(day_status.status_as_of(demo_con, DEMO_AS_OF).filter(dpd=0)["loan_id"].min())
    url = f"{server}/{navigation.url_path('simulator_loan')}?lang=en&loan={loan_id}"
    context, page = _open(browser, url, t("simulator_loan.title", "en"))
    try:
        _assert_healthy(page)
        _assert_charts_drawn(page, 3)
        text = page.inner_text('[data-testid="stMain"]')
        assert t("simulator_loan.not_applicable_heading", "en") in text
        assert t("simulator_loan.reason.nothing_to_waive", "en") in text
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / "simulator_loan-current-en.png")
    finally:
        context.close()
