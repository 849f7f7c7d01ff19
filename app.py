"""Delinquency monitor: `streamlit run app.py -- --db PATH` (or MONITOR_DB=PATH).

The shell only: page setup, sign-in (ui.auth), navigation (pages listed in ui/navigation.py, those the user's
roles open), the gate that stops a page the user may not open before it loads any data, and the sidebar
(language, as-of date). Each page is a file in pages/ and reads the sidebar state with ui.context.start_page().
An unexpected error in the shell or a page shows a message with an incident id, its traceback only in the
server's log (ui.incident).
"""

import os

import streamlit as st

from monitor import notes
from monitor.i18n import t
from ui import auth, context, data, incident, navigation, style, warm

os.umask(0o077)  # files the server writes (exports, temporary files, the access file): readable by their owner only
lang = context.language()
st.set_page_config(layout="wide", page_title=t("app.title", lang), page_icon=navigation.FAVICON)
with incident.reported(lang):
    # Navigation before any widget, so that the sidebar widgets keep their identity (and values) even when
    # app.py runs from inside a page file (see ui.context.start_page).
    user = auth.sign_in(lang)
    page = st.navigation(navigation.pages(lang, user), expanded=True)  # every page in the menu, none behind "View more"
    st.set_page_config(page_title=f"{page.title} · {t('app.title', lang)}")  # the browser tab names the page
    context.mark_document_language(lang)
    style.apply()
    st.sidebar.title(t("app.title", lang))
    context.select_language()
    auth.badge(lang)
    auth.gate(page.url_path or navigation.default_page(user), lang)

    fresh = data.freshness()
    if fresh.latest_data_date is None:
        st.info(t("error.no_data", lang))
        st.stop()
    context.select_as_of(fresh.first_data_date, fresh.latest_data_date)
    waiting = notes.derived_waiting(data.derived_state().as_json(), lang)
    if waiting:
        st.warning(waiting)
    context.run_page(page)
    warm.latest_day(fresh.latest_data_date)  # the other pages' figures, after this page has been drawn
