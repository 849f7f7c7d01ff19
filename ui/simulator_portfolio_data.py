"""The portfolio simulator page's data: cached runs of monitor.simulate (read-only, through ui.data.load),
and saving a scenario through monitor.simulate.scenarios' short read-write connection."""

from __future__ import annotations

import datetime as dt

import polars as pl

from monitor import access, db
from monitor.simulate import policy, projection, scenarios
from monitor.simulate.inputs import SimulationInputError
from ui import data
from ui.simulator_portfolio_choices import Choices


def _simulate(con, as_of: dt.date, months: int, option: str | None, take_up: float, segment: str | None,
              value: str | None, stress: float, window: int, paths: int, seed: int) -> dict:
    """The simulation, or {"error": "no_loans"} when the policy's segment has no active loan."""
    chosen = None if option is None else policy.make_policy(option, take_up, segment, value)
    try:
        return projection.simulate(con, as_of, months, policy=chosen, stress=stress, window=window, paths=paths,
                                   seed=seed, past=data.past_days())
    except SimulationInputError:
        return {"error": "no_loans"}


def simulation(as_of: dt.date, choices: Choices) -> dict:
    """monitor.simulate.projection.simulate for the page's choices (cached per data version)."""
    return data.load(_simulate, as_of, choices.months, choices.option, choices.take_up, choices.segment,
                      choices.value, choices.stress, choices.window, choices.paths, choices.seed)


def saved_scenarios() -> pl.DataFrame:
    return data.load(scenarios.list_scenarios)


def save(name: str, as_of: dt.date, parameters: dict, summary: dict, actor: access.Actor) -> str | None:
    """Save a scenario as `actor` (the page passes ui.auth.actor() after asking ui.auth.allowed; scenarios.save
    checks save_scenario again); returns the error message to show (a locked file, a name taken), else None."""
    try:
        scenarios.save(data.db_path(), name, as_of, parameters, summary, actor=actor)
    except (db.DatabaseError, ValueError) as exc:
        return str(exc)
    return None
