"""The Limits and alerts page and the Executive summary's line through AppTest, on copies of the demo book with its
starter limits and two limits added so that one breach is red and one amber (levels set around the values the
catalog reads, worked out in the fixture), evaluated twice (a month-end before, then the demo day): breaches first
and in order, values in their units, the reasons of unread values, acknowledge and silence recorded with who, an
executive who reads but cannot act, a refused edit naming its field, a change versioned, evaluate now, a drill."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, alerts_starter, db
from monitor.alerts import actions, catalog, contacts, evaluate
from monitor.alerts import limits as store
from monitor.cli import main
from monitor.i18n import LANGUAGES, t
from ui import format as fmt
from ui import safe_text

from .conftest import DEMO_AS_OF
from .test_pages_access import signed_in
from .test_pages_apptest import page_of

BEFORE = dt.date(2026, 10, 31)
NOW_BEFORE = dt.datetime(2026, 11, 1, 6, 0)
NOW = dt.datetime(2026, 11, 30, 6, 0)
CHANNEL = "app"


def _copy(demo_db: Path, folder: Path) -> Path:
    path = folder / "book.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def alerts_book(demo_db, tmp_path_factory) -> dict:
    """A copy of the demo book with a red and an amber limit added, evaluated at BEFORE and at DEMO_AS_OF; what the
    page must show, read from the book as stored."""
    path = _copy(demo_db, tmp_path_factory.mktemp("alerts"))
    con = db.connect(path)
    try:
        count = catalog.read(con, "dpd30_count", DEMO_AS_OF).value
        channel = catalog.read(con, "dpd1_balance", DEMO_AS_OF, "channel", CHANNEL).value
        # red: the value is above red (0.8 v); amber: above amber (0.9 v), below red (1.5 v)
        red_id = store.add(con, "tester", name="Red test limit", metric="dpd30_count", amber=count * 0.5,
                           red=count * 0.8, owner="Zhang Wei")
        amber_id = store.add(con, "tester", name="Amber test limit", metric="dpd1_balance", segment="channel",
                             segment_value=CHANNEL, amber=channel * 0.9, red=channel * 1.5, owner="Li Na")
        evaluate.evaluate(con, BEFORE, now=NOW_BEFORE)
        evaluate.evaluate(con, DEMO_AS_OF, now=NOW)
        states = {row[0]: row[1:] for row in con.execute(
            "SELECT limit_id, state, value, why FROM alert_state").fetchall()}
        events = con.execute("SELECT count(*) FROM alert_events").fetchall()[0][0]
    finally:
        con.close()
    return {"path": path, "count": count, "channel": channel, "red": red_id, "amber": amber_id, "states": states,
            "events": events}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is: nothing listens there


SECRET = "s3cr3t-robot-key"


def with_undelivered(path: Path) -> int:
    """Route the red test limit's events (its owner Zhang Wei) to a webhook on a closed port of 127.0.0.1 and run
    `alerts-deliver` once: its message stays undelivered after one failed attempt. Returns the port."""
    port = closed_port()
    con = db.connect(path)
    try:
        contacts.add(con, "Zhang Wei", "wecom", f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key={SECRET}",
                      who="tester", now=NOW_BEFORE - dt.timedelta(days=1))
    finally:
        con.close()
    assert main(["alerts-deliver", "--db", str(path)]) == 0
    return port


def page(path: Path, monkeypatch, lang: str, stem: str = "alerts") -> AppTest:
    return page_of(path, monkeypatch, stem, lang)


def as_role(path: Path, monkeypatch, role: str, email: str) -> AppTest:
    at = signed_in(path, monkeypatch, email, groups=[role])
    at.run()
    at.switch_page("pages/alerts.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def badges(at: AppTest) -> list[str]:
    return [e.value for e in at.main.markdown if "-badge[" in e.value]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_breaches_come_first_red_then_amber_with_value_against_level(alerts_book, monkeypatch, lang):
    at = page(alerts_book["path"], monkeypatch, lang)
    states = alerts_book["states"]
    red = [i for i, (state, _, _) in states.items() if state == "red"]
    amber = [i for i, (state, _, _) in states.items() if state == "amber"]
    assert alerts_book["red"] in red and alerts_book["amber"] in amber
    shown = badges(at)
    assert len(shown) == len(red) + len(amber)
    assert all(f":red-badge[{t('alerts_page.state.red', lang)}]" in line for line in shown[:len(red)])
    assert all(f":orange-badge[{t('alerts_page.state.amber', lang)}]" in line for line in shown[len(red):])
    assert "Red test limit" in shown[red.index(alerts_book["red"])]
    # the red limit's value against its levels, as percentages (a rate)
    count = alerts_book["count"]
    line = t("alerts_page.value_line", lang, value=fmt.pct(count), direction=t("alerts_page.direction.above", lang),
             amber=fmt.pct(count * 0.5), red=fmt.pct(count * 0.8))
    assert line in [e.value for e in at.main.markdown]
    # the amber limit names its scope in words and its owner
    amber_line = next(line for line in shown if "Amber test limit" in line)
    assert t("alerts_page.metric.dpd1_balance", lang) in amber_line
    captions = "\n".join(e.value for e in at.main.caption)
    assert "Li Na" in captions and "Zhang Wei" in captions
    # the counts above the fold
    metrics = {m.label: m.value for m in at.main.metric}
    assert metrics[t("alerts_page.count_red", lang)] == str(len(red))
    assert metrics[t("alerts_page.count_amber", lang)] == str(len(amber))
    # one trend chart for the section, the history of every event, the reasons of the values not read
    assert len(at.main.get("vega_lite_chart")) == 1
    tables = at.main.dataframe
    history = tables[2] if len(tables) > 2 else None
    unread = {why for state, _, why in states.values() if why is not None and state == "ok"}
    if unread:
        reasons = set(tables[1].value[t("alerts_page.col.why", lang)])
        assert reasons == {t(f"alerts.why.{why}", lang) for why in unread}
    else:
        history = tables[1]
    assert history is not None and len(history.value) == alerts_book["events"]
    text = " ".join(str(v) for table in tables for v in table.value.to_numpy().ravel())
    for raw in ("dpd30_count", "risk_manager", "dpd1_balance", "None", "nan"):
        assert raw not in text, raw
    # the starter limits by their names in this language (stored in English, monitor.alerts.names)
    assert {name for name, *_ in alerts_starter.STARTER if name in text} == (
        set() if lang == "zh" else {name for name, *_ in alerts_starter.STARTER})
    assert (t("alerts.limit_name.dpd30_balance", "zh") in text) == (lang == "zh")


def test_executive_summary_counts_red_and_amber_with_a_link(alerts_book, monkeypatch):
    """The line of counts links to the page; for an analyst, who may not open it, it is text."""
    at = page(alerts_book["path"], monkeypatch, "en", "executive")
    states = [state for state, _, _ in alerts_book["states"].values()]
    line = t("executive.alerts", "en", red=states.count("red"), amber=states.count("amber"))
    links = at.get("page_link")
    assert [(link.proto.label, link.proto.help) for link in links] == [
        (t("executive.alerts_linked", "en", line=line), t("executive.alerts_link", "en"))]
    assert links[0].proto.page.endswith("alerts")
    analyst = signed_in(alerts_book["path"], monkeypatch, "analyst@lender.cn", groups=["analyst"])
    analyst.run()
    analyst.switch_page("pages/executive.py").run()
    assert not analyst.exception and not analyst.get("page_link")
    assert f":material/crisis_alert: {line}" in [e.value for e in analyst.main.markdown]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_undelivered_notification_is_shown_with_its_error(alerts_book, tmp_path, monkeypatch, lang):
    assert t("alerts_page.all_delivered", lang) in [e.value for e in page(alerts_book["path"], monkeypatch,
                                                                           lang).main.caption]
    path = _copy(alerts_book["path"], tmp_path)
    port = with_undelivered(path)
    con = db.connect(path, read_only=True)
    try:
        [(queued_at, next_at, attempts)] = con.execute(
            "SELECT created_at, next_attempt_at, attempts FROM alert_deliveries").fetchall()
    finally:
        con.close()
    at = page(path, monkeypatch, lang)
    assert t("alerts_page.undelivered", lang) in [e.value for e in at.main.subheader]
    assert t("alerts_page.all_delivered", lang) not in [e.value for e in at.main.caption]
    heads = [t(f"alerts_page.col.{c}", lang) for c in ("contact", "limits", "queued_at", "attempts", "next_attempt",
                                                         "last_error")]
    [table] = [d.value for d in at.main.dataframe if list(d.value.columns) == heads]
    [row] = table.to_dicts() if hasattr(table, "to_dicts") else table.to_dict("records")
    assert (row[heads[0]], row[heads[1]], row[heads[2]], row[heads[3]], row[heads[4]]) == (
        "Zhang Wei", "Red test limit", f"{queued_at:%Y-%m-%d %H:%M}", attempts, f"{next_at:%Y-%m-%d %H:%M}")
    assert attempts == 1 and next_at == queued_at + dt.timedelta(seconds=30)  # the first backoff
    assert row[heads[5]].startswith(t("notify.failure.unreachable", lang, url=f"http://127.0.0.1:{port}/***",
                                      reason=""))  # in the reader's language; the network's reason as it gave it
    assert "refused" in row[heads[5]].lower()
    assert SECRET not in str(table.to_numpy())  # the robot's key is not shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_executive_summary_and_the_page_show_one_count(alerts_book, monkeypatch, lang):
    """Both read board.counts / board.figures of one board: the red and amber of the line are the page's cards."""
    states = [state for state, _, _ in alerts_book["states"].values()]
    assert states.count("red") >= 1 and states.count("amber") >= 1
    cards = {m.label: m.value for m in page(alerts_book["path"], monkeypatch, lang).main.metric}
    shown = {state: int(cards[t(f"alerts_page.count_{state}", lang)]) for state in ("red", "amber")}
    assert shown == {"red": states.count("red"), "amber": states.count("amber")}
    executive = page(alerts_book["path"], monkeypatch, lang, "executive")
    line = t("executive.alerts", lang, **shown)
    assert [link.proto.label for link in executive.get("page_link")] == [
        t("executive.alerts_linked", lang, line=line)]


def test_acknowledge_and_silence_are_recorded_with_who(alerts_book, tmp_path, monkeypatch):
    path = _copy(alerts_book["path"], tmp_path)
    email = "risk@lender.cn"
    at = as_role(path, monkeypatch, "risk_manager", email)
    red = alerts_book["red"]
    at.text_input(key=f"alerts_comment_{red}").input("Calling the broker channel's top 50").run()
    at.button(key=f"alerts_ack_{red}").click().run()
    assert not at.exception and not at.main.error
    until = dt.datetime.combine(dt.date.today() + dt.timedelta(days=2), dt.time(9, 0))
    at.text_input(key=f"alerts_comment_{red}").input("Known: the channel is being fixed").run()
    at.date_input(key=f"alerts_silence_day_{red}").set_value(until.date()).run()
    at.button(key=f"alerts_silence_{red}").click().run()
    assert not at.exception and not at.main.error
    con = db.connect(path, read_only=True)
    try:
        acks = con.execute("SELECT e.limit_id, a.acked_by, a.comment FROM alert_acks a JOIN alert_events e "
                           "USING (event_id)").fetchall()
        silences = con.execute("SELECT limit_id, until, silenced_by, comment FROM alert_silences").fetchall()
    finally:
        con.close()
    assert acks == [(red, email, "Calling the broker channel's top 50")]
    assert silences == [(red, until, email, "Known: the channel is being fixed")]
    captions = "\n".join(e.value for e in at.main.caption)
    assert t("alerts_page.silenced_until", "en", until=f"{until:%Y-%m-%d %H:%M}") in captions
    assert safe_text.escape(email) in captions and safe_text.escape("Calling the broker channel") in captions


def test_an_executive_reads_the_page_and_cannot_act(alerts_book, monkeypatch):
    at = as_role(alerts_book["path"], monkeypatch, "executive", "boss@lender.cn")
    assert [e.value for e in at.main.title] == [t("alerts.title", "en")]
    assert badges(at)  # the breaches are shown
    assert t("alerts_page.read_only", "en") in [e.value for e in at.main.caption]
    labels = {b.label for b in at.main.button}
    assert not labels & {t("alerts_page.acknowledge", "en"), t("alerts_page.silence", "en"),
                         t("alerts_page.evaluate", "en"), t("alerts_page.save", "en"),
                         t("alerts_page.run_drill", "en")}
    boss = access.Actor(subject="boss", email="boss@lender.cn", roles=frozenset({"executive"}))
    with pytest.raises(access.AccessDenied):  # checked where the write runs, not only by the hidden button
        actions.acknowledge(alerts_book["path"], boss, "any", "seen")
    with pytest.raises(access.AccessDenied):
        actions.change_limit(alerts_book["path"], boss, 1, amber=0.01)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_refused_edit_names_the_field_and_a_change_is_versioned(alerts_book, tmp_path, monkeypatch, lang):
    path = _copy(alerts_book["path"], tmp_path)
    at = page(path, monkeypatch, lang)
    at.selectbox(key="alerts_edit_limit").set_value(1).run()  # the starter 30+ rate by balance: amber 6 %, red 8 %
    at.number_input(key="alerts_edit_1_amber_rate").set_value(9.0).run()
    at.button(key="alerts_edit_1_save").click().run()
    assert [e.value for e in at.main.error] == [
        t("alerts.refused.amber_above", lang, field=t("alerts_page.field.amber", lang),
          **safe_text.escape_all({"amber": "9.00%", "red": "8.00%"}))]  # the levels as typed, in percent
    at.number_input(key="alerts_edit_1_amber_rate").set_value(6.5).run()
    at.button(key="alerts_edit_1_save").click().run()
    assert not at.main.error
    shown = {"zh": "30+ 逾期率（按余额）", "en": "30+ rate by balance"}[lang]  # the starter's name in words
    assert [e.value for e in at.main.success] == [t("alerts_page.saved", lang, name=safe_text.escape(shown), version=2)]
    con = db.connect(path, read_only=True)
    try:
        versions = store.versions(con, 1)
    finally:
        con.close()
    # the name as shown, saved unchanged, is no rename: the stored name and its key stay
    assert [(v["version"], v["changed_by"], v["after"]["amber"], v["after"]["name"], v["after"]["name_key"])
            for v in versions] == [(1, "system", 0.06, "30+ rate by balance", "dpd30_balance"),
                                   (2, "local", 0.065, "30+ rate by balance", "dpd30_balance")]
    shown = at.main.dataframe[-1].value  # the versions, newest first
    assert list(shown[t("alerts_page.col.changes", lang)]) == [
        t("alerts_page.changed", lang, field=t("alerts_page.field.amber", lang), before=0.06, after=0.065),
        t("alerts_page.created", lang)]


def test_a_new_limit_is_added_and_a_missing_owner_refused(alerts_book, tmp_path, monkeypatch):
    path = _copy(alerts_book["path"], tmp_path)
    at = page(path, monkeypatch, "en")
    at.text_input(key="alerts_edit_new_name").input("Share of the broker channel").run()
    at.selectbox(key="alerts_edit_new_metric").set_value("segment_share").run()
    at.selectbox(key="alerts_edit_new_segment").set_value("channel").run()
    at.number_input(key="alerts_edit_new_amber_rate").set_value(30.0).run()
    at.number_input(key="alerts_edit_new_red_rate").set_value(40.0).run()
    at.button(key="alerts_edit_new_save").click().run()
    assert [e.value for e in at.main.error] == [t("alerts.refused.empty", "en", field="Owner")]
    at.text_input(key="alerts_edit_new_owner").input("Wang Fang").run()
    at.button(key="alerts_edit_new_save").click().run()
    assert not at.main.error, [e.value for e in at.main.error]
    con = db.connect(path, read_only=True)
    try:
        added = store.listing(con).filter(store.listing(con)["name"] == "Share of the broker channel").to_dicts()
    finally:
        con.close()
    assert len(added) == 1
    row = added[0]
    assert (row["metric"], row["segment"], row["amber"], row["red"], row["owner"], row["version"]) == (
        "segment_share", "channel", 0.3, 0.4, "Wang Fang", 1)


def test_evaluate_now_on_a_book_never_evaluated(demo_db, tmp_path, monkeypatch):
    path = _copy(demo_db, tmp_path)
    at = page(path, monkeypatch, "en")
    assert t("alerts_page.never_evaluated", "en") in [e.value for e in at.main.info]
    at.button(key="alerts_evaluate").click().run()
    assert not at.exception and not at.main.error
    con = db.connect(path, read_only=True)
    try:
        limits = con.execute("SELECT count(*) FROM limits WHERE enabled").fetchall()[0][0]
        events = con.execute("SELECT count(*) FROM alert_events").fetchall()[0][0]
        runs = con.execute("SELECT count(*) FROM alert_evaluations").fetchall()[0][0]
    finally:
        con.close()
    assert runs == 1
    assert [e.value for e in at.main.success] == [t("alerts_page.evaluated", "en", limits=limits, events=events)]
    at.button(key="alerts_evaluate").click().run()  # the same data: nothing new
    assert [e.value for e in at.main.success] == [t("alerts_page.evaluated_before", "en")]


def test_a_drill_is_run_saved_and_its_report_offered(alerts_book, tmp_path, monkeypatch):
    path = _copy(alerts_book["path"], tmp_path)
    at = page(path, monkeypatch, "en")
    assert t("alerts_page.no_drills", "en") in [e.value for e in at.main.info]
    at.button(key="alerts_run_drill").click().run()
    assert not at.exception and not at.main.error, [e.value for e in at.main.error]
    assert [e.value for e in at.main.success] == [t("alerts_page.drill_saved", "en")]
    con = db.connect(path, read_only=True)
    try:
        drills = con.execute("SELECT run_by, as_of, scenario ->> 'stress', report FROM drills").fetchall()
    finally:
        con.close()
    assert len(drills) == 1
    run_by, as_of, stress, report = drills[0]
    assert (run_by, as_of, float(stress)) == ("local", DEMO_AS_OF, 1.5)
    assert report.startswith("<!DOCTYPE html") or "<html" in report
    assert at.get("download_button")


def test_a_playbook_is_edited_from_the_starter_steps(alerts_book, tmp_path, monkeypatch):
    path = _copy(alerts_book["path"], tmp_path)
    at = page(path, monkeypatch, "en")
    at.selectbox(key="alerts_edit_limit").set_value(1).run()  # 30+ rate by balance: the starter playbook, in words
    steps = at.text_area(key="alerts_playbook_1_steps")
    assert steps.value.splitlines() == [t(f"playbook.step.dpd30_balance.{n}", "en") for n in range(1, 5)]
    steps.input("  \n").run()
    at.button(key="alerts_playbook_1_save").click().run()
    assert [e.value for e in at.main.error] == [
        t("alerts.refused.empty", "en", field=t("alerts_page.playbook_steps", "en"))]
    at.text_area(key="alerts_playbook_1_steps").input("Call the broker's top 50 accounts\n\nOffer re-installment").run()
    at.selectbox(key="alerts_playbook_1_decision").set_value("offer_plans").run()
    at.button(key="alerts_playbook_1_save").click().run()
    assert not at.main.error
    con = db.connect(path, read_only=True)
    try:
        stored = con.execute("SELECT steps, owner, decision FROM playbooks WHERE limit_id = 1").fetchall()
    finally:
        con.close()
    assert stored == [(["Call the broker's top 50 accounts", "Offer re-installment"], "risk_manager", "offer_plans")]
