"""today page (being built)."""

import streamlit as st

from monitor.i18n import t
from ui import context

lang, as_of = context.start_page()
st.title(t("today.title", lang))
st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
