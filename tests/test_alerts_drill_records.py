"""Drill records and reports (monitor.alerts.drill_records, drill_report) and `python -m monitor drill`: the issue's
check on the demo book: a drill under the severe stress shows limits breaching, none at baseline, and its report is
saved and read back."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from monitor import alerts_starter, cli, db
from monitor.alerts import drill, drill_records, drill_report
from tests.test_alerts_drill import AS_OF, DEMO_LIMITS, create_tables


@pytest.fixture(scope="module")
def book(demo_db, tmp_path_factory):
    """A copy of the demo book with the limits, playbooks and drills tables, the demo's limits and their starter
    playbooks; closed, for each test to open."""
    path = tmp_path_factory.mktemp("drill_records") / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    create_tables(con, "limits", "playbooks", "drills")
    con.execute(DEMO_LIMITS)
    alerts_starter.install_starters(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def severe(book):
    con = db.connect(book, read_only=True)
    try:
        return drill.run_drill(con, AS_OF, drill.make_scenario("severe"))
    finally:
        con.close()


def test_the_report_in_both_languages(severe):
    zh, en = (drill_report.to_html(severe, lang, "2026-12-05 09:00:00", "risk manager") for lang in ("zh", "en"))
    assert '<html lang="zh-CN">' in zh and "应急演练报告" in zh and "压力系数 1.5：前滚率 ×1.5，治愈率 ÷1.5" in zh
    assert "Stress 1.5: forward rolls x1.5, cures /1.5" in en and "Run at 2026-12-05 09:00:00 by risk manager" in en
    # M1->M2 at 42.7% x 1.5 over its red level of 60% from the first month; its starter playbook is shown
    assert "month 1 (2026-12-31): 64.01%" in en and '<span class="red">red</span>' in en
    assert "Move agents to the M1 accounts with the highest balance and PD" in en
    assert "把催收人员调往余额与 PD 最高的 M1 账户" in zh
    assert en.count("Not projected: the projection cannot give this metric") == 3
    assert "Not projected: the drill projects the whole book, not a segment" in en
    for page in (zh, en):
        assert "<script" not in page and "http" not in page.replace('lang="', "")


def test_saved_listed_and_read_back(book, severe):
    con = db.connect(book)
    try:
        baseline = drill.run_drill(con, AS_OF, drill.make_scenario())
        with db.transaction(con):
            first = drill_records.save(con, baseline, drill_report.to_html(baseline, "en"), "analyst",
                                       dt.datetime(2026, 12, 5, 9))
            second = drill_records.save(con, severe, drill_report.to_html(severe, "zh"), "risk manager",
                                        dt.datetime(2026, 12, 5, 10))
        listed = drill_records.list_drills(con)
        red = {b["limit_id"] for b in severe["breaches"] if b["level"] == "red"}
        assert [(d["drill_id"], d["run_by"], d["limits_breached"], d["limits_red"]) for d in listed[:2]] == [
            (second, "risk manager", len({b["limit_id"] for b in severe["breaches"]}), len(red)),
            (first, "analyst", 0, 0)]
        assert listed[0]["scenario"]["stress"] == 1.5 and listed[0]["as_of"] == AS_OF
        assert listed[0]["breaches"] == len(severe["breaches"]) > 0
        back = drill_records.read(con, second)
        assert back["findings"] == json.loads(json.dumps(severe)) and "应急演练报告" in back["report"]
        assert drill_records.read(con, "nope") is None
        con.execute("DELETE FROM drills")
    finally:
        con.close()


def test_the_command_saves_a_drill_and_prints_its_report(book, capsys):
    assert cli.main(["drill", "--db", str(book), "--stress", "severe", "--channel-shock", "broker=1.2",
                     "--capacity-cut", "0.3", "--channel-outage", "auto_debit=5", "--save", "--format", "html",
                     "--lang", "en", "--run-by", "drill team"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("<!DOCTYPE html>") and "Payment channel auto_debit out for 5 days" in out
    assert err.startswith("saved drill ")
    con = db.connect(book, read_only=True)
    try:
        (saved,) = drill_records.list_drills(con)
        assert saved["run_by"] == "drill team" and saved["drill_id"] in err
        assert saved["scenario"] == {"stress": 1.5, "channel_shocks": {"broker": 1.2}, "capacity_cut": 0.3,
                                     "channel_outages": {"auto_debit": 5}}
        assert drill_records.read(con, saved["drill_id"])["report"].strip() == out.strip()
    finally:
        con.close()
    assert cli.main(["drill", "--db", str(book), "--months", "2"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["breaches"] == [] and len(printed["monthly"]) == 2 and "drill_id" not in printed


@pytest.mark.parametrize(("args", "message"), [
    (["--channel-shock", "broker"], "--channel-shock: write NAME=VALUE (VALUE a number), got 'broker'"),
    (["--channel-shock", "nowhere=1.2"], "segment channel=nowhere has no loans active at 2026-11-29"),
    (["--capacity-cut", "1.5"], "capacity_cut must be a share between 0 and 1"),
    (["--channel-outage", "pigeon=2"], "unknown payment channel 'pigeon'"),
    (["--stress", "0"], "stress must be a number > 0"),
])
def test_bad_input_is_one_line_and_exit_2(book, capsys, args, message):
    assert cli.main(["drill", "--db", str(book), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_the_report_names_the_starter_limits_in_its_language(demo_db):
    """On the demo book's own starter limits: the M1 -> M2 roll breaches under the severe stress, named in Chinese
    in the Chinese report (monitor.alerts.names), in English in the English one."""
    con = db.connect(demo_db, read_only=True)
    try:
        severe = drill.run_drill(con, AS_OF, drill.make_scenario("severe"))
    finally:
        con.close()
    zh, en = (drill_report.to_html(severe, lang) for lang in ("zh", "en"))
    assert "M1→M2 迁移率" in zh and "30+ 逾期率（按余额）" in zh and "评分 PSI" in zh
    assert "M1 to M2 roll" not in zh and "Score PSI" not in zh and "risk_manager" not in zh
    assert "（负责人 风险经理；" in zh  # the starter limits' owner is a role, in words
    assert "M1 to M2 roll" in en and "M1→M2 迁移率" not in en
