"""The loan what-if as the page shows it, for the command line (`python -m monitor simulate-loan`): one loan's
state at the end of a day, its default assumptions with their sources, and every option with its figures.

Money in yuan (2 decimals), shares as fractions. Texts (sources, reasons) are the catalog's, in English, beside
their keys."""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor.i18n import t
from monitor.simulate import assumptions, loan, options
from monitor.simulate.inputs import SimulationInputError

LANG = "en"


class LoanNotSimulable(SimulationInputError):
    """The loan cannot be simulated on that day (no such loan, not yet made, or closed); the message says which."""


def source_text(assumption: assumptions.Assumption, lang: str = LANG) -> str:
    """An assumption's source in words: its source text and notes, filled from its basis."""
    return " ".join(t(key, lang, **assumption.basis) for key in assumption.keys)


def reason_text(reason: str, loan_state: loan.LoanState, values: dict[str, float], pti: float | None,
                lang: str = LANG) -> str:
    """Why an option does not apply, in words (simulator_loan.reason.*)."""
    return t(reason, lang, dpd=loan_state.dpd, min_dpd=int(values["legal_min_dpd"]),
             limit=values["max_payment_to_income"], pti=pti or 0.0)


def _yuan(fen: float | None) -> float | None:
    return None if fen is None else round(fen / 100, 2)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def what_if(con: duckdb.DuckDBPyConnection, loan_id: int, as_of: dt.date, params: dict | None = None) -> dict:
    """loan_id, as_of, state {dpd, bucket, principal_balance, overdue_amount, installments_left}, assumptions
    {name: {value, source, source_key}}, options [{option, applicable, reason, reason_text, best, months, payment,
    payment_to_income, total_interest, p_redefault, expected_cash, npv, delta_npv, break_even_redefault,
    break_even}] and best (the best applicable option). Raises LoanNotSimulable for a loan not active at as_of."""
    state = loan.loan_state(con, loan_id, as_of)
    if state.presence == "unknown":
        raise LoanNotSimulable(f"there is no loan {loan_id}")
    if state.presence == "not_yet":
        raise LoanNotSimulable(f"loan {loan_id} was not yet made on {as_of}")
    if state.presence == "no_schedule":
        raise LoanNotSimulable(f"loan {loan_id} has no schedule yet: its installments have not been loaded")
    if not state.active:
        raise LoanNotSimulable(f"loan {loan_id} is not active at the end of {as_of} ({state.status}): "
                               "there is nothing to restructure")
    defaults = assumptions.loan_defaults(assumptions.estimate_book(con, as_of), state)
    values = assumptions.values(defaults)
    table = options.compare_options(state, values, params)
    rows = []
    for row in table.iter_rows(named=True):
        rows.append({
            "option": row["option"], "applicable": row["applicable"], "reason": row["reason"],
            "reason_text": reason_text(row["reason"], state, values, row["payment_to_income"])
            if row["reason"] else None,
            "best": row["best"], "months": row["term_months"], "payment": _yuan(row["payment_fen"]),
            "payment_to_income": _share(row["payment_to_income"]), "total_interest": _yuan(row["total_interest_fen"]),
            "p_redefault": _share(row["p_redefault"]), "expected_cash": _yuan(row["expected_cash_fen"]),
            "npv": _yuan(row["npv_fen"]), "delta_npv": _yuan(row["delta_npv_fen"]),
            "break_even_redefault": _share(row["break_even"]), "break_even": row["break_even_kind"]})
    return {
        "loan_id": loan_id, "as_of": as_of.isoformat(),
        "state": {"dpd": state.dpd, "bucket": state.bucket, "principal_balance": _yuan(state.principal_balance_fen),
                  "overdue_amount": _yuan(state.overdue_fen), "installments_left": state.installments_left},
        "assumptions": {name: {"value": round(default.value, 6), "source": source_text(default),
                               "source_key": default.source} for name, default in defaults.items()},
        "options": rows,
        "best": next(row["option"] for row in rows if row["best"]),
    }


def to_text(result: dict) -> str:
    """what_if's result as a plain-text report: the state, the options table, the assumptions and their sources."""
    s = result["state"]
    lines = [f"Loan {result['loan_id']} at the end of {result['as_of']}: {s['bucket']}, DPD {s['dpd']}, principal "
             f"balance {s['principal_balance']:,.2f}, overdue {s['overdue_amount']:,.2f}, "
             f"{s['installments_left']} installments left", "",
             f"{'option':<16}{'months':>7}{'payment':>12}{'PTI':>8}{'p fail':>8}{'NPV':>13}{'ΔNPV':>12}  note"]
    for row in result["options"]:
        def num(value, spec):
            return "-" if value is None else format(value, spec)
        note = ("best" if row["best"] else "") if row["applicable"] else f"not applicable: {row['reason_text']}"
        be = row["break_even"]
        if row["applicable"] and be in ("below", "above"):
            note = (note + "; " if note else "") + f"better while p {be} {row['break_even_redefault']:.1%}"
        lines.append(f"{row['option']:<16}{num(row['months'], 'd'):>7}{num(row['payment'], ',.2f'):>12}"
                     f"{num(row['payment_to_income'], '.0%'):>8}{num(row['p_redefault'], '.1%'):>8}"
                     f"{row['npv']:>13,.2f}{row['delta_npv']:>+12,.2f}  {note}")
    lines += ["", "Assumptions:"]
    for name, assumption in result["assumptions"].items():
        lines.append(f"  {name} = {assumption['value']:g}: {assumption['source']}")
    return "\n".join(lines)
