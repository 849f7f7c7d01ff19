"""The credit-policy page (授信策略) in headless Chromium over the demo book with its application scorecard, in both
languages, today's policy and a link with tighter cut-offs: the frontier drawn, no code on screen, the backtest's
table there.

Screenshots land in tests/artifacts/credit_policy-<view>-<lang>.png for a human to look at.
"""

from __future__ import annotations

import re

import pytest

from monitor.i18n import LANGUAGES, t

from .test_browser import (
    ARTIFACTS,
    _assert_charts_drawn,
    _assert_healthy,
    _open,
    _screenshot,
    browser,  # noqa: F401  (a fixture)
    serve,
)
from .test_browser_early_warning import MAIN_TEXT

pytestmark = pytest.mark.browser
TIGHTER = "cut_broker_cash_loan=620&cut_social_ads_cash_loan=600"


@pytest.fixture(scope="module")
def policy_server(application_scored_db, tmp_path_factory):
    with serve(application_scored_db, tmp_path_factory.mktemp("policy-server")) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("view", "query"), [("today", ""), ("tighter", TIGHTER)])
def test_the_page_renders(policy_server, browser, lang, view, query):  # noqa: F811
    context, page = _open(browser, f"{policy_server}/credit_policy?lang={lang}&{query}",
                          t("credit_policy.title", lang))
    try:
        _assert_healthy(page)
        _assert_charts_drawn(page, 1)
        text = page.evaluate(MAIN_TEXT)
        assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", text), text  # no code such as cash_loan or swap_out
        assert t("credit_policy.backtest", lang) in text
        # today's policy too would have declined some of what was booked: overrides, and loans of the older policy
        assert page.locator('[data-testid="stDataFrame"]').count() == 3  # figures, by channel, backtest
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"credit_policy-{view}-{lang}.png")
    finally:
        context.close()
