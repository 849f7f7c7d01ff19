"""The app's pages in menu order. A page is one line here, its roles in monitor.access.PAGE_ROLES, and its file
pages/<stem>.py, titled by the catalog keys nav.<stem> (menu) and <stem>.title (page heading)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from monitor import access
from monitor.i18n import t

PAGES = (
    ("delinquency", ":material/monitoring:"),
    ("today", ":material/today:"),
    ("executive", ":material/summarize:"),
    ("early_warning", ":material/notification_important:"),
    ("collections", ":material/checklist:"),
    ("compliance", ":material/gavel:"),
    ("account", ":material/person_search:"),
    ("model", ":material/query_stats:"),
    ("alerts", ":material/crisis_alert:"),
    ("simulator_loan", ":material/tune:"),
    ("simulator_portfolio", ":material/ssid_chart:"),
    ("credit_policy", ":material/rule:"),
    ("data", ":material/database:"),
    ("admin", ":material/admin_panel_settings:"),
)

# The browser tab's icon, served by the app itself: without one, Streamlit shows the page's Material icon, which the
# browser fetches from Google's font CDN (unreachable in mainland China, and a request that leaves the machine).
FAVICON = Path(__file__).with_name("favicon.png")


def default_page(user: access.Actor) -> str:
    """The page served at the root URL: the first `user` may open (the first of all for a user with none)."""
    return next((stem for stem, _ in PAGES if access.may_open(user, stem)), PAGES[0][0])


def pages(lang: str, user: access.Actor) -> list[st.Page]:
    """The pages for st.navigation: the menu lists those `user` may open; the others stay routable but hidden, so
    that one opened by its URL reaches the shell's gate (ui.auth.gate), which says "no access" and shows nothing."""
    default = default_page(user)
    return [st.Page(f"pages/{stem}.py", title=t(f"nav.{stem}", lang), icon=icon, default=stem == default,
                    visibility="visible" if access.may_open(user, stem) else "hidden")
            for stem, icon in PAGES]


def url_path(stem: str, user: access.Actor = access.LOCAL_USER) -> str:
    """The path of a page's URL for `user`: "" for their default page, else its stem."""
    return "" if stem == default_page(user) else stem
