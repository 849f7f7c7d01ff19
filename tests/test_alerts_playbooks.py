"""Contingency playbooks (monitor.alerts.playbooks): set and read, refused with the field named, the starter
playbooks in both languages."""

from __future__ import annotations

import pytest

from monitor import alerts_starter, db
from monitor.alerts import playbooks
from monitor.i18n import CATALOG
from tests.test_alerts_drill import create_tables

STARTER_METRICS = ("dpd30_balance", "roll_m1_m2", "fpd30_newest", "net_charge_off", "model_psi", "hours_since_batch",
                   "entry_rate_mtd")


@pytest.fixture
def con():
    con = db.memory()
    create_tables(con, "limits", "playbooks")
    con.execute("""INSERT INTO limits VALUES
        (1, '30+', 'dpd30_balance', NULL, NULL, 'above', 0.08, 0.12, 1, 'risk manager', NULL, true, 1, NULL),
        (2, 'cure', 'cure_m1', NULL, NULL, 'below', 0.30, 0.20, 1, 'collections head', NULL, true, 1, NULL),
        (3, 'psi', 'model_psi', NULL, NULL, 'above', 0.10, 0.25, 1, 'model owner', NULL, true, 1, NULL)""")
    yield con
    con.close()


def test_every_starter_metric_has_a_playbook_in_both_languages():
    assert set(alerts_starter.STARTER_PLAYBOOKS) == set(STARTER_METRICS)
    for metric in STARTER_METRICS:
        found = alerts_starter.starter(metric)
        assert found["decision"] in playbooks.DECISIONS and len(found["steps"]) >= 3
        for step in found["steps"]:
            assert CATALOG[step]["zh"] and CATALOG[step]["en"]
            assert playbooks.step_text(step, "zh") != playbooks.step_text(step, "en")
    assert alerts_starter.starter("cure_m1") is None


def test_starters_go_to_the_limits_without_a_playbook_once(con):
    playbooks.set_playbook(con, 3, ["Recalibrate"], "analyst", "review_model")
    assert alerts_starter.install_starters(con) == 1  # limit 1; cure_m1 has no starter, limit 3 has its own
    assert alerts_starter.install_starters(con) == 0
    found = playbooks.read_all(con)
    assert found[1] == {"limit_id": 1, "steps": [f"playbook.step.dpd30_balance.{n}" for n in (1, 2, 3, 4)],
                        "owner": "risk manager", "decision": "tighten_cutoffs"}
    assert found[3]["steps"] == ["Recalibrate"] and 2 not in found
    assert playbooks.step_text(found[1]["steps"][1], "en") == (
        "Move collectors from the late buckets to M1 and M2 for the next two weeks.")
    assert playbooks.step_text("Recalibrate", "zh") == "Recalibrate"


def test_set_replaces_and_reads_back(con):
    playbooks.set_playbook(con, 2, ["Call M1 first", " Offer plans "], "collections head", "move_agents")
    playbooks.set_playbook(con, 2, ["Offer re-installment"], "collections head", "offer_plans")
    assert playbooks.playbook(con, 2) == {"limit_id": 2, "steps": ["Offer re-installment"],
                                          "owner": "collections head", "decision": "offer_plans"}
    assert playbooks.playbook(con, 1) is None
    assert playbooks.decision_text("offer_plans", "zh") == "提供还款方案（展期、再分期、协商结清）"


@pytest.mark.parametrize(("args", "message"), [
    ((9, ["x"], "me", "move_agents"), "limit_id: no limit 9"),
    ((1, [], "me", "move_agents"), "steps: give at least one step"),
    ((1, ["x", " "], "me", "move_agents"), "steps: step 2 is empty"),
    ((1, ["x"], "", "move_agents"), "owner: name who runs the playbook"),
    ((1, ["x"], "me", "pray"), "decision: unknown decision 'pray'"),
])
def test_bad_playbooks_are_refused_naming_the_field(con, args, message):
    with pytest.raises(playbooks.PlaybookError, match=message):
        playbooks.set_playbook(con, *args)
    assert playbooks.read_all(con) == {}
