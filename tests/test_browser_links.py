"""In headless Chromium: a click on a loan of the Delinquency page's delinquent loans opens its account view (the
Today page's events, under the live feed's refreshes: tests/test_browser_today.py)."""

from __future__ import annotations

import pytest

from monitor import metrics, views
from monitor.i18n import t

from .conftest import DEMO_AS_OF
from .test_browser import (
    FINISHED,
    MAIN_TITLE,
    RUN_TIMEOUT_MS,
    _assert_healthy,
    _open,
    browser,  # noqa: F401  (a fixture)
    server,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.browser

TABLE = '[data-testid="stDataFrame"]'
ROW_HEIGHT = 35  # st.dataframe's header and rows, in pixels
CHECKBOX_X = 15  # the row-selection column


def test_clicking_a_delinquent_loan_opens_its_account(server, browser, demo_con):  # noqa: F811
    top = views.delinquency_view(demo_con, DEMO_AS_OF)["movers"]["value"][0]  # the loans listed: the top mover's
    loans = metrics.delinquent_loans(demo_con, DEMO_AS_OF, "product", top)
    context, page = _open(browser, f"{server}/?lang=en&section=segments", t("delinquency.title", "en"))
    try:
        table = page.locator(TABLE).nth(1)  # the movers first, then their delinquent loans
        table.scroll_into_view_if_needed()
        row = 2
        table.click(position={"x": CHECKBOX_X, "y": ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2})
        page.locator(MAIN_TITLE).filter(has_text=t("account.title", "en")).wait_for(timeout=RUN_TIMEOUT_MS)
        page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
        _assert_healthy(page)
        loan_id = loans["loan_id"][row]
        assert f"loan={loan_id}" in page.url and "lang=en" in page.url and f"as_of={DEMO_AS_OF}" in page.url
        assert str(loan_id) in page.inner_text('[data-testid="stMain"]')
    finally:
        context.close()
