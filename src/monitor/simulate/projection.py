"""Portfolio projection (DESIGN.md §6): balances by state month by month under the estimated chain, a policy
and a stress; Monte Carlo bands; ECL; and the backtest of a projection made 6 months ago.

- The book's balances after k months are start x T^k (T: monitor.simulate.markov's matrix). New loans are
  not projected: this is the run-off of today's book. One step is a month: month k ends at the k-th month-end
  after the one nearest a month on from the day (first_month_end).
- Write-offs of month k ("charge_offs"): the balance that entered CO in it, plus the part of the balance that
  settled (entered ST) which settlements lose: the book's settlement LGD (monitor.metrics.loss_given_default's
  by_kind, what settled loans lost after their settlement loan's payments). Cash of month k: the principal
  collected (entered PO) plus the rest of what settled.
- Stress multiplies the forward rolls and divides the cures (monitor.simulate.policy.apply_stress).
- A policy treats one segment's loans: the scenario is the book's projection plus the difference the
  policy makes to the treated loans' own chain (x_T Tp_T^k - x_T T_T^k), so a take-up of 0 is the baseline.
- ECL: month 0 is monitor.metrics.expected_credit_loss at the day, for the same loans (the executive summary's
  figure); month k carries each bucket's coverage at the start (its ECL / its balance) to its projected balance.
- Monte Carlo: each path draws every bucket's row from a Dirichlet whose pseudo-counts are the loans seen in
  that bucket (MIN_ROW_LOANS for a prior row) spread by the row's balance shares, plus 1 on each move seen at
  least once (a move never seen stays impossible); the book's and the treated loans' rows are drawn
  independently. P5/P50/P95 per month.
- The backtest's error beyond BACKTEST_MARGIN, a row on its prior, or an ECL input stood in for, is a warning
  the result carries (warnings), for the page to show with its figures.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np

from monitor import memo, metrics
from monitor.memo import Memo
from monitor.months import last_month_end, month_end, months_before
from monitor.simulate import markov
from monitor.simulate.policy import CO, PO, ST, STATES, Policy, apply_policy, apply_stress, stress_effect

BUCKETS = markov.BUCKETS
DELINQUENT = slice(1, len(BUCKETS))  # M1..M6
STAGE3 = ("M4", "M5", "M6")  # DPD > 90: PD 1 whatever the loan
BANDS = (5, 50, 95)
BACKTEST_MONTHS = 6
BACKTEST_MARGIN = 0.20  # a backtest MAPE above this puts a warning beside the projection's figures
HALF_MONTH_DAYS = 15


def first_month_end(as_of: dt.date) -> dt.date:
    """The month-end the chain's first step (a month) lands on: the one nearest a month after `as_of`, i.e. the
    first month-end at least half a month on (from 3 December: 31 December; from 20 December: 31 January)."""
    return month_end(as_of + dt.timedelta(days=HALF_MONTH_DAYS))


def project(start: np.ndarray, matrix: np.ndarray, months: int) -> np.ndarray:
    """Balances by state at months 0..months: start x matrix^k. `matrix` may be a stack (paths x 10 x 10):
    the result is then paths x (months + 1) x 10."""
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
    """`paths` transition matrices drawn around the estimate (see the module docstring): paths x 10 x 10."""
    mean = estimate.matrix()
    rows = len(BUCKETS)
    support = mean[:rows] > 0
    alpha = estimate.weights()[:, None] * mean[:rows] + support
    gamma = rng.gamma(np.where(support, alpha, 1.0), size=(paths, *alpha.shape)) * support
    drawn = np.broadcast_to(mean, (paths, *mean.shape)).copy()
    drawn[:, :rows] = gamma / gamma.sum(axis=-1, keepdims=True)
    return drawn


def flows(balances: np.ndarray, settlement_lgd: float) -> dict[str, np.ndarray]:
    """Per month 1..K from balances at months 0..K (... x (K + 1) x 10): charge_offs (charged off, and the part of
    what settled that settlements lose), cash (principal collected, and the part of what settled they pay) and
    settled (the balance that settled)."""
    settled = np.diff(balances[..., ST], axis=-1)
    return {"charge_offs": np.diff(balances[..., CO], axis=-1) + settled * settlement_lgd,
            "cash": np.diff(balances[..., PO], axis=-1) + settled * (1 - settlement_lgd), "settled": settled}


def settlement_loss(lgd: dict) -> dict:
    """What a settlement loses, per yuan settled: the book's settlement LGD (monitor.metrics.loss_given_default's
    by_kind), else, with no settlement old enough to measure, the LGD of all defaults ('pooled', or its 'prior')."""
    own = lgd["by_kind"]["settlement"]
    if own["lgd"] is not None:
        return {"lgd": own["lgd"], "source": "observed", "loans": own["loans"]}
    return {"lgd": lgd["lgd"], "source": "pooled" if lgd["source"] == "observed" else lgd["source"], "loans": 0}


def coverage(credit_loss: dict) -> tuple[np.ndarray, dict[str, str]]:
    """Each state's ECL per yuan, from monitor.metrics.expected_credit_loss at the start: a bucket's ECL / its
    balance ('start'). A bucket with no loan at the start has no coverage of its own; it takes what a loan without
    a model score would carry there: the function's PD of the bucket (1 in stage 3) x its LGD ('bucket_pd').
    CO, ST and PO carry none (their loss is in the write-offs). Returns the 10 weights and each bucket's source."""
    weights, sources = np.zeros(len(STATES)), {}
    by_bucket = {row["bucket"]: row for row in credit_loss["by_bucket"].iter_rows(named=True)}
    pds = dict(zip(credit_loss["pd_by_bucket"]["bucket"], credit_loss["pd_by_bucket"]["pd"], strict=True))
    for i, bucket in enumerate(BUCKETS):
        row = by_bucket[bucket]
        if row["ead"] > 0:
            weights[i], sources[bucket] = row["ecl"] / row["ead"], "start"
        else:
            pd = 1.0 if bucket in STAGE3 else pds[bucket]
            weights[i], sources[bucket] = pd * credit_loss["lgd"]["lgd"], "bucket_pd"
    return weights, sources


def bands(balances: np.ndarray, settlement_lgd: float) -> list[dict]:
    """P5/P50/P95 per month (1..K) of the delinquent balance, write-offs, cash and each state's balance, over the
    paths (paths x (K + 1) x 10)."""
    moved = flows(balances, settlement_lgd)
    series = {"delinquent": balances[:, 1:, DELINQUENT].sum(axis=-1), "charge_offs": moved["charge_offs"],
              "cash": moved["cash"]}
    quantiles = {name: np.percentile(values, BANDS, axis=0) for name, values in series.items()}
    states = np.percentile(balances[:, 1:], BANDS, axis=0)  # 3 x K x 10
    return [{"month": k + 1,
             **{name: {f"p{p}": float(q[n, k]) for n, p in enumerate(BANDS)} for name, q in quantiles.items()},
             "states": {state: {f"p{p}": float(states[n, k, i]) for n, p in enumerate(BANDS)}
                        for i, state in enumerate(STATES)}}
            for k in range(balances.shape[1] - 1)]


def month_rows(balances: np.ndarray, weights: np.ndarray, settlement_lgd: float,
               first_month: dt.date) -> list[dict]:
    """One dict a month (1..K) from a single path ((K + 1) x 10): balances, write-offs, cash, what settled, ECL
    (total and by state)."""
    moved = flows(balances, settlement_lgd)
    ecl = balances * weights
    return [{"month": k, "month_end": months_before(first_month, -(k - 1)).isoformat(),
             "balances": dict(zip(STATES, map(float, balances[k]), strict=True)),
             "delinquent": float(balances[k, DELINQUENT].sum()),
             **{name: float(values[k - 1]) for name, values in moved.items()},
             "ecl": {"total": float(ecl[k].sum()),
                     "by_state": dict(zip(BUCKETS, map(float, ecl[k, :len(BUCKETS)]), strict=True))}}
            for k in range(1, balances.shape[0])]


def summary(months: list[dict], ecl_start: float) -> dict:
    """The figures a saved scenario keeps: totals over the horizon, start and end values, and the monthly series."""
    return {"charge_offs": sum(m["charge_offs"] for m in months), "cash": sum(m["cash"] for m in months),
            "settled": sum(m["settled"] for m in months), "delinquent_end": months[-1]["delinquent"],
            "ecl_start": ecl_start, "ecl_end": months[-1]["ecl"]["total"],
            "series": {name: [m[name] for m in months] for name in ("delinquent", "charge_offs", "cash")}
            | {"ecl": [m["ecl"]["total"] for m in months], "month_end": [m["month_end"] for m in months]}}


def warnings(backtest: dict | None, row_sources: dict[str, str], ecl_sources: dict[str, str]) -> list[dict]:
    """What the page must say beside the projection's figures: no backtest, a backtest error (MAPE) beyond
    BACKTEST_MARGIN, rows of the chain on their stated prior, ECL inputs (PD, LGD) the book could not show."""
    found = []
    if backtest is None or backtest["mape"] is None:
        found.append({"code": "no_backtest"})
    elif backtest["mape"] > BACKTEST_MARGIN:
        found.append({"code": "backtest_missed", "mape": backtest["mape"], "margin": BACKTEST_MARGIN})
    prior = [bucket for bucket, source in row_sources.items() if source != "observed"]
    if prior:
        found.append({"code": "prior_rows", "buckets": prior})
    stand_ins = {name: source for name, source in ecl_sources.items() if source != "observed"}
    if stand_ins:
        found.append({"code": "ecl_stand_in", **stand_ins})
    return found


def _matrix_dict(matrix: np.ndarray) -> dict:
    return {a: {b: float(matrix[i, j]) for j, b in enumerate(STATES)} for i, a in enumerate(STATES)}


def simulate(con: duckdb.DuckDBPyConnection, as_of: dt.date, months: int = 12, *, policy: Policy | None = None,
             stress: float = 1.0, segment: str | None = None, value: str | None = None, window: int = 6,
             paths: int = 1000, seed: int = 0, backtest_months: int = BACKTEST_MONTHS,
             past: Memo = memo.computed) -> dict:
    """Estimate, project baseline and scenario, Monte Carlo bands, ECL and the backtest: what the command
    prints and the page draws (JSON-ready; see README, Commands). `past` keeps the month-end estimates and the
    backtest between calls, and the day's status, which the start and the ECL read (monitor.memo.PastDayMemo; by
    default they are computed)."""
    past.pin_day(con, as_of)
    book: markov.Filters = ((segment, value),) if segment is not None else ()
    treated_filters = book + (((policy.segment, policy.value),) if policy and policy.segment else ())
    markov.check_filters(con, book, as_of)
    if policy is not None:
        markov.check_filters(con, treated_filters, as_of)
    start = markov.start_balances(con, as_of, book)
    # the estimates and the backtest read month-ends up to the last one: computed at it, every day of its month
    # shares them (monitor.memo)
    last_end = last_month_end(as_of)
    fitted = past(con, last_end, markov.estimate, last_end, window, book)
    matrix = fitted.matrix()
    treated = None
    if policy is not None and treated_filters == book:
        treated = {"start": start["balance"], "fit": fitted}
    elif policy is not None:
        treated = {"start": markov.start_balances(con, as_of, treated_filters)["balance"],
                   "fit": past(con, last_end, markov.estimate, last_end, window, treated_filters)}
    credit_loss = metrics.expected_credit_loss(con, as_of, segment, value, past)
    weights, coverage_sources = coverage(credit_loss)
    settled = settlement_loss(credit_loss["lgd"])
    ecl_start = {**credit_loss["ecl"], "total": sum(credit_loss["ecl"].values())}
    first = first_month_end(as_of)
    extra = {} if treated is None else {"treated_start": treated["start"], "treated_matrix": treated["fit"].matrix()}
    baseline = project(start["balance"], matrix, months)
    scenario = scenario_path(start["balance"], matrix, months, stress, policy, **extra)
    rng = np.random.default_rng(seed)
    drawn = {"matrix": draw_matrices(fitted, paths, rng)}
    if treated is not None:
        drawn["treated_matrix"] = draw_matrices(treated["fit"], paths, rng)
        drawn["treated_start"] = treated["start"]
    simulated = scenario_path(start["balance"], drawn.pop("matrix"), months, stress, policy, **drawn)
    scenario_months = month_rows(scenario, weights, settled["lgd"], first)
    baseline_months = month_rows(baseline, weights, settled["lgd"], first)
    tested = past(con, last_end, backtest, last_end, window, book, backtest_months)
    stressed = apply_stress(matrix, stress)
    pd_by_bucket = credit_loss["pd_by_bucket"]
    return {
        "as_of": as_of.isoformat(), "segment": segment, "value": value, "states": list(STATES),
        "window": {"months": window, "pairs": fitted.pairs,
                   "first": fitted.first.isoformat() if fitted.first else None,
                   "last": fitted.last.isoformat() if fitted.last else None},
        "policy": policy.to_dict() if policy else None, "stress": stress, "paths": paths, "seed": seed,
        "start": dict(zip(STATES, map(float, start["balance"]), strict=True)),
        "start_loans": dict(zip(STATES, map(int, start["loans"]), strict=True)),
        "transition": _matrix_dict(matrix),
        "scenario_transition": _matrix_dict(stressed),
        "stress_effect": stress_effect(matrix, stressed),
        "treated_transition": None if treated is None else _matrix_dict(apply_policy(
            apply_stress(extra["treated_matrix"], stress), policy.option, policy.take_up)),
        "counts": {a: {b: int(fitted.counts[i, j]) for j, b in enumerate(STATES)} for i, a in enumerate(BUCKETS)},
        "observed": dict(zip(BUCKETS, map(bool, fitted.observed), strict=True)),
        "row_source": fitted.sources,
        "lgd": credit_loss["lgd"]["lgd"], "settlement": settled,
        "ecl_start": ecl_start,
        "ecl_start_by_state": dict(zip(credit_loss["by_bucket"]["bucket"], map(float, credit_loss["by_bucket"]["ecl"]),
                                       strict=True)),
        "ecl": {"coverage": dict(zip(BUCKETS, map(float, weights[:len(BUCKETS)]), strict=True)),
                "coverage_source": coverage_sources, "sources": credit_loss["sources"],
                "pd": dict(zip(pd_by_bucket["bucket"], map(float, pd_by_bucket["pd"]), strict=True)),
                "pd_source": dict(zip(pd_by_bucket["bucket"], pd_by_bucket["source"], strict=True)),
                "lgd_source": credit_loss["lgd"]["source"]},
        "months": scenario_months, "baseline": baseline_months, "bands": bands(simulated, settled["lgd"]),
        "summary": {"scenario": summary(scenario_months, ecl_start["total"]),
                    "baseline": summary(baseline_months, ecl_start["total"])},
        "backtest": tested,
        "warnings": warnings(tested, fitted.sources, credit_loss["sources"]),
    }


def backtest(con: duckdb.DuckDBPyConnection, as_of: dt.date, window: int, filters: markov.Filters = (),
             months: int = BACKTEST_MONTHS) -> dict | None:
    """The projection made at the month-end `months` before the last month-end up to `as_of`, estimated only
    from month-ends up to then, beside what happened to the same loans (and their restructured successors):
    balances by bucket at each month-end, and the error of the delinquent (M1-M6) balance: absolute
    percentage error per month and its mean (MAPE), with BACKTEST_MARGIN and whether it held. None when the book
    is too young."""
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
    mape = sum(errors) / len(errors) if errors else None
    return {"origin": origin.isoformat(), "window": {"first": fitted.first.isoformat(),
                                                     "last": fitted.last.isoformat(), "pairs": fitted.pairs},
            "row_source": fitted.sources,
            "start": dict(zip(BUCKETS, map(float, start[:len(BUCKETS)]), strict=True)), "months": rows_,
            "mape": mape, "margin": BACKTEST_MARGIN,
            "within_margin": None if mape is None else mape <= BACKTEST_MARGIN}
