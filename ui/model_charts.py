"""Altair charts of the Model monitoring page, built from monitor.scoring.monitoring's frames; titles, axes and
legends from the catalog in the page's language."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from monitor.i18n import t
from monitor.scoring.monitoring import ORACLE_MODELS, POPULATIONS
from ui import format as fmt
from ui.charts import LINE_HEIGHT, with_labels, with_month_label

POPULATION_COLORS = ("#9fb3c8", "#d1553a")  # training: pale blue; now: red-orange
# the backtest's month-ends (monitor.scoring.training._backtest) in time order, and their shading
SAMPLE_COLORS = {"before": "#e4e7eb", "train": "#c7dcf0", "holdout": "#fbe3bf", "oot": "#f4c7c0"}
BACKTEST_METRICS = ("auc", "ks")
METRIC_COLORS = ("#1f4e79", "#b23a3a")  # AUC, KS
ORACLE_COLORS = ("#3b6ea5", "#9fb3c8", "#c3c8ce", "#4c9a6a")  # champion, challenger, true driver, oracle
DIAGONAL_COLOR = "#7d8b99"
LABEL_EVERY = 50  # points between the labels of the score axis
RANDOM_AUC = 0.5  # the left end of the AUC axis: a ranking no better than chance
BAR_ROW = 40  # pixels per model of the oracle chart,
AXIS_ROOM = 50  # ... and for its axis: Streamlit fits the whole chart, axis included, into the height


def distribution_chart(distribution: pl.DataFrame, day: dt.date | None, lang: str) -> alt.Chart:
    """Share of loans per score band, training beside now, the bands in score order
    (monitoring_view's `distribution`: points_bin, population, share; `day` the scored day of "current")."""
    names = {"train": t("model.population.train", lang),
             "current": t("model.population.current", lang, day=day.isoformat() if day else "")}
    frame = with_labels(distribution.with_columns(pl.col("points_bin").cast(pl.Int64)), "population", names
                        ).drop("population")
    shown = [names[p] for p in POPULATIONS if p in set(distribution["population"])]
    band = t("model.chart.band", lang)
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("points_bin:O", title=t("model.chart.points", lang), sort="ascending",
                axis=alt.Axis(labelAngle=0, labelExpr=f"datum.value % {LABEL_EVERY} == 0 ? datum.value : ''")),
        xOffset=alt.XOffset("population_label:N", sort=shown),
        y=alt.Y("share:Q", title=t("model.chart.share", lang), axis=alt.Axis(format=".0%")),
        color=alt.Color("population_label:N", title=t("model.chart.population", lang), sort=shown,
                        scale=alt.Scale(domain=shown, range=list(POPULATION_COLORS[:len(shown)])),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("population_label:N", title=t("model.chart.population", lang)),
                 alt.Tooltip("points_bin:O", title=band),
                 alt.Tooltip("share:Q", title=t("model.chart.share", lang), format=".2%")],
    ).properties(height=LINE_HEIGHT + 60)


def oracle_chart(oracle: pl.DataFrame, lang: str) -> alt.LayerChart:
    """The out-of-time AUC of each model, as bars from a random ranking (0.5), each labelled with its value
    (monitoring_view's `oracle`: model, auc)."""
    names = {m: t(f"model.oracle_model.{m}", lang) for m in ORACLE_MODELS}
    frame = with_labels(oracle, "model", names).drop("model").with_columns(random=pl.lit(RANDOM_AUC))
    order = [names[m] for m in ORACLE_MODELS if m in set(oracle["model"])]
    base = alt.Chart(frame).encode(
        y=alt.Y("model_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260),
                scale=alt.Scale(paddingInner=0.3)),
        x=alt.X("auc:Q", title=t("model.chart.auc", lang), scale=alt.Scale(domain=[RANDOM_AUC, 1.0])),
        tooltip=[alt.Tooltip("model_label:N", title=t("model.chart.model", lang)),
                 alt.Tooltip("auc:Q", title=t("model.chart.auc", lang), format=".3f")],
    )
    bars = base.mark_bar().encode(
        x2="random:Q",
        color=alt.Color("model_label:N", legend=None, sort=order,
                        scale=alt.Scale(domain=[names[m] for m in ORACLE_MODELS], range=list(ORACLE_COLORS))))
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("auc:Q", format=".3f"))
    return (bars + text).properties(height=AXIS_ROOM + BAR_ROW * len(order))


def calibration_chart(calibration: pl.DataFrame, lang: str) -> alt.LayerChart:
    """Observed bad rate against mean predicted PD per decile, each point labelled with its decile, over the
    dashed diagonal of a perfect calibration; both axes on the same square-root scale, so the diagonal stays
    straight (monitoring_view's `calibration`: decile, n, mean_pd, observed_rate, gap)."""
    top = float(max(calibration["mean_pd"].max(), calibration["observed_rate"].max(), 0.01)) * 1.05
    scale = alt.Scale(type="sqrt", domain=[0, top], nice=False)
    x_title, y_title = t("model.chart.mean_pd", lang), t("model.chart.observed", lang)
    diagonal = alt.Chart(pl.DataFrame({"mean_pd": [0.0, top], "observed_rate": [0.0, top]})).mark_line(
        color=DIAGONAL_COLOR, strokeDash=[5, 4]).encode(
        x=alt.X("mean_pd:Q", scale=scale, title=x_title, axis=alt.Axis(format=".0%")),
        y=alt.Y("observed_rate:Q", scale=scale, title=y_title, axis=alt.Axis(format=".0%")))
    base = alt.Chart(calibration).encode(
        x=alt.X("mean_pd:Q", scale=scale, title=x_title),
        y=alt.Y("observed_rate:Q", scale=scale, title=y_title),
        tooltip=[alt.Tooltip("decile:O", title=t("model.chart.decile", lang)),
                 alt.Tooltip("mean_pd:Q", title=x_title, format=fmt.PD_D3),
                 alt.Tooltip("observed_rate:Q", title=y_title, format=".2%"),
                 alt.Tooltip("n:Q", title=t("chart.loans", lang), format=",")],
    )
    points = base.mark_line(color=METRIC_COLORS[0], point=alt.OverlayMarkDef(color=METRIC_COLORS[0], size=40))
    labels = base.mark_text(dx=-8, dy=-8, fontSize=11, color="#1f2933").encode(text="decile:O")
    return (diagonal + points + labels).properties(height=LINE_HEIGHT + 40)


def backtest_chart(backtest: pl.DataFrame, lang: str) -> alt.LayerChart:
    """AUC and KS of the live model at each month-end, over a shading of each month-end's part in training
    (monitoring_view's `backtest`: month_end, sample, loans, bad_rate, auc, ks). The legend lists the samples the
    backtest has (a short history has no month-end before training)."""
    present = set(backtest["sample"])
    sample_names = {s: t(f"sample.{s}", lang) for s in SAMPLE_COLORS if s in present}
    metric_names = {m: t(f"model.metric.{m}", lang) for m in BACKTEST_METRICS}
    frame = with_month_label(with_labels(backtest, "sample", sample_names), "month_end").drop("sample", "month_end")
    x = alt.X("month_label:O", title=t("chart.month_end", lang), axis=alt.Axis(labelAngle=-45))
    value_title = t("model.chart.value", lang)
    shading = alt.Chart(frame).mark_rect(opacity=0.8).encode(
        x=x,
        color=alt.Color("sample_label:N", title=t("model.chart.sample", lang), sort=list(sample_names.values()),
                        scale=alt.Scale(domain=list(sample_names.values()),
                                        range=[SAMPLE_COLORS[s] for s in sample_names])),
        tooltip=[alt.Tooltip("month_label:O", title=t("chart.month_end", lang)),
                 alt.Tooltip("sample_label:N", title=t("model.chart.sample", lang)),
                 alt.Tooltip("loans:Q", title=t("chart.loans", lang), format=","),
                 alt.Tooltip("bad_rate:Q", title=t("model.chart.bad_rate", lang), format=".2%"),
                 alt.Tooltip("auc:Q", title=metric_names["auc"], format=".3f"),
                 alt.Tooltip("ks:Q", title=metric_names["ks"], format=".3f")],
    )
    lines_frame = with_labels(frame.unpivot(index=["month_label", "sample_label"], on=list(BACKTEST_METRICS),
                                          variable_name="metric", value_name="value"), "metric", metric_names
                            ).drop("metric")
    lines = alt.Chart(lines_frame).mark_line(point=alt.OverlayMarkDef(size=30)).encode(
        x=x,
        y=alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=".2f")),
        color=alt.Color("metric_label:N", title=t("model.chart.metric", lang), sort=list(metric_names.values()),
                        scale=alt.Scale(domain=list(metric_names.values()), range=list(METRIC_COLORS))),
        tooltip=[alt.Tooltip("month_label:O", title=t("chart.month_end", lang)),
                 alt.Tooltip("metric_label:N", title=t("model.chart.metric", lang)),
                 alt.Tooltip("value:Q", title=value_title, format=".3f"),
                 alt.Tooltip("sample_label:N", title=t("model.chart.sample", lang))],
    )
    return (shading + lines).resolve_scale(color="independent").properties(height=LINE_HEIGHT + 40)
