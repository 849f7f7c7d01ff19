"""The loan-level options (DESIGN.md §6) for one active loan: each a new schedule, its payment, payment-to-income,
total interest, expected cash, NPV, ΔNPV against doing nothing, the break-even re-default rate, and whether it
applies at all.

Pure numpy/polars on one loan's numbers (no SQL): a recomputation of every option takes a few milliseconds.

Each option is two branches of monthly cash flows (month 0 = now, fen), discounted at discount_rate / 12:
    NPV = (1 - p) PV(performing) + p PV(failure)
with p the probability that the plan fails (monitor.simulate.assumptions: doing nothing's 1 - cure rate, an
option's re-default rate). One failure for every plan: nothing more is paid. The loan is charged off when its DPD
reaches the charge-off DPD, counted from now for a loan already in arrears under its contract, else from the
plan's first installment (months of 30 days), and recovery_rate x its principal balance then, less
collection_cost of it, comes in recovery_months after the charge-off.
- do_nothing: performing = the arrears now and the contract's installments as they fall due; p = 1 - cure rate.
- extension (展期), reinstallment (再分期), rate_cut, waiver, payment_holiday: the arrears are capitalized (the
  overdue principal is in the principal balance already; the overdue interest and fees are added, less the waived
  share) and the balance re-amortized: extension over the installments left + extension_months at the same rate;
  re-installment over new_term months; rate cut over the installments left at APR - rate_cut; waiver over the
  installments left; payment holiday: no payment for holiday_months, then the installments left. With
  holiday_capitalize the holiday's interest is added to the balance each month (compound); without it, it is
  forgiven. performing = the new schedule; p = the option's re-default rate.
- settlement: (1 - settlement_discount) x (principal balance + overdue charges) now; p = the re-default rate (the
  lump sum is not paid), and then the loan fails as doing nothing's does.
- legal: legal_recovery_rate x principal balance after legal_months, less legal_cost now; no failure branch (its
  rates are already expectations), so no break-even.

An option that does not apply is computed but marked not applicable, with the catalog key of the reason, and is
never best: any option but doing nothing on a loan with nothing left to pay; a plan whose highest monthly payment is
above max_payment_to_income of the monthly income (or with no income on record to judge it); a waiver with no
overdue interest or fees to waive; a rate cut of nothing; legal action below legal_min_dpd. Best is the applicable
option with the highest NPV, if it beats doing nothing by at least MIN_GAIN_FEN; else doing nothing.

NPV is linear in p, so the break-even p* where an option's NPV equals doing nothing's is (A - N) / (A - B) with A,
B the PVs of its branches and N doing nothing's NPV: the option is better for p below p* (when A > B); 'always' /
'never' when p* falls outside [0, 1] or A = B.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from monitor.simulate.amortize import schedule_fen
from monitor.simulate.assumptions import ASSUMPTIONS, SHARES
from monitor.simulate.inputs import SimulationInputError, check_non_negative, check_share, check_term
from monitor.simulate.loan import LoanState

OPTIONS = ("do_nothing", "extension", "reinstallment", "rate_cut", "waiver", "payment_holiday", "settlement",
           "legal")
PLANS = ("extension", "reinstallment", "rate_cut", "waiver", "payment_holiday")  # monthly plans, checked for income
REDEFAULT_OPTIONS = (*PLANS, "settlement")
DEFAULT_PARAMS = {"extension_months": 6, "new_term": 12, "rate_cut": 0.06, "waiver_share": 1.0,
                  "holiday_months": 3, "holiday_capitalize": True, "settlement_discount": 0.3}
MAX_HOLIDAY = 12
MIN_GAIN_FEN = 100  # an option is best over doing nothing only by at least ¥1: less is the rounding of fen
DAYS_PER_MONTH = 30
TABLE_SCHEMA = {"option": pl.String, "term_months": pl.Int32, "payment_fen": pl.Int64,
                "payment_to_income": pl.Float64, "total_interest_fen": pl.Int64, "p_redefault": pl.Float64,
                "expected_cash_fen": pl.Float64, "npv_fen": pl.Float64, "delta_npv_fen": pl.Float64,
                "pv_performing_fen": pl.Float64, "pv_failure_fen": pl.Float64,
                "break_even": pl.Float64, "break_even_kind": pl.String, "applicable": pl.Boolean,
                "reason": pl.String, "best": pl.Boolean}


@dataclass(frozen=True)
class Plan:
    """One option: its performing and failure branches (fen by month, month 0 = now), the probability of the
    failure branch, its new schedule (payment, principal, interest, balance by month 1..), its highest monthly
    payment (None for a lump sum or legal action) and total interest."""

    option: str
    performing: np.ndarray
    failure: np.ndarray
    p: float
    schedule: pl.DataFrame
    payment_fen: int | None
    total_interest_fen: int | None
    has_break_even: bool


@dataclass(frozen=True)
class Comparison:
    """compare's result: `table` (one row per option, TABLE_SCHEMA; pv_performing_fen and pv_failure_fen are
    the PVs of the two branches, so NPV(p) = pv_performing + p (pv_failure - pv_performing); reason is the catalog
    key of why an option does not apply, None when it does) and `schedules` (long: option, month, payment_fen,
    principal_fen, interest_fen, balance_fen; the performing branch of each option, month 0 = now: doing nothing's
    arrears, a settlement's lump sum; legal action has none)."""

    table: pl.DataFrame
    schedules: pl.DataFrame


def redefault_key(option: str) -> str:
    return f"redefault.{option}"


def check_assumptions(assumptions: dict[str, float]) -> dict[str, float]:
    """The assumption values (ASSUMPTIONS plus redefault.<option>, defaulting to redefault_rate), checked."""
    missing = [name for name in ASSUMPTIONS if name not in assumptions]
    if missing:
        raise SimulationInputError(f"missing assumptions: {', '.join(missing)}")
    checked = {name: check_share(name, assumptions[name]) if name in SHARES
               else check_non_negative(name, assumptions[name]) for name in ASSUMPTIONS}
    for option in REDEFAULT_OPTIONS:
        key = redefault_key(option)
        checked[key] = check_share(key, assumptions.get(key, checked["redefault_rate"]))
    return checked


def check_params(params: dict, loan: LoanState) -> dict:
    """The option parameters (DEFAULT_PARAMS for those not given; the default rate cut at most the loan's APR),
    checked against their rules."""
    merged = DEFAULT_PARAMS | {"rate_cut": min(DEFAULT_PARAMS["rate_cut"], loan.annual_rate)} | params
    rate_cut = check_share("rate_cut", merged["rate_cut"])
    if rate_cut > loan.annual_rate + 1e-12:
        raise SimulationInputError(f"rate_cut must not exceed the loan's APR ({loan.annual_rate:.2%}), "
                                   f"got {rate_cut:.2%}")
    holiday = check_term(merged["holiday_months"], "holiday_months")
    if holiday > MAX_HOLIDAY:
        raise SimulationInputError(f"holiday_months must be at most {MAX_HOLIDAY}, got {holiday}")
    return {"extension_months": check_term(merged["extension_months"], "extension_months"),
            "new_term": check_term(merged["new_term"], "new_term"), "rate_cut": rate_cut,
            "waiver_share": check_share("waiver_share", merged["waiver_share"]), "holiday_months": holiday,
            "holiday_capitalize": bool(merged["holiday_capitalize"]),
            "settlement_discount": check_share("settlement_discount", merged["settlement_discount"])}


def present_value(flows: np.ndarray, discount_rate: float) -> float:
    """Sum of flows[m] / (1 + discount_rate / 12)^m."""
    return float(np.sum(flows / (1.0 + discount_rate / 12.0) ** np.arange(len(flows))))


def _at(month: int, amount: float, before: np.ndarray | None = None) -> np.ndarray:
    """Cash flows: `before` (months 0..) and `amount` added at `month`."""
    before = np.zeros(0) if before is None else before
    flows = np.zeros(max(len(before), month + 1))
    flows[:len(before)] += before
    flows[month] += amount
    return flows


def _schedule_frame(payment, principal, interest, balance) -> pl.DataFrame:
    months = np.arange(1, len(payment) + 1)
    return pl.DataFrame({"month": months, "payment_fen": payment, "principal_fen": principal,
                         "interest_fen": interest, "balance_fen": balance},
                        schema={"month": pl.Int32, "payment_fen": pl.Int64, "principal_fen": pl.Int64,
                                "interest_fen": pl.Int64, "balance_fen": pl.Int64})


def _recovery(charge_off_month: int, balance_fen: float, a: dict) -> np.ndarray:
    """The failure branch: recovery_rate x the balance at charge-off, less collection_cost of it, recovery_months
    after the charge-off month."""
    net = a["recovery_rate"] * (1 - a["collection_cost"]) * balance_fen
    return _at(charge_off_month + round(a["recovery_months"]), net)


def charge_off_month(loan: LoanState, first_missed: int | None = None) -> int:
    """Months from now to charge-off when nothing more is paid: for a plan whose first installment falls due in
    month `first_missed`, that month plus the charge-off DPD in 30-day months; for the contract of a loan in
    arrears (first_missed None), the DPD still to run."""
    if first_missed is None:
        return math.ceil(max(0, loan.charge_off_dpd - loan.dpd) / DAYS_PER_MONTH)
    return first_missed + math.ceil(loan.charge_off_dpd / DAYS_PER_MONTH)


def _do_nothing_failure(loan: LoanState, a: dict) -> np.ndarray:
    first_missed = None if loan.dpd > 0 else 1
    return _recovery(charge_off_month(loan, first_missed), loan.principal_balance_fen, a)


def _restructured(option: str, loan: LoanState, a: dict, balance: int, rate: float, term: int,
                  holiday: int = 0, capitalize: bool = True) -> Plan:
    """A re-amortized balance (after `holiday` months without payment), its failure branch and schedule."""
    r = rate / 12.0
    held, accrued, current = [], [], balance
    for _ in range(holiday):  # at most MAX_HOLIDAY months
        interest_k = round(current * r) if capitalize else 0
        current += interest_k
        held.append(current)
        accrued.append(interest_k)
    held, accrued = np.array(held, dtype=np.int64), np.array(accrued, dtype=np.int64)
    start = int(held[-1]) if holiday else balance
    principal, interest = schedule_fen(start, rate, term, loan.repayment_method == "equal_principal")
    payment = np.concatenate([np.zeros(holiday, np.int64), principal + interest])
    balances = np.concatenate([held, start - np.cumsum(principal)])
    frame = _schedule_frame(payment, np.concatenate([np.zeros(holiday, np.int64), principal]),
                            np.concatenate([accrued, interest]), balances)
    failure = _recovery(charge_off_month(loan, holiday + 1), start, a)
    total_interest = int(interest.sum()) + int(accrued.sum())
    return Plan(option, np.concatenate([[0.0], payment]), failure, a[redefault_key(option)], frame,
                int(payment[holiday:].max()), total_interest, True)


def plans(loan: LoanState, a: dict, params: dict) -> list[Plan]:
    """Every option's Plan (OPTIONS order) for an active loan, with checked assumptions and parameters."""
    capitalized = loan.principal_balance_fen + loan.arrears_charges_fen
    term, rate = loan.remaining_term, loan.annual_rate
    contract, contract_principal = loan.contract_fen, loan.contract_principal_fen
    contract_balance = loan.principal_balance_fen - loan.arrears_principal_fen - np.cumsum(contract_principal)
    arrears_row = _schedule_frame(np.array([loan.overdue_fen]), np.array([loan.arrears_principal_fen]),
                                  np.array([loan.arrears_charges_fen]),
                                  np.array([loan.principal_balance_fen - loan.arrears_principal_fen]))
    contract_rows = _schedule_frame(contract, contract_principal, contract - contract_principal, contract_balance)
    nothing_failure = _do_nothing_failure(loan, a)
    nothing = Plan("do_nothing", np.concatenate([[float(loan.overdue_fen)], contract]), nothing_failure,
                   1.0 - a["cure_rate"], pl.concat([arrears_row.with_columns(month=0), contract_rows]),
                   int(contract.max()) if len(contract) else None,
                   loan.contract_interest_fen + loan.arrears_charges_fen, False)
    waived = loan.principal_balance_fen + round((1 - params["waiver_share"]) * loan.arrears_charges_fen)
    lump = round((1 - params["settlement_discount"]) * capitalized)
    settlement = Plan("settlement", _at(0, lump), nothing_failure, a[redefault_key("settlement")],
                      _schedule_frame(np.array([lump]), np.array([min(lump, loan.principal_balance_fen)]),
                                      np.array([max(0, lump - loan.principal_balance_fen)]), np.array([0]))
                      .with_columns(month=0), None, 0, True)
    legal = Plan("legal", _at(round(a["legal_months"]), a["legal_recovery_rate"] * loan.principal_balance_fen,
                              _at(0, -a["legal_cost"] * 100)), np.zeros(1), 0.0,
                 _schedule_frame(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64),
                                 np.zeros(0, np.int64)), None, None, False)
    return [
        nothing,
        _restructured("extension", loan, a, capitalized, rate, term + params["extension_months"]),
        _restructured("reinstallment", loan, a, capitalized, rate, params["new_term"]),
        _restructured("rate_cut", loan, a, capitalized, max(0.0, rate - params["rate_cut"]), term),
        _restructured("waiver", loan, a, waived, rate, term),
        _restructured("payment_holiday", loan, a, capitalized, rate, term, params["holiday_months"],
                      params["holiday_capitalize"]),
        settlement,
        legal,
    ]


def not_applicable(plan: Plan, loan: LoanState, a: dict, params: dict) -> str | None:
    """The catalog key of why `plan` does not apply to the loan, None when it does (see the module doc)."""
    if plan.option == "do_nothing":
        return None
    if loan.owes_nothing:
        return "simulator_loan.reason.nothing_to_pay"
    if plan.option == "legal" and loan.dpd < a["legal_min_dpd"]:
        return "simulator_loan.reason.legal_dpd"
    if plan.option == "waiver" and (loan.arrears_charges_fen <= 0 or params["waiver_share"] <= 0):
        return "simulator_loan.reason.nothing_to_waive"
    if plan.option == "rate_cut" and min(params["rate_cut"], loan.annual_rate) <= 0:
        return "simulator_loan.reason.no_rate_cut"
    if plan.option in PLANS:
        income = a["monthly_income"] * 100
        if income <= 0:
            return "simulator_loan.reason.no_income"
        if plan.payment_fen > a["max_payment_to_income"] * income:
            return "simulator_loan.reason.unaffordable"
    return None


def break_even(performing_pv: float, failure_pv: float, nothing_npv: float) -> tuple[float | None, str]:
    """The re-default rate p* at which (1 - p*) A + p* B = N, and how to read it: 'below' (better while
    p < p*), 'above' (better while p > p*), 'always' or 'never' (over all p in [0, 1])."""
    slope = failure_pv - performing_pv
    if abs(slope) < 1e-9:
        return None, "always" if performing_pv >= nothing_npv else "never"
    p = (nothing_npv - performing_pv) / slope
    better_below = slope < 0
    if p >= 1:
        return None, "always" if better_below else "never"
    if p <= 0:
        return None, "never" if better_below else "always"
    return p, "below" if better_below else "above"


def compare(loan: LoanState, assumptions: dict[str, float], params: dict | None = None) -> Comparison:
    """Every option for an active loan, under `assumptions` (values by name, see check_assumptions) and the
    option `params` (see DEFAULT_PARAMS). Money in fen."""
    if not loan.active:
        raise SimulationInputError(f"loan {loan.loan_id} is not active at {loan.as_of}")
    a = check_assumptions(assumptions)
    checked = check_params(params or {}, loan)
    all_plans = plans(loan, a, checked)
    income = a["monthly_income"] * 100
    rows, schedules = [], []
    nothing_npv = None
    for plan in all_plans:
        performing_pv = present_value(plan.performing, a["discount_rate"])
        failure_pv = present_value(plan.failure, a["discount_rate"])
        npv = (1 - plan.p) * performing_pv + plan.p * failure_pv
        nothing_npv = npv if nothing_npv is None else nothing_npv
        p_star, kind = break_even(performing_pv, failure_pv, nothing_npv) if plan.has_break_even else (None, None)
        reason = not_applicable(plan, loan, a, checked)
        rows.append({
            "option": plan.option, "term_months": int((plan.schedule["month"] >= 1).sum()) or None,
            "payment_fen": plan.payment_fen,
            "payment_to_income": plan.payment_fen / income if plan.payment_fen is not None and income else None,
            "total_interest_fen": plan.total_interest_fen,
            "p_redefault": plan.p if plan.has_break_even else None,
            "expected_cash_fen": (1 - plan.p) * plan.performing.sum() + plan.p * plan.failure.sum(),
            "npv_fen": npv, "delta_npv_fen": npv - nothing_npv, "pv_performing_fen": performing_pv,
            "pv_failure_fen": failure_pv, "break_even": p_star, "break_even_kind": kind,
            "applicable": reason is None, "reason": reason})
        schedules.append(plan.schedule.with_columns(option=pl.lit(plan.option)))
    table = pl.DataFrame(rows, schema={k: v for k, v in TABLE_SCHEMA.items() if k != "best"})
    top = table.with_row_index().filter("applicable").sort("npv_fen", "index", descending=[True, False]).row(
        0, named=True)
    best = top["index"] if top["delta_npv_fen"] >= MIN_GAIN_FEN else 0  # row 0: do_nothing
    table = table.with_columns(best=pl.Series([i == best for i in range(table.height)]))
    return Comparison(table, pl.concat(schedules).select("option", pl.exclude("option")))


def compare_options(loan: LoanState, assumptions: dict[str, float], params: dict | None = None) -> pl.DataFrame:
    """compare's table: one row per option (TABLE_SCHEMA)."""
    return compare(loan, assumptions, params).table
