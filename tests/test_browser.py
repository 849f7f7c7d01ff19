"""The real server in headless Chromium: every page in both languages, opened at its own URL, at a laptop's
1440x900 viewport.

Screenshots land in tests/artifacts/<page>-<lang>.png for a human to look at.
"""

from __future__ import annotations

import importlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

from monitor.i18n import LANGUAGES, t
from ui import navigation

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGE_STEMS = [stem for stem, _ in navigation.PAGES]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
STARTUP_SECONDS = 60
RUN_TIMEOUT_MS = 60_000
FINISHED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
LOADING = '[data-testid="stSkeleton"]'  # an element whose code the browser is still fetching
VIEWPORT = {"width": 1440, "height": 900}
MAIN_TITLE = '[data-testid="stMain"] h1'  # the page's title (the sidebar's h1 is the app's: 逾期监控 too)
KPI_CARDS = '.st-key-kpi-cards [data-testid="stMetric"]'  # the executive summary's KPI cards


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {STARTUP_SECONDS} s")


@contextmanager
def serve(db_path: Path, log_dir: Path, *, port: int | None = None, address: str = "127.0.0.1",
          args: tuple[str, ...] = ()):
    """A fresh Streamlit server over the database at `db_path`, bound to `address` (answering on 127.0.0.1 either
    way), with more command-line `args`, stopped on exit; yields its URL. Without a --secrets.files among `args`
    the server reads no secrets file (local mode, whatever the developer's own .streamlit/secrets.toml holds)."""
    port = port or _free_port()
    if "--secrets.files" not in args:
        args = (*args, "--secrets.files", str(log_dir / "no-secrets.toml"))
    env = {**os.environ, "MONITOR_DB": str(db_path)}
    with (log_dir / "streamlit.log").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", address, "--server.headless", "true", *args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """A fresh Streamlit server over the demo book."""
    with serve(demo_db, tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="module")
def scored_server(scored_db, tmp_path_factory):
    """A fresh Streamlit server over the scored demo book (trained and scored: the pages of issue 4 in full)."""
    with serve(scored_db, tmp_path_factory.mktemp("scored-server")) as url:
        yield url


def _unavailable(reason: str) -> NoReturn:
    """Fail in CI (CI=true, set by the runner; `make test` installs the browser there), so that a run which never
    opened a page cannot pass; skip on a developer's machine without the browser."""
    if os.environ.get("CI", "").strip().lower() in {"true", "1"}:
        pytest.fail(f"{reason}: the browser tests cannot run in CI", pytrace=False)
    pytest.skip(reason)


def browser_api():
    """playwright.sync_api, once playwright and Debian's Chromium are both there."""
    try:
        sync_api = importlib.import_module("playwright.sync_api")
    except ImportError:
        _unavailable("playwright is not installed (make venv)")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed (make browser)")
    return sync_api


@pytest.fixture(scope="module")
def browser():
    sync_api = browser_api()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser, url: str, title: str, locale: str = "en-US"):
    """Open `url` and wait until the page titled `title` has run to its end and every element and chart
    has drawn. The title first: before the first run starts, the app already reads as not running."""
    context = browser.new_context(locale=locale, viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    page.locator(MAIN_TITLE).filter(has_text=title).wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(LOADING, state="detached", timeout=RUN_TIMEOUT_MS)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator("svg.marks, canvas").first.wait_for(timeout=RUN_TIMEOUT_MS)
    return context, page


def _screenshot(page, path: Path) -> None:
    """The whole page. Streamlit scrolls inside its main block, so grow the viewport to its height first."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": max(height, 600)})
    page.wait_for_timeout(500)  # let the page lay out at the new size
    page.screenshot(path=path, full_page=True)


def _assert_charts_drawn(page, count: int) -> None:
    """The page holds `count` charts, each with marks drawn (an empty chart is a bug)."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == count
    for i in range(count):
        assert charts.nth(i).locator("svg.marks path, canvas").count() > 0


def _assert_healthy(page) -> None:
    text = page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0, text
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, text
    assert "Traceback" not in text
    assert "Page not found" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", PAGE_STEMS)
def test_page_renders(server, browser, stem, lang):
    title = t(f"{stem}.title", lang)
    context, page = _open(browser, f"{server}/{navigation.url_path(stem)}?lang={lang}", title)
    try:
        _assert_healthy(page)
        assert page.locator(MAIN_TITLE).filter(has_text=title).count() == 1
        assert t("app.title", lang) in page.inner_text('[data-testid="stSidebar"]')
        assert page.title() == f"{t(f'nav.{stem}', lang)} · {t('app.title', lang)}"  # the tab names the page
        assert page.evaluate("document.documentElement.lang") == {"zh": "zh-CN", "en": "en"}[lang]
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, ARTIFACTS / f"{stem}-{lang}.png")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_executive_kpis_are_above_the_fold(server, browser, lang):
    """An executive reads every KPI card on one 1440x900 screen, without scrolling."""
    url = f"{server}/{navigation.url_path('executive')}?lang={lang}"
    context, page = _open(browser, url, t("executive.title", lang))
    try:
        cards = page.locator(KPI_CARDS)
        assert cards.count() == 7
        labels = cards.all_inner_texts()
        for kpi in ("active_balance", "rate_30", "ecl"):
            assert any(t(f"kpi.{kpi}", lang) in text for text in labels), labels
        for i in range(cards.count()):
            box = cards.nth(i).bounding_box()
            assert box is not None and box["width"] > 0
            assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], (labels[i], box)
            assert box["x"] + box["width"] <= VIEWPORT["width"], (labels[i], box)
    finally:
        context.close()


def test_a_delinquency_link_restores_its_view(server, browser):
    """A copied link (segment, value, measure, section) opens the same view, and the URL keeps it."""
    query = "lang=en&segment=channel&value=broker&measure=count&section=segments&movers=city_tier"
    context, page = _open(browser, f"{server}/{navigation.url_path('delinquency')}?{query}",
                          t("delinquency.title", "en"))
    try:
        _assert_healthy(page)
        text = page.inner_text('[data-testid="stMain"]')
        assert "Channel “Broker”" in text
        assert t("measure.count", "en") in text
        assert t("delinquency.movers", "en") in text and t("delinquency.trend", "en") not in text
        for part in query.split("&"):
            assert part in page.url, page.url
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "money_unit"), [("zh", "万"), ("en", "M")])
def test_bucket_chart_labels_read_as_yuan(server, browser, lang, money_unit):
    """The balance labels, Vega expressions in the spec, as the browser draws them: ¥820.1万 / ¥8.2M."""
    url = f"{server}/{navigation.url_path('data')}?lang={lang}"
    context, page = _open(browser, url, t("data.title", lang))
    try:
        labels = page.locator('[data-testid="stVegaLiteChart"]').nth(1).inner_text()  # the balance chart
        assert re.search(rf"¥[\d,.]+{money_unit}", labels), labels
    finally:
        context.close()


@pytest.mark.parametrize(("locale", "lang"), [("zh-CN", "zh"), ("en-US", "en")])
def test_language_follows_the_browser(server, browser, locale, lang):
    context, page = _open(browser, server, t(f"{PAGE_STEMS[0]}.title", lang), locale=locale)
    try:
        _assert_healthy(page)
        assert f"lang={lang}" in page.url
    finally:
        context.close()
