"""python -m monitor alerts / limits on the hand-built book (tests/alerts_book.py): the JSON of an evaluation, the
limits' commands, and bad input as one line with exit 2."""

from __future__ import annotations

import json

import pytest

from tests import alerts_book
from tests.test_cli import assert_bad_input, monitor


@pytest.fixture
def book(tmp_path):
    alerts_book.build(tmp_path / "b.duckdb").close()
    return tmp_path / "b.duckdb"


def run(book, *args):
    return monitor(*args, "--db", book.name, cwd=book.parent)


def test_alerts_json_lists_every_limit_and_the_events_written(book):
    added = run(book, "limits", "add", "--name", "M1 roll, app", "--metric", "roll_m1_m2", "--segment", "channel",
                "--value", "app", "--amber", "0.3", "--red", "0.6", "--owner", "collections_lead",
                "--format", "json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)[0]["limit_id"] == 8
    result = run(book, "alerts", "--as-of", "2026-03-31", "--format", "json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["as_of"], found["kind"], found["repeated"]) == ("2026-03-31", "nightly", False)
    states = {row["name"]: row for row in found["states"]}
    assert len(states) == 8
    # 30+ by balance 900 / 2100 = 42.9 % (red above 6 %); M1 -> M2 900 / 1800 = 50 % (red above 45 %)
    assert (states["30+ rate by balance"]["state"], states["30+ rate by balance"]["value"]) == (
        "red", pytest.approx(900 / 2100))
    assert (states["M1 roll, app"]["state"], states["M1 roll, app"]["value"]) == ("amber", 0.5)
    assert (states["Score PSI"]["state"], states["Score PSI"]["why"]) == ("ok", "no_model")
    assert states["Hours since the last batch"]["value"] == pytest.approx(7)
    # FPD30: the first installment (due 02-10) unsettled on 03-12 for loans 2 and 3 (paid 03-15): 2 of 4
    assert (states["FPD30, newest cohorts"]["state"], states["FPD30, newest cohorts"]["value"]) == ("red", 0.5)
    # 入催率 month to date: of the four installments due 03-10, three unsettled that day (loans 2, 3, 4): red,
    # but its pending is 2, so it stays ok after one evaluation
    entry = states["Collection entry rate, month to date"]
    assert (entry["state"], entry["candidate"], entry["streak"], entry["value"]) == ("ok", "red", 1, 0.75)
    assert {(e["limit_id"], e["from_state"], e["to_state"]) for e in found["events"]} == {
        (1, "ok", "red"), (2, "ok", "red"), (3, "ok", "red"), (8, "ok", "amber")}
    again = json.loads(run(book, "alerts", "--as-of", "2026-03-31", "--format", "json").stdout)
    assert again["repeated"] and again["evaluation_id"] == found["evaluation_id"]
    assert {e["event_id"] for e in again["events"]} == {e["event_id"] for e in found["events"]}


def test_ack_and_silence_from_the_command_line(book):
    found = json.loads(run(book, "alerts", "--as-of", "2026-03-31", "--format", "json").stdout)
    event = found["events"][0]["event_id"]
    acked = run(book, "alerts", "ack", "--event", event, "--comment", "queue moved to team B", "--by", "anna")
    assert acked.returncode == 0, acked.stderr
    silenced = run(book, "alerts", "silence", "--limit", "M1 to M2 roll", "--until", "2099-01-01 08:00",
                   "--comment", "known")
    assert silenced.returncode == 0, silenced.stderr
    assert_bad_input(run(book, "alerts", "silence", "--limit", "2", "--until", "2020-01-01 08:00",
                         "--comment", "late"), "until:", "after now")
    assert_bad_input(run(book, "alerts", "ack", "--event", event), "alerts ack needs --comment")
    assert_bad_input(run(book, "alerts", "silence", "--limit", "9", "--until", "soon", "--comment", "x"),
                     "--until", "not a time")


def test_limits_set_and_disable_are_versioned(book):
    assert run(book, "limits", "set", "--limit", "1", "--amber", "0.03", "--by", "anna").returncode == 0
    assert run(book, "limits", "disable", "--limit", "Score PSI").returncode == 0
    listed = json.loads(run(book, "limits", "list", "--format", "json").stdout)
    assert (listed[0]["amber"], listed[0]["version"]) == (0.03, 2)
    assert (listed[4]["enabled"], listed[4]["version"]) == (False, 2)
    text = run(book, "limits", "list").stdout
    assert "Score PSI [model_psi, book] above amber 0.1 red 0.25 pending 1 owner risk_manager v2 (disabled)" in text


@pytest.mark.parametrize(("args", "words"), [
    (["limits", "add", "--name", "x", "--metric", "nope", "--amber", "1", "--red", "2", "--owner", "o"],
     ["metric: unknown metric nope"]),
    (["limits", "add", "--name", "x", "--metric", "dpd30_count", "--segment", "channel", "--value", "tv",
      "--amber", "0.1", "--red", "0.2", "--owner", "o"], ["segment_value:", "no channel value tv"]),
    (["limits", "set", "--limit", "1", "--red", "0.01"], ["amber:", "amber must be below red"]),
    (["limits", "set", "--limit", "99", "--red", "0.01"], ["limit: there is no limit 99"]),
    (["limits", "add", "--name", "x"], ["limits add needs --metric"]),
    (["alerts", "--as-of", "2020-01-01"], ["--as-of 2020-01-01 is before all data"]),
])
def test_bad_input_is_one_line_and_exit_2(book, args, words):
    assert_bad_input(run(book, *args), *words)
