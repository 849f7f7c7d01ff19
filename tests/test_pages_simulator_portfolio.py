"""The portfolio simulator page through AppTest: both languages, no errors, no raw codes; a scenario saved,
listed and compared on a copy of the demo book."""

from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from monitor import db
from monitor.i18n import LANGUAGES, t
from monitor.simulate import scenarios

from .test_pages_apptest import ROOT, TIMEOUT, open_page, run

RAW = re.compile(r"\b(reinstallment|rate_cut|charge_offs|delinquent_end|stage[123]|simulator_portfolio\.)")


def _page(lang: str) -> AppTest:
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang=lang)
    return open_page(at, "simulator_portfolio")


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in (at.title, at.subheader, at.caption, at.info, at.markdown) for e in kind]
    parts += [m.label for m in at.metric] + [m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_in_both_languages(demo_db, monkeypatch, lang):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = _page(lang)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == t("simulator_portfolio.title", lang)
    text = _texts(at)
    assert not RAW.search(text), RAW.search(text)
    assert len(at.metric) == 4
    assert any(t("simulator_portfolio.backtest_error", lang, mape="").split("{")[0][:8] in c.value for c in at.caption)
    if lang == "zh":
        assert not re.search(r"\b(Baseline|Scenario|Charge-offs|Stage)\b", text)


def test_save_list_and_compare(demo_db, monkeypatch, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = _page("en")
    for name in ("first", "second"):
        at.text_input[0].input(name).run()
        at.button[0].click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert any(name in s.value for s in at.success)
    con = db.connect(path, read_only=True)
    try:
        assert sorted(scenarios.list_scenarios(con)["name"]) == ["first", "second"]
    finally:
        con.close()
    at.text_input[0].input("first").run()
    at.button[0].click().run()
    assert "already saved" in at.error[0].value
    assert at.dataframe[0].value.shape[0] == 2
    assert len(at.multiselect[0].value) == 2


def test_a_locked_book_gives_a_message(demo_db, monkeypatch, tmp_path):
    """Saving while another process writes the file: a clear error, no traceback."""
    import subprocess
    import sys

    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("MONITOR_DB", str(path))
    monkeypatch.setenv("MONITOR_LOCK_WAIT", "1")  # held until the test ends: give up after a second
    at = _page("zh")
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        at.text_input[0].input("locked").run()
        at.button[0].click().run()
        assert not at.exception
        assert "locked" in at.error[0].value and "无法" in at.error[0].value
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
