"""The Model monitoring page over a scored book, in the real server and headless Chromium (tests/test_browser.py
opens every page over the demo book, which has no model). Screenshots: tests/artifacts/model-scored-<lang>.png."""

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

CHARTS = 4  # ceiling, score distribution, calibration, backtest


@pytest.fixture(scope="module")
def scored_server(scored_db, tmp_path_factory):
    """A fresh Streamlit server over the scored demo book."""
    with serve(scored_db, tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_model_page_renders_a_scored_book(scored_server, browser, lang):  # noqa: F811 - the fixture
    title = t("model.title", lang)
    context, page = _open(browser, f"{scored_server}/{navigation.url_path('model')}?lang={lang}", title)
    try:
        _assert_healthy(page)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() == CHARTS
        for i in range(CHARTS):
            assert charts.nth(i).locator("svg.marks path, canvas").count() > 0
        text = page.inner_text('[data-testid="stMain"]')
        for key in ("model.live", "model.distribution", "model.stability", "model.calibration", "model.backtest"):
            assert t(key, lang) in text
        assert t("model.retrain", lang) in text
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"model-scored-{lang}.png")
    finally:
        context.close()
