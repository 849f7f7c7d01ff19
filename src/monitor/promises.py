"""What a promise to pay is worth, one definition for every reader (the account view, the early-warning feature
broken_promises_30d, the collectors' worklists).

A promise (a collection action with outcome promise_to_pay, amount ptp_amount, date ptp_date) is *kept* when the
payments of its loan from the moment it was made (action_at) through the end of its date reach the amount promised,
within the half-fen tolerance of DESIGN.md §4: paid >= ptp_amount - 0.005. Once kept it stays kept (a promise paid
ahead of its date is kept already). A promise whose date has passed and that is not kept is *broken*; one whose
date is still to come and not yet kept is *pending*. Only payments up to the as-of moment count (`until`), so a
past day is judged with what was known then.
"""

from __future__ import annotations

KEPT_TOLERANCE = 0.005  # yuan: half a fen, the settlement tolerance of DESIGN.md §4


def counts_towards(promise: str = "a", payment: str = "p", until: str = "$until") -> str:
    """The join condition of the payments `payment` that count towards the promise `promise` (SQL aliases): of its
    loan, from the moment of the promise through the end of its date, and before `until` (an SQL timestamp)."""
    return (f"{payment}.loan_id = {promise}.loan_id AND {payment}.paid_at >= {promise}.action_at "
            f"AND {payment}.paid_at < CAST({promise}.ptp_date + 1 AS TIMESTAMP) AND {payment}.paid_at < {until}")


def kept(paid: str, amount: str) -> str:
    """The SQL condition of a kept promise, given the SQL of what counted towards it (`paid`) and of the amount
    promised (`amount`)."""
    return f"{paid} >= {amount} - {KEPT_TOLERANCE}"
