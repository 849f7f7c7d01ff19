"""The Early-warning page's chart: the loans of the list by risk tier and treatment (aggregated rows only)."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.db import RISK_TIERS, TREATMENTS
from monitor.i18n import label, t

# From the mildest treatment to the strongest, as the tiers run from low to high risk.
TREATMENT_COLORS = ("#7fb68f", "#e6c84f", "#6fa8dc", "#e07b39", "#7f1d1d")
HEIGHT = 250  # the whole chart, title and axis included: about 34 px a bar
HEADROOM = 1.15  # room right of the longest bar for its count


def tier_treatment_chart(summary: dict, lang: str) -> alt.LayerChart:
    """Horizontal bars of loans per risk tier (A at the top), split by recommended treatment, each tier's count
    written at the end of its bar (0 for a tier without loans).

    `summary` is monitor.early_warning.summary's: "cells" (tier, treatment, loans, balance: the pairs that
    occur) and "by_tier" (tier, loans, balance: every tier)."""
    tier_labels = dict(zip(RISK_TIERS, (label("tier", tier, lang) for tier in RISK_TIERS), strict=True))
    treatment_labels = dict(zip(TREATMENTS, (label("treatment", name, lang) for name in TREATMENTS), strict=True))
    cells = summary["cells"].with_columns(
        pl.col("tier").replace_strict(tier_labels).alias("tier_label"),
        pl.col("treatment").replace_strict(treatment_labels).alias("treatment_label"),
        pl.col("treatment").replace_strict({name: i for i, name in enumerate(TREATMENTS)}).alias("order"))
    totals = summary["by_tier"].with_columns(pl.col("tier").replace_strict(tier_labels).alias("tier_label"))
    y = alt.Y("tier_label:N", title=None, sort=list(tier_labels.values()),
              scale=alt.Scale(domain=list(tier_labels.values())))
    bars = alt.Chart(cells).mark_bar().encode(
        y=y,
        x=alt.X("loans:Q", title=t("early_warning.chart_loans", lang), axis=alt.Axis(format=",d", tickMinStep=1),
                scale=alt.Scale(domainMax=max(float(totals["loans"].max() or 1), 1.0) * HEADROOM)),
        color=alt.Color("treatment_label:N", title=t("early_warning.chart_treatment", lang),
                        sort=list(treatment_labels.values()),
                        scale=alt.Scale(domain=list(treatment_labels.values()), range=list(TREATMENT_COLORS))),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("tier_label:N", title=t("early_warning.chart_tier", lang)),
                 alt.Tooltip("treatment_label:N", title=t("early_warning.chart_treatment", lang)),
                 alt.Tooltip("loans:Q", title=t("early_warning.chart_loans", lang), format=","),
                 alt.Tooltip("balance:Q", title=t("early_warning.chart_balance", lang), format=",.2f")],
    )
    counts = alt.Chart(totals).mark_text(align="left", dx=4).encode(
        y=y, x=alt.X("loans:Q"), text=alt.Text("loans:Q", format=","))
    return (bars + counts).properties(title=t("early_warning.chart_title", lang), height=HEIGHT)
