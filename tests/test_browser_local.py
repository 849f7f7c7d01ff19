"""No request leaves the machine (issue 15 item 5): every page, in both languages, loads all it asks for (scripts,
fonts, the favicon, media) from the app's own server. A favicon from a font CDN (what Streamlit asks for when a
page's icon is a Material icon) is unreachable in mainland China and tells a third party who opens the app."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from monitor.i18n import LANGUAGES, t
from ui import navigation

from .test_browser import (
    FINISHED,
    LOADING,
    MAIN_TITLE,
    PAGE_STEMS,
    RUN_TIMEOUT_MS,
    VIEWPORT,
    browser,  # noqa: F401 - the fixture, shared
    server,  # noqa: F401 - the fixture, shared
)

pytestmark = pytest.mark.browser


NAV_LINKS = '[data-testid="stSidebarNavLink"]'


def _settled(page, title: str) -> str:
    """Wait until the page titled `title` has run to its end and the network is quiet; the favicon it shows."""
    page.locator(MAIN_TITLE).filter(has_text=title).wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(LOADING, state="detached", timeout=RUN_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=RUN_TIMEOUT_MS)
    return page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")


def requests_of(browser, url: str, title: str, then: tuple[str, str] | None = None) -> tuple[list[str], str]:  # noqa: F811
    """Every URL the page at `url` asks for until it has run to its end (titled `title`) and settled, and the
    favicon it shows; with `then` (a menu label, a page title), after a click on that menu entry too. A request to
    another host is answered with an error here, so that the test never waits on the network."""
    context = browser.new_context(viewport=VIEWPORT)
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    local = urlsplit(url).netloc
    context.route(lambda target: urlsplit(target).scheme in ("http", "https") and urlsplit(target).netloc != local,
                  lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(url)
        icon = _settled(page, title)
        if then is not None:
            page.locator(NAV_LINKS).filter(has_text=then[0]).click()
            icon = _settled(page, then[1])
        return asked, icon
    finally:
        context.close()


def elsewhere(urls: list[str], server_url: str) -> list[str]:
    """The URLs of `urls` that go to a host other than the server's (data: and blob: URLs go nowhere)."""
    local = urlsplit(server_url).netloc
    return [url for url in urls if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != local]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", PAGE_STEMS)
def test_no_request_leaves_the_server(server, browser, stem, lang):  # noqa: F811 - the fixtures
    asked, icon = requests_of(browser, f"{server}/{navigation.url_path(stem)}?lang={lang}", t(f"{stem}.title", lang))
    assert asked  # the page was recorded loading
    assert elsewhere(asked, server) == []
    assert icon.startswith(f"{server}/media/"), icon  # the app's own icon, served by the app
    assert icon in asked


def test_a_click_in_the_menu_keeps_the_icon(server, browser):  # noqa: F811 - the fixtures
    """Streamlit sets the favicon from the page's menu icon on each navigation unless the app set its own."""
    asked, icon = requests_of(browser, f"{server}/{navigation.url_path('delinquency')}?lang=en",
                              t("delinquency.title", "en"), then=(t("nav.data", "en"), t("data.title", "en")))
    assert elsewhere(asked, server) == []
    assert icon.startswith(f"{server}/media/"), icon


def test_elsewhere_tells_a_cdn_from_the_server():
    local = "http://127.0.0.1:8501"
    assert elsewhere([f"{local}/static/x.js", "data:image/svg+xml,<svg/>", "blob:http://127.0.0.1:8501/1",
                      "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/monitoring/default/"
                      "24px.svg", "http://127.0.0.1:9999/"], local) == [
        "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/monitoring/default/24px.svg",
        "http://127.0.0.1:9999/"]
