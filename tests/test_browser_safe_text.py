"""In the real browser: a URL value holding markup renders as the characters it holds (no link, image, colour,
formula or emoji), and a page that fails shows the incident message while the server's log has the traceback."""

from __future__ import annotations

import re
import shutil
import urllib.parse

import pytest

from monitor import db
from monitor.i18n import t
from ui import safe_text

from .test_browser import _open, browser, serve  # noqa: F401

pytestmark = pytest.mark.browser

HOSTILE = ("[x](http://evil) ![](http://evil/img.png) :red[spoofed] <b>bold</b> $x^2$ :smile: :material/home: "
           "www.evil.com https://evil.com/x a@evil.cn")


def test_a_url_value_renders_as_text(demo_db, tmp_path, browser):  # noqa: F811
    query = urllib.parse.urlencode({"lang": "en", "segment": "channel", "value": HOSTILE})
    with serve(demo_db, tmp_path) as url:
        context, page = _open(browser, f"{url}/?{query}", t("delinquency.title", "en"))
        try:
            main = page.locator('[data-testid="stMain"]')
            scope = main.locator('[data-testid="stMarkdownContainer"]').filter(has_text="spoofed").first
            # every character as written (the invisible word joiners aside)
            assert f"Channel “{HOSTILE}”" in scope.inner_text().replace(safe_text.WORD_JOINER, "")
            for markup in ('a[href*="evil"]', 'img[src*="evil"]', ".katex", "b"):
                assert main.locator(markup).count() == 0, markup
            # no icon drawn from text (the page's own buttons and notices have theirs, outside any text)
            assert main.locator('[data-testid="stMarkdownContainer"] [data-testid="stIconMaterial"]').count() == 0
            assert "😄" not in main.inner_text()
        finally:
            context.close()


def test_a_failing_page_shows_the_incident_and_logs_the_traceback(demo_db, tmp_path, browser):  # noqa: F811
    path = tmp_path / "broken.duckdb"
    shutil.copyfile(demo_db, path)
    con = db.connect(path)
    try:
        db.run(con, "UPDATE settings SET value = 'ninety' WHERE key = 'charge_off_dpd'")
    finally:
        con.close()
    with serve(path, tmp_path) as url:
        context, page = _open(browser, f"{url}/?lang=en", t("delinquency.title", "en"))
        try:
            alert = page.locator('[data-testid="stAlertContentError"]')
            alert.wait_for()
            incident = re.search(r"\b[0-9a-f]{8}\b", alert.inner_text()).group()
            assert t("app.incident", "en", incident=incident) in alert.inner_text()
            body = page.inner_text("body")
            assert page.locator('[data-testid="stException"]').count() == 0
            for secret in ("Traceback", "ValueError", "ninety", ".py"):
                assert secret not in body
        finally:
            context.close()
    log = (tmp_path / "streamlit.log").read_text()
    assert f"incident {incident}: a page failed at '{url}" in log
    assert "Traceback" in log and "'ninety'" in log
