"""The Delinquency and Executive Summary pages through AppTest, in both languages: figures as monitor computes
them, the view restored from a link, the empty cases, the report download; every chart builder's spec
through altair's to_dict(); the labels and number formats the pages use."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from monitor import db, metrics, notes, views
from monitor.i18n import CATALOG, LANGUAGES, label, t
from monitor.segments import SCORE_BANDS, SEGMENTS
from monitor.status import BUCKETS
from monitor.synth import population
from ui import charts, context, labels
from ui import format as fmt

from .conftest import DEMO_AS_OF
from .specs import chart_titles

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
RATE_KPIS = ("rate_30", "rate_90", "net_charge_off", "ecl")  # a rise is bad: shown in red


# ------------------------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def delinquency(demo_con) -> dict:
    return views.delinquency_view(demo_con, DEMO_AS_OF)


@pytest.fixture(scope="module")
def executive(demo_con) -> dict:
    return views.executive_view(demo_con, DEMO_AS_OF)


def run(at: AppTest, **query) -> AppTest:
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def open_page(at: AppTest, stem: str) -> AppTest:
    at.switch_page(f"pages/{stem}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def widget(at: AppTest, param: str):
    """The page widget whose value lives in the URL as ?<param>=."""
    key = context.choice_key(param)
    for kind in ("selectbox", "radio", "segmented_control"):
        for element in getattr(at.main, kind):
            if element.key == key:
                return element
    raise LookupError(key)


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.main.get("vega_lite_chart")]


def chart_rows(at: AppTest) -> list[int]:
    """The number of rows each chart on the page sends to the browser (Streamlit sends them as Arrow)."""
    counts = []
    for chart in at.main.get("vega_lite_chart"):
        tables = [pa.ipc.open_stream(d.data.data).read_all() for d in chart.proto.datasets]
        counts.append(sum(table.num_rows for table in tables))
    return counts


# -------------------------------------------------------------------------------------- Delinquency page

def section_shown(app: AppTest, lang: str) -> tuple[list[str], int]:
    """The subheaders and the number of charts the page shows, after checking that no chart is empty and that
    every chart is aggregated (a few hundred rows at most)."""
    assert all(chart_rows(app)) and max(chart_rows(app), default=0) < 1000
    return [s.value for s in app.main.subheader], len(chart_specs(app))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_delinquency_page_shows_the_views_figures(app, delinquency, lang):
    """Each section, chosen in the page's section control, shows its own figures and only those."""
    run(app, lang=lang)
    assert [title.value for title in app.main.title] == [t("delinquency.title", lang)]
    assert widget(app, "section").value == "rates" and app.query_params["section"] == "rates"
    cards = {m.label: m.value for m in app.main.metric}
    for x in metrics.DPD_THRESHOLDS:
        rates = delinquency["rates"][f"{x}+"]
        assert cards[t("delinquency.rate", lang, x=x)] == fmt.pct(rates["balance"])
        lagged = t("delinquency.lagged", lang, lag3=fmt.pct(rates["balance_lag3"]), lag6=fmt.pct(rates["balance_lag6"]))
        assert lagged in [c.value for c in app.main.caption]
    assert section_shown(app, lang) == ([t("delinquency.buckets", lang), t("delinquency.trend", lang)], 3)
    assert not app.main.info and not app.main.dataframe

    widget(app, "section").set_value("rolls").run()
    assert app.query_params["section"] == "rolls"
    cards = {m.label: m.value for m in app.main.metric}
    assert list(cards) == [t("delinquency.implied_loss", lang)]
    assert cards[t("delinquency.implied_loss", lang)] == fmt.pct(delinquency["implied_loss"]["loss_rate"])
    start, end = delinquency["rolls"]["from_month_end"][0], delinquency["rolls"]["to_month_end"][0]
    assert section_shown(app, lang) == ([t("delinquency.rolls", lang, start=start.isoformat(), end=end.isoformat()),
                                         t("delinquency.cures", lang), t("delinquency.flows", lang)], 3)

    widget(app, "section").set_value("vintages").run()
    assert section_shown(app, lang) == ([t("delinquency.vintages", lang), t("delinquency.fpd", lang),
                                         t("delinquency.entry", lang)], 3)
    assert not app.main.metric

    widget(app, "section").set_value("segments").run()
    assert section_shown(app, lang) == ([t("delinquency.movers", lang)], 0)
    assert not app.main.info
    # the movers table and the delinquent loans of the top mover, with localized headings and values
    movers, loans = (frame.value for frame in app.main.dataframe)
    assert movers["value"].to_list() == [label("product", v, lang) for v in delinquency["movers"]["value"]]
    assert set(loans["product"]) <= {label("product", p, lang) for p in db.PRODUCTS}
    assert (loans["dpd"] >= 1).all()
    assert loans["customer"].str.contains(r"\*").all()


def test_the_view_comes_back_from_a_link(app, demo_con):
    query = {"segment": "channel", "value": "broker", "measure": "count", "section": "vintages", "cohort": "2026-01",
             "ever": "90"}
    run(app, lang="en", **query)
    for param, value in query.items():
        assert widget(app, param).value == value, param
    assert app.query_params.items() >= query.items()
    broker = views.delinquency_view(demo_con, DEMO_AS_OF, "channel", "broker", "city_tier")
    assert "Channel “Broker” · end of 2026-11-29 · By count" in [m.value for m in app.main.markdown]
    vintage = next(spec for spec in chart_specs(app) if spec.get("layer")
                   and any("filter" in step for step in spec["layer"][1].get("transform", [])))
    assert vintage["layer"][1]["transform"] == [{"filter": "(datum.cohort === '2026-01')"}]
    assert vintage["layer"][1]["encoding"]["y"]["title"] == "Ever 90+"
    widget(app, "section").set_value("rates").run()
    cards = {m.label: m.value for m in app.main.metric}
    assert cards["30+ DPD rate"] == fmt.pct(broker["rates"]["30+"]["count"])
    widget(app, "section").set_value("segments").run()
    widget(app, "movers").set_value("city_tier").run()
    movers = app.main.dataframe[0].value
    assert movers["value"].to_list() == [labels.segment_value("city_tier", v, "en") for v in broker["movers"]["value"]]


def test_changing_the_view_updates_the_link(app):
    run(app, lang="en")
    assert app.query_params["segment"] == "all" and "value" not in app.query_params
    widget(app, "segment").set_value("product").run()
    assert app.query_params["segment"] == "product"
    assert app.query_params["value"] == widget(app, "value").value == "cash_loan"  # by label: Cash loan first
    widget(app, "value").set_value("installment").run()
    widget(app, "measure").set_value("count").run()
    assert app.query_params.items() >= {"segment": "product", "value": "installment", "measure": "count"}.items()
    widget(app, "segment").set_value("channel").run()  # another segment: one of its own values
    assert widget(app, "value").value in population.CHANNELS
    widget(app, "segment").set_value("all").run()
    assert "value" not in app.query_params


def test_the_view_survives_a_visit_to_another_page(app):
    """Streamlit forgets a widget that is not drawn and clears the URL on a page switch: the view is kept."""
    run(app, lang="en")
    widget(app, "segment").set_value("channel").run()
    widget(app, "value").set_value("broker").run()
    widget(app, "measure").set_value("count").run()
    open_page(app, "data")
    app.query_params.clear()  # as the browser does when the user switches pages
    open_page(app, "delinquency")
    assert (widget(app, "segment").value, widget(app, "value").value) == ("channel", "broker")
    assert widget(app, "measure").value == "count"
    assert app.query_params.items() >= {"segment": "channel", "value": "broker", "measure": "count"}.items()


def test_a_link_with_unknown_choices_falls_back_to_the_defaults(app):
    run(app, lang="en", segment="no_such_segment", value="x", measure="neither", section="vintages", cohort="1900-01")
    assert widget(app, "segment").value == "all"
    assert widget(app, "measure").value == "balance"
    assert widget(app, "cohort").value != "1900-01"
    assert app.query_params["segment"] == "all" and "value" not in app.query_params


def test_a_link_with_an_unknown_movers_dimension_falls_back_to_products(app):
    run(app, lang="en", section="segments", movers="nope")
    assert widget(app, "movers").value == "product"


def test_a_link_with_an_unknown_section_shows_the_first_and_says_so(app):
    run(app, lang="en", section="everything")
    assert widget(app, "section").value == "rates" and app.query_params["section"] == "rates"
    assert [info.value for info in app.main.info] == [t("url.replaced.choice", "en", value="everything",
                                                        used="Rates and trend", label="Show")]
    assert len(chart_specs(app)) == 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_segment_value_without_loans_says_so(app, lang):
    """A province that is not in the data, from a link: one clear message, no error, no empty chart."""
    run(app, lang=lang, segment="province", value="Atlantis")
    assert widget(app, "value").value == "Atlantis"  # the link's value stays, not silently another one
    scope = labels.scope("province", "Atlantis", lang)
    assert [info.value for info in app.main.info] == [
        t("delinquency.segment_empty", lang, scope=scope, as_of=DEMO_AS_OF.isoformat()),
        t("delinquency.no_month_ends", lang)]
    assert not app.main.metric
    assert section_shown(app, lang) == ([t("delinquency.trend", lang)], 0)
    widget(app, "section").set_value("vintages").run()  # each section says why it is empty
    assert [info.value for info in app.main.info] == [t("delinquency.no_vintages", lang), t("delinquency.no_fpd", lang),
                                                      t("delinquency.no_entry", lang)]
    widget(app, "section").set_value("segments").run()  # the movers cover the whole book
    assert section_shown(app, lang)[0] == [t("delinquency.movers", lang)] and app.main.dataframe
    widget(app, "section").set_value("rates").run()
    # picking a real value from the menu shows it
    widget(app, "value").set_value("广东").run()
    assert not app.main.info
    assert labels.scope("province", "广东", lang) in app.main.markdown[0].value


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", ["delinquency", "executive"])
def test_a_day_with_nothing_active_says_so(closed_db, monkeypatch, stem, lang):
    monkeypatch.setenv("MONITOR_DB", str(closed_db))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), lang=lang)
    open_page(at, stem)
    assert [title.value for title in at.main.title] == [t(f"{stem}.title", lang)]
    assert [info.value for info in at.main.info] == [t(f"{stem}.no_active", lang, as_of="2026-05-01")]
    assert not at.main.metric and not at.main.get("vega_lite_chart")


def test_early_days_show_each_sections_reason(app):
    """On the first day of the book there is no month-end yet: each section says why it is empty."""
    infos = []
    run(app, lang="en", as_of="2024-11-01")
    for section in ("rates", "rolls", "vintages"):
        widget(app, "section").set_value(section).run()
        infos += [info.value for info in app.main.info]
        assert all(chart_rows(app)), "an empty chart"
        if section == "rolls":
            assert {m.label: m.value for m in app.main.metric}["Implied loss rate"] == fmt.NONE
            assert any(c.value.startswith("Cannot be computed: no balance to flow from at M0→M1")
                       for c in app.main.caption)
    for key in ("delinquency.no_month_ends", "delinquency.no_rolls", "delinquency.no_vintages", "delinquency.no_fpd"):
        assert t(key, "en") in infos


# ----------------------------------------------------------------------------------------- Executive page

@pytest.mark.parametrize("lang", LANGUAGES)
def test_executive_kpis_with_deltas(app, executive, lang):
    open_page(run(app, lang=lang), "executive")
    assert [title.value for title in app.main.title] == [t("executive.title", lang)]
    kpis = {row["kpi"]: row for row in executive["kpis"].iter_rows(named=True)}
    cards = {m.label: m for m in app.main.metric}
    money = ("active_balance", "cash_collected", "ecl")
    assert executive["nco_month_to_date"]  # the demo's as-of day is the 29th of November
    for kpi, row in kpis.items():
        card = cards[t("executive.nco_month_to_date" if kpi == "net_charge_off" else f"kpi.{kpi}", lang)]
        if kpi in money:
            assert card.value == fmt.money(row["now"], lang)
            assert card.delta == fmt.money(row["mom"], lang, signed=True)
        elif kpi == "active_loans":
            assert card.value == fmt.count(row["now"]) and card.delta == fmt.count(row["mom"], signed=True)
        else:
            assert card.value == fmt.pct(row["now"])
            assert card.delta == fmt.pp(row["mom"], lang)  # percentage points
            assert card.delta.endswith("pp" if lang == "en" else "个百分点")
        assert_delta_style(card, row["mom"], kpi)
        assert card.proto.delta_description == t("executive.mom", lang)
    captions = [c.value for c in app.main.caption]
    assert t("executive.yoy", lang, delta=fmt.pp(kpis["rate_30"]["yoy"], lang)) in captions
    ecl = executive["ecl"]
    note = t("executive.ecl_note", lang, sicr_pd="20%", sicr_multiple="3",
             score_day=t("executive.ecl_no_model", lang), scored=fmt.count(0), lgd=fmt.pct(ecl["lgd"]["lgd"]))
    assert any(caption.startswith(note) for caption in captions)  # the demo book has no model
    assert len(chart_specs(app)) == 5  # balance, rates, NCO, cash; applications and approval rate
    assert all(chart_rows(app))


def assert_delta_style(card, change: float, kpi: str) -> None:
    """A rise of a rate or a loss is red, of a volume green; a change that reads as zero is grey, no arrow."""
    kind = {"rate_30": "rate", "rate_90": "rate", "net_charge_off": "rate", "active_loans": "count"}.get(kpi, "money")
    color = MetricProto.MetricColor.Name(card.proto.color)
    direction = MetricProto.MetricDirection.Name(card.proto.direction)
    if fmt.reads_as_zero(change, kind):
        assert (color, direction) == ("GRAY", "NONE"), (kpi, change)
        assert not card.delta.startswith(("+", "-")), card.delta
    else:
        rise_is_bad = kpi in RATE_KPIS
        assert color == ("RED" if (change > 0) == rise_is_bad else "GREEN"), (kpi, change, color)
        assert direction == ("UP" if change > 0 else "DOWN"), (kpi, change, direction)


@pytest.mark.parametrize(("delta", "kind", "lang", "written"), [
    (-0.00001, "rate", "en", "0.00 pp"), (-0.00001, "rate", "zh", "0.00个百分点"), (0.0006, "rate", "en", "+0.06 pp"),
    (-0.0123, "rate", "en", "-1.23 pp"), (-0.4, "money", "en", "¥0"), (-424.16, "money", "en", "-¥424"),
    (0.2, "count", "en", "0"), (-3, "count", "en", "-3"), (None, "count", "en", None)])
def test_a_change_that_reads_as_zero_is_written_without_a_sign(delta, kind, lang, written):
    """The Today and Executive cards write a change with fmt.change: a rate 0.001 pp down reads 0.00 pp, not -0.00."""
    assert fmt.change(delta, kind, lang) == written


def test_an_unchanged_kpi_reads_as_no_change(app, demo_con):
    """Early in the book the 90+ rate is 0 a month apart: grey 0.00 pp, not a red rise of +0.00."""
    day = dt.date(2025, 1, 15)
    kpis = {row["kpi"]: row for row in views.kpi_table(demo_con, day).iter_rows(named=True)}
    assert kpis["rate_90"]["mom"] == 0
    open_page(run(app, lang="en", as_of=day.isoformat()), "executive")
    cards = {m.label: m for m in app.main.metric}
    for kpi, row in kpis.items():
        label = "executive.nco_month_to_date" if kpi == "net_charge_off" else f"kpi.{kpi}"
        assert_delta_style(cards[t(label, "en")], row["mom"], kpi)
    assert cards["90+ DPD rate"].delta == "0.00 pp"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_executive_vintage_comparison_and_movers(app, executive, lang):
    open_page(run(app, lang=lang), "executive")
    comparison = executive["vintage_comparison"]
    cards = {m.label: m.value for m in app.main.metric}
    assert cards[t("executive.vintage_recent", lang, mob=3)] == fmt.pct(comparison["recent"])
    assert cards[t("executive.vintage_earlier", lang, mob=3)] == fmt.pct(comparison["earlier"])
    assert comparison["difference"] is not None
    assert cards[t("executive.vintage_change", lang)] == fmt.pp(comparison["difference"], lang)
    paragraph = next(m.value for m in app.main.markdown if m.value.startswith("- "))
    lines = paragraph.split("\n")
    assert len(lines) == executive["movers"].height == 3
    for line, mover in zip(lines, executive["movers"].iter_rows(named=True), strict=True):
        direction = "up" if mover["change"] > 0 else "down" if mover["change"] < 0 else "flat"
        assert line == "- " + t(f"executive.mover_{direction}", lang,
                                segment=labels.segment(mover["segment"], lang),
                                value=labels.segment_value(mover["segment"], mover["value"], lang),
                                change=fmt.pp_size(mover["change"]), rate=fmt.pct(mover["rate"]))
        assert mover["segment"] not in line and mover["value"] not in line or lang == "zh"  # no raw codes in en


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_downloads_as_html(app, monkeypatch, lang):
    """The report is built when the button is clicked (a deferred download), not on every run of the page."""
    saved, deferred = [], {}
    original_save, original_defer = MemoryMediaFileStorage.load_and_get_id, MediaFileManager.add_deferred

    def record(self, path_or_data, mimetype, kind, filename=None):
        saved.append(filename)
        return original_save(self, path_or_data, mimetype, kind, filename)

    def defer(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        deferred[file_name] = (data_callable, mimetype)
        return original_defer(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", defer)
    open_page(run(app, lang=lang), "executive")
    button = app.main.get("download_button")[0]
    assert button.label == t("executive.download", lang)
    assert "report-2026-11-29.html" not in saved  # drawing the button built no report
    build, mimetype = deferred["report-2026-11-29.html"]
    assert mimetype == "text/html"
    html = build().decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert t("report.title", lang) in html and t("report.as_of", lang, as_of="2026-11-29") in html


# -------------------------------------------------------------------------------------------- chart specs

def _rows(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def _builders(delinquency: dict, executive: dict, lang: str) -> dict:
    return {
        "trend": charts.dpd_trend_chart(delinquency["series"], "balance", lang),
        "trend_coincident": charts.dpd_trend_chart(executive["rates"], "balance", lang, lagged=False),
        "rolls": charts.roll_heatmap(delinquency["rolls"], "count", lang),
        "cures": charts.cure_chart(delinquency["cures"], "balance", lang),
        "flows": charts.flow_chart(delinquency["flows"], lang),
        "vintages": charts.vintage_chart(delinquency["vintages"], 30, "balance", "2026-03", lang),
        "fpd": charts.fpd_chart(delinquency["fpd"], lang),
        "entry": charts.entry_chart(delinquency["entry"], lang),
        "balance": charts.balance_trend_chart(executive["balance"], lang),
        "nco": charts.nco_chart(executive["nco"], lang),
        "cash": charts.cash_chart(executive["cash"], lang),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chart_title_comes_from_the_catalog(delinquency, executive, lang):
    """No raw column name or code in an axis, legend or tooltip title: each is a catalog text."""
    texts = {entry[lang] for entry in CATALOG.values()}
    for name, chart in _builders(delinquency, executive, lang).items():
        spec = chart.to_dict()
        titles = chart_titles({k: v for k, v in spec.items() if k != "datasets"})
        assert titles, name
        assert set(titles) <= texts, (name, set(titles) - texts)
        assert _rows(spec), f"{name}: no data"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_trend_chart_spec(delinquency, lang):
    spec = charts.dpd_trend_chart(delinquency["series"], "count", lang).to_dict()
    encoding = spec["encoding"]
    assert spec["mark"]["type"] == "line"
    assert encoding["x"]["field"] == "month_label" and encoding["y"]["field"] == "rate"
    assert encoding["y"]["axis"]["format"] == ".1%"
    thresholds = [labels.threshold("30+", lang), labels.threshold("90+", lang)]
    assert encoding["color"]["scale"]["domain"] == thresholds == encoding["color"]["sort"]
    bases = [t(f"basis.{b}", lang) for b in ("coincident", "lag3", "lag6")]
    assert encoding["strokeDash"]["scale"]["domain"] == bases
    assert encoding["strokeDash"]["scale"]["range"][0] == [1, 0]  # coincident solid, lagged dashed
    assert all(dash != [1, 0] for dash in encoding["strokeDash"]["scale"]["range"][1:])
    rows = _rows(spec)
    assert len(rows) == 13 * 2 * 3
    series = delinquency["series"]
    last = series.filter((series["threshold"] == "30+") & (series["measure"] == "count")).row(-1, named=True)
    by_key = {(r["month_label"], r["threshold"], r["basis"]): r["rate"] for r in rows}
    assert by_key[(last["month_end"].strftime("%Y-%m"), "30+", "lag3")] == pytest.approx(last["lag3"])
    coincident_only = charts.dpd_trend_chart(delinquency["series"], "balance", lang, lagged=False).to_dict()
    assert "strokeDash" not in coincident_only["encoding"]
    assert {r["basis"] for r in _rows(coincident_only)} == {"coincident"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_roll_heatmap_spec(delinquency, lang):
    spec = charts.roll_heatmap(delinquency["rolls"], "balance", lang).to_dict()
    cells, text = spec["layer"]
    assert cells["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    states = [labels.state(s, lang) for s in metrics.ROLL_TO_STATES]
    assert states[:7] == list(BUCKETS) and states[-4:] == [label("status", s, lang) for s in
                                                            ("paid_off", "charged_off", "restructured", "settled")]
    x, y = cells["encoding"]["x"], cells["encoding"]["y"]
    assert x["field"] == "to_state_label" and x["sort"] == states and x["scale"]["domain"] == states
    assert y["field"] == "from_bucket" and y["sort"] == list(BUCKETS)
    assert text["encoding"]["text"] == {"field": "rate", "format": ".1%", "type": "quantitative"}
    tips = {tip["title"]: tip for tip in cells["encoding"]["tooltip"]}
    assert {t("chart.loans", lang), t("chart.balance_yuan", lang), t("chart.roll_rate", lang)} <= set(tips)
    rows = _rows(spec)
    rolls = delinquency["rolls"]
    assert [r["rate"] for r in rows] == pytest.approx(rolls["balance_rate"].to_list())
    assert {r["to_state_label"] for r in rows} <= set(states)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_vintage_chart_highlights_the_cohort(delinquency, lang):
    spec = charts.vintage_chart(delinquency["vintages"], 90, "count", "2025-06", lang).to_dict()
    others, chosen = spec["layer"]
    assert others["transform"] == [{"filter": "(datum.cohort !== '2025-06')"}]
    assert chosen["transform"] == [{"filter": "(datum.cohort === '2025-06')"}]
    assert others["mark"]["color"] == charts.MUTED and chosen["mark"]["color"] == charts.HIGHLIGHT
    assert chosen["mark"]["strokeWidth"] > others["mark"]["strokeWidth"]
    for layer in (others, chosen):
        assert layer["encoding"]["x"]["field"] == "mob" and layer["encoding"]["x"]["title"] == t("chart.mob", lang)
        assert layer["encoding"]["y"]["title"] == t("delinquency.ever_90", lang)
        assert layer["encoding"]["detail"]["field"] == "cohort"
    vintages = delinquency["vintages"]
    assert [r["rate"] for r in _rows(spec)] == pytest.approx(vintages["ever_90_count"].to_list())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cure_and_flow_chart_specs(delinquency, lang):
    cures = charts.cure_chart(delinquency["cures"], "count", lang).to_dict()
    assert cures["encoding"]["color"]["scale"]["domain"] == list(BUCKETS[1:])
    assert [r["rate"] for r in _rows(cures)] == pytest.approx(delinquency["cures"]["count_rate"].to_list())
    flows = charts.flow_chart(delinquency["flows"], lang).to_dict()
    steps = flows["encoding"]["color"]["scale"]["domain"]
    assert steps[0] == "M0→M1" and steps[-1] == f"M6→{label('bucket', 'CO', lang)}" and len(steps) == 7
    assert not any("->" in r["step_label"] for r in _rows(flows))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_small_chart_specs(delinquency, executive, lang):
    fpd = charts.fpd_chart(delinquency["fpd"], lang).to_dict()
    assert (fpd["encoding"]["x"]["field"], fpd["encoding"]["y"]["field"]) == ("cohort", "rate")
    entry = charts.entry_chart(delinquency["entry"], lang).to_dict()
    assert len(_rows(entry)) == delinquency["entry"].height
    assert entry["encoding"]["y"]["title"] == t("chart.entry_rate", lang)
    balance = charts.balance_trend_chart(executive["balance"], lang).to_dict()
    assert balance["encoding"]["y"]["axis"]["labelExpr"] == charts.money_expr("datum.value", lang)
    nco = charts.nco_chart(executive["nco"], lang).to_dict()
    assert [r["month_label"] for r in _rows(nco)] == [m.strftime("%Y-%m") for m in executive["nco"]["month"]]
    cash = charts.cash_chart(executive["cash"], lang).to_dict()
    channels = [label("payment_channel", c, lang) for c in db.PAYMENT_CHANNELS]
    assert cash["encoding"]["color"]["scale"]["domain"] == channels
    assert {r["channel_label"] for r in _rows(cash)} <= set(channels)


# --------------------------------------------------------------------------------- labels and formats

def test_every_segment_value_in_the_book_has_a_label(demo_con):
    """Each value of each segment reads as a label, not a code (cohorts read as their month)."""
    for segment in SEGMENTS:
        values = [v for (v,) in demo_con.execute(f"SELECT DISTINCT {segment} FROM loan_segment").fetchall()]
        for value in values:
            for lang in LANGUAGES:
                shown = labels.segment_value(segment, value, lang)
                if segment == "cohort":
                    assert re.fullmatch(r"\d{4}-\d{2}", shown)
                else:
                    assert f"{notes.VALUE_KINDS[segment]}.{value}" in CATALOG, (segment, value)
                    assert shown != value or lang == "zh" and segment == "province", (segment, value, lang)
    assert labels.segment_value("province", "Atlantis", "en") == "Atlantis"  # unknown: as it is


def test_labels():
    assert labels.segment_value("channel", "broker", "zh") == "中介"
    assert labels.segment_value("province", "江西", "en") == "Jiangxi"
    assert labels.segment_value("city_tier", "1", "zh") == "一线城市"
    assert labels.scope("channel", "broker", "zh") == "获客渠道「中介」"
    assert labels.scope(None, None, "en") == "All loans"
    assert labels.flow_step("M6->CO", "en") == "M6→Charge-off"
    assert labels.state("charged_off", "zh") == "已核销" and labels.state("M3", "zh") == "M3"
    assert labels.ordered_values("score_band", ["750+", "<600", "650-699"], "en") == ["<600", "650-699", "750+"]
    assert labels.ordered_values("cohort", ["2025-01", "2026-03"], "en") == ["2026-03", "2025-01"]
    assert set(labels.SEGMENT_CHOICES) == {"all", *SEGMENTS} and SCORE_BANDS


def test_formats():
    assert fmt.money(9_166_900.5, "zh") == "¥916.69万"
    assert fmt.money(123_456_789, "zh") == "¥1.23亿"
    assert fmt.money(9_166_900.5, "en") == "¥9.17M"
    assert fmt.money(973_125.85, "en") == "¥973.1k"
    assert fmt.money(-4_319_900, "zh", signed=True) == "-¥431.99万"
    assert fmt.money(927_008.6, "en", signed=True) == "+¥927.0k"
    assert fmt.pct(0.049217) == "4.92%" and fmt.pct(None) == fmt.NONE
    assert fmt.pp(-0.005848, "en") == "-0.58 pp" and fmt.pp(0.0123, "zh") == "+1.23个百分点"
    assert fmt.pp_size(-0.0738) == "7.38"
    assert fmt.count(1776.0) == "1,776" and fmt.count(202.0, signed=True) == "+202"


def test_pages_and_ui_hold_no_sql():
    """Data flows one way: the pages and ui/ call monitor, they do not query the database themselves."""
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE)\b\s|\.execute\(|\.sql\(")
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        assert not sql.search(path.read_text()), path.name
