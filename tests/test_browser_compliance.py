"""The Compliance page (催收合规) in headless Chromium over the demo book, in both languages: its charts drawn, no
code on screen, the agency that pushes the rules on top of the agency table, and a click on that row listing the
actions behind it.

Screenshots land in tests/artifacts/compliance-<section>-<lang>.png for a human to look at.
"""

from __future__ import annotations

import re

import pytest

from monitor.conduct.view import SECTIONS
from monitor.i18n import LANGUAGES, t
from monitor.synth.collections import PUSHING_AGENCY

from .test_browser import (
    ARTIFACTS,
    FINISHED,
    RUN_TIMEOUT_MS,
    _assert_charts_drawn,
    _assert_healthy,
    _open,
    _screenshot,
    browser,  # noqa: F401  (a fixture)
    scored_server,  # noqa: F401  (a fixture)
)
from .test_browser_early_warning import CHECKBOX_X, MAIN_TEXT, TABLE

pytestmark = pytest.mark.browser
ROW_HEIGHT = 35
CHARTS = {"conduct": 3, "complaints": 2, "scorecard": 0}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_renders(scored_server, browser, lang, section):  # noqa: F811
    context, page = _open(browser, f"{scored_server}/compliance?lang={lang}&show={section}",
                          t("compliance.title", lang))
    try:
        _assert_healthy(page)
        _assert_charts_drawn(page, CHARTS[section])
        text = page.evaluate(MAIN_TEXT)
        assert t(f"compliance.section.{section}", lang) in text
        assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", text), text  # no code such as quiet_hours or in_house
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"compliance-{section}-{lang}.png")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pushing_agency_is_on_top_and_its_row_opens_its_actions(scored_server, browser, lang):  # noqa: F811
    context, page = _open(browser, f"{scored_server}/compliance?lang={lang}", t("compliance.title", lang))
    try:
        agencies = page.locator(TABLE).nth(1)  # by rule, then by agency
        agencies.click(position={"x": CHECKBOX_X, "y": ROW_HEIGHT + ROW_HEIGHT // 2})  # its first row
        page.wait_for_function(f"() => decodeURIComponent(location.search).includes('drill=agency:{PUSHING_AGENCY}')",
                               timeout=RUN_TIMEOUT_MS)
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        _assert_healthy(page)  # the first row was the pushing agency's: the drill names it in the URL
        assert page.locator(TABLE).count() == 4  # rules, agencies, agents, and the actions behind the choice
    finally:
        context.close()
