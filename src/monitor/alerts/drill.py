"""Contingency drills (issue 16 item 5, DESIGN.md §10): a shock applied to the portfolio projection
(monitor.simulate.projection's chain), and month by month which limits would breach and when, the collections
workload against capacity and the cash shortfall against the baseline (no shock).

The shocks, combinable, each a change to the month's transition matrix (10 x 10, monitor.simulate.policy.STATES):
- stress: the what-if's factor (monitor.simulate.policy.apply_stress: forward rolls x factor, cures / factor).
- a channel's deterioration: its loans' rolls stressed by a further factor. As the simulator projects a policy on a
  segment, the book's path is its own path plus the difference the shock makes to the channel's loans' own chain.
- collection capacity cut by a share (a call centre down), every month of the horizon: the cures of M1..M3 (back
  to M0) are cut by that share; what no longer cures stays in the bucket or rolls on, in proportion to them.
- a payment channel out for N days (auto_debit down), month 1 only: installments fall due evenly over a month, so
  N / 30 of the current loans paying through the channel (by balance: the channel of each M0 loan's latest
  payment in the 3 months up to the day) miss one: that share of the M0 balance that would have stayed current or
  been repaid rolls to M1 instead; the chain then cures it or rolls it on as any M1 balance.

The metrics a projection can say (PROJECTED), from the projected states of month k (balances x_k, and the moves of
the month F_k[i, j] = x_(k-1)[i] x T_k[i, j]):
- dpd30/60/90_balance: M2-M6, M3-M6, M4-M6 balance over the M0-M6 balance. A bucket holds DPD ranges, so 30+ is
  counted from M2 (DPD 31+): the chain cannot see the loans on DPD 30, the last day of M1.
- roll_m0_m1, roll_m1_m2, roll_m2_m3: F_k[i, i + 1] / x_(k-1)[i], by balance as the catalog reads them.
- net_charge_off: the month's projected write-offs (monitor.simulate.projection.flows: charge-offs and what
  settlements lose) x 12 over the mean M0-M6 balance at the month's start and end (monitor.metrics.losses'
  annualization); the projection has no recoveries, so gross and net are the same.
An enabled limit on one of them on the whole book is judged each month: red beyond its red level, amber beyond its
amber level (beyond: above it for direction 'above', below it for 'below'); pending is not applied, since a projected
month stands for a month of evaluations. Any other limit is listed as not projected, with the reason.

Workload: the M1-M3 balance projected over today's mean balance per M1-M3 loan, in accounts, against capacity: the
distinct loans with a collection action in the 30 days up to the day, x (1 - capacity cut).
The book is static (as in a regulator's stress test): the principal collected each month is lent again as current loans,
so the shares are of a book that keeps its size, not of a run-off whose current loans pay down and leave the arrears.
Cash: the principal collected and what settlements pay (projection.flows' cash) of the baseline, less the drill's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np

from monitor import day_status, db, metrics, status
from monitor.alerts import playbooks
from monitor.book_schema import PAYMENT_CHANNELS
from monitor.limits import MAX_MONTHS
from monitor.months import last_month_end, months_before
from monitor.query import rows
from monitor.simulate import markov, projection
from monitor.simulate.inputs import SimulationInputError
from monitor.simulate.policy import CO, PO, ST, STATES, apply_stress, parse_stress

M0, M1, M2, M3, M4 = range(5)
ACTIVE = slice(0, len(markov.BUCKETS))  # M0..M6
EARLY = slice(M1, M3 + 1)  # M1..M3: the collectors' accounts
PROJECTED = ("dpd30_balance", "dpd60_balance", "dpd90_balance", "roll_m0_m1", "roll_m1_m2", "roll_m2_m3",
             "net_charge_off")
MONTH_DAYS = 30  # an outage of N days misses N / 30 of a month's installments
PAYMENT_WINDOW_MONTHS = 3  # the payments that say which channel a current loan pays through
ACTION_WINDOW_DAYS = 30  # the collection actions that measure today's capacity
WINDOW = 6  # month-end pairs the chain is estimated from, as the simulator's default
LEVELS = ("amber", "red")


@dataclass(frozen=True)
class Scenario:
    """A drill's shocks. No shock at all is the baseline."""
    stress: float = 1.0
    channel_shocks: dict[str, float] = field(default_factory=dict)  # loan channel -> roll factor
    capacity_cut: float = 0.0
    channel_outages: dict[str, int] = field(default_factory=dict)  # payment channel -> days down

    def to_dict(self) -> dict:
        return asdict(self)


def make_scenario(stress=1.0, channel_shocks: dict | None = None, capacity_cut=0.0,
                  channel_outages: dict | None = None) -> Scenario:
    """A checked scenario; a bad value raises SimulationInputError naming the field and the rule."""
    shocks = {}
    for channel, factor in (channel_shocks or {}).items():
        try:
            shocks[str(channel)] = parse_stress(factor)
        except SimulationInputError as exc:
            raise SimulationInputError(f"channel_shock {channel}: {exc}") from None
    try:
        cut = float(capacity_cut)
    except (TypeError, ValueError):
        raise SimulationInputError(f"capacity_cut must be a share between 0 and 1, got {capacity_cut!r}") from None
    if not 0 <= cut <= 1:
        raise SimulationInputError(f"capacity_cut must be a share between 0 and 1, got {capacity_cut!r}")
    outages = {}
    for channel, days in (channel_outages or {}).items():
        if channel not in PAYMENT_CHANNELS:
            raise SimulationInputError(f"channel_outage: unknown payment channel {channel!r}; choose one of "
                                       f"{', '.join(PAYMENT_CHANNELS)}")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MONTH_DAYS:
            raise SimulationInputError(f"channel_outage {channel}: days must be a whole number from 1 to "
                                       f"{MONTH_DAYS}, got {days!r}")
        outages[channel] = days
    return Scenario(parse_stress(stress), shocks, cut, outages)


def parse_pair(text: str, kind: type) -> tuple[str, float | int]:
    """NAME=VALUE of a command-line option (--channel-shock broker=1.5, --channel-outage auto_debit=5)."""
    name, sep, value = str(text).partition("=")
    try:
        if not sep or not name:
            raise ValueError
        return name, kind(value)
    except ValueError:
        raise SimulationInputError(f"write NAME=VALUE (VALUE a {'whole number' if kind is int else 'number'}), "
                                   f"got {text!r}") from None


# ------------------------------------------------------------------------------------------------ matrices

def cut_cures(matrix: np.ndarray, cut: float) -> np.ndarray:
    """Rows M1..M3: the roll back to M0 x (1 - cut); what no longer cures stays in the bucket or rolls on (a later
    bucket, charge-off, settlement), in proportion to them (all of it stays where the row has neither)."""
    result = matrix.copy()
    if not cut:
        return result
    for i in range(M1, M3 + 1):
        freed = result[i, M0] * cut
        result[i, M0] -= freed
        onward = np.zeros(len(STATES), bool)
        onward[i:len(markov.BUCKETS)] = True
        onward[[CO, ST]] = True
        weights = result[i] * onward
        if weights.sum() > 0:
            result[i] += freed * weights / weights.sum()
        else:
            result[i, i] += freed
    return result


def miss_installments(matrix: np.ndarray, missed: float) -> np.ndarray:
    """Row M0: `missed` of the balance that would stay current or be repaid rolls to M1 instead."""
    result = matrix.copy()
    staying = np.zeros(len(STATES))
    staying[[M0, PO]] = matrix[M0, [M0, PO]]
    moved = staying * missed
    result[M0] -= moved
    result[M0, M1] += moved.sum()
    return result


def month_matrices(matrix: np.ndarray, months: int, stress: float = 1.0, cut: float = 0.0,
                   missed: float = 0.0) -> np.ndarray:
    """The transition matrix of each month 1..months (months x 10 x 10) under the shocks."""
    shocked = cut_cures(apply_stress(matrix, stress), cut)
    stack = np.repeat(shocked[None], months, axis=0)
    stack[0] = miss_installments(stack[0], missed)
    return stack


def run(start: np.ndarray, matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Balances by state at months 0..K ((K + 1) x 10) and the moves of each month 1..K (K x 10 x 10), on a static
    book: the principal collected in a month (its move to PO, which keeps counting it as cash) is lent again as
    current loans (M0) at its end."""
    path, moves = [start.astype(float)], []
    for matrix in matrices:
        moved = path[-1][:, None] * matrix
        moves.append(moved)
        after = moved.sum(axis=0)
        after[M0] += moved[ACTIVE, PO].sum()
        path.append(after)
    return np.stack(path), np.stack(moves)


def shocked_path(start: np.ndarray, matrix: np.ndarray, months: int, shocks: dict,
                 channels: list[tuple[np.ndarray, np.ndarray, float]] = ()) -> tuple[np.ndarray, np.ndarray]:
    """run() of the book under the shocks (month_matrices' keywords), plus, for each channel (its start, its own
    matrix, its factor), the difference the factor makes to the channel's own path under the same shocks."""
    balances, moves = run(start, month_matrices(matrix, months, **shocks))
    for own, own_matrix, factor in channels:
        shocked = run(own, month_matrices(apply_stress(own_matrix, factor), months, **shocks))
        unshocked = run(own, month_matrices(own_matrix, months, **shocks))
        balances, moves = balances + shocked[0] - unshocked[0], moves + shocked[1] - unshocked[1]
    return balances, moves


# ------------------------------------------------------------------------------------------------ figures

def projected_metrics(balances: np.ndarray, moves: np.ndarray, settlement_lgd: float) -> list[dict]:
    """PROJECTED per month 1..K (see the module docstring); a share of nothing is None."""
    written_off = projection.flows(balances, settlement_lgd)["charge_offs"]
    result = []
    for k in range(1, balances.shape[0]):
        now, before = balances[k], balances[k - 1]
        active, mean = now[ACTIVE].sum(), (before[ACTIVE].sum() + now[ACTIVE].sum()) / 2
        figures = {f"dpd{x}_balance": _share(now[first:len(markov.BUCKETS)].sum(), active)
                   for x, first in ((30, M2), (60, M3), (90, M4))}
        figures |= {f"roll_m{i}_m{i + 1}": _share(moves[k - 1, i, i + 1], before[i]) for i in (M0, M1, M2)}
        figures["net_charge_off"] = _share(written_off[k - 1] * 12, mean)
        result.append(figures)
    return result


def _share(part: float, whole: float) -> float | None:
    return float(part / whole) if whole > 1e-9 else None


def judge(direction: str, amber: float, red: float, value: float | None) -> str | None:
    """'red', 'amber' or None (within the limit, or no value)."""
    if value is None:
        return None
    beyond = (lambda level: value > level) if direction == "above" else (lambda level: value < level)
    return "red" if beyond(red) else "amber" if beyond(amber) else None


def enabled_limits(con: duckdb.DuckDBPyConnection) -> list[dict]:
    if not db.table_exists(con, "limits"):
        return []
    found = rows(con, """SELECT limit_id, name, name_key, metric, segment, segment_value, direction, amber, red, owner
                         FROM limits WHERE enabled ORDER BY limit_id""")
    names = ("limit_id", "name", "name_key", "metric", "segment", "segment_value", "direction", "amber", "red",
             "owner")
    return [dict(zip(names, row, strict=True)) for row in found]


def not_projected_reason(limit: dict) -> str | None:
    """Why the drill cannot judge a limit (a catalog key under drill.not_projected.*), or None."""
    if limit["metric"] not in PROJECTED:
        return "metric"
    return "segment" if limit["segment"] is not None else None


def breaches(limits: list[dict], monthly: list[dict], month_ends: list[str]) -> list[dict]:
    """Each (limit, month) at amber or red, in month order."""
    found = []
    for k, figures in enumerate(monthly):
        for limit in limits:
            value = figures[limit["metric"]]
            level = judge(limit["direction"], limit["amber"], limit["red"], value)
            if level:
                found.append({"limit_id": limit["limit_id"], "name": limit["name"], "name_key": limit["name_key"],
                              "metric": limit["metric"],
                              "month": k + 1, "month_end": month_ends[k], "level": level, "value": value,
                              "threshold": limit[level], "direction": limit["direction"]})
    return found


def first_breaches(limit: dict, found: list[dict]) -> dict:
    """The first month at amber or beyond (first_amber) and at red (first_red), with the value then."""
    own = [b for b in found if b["limit_id"] == limit["limit_id"]]
    reached = {"amber": LEVELS, "red": ("red",)}
    return {f"first_{level}": next(({"month": b["month"], "month_end": b["month_end"], "value": b["value"]}
                                    for b in own if b["level"] in reached[level]), None) for level in LEVELS}


# ------------------------------------------------------------------------------------------------ inputs

def outage_share(con: duckdb.DuckDBPyConnection, as_of: dt.date, channel: str) -> float:
    """Of the balance current (M0) at `as_of`, the share whose latest payment in the PAYMENT_WINDOW_MONTHS up to
    it went through `channel`."""
    found = rows(con, f"""
        WITH latest AS (
            SELECT loan_id, arg_max(channel, paid_at) AS channel FROM payments
            WHERE paid_at >= CAST($since AS TIMESTAMP) AND paid_at < CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY
            GROUP BY loan_id
        )
        SELECT CAST(sum(d.principal_balance) FILTER (WHERE p.channel = $channel) AS DOUBLE),
               CAST(sum(d.principal_balance) AS DOUBLE)
        FROM ({day_status.source(con, as_of)}) d LEFT JOIN latest p USING (loan_id)
        WHERE d.bucket = 'M0'""", since=months_before(as_of, PAYMENT_WINDOW_MONTHS) + dt.timedelta(days=1),
        channel=channel, **status.status_params(con, as_of))[0]
    return float(found[0] or 0.0) / found[1] if found[1] else 0.0


def capacity_today(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """Distinct loans with a collection action in the ACTION_WINDOW_DAYS up to the end of `as_of`."""
    return int(rows(con, """SELECT count(DISTINCT loan_id) FROM collection_actions
                            WHERE action_at >= CAST($first AS TIMESTAMP)
                              AND action_at < CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY""",
                    first=as_of - dt.timedelta(days=ACTION_WINDOW_DAYS - 1), as_of=as_of)[0][0])


# ------------------------------------------------------------------------------------------------ the drill

def run_drill(con: duckdb.DuckDBPyConnection, as_of: dt.date, scenario: Scenario, months: int = 12) -> dict:
    """The drill's findings (JSON-ready): the scenario, month by month the projected metrics (drill and baseline),
    the breaches of the limits, the limits not projected and why, the workload against capacity, the cash shortfall,
    and the playbooks of the limits that breach.
    A channel without loans active at `as_of` raises SimulationInputError."""
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise SimulationInputError(f"months must be a whole number from 1 to {MAX_MONTHS}, got {months!r}")
    for channel in scenario.channel_shocks:
        markov.check_filters(con, (("channel", channel),), as_of)
    start = markov.start_balances(con, as_of)
    matrix = markov.estimate(con, last_month_end(as_of), WINDOW).matrix()
    lgd = projection.settlement_loss(metrics.loss_given_default(con, as_of))["lgd"]
    outages = [{"channel": c, "days": d, "share": outage_share(con, as_of, c)}
               for c, d in scenario.channel_outages.items()]
    for outage in outages:
        outage["missed"] = outage["share"] * outage["days"] / MONTH_DAYS
    missed = min(1.0, sum(o["missed"] for o in outages))
    shocks = {"stress": scenario.stress, "cut": scenario.capacity_cut, "missed": missed}
    channels = [(markov.start_balances(con, as_of, (("channel", channel),))["balance"],
                 markov.estimate(con, last_month_end(as_of), WINDOW, (("channel", channel),)).matrix(), factor)
                for channel, factor in scenario.channel_shocks.items()]
    balances, moves = shocked_path(start["balance"], matrix, months, shocks, channels)
    base_balances, base_moves = run(start["balance"], month_matrices(matrix, months))
    first = projection.first_month_end(as_of)
    month_ends = [months_before(first, -k).isoformat() for k in range(months)]
    drilled, baseline = (projected_metrics(b, m, lgd) for b, m in ((balances, moves), (base_balances, base_moves)))
    limits = enabled_limits(con)
    judged = [limit for limit in limits if not_projected_reason(limit) is None]
    found, found_baseline = breaches(judged, drilled, month_ends), breaches(judged, baseline, month_ends)
    cash, base_cash = (projection.flows(b, lgd)["cash"] for b in (balances, base_balances))
    early_loans = start["loans"][EARLY].sum()
    per_account = start["balance"][EARLY].sum() / early_loans if early_loans else None
    capacity = capacity_today(con, as_of) * (1 - scenario.capacity_cut)
    monthly = []
    for k in range(months):
        accounts = None if per_account is None else float(balances[k + 1, EARLY].sum() / per_account)
        monthly.append({"month": k + 1, "month_end": month_ends[k], "metrics": drilled[k], "baseline": baseline[k],
                        "balance": float(balances[k + 1, ACTIVE].sum()),
                        "workload": {"accounts": accounts, "capacity": capacity,
                                     "over": accounts is not None and accounts > capacity},
                        "cash": {"baseline": float(base_cash[k]), "drill": float(cash[k]),
                                 "shortfall": float(base_cash[k] - cash[k])}})
    breaching = sorted({b["limit_id"] for b in found})
    plays = playbooks.read_all(con, breaching) if breaching and db.table_exists(con, "playbooks") else {}
    return {
        "as_of": as_of.isoformat(), "months": months, "first_month_end": month_ends[0],
        "scenario": scenario.to_dict(), "outages": outages,
        "start_balance": float(start["balance"][ACTIVE].sum()), "settlement_lgd": lgd,
        "per_account": per_account, "capacity_today": capacity_today(con, as_of),
        "monthly": monthly,
        "limits": [{**limit, "projected": not_projected_reason(limit) is None,
                    "reason": not_projected_reason(limit), **first_breaches(limit, found)} for limit in limits],
        "breaches": found, "baseline_breaches": found_baseline,
        "cash_shortfall": float(sum(m["cash"]["shortfall"] for m in monthly)),
        "workload_over": [m["month"] for m in monthly if m["workload"]["over"]],
        "playbooks": [plays[i] for i in breaching if i in plays],
    }

