"""The app's pages in menu order. A page is one line here plus its file pages/<stem>.py, titled by the
catalog keys nav.<stem> (menu) and <stem>.title (page heading)."""

from __future__ import annotations

import streamlit as st

from monitor.i18n import t

PAGES = (
    ("delinquency", ":material/monitoring:"),
    ("today", ":material/today:"),
    ("executive", ":material/summarize:"),
    ("early_warning", ":material/notification_important:"),
    ("account", ":material/person_search:"),
    ("model", ":material/query_stats:"),
    ("simulator_loan", ":material/tune:"),
    ("simulator_portfolio", ":material/ssid_chart:"),
    ("data", ":material/database:"),
)


def pages(lang: str) -> list[st.Page]:
    """The pages for st.navigation; the first is the default page, served at the root URL."""
    return [st.Page(f"pages/{stem}.py", title=t(f"nav.{stem}", lang), icon=icon, default=i == 0)
            for i, (stem, icon) in enumerate(PAGES)]


def url_path(stem: str) -> str:
    """The path of a page's URL: "" for the default page, else its stem."""
    return "" if stem == PAGES[0][0] else stem
