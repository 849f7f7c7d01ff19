"""Risk tiers and the recommended treatment (DESIGN.md §5: output per loan), one definition each.

Tier, from the 3-month PD of going 30+ (or charged off):
    A  PD < 1%      B  1% <= PD < 3%      C  3% <= PD < 8%      D  8% <= PD < 20%      E  PD >= 20%

Treatment: the first rule that matches, from the strongest action down. Balance is the principal balance at
the as-of day in yuan; affordability is installment_to_income (the next installment / monthly income).
    legal       tier E, DPD >= 20 and balance >= 20,000: a lawsuit costs about ¥2,000-5,000 and months, so it
                is worth it only for a large balance of a customer who will almost surely go to M2
    plan_offer  tier C or worse and the installment takes >= 35% of income: the customer cannot carry the
                payment, so chasing it only delays the default; offer an extension or re-installment (issue 5)
    field       tier D or worse, DPD >= 8 and balance >= 8,000: a visit (about ¥300) pays off on a balance
                this size once calls have failed for a week
    call        tier D or worse, or any DPD >= 1: an agent call
    reminder    everything else: SMS / app reminder before the due date
The thresholds are module constants so that the page can state them and the tests can pin them.
"""

from __future__ import annotations

import polars as pl

from monitor.db import RISK_TIERS

TIER_PD_CUTS = (0.01, 0.03, 0.08, 0.20)  # upper PD bounds of A, B, C, D; E is everything above
LEGAL_MIN_DPD, LEGAL_MIN_BALANCE = 20, 20_000
PLAN_MIN_INSTALLMENT_TO_INCOME = 0.35
FIELD_MIN_DPD, FIELD_MIN_BALANCE = 8, 8_000


def tier_expr(pd: pl.Expr) -> pl.Expr:
    """The risk tier (A..E) of a PD column."""
    tier = pl.lit(RISK_TIERS[-1])
    for cut, name in reversed(list(zip(TIER_PD_CUTS, RISK_TIERS, strict=False))):
        tier = pl.when(pd < cut).then(pl.lit(name)).otherwise(tier)
    return tier


def treatment_expr(tier: pl.Expr, dpd: pl.Expr, balance: pl.Expr, installment_to_income: pl.Expr) -> pl.Expr:
    """The recommended treatment of each row, by the rule in the module docstring. A missing affordability (no
    installment left, or no income) never triggers a plan offer."""
    worse_than = {name: RISK_TIERS.index(name) for name in RISK_TIERS}
    rank = tier.replace_strict(worse_than, return_dtype=pl.Int8)
    stretched = installment_to_income.fill_null(0.0) >= PLAN_MIN_INSTALLMENT_TO_INCOME
    return (
        pl.when((rank >= worse_than["E"]) & (dpd >= LEGAL_MIN_DPD) & (balance >= LEGAL_MIN_BALANCE))
        .then(pl.lit("legal"))
        .when((rank >= worse_than["C"]) & stretched)
        .then(pl.lit("plan_offer"))
        .when((rank >= worse_than["D"]) & (dpd >= FIELD_MIN_DPD) & (balance >= FIELD_MIN_BALANCE))
        .then(pl.lit("field"))
        .when((rank >= worse_than["D"]) | (dpd >= 1))
        .then(pl.lit("call"))
        .otherwise(pl.lit("reminder"))
    )
