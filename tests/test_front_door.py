"""The front door by month (monitor.origination.front_door), on applications written by hand and worked out by hand:
counts, approval rate, overrides, mean score, the month to date against the same days of the month before, the
reference months and the PSI of a tiny case, and nothing applied after as_of. Then the Executive summary's and the
Model monitoring page's front door through AppTest in both languages: the figures as computed, every chart worded
from the catalog, a one-line note for a book without applications or without a reference yet."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from monitor import db
from monitor.i18n import CATALOG, LANGUAGES, label, t
from monitor.origination import front_door
from monitor.origination.front_door import reference_months
from tests.builders import Book
from ui import format as fmt
from ui import front_door_charts

from .conftest import DEMO_AS_OF
from .specs import chart_titles
from .test_imports import SCORING, among, loaded_after
from .test_pages_model import ACRONYMS, page_text

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60

D = dt.date


class Applications:
    """A book of applications only (the figures read no loan)."""

    def __init__(self, path):
        self.book = Book(path)
        self.next_id = 1

    def add(self, at: str, score: int, decision: str = "approved", channel: str = "app", cutoff: int = 540,
            override: bool = False) -> None:
        db.run(self.book.con, """INSERT INTO applications VALUES ($id, $at, NULL, $channel, 'cash_loan', 5000,
                                 12, 8000, 'salaried', 2, 30, NULL, $score, $cutoff, $decision, $reason, $override,
                                 NULL)""",
               {"id": self.next_id, "at": dt.datetime.fromisoformat(at), "channel": channel, "score": score,
                "cutoff": cutoff, "decision": decision, "override": override,
                "reason": "score_below_cutoff" if decision == "declined" else None})
        self.next_id += 1

    def door(self, as_of: dt.date) -> front_door.FrontDoor:
        return front_door.front_door(self.book.con, as_of)


@pytest.fixture()
def three_months(tmp_path) -> Applications:
    """January 2026: four applications (two declined, one override); February: two, both approved; March: one
    declined on the 2nd, one approved in the last second of the 10th and one at midnight after it."""
    apps = Applications(tmp_path / "t.duckdb")
    apps.add("2026-01-05 10:00:00", 600)
    apps.add("2026-01-10 10:00:00", 500, "declined")
    apps.add("2026-01-20 10:00:00", 520, channel="broker", override=True)
    apps.add("2026-01-31 23:00:00", 510, "declined", channel="broker")
    apps.add("2026-02-03 10:00:00", 640)
    apps.add("2026-02-25 10:00:00", 700, channel="ecommerce")
    apps.add("2026-03-02 10:00:00", 450, "declined")
    apps.add("2026-03-10 23:59:59", 610)
    apps.add("2026-03-11 00:00:00", 800)
    yield apps
    apps.book.close()


def test_counts_rates_and_the_month_to_date(three_months):
    door = three_months.door(D(2026, 3, 10))
    months = door.months.select("month", "month_to_date", "applications", "approved", "declined", "approval_rate",
                                "overrides", "mean_score")
    assert months.rows() == [
        (D(2026, 1, 1), False, 4, 2, 2, 0.5, 1, (600 + 500 + 520 + 510) / 4),
        (D(2026, 2, 1), False, 2, 2, 0, 1.0, 0, (640 + 700) / 2),
        (D(2026, 3, 1), True, 2, 1, 1, 0.5, 0, (450 + 610) / 2)]  # 11 March 00:00 is after the end of the 10th
    assert door.channels.rows() == [
        (D(2026, 1, 1), False, "app", 2, 1, 0.5), (D(2026, 1, 1), False, "broker", 2, 1, 0.5),
        (D(2026, 2, 1), False, "app", 1, 1, 1.0), (D(2026, 2, 1), False, "ecommerce", 1, 1, 1.0),
        (D(2026, 3, 1), True, "app", 2, 1, 0.5)]
    # 1-10 March against 1-10 February: one application (3 February), approved
    assert door.this_month == {
        "month": D(2026, 3, 1), "month_to_date": True, "compared_days": 10, "applications": 2,
        "approval_rate": 0.5, "overrides": 0, "mean_score": 530.0, "psi": None, "verdict": None,
        "previous_month": D(2026, 2, 1), "previous_applications": 1, "previous_approval_rate": 1.0,
        "applications_change": 1, "approval_rate_change": -0.5}
    # the first full month is February (the first application came on 5 January): no reference before August
    assert door.first_day == D(2026, 1, 5) and door.reference is None
    assert door.months["psi"].null_count() == 3 and not door.months["in_reference"].any()


def test_a_complete_month_against_the_whole_month_before(three_months):
    door = three_months.door(D(2026, 3, 31))
    assert door.months.filter(pl.col("month") == D(2026, 3, 1)).select(
        "month_to_date", "applications", "approved").row(0) == (False, 3, 2)
    now = door.this_month
    assert (now["compared_days"], now["previous_applications"], now["previous_approval_rate"]) == (None, 2, 1.0)
    assert now["applications_change"] == 1 and now["approval_rate_change"] == pytest.approx(2 / 3 - 1)


def test_as_of_bounds_every_figure(three_months):
    """On 20 January only the first three applications exist; January is to date and has no month before."""
    door = three_months.door(D(2026, 1, 20))
    assert door.months.select("month", "month_to_date", "applications", "approved", "overrides").rows() == [
        (D(2026, 1, 1), True, 3, 2, 1)]
    assert door.this_month["previous_applications"] is None and door.this_month["applications_change"] is None
    assert three_months.door(D(2026, 1, 4)).empty


def test_a_book_without_applications_says_so(tmp_path):
    apps = Applications(tmp_path / "empty.duckdb")
    try:
        door = apps.door(D(2026, 3, 10))
    finally:
        apps.book.close()
    assert door.empty and door.this_month is None and door.reference is None and door.first_day is None
    assert door.months.columns[:3] == ["month", "month_to_date", "applications"] and door.channels.is_empty()


def test_a_month_without_applications_is_a_zero_not_a_gap(three_months):
    three_months.add("2026-05-04 10:00:00", 600)
    door = three_months.door(D(2026, 5, 4))
    april = door.months.filter(pl.col("month") == D(2026, 4, 1)).row(0, named=True)
    assert (april["applications"], april["approval_rate"], april["psi"]) == (0, None, None)
    assert door.months.height == 5


def test_the_reference_months():
    assert reference_months(D(2026, 1, 5), D(2026, 7, 30)) is None           # February to July, July not ended
    assert reference_months(D(2026, 1, 5), D(2026, 7, 31)) == (D(2026, 2, 1), D(2026, 7, 1))
    assert reference_months(D(2026, 1, 1), D(2026, 6, 30)) == (D(2026, 1, 1), D(2026, 6, 1))  # January is full
    assert reference_months(D(2025, 11, 30), D(2026, 6, 1)) == (D(2025, 12, 1), D(2026, 5, 1))


def test_psi_by_hand(tmp_path):
    """Reference: January to June 2026, ten applications, five scoring 400 and five 600 (none in June). Its deciles
    (numpy's linear quantiles of the ten) are 400 (0.1-0.4), 500 (0.5, halfway) and 600 (0.6-0.9): bins <= 400,
    (400, 500], (500, 600], > 600 holding 1/2, 0, 1/2, 0 of the reference; an empty share counts as 1e-4.
    July, seven at 400 and three at 600: 0.2 ln(0.7 / 0.5) + 0.2 ln(0.5 / 0.3), watch.
    August to the 15th, 400, 600, 700, 700: 2 x 0.25 ln(0.5 / 0.25) + (0.5 - 1e-4) ln(0.5 / 1e-4), act.
    A reference month with one 400 and one 600: 0, stable."""
    apps = Applications(tmp_path / "psi.duckdb")
    try:
        apps.add("2026-01-01 00:00:00", 400)  # the first application, on the 1st: January is a full month
        apps.add("2026-01-15 10:00:00", 600)
        for month in (2, 3, 4, 5):
            apps.add(f"2026-0{month}-10 10:00:00", 400)
            apps.add(f"2026-0{month}-11 10:00:00", 600, "declined", cutoff=700)
        for day, score in enumerate([400] * 7 + [600] * 3, start=1):
            apps.add(f"2026-07-{day:02d} 10:00:00", score)
        for day, score in ((1, 400), (2, 600), (14, 700), (15, 700)):
            apps.add(f"2026-08-{day:02d} 10:00:00", score)
        apps.add("2026-08-16 09:00:00", 300)  # after as_of: not in August's PSI
        door = apps.door(D(2026, 8, 15))
    finally:
        apps.book.close()
    assert door.reference == (D(2026, 1, 1), D(2026, 6, 1))
    psi = dict(door.months.select("month", "psi").iter_rows())
    july = 0.2 * math.log(0.7 / 0.5) + 0.2 * math.log(0.5 / 0.3)
    august = 2 * 0.25 * math.log(0.5 / 0.25) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert psi[D(2026, 7, 1)] == pytest.approx(july, abs=1e-12)
    assert psi[D(2026, 8, 1)] == pytest.approx(august, abs=1e-12)
    assert psi[D(2026, 1, 1)] == pytest.approx(0, abs=1e-12) and psi[D(2026, 6, 1)] is None
    assert round(july, 4) == 0.1695 and round(august, 4) == 4.6043
    verdicts = dict(door.months.select("month", "verdict").iter_rows())
    assert (verdicts[D(2026, 1, 1)], verdicts[D(2026, 7, 1)], verdicts[D(2026, 8, 1)]) == ("stable", "watch", "act")
    assert door.months.filter("in_reference")["month"].to_list() == [D(2026, m, 1) for m in range(1, 7)]
    assert door.this_month["psi"] == pytest.approx(august) and door.this_month["verdict"] == "act"


def test_the_demo_books_figures_add_up(demo_con):
    """Every application by as_of is in one month and one channel; the PSI is measured for every month with
    applications once the reference is complete."""
    as_of = D(2026, 11, 29)
    door = front_door.front_door(demo_con, as_of)
    total = demo_con.sql("SELECT count(*), count(*) FILTER (WHERE decision = 'approved') FROM applications "
                         "WHERE applied_at < $end", params={"end": as_of + dt.timedelta(days=1)}).fetchall()[0]
    assert (door.months["applications"].sum(), door.months["approved"].sum()) == total
    by_month = door.channels.group_by("month").agg(pl.col("applications", "approved").sum()).sort("month")
    assert by_month.rows() == door.months.filter(pl.col("applications") > 0).select(
        "month", "applications", "approved").rows()
    first = door.reference[0]
    assert door.first_day < first  # the demo's first month is partial: no PSI for it, one for every month after
    assert door.months.filter(pl.col("month") < first)["psi"].null_count() == door.months.filter(
        pl.col("month") < first).height
    assert door.months.filter((pl.col("month") >= first) & (pl.col("applications") > 0))["psi"].null_count() == 0
    assert door.months["month"].to_list()[-1] == D(2026, 11, 1) and door.months["month_to_date"].to_list()[-1]


def test_the_executive_summarys_figures_bring_no_scikit_learn(demo_db, tmp_path):
    """The Executive summary shows no PSI and asks for none: its figures and trend chart load neither scikit-learn
    nor the scoring package (2 s to import), which the PSI needs."""
    code = (f"import datetime as dt\nfrom monitor import db\nfrom monitor.origination import front_door\n"
            f"from ui import front_door_charts\ncon = db.connect({str(demo_db)!r}, read_only=True)\n"
            f"door = front_door.front_door(con, dt.date(2026, 11, 29), psi=False)\n"
            f"assert door.months['psi'].null_count() == door.months.height and door.this_month['psi'] is None\n"
            f"front_door_charts.trend_chart(door.months, 'zh').to_dict()\n")
    assert among(loaded_after(code, tmp_path), SCORING) == set()


# ------------------------------------------------------------------------------------------ the two pages

def _page(path, monkeypatch, stem: str, lang: str) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(lang=lang, as_of=DEMO_AS_OF.isoformat())
    at.run()
    at.switch_page(f"pages/{stem}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _charts(at: AppTest) -> list[tuple[dict, list[dict]]]:
    """Each chart of the page: its spec and the rows of its datasets (Streamlit sends them as Arrow)."""
    return [(json.loads(chart.proto.spec),
             [row for d in chart.proto.datasets for row in pa.ipc.open_stream(d.data.data).read_all().to_pylist()])
            for chart in at.main.get("vega_lite_chart")]


def _specs(at: AppTest) -> list[dict]:
    return [spec for spec, _ in _charts(at)]


def _fields(spec) -> set[str]:
    """Every field a chart encodes."""
    if isinstance(spec, dict):
        found = {spec["field"]} if isinstance(spec.get("field"), str) else set()
        return found.union(*(_fields(value) for value in spec.values()))
    if isinstance(spec, list):
        return set().union(*(_fields(item) for item in spec))
    return set()


def _assert_worded(spec: dict, lang: str) -> None:
    """Every title, axis, legend and tooltip title of the chart is a text of the catalog in `lang`: no raw column
    name reaches the reader."""
    texts = {entry[lang] for entry in CATALOG.values()}
    titles = chart_titles(spec)
    assert titles and set(titles) <= texts, set(titles) - texts


@pytest.fixture()
def trimmed(demo_db, tmp_path):
    """A copy of the demo book whose applications are cut by `where` (SQL over applications), as a function."""
    def cut(where: str):
        path = tmp_path / "trimmed.duckdb"
        shutil.copyfile(demo_db, path)
        con = db.connect(path)
        try:
            db.run(con, f"DELETE FROM applications WHERE {where}")
        finally:
            con.close()
        return path
    return cut


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_executive_summary_shows_this_months_front_door(demo_db, demo_con, monkeypatch, lang):
    door = front_door.front_door(demo_con, DEMO_AS_OF)
    now = door.this_month
    assert now["month_to_date"] and now["compared_days"] == 29  # the demo book's day: 29 November
    at = _page(demo_db, monkeypatch, "executive", lang)
    assert t("front_door.heading", lang) in [h.value for h in at.main.subheader]
    cards = {m.label: m for m in at.main.metric}
    applications = cards[t("front_door.applications_to_date", lang, day="11-29")]
    assert applications.value == fmt.count(now["applications"])
    assert applications.delta == fmt.count(now["applications_change"], signed=True)
    rate = cards[t("front_door.approval_rate_to_date", lang, day="11-29")]
    assert rate.value == fmt.pct(now["approval_rate"]) and rate.delta == fmt.pp(now["approval_rate_change"], lang)
    for card in (applications, rate):
        assert card.proto.delta_description == t("front_door.vs_same_days", lang)
    caption = t("front_door.compared_to_date", lang, month="2026-11", previous="2026-10", days=29,
                previous_applications=fmt.count(now["previous_applications"]),
                previous_rate=fmt.pct(now["previous_approval_rate"]), overrides=fmt.count(now["overrides"]),
                score=f"{now['mean_score']:.1f}")
    assert caption in [c.value for c in at.main.caption]
    trend = [(spec, rows) for spec, rows in _charts(at) if "approval_rate" in _fields(spec)]
    assert len(trend) == 1
    spec, rows = trend[0]
    _assert_worded(spec, lang)
    shown = door.months.tail(front_door_charts.TREND_MONTHS)
    assert [r["month_label"] for r in rows] == [m.strftime("%Y-%m") for m in shown["month"][:-1]] + [
        t("front_door.chart.month_to_date", lang, month="2026-11")]
    assert [r["applications"] for r in rows] == shown["applications"].to_list()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_model_monitoring_shows_the_application_scores_psi_and_approval_by_channel(demo_db, demo_con, monkeypatch,
                                                                                  lang):
    door = front_door.front_door(demo_con, DEMO_AS_OF)
    at = _page(demo_db, monkeypatch, "model", lang)  # the demo book has no early-warning model: the section shows
    assert t("front_door.model_heading", lang) in [h.value for h in at.main.subheader]
    first, last = door.reference
    assert t("front_door.psi_caption", lang, first=first.strftime("%Y-%m"), last=last.strftime("%Y-%m"),
             months=front_door.REFERENCE_MONTHS) in [c.value for c in at.main.caption]
    now = door.this_month
    latest = t("front_door.psi_latest", lang, month=t("front_door.chart.month_to_date", lang, month="2026-11"),
               psi=f"{now['psi']:.3f}", verdict=t(f"verdict.{now['verdict']}", lang))
    assert latest in [m.value for m in at.main.markdown]
    (psi_spec, psi_data), (channel_spec, channel_rows) = _charts(at)
    for spec in (psi_spec, channel_spec):
        _assert_worded(spec, lang)
    bars = next(layer for layer in psi_spec["layer"] if layer.get("encoding", {}).get("y", {}).get("field") == "psi")
    assert bars["encoding"]["color"]["scale"]["domain"] == [t(f"verdict.{v}", lang) for v in ("stable", "watch", "act")]
    measured = door.months.drop_nulls("psi")
    psi_rows = [r for r in psi_data if "psi" in r]
    assert [r["psi"] for r in psi_rows] == pytest.approx(measured["psi"].to_list())
    assert [r["verdict_label"] for r in psi_rows] == [t(f"verdict.{v}", lang) for v in measured["verdict"]]
    channels = {r["channel_label"] for r in channel_rows}
    assert channels == {label("loan_channel", c, lang) for c in door.channels["channel"].unique()}
    assert len(channel_rows) == door.channels.height


def test_the_chinese_section_has_no_raw_code_or_english_word(demo_db, monkeypatch):
    text = page_text(_page(demo_db, monkeypatch, "model", "zh"))
    english = set(re.findall(r"[A-Za-z]{3,}", text)) - ACRONYMS
    assert not english, english


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_book_without_applications_says_so_in_a_line(trimmed, monkeypatch, lang):
    path = trimmed("true")
    for stem in ("executive", "model"):
        at = _page(path, monkeypatch, stem, lang)
        assert t("front_door.none", lang, as_of=DEMO_AS_OF.isoformat()) in [i.value for i in at.main.info], stem
        assert not [spec for spec in _specs(at) if {"approval_rate", "psi"} & _fields(spec)], stem


def test_a_young_front_door_waits_for_its_reference(trimmed, monkeypatch):
    """Applications only from 1 August: the reference (August to January) has not ended, so no PSI yet; the approval
    rate by channel shows."""
    path = trimmed("applied_at < TIMESTAMP '2026-08-01 00:00:00'")
    con = db.connect(path, read_only=True)
    try:
        first = front_door.front_door(con, DEMO_AS_OF).first_day
    finally:
        con.close()
    at = _page(path, monkeypatch, "model", "en")
    assert t("front_door.no_reference", "en", months=front_door.REFERENCE_MONTHS,
             first=first.isoformat()) in [i.value for i in at.main.info]
    assert [sorted(_fields(spec) & {"psi", "approval_rate"}) for spec in _specs(at)] == [["approval_rate"]]
