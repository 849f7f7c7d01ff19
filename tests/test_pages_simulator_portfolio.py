"""The portfolio simulator page through AppTest: both languages, no errors, no raw codes; the start ECL and the
backtest's warning beside the KPIs; every choice in the URL (a link opens the same view); a scenario saved,
listed and compared on a copy of the demo book."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from monitor import db, metrics
from monitor.i18n import LANGUAGES, t
from monitor.simulate import policy, projection, scenarios
from ui import context
from ui import format as fmt

from .conftest import DEMO_AS_OF
from .test_pages_apptest import ROOT, TIMEOUT, open_page, run

RAW = re.compile(r"\b(reinstallment|rate_cut|charge_offs|delinquent_end|stage[123]|simulator_portfolio\.)")


def _page(lang: str, as_of: str | None = None, **query) -> AppTest:
    sidebar = {"lang": lang} | ({"as_of": as_of} if as_of else {})
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), **sidebar)
    at.query_params.update(query)  # as a link carries them: read when the page's widgets first draw
    return open_page(at, "simulator_portfolio")


def _widget(at: AppTest, param: str):
    key = context.choice_key(param)
    for kind in (at.selectbox, at.select_slider, at.radio, at.number_input, at.multiselect):
        try:
            return kind(key=key)
        except KeyError:
            continue
    raise KeyError(param)


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
    assert len(at.metric) == 5  # four KPIs, and the ECL at the start
    assert any(t("simulator_portfolio.backtest_error", lang, mape="", margin="")[:8] in c.value for c in at.caption)
    if lang == "zh":
        assert not re.search(r"\b(Baseline|Scenario|Charge-offs|Stage)\b", text)


def test_the_kpis_say_when_the_backtest_missed_and_month_0_is_the_executive_ecl(demo_con, demo_db, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = _page("en")
    tested = projection.backtest(demo_con, DEMO_AS_OF, 6)
    assert tested["mape"] > projection.BACKTEST_MARGIN  # the demo's window sits in its macro shock
    mape, margin = fmt.pct(tested["mape"], 1), fmt.pct(projection.BACKTEST_MARGIN, 0)
    assert [w.value for w in at.warning] == [t("simulator_portfolio.warn.backtest_missed", "en",
                                               origin=tested["origin"], mape=mape, margin=margin)]
    kpis = at.metric[:4]
    assert all(m.help == t("simulator_portfolio.kpi_help_missed", "en", mape=mape, margin=margin) for m in kpis)
    ecl = metrics.expected_credit_loss(demo_con, DEMO_AS_OF)
    start = at.metric[4]
    assert start.label == f"ECL at {DEMO_AS_OF}"
    assert start.value == fmt.money(sum(ecl["ecl"].values()), "en")


def test_a_young_book_says_what_stands_in(demo_con, demo_db, monkeypatch):
    """In the book's second month: no backtest (a warning), every row of the chain on its stated prior (said), and
    the ECL inputs the book cannot show yet (said)."""
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    first = demo_con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]
    day = (first + dt.timedelta(days=40)).isoformat()
    at = _page("en", as_of=day)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [w.value for w in at.warning] == [t("simulator_portfolio.warn.no_backtest", "en")]
    infos = [i.value for i in at.info]
    assert any(i.startswith("M0, M1, M2, M3, M4, M5, M6: fewer than 20 loans") for i in infos), infos
    assert any(i.startswith("The book is too young to show some ECL inputs") for i in infos), infos
    cards = {m.label: m.value for m in at.metric}
    assert cards["Written off, 12 months"] != cards["Cash, 12 months"]


LINK = {"policy_segment": "channel", "policy_value": "broker", "option": "settlement", "take_up": "50",
        "stress": "custom", "factor": "1.7", "window": "3", "months": "18", "paths": "2000", "seed": "7"}


def test_a_link_opens_the_view_it_names(demo_con, demo_db, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = _page("en", **LINK)
    assert not at.error, [e.value for e in at.error]
    shown = {param: _widget(at, param).value for param in LINK}
    assert shown == {**LINK, "factor": 1.7, "seed": 7}
    assert at.query_params.items() >= LINK.items()
    expected = projection.simulate(demo_con, DEMO_AS_OF, 18, policy=policy.make_policy("settlement", 0.5, "channel",
                                                                                       "broker"),
                                   stress=1.7, window=3, paths=2000, seed=7)["summary"]
    cards = {m.label: m.value for m in at.metric}
    assert cards["Written off, 18 months"] == fmt.money(expected["scenario"]["charge_offs"], "en")
    assert cards["Cash, 18 months"] == fmt.money(expected["scenario"]["cash"], "en")


def test_changing_a_choice_updates_the_link(demo_db, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = _page("en")
    assert {p: at.query_params[p] for p in ("policy_segment", "option", "take_up", "stress", "window", "months",
                                            "paths", "seed")} == {
        "policy_segment": "all", "option": "reinstallment", "take_up": "30", "stress": "none", "window": "6",
        "months": "12", "paths": "1000", "seed": "0"}
    assert "policy_value" not in at.query_params and "factor" not in at.query_params
    _widget(at, "policy_segment").set_value("product").run()
    _widget(at, "months").set_value("24").run()
    _widget(at, "stress").set_value("custom").run()
    _widget(at, "factor").set_value(2.0).run()
    _widget(at, "seed").set_value(11).run()
    assert not at.exception
    assert {p: at.query_params[p] for p in ("policy_segment", "policy_value", "months", "stress", "factor",
                                            "seed")} == {
        "policy_segment": "product", "policy_value": _widget(at, "policy_value").value, "months": "24",
        "stress": "custom", "factor": "2.0", "seed": "11"}
    copied = dict(at.query_params)
    again = _page("en", **{p: v for p, v in copied.items() if p not in ("lang", "as_of")})
    assert {m.label: m.value for m in again.metric} == {m.label: m.value for m in at.metric}


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
    assert len(at.multiselect[0].value) == 2  # the two newest, to begin with
    assert "compare" in at.query_params
    linked = _page("en", compare="first")
    assert _widget(linked, "compare").value == ["first"]
    assert linked.info and not linked.error  # one scenario: the hint to pick two


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
