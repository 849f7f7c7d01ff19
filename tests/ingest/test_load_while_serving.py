"""The dashboard keeps working while a file is loaded: a real server over a copy of the demo book, a browser that
keeps opening pages while `ingest` lands 300,000 payments; no page shows an error, the server log holds no lock
error or traceback, and afterwards the Data page lists the new batch."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from monitor.i18n import t
from tests.ingest.bigfile import write_payments
from tests.ingest.helpers import book
from tests.test_browser import FINISHED, _assert_healthy, _open, browser, serve  # noqa: F401  (browser: a fixture)

pytestmark = pytest.mark.browser
ROWS = 300_000


def test_pages_load_while_ingest_runs(demo_db, tmp_path, browser):  # noqa: F811
    path = book(demo_db, tmp_path)
    big = tmp_path / "live_payments.csv"
    write_payments(path, big, ROWS)
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_DB"}
    with serve(path, tmp_path) as url:
        context, page = _open(browser, f"{url}/data?lang=en", t("data.title", "en"))
        process = subprocess.Popen([sys.executable, "-m", "monitor", "ingest", "--db", str(path), str(big)],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        opened = 0
        while process.poll() is None or opened < 2:
            for stem, title in (("", t("nav.delinquency", "en")), ("data", t("data.title", "en"))):
                page.goto(f"{url}/{stem}?lang=en")
                page.locator('[data-testid="stMain"] h1').filter(has_text=title).wait_for(timeout=120_000)
                page.wait_for_selector(FINISHED, timeout=120_000)
                _assert_healthy(page)
                opened += 1
        out, err = process.communicate()
        assert process.returncode in (0, 1), err
        assert f"{ROWS:,} accepted" in out
        page.goto(f"{url}/data?lang=en")
        page.get_by_text(t("ingest.batches", "en")).wait_for(timeout=120_000)
        page.wait_for_selector(FINISHED, timeout=120_000)
        _assert_healthy(page)
        text = page.inner_text('[data-testid="stMain"]')      # the batch table is a canvas: read around it
        assert t("ingest.no_batches", "en") not in text
        assert t("ingest.no_quarantine", "en") in text           # shown only below a table of batches
        context.close()
    log = (tmp_path / "streamlit.log").read_text()
    assert "Traceback" not in log and "locked" not in log.lower(), log
