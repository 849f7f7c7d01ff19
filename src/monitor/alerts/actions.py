"""The writes of the Limits and alerts page, each as an actor who must hold its role (monitor.access.require, here
where the write runs) on a short read-write connection to the book (the dashboard holds none, DESIGN.md §7), and
each written to the audit log: edit a limit or its playbook (edit_limits); acknowledge, silence, evaluate now
(respond_alerts); run and save a drill (run_drill). A refused value raises LimitRefused (or PlaybookError,
SimulationInputError) naming the field; nothing is then written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from monitor import access, access_store, db, status
from monitor.alerts import drill, drill_records, drill_report, evaluate, playbooks, responses
from monitor.alerts import limits as store


def _write(path: str | Path, actor: access.Actor, action: str, object_: str | None, parameters: dict,
           work: Callable):
    access.require(actor, action)
    con = db.connect(path)
    try:
        result = work(con)
    finally:
        con.close()
    access_store.record(path, actor, action, object_, parameters)
    return result


def add_limit(path: str | Path, actor: access.Actor, **fields) -> int:
    """monitor.alerts.limits.add as `actor`: the new limit's id."""
    return _write(path, actor, "edit_limits", fields.get("name"), {"add": fields},
                  lambda con: store.add(con, actor.who, **fields))


def change_limit(path: str | Path, actor: access.Actor, limit_id: int, **fields) -> dict:
    """monitor.alerts.limits.change as `actor` (enabled=False disables): the limit as it now is."""
    return _write(path, actor, "edit_limits", str(limit_id), {"change": fields},
                  lambda con: store.change(con, actor.who, limit_id, **fields))


def set_playbook(path: str | Path, actor: access.Actor, limit_id: int, steps: list[str], owner: str,
                 decision: str) -> dict:
    """monitor.alerts.playbooks.set_playbook as `actor` (edit_limits): the playbook as written."""
    return _write(path, actor, "edit_limits", str(limit_id), {"playbook": {"steps": steps, "decision": decision}},
                  lambda con: playbooks.set_playbook(con, limit_id, steps, owner, decision))


def acknowledge(path: str | Path, actor: access.Actor, event_id: str, comment: str) -> None:
    _write(path, actor, "respond_alerts", event_id, {"acknowledge": comment},
           lambda con: responses.acknowledge(con, actor.who, event_id, comment))


def silence(path: str | Path, actor: access.Actor, limit_id: int, until: dt.datetime, comment: str) -> None:
    _write(path, actor, "respond_alerts", str(limit_id), {"silence_until": until, "comment": comment},
           lambda con: responses.silence(con, actor.who, limit_id, until, comment))


def evaluate_now(path: str | Path, actor: access.Actor) -> evaluate.Evaluation:
    """A nightly evaluation of the newest day of data (the command line's `alerts` without --as-of)."""
    def work(con):
        return evaluate.evaluate(con, status.latest_data_date(con) or dt.date.min)
    return _write(path, actor, "respond_alerts", None, {"evaluate": "nightly"}, work)


def run_drill(path: str | Path, actor: access.Actor, as_of: dt.date, stress: float | str, lang: str) -> str:
    """Run a drill under `stress` (monitor.simulate.policy's 'mild', 'severe' or a factor) from `as_of`, save it with
    its HTML report in `lang`, and return its id."""
    scenario = drill.make_scenario(stress)

    def work(con):
        findings = drill.run_drill(con, as_of, scenario)
        report = drill_report.to_html(findings, lang)
        with db.transaction(con):
            return drill_records.save(con, findings, report, actor.who)
    return _write(path, actor, "run_drill", None, {"as_of": as_of, "stress": stress}, work)
