"""The Collections worklists page in headless Chromium over the scored demo book: both languages with the cure
curve drawn, and a click on a row of the first list opening the account view.

Screenshots land in tests/artifacts/collections-scored-<lang>.png for a human to look at.
"""

from __future__ import annotations

import re

import pytest

from monitor import db, worklists
from monitor.i18n import LANGUAGES, t

from .conftest import DEMO_AS_OF
from .test_browser import (
    ARTIFACTS,
    FINISHED,
    MAIN_TITLE,
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
ROW_HEIGHT = 35  # Streamlit's default row (and header) height, which the worklists keep


@pytest.fixture(scope="module")
def expected(scored_db):
    con = db.connect(scored_db, read_only=True)
    try:
        return {name: worklists.worklist(con, name, DEMO_AS_OF) for name in worklists.LISTS}
    finally:
        con.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_worklists_and_the_cure_curve_render(scored_server, browser, expected, lang):  # noqa: F811
    context, page = _open(browser, f"{scored_server}/collections?lang={lang}", t("collections.title", lang))
    try:
        _assert_healthy(page)
        page.locator(TABLE).first.wait_for(timeout=RUN_TIMEOUT_MS)
        _assert_charts_drawn(page, 1)
        text = page.evaluate(MAIN_TEXT)
        for name in worklists.LISTS:
            assert t(f"collections.tab_{name}", lang, count=f"{expected[name].height:,}") in text
        assert t("collections.cure_title", lang) in text
        assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", text), text  # no code such as not_scored
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"collections-scored-{lang}.png")
    finally:
        context.close()


def test_clicking_a_row_opens_its_account(scored_server, browser, expected):  # noqa: F811
    context, page = _open(browser, f"{scored_server}/collections?lang=en", t("collections.title", "en"))
    try:
        row = 1  # the second row of the first list, promises due today
        page.locator(TABLE).first.click(position={"x": CHECKBOX_X, "y": ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2})
        page.locator(MAIN_TITLE).filter(has_text=t("account.title", "en")).wait_for(timeout=RUN_TIMEOUT_MS)
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        _assert_healthy(page)
        loan_id = expected["due_today"]["loan_id"][row]
        assert f"loan={loan_id}" in page.url and "lang=en" in page.url
        assert str(loan_id) in page.inner_text('[data-testid="stMain"]')
    finally:
        context.close()
