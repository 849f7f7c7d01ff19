"""The Early-warning page in headless Chromium over the scored demo book (tests/test_browser.py's server has no
scores): the list in both languages, a click on a row, and the CSV export.

Screenshots land in tests/artifacts/early_warning-scored-<lang>.png for a human to look at.
"""

from __future__ import annotations

import re

import pytest

from monitor import db, early_warning
from monitor.i18n import LANGUAGES, t

from .conftest import DEMO_AS_OF
from .test_browser import (
    ARTIFACTS,
    FINISHED,
    MAIN_TITLE,
    RUN_TIMEOUT_MS,
    _assert_healthy,
    _open,
    _screenshot,
    browser,  # noqa: F401  (a fixture)
    scored_server,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.browser

TABLE = '[data-testid="stDataFrame"]'
# the main block's text without Material icons, whose names (keyboard_arrow_right) are their glyphs' ligatures
MAIN_TEXT = """() => {
    const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
    main.querySelectorAll('[data-testid="stIconMaterial"]').forEach(icon => icon.remove());
    return main.textContent;
}"""
HEADER_HEIGHT = 35  # st.dataframe's header, in pixels
ROW_HEIGHT = 88  # the list's rows: pages/early_warning.py ROW_HEIGHT (four lines of text)
CHECKBOX_X = 15  # the row-selection column
# the headings of the table's columns the grid draws (glide's accessible table holds the columns in view only)
VISIBLE_HEADINGS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] th')].map(e => e.innerText)"""


@pytest.fixture(scope="module")
def expected(scored_db):
    """The package's list for the demo day: all loans, and tier E."""
    con = db.connect(scored_db, read_only=True)
    try:
        return {"all": early_warning.action_list(con, DEMO_AS_OF, {}),
                "tier_e": early_warning.action_list(con, DEMO_AS_OF, {"tier": ["E"]}),
                "customers": con.sql("SELECT phone, id_number FROM customers").pl()}
    finally:
        con.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scored_list_renders(scored_server, browser, expected, lang):  # noqa: F811
    context, page = _open(browser, f"{scored_server}/early_warning?lang={lang}", t("early_warning.title", lang))
    try:
        _assert_healthy(page)
        page.locator(TABLE).first.wait_for(timeout=RUN_TIMEOUT_MS)
        text = page.evaluate(MAIN_TEXT)
        assert f"{early_warning.matches(expected['all']):,}" in text
        assert t("early_warning.chart_title", lang) in text
        assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", text), text  # no code such as plan_offer
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"early_warning-scored-{lang}.png")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dpd_bucket_and_balance_show_without_scrolling(scored_server, browser, lang):  # noqa: F811
    """At 1440 x 900 the list's DPD, bucket and balance are in view (the grid draws the columns in view, and one
    more when the last is cut: the PD after them is there too), beside the reasons."""
    context, page = _open(browser, f"{scored_server}/early_warning?lang={lang}", t("early_warning.title", lang))
    try:
        assert page.viewport_size == {"width": 1440, "height": 900}
        page.locator(TABLE).first.scroll_into_view_if_needed()
        page.wait_for_function(f"({VISIBLE_HEADINGS})().length > 0", timeout=RUN_TIMEOUT_MS)
        visible = page.evaluate(VISIBLE_HEADINGS)
        for key in ("col.dpd", "col.bucket", "col.principal_balance", "early_warning.col_pd",
                    "early_warning.col_reasons"):
            assert t(key, lang) in visible, (key, visible)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"early_warning-list-1440-{lang}.png")
    finally:
        context.close()


def test_clicking_a_row_opens_its_account(scored_server, browser, expected):  # noqa: F811
    context, page = _open(browser, f"{scored_server}/early_warning?lang=en&tier=E", t("early_warning.title", "en"))
    try:
        row = 1  # the second row of the list
        page.locator(TABLE).first.click(position={"x": CHECKBOX_X,
                                                  "y": HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT // 2})
        page.locator(MAIN_TITLE).filter(has_text=t("account.title", "en")).wait_for(timeout=RUN_TIMEOUT_MS)
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        _assert_healthy(page)
        loan_id = expected["tier_e"]["loan_id"][row]
        assert f"loan={loan_id}" in page.url and "lang=en" in page.url
        assert str(loan_id) in page.inner_text('[data-testid="stMain"]')
    finally:
        context.close()


def test_the_export_downloads_every_filtered_row_masked(scored_server, browser, expected):  # noqa: F811
    context, page = _open(browser, f"{scored_server}/early_warning?lang=zh&tier=E",
                          t("early_warning.title", "zh"))
    try:
        with page.expect_download(timeout=RUN_TIMEOUT_MS) as download:
            page.get_by_role("button", name=t("early_warning.download", "zh")).click()
        assert download.value.suggested_filename == f"early_warning_{DEMO_AS_OF.isoformat()}.csv"
        raw = open(download.value.path(), "rb").read()
        assert raw.startswith(b"\xef\xbb\xbf")
        lines = raw.decode("utf-8-sig").splitlines()
        assert lines[0].startswith(f"{t('col.loan_id', 'zh')},{t('col.customer', 'zh')}")
        assert len(lines) == early_warning.matches(expected["tier_e"]) + 1
        body = "\n".join(lines)
        assert not any(value in body for value in (*expected["customers"]["phone"],
                                                   *expected["customers"]["id_number"]))
    finally:
        context.close()
