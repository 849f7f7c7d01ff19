"""Contingency drills (monitor.alerts.drill): the shocks on a tiny chain worked by hand, and the issue's check on the
demo book: the severe stress breaches a limit, the baseline none."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest

from monitor import alerts_schema as schema
from monitor import db
from monitor.alerts import drill
from monitor.simulate.inputs import SimulationInputError
from monitor.simulate.policy import STATES

AS_OF = dt.date(2026, 11, 29)
S = {name: i for i, name in enumerate(STATES)}


def create_tables(con, *names):
    """The tables of monitor.alerts_schema this module needs, empty (a book of schema version 4 starts with the
    starter limits: replaced here by the test's own)."""
    for statement in schema.DDL.split(";"):
        if any(f"EXISTS {name} (" in statement for name in names):
            con.execute(statement)
    for name in names:
        con.execute(f"DELETE FROM {name}")


def chain(rows: dict) -> np.ndarray:
    matrix = np.zeros((len(STATES), len(STATES)))
    for source, moves in rows.items():
        for target, share in moves.items():
            matrix[S[source], S[target]] = share
    for absorbing in ("CO", "ST", "PO"):
        matrix[S[absorbing], S[absorbing]] = 1.0
    return matrix


TINY = chain({"M0": {"M0": 0.9, "M1": 0.05, "PO": 0.05}, "M1": {"M0": 0.4, "M2": 0.5, "PO": 0.1},
              "M2": {"M3": 1.0}, "M3": {"M4": 1.0}, "M4": {"M5": 1.0}, "M5": {"M6": 1.0}, "M6": {"CO": 1.0}})


def state(**balances) -> np.ndarray:
    start = np.zeros(len(STATES))
    for name, amount in balances.items():
        start[S[name]] = amount
    return start


def test_capacity_cut_moves_cures_to_staying_and_rolling_on_in_proportion():
    matrix = chain({"M1": {"M0": 0.4, "M1": 0.2, "M2": 0.3, "PO": 0.1}})
    cut = drill.cut_cures(matrix, 0.5)[S["M1"]]
    # 0.2 no longer cures: 0.2 x 0.2/0.5 stays in M1, 0.2 x 0.3/0.5 rolls to M2; PO untouched
    assert cut[[S["M0"], S["M1"], S["M2"], S["PO"]]] == pytest.approx([0.2, 0.28, 0.42, 0.1])
    assert drill.cut_cures(matrix, 0.0) == pytest.approx(matrix)


def test_a_payment_channel_out_turns_current_and_repaid_balance_into_m1():
    matrix = chain({"M0": {"M0": 0.9, "M1": 0.04, "PO": 0.06}})
    row = drill.miss_installments(matrix, 0.1)[S["M0"]]
    assert row[[S["M0"], S["M1"], S["PO"]]] == pytest.approx([0.81, 0.136, 0.054])
    assert row.sum() == pytest.approx(1.0)


def test_the_outage_hits_the_first_month_only():
    stack = drill.month_matrices(TINY, 3, missed=0.1)
    assert stack[0][S["M0"], S["M1"]] == pytest.approx(0.05 + 0.1 * 0.95)
    assert stack[1] == pytest.approx(TINY) and stack[2] == pytest.approx(TINY)


def test_the_static_book_and_its_metrics_on_a_tiny_chain():
    balances, moves = drill.run(state(M0=900, M1=100, M6=10), drill.month_matrices(TINY, 2))
    # month 1: M0 900 -> 810 M0, 45 M1, 45 PO; M1 100 -> 40 M0, 50 M2, 10 PO; M6 10 -> CO;
    # the 55 collected are lent again: M0 = 810 + 40 + 55
    assert balances[1][[S["M0"], S["M1"], S["M2"], S["CO"], S["PO"]]] == pytest.approx([905, 45, 50, 10, 55])
    # month 2: M0 905 -> 814.5, 45.25, 45.25; M1 45 -> 18, 22.5, 4.5; M2 50 -> M3; relent 49.75
    assert balances[2][[S["M0"], S["M1"], S["M2"], S["M3"]]] == pytest.approx([882.25, 45.25, 22.5, 50])
    first, second = drill.projected_metrics(balances, moves, settlement_lgd=0.5)
    assert first == pytest.approx({"dpd30_balance": 50 / 1000, "dpd60_balance": 0.0, "dpd90_balance": 0.0,
                                   "roll_m0_m1": 45 / 900, "roll_m1_m2": 0.5, "roll_m2_m3": None,
                                   "net_charge_off": 10 * 12 / ((1010 + 1000) / 2)})
    assert second == pytest.approx({"dpd30_balance": 72.5 / 1000, "dpd60_balance": 50 / 1000, "dpd90_balance": 0.0,
                                    "roll_m0_m1": 0.05, "roll_m1_m2": 0.5, "roll_m2_m3": 1.0,
                                    "net_charge_off": 0.0})


def test_judge_by_direction():
    assert drill.judge("above", 0.04, 0.06, 0.05) == "amber"
    assert drill.judge("above", 0.04, 0.06, 0.07) == "red"
    assert drill.judge("above", 0.04, 0.06, 0.04) is None
    assert drill.judge("below", 0.5, 0.4, 0.45) == "amber"
    assert drill.judge("below", 0.5, 0.4, 0.3) == "red"
    assert drill.judge("above", 0.04, 0.06, None) is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"capacity_cut": 1.5}, "capacity_cut must be a share between 0 and 1"),
    ({"channel_outages": {"pigeon": 3}}, "unknown payment channel 'pigeon'"),
    ({"channel_outages": {"auto_debit": 0}}, "days must be a whole number from 1 to 30"),
    ({"channel_shocks": {"broker": -1}}, "channel_shock broker"),
    ({"stress": "awful"}, "stress must be mild, severe or a number"),
])
def test_bad_scenarios_are_refused_naming_the_field(kwargs, message):
    with pytest.raises(SimulationInputError, match=message):
        drill.make_scenario(**kwargs)


# the levels of the starter limits that fit the demo book (see the report: the demo book today is already at
# 4.92% 30+ by balance and a 45% M1->M2 roll, beyond 4% and 35%)
DEMO_LIMITS = """INSERT INTO limits VALUES
 (1, '30+ by balance', 'dpd30_balance', NULL, NULL, 'above', 0.08, 0.12, 1, 'risk', NULL, true, 1, NULL),
 (2, 'M1->M2 roll', 'roll_m1_m2', NULL, NULL, 'above', 0.50, 0.60, 2, 'collections', NULL, true, 1, NULL),
 (3, 'Net charge-off', 'net_charge_off', NULL, NULL, 'above', 0.10, 0.15, 1, 'cro', NULL, true, 1, NULL),
 (4, 'FPD30', 'fpd30_newest', NULL, NULL, 'above', 0.06, 0.08, 1, 'risk', NULL, true, 1, NULL),
 (5, 'PSI', 'model_psi', NULL, NULL, 'above', 0.10, 0.25, 1, 'model', NULL, true, 1, NULL),
 (6, 'Last batch', 'hours_since_batch', NULL, NULL, 'above', 26, 48, 1, 'data', NULL, true, 1, NULL),
 (7, 'Broker 30+', 'dpd30_balance', 'channel', 'broker', 'above', 0.08, 0.12, 1, 'risk', NULL, true, 1, NULL),
 (8, 'Off', 'dpd30_balance', NULL, NULL, 'above', 0.01, 0.02, 1, 'risk', NULL, false, 1, NULL)"""


@pytest.fixture(scope="module")
def demo_book(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("drill") / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    create_tables(con, "limits", "playbooks", "drills")
    con.execute(DEMO_LIMITS)
    yield con
    con.close()


def test_on_the_demo_book_the_severe_stress_breaches_and_the_baseline_does_not(demo_book):
    baseline = drill.run_drill(demo_book, AS_OF, drill.make_scenario())
    severe = drill.run_drill(demo_book, AS_OF, drill.make_scenario("severe"))
    assert baseline["breaches"] == [] and severe["baseline_breaches"] == []
    assert [(b["limit_id"], b["level"]) for b in severe["breaches"] if b["month"] == 1] == [(2, "red")]
    judged = {limit["limit_id"]: limit for limit in severe["limits"]}
    assert judged[2]["first_amber"]["month"] == 1  # straight to red: amber or beyond from month 1
    assert judged[2]["first_red"]["month"] == 1 and judged[2]["first_red"]["value"] > 0.60  # 42.7% x 1.5
    assert judged[1]["first_amber"]["month"] == 2 and judged[1]["first_red"]["month"] > 2  # 30+: 6.6%, 10.2%, ...
    assert {i: judged[i]["reason"] for i in (4, 5, 6, 7)} == {4: "metric", 5: "metric", 6: "metric", 7: "segment"}
    assert 8 not in judged  # disabled
    assert severe["cash_shortfall"] > 0 and baseline["cash_shortfall"] == 0
    assert all(m["cash"]["shortfall"] == 0 for m in baseline["monthly"])


def test_the_starter_limits_hold_at_baseline_and_breach_under_the_severe_stress(demo_db):
    """The issue's check with the limits every book starts with (monitor.alerts_starter), not the test's own."""
    con = db.connect(demo_db, read_only=True)
    try:
        baseline = drill.run_drill(con, AS_OF, drill.make_scenario())
        severe = drill.run_drill(con, AS_OF, drill.make_scenario("severe"))
    finally:
        con.close()
    assert baseline["breaches"] == []
    assert {(b["metric"], b["level"]) for b in severe["breaches"]} >= {("roll_m1_m2", "red")}


def test_shocks_on_the_demo_book(demo_book):
    capacity = drill.capacity_today(demo_book, AS_OF)
    found = drill.run_drill(demo_book, AS_OF, drill.make_scenario(
        channel_shocks={"broker": 1.5}, capacity_cut=0.3, channel_outages={"auto_debit": 15}), months=3)
    assert len(found["monthly"]) == 3 and found["monthly"][0]["month_end"] == "2026-12-31"
    assert found["monthly"][0]["workload"]["capacity"] == pytest.approx(capacity * 0.7)
    outage = found["outages"][0]
    assert outage["missed"] == pytest.approx(outage["share"] * 15 / 30) and 0 < outage["share"] < 1
    first, second = (m["metrics"]["roll_m0_m1"] for m in found["monthly"][:2])
    base = found["monthly"][0]["baseline"]["roll_m0_m1"]
    assert first > base + 0.9 * outage["missed"] * (1 - base) and second < first
    with pytest.raises(SimulationInputError, match="channel=nowhere has no loans"):
        drill.run_drill(demo_book, AS_OF, drill.make_scenario(channel_shocks={"nowhere": 1.2}))


def test_a_channel_shock_adds_the_difference_it_makes_to_the_channels_own_path():
    # half of the M0 balance is the channel's, on the book's chain; its forward rolls doubled: M0 -> M1 0.05 -> 0.10
    start = state(M0=900, M1=100)
    balances, moves = drill.shocked_path(start, TINY, 2, {}, [(state(M0=450), TINY, 2.0)])
    # month 1: the book's 900 give 45 to M1, the channel's 450 give 45 instead of 22.5
    assert balances[1][S["M1"]] == pytest.approx(45 + 22.5)
    assert moves[0][S["M0"], S["M1"]] == pytest.approx(67.5)
    same = drill.shocked_path(start, TINY, 2, {}, [(state(M0=450), TINY, 1.0)])
    assert same[0] == pytest.approx(drill.run(start, drill.month_matrices(TINY, 2))[0])


@pytest.fixture
def tiny_book(tmp_path):
    """Four loans at 2026-11-29: loan 1 current, its latest payment by auto_debit (balance 100); loan 2 current,
    latest by app (balance 200, an auto_debit payment earlier); loan 3 in M2 (its October installment unpaid), paying
    by auto_debit; loan 4 current and new, nothing paid yet (balance 300)."""
    from tests.builders import Book

    book = Book(tmp_path / "tiny.duckdb")
    months = [dt.date(2026, m, 1) for m in range(7, 13)]
    book.loan(1, "2026-06-01", "600.00", [(d, "100.00", "0", "0") for d in months])
    book.loan(2, "2026-06-01", "1200.00", [(d, "200.00", "0", "0") for d in months])
    book.loan(3, "2026-06-01", "600.00", [(d, "100.00", "0", "0") for d in months])
    book.loan(4, "2026-11-10", "300.00", [(dt.date(2026, 12, 10), "300.00", "0", "0")])
    for due in months[:5]:
        book.payment(1, due, "100.00", "auto_debit")
        book.payment(2, due, "200.00", "auto_debit" if due.month == 9 else "app")
    for due in months[:3]:
        book.payment(3, due, "100.00", "auto_debit")
    book.action(1, 3, "2026-11-20 10:00", outcome="no_answer")
    book.action(2, 3, "2026-11-21 10:00", outcome="no_answer")
    book.action(3, 1, "2026-11-29 20:00", outcome="no_answer")
    book.action(4, 2, "2026-10-30 20:00", outcome="no_answer")  # 31 days before: outside the window
    yield book.con
    book.close()


def test_outage_share_and_capacity_on_a_tiny_book(tiny_book):
    # current balance 100 + 200 + 300; of it, the loan whose latest payment went by auto_debit: 100
    assert drill.outage_share(tiny_book, AS_OF, "auto_debit") == pytest.approx(100 / 600)
    assert drill.outage_share(tiny_book, AS_OF, "app") == pytest.approx(200 / 600)
    assert drill.outage_share(tiny_book, AS_OF, "legal") == 0.0
    assert drill.capacity_today(tiny_book, AS_OF) == 2  # loans 3 and 1
