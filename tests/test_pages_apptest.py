"""Every page through Streamlit's AppTest, in both languages; the chart specs through altair's to_dict()."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import db, metrics
from monitor.conduct.view import SECTIONS as COMPLIANCE_SECTIONS
from monitor.i18n import LANGUAGES, t
from monitor.status import BUCKETS
from monitor.views import DELINQUENCY_SECTIONS
from ui import charts, context, data, navigation

from .conftest import DEMO_AS_OF

ROOT = Path(__file__).resolve().parents[1]
PAGE_STEMS = [stem for stem, _ in navigation.PAGES]
TIMEOUT = 60


def run(at: AppTest, **query) -> AppTest:
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_page(at: AppTest, stem: str) -> AppTest:
    """Go to another page of a session that has run (the default page is the first in ui/navigation.py)."""
    at.switch_page(f"pages/{stem}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# The pages that show one section at a time, chosen in a section control: its URL parameter, and the sections.
SECTIONED = {"delinquency": ("section", DELINQUENCY_SECTIONS), "compliance": ("show", COMPLIANCE_SECTIONS)}


def every_view(at: AppTest, stem: str) -> Iterator[AppTest]:
    """The page `stem` opened in a session that has run, then each of its other views: the Delinquency and the
    Compliance page show one section at a time (SECTIONED), chosen in their section control; they are left on
    their first."""
    yield open_page(at, stem)
    param, sections = SECTIONED.get(stem, ("section", ()))
    for section in (*sections[1:], *sections[:1]):
        at.segmented_control(key=context.choice_key(param)).set_value(section).run()
        assert not at.exception, (section, [e.message for e in at.exception])
        if section != sections[0]:
            yield at


def page_of(path: Path, monkeypatch, stem: str, lang: str) -> AppTest:
    """A new session over the book at `path` in `lang`, moved to the page `stem`."""
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(lang=lang)
    at.run()
    return open_page(at, stem)


def test_every_page_file_is_in_the_navigation():
    assert sorted(PAGE_STEMS) == sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", PAGE_STEMS)
def test_every_page_runs_in_both_languages(app, stem, lang):
    """switch_page() makes Streamlit run the page file without app.py: ui.context.start_page() copes."""
    run(app, lang=lang)
    app.switch_page(f"pages/{stem}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert [title.value for title in app.main.title] == [t(f"{stem}.title", lang)]
    assert app.sidebar.title[0].value == t("app.title", lang)
    assert app.sidebar.date_input[0].value == DEMO_AS_OF
    # the sidebar's state is in the URL on every page (a page may add its own view, as the Delinquency page does)
    assert app.query_params.items() >= {"lang": lang, "as_of": DEMO_AS_OF.isoformat()}.items()


def test_the_delinquency_page_is_the_default():
    assert PAGE_STEMS[0] == "delinquency"
    assert PAGE_STEMS.index("delinquency") < PAGE_STEMS.index("executive") < PAGE_STEMS.index("data")
    assert navigation.url_path("delinquency") == "" and navigation.url_path("data") == "data"


@pytest.mark.parametrize(("locale", "lang"), [("zh-CN", "zh"), ("zh-TW", "zh"), ("en-US", "en"),
                                              ("de-DE", "en"), (None, "zh")])
def test_language_defaults_to_the_browser_locale(app, locale, lang):
    app.context["locale"] = locale
    run(app)
    assert app.main.title[0].value == t(f"{PAGE_STEMS[0]}.title", lang)
    assert app.query_params["lang"] == lang


def test_the_url_language_wins_over_the_browser(app):
    app.context["locale"] = "zh-CN"
    run(app, lang="en")
    assert app.main.title[0].value == "Delinquency"


def test_switching_language_translates_and_updates_the_url(app):
    run(app, lang="zh")
    app.sidebar.radio[0].set_value("en").run()
    assert app.main.title[0].value == "Delinquency"
    assert app.query_params["lang"] == "en"


@pytest.mark.parametrize(("query", "expected"), [
    ("2026-06-30", dt.date(2026, 6, 30)),   # a link restores its date
    ("1999-01-01", None),                   # before the data: the first data date
    ("not-a-date", DEMO_AS_OF),             # unreadable: the latest
])
def test_as_of_from_the_url(app, query, expected):
    open_page(run(app, lang="en", as_of=query), "data")
    as_of = app.sidebar.date_input[0].value
    if expected is None:
        assert as_of == app.sidebar.date_input[0].min
    else:
        assert as_of == expected
    assert app.query_params["as_of"] == as_of.isoformat()
    assert as_of.isoformat() in app.main.subheader[-1].value


def _add_payment(path: Path, day: dt.date) -> None:
    """A payment on `day` on some active loan: the data now reaches `day`."""
    con = db.connect(path)
    try:
        db.run(con, """INSERT INTO payments
                       SELECT max(payment_id) + 1, (SELECT min(loan_id) FROM loans WHERE status = 'active'),
                              CAST(? AS TIMESTAMP) + INTERVAL 10 HOUR, 100, 'app'
                       FROM payments""", [day])
    finally:
        con.close()


@pytest.mark.parametrize(("picked", "expected"), [(None, dt.date(2026, 12, 3)),
                                                   (dt.date(2026, 10, 1), dt.date(2026, 10, 1))])
def test_new_data_shows_up_without_a_restart(demo_db, monkeypatch, tmp_path, picked, expected):
    """A user on the latest day moves on to the new latest day; a user who picked a day stays there."""
    path = tmp_path / "live.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = open_page(run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang="en"), "data")
    if picked:
        at.sidebar.date_input[0].set_value(picked).run()
    _add_payment(path, dt.date(2026, 12, 3))
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.main.metric}["Latest data date"] == "2026-12-03"
    assert at.sidebar.date_input[0].max == dt.date(2026, 12, 3)
    assert at.sidebar.date_input[0].value == expected


def test_data_page_shows_localized_figures(app):
    open_page(run(app, lang="en"), "data")
    metrics_by_label = {m.label: m for m in app.main.metric}
    assert metrics_by_label["Latest data date"].value == "2026-11-29"
    assert metrics_by_label["Derived tables as of"].value == "2026-11-29"
    assert metrics_by_label["Schema version"].value == str(db.SCHEMA_VERSION)
    assert metrics_by_label["Charge-off policy"].value == "DPD 181"
    assert "Charged off at DPD 181" in metrics_by_label["Charge-off policy"].help
    tables = app.main.dataframe[0].value
    assert "Loans" in tables["table"].to_list()
    assert "loans" not in tables["table"].to_list()
    assert "Origination date" in tables["date_column"].to_list()
    assert not app.main.info


def test_data_page_in_chinese(app):
    open_page(run(app, lang="zh"), "data")
    metric_values = {m.label: m.value for m in app.main.metric}
    assert metric_values["核销政策"] == "逾期 181 天"
    assert "贷款" in app.main.dataframe[0].value["table"].to_list()


def test_database_path_from_the_command_line_then_the_environment(monkeypatch):
    monkeypatch.setenv("MONITOR_DB", "from-env.duckdb")
    monkeypatch.setattr("sys.argv", ["app.py", "--db", "from-cli.duckdb"])
    assert data.db_path() == Path("from-cli.duckdb")
    monkeypatch.setattr("sys.argv", ["app.py"])
    assert data.db_path() == Path("from-env.duckdb")
    monkeypatch.delenv("MONITOR_DB")
    assert data.db_path() == Path(db.DEFAULT_DB)


def test_a_missing_database_shows_a_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("MONITOR_DB", str(tmp_path / "missing.duckdb"))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang="en")
    assert "database file not found" in at.error[0].value


def test_a_database_locked_by_a_writer_shows_a_message(demo_db, monkeypatch, tmp_path):
    """Another process holds the file read-write (a load in progress): the page says so and does not crash."""
    path = tmp_path / "locked.duckdb"
    shutil.copy(demo_db, path)
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("MONITOR_DB", str(path))
        monkeypatch.setenv("MONITOR_LOCK_WAIT", "1")  # held until the test ends: give up after a second
        at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang="en")
        assert "locked" in at.error[0].value
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_day_without_active_loans_says_so(monkeypatch, closed_db):
    """One loan, paid off on the day it was made: the book has a date but no active loan."""
    monkeypatch.setenv("MONITOR_DB", str(closed_db))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang="en")
    assert at.sidebar.date_input[0].value == dt.date(2026, 5, 1)
    # every page of the book says so (the Admin page shows no loan; Limits and alerts shows the states as the last
    # evaluation stored them, whatever the day: here none yet, which it says; Credit policy reads applications, and
    # says there are none), none fails
    for stem in PAGE_STEMS:
        open_page(at, stem)
        assert not at.error, [e.value for e in at.error]
        if stem == "alerts":
            assert [info.value for info in at.main.info][:1] == [t("alerts_page.never_evaluated", "en")]
            continue
        if stem == "credit_policy":  # its population is applications, not active loans: this book has none
            assert [info.value for info in at.main.info] == [t("credit_policy.no_applications", "en")]
            continue
        assert stem == "admin" or any("No loans were active" in info.value for info in at.main.info), stem


@pytest.fixture(scope="module")
def distribution(demo_db):
    con = db.connect(demo_db, read_only=True)
    try:
        return metrics.bucket_distribution(con, DEMO_AS_OF)
    finally:
        con.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bucket_chart_spec(distribution, lang):
    panels = [chart.to_dict() for chart in charts.bucket_charts(distribution, lang)]
    assert [p["layer"][0]["encoding"]["x"]["field"] for p in panels] == ["loans", "balance"]
    for panel, title_key in zip(panels, ("chart.loans", "chart.balance"), strict=True):
        bars, text = panel["layer"]
        assert bars["mark"]["type"] == "bar" and text["mark"]["type"] == "text"
        assert panel["title"] == t(title_key, lang)
        encoding = bars["encoding"]
        assert encoding["y"]["field"] == "bucket"  # lying bars, M0 at the top: every bucket named at any width
        assert encoding["y"]["sort"] == list(BUCKETS)
        assert encoding["y"]["title"] == t("chart.bucket", lang)
        assert encoding["x"]["title"] == t(title_key, lang)
        tooltips = {tip["title"] for tip in encoding["tooltip"]}
        assert tooltips >= {t("chart.bucket", lang), t("chart.loans", lang), t("chart.balance_yuan", lang)}
    assert all("width" not in panel for panel in panels)  # as wide as its column: none cut off
    rows = next(iter(panels[0]["datasets"].values()))
    assert [row["bucket"] for row in rows] == list(BUCKETS)
    assert sum(row["loans"] for row in rows) == distribution["loans"].sum() > 0

