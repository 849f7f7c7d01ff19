"""The Collections page's chart: the daily cure curve (催回率), a heatmap of entry day x days after entry (one cell
per cohort and horizon reached: at most 60 x 5 aggregated rows)."""

from __future__ import annotations

import altair as alt
import polars as pl

from monitor.i18n import t
from monitor.worklists import CURE_HORIZONS

HEIGHT = 220  # five rows of cells, the axis and the legend
# none cured (amber, apart from the blank of a horizon not yet reached) to all cured (green)
CURE_COLORS = ("#f3c98b", "#f7f1c8", "#1b7f3b")


def cure_heatmap(long: pl.DataFrame, lang: str) -> alt.Chart:
    """monitor.worklists.cure_curve_long's rows (entry_day, loans, horizon, cured) as cells coloured by the cure
    rate, entry days along x, the horizons (day 1 at the top) down y; a horizon not yet reached has no cell."""
    horizons = [t("collections.cure_horizon_value", lang, days=h) for h in CURE_HORIZONS]
    frame = long.with_columns(
        pl.col("entry_day").dt.strftime("%m-%d").alias("day_label"),
        pl.col("horizon").replace_strict(dict(zip(CURE_HORIZONS, horizons, strict=True)),
                                         return_dtype=pl.String).alias("horizon_label"))
    base = alt.Chart(frame).encode(
        x=alt.X("day_label:O", title=t("collections.cure_entry_day", lang), sort=None,
                axis=alt.Axis(labelAngle=-90, labelOverlap=True)),
        y=alt.Y("horizon_label:O", title=t("collections.cure_horizon", lang), sort=horizons,
                scale=alt.Scale(domain=horizons)))
    cells = base.mark_rect().encode(
        color=alt.Color("cured:Q", title=t("collections.cure_rate", lang),
                        scale=alt.Scale(domain=[0, 0.5, 1], range=list(CURE_COLORS)), legend=alt.Legend(format=".0%")),
        tooltip=[alt.Tooltip("entry_day:T", title=t("collections.cure_entry_day", lang), format="%Y-%m-%d"),
                 alt.Tooltip("horizon_label:O", title=t("collections.cure_horizon", lang)),
                 alt.Tooltip("loans:Q", title=t("collections.cure_loans", lang), format=","),
                 alt.Tooltip("cured:Q", title=t("collections.cure_rate", lang), format=".1%")])
    return cells.properties(height=HEIGHT)
