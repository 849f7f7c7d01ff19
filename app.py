"""Delinquency monitor: `streamlit run app.py -- --db PATH` (or MONITOR_DB=PATH).

The shell only: page setup, navigation (pages listed in ui/navigation.py) and the sidebar (language,
as-of date). Each page is a file in pages/ and reads the sidebar state with ui.context.start_page().
"""

import streamlit as st

from monitor.i18n import t
from ui import context, data, navigation

lang = context.language()
st.set_page_config(layout="wide", page_title=t("app.title", lang))
# Navigation before any widget, so that the sidebar widgets keep their identity (and values) even when
# app.py runs from inside a page file (see ui.context.start_page).
page = st.navigation(navigation.pages(lang))
st.sidebar.title(t("app.title", lang))
context.select_language()

fresh = data.freshness()
if fresh.latest_data_date is None:
    st.info(t("error.no_data", lang))
    st.stop()
context.select_as_of(fresh.first_data_date, fresh.latest_data_date)
derived = data.derived_state()
if derived.state == "waiting":
    st.warning(t("derived.waiting", lang, built_through=derived.built_through.isoformat(),
                 since=f"{derived.waiting_since:%Y-%m-%d %H:%M}" if derived.waiting_since
                 else t("derived.since_unknown", lang)))
context.run_page(page)
