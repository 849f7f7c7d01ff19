"""The credit-policy page's data: the through-the-door population, today's policy, the data's assumptions and the
backtest's booked loans, read together and cached per data version (monitor.origination.policy_inputs through
ui.data.load); the what-if's figures computed on the cached population by monitor.origination.whatif
(milliseconds); saving a policy through a short read-write connection."""

from __future__ import annotations

import datetime as dt

import polars as pl

from monitor import access, access_store, db
from monitor.origination import backtest as backtest_module
from monitor.origination import policy_inputs, saved_policies, strategy, whatif
from monitor.origination.whatif import PolicyChoice
from monitor.origination.whatif_assumptions import Assumptions
from ui import data


def readiness(as_of: dt.date) -> dict:
    return data.load(strategy.readiness, as_of)


def _inputs(as_of: dt.date) -> policy_inputs.PolicyInputs:
    return data.load(policy_inputs.policy_inputs, as_of)


def population(as_of: dt.date) -> pl.DataFrame:
    return _inputs(as_of).population


def pairs(as_of: dt.date) -> list[tuple[str, str]]:
    """The (channel, product) pairs of the population, channels in the book's order."""
    found = population(as_of).select("channel", "product").unique()
    known = {channel: index for index, channel in enumerate(db.LOAN_CHANNELS)}
    return sorted(found.iter_rows(), key=lambda pair: (known.get(pair[0], len(known)), pair[0], pair[1]))


def today_policy(as_of: dt.date) -> PolicyChoice:
    return _inputs(as_of).today


def default_assumptions(as_of: dt.date) -> Assumptions:
    return _inputs(as_of).assumptions


def compare(as_of: dt.date, today: PolicyChoice, chosen: PolicyChoice, assumptions: Assumptions) -> dict:
    return whatif.compare(population(as_of), today, chosen, assumptions)


def frontier(as_of: dt.date, assumptions: Assumptions) -> pl.DataFrame:
    return whatif.frontier(population(as_of), assumptions)


def backtest(as_of: dt.date, chosen: PolicyChoice, assumptions: Assumptions) -> dict:
    first, last = backtest_module.backtest_window(as_of)
    figures = backtest_module.backtest_figures(_inputs(as_of).backtest, chosen, assumptions)
    return {"first": first.isoformat(), "last": last.isoformat(), **figures}


def warm(as_of: dt.date) -> None:
    """The page's cached figures of `as_of` computed ahead (ui.warm): what its first view waits seconds for at
    1,000,000 loans."""
    if readiness(as_of)["state"] == "ready":
        _inputs(as_of)


def saved_names() -> list[str]:
    return data.load(saved_policies.names)


def compare_saved(as_of: dt.date, names: tuple[str, ...]) -> dict[str, dict]:
    """Each saved policy's figures on today's population, with the assumptions it was saved with."""
    out = {}
    for name in names:
        choice, assumptions = data.load(saved_policies.load, name)
        out[name] = whatif.evaluate(population(as_of), choice, assumptions)
    return out


def save(name: str, choice: PolicyChoice, assumptions: Assumptions, actor: access.Actor) -> str | None:
    """Save a policy as `actor` (the page asks ui.auth.allowed first; this checks save_policy again) through a short
    read-write connection, and audit it; the error message to show (a locked file, a bad name), else None."""
    access.require(actor, "save_policy")
    path = data.db_path()
    try:
        con = db.connect(path)
        try:
            saved_policies.save(con, name, choice, assumptions, actor.email)
        finally:
            con.close()
    except (db.DatabaseError, ValueError) as exc:
        return str(exc)
    access_store.record(path, actor, "save_policy", name, {"choice": choice.as_json()})
    return None
