"""Repayment schedules in integer fen, vectorized over many loans of one term.

等额本息 (equal_installment): a level payment P r / (1 - (1 + r)^-n), r = APR / 12; interest on the
outstanding balance, the rest principal. 等额本金 (equal_principal): level principal P / n, interest on
the balance. Interest is rounded to the fen each month; the last installment takes whatever principal
is left so that the balance ends at exactly 0.
"""

from __future__ import annotations

import numpy as np


def amortize_fen(
    principal_fen: np.ndarray,
    annual_rate: np.ndarray,
    term: int,
    equal_principal: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Principal and interest due per installment, shape (n_loans, term), int64 fen."""
    principal_fen = np.asarray(principal_fen, dtype=np.int64)
    n = principal_fen.shape[0]
    r = np.asarray(annual_rate, dtype=np.float64) / 12.0
    equal_principal = np.asarray(equal_principal, dtype=bool)

    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(r > 0, principal_fen * r / (1.0 - (1.0 + r) ** -term), principal_fen / term)
    level_payment = np.rint(level).astype(np.int64)
    level_principal = np.rint(principal_fen / term).astype(np.int64)

    principal_due = np.zeros((n, term), dtype=np.int64)
    interest_due = np.zeros((n, term), dtype=np.int64)
    balance = principal_fen.copy()
    for k in range(term):
        interest = np.rint(balance * r).astype(np.int64)
        if k == term - 1:
            principal = balance.copy()
        else:
            principal = np.where(equal_principal, level_principal, level_payment - interest)
            principal = np.clip(principal, 0, balance)
        principal_due[:, k] = principal
        interest_due[:, k] = interest
        balance = balance - principal
    return principal_due, interest_due
