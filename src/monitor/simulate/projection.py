"""Portfolio projection (DESIGN.md §6): balances by state month by month under the estimated chain, a policy
and a stress; Monte Carlo bands; ECL by IFRS 9 stage; and the backtest of a projection made 6 months ago.

- The book's balances after k months are start x T^k (T: monitor.simulate.markov's matrix). New loans are
  not projected: this is the run-off of today's book.
- Charge-offs of month k: the balance that entered CO in it; cash of month k: the principal collected, the
  balance that entered PO (repayments, payoffs, the paid part of settlements).
- Stress multiplies the forward rolls and divides the cures (monitor.simulate.policy.apply_stress).
- A policy treats one segment's loans: the scenario is the book's projection plus the difference the
  policy makes to the treated loans' own chain (x_T Tp_T^k - x_T T_T^k), so a take-up of 0 is the baseline.
- ECL of month k: sum over buckets of balance x PD x LGD, with the observed 12-month PD per bucket and the
  observed LGD of monitor.metrics.losses (stage 1: M0-M1, stage 2: M2-M3, stage 3: M4-M6 with PD 1).
- Monte Carlo: each path draws every bucket's row from a Dirichlet whose pseudo-counts are the loans seen in
  that bucket spread by the row's balance shares, plus 1 on each move seen at least once (a move never seen
  stays impossible); the book's and the treated loans' rows are drawn independently. P5/P50/P95 per month.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np

from monitor.metrics import losses
from monitor.metrics._sql import last_month_end, months_before
from monitor.simulate import markov
from monitor.simulate.policy import CO, PO, STATES, Policy, apply_policy, apply_stress

BUCKETS = markov.BUCKETS
DELINQUENT = slice(1, len(BUCKETS))  # M1..M6
STAGES = {"stage1": (0, 1), "stage2": (2, 3), "stage3": (4, 5, 6)}
BANDS = (5, 50, 95)
BACKTEST_MONTHS = 6


def project(start: np.ndarray, matrix: np.ndarray, months: int) -> np.ndarray:
    """Balances by state at months 0..months: start x matrix^k. `matrix` may be a stack (paths x 9 x 9):
    the result is then paths x (months + 1) x 9."""
    x = np.broadcast_to(start, matrix.shape[:-2] + start.shape[-1:]).astype(float)
    path = [x]
    for _ in range(months):
        x = np.einsum("...i,...ij->...j", x, matrix)
        path.append(x)
    return np.stack(path, axis=-2)


def scenario_path(start: np.ndarray, matrix: np.ndarray, months: int, stress: float = 1.0,
                  policy: Policy | None = None, treated_start: np.ndarray | None = None,
                  treated_matrix: np.ndarray | None = None) -> np.ndarray:
    """The book's balances by state under stress and policy (stacks of matrices allowed, see project)."""
    result = project(start, apply_stress(matrix, stress), months)
    if policy is not None:
        treated = apply_stress(treated_matrix, stress)
        delta = (project(treated_start, apply_policy(treated, policy.option, policy.take_up), months)
                 - project(treated_start, treated, months))  # exactly 0 at a take-up of 0
        result = result + delta
    return result


def draw_matrices(estimate: markov.Estimate, paths: int, rng: np.random.Generator) -> np.ndarray:
    """`paths` transition matrices drawn around the estimate (see the module docstring): paths x 9 x 9."""
    mean = estimate.matrix()
    rows = len(BUCKETS)
    support = mean[:rows] > 0
    alpha = estimate.loans[:, None] * mean[:rows] + support
    gamma = rng.gamma(np.where(support, alpha, 1.0), size=(paths, *alpha.shape)) * support
    drawn = np.broadcast_to(mean, (paths, *mean.shape)).copy()
    drawn[:, :rows] = gamma / gamma.sum(axis=-1, keepdims=True)
    return drawn


def flows(balances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Charge-offs and cash of months 1..K from balances at months 0..K (... x (K + 1) x 9)."""
    return np.diff(balances[..., CO], axis=-1), np.diff(balances[..., PO], axis=-1)


def ecl_weights(pd_by_bucket: dict[str, float], lgd: float) -> np.ndarray:
    """PD x LGD per state (CO and PO carry none; stage 3 buckets PD 1)."""
    weights = np.zeros(len(STATES))
    for i, bucket in enumerate(BUCKETS):
        weights[i] = lgd * (1.0 if i in STAGES["stage3"] else pd_by_bucket.get(bucket) or 1.0)
    return weights


def ecl_by_stage(balances: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    loss = balances * weights
    by_stage = {stage: loss[..., list(idx)].sum(axis=-1) for stage, idx in STAGES.items()}
    return {**by_stage, "total": sum(by_stage.values())}


def bands(balances: np.ndarray) -> list[dict]:
    """P5/P50/P95 per month (1..K) of the delinquent balance, charge-offs, cash and each state's balance,
    over the paths (paths x (K + 1) x 9)."""
    charge_offs, cash = flows(balances)
    series = {"delinquent": balances[:, 1:, DELINQUENT].sum(axis=-1), "charge_offs": charge_offs, "cash": cash}
    series.update({state: balances[:, 1:, i] for i, state in enumerate(STATES)})
    quantiles = {name: np.percentile(values, BANDS, axis=0) for name, values in series.items()}
    return [{"month": k + 1,
             **{name: {f"p{p}": float(q[n, k]) for n, p in enumerate(BANDS)} for name, q in quantiles.items()
                if name not in STATES},
             "states": {state: {f"p{p}": float(quantiles[state][n, k]) for n, p in enumerate(BANDS)}
                        for state in STATES}}
            for k in range(balances.shape[1] - 1)]


def month_rows(balances: np.ndarray, weights: np.ndarray, first_month_end: dt.date) -> list[dict]:
    """One dict a month (1..K) from a single path ((K + 1) x 9): balances, charge-offs, cash, ECL by stage."""
    charge_offs, cash = flows(balances)
    ecl = ecl_by_stage(balances, weights)
    return [{"month": k, "month_end": months_before(first_month_end, -(k - 1)).isoformat(),
             "balances": dict(zip(STATES, map(float, balances[k]), strict=True)),
             "delinquent": float(balances[k, DELINQUENT].sum()),
             "charge_offs": float(charge_offs[k - 1]), "cash": float(cash[k - 1]),
             "ecl": {stage: float(values[k]) for stage, values in ecl.items()}}
            for k in range(1, balances.shape[0])]


def summary(months: list[dict]) -> dict:
    """The figures a saved scenario keeps: totals over the horizon, end values, and the monthly series."""
    return {"charge_offs": sum(m["charge_offs"] for m in months), "cash": sum(m["cash"] for m in months),
            "delinquent_end": months[-1]["delinquent"], "ecl_end": months[-1]["ecl"]["total"],
            "series": {name: [m[name] for m in months] for name in ("delinquent", "charge_offs", "cash")}
            | {"ecl": [m["ecl"]["total"] for m in months], "month_end": [m["month_end"] for m in months]}}


def _matrix_dict(matrix: np.ndarray) -> dict:
    return {a: {b: float(matrix[i, j]) for j, b in enumerate(STATES)} for i, a in enumerate(STATES)}


def simulate(con: duckdb.DuckDBPyConnection, as_of: dt.date, months: int = 12, *, policy: Policy | None = None,
             stress: float = 1.0, segment: str | None = None, value: str | None = None, window: int = 6,
             paths: int = 1000, seed: int = 0, backtest_months: int = BACKTEST_MONTHS) -> dict:
    """Estimate, project baseline and scenario, Monte Carlo bands, ECL and the backtest: what the command
    prints and the page draws (JSON-ready; see README, Commands)."""
    book: markov.Filters = ((segment, value),) if segment is not None else ()
    treated_filters = book + (((policy.segment, policy.value),) if policy and policy.segment else ())
    markov.check_filters(con, book, as_of)
    if policy is not None:
        markov.check_filters(con, treated_filters, as_of)
    start = markov.start_balances(con, as_of, book)
    fitted = markov.estimate(con, as_of, window, book)
    matrix = fitted.matrix()
    treated = None
    if policy is not None and treated_filters == book:
        treated = {"start": start["balance"], "fit": fitted}
    elif policy is not None:
        treated = {"start": markov.start_balances(con, as_of, treated_filters)["balance"],
                   "fit": markov.estimate(con, as_of, window, treated_filters)}
    pds = losses.default_rates_by_bucket(con, as_of)
    pd_by_bucket = dict(zip(pds["bucket"], pds["pd"], strict=True))
    lgd = losses.loss_given_default(con, as_of)["lgd"]
    weights = ecl_weights(pd_by_bucket, lgd)
    first = months_before(as_of, -1)  # month 1 ends at the end of the next calendar month
    extra = {} if treated is None else {"treated_start": treated["start"], "treated_matrix": treated["fit"].matrix()}
    baseline = project(start["balance"], matrix, months)
    scenario = scenario_path(start["balance"], matrix, months, stress, policy, **extra)
    rng = np.random.default_rng(seed)
    drawn = {"matrix": draw_matrices(fitted, paths, rng)}
    if treated is not None:
        drawn["treated_matrix"] = draw_matrices(treated["fit"], paths, rng)
        drawn["treated_start"] = treated["start"]
    simulated = scenario_path(start["balance"], drawn.pop("matrix"), months, stress, policy, **drawn)
    scenario_months = month_rows(scenario, weights, first)
    baseline_months = month_rows(baseline, weights, first)
    return {
        "as_of": as_of.isoformat(), "segment": segment, "value": value, "states": list(STATES),
        "window": {"months": window, "pairs": fitted.pairs,
                   "first": fitted.first.isoformat() if fitted.first else None,
                   "last": fitted.last.isoformat() if fitted.last else None},
        "policy": policy.to_dict() if policy else None, "stress": stress, "paths": paths, "seed": seed,
        "start": dict(zip(STATES, map(float, start["balance"]), strict=True)),
        "start_loans": dict(zip(STATES, map(int, start["loans"]), strict=True)),
        "transition": _matrix_dict(matrix),
        "scenario_transition": _matrix_dict(apply_stress(matrix, stress)),
        "treated_transition": None if treated is None else _matrix_dict(apply_policy(
            apply_stress(extra["treated_matrix"], stress), policy.option, policy.take_up)),
        "counts": {a: {b: int(fitted.counts[i, j]) for j, b in enumerate(STATES)} for i, a in enumerate(BUCKETS)},
        "observed": dict(zip(BUCKETS, map(bool, fitted.observed), strict=True)),
        "pd": {b: float(pd_by_bucket[b]) if pd_by_bucket.get(b) is not None else None for b in BUCKETS},
        "lgd": lgd, "ecl_start": {k: float(v) for k, v in ecl_by_stage(start["balance"], weights).items()},
        "months": scenario_months, "baseline": baseline_months, "bands": bands(simulated),
        "summary": {"scenario": summary(scenario_months), "baseline": summary(baseline_months)},
        "backtest": backtest(con, as_of, window, book, backtest_months),
    }


def backtest(con: duckdb.DuckDBPyConnection, as_of: dt.date, window: int, filters: markov.Filters = (),
             months: int = BACKTEST_MONTHS) -> dict | None:
    """The projection made at the month-end `months` before the last month-end up to `as_of`, estimated only
    from month-ends up to then, beside what happened to the same loans (and their restructured successors):
    balances by bucket at each month-end, and the error of the delinquent (M1-M6) balance: absolute
    percentage error per month and its mean (MAPE). None when the book is too young."""
    last = last_month_end(as_of)
    origin = months_before(last, months)
    start = markov.month_end_balances(con, origin, filters)["balance"]
    fitted = markov.estimate(con, origin, window, filters)
    if not start.sum() or not fitted.pairs:
        return None
    projected = project(start, fitted.matrix(), months)
    actual = markov.followed_balances(con, origin, last, filters)
    rows_ = []
    for k in range(1, months + 1):
        when = months_before(origin, -k)
        seen = actual.get(when, np.zeros(len(BUCKETS)))
        predicted, happened = float(projected[k, DELINQUENT].sum()), float(seen[DELINQUENT].sum())
        rows_.append({"month": k, "month_end": when.isoformat(),
                      "projected": dict(zip(BUCKETS, map(float, projected[k, :len(BUCKETS)]), strict=True)),
                      "actual": dict(zip(BUCKETS, map(float, seen), strict=True)),
                      "projected_delinquent": predicted, "actual_delinquent": happened,
                      "ape": abs(predicted - happened) / happened if happened else None})
    errors = [r["ape"] for r in rows_ if r["ape"] is not None]
    return {"origin": origin.isoformat(), "window": {"first": fitted.first.isoformat(),
                                                     "last": fitted.last.isoformat(), "pairs": fitted.pairs},
            "start": dict(zip(BUCKETS, map(float, start[:len(BUCKETS)]), strict=True)), "months": rows_,
            "mape": sum(errors) / len(errors) if errors else None}
