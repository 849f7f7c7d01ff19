"""Model monitoring (模型监控): the live early-warning model's out-of-time metrics against the challenger and, on
a synthetic book only (labelled as such; a lender's own book never mentions it), one oracle fit with the generator's
true default driver; its score distribution at training and now, PSI/CSI, calibration and backtest; the button that
retrains it, which makes a candidate, and the candidate's validation figures beside the live model's with the
confirmation an admin gives before making it live.

Every figure comes from monitor.scoring.monitoring (monitoring_view, candidate_view); the jobs are
ui.model_data.retrain and promote, each checking the role where it runs (ui.auth.allowed here first)."""

import polars as pl
import streamlit as st

from monitor.i18n import t
from monitor.origination.front_door import REFERENCE_MONTHS
from monitor.scoring.training import SCORE_BIN_WIDTH
from ui import auth, charts, context, data, front_door_charts, front_door_data, model_charts, model_data
from ui import format as fmt

lang, as_of = context.start_page()
day = as_of.isoformat()
RETRAINED_KEY = "model_retrained"  # the candidate's version and AUC, said on the run after the retrain
PROMOTED_KEY = "model_promoted"  # the version made live, said on the run after the promotion
VERDICT_BADGES = {"stable": "green", "watch": "orange", "act": "red"}
# metric -> how its values read: a decimal with `digits`, or a percentage (capture rate)
METRIC_DIGITS = {"auc": 3, "gini": 3, "ks": 3, "brier": 4, "psi": 3}


def metric_text(metric: str, value: float) -> str:
    return f"{value:.{METRIC_DIGITS[metric]}f}" if metric in METRIC_DIGITS else fmt.pct(value, 1)


def difference_text(metric: str, difference: float) -> str:
    return f"{difference:+.{METRIC_DIGITS[metric]}f}" if metric in METRIC_DIGITS else fmt.pp(difference, lang, 1)


def retrain() -> None:
    """Run the retrain job (admins: the role is checked first, and again by the job), its progress in a status box;
    on success remember what to say and rerun the page, which then shows the candidate."""
    if not auth.allowed("retrain_model", None, lang):
        return
    with st.status(t("model.retraining", lang), expanded=True) as box:
        bar = box.progress(0.0, text=t("model.step.features", lang))
        try:
            bundle = model_data.retrain(auth.actor(),
                                        lambda step, fraction: bar.progress(fraction, t(f"model.step.{step}", lang)))
        except model_data.RETRAIN_ERRORS as exc:
            box.update(label=t("model.retrain_failed", lang), state="error")
            st.error(t("model.retrain_error", lang, message=str(exc)))
            return
        box.update(state="complete")
    st.session_state[RETRAINED_KEY] = (bundle.version, bundle.metadata["metrics"]["auc_oot"])
    st.rerun()


def promote(version: str) -> None:
    """Make the candidate live (admins: checked here and again by the job) and score with it; rerun the page."""
    if not auth.allowed("promote_model", version, lang):
        return
    with st.spinner(t("model.promoting", lang)):
        try:
            model_data.promote(version, auth.actor())
        except model_data.RETRAIN_ERRORS as exc:
            st.error(t("model.promote_error", lang, message=str(exc)))
            return
    st.session_state[PROMOTED_KEY] = version
    st.rerun()


CANDIDATE_CARDS_A_ROW = 3  # six cards in one row cut their labels ("Top-10% capt…") at 1440 px


def candidate_section(candidate: dict) -> None:
    """The candidate's validation figures beside the live model's, its calibration, and the confirmation that
    must be ticked before the button that makes it live does anything (one per version: a tick given to an
    earlier candidate does not carry over to a newer one)."""
    version, live = candidate["version"], candidate["live_version"]
    st.subheader(t("model.candidate", lang, version=version))
    st.caption(t("model.candidate_caption" if live else "model.candidate_caption_first", lang,
                 created_at=candidate["created_at"].strftime("%Y-%m-%d %H:%M"),
                 month_end=candidate["oot_month_end"].isoformat(), live=live))
    rows = list(candidate["metrics"].iter_rows(named=True))
    columns = [column for start in range(0, len(rows), CANDIDATE_CARDS_A_ROW)
               for column in st.columns(CANDIDATE_CARDS_A_ROW)][:len(rows)]
    for column, row in zip(columns, rows, strict=True):
        name = row["metric"]
        column.metric(t(f"model.metric.{name}", lang), metric_text(name, row["candidate"]),
                      delta=None if row["live"] is None else difference_text(name, row["difference"]),
                      delta_color="inverse" if row["lower_is_better"] else "normal",
                      help=t(f"model.metric_help.{name}", lang), border=True)
        if row["live"] is not None:
            column.caption(t("model.candidate_live_value", lang, value=metric_text(name, row["live"])))
    chart_box, text_box = st.columns([3, 2])
    chart_box.markdown(f"**{t('model.candidate_calibration', lang)}**")
    chart_box.altair_chart(model_charts.calibration_chart(candidate["calibration"], lang), width="stretch")
    level = candidate["calibration_in_the_large"]
    text_box.caption(t("model.calibration_caption", lang))
    text_box.caption(t("model.calibration_level", lang, month_end=level["month_end"],
                       rate=fmt.pct(level["observed_rate"]), before=fmt.pd(level["mean_pd_before"])))
    confirmed = text_box.checkbox(t("model.promote_confirm" if live else "model.promote_confirm_first", lang,
                                    version=version, live=live), key=f"promote_confirm_{version}")
    if text_box.button(t("model.promote", lang), key="promote", type="primary", disabled=not confirmed,
                       icon=":material/publish:", help=t("model.promote_help", lang)):
        promote(version)


def retrain_button(label_key: str, place) -> bool:
    return place.button(t(label_key, lang), key="retrain", type="primary", icon=":material/model_training:",
                        help=t("model.retrain_help", lang))


def front_door_section() -> None:
    """The application score at the front door (monitor.origination.front_door): its PSI by month against the
    reference months, with the bands, and the approval rate by channel and month. Shown with or without a live
    early-warning model: the application score is the lender's, not this page's model."""
    st.subheader(t("front_door.model_heading", lang))
    door = front_door_data.front_door(as_of)
    if door.empty:
        st.info(t("front_door.none", lang, as_of=day))
        return
    psi_box, channel_box = st.columns(2)
    psi_box.markdown(f"**{t('front_door.psi_title', lang)}**")
    if door.reference is None:
        psi_box.info(t("front_door.no_reference", lang, months=REFERENCE_MONTHS, first=door.first_day.isoformat()))
    else:
        psi_box.altair_chart(front_door_charts.psi_chart(door.months, lang), width="stretch")
        now = door.this_month
        if now["psi"] is not None:  # None: nobody applied this month yet
            month = front_door_charts.month_label(now["month"], now["month_to_date"], lang)
            psi_box.markdown(t("front_door.psi_latest", lang, month=month, psi=f"{now['psi']:.3f}",
                               verdict=t(f"verdict.{now['verdict']}", lang)))
        first, last = door.reference
        psi_box.caption(t("front_door.psi_caption", lang, first=first.strftime("%Y-%m"), last=last.strftime("%Y-%m"),
                          months=REFERENCE_MONTHS))
        psi_box.caption(t("model.thresholds", lang))
    channel_box.markdown(f"**{t('front_door.channel_title', lang)}**")
    channel_box.altair_chart(front_door_charts.channel_chart(door.channels, lang), width="stretch")
    channel_box.caption(t("front_door.channel_caption", lang, as_of=day))


st.title(t("model.title", lang))
st.caption(t("model.caption", lang))

if data.active_loans(as_of) == 0:
    st.info(t("data.no_active", lang, as_of=day))
    st.stop()
if RETRAINED_KEY in st.session_state:
    version, auc = st.session_state.pop(RETRAINED_KEY)
    st.success(t("model.retrained", lang, version=version, auc=metric_text("auc", auc)), icon=":material/check:")
if PROMOTED_KEY in st.session_state:
    st.success(t("model.promoted", lang, version=st.session_state.pop(PROMOTED_KEY)), icon=":material/check:")

view = model_data.monitoring_view(as_of)
candidate = model_data.candidate_view()
if view is None:
    st.info(t("model.none", lang))
    if retrain_button("model.train_first", st):
        retrain()
    if candidate is not None:
        candidate_section(candidate)
    front_door_section()
    st.stop()

# ------------------------------------------------------------------------------------------- live model
model = view["model"]
st.subheader(t("model.live", lang))
text_box, button_box = st.columns([4, 1], vertical_alignment="center")
text_box.markdown(t("model.live_text", lang, version=model["version"],
                    created_at=model["created_at"].strftime("%Y-%m-%d %H:%M"),
                    selected=model["selected_features"], features=model["features"]))
if retrain_button("model.retrain", button_box):
    retrain()
if candidate is not None:
    candidate_section(candidate)

months = model["train_month_ends"]
train_box, oot_box, range_box = st.columns(3)
train_box.metric(t("model.train_data", lang), f"{months[0]:%Y-%m} – {months[-1]:%Y-%m}", border=True,
                 help=t("model.window_help", lang, horizon=model["horizon_months"]))
sampled = model["training_rows_used"] < model["training_rows"]
train_box.caption(t("model.train_data_sampled" if sampled else "model.train_data_caption", lang,
                    months=len(months), rows=fmt.count(model["training_rows"]),
                    used=fmt.count(model["training_rows_used"]), bad_rate=fmt.pct(model["training_bad_rate"])))
oot_box.metric(t("model.oot_data", lang), model["oot_month_end"].isoformat(), border=True,
               help=t("model.window_help", lang, horizon=model["horizon_months"]))
oot_box.caption(t("model.oot_data_caption", lang, rows=fmt.count(model["oot_rows"]),
                  bad_rate=fmt.pct(model["oot_bad_rate"])))
range_box.metric(t("model.data_range", lang), model["latest_data_date"].isoformat(), border=True)
range_box.caption(t("model.data_range_caption", lang, first=model["first_data_date"].isoformat()))

models = view["models"]
with st.expander(t("model.history", lang, count=models.height)):
    st.caption(t("model.history_caption", lang))
    st.dataframe(
        models, hide_index=True, width="stretch",
        column_config={
            "model_version": st.column_config.TextColumn(t("model.col.version", lang)),
            "created_at": st.column_config.DatetimeColumn(t("model.col.created_at", lang), format="YYYY-MM-DD HH:mm"),
            "oot_month_end": st.column_config.DateColumn(t("model.col.oot_month_end", lang), format="YYYY-MM-DD"),
            "auc_oot": st.column_config.NumberColumn(t("model.col.auc_oot", lang), format="%.3f"),
            "live": st.column_config.CheckboxColumn(t("model.col.live", lang)),
        })

# ----------------------------------------------------------------------------- out-of-time metric cards
st.subheader(t("model.oot", lang, month_end=model["oot_month_end"].isoformat()))
metric_rows = list(view["metrics"].iter_rows(named=True))
for column, row in zip(st.columns(len(metric_rows)), metric_rows, strict=True):
    name = row["metric"]
    column.metric(t(f"model.metric.{name}", lang), metric_text(name, row["champion"]),
                  delta=difference_text(name, row["difference"]),
                  delta_color="inverse" if row["lower_is_better"] else "normal",
                  help=t(f"model.metric_help.{name}", lang), border=True)
    column.caption(t("model.challenger_value", lang, value=metric_text(name, row["challenger"])))
st.caption(t("model.oot_caption", lang, auc_train=metric_text("auc", model["auc_train"])))

# ------------------------------------------------------------------- the oracle (a synthetic book only)
if view["synthetic"]:
    st.subheader(t("model.oracle", lang))
    gap = view["oracle_gap"]
    if view["oracle_absent"] is not None:
        st.info(t(f"model.no_oracle.{view['oracle_absent']}", lang))
    else:
        chart_box, text_box = st.columns([3, 2])
        chart_box.altair_chart(model_charts.oracle_chart(view["oracle"], lang), width="stretch")
        text_box.caption(t("model.oracle_caption", lang))
        text_box.markdown(t("model.oracle_below" if gap > 0 else "model.oracle_above", lang,
                            gap=metric_text("auc", abs(gap))))

# ------------------------------------------------------------------------------------ score distribution
st.subheader(t("model.distribution", lang))
scored = view["scored"]
if scored is None:
    st.info(t("model.not_scored", lang, as_of=day))
else:
    st.caption(t("model.distribution_caption", lang, width=SCORE_BIN_WIDTH, day=scored["day"].isoformat(),
                 loans=fmt.count(scored["loans"])))
st.altair_chart(model_charts.distribution_chart(view["distribution"], scored["day"] if scored else None, lang),
                width="stretch")

# -------------------------------------------------------------------------------------------- stability
st.subheader(t("model.stability", lang))
stability = view["stability"]
psi_box, table_box = st.columns([1, 2])
psi_box.metric(t("model.psi", lang), f"{stability['psi']:.3f}", help=t("model.psi_help", lang), border=True)
psi_box.badge(t(f"verdict.{stability['verdict']}", lang), color=VERDICT_BADGES[stability["verdict"]])
psi_box.caption(t(f"model.stability_{stability['source']}", lang, as_of=stability["as_of"].isoformat()))
psi_box.caption(t("model.thresholds", lang))
csi = stability["csi"].with_columns(
    pl.col("feature").map_elements(lambda name: t(f"feature.{name}", lang), return_dtype=pl.String),
    verdict_label=pl.col("verdict").map_elements(lambda name: t(f"verdict.{name}", lang), return_dtype=pl.String))
verdict_colors = {t(f"verdict.{name}", lang): color for name, color in charts.VERDICT_COLORS.items()}
table_box.caption(t("model.csi_caption", lang))
table_box.dataframe(
    csi.select("feature", "csi", "verdict_label", "in_model").to_pandas().style
    .format({"csi": "{:.4f}"})
    .map(lambda label: f"color: {verdict_colors[label]}; font-weight: 600", subset=["verdict_label"]),
    hide_index=True, width="stretch", height=320,
    column_config={
        "feature": st.column_config.TextColumn(t("model.col.feature", lang)),
        "csi": st.column_config.NumberColumn(t("model.col.csi", lang)),
        "verdict_label": st.column_config.TextColumn(t("model.col.verdict", lang)),
        "in_model": st.column_config.CheckboxColumn(t("model.col.in_model", lang)),
    })

# --------------------------------------------------------------------------- calibration and backtest
calibration_box, backtest_box = st.columns(2)
calibration_box.markdown(f"**{t('model.calibration', lang)}**")
calibration_box.altair_chart(model_charts.calibration_chart(view["calibration"], lang), width="stretch")
calibration_box.caption(t("model.calibration_caption", lang))
level = model["calibration_in_the_large"]
calibration_box.caption(t("model.calibration_level", lang, month_end=level["month_end"],
                          rate=fmt.pct(level["observed_rate"]), before=fmt.pd(level["mean_pd_before"])))
backtest_box.markdown(f"**{t('model.backtest', lang)}**")
backtest_box.altair_chart(model_charts.backtest_chart(view["backtest"], lang), width="stretch")
backtest_box.caption(t("model.backtest_caption", lang))

front_door_section()
