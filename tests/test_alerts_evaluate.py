"""Evaluation's state machine on a hand-built book (tests/alerts_book.py): a limit on the hours since the last data
batch (landed 2026-03-31 17:00), amber above 30, red above 60, pending 2, evaluated at the end of later days:
03-31 7 h (ok), 04-01 31 h (amber), 04-02 55 h (amber), 04-03 79 h (red), 04-04 103 h (red)."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.alerts import evaluate, limits, responses
from tests import alerts_book

NOW = dt.datetime(2026, 4, 20, 9, 0)  # the clock of every evaluation: later than every day evaluated


def day(n: int) -> dt.date:
    return alerts_book.DAY + dt.timedelta(days=n)


@pytest.fixture
def con(tmp_path):
    book = alerts_book.build(tmp_path / "b.duckdb")
    for limit_id in limits.listing(book.con)["limit_id"]:  # the starter set: left out of these tests
        limits.disable(book.con, "tester", limit_id)
    limits.add(book.con, "tester", name="stale data", metric="hours_since_batch", amber=30, red=60, pending=2,
               owner="risk_manager")
    yield book.con
    book.close()


def run(con, n: int) -> evaluate.Evaluation:
    return evaluate.evaluate(con, day(n), now=NOW)


def events(con) -> list[tuple]:
    return con.execute("SELECT as_of, from_state, to_state, value, level, silenced FROM alert_events "
                       "ORDER BY as_of").fetchall()


def test_a_state_changes_only_after_pending_evaluations_at_it_and_resolves(con):
    first = run(con, 0)
    assert first.states.select("state", "candidate", "streak", "value").row(0) == ("ok", "ok", 1, 7.0)
    one = run(con, 1)  # one breach does not fire
    assert one.states.select("state", "candidate", "streak").row(0) == ("ok", "amber", 1)
    assert one.events.is_empty() and events(con) == []
    two = run(con, 2)  # the second does
    assert two.states.select("state", "streak", "since").row(0) == ("amber", 2, NOW)
    assert events(con) == [(day(2), "ok", "amber", 55.0, 30.0, False)]
    run(con, 3)
    run(con, 4)
    assert events(con)[-1] == (day(4), "amber", "red", 103.0, 60.0, False)
    alerts_book.batch(con, "second", dt.datetime(2026, 4, 5, 20, 0))  # the data flows again
    run(con, 5)  # 4 hours: ok once
    assert events(con)[-1][2] == "red"
    run(con, 6)  # 28 hours: ok twice: resolved
    assert events(con)[-1] == (day(6), "red", "resolved", 28.0, 30.0, False)
    assert con.execute("SELECT state, candidate, streak FROM alert_state").fetchall() == [("ok", "ok", 2)]


def test_a_value_that_cannot_be_read_keeps_state_and_streak(con):
    run(con, 1)  # amber once
    con.execute("DELETE FROM ingest_batches").fetchall()
    unread = run(con, 2)
    assert unread.states.select("state", "candidate", "streak", "value", "why").row(0) == (
        "ok", "amber", 1, None, "no_batch")
    alerts_book.batch(con, "first", alerts_book.BATCH_AT)
    run(con, 2)  # the same day again, now with the batch: the second amber in a row fires
    assert events(con) == [(day(2), "ok", "amber", 55.0, 30.0, False)]


def test_evaluating_twice_with_the_same_data_changes_nothing(con):
    run(con, 1)
    first = run(con, 2)
    state = con.execute("SELECT * FROM alert_state").fetchall()
    again = run(con, 2)
    assert again.repeated and not first.repeated
    assert again.evaluation_id == first.evaluation_id
    assert again.events.select("event_id", "to_state").rows() == first.events.select("event_id", "to_state").rows()
    assert len(events(con)) == 1
    assert con.execute("SELECT * FROM alert_state").fetchall() == state
    assert con.execute("SELECT count(*) FROM alert_evaluations").fetchall() == [(2,)]


def test_new_data_is_a_new_evaluation(con):
    first = run(con, 1)
    alerts_book.batch(con, "late", dt.datetime(2026, 3, 31, 18, 0))
    again = run(con, 1)
    assert not again.repeated and again.evaluation_id != first.evaluation_id
    assert again.states["value"][0] == 30.0  # 18:00 to the end of 04-01: no longer beyond the amber 30


def test_intraday_evaluates_only_the_limits_that_move_during_the_day(con):
    limits.add(con, "tester", name="roll", metric="roll_m1_m2", amber=0.3, red=0.6, owner="risk_manager")
    assert evaluate.evaluate(con, day(0), "intraday", now=NOW).states["metric"].to_list() == ["hours_since_batch"]
    nightly = evaluate.evaluate(con, day(0), "nightly", now=NOW)
    assert nightly.states.select("metric", "state", "value").rows() == [
        ("hours_since_batch", "ok", 7.0), ("roll_m1_m2", "amber", 0.5)]


def test_a_silenced_limit_is_evaluated_and_its_events_marked(con):
    limit_id = limits.find(con, "stale data")
    responses.silence(con, "rm@lender", limit_id, dt.datetime(2026, 4, 30), "data centre move", now=NOW)
    run(con, 1)
    run(con, 2)
    assert events(con) == [(day(2), "ok", "amber", 55.0, 30.0, True)]
    assert con.execute("SELECT until, silenced_at, silenced_by, comment FROM alert_silences").fetchall() == [
        (dt.datetime(2026, 4, 30), NOW, "rm@lender", "data centre move")]


def test_an_event_is_acknowledged_with_a_comment(con):
    run(con, 1)
    event_id = run(con, 2).events["event_id"][0]
    responses.acknowledge(con, "rm@lender", event_id, "called the data team", now=NOW)
    assert con.execute("SELECT * FROM alert_acks").fetchall() == [(event_id, NOW, "rm@lender",
                                                                  "called the data team")]
    with pytest.raises(limits.LimitRefused, match="event: there is no alert event nope"):
        responses.acknowledge(con, "rm@lender", "nope", "x")
    with pytest.raises(limits.LimitRefused, match="comment: must not be empty"):
        responses.acknowledge(con, "rm@lender", event_id, " ")


def test_a_silence_must_end_ahead(con):
    with pytest.raises(limits.LimitRefused, match="until: the silence must end after now"):
        responses.silence(con, "rm", 1, dt.datetime(2026, 4, 1), "x", now=NOW)


@pytest.mark.parametrize(("value", "direction", "level"), [
    (0.05, "above", "ok"), (0.0501, "above", "amber"), (0.1001, "above", "red"),
    (0.5, "below", "ok"), (0.3, "below", "ok"), (0.29, "below", "amber"), (0.19, "below", "red")])
def test_the_level_of_a_value(value, direction, level):
    amber, red = (0.05, 0.10) if direction == "above" else (0.30, 0.20)
    assert evaluate.level_of(value, direction, amber, red) == level
