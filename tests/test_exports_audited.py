"""Every download button writes an audit row 'export' when clicked (object: what left the app, row_count: its
rows), as the session's user: the early-warning CSV, the executive HTML report, the portfolio simulator's CSV and
JSON; the Admin page's audit CSV is tested in tests/test_admin.py. Drawing a page writes no export row."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access_store, audit, db, early_warning
from monitor.simulate import scenarios

from .conftest import DEMO_AS_OF
from .test_pages_apptest import ROOT, TIMEOUT, open_page, run


@pytest.fixture
def access_file(tmp_path, monkeypatch):
    """The audit log of this test alone (the shared books' access files collect every test's rows)."""
    path = tmp_path / "access.duckdb"
    monkeypatch.setenv("MONITOR_ACCESS_DB", str(path))
    return path


def exports(book) -> list[tuple]:
    con = access_store.connect(book)
    try:
        rows = audit.entries(con, since=dt.date(2000, 1, 1), until=dt.date(2100, 1, 1), action="export")
    finally:
        con.close()
    return [(r["who"], r["object"], json.loads(r["parameters"]), r["row_count"]) for r in rows.reverse().to_dicts()]


def page(book, monkeypatch, stem: str) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(book))
    at = open_page(run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang="en"), stem)
    assert exports(book) == []  # drawing the button is no export
    return at


def test_the_early_warning_csv(scored_db, monkeypatch, access_file):
    con = db.connect(scored_db, read_only=True)
    try:
        total = early_warning.summary(con, DEMO_AS_OF, {})["loans"]
    finally:
        con.close()
    at = page(scored_db, monkeypatch, "early_warning")
    at.download_button(key="ew_export").click().run()
    assert not at.exception
    [(who, what, parameters, rows)] = exports(scored_db)
    assert (who, what, parameters["as_of"], rows) == ("local", "early_warning_csv", "2026-11-29", total)
    assert set(parameters["filters"]) == set(early_warning.FILTERS) and not any(parameters["filters"].values())


def test_the_executive_report(demo_db, monkeypatch, access_file):
    at = page(demo_db, monkeypatch, "executive")
    at.download_button(key="executive_export").click().run()
    assert not at.exception
    assert exports(demo_db) == [
        ("local", "executive_report", {"as_of": "2026-11-29", "format": "html", "lang": "en"}, None)]


def test_the_scenarios_csv_and_json(demo_db, tmp_path, monkeypatch, access_file):
    path = tmp_path / "book.duckdb"
    shutil.copyfile(demo_db, path)
    at = page(path, monkeypatch, "simulator_portfolio")
    for name in ("base", "stress"):  # saved on the page, as the local user
        at.text_input[0].input(name).run()
        at.button[0].click().run()
    con = db.connect(path, read_only=True)
    try:
        assert sorted(scenarios.list_scenarios(con)["name"]) == ["base", "stress"]
    finally:
        con.close()
    at.download_button(key="scenarios_csv").click().run()
    at.download_button(key="scenarios_json").click().run()
    assert not at.exception
    con = access_store.connect(path)
    try:
        saves = audit.entries(con, since=dt.date(2000, 1, 1), until=dt.date(2100, 1, 1), action="save_scenario")
    finally:
        con.close()
    assert sorted(zip(saves["who"], saves["object"], strict=True)) == [("local", "base"), ("local", "stress")]
    names = {"names": ["stress", "base"]}
    assert exports(path) == [("local", "scenarios_csv", names, 2), ("local", "scenarios_json", names, 2)]
