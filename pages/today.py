"""Today page: the latest data day as it happens (payments, new loans, collection actions, loans entering
M1 and curing, the DPD rates against yesterday), refreshed every few seconds without a page reload.

Only the two fragments below rerun on their timer: the figures and chart, and the count of the events that came in
since the events table was drawn. Every choice (the measure, the event kind) and the events table are drawn outside
them, so a refresh never redraws a widget the user is working with (a selectbox drawn inside a refreshing fragment
closed under the user's hand, and a pick could be lost; rows that moved under the pointer opened another loan).
"""

import streamlit as st

from monitor.i18n import plural, t
from ui import context, incident, labels, loan_list, today_charts, today_data
from ui import format as fmt

MEASURES = ("count", "balance")
EVENT_KINDS = ("payments", "loans", "actions")
EVENT_COUNTS = {"payments": "payments", "loans": "new_loans", "actions": "actions"}  # the day's count of each kind

lang, as_of = context.start_page()
st.title(t("today.title", lang))
latest = today_data.latest_day()
measure = context.url_choice(st.radio, t("today.measure", lang), MEASURES, param="measure", horizontal=True,
                             format_func=lambda m: labels.measure(m, lang))


def _figures(view: dict) -> None:
    cards = st.columns(4)
    cards[0].metric(t("today.payments", lang), fmt.count(view["payments"]), border=True)
    cards[1].metric(t("today.collected", lang), fmt.money(view["collected"], lang), border=True)
    cards[2].metric(t("today.new_loans", lang), fmt.count(view["new_loans"]), border=True,
                    help=t("today.new_loans_help", lang, principal=fmt.money(view["new_principal"], lang)))
    cards[3].metric(t("today.actions", lang), fmt.count(view["actions"]), border=True,
                    help=t("today.actions_help", lang, promises=fmt.count(view["promises"])))
    cards = st.columns(4)
    cards[0].metric(t("today.entered_m1", lang), fmt.count(view["entered_m1"]), border=True,
                    help=t("today.entered_m1_help", lang, balance=fmt.money(view["entered_m1_balance"], lang)))
    cards[1].metric(t("today.cured", lang), fmt.count(view["cured"]), border=True,
                    help=t("today.cured_help", lang, balance=fmt.money(view["cured_balance"], lang)))
    for card, x in zip(cards[2:], ("1+", "30+"), strict=True):
        now, before = view["rates"]["today"][x][measure], view["rates"]["yesterday"][x][measure]
        change = None if now is None or before is None else now - before
        unchanged = fmt.reads_as_zero(change, "rate")
        card.metric(t("today.rate", lang, x=x), fmt.pct(now), fmt.change(change, "rate", lang),
                    delta_color="off" if unchanged else "inverse", delta_arrow="off" if unchanged else "auto",
                    border=True, help=t("today.rate_help", lang, days=x.rstrip("+"), yesterday=fmt.pct(before),
                                        measure=labels.measure(measure, lang, phrase=True)))


@st.fragment(run_every=today_data.REFRESH_SECONDS)
@incident.reported(lang)  # a timed rerun runs the fragment alone, outside app.py's handler
def live_figures() -> None:
    """The day's figures and chart; on a new data day the whole page moves to it."""
    view = today_data.today_view(as_of)
    if as_of == latest and view["latest"] != latest:
        st.rerun()
    st.caption(t("today.caption", lang, day=as_of.isoformat(), previous=view["previous"].isoformat(),
                 seconds=today_data.REFRESH_SECONDS))
    if as_of != latest:
        st.info(t("today.past_day", lang, day=as_of.isoformat(), latest=latest.isoformat()))
    if view["active_loans"] == 0:
        st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
        return
    _figures(view)
    st.altair_chart(today_charts.payments_by_hour(view["by_hour"], lang), width="stretch")


@st.fragment(run_every=today_data.REFRESH_SECONDS)
@incident.reported(lang)
def newer_events(kind: str, shown: int) -> None:
    """How many events of `kind` came in since the table was drawn (it showed `shown` of the day), with a button
    that draws the table anew."""
    newer = today_data.today_view(as_of)[EVENT_COUNTS[kind]] - shown
    if newer > 0 and st.button(plural("today.show_newer", lang, newer, n=fmt.count(newer)), key="today.show_newer",
                               icon=":material/refresh:"):
        st.rerun(scope="app")


def events_section(kind: str) -> None:
    """The latest events of `kind` (chosen above, outside any fragment). The table is drawn by a run of the whole
    page only (a choice, a click in it, the newer events' button), never by the timer: a row keeps its place under
    the user's pointer, and a click opens the loan the row showed (ui.loan_list). The refreshing fragment above it
    says how many events came since."""
    view = today_data.today_view(as_of)
    events, total = view["events"][kind], view[EVENT_COUNTS[kind]]
    newer_events(kind, total)
    if events.is_empty():
        st.info(t("today.no_events", lang, day=as_of.isoformat()))
        return
    note, download = st.columns([3, 1], vertical_alignment="bottom")
    note.caption(f'{t("today.events_caption", lang, n=events.height)} {t("list_export.open_hint", lang)}')
    loan_list.export_button(download, t("list_export.download", lang), loan_list.events_csv(as_of, kind, lang),
                            file_name=f"today_{kind}_{as_of.isoformat()}.csv", key=f"today.export.{kind}",
                            what="today_events_csv", parameters={"day": as_of, "kind": kind}, rows=total,
                            help=t("list_export.events_help", lang, day=as_of.isoformat(), total=fmt.count(total),
                                   kind=t(f"today.kind.{kind}", lang)))
    today_charts.events_table(events, kind, lang, as_of)


live_figures()
st.subheader(t("today.events", lang))
events_section(context.url_choice(st.selectbox, t("today.event_kind", lang), EVENT_KINDS, param="events",
                                  format_func=lambda k: t(f"today.kind.{k}", lang)))
