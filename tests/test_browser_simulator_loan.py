"""The loan-level simulator in the real server and headless Chromium, in both languages (tests/test_browser.py
opens every page too). Screenshots: tests/artifacts/simulator_loan-<lang>.png."""

from __future__ import annotations

import pytest

from monitor.i18n import LANGUAGES, t
from ui import navigation

from .test_browser import (
    ARTIFACTS,
    _assert_healthy,
    _open,
    _screenshot,
    browser,  # noqa: F401 - the fixture, shared
    serve,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(demo_db, tmp_path_factory):
    with serve(demo_db, tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_simulator_renders(demo_server, browser, lang):  # noqa: F811 - the fixture
    title = t("simulator_loan.title", lang)
    context, page = _open(browser, f"{demo_server}/{navigation.url_path('simulator_loan')}?lang={lang}", title)
    try:
        _assert_healthy(page)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() == 3
        for i in range(3):
            assert charts.nth(i).locator("svg.marks path, canvas").count() > 0
        text = page.inner_text('[data-testid="stMain"]')
        for key in ("simulator_loan.options", "simulator_loan.assumptions", "simulator_loan.params"):
            assert t(key, lang) in text
        assert "simulator_loan." not in text and "_fen" not in text
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"simulator_loan-{lang}.png")
    finally:
        context.close()
