"""The Model monitoring page over a scored book, in the real server and headless Chromium (tests/test_browser.py
opens every page over the demo book, which has no model). Screenshots: tests/artifacts/model-scored-<lang>.png."""

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
    scored_server,  # noqa: F401 - the fixture, shared
)

pytestmark = pytest.mark.browser

CHARTS = 6  # ceiling, score distribution, calibration, backtest; the application score's PSI, approval by channel


@pytest.mark.parametrize("lang", LANGUAGES)
def test_model_page_renders_a_scored_book(scored_server, browser, lang):  # noqa: F811 - the fixture
    title = t("model.title", lang)
    context, page = _open(browser, f"{scored_server}/{navigation.url_path('model')}?lang={lang}", title)
    try:
        _assert_healthy(page)
        _assert_charts_drawn(page, CHARTS)
        text = page.inner_text('[data-testid="stMain"]')
        for key in ("model.live", "model.distribution", "model.stability", "model.calibration", "model.backtest",
                    "front_door.model_heading", "front_door.psi_title", "front_door.channel_title"):
            assert t(key, lang) in text
        assert t("model.retrain", lang) in text
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"model-scored-{lang}.png")
    finally:
        context.close()
