"""How the synthetic borrowers pay: a month-by-month simulation, vectorized over all loans of one term.

At each due date a borrower who is current pays on time, pays a few days late, pays part, or misses;
one in arrears cures (pays everything), pays one installment (stays in the bucket), pays a little,
asks for a restructuring, or pays nothing and rolls on. Probabilities follow the loan's hidden risk,
the Spring Festival (payments slip around it) and the macro shock (more misses, fewer cures).
Early payoffs rewrite the rest of the schedule into one installment due on the payoff day, as a
lender's system does. Charge-off is not decided here: it follows from the payments by the exact DPD
rule, in SQL, when the book is loaded (monitor.synth.book).

The loop runs over installment numbers (at most term + 7 of them), never over loans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from monitor.schedule import amortize_fen
from monitor.synth import calendar

AUTO_DEBIT, APP, COLLECTIONS, LEGAL, RECOVERY = range(5)
CHANNEL_NAMES = ("auto_debit", "app", "collections", "legal", "recovery")
EXTRA_CYCLES = 7  # months after the last due date in which arrears can still be paid or roll to charge-off
# Chance that a borrower m installments behind pays everything in the coming month (before risk).
CURE_BASE = np.array([0.0, 0.62, 0.32, 0.18, 0.11, 0.08, 0.05, 0.03])
RESTRUCTURE_PROB = 0.06
INSTALLMENT_FEE_RATE = 0.002  # monthly service fee of shopping installment loans, on the original principal


INSTALLMENT_SCHEMA = {"loan_id": pl.Int64, "installment_no": pl.Int32, "due_date": pl.Date,
                      "principal_fen": pl.Int64, "interest_fen": pl.Int64, "fee_fen": pl.Int64}
PAYMENT_SCHEMA = {"loan_id": pl.Int64, "paid_on": pl.Date, "amount_fen": pl.Int64, "channel_code": pl.Int8}
RESTRUCTURE_SCHEMA = {"loan_id": pl.Int64, "restructured_on": pl.Date, "balance_fen": pl.Int64,
                      "arrears_fen": pl.Int64, "months_left": pl.Int32}


@dataclass(frozen=True)
class Simulated:
    installments: pl.DataFrame  # loan_id, installment_no, due_date, principal_fen, interest_fen, fee_fen
    payments: pl.DataFrame  # loan_id, paid_at, amount_fen, channel
    restructure_requests: pl.DataFrame  # loan_id, restructured_on, balance_fen, arrears_fen, months_left


def simulate(loans: pl.DataFrame, rng: np.random.Generator, as_of: dt.date) -> Simulated:
    parts = [_simulate_term(loans.filter(pl.col("term_months") == term), term, rng, as_of)
             for term in sorted(loans["term_months"].unique().to_list())]
    if not parts:  # e.g. no loan asked for a restructuring
        return Simulated(*(pl.DataFrame(schema=schema) for schema in (INSTALLMENT_SCHEMA, PAYMENT_SCHEMA,
                                                                      RESTRUCTURE_SCHEMA)))
    return Simulated(*(pl.concat([p[i] for p in parts]) for i in range(3)))


def _simulate_term(loans: pl.DataFrame, term: int, rng: np.random.Generator, as_of: dt.date):
    n = loans.height
    K = term + EXTRA_CYCLES
    loan_id = loans["loan_id"].to_numpy()
    orig = loans["origination_date"].to_numpy().astype("datetime64[D]")
    principal = loans["principal_fen"].to_numpy()
    rate = loans["annual_rate"].to_numpy()
    miss_prob = loans["miss_prob"].to_numpy()
    never_pay = miss_prob >= 1.0
    lateness = loans["lateness"].to_numpy()
    restructurable = loans["restructurable"].to_numpy()
    shopping = (loans["product"] == "installment").to_numpy()
    risk = np.clip(miss_prob / 0.1, 0, 1)

    # The calendar of a loan depends on its origination day alone: worked out once per day, a few hundred of them.
    days, on_day = np.unique(orig, return_inverse=True)
    due_of_day = calendar.due_dates(days, K)
    due = due_of_day[on_day]
    prev_due = np.concatenate([orig[:, None], due[:, :-1]], axis=1)

    principal_due, interest_due = amortize_fen(
        principal, rate, term, (loans["repayment_method"] == "equal_principal").to_numpy()
    )
    fee_due = np.where(shopping & loans["parent_loan_id"].is_null().to_numpy(),
                       np.rint(principal * INSTALLMENT_FEE_RATE), 0).astype(np.int64)
    fee_due = np.repeat(fee_due[:, None], term, axis=1)
    pad = np.zeros((n, EXTRA_CYCLES), dtype=np.int64)
    amount = np.concatenate([principal_due + interest_due + fee_due, pad], axis=1)
    charges = np.concatenate([interest_due + fee_due, pad], axis=1)
    cum_due = np.cumsum(amount, axis=1)
    cum_prev = cum_due - amount
    cum_principal_prev = np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(principal_due, axis=1)], axis=1)
    total_due = cum_due[:, -1]
    typical = amount[:, 0]

    sf = calendar.days_from_spring_festival(due_of_day)
    holiday = (sf >= -5) & (sf <= 12)
    shock_start, shock_end = calendar.shock_window(as_of)
    shock = (due_of_day >= shock_start) & (due_of_day < shock_end)
    miss_mult = (np.where(holiday, 1.5, 1.0) * np.where(shock, 2.1, 1.0))[on_day]
    late_mult = np.where(holiday, 2.5, 1.0)[on_day]
    cure_mult = np.where(shock, 0.65, 1.0)[on_day]

    prepay_at = rng.geometric(np.clip(loans["prepay_prob"].to_numpy(), 1e-6, 1)) - 1  # installment index
    paid = np.zeros(n, dtype=np.int64)
    last_paid = orig.copy()  # the day of each loan's latest payment so far
    closed = np.zeros(n, dtype=bool)
    covered = np.zeros(n, dtype=np.int64)  # installments before the current one that the payments so far cover
    rows = np.arange(n)
    pay_rows: list[tuple[np.ndarray, ...]] = []  # (loan index, day, amount in fen, channel)
    prepaid_rows: list[tuple[np.ndarray, ...]] = []
    restructure_rows: list[tuple[np.ndarray, ...]] = []

    def pay(mask, day, amount_fen, channel):
        mask = mask & (amount_fen > 0)
        if mask.any():
            idx = np.nonzero(mask)[0]
            cycle.append((idx, day[idx], amount_fen[idx], np.broadcast_to(channel, n)[idx]))

    for k in range(K):
        d = due[:, k]
        # cum_due grows along a row, so the installments covered are the first ones: count on from the last cycle.
        while (more := (covered < k) & (cum_due[rows, np.minimum(covered, K - 1)] <= paid)).any():
            covered += more
        behind = k - covered
        live = ~closed & (paid < total_due) & ((k < term) | (behind > 0))
        if not live.any():
            continue
        cycle: list[tuple[np.ndarray, ...]] = []
        due_now = cum_due[:, k] - paid
        u = rng.random(n)
        lag = np.minimum(1 + rng.geometric(0.16, n), 27).astype("timedelta64[D]")
        early = rng.integers(0, 6, n).astype("timedelta64[D]")

        # Early payoff: the rest of the principal plus interest accrued since the last due date.
        gap = (d - prev_due[:, k]).astype(np.int64)
        prepay = live & (prepay_at == k) & (k < term - 1) & (behind == 0) & (paid == cum_prev[:, k]) & ~never_pay
        if prepay.any():
            day = prev_due[:, k] + np.minimum(rng.integers(1, 28, n), gap - 1).astype("timedelta64[D]")
            prepay &= day <= np.datetime64(as_of)  # a payoff not yet made must not show in today's schedule
            prepay &= day > last_paid  # and it comes after every payment made so far
            rest = principal - cum_principal_prev[:, k]
            accrued = np.rint(rest * rate / 12 * (day - prev_due[:, k]).astype(np.int64) / 30).astype(np.int64)
            idx = np.nonzero(prepay)[0]
            prepaid_rows.append((idx, np.full(idx.size, k), day[idx], rest[idx], accrued[idx]))
            pay(prepay, day, rest + accrued, APP)
            closed |= prepay
            live &= ~prepay

        current = live & (behind == 0) & (k < term)
        p_miss = np.where(never_pay, 1.0, np.clip(miss_prob * miss_mult[:, k], 0, 0.95))
        p_partial = 0.015 + 0.25 * miss_prob
        p_late = lateness * late_mult[:, k]
        miss = current & (u < p_miss)
        partial = current & ~miss & (u < p_miss + p_partial)
        late = current & ~miss & ~partial & (u < p_miss + p_partial + p_late)
        on_time = current & ~miss & ~partial & ~late
        auto = rng.random(n) < 0.65
        over = on_time & ~auto & (rng.random(n) < 0.02) & (k < term - 1)
        on_time_amount = np.where(over, (due_now // 10000 + 1) * 10000, due_now)
        pay(on_time & auto, d, due_now, AUTO_DEBIT)
        pay(on_time & ~auto, d - early, on_time_amount, APP)
        pay(late, d + lag, due_now, np.where(lag > np.timedelta64(7, "D"), COLLECTIONS, APP))
        first_part = np.rint(due_now * rng.uniform(0.3, 0.8, n)).astype(np.int64)
        pay(partial, d, first_part, APP)
        pay(partial & (rng.random(n) < 0.5), d + lag, due_now - first_part, APP)

        # In arrears: restructure, cure, pay one installment, pay a little, or roll on.
        arrears = live & (behind > 0) & ~never_pay
        v = rng.random(n)
        p_restructure = np.where(restructurable & (behind >= 2) & (behind <= 4), RESTRUCTURE_PROB, 0.0)
        p_cure = CURE_BASE[np.minimum(behind, 7)] * (1.25 - 0.75 * risk) * cure_mult[:, k]
        p_one = 0.2 * (1 - 0.5 * risk)
        restructure = arrears & (v < p_restructure)
        cure = arrears & ~restructure & (v < p_restructure + p_cure)
        one = arrears & ~restructure & ~cure & (v < p_restructure + p_cure + p_one)
        little = arrears & ~restructure & ~cure & ~one & (v < p_restructure + p_cure + p_one + 0.07)
        lag2 = rng.integers(0, 22, n).astype("timedelta64[D]")
        channel = np.where(behind >= 4, np.where(rng.random(n) < 0.4, LEGAL, COLLECTIONS),
                           np.where(rng.random(n) < 0.6, COLLECTIONS, APP))
        pay(cure, d + lag2, due_now, channel)
        pay(one, d + lag2, np.minimum(typical, due_now), channel)
        pay(little, d + lag2, np.minimum(np.rint(typical * rng.uniform(0.2, 0.6, n)).astype(np.int64), due_now),
            channel)
        if restructure.any():
            idx = np.nonzero(restructure)[0]
            day = d[idx] + rng.integers(3, 21, idx.size).astype("timedelta64[D]")
            restructure_rows.append((idx, day, *_position(paid[idx], amount[idx], charges[idx], cum_prev[idx],
                                                          due[idx], day, principal[idx]), term - k))
            closed |= restructure

        for idx, day_paid, amount_fen, _ in cycle:  # each entry names a loan at most once
            paid[idx] += amount_fen
            last_paid[idx] = np.maximum(last_paid[idx], day_paid)
        pay_rows.extend(cycle)

    return _assemble(loan_id, term, due, principal_due, interest_due, fee_due, pay_rows, prepaid_rows,
                     restructure_rows)


def _position(paid, amount, charges, cum_prev, due, day, principal):
    """Principal balance and unpaid interest and fees of installments due before `day`, for the
    loans being restructured: payments settle the oldest installment first, charges before principal."""
    allocated = np.clip(paid[:, None] - cum_prev, 0, amount)
    charges_paid = np.minimum(allocated, charges)
    balance = principal - (allocated - charges_paid).sum(axis=1)
    past = due < day[:, None]
    arrears = np.maximum(0, ((charges - charges_paid) * past).sum(axis=1))
    return balance, arrears


def _assemble(loan_id, term, due, principal_due, interest_due, fee_due, pay_rows, prepaid_rows, restructure_rows):
    n = loan_id.size
    keep = np.ones((n, term), dtype=bool)
    row_principal, row_interest, row_fee, row_due = principal_due.copy(), interest_due.copy(), fee_due.copy(), \
        due[:, :term].copy()
    for idx, k, day, rest, accrued in prepaid_rows:
        keep[idx[:, None], np.arange(term)[None, :]] = np.arange(term)[None, :] <= k[:, None]
        row_principal[idx, k] = rest
        row_interest[idx, k] = accrued
        row_fee[idx, k] = 0
        row_due[idx, k] = day
    # A payoff on a day with nothing accrued and nothing left cannot be an installment of zero.
    keep &= (row_principal + row_interest + row_fee) > 0
    li, ki = np.nonzero(keep)
    installments = pl.DataFrame({
        "loan_id": loan_id[li],
        "installment_no": (ki + 1).astype(np.int32),
        "due_date": row_due[li, ki],
        "principal_fen": row_principal[li, ki],
        "interest_fen": row_interest[li, ki],
        "fee_fen": row_fee[li, ki],
    })
    if pay_rows:
        idx = np.concatenate([r[0] for r in pay_rows])
        day = np.concatenate([r[1] for r in pay_rows])
        payments = pl.DataFrame({
            "loan_id": loan_id[idx],
            "paid_on": day,
            "amount_fen": np.concatenate([r[2] for r in pay_rows]),
            "channel_code": np.concatenate([r[3] for r in pay_rows]).astype(np.int8),
        })
    else:
        payments = pl.DataFrame(schema=PAYMENT_SCHEMA)
    if restructure_rows:
        restructures = pl.DataFrame({
            "loan_id": np.concatenate([loan_id[r[0]] for r in restructure_rows]),
            "restructured_on": np.concatenate([r[1] for r in restructure_rows]),
            "balance_fen": np.concatenate([r[2] for r in restructure_rows]),
            "arrears_fen": np.concatenate([r[3] for r in restructure_rows]),
            "months_left": np.concatenate([np.full(r[0].size, r[4]) for r in restructure_rows]).astype(np.int32),
        })
    else:
        restructures = pl.DataFrame(schema=RESTRUCTURE_SCHEMA)
    return installments, payments, restructures
