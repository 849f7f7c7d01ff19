"""What the Limits and alerts page reads (monitor.alerts.board), on the hand-built book of tests/alerts_book.py with
one limit on the hours since the last batch (landed 2026-03-31 17:00; amber above 30, red above 60, pending 1),
evaluated at the end of 03-31 (7 h: ok), 04-01 (31 h: amber), 04-02 (55 h), 04-03 (79 h: red) and 04-04 (103 h),
the n-th evaluation run at NOW + n hours."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.alerts import board, evaluate, limits, responses
from tests import alerts_book

NOW = dt.datetime(2026, 4, 20, 9, 0)


def at(n: int) -> dt.datetime:
    return NOW + dt.timedelta(hours=n)


@pytest.fixture
def con(tmp_path):
    book = alerts_book.build(tmp_path / "b.duckdb")
    for limit_id in limits.listing(book.con)["limit_id"]:  # the starter set: left out of these tests
        limits.disable(book.con, "tester", limit_id)
    limit_id = limits.add(book.con, "tester", name="stale data", metric="hours_since_batch", amber=30, red=60,
                          owner="Zhang Wei")
    assert board.last_evaluation(book.con) is None
    assert board.board(book.con, NOW).select("limit_id", "state", "evaluated").rows() == [(limit_id, "ok", False)]
    for n in range(5):
        evaluate.evaluate(book.con, alerts_book.DAY + dt.timedelta(days=n), now=at(n))
    yield book.con
    book.close()


def test_the_trend_counts_the_limits_at_each_level_after_each_evaluation(con):
    assert board.trend(con).rows() == [
        (at(0), "amber", 0), (at(0), "red", 0), (at(1), "amber", 1), (at(1), "red", 0),
        (at(2), "amber", 1), (at(2), "red", 0), (at(3), "amber", 0), (at(3), "red", 1),
        (at(4), "amber", 0), (at(4), "red", 1)]
    assert board.last_evaluation(con) == (at(4), dt.date(2026, 4, 4))
    assert board.counts(board.board(con, at(5))) == {"red": 1, "amber": 0}
    assert board.figures(board.board(con, at(5))) == {"red": 1, "amber": 0, "ok": 0, "unread": 0}


def test_the_board_row_and_the_history_with_who_acknowledged(con):
    red_event = con.execute("SELECT event_id FROM alert_events WHERE to_state = 'red'").fetchall()[0][0]
    responses.acknowledge(con, "risk@lender.cn", red_event, "calling the data team", now=at(5))
    limit_id = limits.find(con, "stale data")
    responses.silence(con, "risk@lender.cn", limit_id, at(30), "the feed is being fixed", now=at(5))
    row = board.board(con, at(6)).row(0, named=True)
    assert (row["name"], row["state"], row["value"], row["why"], row["since"], row["owner"]) == (
        "stale data", "red", 103.0, None, at(3), "Zhang Wei")
    assert (row["event_id"], row["event_at"], row["event_value"]) == (red_event, at(3), 79.0)  # fired at 79 h
    assert (row["acked_by"], row["acked_at"], row["ack_comment"]) == ("risk@lender.cn", at(5), "calling the data team")
    assert row["silenced_until"] == at(30)
    assert board.board(con, at(31)).row(0, named=True)["silenced_until"] is None  # the silence is over
    history = board.history(con).select("from_state", "to_state", "value", "level", "happened_at", "acknowledged")
    assert history.rows() == [("amber", "red", 79.0, 60.0, at(3), "risk@lender.cn: calling the data team"),
                              ("ok", "amber", 31.0, 30.0, at(1), None)]
