"""The portfolio Markov chain (DESIGN.md §6) estimated from the month-end roll matrices in loan_month.

States: M0..M6, CO (charged off), ST (settled at a discount) and PO (paid off: principal collected); CO, ST and PO
absorb. The month-to-month moves are the roll rates of monitor.metrics.migration (the same SQL, the same pairs of
consecutive month-ends, the same target states), pooled over the last N pairs, with the closing statuses mapped
into the chain:
- charged_off, and a loan still open at DPD 181+ (bucket CO) -> CO;
- settled -> ST: what a settlement loses (and what it pays) is the book's settlement LGD, applied by
  monitor.simulate.projection;
- restructured -> M0: the old loan closes and a new current loan carries its balance the same day;
- paid_off -> PO.

The chain moves BALANCE: row i says where each yuan of principal in bucket i at t-1 is at t. A loan still
open at t carries its balance at t (so its amortization is visible); a restructured loan carries its balance
at t-1 to M0; a charged-off or settled loan its balance at t-1 to CO or ST. What a row loses besides (scheduled
and early principal repayments, payoffs) goes to PO: that is the principal collected, the projection's cash.
Rows therefore sum to 1 by construction. Loan COUNTS per (from, to) are kept too: they size the Monte Carlo
draws (monitor.simulate.projection).

A bucket seen with fewer than MIN_ROW_LOANS loans over the window (a young book, a small segment, deep arrears)
cannot speak for itself: its row is the stated prior PRIOR_ROWS, flagged (Estimate.sources), never a guess that
everything there is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np

from monitor import day_status, derived, month_rolls, month_totals, segments, status
from monitor.months import last_month_end, months_before
from monitor.query import frame, rows
from monitor.simulate.inputs import SimulationInputError
from monitor.simulate.policy import CO, PO, ST, STATES

BUCKETS = status.BUCKETS
TARGET_STATE = {**{b: b for b in BUCKETS}, "CO": "CO", "charged_off": "CO", "settled": "ST",
                "restructured": "M0", "paid_off": "PO"}
CARRY_START_BALANCE = ("CO", "charged_off", "settled", "restructured")  # carry the balance at t-1

MIN_ROW_LOANS = 20  # loans seen in a bucket over the window for its row to be its own (as the ECL's PDs)
# The stated prior row of a bucket the book cannot show yet: where a yuan in it is a month later, with roll, cure and
# repayment shares typical of an unsecured consumer-finance book (the same kind of book as the ECL's PD_PRIOR of
# monitor.metrics): a current loan repays about 8% of its principal a month and 4% of it falls behind; from M1 on,
# a third cures or less the deeper it is, the rest mostly rolls on, and M6 is charged off.
PRIOR_ROWS = {
    "M0": {"M0": 0.88, "M1": 0.04, "PO": 0.08},
    "M1": {"M0": 0.35, "M1": 0.10, "M2": 0.35, "PO": 0.20},
    "M2": {"M0": 0.20, "M1": 0.05, "M2": 0.10, "M3": 0.50, "PO": 0.15},
    "M3": {"M0": 0.10, "M3": 0.10, "M4": 0.70, "PO": 0.10},
    "M4": {"M0": 0.05, "M4": 0.10, "M5": 0.80, "PO": 0.05},
    "M5": {"M0": 0.03, "M5": 0.07, "M6": 0.85, "PO": 0.05},
    "M6": {"M0": 0.02, "M6": 0.03, "CO": 0.92, "PO": 0.03},
}

Filters = tuple[tuple[str, str], ...]  # ((segment, value), ...): loans in all of them


def where(filters: Filters) -> tuple[str, dict]:
    """A WHERE fragment on loan_segment s for all filters (columns from the allow-list, values bound)."""
    parts, params = ["TRUE"], {}
    for k, (segment, value) in enumerate(filters):
        parts.append(f"s.{segments.column(segment)} = $filter_{k}")
        params[f"filter_{k}"] = str(value)
    return " AND ".join(parts), params


@dataclass(frozen=True)
class Estimate:
    """The pooled month-end moves of a set of loans. flows[i, j]: balance from bucket i that was in state j a
    month later (see the module docstring); exposure[i]: the balance in bucket i at t-1; counts[i, j]: loans."""
    flows: np.ndarray
    exposure: np.ndarray
    counts: np.ndarray
    first: dt.date | None  # the first and last later month-end of the pairs pooled
    last: dt.date | None
    pairs: int

    @property
    def loans(self) -> np.ndarray:
        """Loans observed in each bucket (summed over the pairs)."""
        return self.counts.sum(axis=1)

    @property
    def observed(self) -> np.ndarray:
        """Whether each bucket's row is its own (at least MIN_ROW_LOANS loans and some balance seen)."""
        return (self.loans >= MIN_ROW_LOANS) & (self.exposure > 0)

    @property
    def sources(self) -> dict[str, str]:
        """Each bucket's row: 'observed', or 'prior' (PRIOR_ROWS)."""
        return {b: "observed" if seen else "prior" for b, seen in zip(BUCKETS, self.observed, strict=True)}

    def matrix(self) -> np.ndarray:
        """The 10 x 10 transition matrix by balance: each bucket's observed row, or its stated prior (see the module
        docstring). CO, ST and PO absorb."""
        size = len(STATES)
        result = np.zeros((size, size))
        for i, bucket in enumerate(BUCKETS):
            if self.observed[i]:
                result[i] = self.flows[i] / self.exposure[i]
            else:
                for state, share in PRIOR_ROWS[bucket].items():
                    result[i, STATES.index(state)] = share
        for absorbing in (CO, ST, PO):
            result[absorbing, absorbing] = 1.0
        return result

    def weights(self) -> np.ndarray:
        """How many loans each row speaks for, which sizes its Monte Carlo draws: those seen, or MIN_ROW_LOANS for
        a prior row."""
        return np.where(self.observed, self.loans, MIN_ROW_LOANS)


def window(as_of: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The later month-ends of the last `months` pairs of month-ends on or before `as_of`."""
    last = last_month_end(as_of)
    return months_before(last, months - 1), last


def estimate(con: duckdb.DuckDBPyConnection, as_of: dt.date, months: int, filters: Filters = ()) -> Estimate:
    """Pool the month-end moves of the last `months` pairs of month-ends up to `as_of` (set-oriented SQL:
    the moves of monitor.month_rolls, and the balance at t of the loans still open)."""
    first, last = window(as_of, months)
    moves, params = _moves(con, filters)
    rolls = frame(con, f"""SELECT from_bucket, to_state, CAST(sum(loans) AS DOUBLE) AS loans,
                                  CAST(sum(balance) AS DOUBLE) AS balance, count(DISTINCT to_month_end) AS pairs,
                                  min(to_month_end) AS first, max(to_month_end) AS last,
                                  CAST(sum(balance_after) AS DOUBLE) AS balance_after
                           FROM ({moves}) GROUP BY 1, 2""",
                  first=first, last=last, **params)
    after = {(row["from_bucket"], row["to_state"]): row["balance_after"] for row in rolls.iter_rows(named=True)}
    size = len(STATES)
    flows, counts = np.zeros((len(BUCKETS), size)), np.zeros((len(BUCKETS), size))
    exposure = np.zeros(len(BUCKETS))
    for row in rolls.iter_rows(named=True):
        if row["from_bucket"] not in BUCKETS:
            continue
        i, to = BUCKETS.index(row["from_bucket"]), row["to_state"]
        j = STATES.index(TARGET_STATE.get(to, row["from_bucket"]))
        exposure[i] += row["balance"]
        counts[i, j] += row["loans"]
        if to in CARRY_START_BALANCE:
            flows[i, j] += row["balance"]
        elif to in BUCKETS:
            flows[i, j] += after.get((row["from_bucket"], to), 0.0)
    flows[:, PO] = np.maximum(exposure - flows.sum(axis=1), 0.0)
    pairs = int(rolls["pairs"].max() or 0) if rolls.height else 0
    return Estimate(flows, exposure, counts, rolls["first"].min() if rolls.height else None,
                    rolls["last"].max() if rolls.height else None, pairs)


def _moves(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[str, dict]:
    """The month-end moves whose later month-end is in [$first, $last] of the loans in every filter, by pair, bucket and
    state (to_month_end, from_bucket, to_state, loans, balance, balance_after), and their parameters besides $first and
    $last: summed by derive in month_rolls for the book or one segment value, counted from the loans' own moves for
    loans in two segments at once."""
    if len(filters) <= 1:
        condition, params = month_totals.where(*(filters[0] if filters else (None, None)))
        return f"""SELECT to_month_end, from_bucket, to_state, loans, balance, balance_after
                   FROM {derived.month_rolls_of(con)} t
                   WHERE t.to_month_end BETWEEN $first AND $last AND {condition}""", params
    condition, params = where(filters)
    moves = month_rolls.moves_sql(derived.loan_month(con), derived.loan_segment(con),
                                  f"p.t1 BETWEEN $first AND $last AND {condition}")
    return f"""SELECT to_month_end, from_bucket, to_state, count(*) AS loans, sum(balance) AS balance,
                      coalesce(sum(balance_after), 0) AS balance_after
               FROM ({moves}) GROUP BY 1, 2, 3""", params


def start_balances(con: duckdb.DuckDBPyConnection, as_of: dt.date, filters: Filters = ()) -> dict:
    """Balance and loans by state at the end of `as_of` (M0..M6; CO, ST and PO start at 0).
    Returns {"balance": array(10), "loans": array(10)}."""
    condition, params = where(filters)
    found = rows(con, f"""SELECT d.bucket, count(*), CAST(sum(d.principal_balance) AS DOUBLE)
                          FROM ({day_status.source(con, as_of)}) d
                          JOIN {derived.loan_segment(con)} s USING (loan_id)
                          WHERE {condition} GROUP BY 1""", **status.status_params(con, as_of), **params)
    return _by_state(found)


def month_end_balances(con: duckdb.DuckDBPyConnection, month_end: dt.date, filters: Filters = ()) -> dict:
    """Balance and loans by state at a month-end, from loan_month (as start_balances)."""
    condition, params = where(filters)
    found = rows(con, f"""SELECT m.bucket, count(*), CAST(sum(m.principal_balance) AS DOUBLE)
                          FROM {derived.loan_month(con)} m JOIN {derived.loan_segment(con)} s USING (loan_id)
                          WHERE m.month_end = $month_end AND {condition} GROUP BY 1""",
                 month_end=month_end, **params)
    return _by_state(found)


def _by_state(found: list[tuple]) -> dict:
    balance, loans = np.zeros(len(STATES)), np.zeros(len(STATES))
    for bucket, count, amount in found:
        if bucket in BUCKETS:
            balance[BUCKETS.index(bucket)] = amount
            loans[BUCKETS.index(bucket)] = count
    return {"balance": balance, "loans": loans}


def followed_balances(con: duckdb.DuckDBPyConnection, origin: dt.date, last: dt.date,
                      filters: Filters = ()) -> dict[dt.date, np.ndarray]:
    """What happened to the loans in loan_month at `origin` (and the loans their restructurings opened):
    their balance by bucket M0..M6 at each later month-end up to `last` (new loans left out, as the
    projection leaves them out). {month_end: array(7)}."""
    condition, params = where(filters)
    months_rows = derived.loan_month(con)
    found = rows(con, f"""
        WITH origin AS (SELECT m.loan_id FROM {months_rows} m JOIN {derived.loan_segment(con)} s USING (loan_id)
                        WHERE m.month_end = $origin AND {condition}),
        followed AS (SELECT loan_id FROM origin
                     UNION SELECT l.loan_id FROM loans l WHERE l.parent_loan_id IN (SELECT loan_id FROM origin))
        SELECT month_end, bucket, CAST(sum(principal_balance) AS DOUBLE)
        FROM {months_rows} WHERE loan_id IN (SELECT loan_id FROM followed)
          AND month_end > $origin AND month_end <= $last
        GROUP BY 1, 2""", origin=origin, last=last, **params)
    result: dict[dt.date, np.ndarray] = {}
    for month_end, bucket, amount in found:
        if bucket in BUCKETS:
            result.setdefault(month_end, np.zeros(len(BUCKETS)))[BUCKETS.index(bucket)] = amount
    return result


def check_filters(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> None:
    """Each filter names an allow-listed segment and together they select at least one loan active at `as_of`."""
    for segment, _ in filters:
        if segment not in segments.SEGMENTS:
            raise SimulationInputError(f"unknown segment {segment!r}; choose one of {', '.join(segments.SEGMENTS)}")
    if not filters:
        return
    condition, params = where(filters)
    active = status.ACTIVE_AT.format(d="$as_of")
    found = rows(con, f"""SELECT count(*) FROM loans l JOIN {derived.loan_segment(con)} s USING (loan_id)
                          WHERE {active} AND {condition}""", as_of=as_of, **params)[0][0]
    if not found:
        names = ", ".join(f"{segment}={value}" for segment, value in filters)
        raise SimulationInputError(f"segment {names} has no loans active at {as_of}; choose a value the book holds")
