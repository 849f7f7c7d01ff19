"""Executive Summary (管理层摘要): one screen of portfolio health with month-on-month and year-on-year deltas,
13-month trends, recent cohorts against earlier ones, the segments that moved most, and the report to forward.

Every figure comes from monitor.views.executive_view; the report is monitor.report's HTML."""

import streamlit as st

from monitor import access, notes, views
from monitor.i18n import t
from ui import alerts_data, auth, charts, context, data, front_door_charts, front_door_data, labels, safe_text
from ui import format as fmt

lang, as_of = context.start_page()
day = as_of.isoformat()


def value_text(kind: str, value: float | None) -> str:
    return {"money": lambda: fmt.money(value, lang), "count": lambda: fmt.count(value),
            "rate": lambda: fmt.pct(value)}[kind]() if value is not None else fmt.NONE


st.title(t("executive.title", lang))
st.caption(t("executive.caption", lang, as_of=day))
limits_line = t("executive.alerts", lang, **alerts_data.counts())
if access.may_open(auth.actor(), "alerts"):  # the line itself links to the page, for those who may open it
    st.page_link("pages/alerts.py", label=t("executive.alerts_linked", lang, line=limits_line),
                 icon=":material/crisis_alert:",
                 help=t("executive.alerts_link", lang))
else:
    st.markdown(f":material/crisis_alert: {limits_line}")

view = data.executive_view(as_of)
kpis = {row["kpi"]: row for row in view["kpis"].iter_rows(named=True)}
if not kpis["active_loans"]["now"]:
    st.info(t("executive.no_active", lang, as_of=day))
    st.stop()

# ------------------------------------------------------------------------------ KPI cards, above the fold
cards = st.container(key="kpi-cards")  # the browser test finds the cards by this key, above the fold
for row in views.KPI_ROWS:
    for column, kpi in zip(cards.columns(len(views.KPI_ROWS[1])), row, strict=False):
        kind, rise_is_bad = views.KPIS[kpi]
        figures = kpis[kpi]
        unchanged = fmt.reads_as_zero(figures["mom"], kind)
        column.metric(notes.kpi_name(kpi, view["nco_month_to_date"], lang), value_text(kind, figures["now"]),
                      delta=fmt.change(figures["mom"], kind, lang),
                      delta_color="off" if unchanged else "inverse" if rise_is_bad else "normal",
                      delta_arrow="off" if unchanged else "auto",
                      delta_description=t("executive.mom", lang), help=t(f"kpi.{kpi}_help", lang), border=True)
        column.caption(t("executive.yoy", lang, delta=fmt.change(figures["yoy"], kind, lang) or fmt.NONE))

download_box, note_box = st.columns([1, 3])
download_box.download_button(t("executive.download", lang), data=data.report_html(as_of, lang),
                             file_name=f"report-{day}.html", mime="text/html", icon=":material/download:",
                             help=t("executive.download_help", lang, as_of=day), key="executive_export",
                             on_click=auth.record, args=("export", "executive_report",
                                                         {"as_of": day, "lang": lang, "format": "html"}))
note_box.caption(notes.ecl_note(view["ecl"]["basis"], lang))

# ------------------------------------------------------------------------------------------------ trends
st.subheader(t("executive.trends", lang))
if view["balance"].height == 0:
    st.info(t("executive.no_trend", lang))
else:
    for row in ((("executive.balance_trend", charts.balance_trend_chart(view["balance"], lang)),
                 ("executive.rate_trend", charts.dpd_trend_chart(view["rates"], "balance", lang, lagged=False))),
                (("executive.nco_trend", charts.nco_chart(view["nco"], lang)),
                 ("executive.cash_trend", charts.cash_chart(view["cash"], lang)))):
        for column, (title, chart) in zip(st.columns(2), row, strict=True):
            column.markdown(f"**{t(title, lang)}**")
            column.altair_chart(chart, width="stretch")

# ------------------------------------------------------------------------------------------- front door
st.subheader(t("front_door.heading", lang))
door = front_door_data.front_door(as_of, psi=False)
if door.empty:
    st.info(t("front_door.none", lang, as_of=day))
else:
    now = door.this_month
    month, to_day = now["month"].strftime("%Y-%m"), as_of.strftime("%m-%d")
    to_date = now["month_to_date"]
    compared = t("front_door.vs_same_days" if to_date else "front_door.vs_last_month", lang)
    figure_box, chart_box = st.columns([1, 2])
    change = now["applications_change"]
    figure_box.metric(
        t("front_door.applications_to_date", lang, day=to_day) if to_date
        else t("front_door.applications_month", lang, month=month),
        fmt.count(now["applications"]), delta=fmt.change(change, "count", lang),
        delta_color="off" if fmt.reads_as_zero(change, "count") else "normal", delta_description=compared,
        help=t("front_door.applications_help", lang), border=True)
    figure_box.metric(
        t("front_door.approval_rate_to_date", lang, day=to_day) if to_date
        else t("front_door.approval_rate_month", lang, month=month),
        value_text("rate", now["approval_rate"]), delta=fmt.change(now["approval_rate_change"], "rate", lang),
        delta_color="off", delta_description=compared, help=t("front_door.approval_rate_help", lang), border=True)
    score = fmt.NONE if now["mean_score"] is None else f"{now['mean_score']:.1f}"
    if now["previous_applications"] is None:
        figure_box.caption(t("front_door.compared_first", lang, month=month, overrides=fmt.count(now["overrides"]),
                             score=score))
    else:
        figure_box.caption(t("front_door.compared_to_date" if to_date else "front_door.compared_month", lang,
                             month=month, previous=now["previous_month"].strftime("%Y-%m"),
                             days=now["compared_days"], previous_applications=fmt.count(now["previous_applications"]),
                             previous_rate=value_text("rate", now["previous_approval_rate"]),
                             overrides=fmt.count(now["overrides"]), score=score))
    chart_box.markdown(f"**{t('front_door.trend', lang)}**")
    chart_box.altair_chart(front_door_charts.trend_chart(door.months, lang), width="stretch")

# ------------------------------------------------------------------------------------ vintage comparison
st.subheader(t("executive.vintage", lang))
comparison = view["vintage_comparison"]
mob = comparison["mob"]
if comparison["recent"] is None or comparison["earlier"] is None:
    st.info(t("executive.no_vintage", lang, mob=mob))
else:
    recent_box, earlier_box, change_box = st.columns(3)
    recent_box.metric(t("executive.vintage_recent", lang, mob=mob), fmt.pct(comparison["recent"]), border=True)
    earlier_box.metric(t("executive.vintage_earlier", lang, mob=mob), fmt.pct(comparison["earlier"]), border=True)
    change_box.metric(t("executive.vintage_change", lang), fmt.pp(comparison["difference"], lang), border=True,
                      help=t("executive.vintage_change_help", lang))
    st.caption(t("executive.vintage_cohorts", lang,
                 recent=t("fmt.list_separator", lang).join(comparison["recent_cohorts"]),
                 earlier=t("fmt.list_separator", lang).join(comparison["earlier_cohorts"])))

# ------------------------------------------------------------------------------------------------ movers
st.subheader(t("executive.movers", lang))
movers = view["movers"]
if movers.height == 0:
    st.info(t("executive.no_movers", lang))
else:
    lines = []
    for mover in movers.iter_rows(named=True):
        change = mover["change"]
        direction = "up" if change > 0 else "down" if change < 0 else "flat"
        lines.append("- " + t(f"executive.mover_{direction}", lang, segment=labels.segment(mover["segment"], lang),
                              value=safe_text.escape(labels.segment_value(mover["segment"], mover["value"], lang)),
                              change=fmt.pp_size(change), rate=fmt.pct(mover["rate"])))
    st.markdown("\n".join(lines))
    st.caption(t("executive.movers_caption", lang))
