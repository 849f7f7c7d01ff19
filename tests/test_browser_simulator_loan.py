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
