"""Delinquency page (逾期监控), for risk managers: DPD rates, buckets, trends, roll, cure and flow rates,
vintages, FPD and collection entry, and the segments that moved most; for all loans or one segment value.

The page shows one section at a time (monitor.views.DELINQUENCY_SECTIONS), whose figures all come from
monitor.views.delinquency_section: a view computes, and the browser draws, a third of the figures. The view (section,
segment, value, measure, cohort, movers dimension) lives in the URL, so a copied link reproduces it."""

import datetime as dt

import streamlit as st

from monitor.i18n import t
from monitor.metrics import DPD_THRESHOLDS
from monitor.segments import SEGMENTS
from monitor.views import DELINQUENCY_SECTIONS
from ui import charts, context, data, labels, loan_list, safe_text, tables
from ui import format as fmt

lang, as_of = context.start_page()
day = as_of.isoformat()


# The sections, drawn in order at the end of the file; they read the page's choices (lang, measure, segment).

def has_values(frame, column: str) -> bool:
    """Whether a frame has at least one figure to draw in `column`."""
    return frame.height > 0 and frame[column].null_count() < frame.height


def rates_section(rates: dict, buckets) -> None:
    """1, 2: the DPD 1+/30+/60+/90+ rates in the chosen measure (lagged ones beneath), the book by bucket."""
    for column, x in zip(st.columns(len(DPD_THRESHOLDS)), DPD_THRESHOLDS, strict=True):
        rate = rates[f"{x}+"]
        column.metric(t("delinquency.rate", lang, x=x), fmt.pct(rate[measure]), border=True,
                      help=t("delinquency.rate_help", lang, x=x, measure=labels.measure(measure, lang, phrase=True)))
        column.caption(t("delinquency.lagged", lang, lag3=fmt.pct(rate[f"{measure}_lag3"]),
                         lag6=fmt.pct(rate[f"{measure}_lag6"])))
    st.subheader(t("delinquency.buckets", lang))
    for column, chart in zip(st.columns(2), charts.bucket_charts(buckets, lang), strict=True):
        column.altair_chart(chart, width="stretch")


def trend_section(series) -> None:
    """3: 30+ and 90+ rates over 13 month-ends, coincident solid, lagged dashed."""
    st.subheader(t("delinquency.trend", lang))
    if has_values(series, "coincident"):
        st.caption(t("delinquency.trend_caption", lang))
        st.altair_chart(charts.dpd_trend_chart(series, measure, lang), width="stretch")
    else:
        st.info(t("delinquency.no_month_ends", lang))


def roll_section(rolls) -> None:
    """4: the roll-rate matrix of the latest pair of month-ends."""
    if rolls.height:
        start, end = rolls["from_month_end"][0].isoformat(), rolls["to_month_end"][0].isoformat()
        st.subheader(t("delinquency.rolls", lang, start=start, end=end))
        st.caption(t("delinquency.rolls_caption", lang, measure=labels.measure(measure, lang, phrase=True)))
        st.altair_chart(charts.roll_heatmap(rolls, measure, lang), width="stretch")
    else:
        st.subheader(t("delinquency.rolls_none", lang))
        st.info(t("delinquency.no_rolls", lang))


def cure_and_flow_section(cures, flows, implied: dict) -> None:
    """5: cure rates by bucket over time, the flow-rate chain and the loss rate it implies."""
    cure_box, flow_box = st.columns(2)
    with cure_box:
        st.subheader(t("delinquency.cures", lang))
        if cures.height:
            st.altair_chart(charts.cure_chart(cures, measure, lang), width="stretch")
        else:
            st.info(t("delinquency.no_cures", lang))
    with flow_box:
        st.subheader(t("delinquency.flows", lang))
        if has_values(flows, "rate"):
            st.altair_chart(charts.flow_chart(flows, lang), width="stretch")
        else:
            st.info(t("delinquency.no_flows", lang))
    loss_box, loss_note = st.columns([1, 3])
    loss_box.metric(t("delinquency.implied_loss", lang), fmt.pct(implied["loss_rate"]), border=True)
    loss_note.caption(t("delinquency.implied_loss_help", lang, months=implied["months"]))
    if implied["loss_rate"] is None:
        missing = [labels.flow_step(step, lang) for step, rate in implied["steps"].items() if rate is None]
        loss_note.caption(t("delinquency.implied_loss_missing", lang, months=implied["months"],
                            steps=t("fmt.list_separator", lang).join(missing)))


def vintage_section(vintages) -> None:
    """6: vintage curves, one line per cohort, the chosen cohort highlighted."""
    st.subheader(t("delinquency.vintages", lang))
    if not vintages.height:
        st.info(t("delinquency.no_vintages", lang))
        return
    cohorts = sorted(vintages["cohort"].unique().to_list(), reverse=True)
    cohort_box, ever_box = st.columns([1, 2])
    # by default the newest cohort three months on book, the first whose curve has a shape
    cohort = context.url_choice(cohort_box.selectbox, t("delinquency.cohort", lang), cohorts, param="cohort",
                                scope=segment, default=cohorts[min(3, len(cohorts) - 1)])
    ever = context.url_choice(ever_box.radio, t("delinquency.ever", lang), ("30", "90"), param="ever",
                              default="30", horizontal=True, format_func=lambda x: t(f"delinquency.ever_{x}", lang))
    st.caption(t("delinquency.vintage_caption", lang, measure=labels.measure(measure, lang, phrase=True)))
    st.altair_chart(charts.vintage_chart(vintages, int(ever), measure, cohort, lang), width="stretch")


def early_default_section(fpd, entry, entry_day, entry_mtd) -> None:
    """7: FPD30 by cohort and the daily collection entry rate, with the day's and the month-to-date rate."""
    fpd_box, entry_box = st.columns(2)
    for box, title, frame, chart, empty in (
            (fpd_box, "delinquency.fpd", fpd, charts.fpd_chart, "delinquency.no_fpd"),
            (entry_box, "delinquency.entry", entry, charts.entry_chart, "delinquency.no_entry")):
        with box:
            st.subheader(t(title, lang))
            if frame.height:
                st.altair_chart(chart(frame, lang), width="stretch")
            else:
                st.info(t(empty, lang))
    entry_box.caption(t("delinquency.entry_rates", lang,
                        day=fmt.pct(entry_day["rate"]) if entry_day["due"] else t("delinquency.entry_none_today", lang),
                        mtd=fmt.pct(entry_mtd["rate"]), due=fmt.count(entry_mtd["due"]),
                        entered=fmt.count(entry_mtd["entered"]), first=entry_mtd["first"].isoformat(),
                        last=entry_mtd["last"].isoformat()))


def movers_section(movers, dimension: str, since: dt.date) -> None:
    """8: the values of one segment dimension, largest movers of the 30+ rate first, and the delinquent loans
    of the value chosen."""
    st.subheader(t("delinquency.movers", lang))
    dimension_box, loans_box = st.columns(2)
    context.url_choice(dimension_box.selectbox, t("delinquency.movers_dimension", lang), tuple(SEGMENTS),
                       param="movers", default=dimension, format_func=lambda s: labels.segment(s, lang))
    if not movers.height:
        st.info(t("delinquency.no_movers", lang))
        return
    st.caption(t("delinquency.movers_caption", lang, as_of=day, since=since.isoformat()))
    tables.segment_movers(movers, dimension, lang)
    chosen = loans_box.selectbox(t("delinquency.loans_of", lang), movers["value"].to_list(),
                                 key="delinquency.loans_of",
                                 format_func=lambda v: labels.segment_value(dimension, v, lang))
    chosen_scope = safe_text.escape(labels.scope(dimension, chosen, lang))  # a value stored in the book
    loans = data.delinquent_loans(as_of, dimension, chosen)
    if loans.height:
        total = int(loans["delinquent_total"][0])
        note, download = st.columns([3, 1], vertical_alignment="bottom")
        note.markdown(t("delinquency.loans", lang, scope=chosen_scope, shown=fmt.count(loans.height),
                        total=fmt.count(total)))
        note.caption(f'{t("delinquency.masked", lang)} {t("list_export.open_hint", lang)}')
        loan_list.export_button(download, t("list_export.download", lang),
                                loan_list.delinquent_csv(as_of, dimension, chosen, lang),
                                file_name=f"delinquent_loans_{day}.csv", key="delinquency.export",
                                what="delinquent_loans_csv",
                                parameters={"as_of": as_of, "segment": dimension, "value": chosen}, rows=total,
                                help=t("list_export.delinquent_help", lang, scope=chosen_scope,
                                       total=fmt.count(total)))
        tables.delinquent_loans(loans, lang, as_of)
    else:
        st.info(t("delinquency.no_loans", lang, scope=chosen_scope))


# ------------------------------------------------------------------------------------------------ the page
st.title(t("delinquency.title", lang))
st.caption(t("delinquency.caption", lang))

segment_box, value_box, measure_box = st.columns([1, 1, 1])
segment = context.url_choice(segment_box.selectbox, t("delinquency.segment", lang), labels.SEGMENT_CHOICES,
                             param="segment", default=labels.ALL, format_func=lambda s: labels.segment(s, lang))
if segment == labels.ALL:
    value_box.selectbox(t("delinquency.value", lang), [t("delinquency.all_values", lang)], disabled=True)
    context.drop_choice("value")
    segment = value = None
else:
    known = data.segment_values(segment)
    value = context.url_choice(value_box.selectbox, t("delinquency.value", lang),
                               labels.ordered_values(segment, known, lang), param="value", scope=segment,
                               keep_unknown=True, format_func=lambda v: labels.segment_value(segment, v, lang))
measure = context.url_choice(measure_box.radio, t("delinquency.measure", lang), ("balance", "count"),
                             param="measure", default="balance", horizontal=True,
                             format_func=lambda m: labels.measure(m, lang))
scope = safe_text.escape(labels.scope(segment, value, lang))  # the value may come from the URL
movers_dimension = context.held_choice("movers", tuple(SEGMENTS), "product")

section = context.url_choice(st.segmented_control, t("delinquency.section", lang), DELINQUENCY_SECTIONS,
                             param="section", default=DELINQUENCY_SECTIONS[0], required=True, say_replaced=True,
                             format_func=lambda s: t(f"delinquency.section.{s}", lang),
                             help=t("delinquency.section_help", lang))
context.show_url_notices(lang)
if segment is None and not data.active_loans(as_of):
    st.info(t("delinquency.no_active", lang, as_of=day))
    st.stop()
st.markdown(t("delinquency.scope", lang, scope=scope, as_of=day, measure=labels.measure(measure, lang)))
view = data.delinquency_section(section, as_of, segment, value, movers_dimension)
if section == "rates":
    if view["rates"]["1+"]["count"] is None:  # monitor gives no rate when no loan is active
        st.info(t("delinquency.segment_empty", lang, scope=scope, as_of=day))
    else:
        rates_section(view["rates"], view["buckets"])
    trend_section(view["series"])
elif section == "rolls":
    roll_section(view["rolls"])
    cure_and_flow_section(view["cures"], view["flows"], view["implied_loss"])
elif section == "vintages":
    vintage_section(view["vintages"])
    early_default_section(view["fpd"], view["entry"], view["entry_day"], view["entry_mtd"])
else:
    movers_section(view["movers"], movers_dimension, view["movers_since"])
