"""The portfolio simulator page in the real server and headless Chromium, over a copy of the demo book with
two saved scenarios (so the comparison draws). Screenshots: tests/artifacts/simulator_portfolio-<lang>.png."""

from __future__ import annotations

import re
import shutil
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from monitor import access, db
from monitor.i18n import LANGUAGES, t
from monitor.simulate import projection, scenarios
from ui import navigation

from .conftest import DEMO_AS_OF
from .test_browser import (
    ARTIFACTS,
    _assert_charts_drawn,
    _assert_healthy,
    _open,
    _screenshot,
    browser,  # noqa: F401 - the fixture, shared
    serve,
)

pytestmark = pytest.mark.browser

CHARTS = 8  # delinquent, states, ECL, write-offs and cash (two), matrix, backtest, comparison
LINK = {"policy_segment": "channel", "policy_value": "broker", "option": "settlement", "take_up": "50",
        "stress": "custom", "factor": "1.7", "window": "3", "months": "18", "paths": "2000", "seed": "7",
        "compare": "严重 severe"}


@pytest.fixture(scope="module")
def scenario_server(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("simulator")
    path = folder / "book.duckdb"
    shutil.copyfile(demo_db, path)
    con = db.connect(path, read_only=True)
    try:
        runs = {name: projection.simulate(con, DEMO_AS_OF, 12, stress=stress, paths=100)
                for name, stress in (("基准 baseline", 1.0), ("严重 severe", 1.5))}
    finally:
        con.close()
    for name, result in runs.items():
        scenarios.save(path, name, DEMO_AS_OF, {"stress": result["stress"], "months": 12, "policy": None},
                       result["summary"], actor=access.COMMAND_USER)
    with serve(path, folder) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_simulator_page_draws(scenario_server, browser, lang):  # noqa: F811 - the fixture
    title = t("simulator_portfolio.title", lang)
    url = f"{scenario_server}/{navigation.url_path('simulator_portfolio')}?lang={lang}"
    context, page = _open(browser, url, title)
    try:
        _assert_healthy(page)
        _assert_charts_drawn(page, CHARTS)
        text = page.inner_text('[data-testid="stMain"]')
        for key in ("builder", "saved_list", "compare_chart"):
            assert t(f"simulator_portfolio.{key}", lang) in text
        assert "MAPE" in text
        assert t("simulator_portfolio.warn.backtest_missed", lang, origin="", mape="", margin="")[:6] in text
        assert not re.search(r"\b(reinstallment|rate_cut|charge_offs|stage\d)\b", text)
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"simulator_portfolio-{lang}.png")
    finally:
        context.close()


def test_a_copied_link_opens_the_same_view(scenario_server, browser):  # noqa: F811 - the fixture
    """Every choice of the page from the URL, and the URL the page keeps is the link: opened again, the same view."""
    title = t("simulator_portfolio.title", "en")
    url = f"{scenario_server}/{navigation.url_path('simulator_portfolio')}?lang=en&{urlencode(LINK)}"
    context, page = _open(browser, url, title)
    try:
        _assert_healthy(page)
        kept = parse_qs(urlparse(page.url).query)
        assert {param: values[0] for param, values in kept.items() if param in LINK} == LINK
        text = page.inner_text('[data-testid="stMain"]')
        assert "Written off, 18 months" in text and "Settlement" in text and "50%" in text
        cards = page.locator('[data-testid="stMetric"]').all_inner_texts()
        link = page.url
    finally:
        context.close()
    context, page = _open(browser, link, title)
    try:
        assert page.locator('[data-testid="stMetric"]').all_inner_texts() == cards
    finally:
        context.close()
